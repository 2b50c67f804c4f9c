"""Fixtures of the sample tests: real municipal files (see data/PROVENANCE.md),
broken files made from them, and a provider with non-open datasets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from ckan.tests import factories
from ckan.tests.helpers import call_action


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


@pytest.fixture
def mixed_catalogue(make_dataset: Callable[..., Any], upload: Callable[..., Any]) -> dict[str, Any]:
    """A paid dataset with a sample, a restricted and a registered one without,
    and an open one; by name."""
    from sample_support import YAIZU_BOM

    datasets = {
        "tourism": make_dataset("tourism", access_tier="paid"),
        "shelters": make_dataset("shelters"),
        "aed": make_dataset("aed", access_tier="registered"),
        "open-shelters": make_dataset("open-shelters", access_tier="open"),
    }
    upload(YAIZU_BOM.read_bytes(), "tourism.csv", package_id=datasets["tourism"]["id"], format="CSV")
    return datasets
