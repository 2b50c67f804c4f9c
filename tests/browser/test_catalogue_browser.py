"""A data user's first visit, in a real browser (Debian chromium driven by
Playwright) against a real CKAN server holding the demo catalogue at scale
0.05: search in Japanese, open a dataset, read its tier badge and licence
summary, then look at the statistics page and its charts."""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

#: Where screenshots of the visited pages go (set ODPO_BROWSER_SCREENSHOTS).
SCREENSHOT_DIR = os.environ.get("ODPO_BROWSER_SCREENSHOTS")
TIER_BADGES = ("公開", "登録ユーザー限定", "限定公開", "有償")


def _screenshot(page: Page, name: str) -> None:
    if SCREENSHOT_DIR:
        Path(SCREENSHOT_DIR).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOT_DIR) / f"{name}.png"), full_page=True)


def _planned_totals(scale: float) -> dict[str, tuple[int, int, int]]:
    from ckanext.odpo.demo import build_catalogue_plan
    from ckanext.odpo.demo.plan import PRIVATE_SECTOR, PUBLIC_SECTOR

    plan = build_catalogue_plan(scale=scale)
    public = (plan.organisations_of(PUBLIC_SECTOR), plan.datasets_of(PUBLIC_SECTOR))
    private = (plan.organisations_of(PRIVATE_SECTOR), plan.datasets_of(PRIVATE_SECTOR))
    return {
        "organisations": (len(plan.organisations), len(public[0]), len(private[0])),
        "datasets": (len(plan.datasets), len(public[1]), len(private[1])),
        "resources": (
            plan.resource_count(),
            plan.resource_count(PUBLIC_SECTOR),
            plan.resource_count(PRIVATE_SECTOR),
        ),
    }


def test_search_in_japanese_and_read_a_dataset(page: Page) -> None:
    page.goto("/dataset/")
    search = page.locator("#field-giant-search")
    search.fill("トイレ")
    search.press("Enter")
    page.wait_for_url(re.compile(r"q=%E3%83%88%E3%82%A4%E3%83%AC|q=トイレ"))
    results = page.locator("li.dataset-item")
    expect(results.first).to_be_visible()
    expect(results.first.locator(".odpo-tier")).to_have_text(re.compile("|".join(TIER_BADGES)))
    _screenshot(page, "search-results")

    results.first.locator(".dataset-heading a").click()
    heading = page.locator("h1")
    expect(heading).to_contain_text("トイレ")
    expect(heading.locator(".odpo-tier")).to_be_visible()
    expect(heading.locator(".odpo-tier")).to_have_text(re.compile("|".join(TIER_BADGES)))
    summary = page.locator(".odpo-licence-summary")
    expect(summary).to_be_visible()
    expect(summary).not_to_have_class(re.compile("odpo-licence-summary-missing"))
    expect(summary).to_have_text(re.compile(r"\S{20,}"))
    expect(page.locator(".odpo-citation").first).to_contain_text("出典")
    expect(page.locator(".odpo-dataset-overview .odpo-provider")).to_be_visible()
    expect(page.locator(".odpo-dataset-overview .odpo-freshness")).to_be_visible()
    _screenshot(page, "dataset")


def test_statistics_page_shows_its_charts_and_the_demo_figures(
    page: Page, catalogue_site: Any, demo_scale: float
) -> None:
    page.goto("/")
    page.locator("a.odpo-stats-link").click()
    page.wait_for_url(re.compile(r"/odpo/stats$"))
    expect(page.locator("h1")).to_have_text("カタログ統計")
    charts = page.locator("svg[role=img]")
    expect(charts).to_have_count(6)
    expect(charts.first).to_be_visible()
    expect(charts.first.locator("rect").first).to_be_visible()
    for name, (total, public, private) in _planned_totals(demo_scale).items():
        cells = page.locator(f"#odpo-figures-totals tr[data-figure={name}] td")
        expect(cells).to_have_text([f"{total:,}", f"{public:,}", f"{private:,}"])
    _screenshot(page, "statistics")
