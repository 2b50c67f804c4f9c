"""Fixtures of the sample tests: real municipal files (see data/PROVENANCE.md),
broken files made from them, and a provider with non-open datasets."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action

DATA = Path(__file__).parent / "data"
#: CP932 (it starts with ``№``, which strict Shift_JIS cannot decode), CRLF, two header rows.
KOBE_CP932 = DATA / "kobe_2017okugaihinanjo_cp932.csv"
#: UTF-8 with BOM, CRLF, a header ending in an empty column name.
YAIZU_BOM = DATA / "yaizu_222127_tourism.csv"
#: UTF-8 without BOM, CRLF: the standard 公衆トイレ一覧 layout.
YAIZU_UTF8 = DATA / "yaizu_222127_public_toilet.csv"

SAMPLE_PLUGINS = "odpo_search odpo scheming_datasets scheming_organizations"


def csv_records(path: Path, encoding: str) -> list[list[str]]:
    """Every record of a real CSV file, decoded as its provenance says."""
    with open(path, encoding=encoding, newline="") as stream:
        return [record for record in csv.reader(stream) if any(v.strip() for v in record)]


def records_as_json(path: Path, encoding: str) -> list[dict[str, str]]:
    header, *rows = csv_records(path, encoding)
    return [dict(zip(header, row)) for row in rows]


def xlsx_bytes(records: list[list[Any]], title: str = "Sheet1") -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for record in records:
        sheet.append(record)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def json_bytes(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


@pytest.fixture
def provider() -> dict[str, Any]:
    """An editor of the organisation that publishes the datasets."""
    return factories.User(name="kobe-provider")


@pytest.fixture
def organisation(provider: dict[str, Any]) -> dict[str, Any]:
    sysadmin = factories.Sysadmin()
    return call_action(
        "organization_create",
        context={"user": sysadmin["name"]},
        name="kobe-city",
        title="神戸市",
        provider_type="municipality",
        municipality_code="281000",
        users=[{"name": provider["name"], "capacity": "editor"}],
    )


@pytest.fixture
def make_dataset(provider: dict[str, Any], organisation: dict[str, Any]) -> Callable[..., dict[str, Any]]:
    """``package_create`` of a dataset of the organisation, as its provider."""

    def create(name: str, access_tier: str = "restricted", **fields: Any) -> dict[str, Any]:
        tier_fields: dict[str, Any] = {
            "open": {"license_id": "cc-by-4.0"},
            "registered": {"license_id": "pdl-1.0"},
            "restricted": {"license_id": "odpo-restricted", "secondary_distribution": "prohibited"},
            "paid": {
                "license_id": "odpo-paid",
                "secondary_distribution": "prohibited",
                "price_plans": [
                    {"name": "年間契約", "price_jpy": 120000, "period": "yearly", "delivery": "file"}
                ],
            },
        }[access_tier]
        data_dict = {
            "name": name,
            "title": f"避難場所 {name}",
            "owner_org": organisation["id"],
            "access_tier": access_tier,
            **tier_fields,
            **fields,
        }
        return call_action("package_create", context={"user": provider["name"]}, **data_dict)

    return create


@pytest.fixture
def upload(
    create_with_upload: Callable[..., dict[str, Any]], provider: dict[str, Any]
) -> Callable[..., dict[str, Any]]:
    """``upload(content, filename, package_id=..., **fields)``: a resource
    created (or with ``id=``, updated) with an uploaded file, by the provider."""

    def send(content: bytes, filename: str, **fields: Any) -> dict[str, Any]:
        action = "resource_update" if "id" in fields else "resource_create"
        fields.setdefault("url", filename)
        return create_with_upload(
            content, filename, context={"user": provider["name"]}, action=action, **fields
        )

    return send


def package(dataset_id: str) -> dict[str, Any]:
    return call_action("package_show", id=dataset_id)


def samples_in(dataset_id: str) -> list[dict[str, Any]]:
    return [r for r in package(dataset_id)["resources"] if r.get("is_sample")]
