"""Resources of demo datasets: names, formats and URLs by resource style.

A style lists, in order, the resources a dataset of that kind would carry;
a dataset allotted ``n`` resources gets the first ``n``.

Samples (``is_sample``): the private-sector style starts with a sample of the
data product, and its second resource is the product data the sample
illustrates (``sample_of``). A registered or restricted public dataset with
two resources or more gets a sample in place of its last resource, cut from
its first data resource (not documentation), so that the published resource
counts stay exact; a non-open dataset with a single resource has no room for
one.
"""
from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from .plan import ResourcePlan

RESOURCE_HOST = "https://data.example.jp"
MAX_RESOURCES_PER_DATASET = 24

_FILE_EXTENSIONS = {"CSV": "csv", "XLSX": "xlsx", "JSON": "json", "PDF": "pdf"}
#: Formats of resources holding the data itself (not its documentation).
DATA_FORMATS = ("CSV", "XLSX", "JSON", "API")
#: Name suffix of each format, as in 「サンプルデータ（Excel）」.
_FORMAT_LABELS = {"CSV": "CSV", "XLSX": "Excel", "JSON": "JSON"}


@dataclass(frozen=True)
class ResourceContext:
    """What a style needs to know about the dataset it names resources for."""

    dataset_name: str
    title: str
    year: int | None
    fiscal_year: bool
    reference_date: datetime.date


@dataclass(frozen=True)
class ResourceTemplate:
    name: str
    format: str
    description: str
    is_sample: bool = False


def _list_style(context: ResourceContext) -> list[ResourceTemplate]:
    title = context.title
    current = [
        ResourceTemplate(f"{title}（CSV）", "CSV", "CSV形式（UTF-8）のデータです。"),
        ResourceTemplate(f"{title}（Excel）", "XLSX", "Excel形式のデータです。"),
        ResourceTemplate("データ項目定義書", "PDF", "各項目の名称、型、記載方法の説明です。"),
        ResourceTemplate(f"{title}（JSON）", "JSON", "JSON形式のデータです。"),
        ResourceTemplate(f"{title} API", "API", "最新データを取得できるAPIです。"),
    ]
    snapshots = [
        ResourceTemplate(f"{year}年3月末時点（CSV）", "CSV", f"{year}年3月末時点の過去データです。")
        for year in range(context.reference_date.year - 1, 2000, -1)
    ]
    return current + snapshots


def _months(context: ResourceContext) -> list[tuple[int, int]]:
    """The months of the dataset's year that are over by the reference date."""
    year = context.year or context.reference_date.year
    first_month = 4 if context.fiscal_year else 1
    months = []
    for offset in range(12):
        years_on, month_index = divmod(first_month - 1 + offset, 12)
        months.append((year + years_on, month_index + 1))
    reference = (context.reference_date.year, context.reference_date.month)
    return [month for month in months if month < reference] or months[:1]


def _monthly_files(months: list[tuple[int, int]], file_format: str) -> list[ResourceTemplate]:
    return [
        ResourceTemplate(f"{y}年{m}月分（{file_format}）", file_format, f"{y}年{m}月分です。")
        for y, m in months
    ]


def _monthly_style(context: ResourceContext) -> list[ResourceTemplate]:
    months = _months(context)
    year = context.year or context.reference_date.year
    period = "年度" if context.fiscal_year else "年"
    summary = [
        ResourceTemplate(f"{year}{period} 年間集計（Excel）", "XLSX", "月別データの年間集計です。"),
        ResourceTemplate("データ項目定義書", "PDF", "各項目の名称、型、記載方法の説明です。"),
    ]
    return _monthly_files(months, "CSV") + summary + _monthly_files(months, "JSON")


def _statistics_style(context: ResourceContext) -> list[ResourceTemplate]:
    title = context.title
    whole = [
        ResourceTemplate(f"{title}（Excel）", "XLSX", "全表をまとめたExcelファイルです。"),
        ResourceTemplate(f"{title}（CSV）", "CSV", "集計結果のCSVファイルです。"),
        ResourceTemplate(f"{title}（PDF）", "PDF", "冊子版のPDFです。"),
    ]
    tables = [
        ResourceTemplate(f"第{number}表（Excel）", "XLSX", f"統計表 第{number}表です。")
        for number in range(1, MAX_RESOURCES_PER_DATASET)
    ]
    return whole + tables


