"""Pages of ckanext-odpo (registered with ``tk.blanket.blueprints``: the
blueprints in ``__all__``).

``/odpo/stats``: the catalogue's figures as tables and server-rendered SVG bar
charts (no JavaScript). The chart geometry is computed here, in plain
functions; the templates only draw it.

``/licences`` and ``/licences/<id>``: the licences of ODPO's harmonised
register (:mod:`ckanext.odpo.licences`), with what each allows, its summary
and its citation example. ``/licences/<id>`` is the canonical URL of the terms
ODPO defines itself (``municipal-custom``, ``odpo-restricted``, ``odpo-paid``).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ckan.plugins.toolkit as tk
from ckanext.odpo.helpers import N_, SECTORS, current_language, sector_label
from ckanext.odpo.licences import Licence, load_register
from ckanext.odpo.samples.views import odpo_samples
from flask import Blueprint

__all__ = ["odpo", "odpo_licences", "odpo_samples"]

odpo = Blueprint("odpo", __name__, url_prefix="/odpo")
odpo_licences = Blueprint("odpo_licences", __name__, url_prefix="/licences")

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


# --- licence pages ----------------------------------------------------------------

#: Flags of a licence as the licence pages list them: what a ✓ row states.
LICENCE_PAGE_FLAGS = {
    "cc_by_4_compatible": N_("Compatible with CC BY 4.0"),
    "attribution_required": N_("Attribution required"),
    "commercial_use": N_("Commercial use allowed"),
    "redistribution": N_("Redistribution allowed"),
    "derivative_works": N_("Derivative works allowed"),
    "share_alike": N_("Share-alike (edited data keeps the same terms)"),
}

#: Placeholders of a citation template as a reader of the template sees them.
CITATION_PLACEHOLDER_LABELS = {
    "provider": N_("[Provider]"),
    "title": N_("[Dataset title]"),
    "url": N_("[Dataset URL]"),
}


def licence_url(licence: Licence) -> str:
    """The canonical URL of ``licence``; ODPO's own terms are pages of this site."""
    if licence.is_defined_by_odpo:
        return str(tk.config.get("ckan.site_url") or "").rstrip("/") + licence.url
    return licence.url


def licence_flag_rows(licence: Licence) -> list[dict[str, Any]]:
    """One row per flag: ``name``, ``label``, ``value`` (True / False / None),
    ``mark`` (✓ / ✗ / –) and ``value_label``."""
    flags = licence.flags.as_dict()
    return [
        {
            "name": name,
            "label": tk._(label),
            "value": flags[name],
            "mark": _flag_mark(flags[name]),
            "value_label": _flag_value_label(flags[name]),
        }
        for name, label in LICENCE_PAGE_FLAGS.items()
    ]


def _flag_mark(value: bool | None) -> str:
    return "–" if value is None else ("✓" if value else "✗")


def _flag_value_label(value: bool | None) -> str:
    if value is None:
        return tk._("Set by the provider's terms")
    return tk._("Yes") if value else tk._("No")


def citation_template(licence: Licence, *, modified: bool = False) -> str:
    """The citation example of ``licence`` with readable placeholders
    (「出典：［提供者名］「［データセット名］」…」)."""
    labels = {name: tk._(label) for name, label in CITATION_PLACEHOLDER_LABELS.items()}
    return licence.citation(labels["provider"], labels["title"], labels["url"], modified=modified)


def licence_page_terms(licence: Licence) -> dict[str, Any]:
    """What the licence pages show of ``licence``."""
    english = current_language() == "en"
    return {
        "id": licence.id,
        "title": licence.title_en if english else licence.title,
        "short_name": licence.short_name,
        "url": licence_url(licence),
        "is_open": licence.is_open,
        "flags": licence_flag_rows(licence),
        "summary": licence.summary_ja,
        "citation": citation_template(licence),
        "modified_citation": citation_template(licence, modified=True),
    }


@odpo_licences.route("")
def licence_index() -> str:
    """Every licence of the harmonised register."""
    licences = [licence_page_terms(licence) for licence in load_register().values()]
    return tk.render("odpo/licences.html", extra_vars={"licences": licences})


@odpo_licences.route("/<licence_id>")
def licence_read(licence_id: str) -> str:
    """One licence of the register; 404 for an id the register does not hold."""
    licence = load_register().get(licence_id)
    if licence is None:
        tk.abort(404, tk._("Licence not found"))
    return tk.render("odpo/licence.html", extra_vars={"licence": licence_page_terms(licence)})
