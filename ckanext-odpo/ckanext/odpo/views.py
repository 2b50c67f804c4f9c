"""Pages of ckanext-odpo (registered with ``tk.blanket.blueprints``: the
blueprints in ``__all__``).

``/odpo/stats``: the catalogue's figures as tables and server-rendered SVG bar
charts (no JavaScript). The chart geometry is computed here, in plain
functions; the templates only draw it.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ckan.plugins.toolkit as tk
from ckanext.odpo.helpers import SECTORS, sector_label
from flask import Blueprint

__all__ = ["odpo"]

odpo = Blueprint("odpo", __name__, url_prefix="/odpo")

#: Breakdowns shown as charts on the statistics page, in page order.
CHARTED_BREAKDOWNS = (
    "datasets_by_access_tier",
    "datasets_by_licence",
    "datasets_by_standard",
    "datasets_by_freshness",
    "organisations_by_provider_type",
)

#: Chart geometry (SVG user units; the SVG scales to the page width).
CHART_WIDTH = 640
LABEL_WIDTH = 200
VALUE_WIDTH = 56
BAR_HEIGHT = 22
BAR_GAP = 8
MAX_LABEL_CHARS = 14


@dataclass(frozen=True)
class Bar:
    label: str
    full_label: str
    value: int
    y: int
    width: float
    css_class: str


@dataclass(frozen=True)
class BarChart:
    """A horizontal bar chart: one bar per row of a breakdown."""

    chart_id: str
    title: str
    bars: tuple[Bar, ...]
    width: int = CHART_WIDTH
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def height(self) -> int:
        return max(1, len(self.bars)) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP

    @property
    def description(self) -> str:
        return ", ".join(f"{bar.full_label}: {bar.value}" for bar in self.bars)


@dataclass(frozen=True)
class Segment:
    sector: str
    label: str
    value: int
    x: float
    width: float
    share: float


@dataclass(frozen=True)
class SectorRow:
    label: str
    y: int
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class SectorChart:
    """Public vs private share of organisations, datasets and resources
    (100 % stacked bars)."""

    chart_id: str
    title: str
    rows: tuple[SectorRow, ...]
    width: int = CHART_WIDTH
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def height(self) -> int:
        return len(self.rows) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP

    @property
    def description(self) -> str:
        return "; ".join(
            f"{row.label}: " + ", ".join(f"{s.label} {s.value}" for s in row.segments)
            for row in self.rows
        )


def short_label(label: str, limit: int = MAX_LABEL_CHARS) -> str:
    """``label`` cut to ``limit`` characters with an ellipsis."""
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(
    chart_id: str, title: str, rows: Sequence[Mapping[str, Any]], css_prefix: str = ""
) -> BarChart:
    """Lay out a bar chart of ``rows`` (``{"key", "label", "total"}``).

    Bars are scaled to the largest total; a zero gets no bar, only its number.
    """
    largest = max((row["total"] for row in rows), default=0) or 1
    scale = (CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH) / largest
    bars = tuple(
        Bar(
            label=short_label(row["label"]),
            full_label=row["label"],
            value=row["total"],
            y=BAR_GAP + index * (BAR_HEIGHT + BAR_GAP),
            width=round(row["total"] * scale, 1),
            css_class=_bar_class(css_prefix, row["key"]),
        )
        for index, row in enumerate(rows)
    )
    return BarChart(chart_id=chart_id, title=title, bars=bars)


def _bar_class(css_prefix: str, key: str) -> str:
    """``odpo-bar``, plus ``<prefix><key>`` where bars are coloured by key."""
    return f"odpo-bar {css_prefix}{key or 'not-set'}" if css_prefix else "odpo-bar"


def sector_chart(chart_id: str, title: str, totals: Mapping[str, Mapping[str, int]]) -> SectorChart:
    """Lay out the public / private shares of each total (``{"public", "private"}``)."""
    rows = tuple(
        SectorRow(total_label(name), BAR_GAP + index * (BAR_HEIGHT + BAR_GAP), _segments(counts))
        for index, (name, counts) in enumerate(totals.items())
    )
    return SectorChart(chart_id=chart_id, title=title, rows=rows)


def _segments(counts: Mapping[str, int]) -> tuple[Segment, ...]:
    """One segment per sector, side by side, together as wide as a full bar."""
    span = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    whole = sum(counts[sector] for sector in SECTORS) or 1
    x = float(LABEL_WIDTH)
    segments = []
    for sector in SECTORS:
        share = counts[sector] / whole
        width = round(share * span, 1)
        segments.append(Segment(sector, sector_label(sector), counts[sector], x, width, share))
        x += width
    return tuple(segments)


def total_label(name: str) -> str:
    """「登録組織数」, 「カタログ数（データセット）」, 「データ数（リソース）」."""
    labels = {
        "organisations": tk._("Registered organisations"),
        "datasets": tk._("Catalogues (datasets)"),
        "resources": tk._("Data (resources)"),
    }
    return labels.get(name, name)


def chart_titles() -> dict[str, str]:
    return {
        "datasets_by_access_tier": tk._("Datasets by access tier"),
        "datasets_by_licence": tk._("Datasets by licence"),
        "datasets_by_standard": tk._("Datasets by standard dataset type"),
        "datasets_by_freshness": tk._("Datasets by freshness"),
        "organisations_by_provider_type": tk._("Organisations by provider type"),
    }


def statistics_page_charts(figures: Mapping[str, Any]) -> dict[str, Any]:
    """Everything the statistics page draws, from the action's result."""
    titles = chart_titles()
    charts = {
        name: bar_chart(
            f"odpo-chart-{name.replace('_', '-')}",
            titles[name],
            [row for row in figures[name] if name != "datasets_by_standard" or row["key"]],
            css_prefix=_css_prefix(name),
        )
        for name in CHARTED_BREAKDOWNS
    }
    sectors = sector_chart("odpo-chart-sectors", tk._("Public and private sector"), figures["totals"])
    return {"sectors": sectors, "breakdowns": charts, "titles": titles}


def _css_prefix(name: str) -> str:
    prefixes = {"datasets_by_access_tier": "odpo-tier-", "datasets_by_freshness": "odpo-freshness-"}
    return prefixes.get(name, "")


@odpo.route("/stats")
def stats() -> str:
    """The statistics page: figures, charts and their tables."""
    figures = tk.get_action("odpo_catalogue_statistics")({}, {})
    return tk.render(
        "odpo/stats.html",
        extra_vars={"figures": figures, **statistics_page_charts(figures)},
    )
