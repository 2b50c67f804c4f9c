"""Test files and helpers of the sample tests (imported by name: pytest puts
this folder on ``sys.path``)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

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


def package(dataset_id: str) -> dict[str, Any]:
    return call_action("package_show", id=dataset_id)


def samples_in(dataset_id: str) -> list[dict[str, Any]]:
    return [r for r in package(dataset_id)["resources"] if r.get("is_sample")]