def _document_style(context: ResourceContext) -> list[ResourceTemplate]:
    title = context.title
    whole = [
        ResourceTemplate(f"{title}（PDF）", "PDF", "本文のPDFです。"),
        ResourceTemplate(f"{title}（Excel）", "XLSX", "掲載している表のExcelファイルです。"),
    ]
    annexes = [
        ResourceTemplate(f"資料{number}（PDF）", "PDF", f"参考資料{number}です。")
        for number in range(1, MAX_RESOURCES_PER_DATASET)
    ]
    return whole + annexes


def _realtime_style(context: ResourceContext) -> list[ResourceTemplate]:
    title = context.title
    observed = [
        ResourceTemplate(f"{title}（CSV）", "CSV", "確定値のCSVファイルです。"),
        ResourceTemplate("データ項目定義書", "PDF", "観測項目と単位の説明です。"),
    ]
    if context.year in (None, context.reference_date.year):
        live = ResourceTemplate(f"{title} API", "API", "観測値をリアルタイムに取得できるAPIです。")
        observed.insert(0, live)
    return observed + _monthly_style(context)[: MAX_RESOURCES_PER_DATASET - len(observed)]


def _sample_style(context: ResourceContext) -> list[ResourceTemplate]:
    offered = [
        ResourceTemplate(
            "サンプルデータ（CSV）", "CSV", "データ仕様を確認できるサンプルです。", is_sample=True
        ),
        ResourceTemplate("提供データ（JSON）", "JSON", "契約者向けの提供データです。"),
        ResourceTemplate("データ仕様書", "PDF", "項目定義、提供範囲、更新方法の説明です。"),
        ResourceTemplate("提供API", "API", "契約者向けのデータ提供APIです。"),
        ResourceTemplate("提供データ（Excel）", "XLSX", "契約者向けの集計表です。"),
    ]
    samples = [
        ResourceTemplate(
            f"サンプルデータ{number}（CSV）", "CSV", f"サンプルデータ{number}です。", is_sample=True
        )
        for number in range(2, MAX_RESOURCES_PER_DATASET)
    ]
    return offered + samples


RESOURCE_STYLES: dict[str, Callable[[ResourceContext], list[ResourceTemplate]]] = {
    "list": _list_style,
    "monthly": _monthly_style,
    "statistics": _statistics_style,
    "document": _document_style,
    "realtime": _realtime_style,
    "sample": _sample_style,
}


def style_capacity(style: str, context: ResourceContext) -> int:
    """How many resources a dataset of this style can carry."""
    return min(MAX_RESOURCES_PER_DATASET, len(RESOURCE_STYLES[style](context)))


def resource_plans(
    style: str, context: ResourceContext, count: int, with_sample: bool = False
) -> tuple[ResourcePlan, ...]:
    """The first ``count`` resources of ``style`` for the dataset in ``context``;
    ``with_sample``: make sure one of them is a sample, if there is room."""
    templates = RESOURCE_STYLES[style](context)[:count]
    if with_sample and not any(template.is_sample for template in templates):
        source = _illustrated_resource(templates[:-1])
        if source is not None:
            templates[-1] = _sample_of(source)
    target = _illustrated_resource(templates)
    return tuple(
        ResourcePlan(
            name=template.name,
            url=resource_url(context.dataset_name, position, template.format),
            format=template.format,
            description=template.description,
            is_sample=template.is_sample,
            sample_of=target.name if template.is_sample and target else None,
        )
        for position, template in enumerate(templates, start=1)
    )


def _sample_of(template: ResourceTemplate) -> ResourceTemplate:
    """A small sample cut from the resource ``template`` (JSON for an API)."""
    file_format = template.format if template.format in _FORMAT_LABELS else "JSON"
    return ResourceTemplate(
        name=f"サンプルデータ（{_FORMAT_LABELS[file_format]}）",
        format=file_format,
        description=f"「{template.name}」の先頭部分を切り出したサンプルです。項目と形式を確認できます。",
        is_sample=True,
    )


def _illustrated_resource(templates: list[ResourceTemplate]) -> ResourceTemplate | None:
    """The data resource the dataset's samples illustrate: its first one."""
    return next(
        (t for t in templates if not t.is_sample and t.format in DATA_FORMATS), None
    )


def resource_url(dataset_name: str, position: int, file_format: str) -> str:
    if file_format == "API":
        return f"{RESOURCE_HOST}/api/v1/{dataset_name}"
    extension = _FILE_EXTENSIONS[file_format]
    return f"{RESOURCE_HOST}/files/{dataset_name}/{position:02d}.{extension}"
