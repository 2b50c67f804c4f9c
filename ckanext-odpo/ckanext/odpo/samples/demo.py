"""Sample files for the samples of the demo catalogue.

The demo loader (:mod:`ckanext.odpo.demo`) creates sample resources that
point at ``https://data.example.jp``, a host that serves nothing. ``ckan odpo
samples demo`` uploads a small made-up table to each of them, shaped like the
data the dataset describes (traffic, people flow, weather, purchases, ... or
a list of facilities), so that the demo's dataset pages show sample tables.
The values are invented and deterministic (seeded by the dataset's name).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import random
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ckanext.odpo.demo.resources import RESOURCE_HOST
from werkzeug.datastructures import FileStorage

from . import resources as sample_resources

DEMO_FILES_PREFIX = f"{RESOURCE_HOST}/files/"
DEMO_ROWS = 12

_PLACES = (
    ("271276", "大阪市北区", 34.7055, 135.4983),
    ("271284", "大阪市中央区", 34.6813, 135.5097),
    ("271403", "堺市堺区", 34.5733, 135.4831),
    ("272035", "豊中市", 34.7813, 135.4697),
    ("272051", "吹田市", 34.7594, 135.5168),
    ("272108", "枚方市", 34.8141, 135.6508),
    ("272272", "東大阪市", 34.6794, 135.6008),
    ("272124", "八尾市", 34.6268, 135.6011),
)

Row = list[Any]
RowMaker = Callable[[random.Random, int, datetime.date], Row]


@dataclass(frozen=True)
class DemoTable:
    keywords: tuple[str, ...]  # found in the dataset's title
    header: tuple[str, ...]
    row: RowMaker


def _place(rng: random.Random) -> tuple[str, str, float, float]:
    return rng.choice(_PLACES)


def _traffic(rng: random.Random, index: int, day: datetime.date) -> Row:
    code, city, _lat, _lon = _place(rng)
    return [
        day.isoformat(),
        f"R{code}-{rng.randint(1, 999):04d}",
        city,
        rng.randint(12, 58),
        rng.randint(80, 4200),
        rng.randint(0, 9),
    ]


def _people(rng: random.Random, index: int, day: datetime.date) -> Row:
    _code, city, _lat, _lon = _place(rng)
    return [
        day.isoformat(),
        f"{index % 24:02d}:00",
        f"5235{rng.randint(1000, 9999)}",
        city,
        rng.randint(200, 9000),
        rng.randint(20, 3000),
    ]


def _weather(rng: random.Random, index: int, day: datetime.date) -> Row:
    _code, city, _lat, _lon = _place(rng)
    return [
        f"{day.isoformat()}T{index % 24:02d}:00",
        city,
        round(rng.uniform(3, 33), 1),
        round(max(0.0, rng.gauss(0.5, 2)), 1),
        round(rng.uniform(0.5, 9), 1),
    ]


def _purchases(rng: random.Random, index: int, day: datetime.date) -> Row:
    _code, city, _lat, _lon = _place(rng)
    category = rng.choice(("食品", "外食", "衣料品", "日用品", "家電", "旅行"))
    count = rng.randint(100, 9000)
    return [day.strftime("%Y-%m"), city, category, count, count * rng.randint(800, 6000)]


def _places(rng: random.Random, index: int, day: datetime.date) -> Row:
    code, city, lat, lon = _place(rng)
    return [
        index + 1,
        code,
        city,
        f"{city}施設{index + 1}",
        f"大阪府{city}{rng.randint(1, 9)}-{rng.randint(1, 30)}",
        round(lat + rng.uniform(-0.01, 0.01), 6),
        round(lon + rng.uniform(-0.01, 0.01), 6),
    ]


DEMO_TABLES = (
    DemoTable(
        ("プローブ", "交通", "車両", "GPS", "事故"),
        ("日付", "道路区間ID", "市区町村", "平均速度（km/h）", "通過台数", "急ブレーキ回数"),
        _traffic,
    ),
    DemoTable(
        ("人流", "乗降", "インバウンド", "人口"),
        ("日付", "時間帯", "メッシュコード", "市区町村", "滞在人口", "うち来訪者"),
        _people,
    ),
    DemoTable(
        ("気象", "洪水", "土砂", "天気"),
        ("日時", "地点", "気温（℃）", "降水量（mm）", "風速（m/s）"),
        _weather,
    ),
    DemoTable(
        ("購買", "消費", "不動産", "売上"), ("年月", "市区町村", "分類", "件数", "金額（円）"), _purchases
    ),
)
FALLBACK_TABLE = DemoTable(
    (), ("NO", "市区町村コード", "市区町村名", "名称", "住所", "緯度", "経度"), _places
)


def demo_table(title: str) -> DemoTable:
    """The made-up table of a dataset with this title."""
    return next((t for t in DEMO_TABLES if any(word in title for word in t.keywords)), FALLBACK_TABLE)


def demo_rows(dataset_name: str, table: DemoTable, rows: int = DEMO_ROWS) -> list[Row]:
    rng = random.Random(dataset_name)
    start = datetime.date(2025, 4, 1)
    return [table.row(rng, index, start + datetime.timedelta(days=index)) for index in range(rows)]


def demo_file(file_format: str, header: tuple[str, ...], rows: list[Row]) -> tuple[bytes, str]:
    """The table as a file of ``file_format`` (CSV, JSON or XLSX) and its extension."""
    if file_format == "JSON":
        records = [dict(zip(header, row)) for row in rows]
        return json.dumps(records, ensure_ascii=False, indent=2).encode("utf-8"), "json"
    if file_format == "XLSX":
        import openpyxl

        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.append(list(header))
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue(), "xlsx"
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8"), "csv"


def demo_samples() -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(dataset, sample resource) of every demo sample still pointing at the demo host."""
    from ckan import model

    query = (
        model.Session.query(model.Resource.id)
        .join(model.Package, model.Package.id == model.Resource.package_id)
        .filter(model.Resource.state == "active", model.Package.state == "active")
        .filter(model.Resource.url.startswith(DEMO_FILES_PREFIX))
        .order_by(model.Package.name, model.Resource.position)
    )
    for (resource_id,) in query.all():
        resource = sample_resources.call_action("resource_show", {"id": resource_id})
        if sample_resources.is_sample(resource):
            dataset = sample_resources.call_action("package_show", {"id": resource["package_id"]})
            yield dataset, resource


def upload_demo_sample(dataset: Mapping[str, Any], sample: Mapping[str, Any]) -> None:
    """Replace the sample's demo URL by an uploaded made-up table."""
    table = demo_table(str(dataset.get("title") or ""))
    file_format = str(sample.get("format") or "CSV").upper()
    content, extension = demo_file(file_format, table.header, demo_rows(str(dataset["name"]), table))
    filename = f"{dataset['name']}-sample.{extension}"
    sample_resources.call_action(
        "resource_patch",
        {
            "id": sample["id"],
            "url": filename,
            "format": {"json": "JSON", "xlsx": "XLSX"}.get(extension, "CSV"),
            "encoding": "UTF-8" if extension != "xlsx" else "",
            "upload": FileStorage(stream=io.BytesIO(content), filename=filename),
        },
    )
