"""Layout of the statistics page's SVG charts (plain functions of ``views.py``)."""
from __future__ import annotations

import pytest
from ckanext.odpo.views import (
    BAR_GAP,
    BAR_HEIGHT,
    CHART_WIDTH,
    LABEL_WIDTH,
    VALUE_WIDTH,
    bar_chart,
    sector_chart,
    short_label,
)

ROWS = [
    {"key": "open", "label": "公開", "total": 40},
    {"key": "paid", "label": "有償", "total": 10},
    {"key": "", "label": "未設定", "total": 0},
]


def test_bars_are_scaled_to_the_largest_value() -> None:
    chart = bar_chart("tiers", "公開区分別", ROWS, css_prefix="odpo-tier-")
    widths = [bar.width for bar in chart.bars]
    assert widths == [CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH, (CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH) / 4, 0]
    assert [bar.y for bar in chart.bars] == [BAR_GAP + i * (BAR_HEIGHT + BAR_GAP) for i in range(3)]
    assert chart.height == 3 * (BAR_HEIGHT + BAR_GAP) + BAR_GAP


def test_bars_carry_their_key_as_css_class() -> None:
    chart = bar_chart("tiers", "公開区分別", ROWS, css_prefix="odpo-tier-")
    assert [bar.css_class for bar in chart.bars] == [
        "odpo-bar odpo-tier-open",
        "odpo-bar odpo-tier-paid",
        "odpo-bar odpo-tier-not-set",
    ]
    assert bar_chart("licences", "", ROWS).bars[0].css_class == "odpo-bar"


def test_the_description_lists_every_value() -> None:
    chart = bar_chart("tiers", "公開区分別", ROWS)
    assert chart.description == "公開: 40, 有償: 10, 未設定: 0"


def test_an_empty_chart_still_has_a_height() -> None:
    chart = bar_chart("empty", "なし", [])
    assert chart.bars == ()
    assert chart.height > 0


def test_long_labels_are_shortened_but_kept_whole_in_the_tooltip() -> None:
    label = "07 公衆無線LANアクセスポイント一覧"
    chart = bar_chart("standards", "", [{"key": "07", "label": label, "total": 1}])
    assert chart.bars[0].label == short_label(label)
    assert len(chart.bars[0].label) == 14 and chart.bars[0].label.endswith("…")
    assert chart.bars[0].full_label == label
    assert short_label("公開") == "公開"


def test_sector_bars_split_the_full_width_by_share() -> None:
    totals = {
        "organisations": {"total": 105, "public": 12, "private": 93},
        "datasets": {"total": 0, "public": 0, "private": 0},
    }
    chart = sector_chart("sectors", "行政・公的機関と民間", totals)
    organisations, datasets = chart.rows
    public, private = organisations.segments
    span = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    assert public.x == LABEL_WIDTH
    assert private.x == pytest.approx(LABEL_WIDTH + public.width)
    assert public.width + private.width == pytest.approx(span, abs=0.1)
    assert public.share == pytest.approx(12 / 105)
    assert [segment.width for segment in datasets.segments] == [0, 0]
    assert "93" in chart.description
