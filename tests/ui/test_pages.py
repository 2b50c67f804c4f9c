"""Pages of the catalogue in Japanese, rendered by the Flask test app: tier
badges, licence summary and citation, provider type and freshness on the
dataset page, in search results and on the home page; the statistics page."""
from __future__ import annotations

import re
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from ckanext.odpo import vocabularies
from ckanext.odpo.demo import CataloguePlan, DatasetPlan
from ckanext.odpo.demo.plan import PRIVATE_SECTOR, PUBLIC_SECTOR
from ckanext.odpo.freshness import assess_freshness
from ckanext.odpo.helpers import find_licence, provider_type_code
from ui_support import FRESHNESS_BADGES, TIER_BADGES, UI_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", UI_PLUGINS),
    pytest.mark.ckan_config("ckan.locale_default", "ja"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

PROVIDER_LABELS = vocabularies.labels_of(vocabularies.PROVIDER_TYPES)


def _page(app: Any, url: str) -> BeautifulSoup:
    response = app.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _text(element: Tag | None) -> str:
    assert element is not None
    return " ".join(element.get_text(" ", strip=True).split())


def _one_per_tier(plan: CataloguePlan) -> dict[str, DatasetPlan]:
    found: dict[str, DatasetPlan] = {}
    for dataset in plan.datasets:
        found.setdefault(dataset.access_tier, dataset)
    assert set(found) == set(TIER_BADGES), "the demo catalogue should hold every tier"
    return found


def _organisation(plan: CataloguePlan, dataset: DatasetPlan) -> Any:
    return next(org for org in plan.organisations if org.name == dataset.owner_org)


def _freshness_badge(dataset: DatasetPlan) -> str:
    return FRESHNESS_BADGES[assess_freshness(dataset.last_data_update, dataset.update_frequency).status]


def test_dataset_page_shows_tier_licence_provider_and_freshness(
    app: Any, demo_catalogue: CataloguePlan
) -> None:
    for tier, dataset in _one_per_tier(demo_catalogue).items():
        page = _page(app, f"/dataset/{dataset.name}")
        organisation = _organisation(demo_catalogue, dataset)
        assert _text(page.select_one("h1 .odpo-tier")) == TIER_BADGES[tier]
        overview = page.select_one(".odpo-dataset-overview")
        provider = PROVIDER_LABELS[provider_type_code(organisation.provider_type)]
        assert _text(overview.select_one(".odpo-provider")) == provider
        assert _text(overview.select_one(".odpo-freshness")) == _freshness_badge(dataset)
        assert dataset.last_data_update.isoformat() in _text(overview.select_one(".odpo-freshness-detail"))
        _assert_licence_section(overview, dataset, organisation.title)


def _assert_licence_section(overview: Tag, dataset: DatasetPlan, provider: str) -> None:
    licence, _inferred = find_licence(dataset.license_id)
    summary = _text(overview.select_one(".odpo-licence-summary"))
    if licence is None:
        assert "要約がありません" in summary
        return
    assert summary == " ".join(licence.summary_ja.split())
    assert _text(overview.select_one(".odpo-licence-title a")) == licence.title
    citations = [_text(code) for code in overview.select(".odpo-citation code")]
    assert citations[0].startswith(("出典", "「"))
    assert provider in citations[0] and dataset.title in citations[0]
    assert f"/dataset/{dataset.name}" in citations[0]
    assert "加工" in citations[1]
    flags = {_text(row.th): _text(row.td) for row in overview.select(".odpo-licence-flags tr")}
    assert set(flags) >= {"商用利用", "再配布（第三者への提供）", "出典の記載"}


def test_a_paid_dataset_reads_as_paid_with_its_description(app: Any, demo_catalogue: CataloguePlan) -> None:
    paid = _one_per_tier(demo_catalogue)["paid"]
    page = _page(app, f"/dataset/{paid.name}")
    overview = page.select_one(".odpo-dataset-overview")
    assert "サンプルデータは無償" in _text(overview.select_one(".odpo-tier-description"))
    assert _text(overview.select_one(".odpo-provider")) == "民間企業"


def test_search_results_show_badges_licence_provider_and_freshness(
    app: Any, demo_catalogue: CataloguePlan
) -> None:
    planned = {dataset.name: dataset for dataset in demo_catalogue.datasets}
    page = _page(app, "/dataset/?q=&sort=name+asc")
    items = page.select("li.dataset-item")
    assert len(items) == min(20, len(planned))
    for item in items:
        name = item.select_one(".dataset-heading a")["href"].rstrip("/").rsplit("/", 1)[-1]
        dataset = planned[name]
        organisation = _organisation(demo_catalogue, dataset)
        assert _text(item.select_one(".odpo-tier")) == TIER_BADGES[dataset.access_tier]
        assert _text(item.select_one(".odpo-freshness")) == _freshness_badge(dataset)
        assert dataset.last_data_update.isoformat() in _text(item.select_one(".odpo-meta-freshness"))
        assert _text(item.select_one(".odpo-provider")) == PROVIDER_LABELS[
            provider_type_code(organisation.provider_type)
        ]
        licence, _inferred = find_licence(dataset.license_id)
        if licence is not None:
            assert licence.short_name in _text(item.select_one(".odpo-meta-licence"))


def test_a_japanese_search_finds_the_public_toilets(app: Any, demo_catalogue: CataloguePlan) -> None:
    toilets = [dataset for dataset in demo_catalogue.datasets if "トイレ" in dataset.title]
    assert toilets, "the demo catalogue should list public toilets"
    page = _page(app, "/dataset/?q=トイレ")
    titles = [_text(link) for link in page.select("li.dataset-item .dataset-heading a")]
    assert {dataset.title for dataset in toilets} <= set(titles)


def test_search_facets_are_labelled_in_japanese(app: Any, demo_catalogue: CataloguePlan) -> None:
    page = _page(app, "/dataset/")
    text = _text(page.select_one(".secondary") or page)
    assert "アクセス区分" in text
    for tier in {dataset.access_tier for dataset in demo_catalogue.datasets}:
        assert TIER_BADGES[tier] in text
    assert "自治体標準オープンデータセット" in text
    filtered = _page(app, "/dataset/?access_tier=paid")
    paid = [d for d in demo_catalogue.datasets if d.access_tier == "paid"]
    assert len(filtered.select("li.dataset-item")) == len(paid)


def test_home_page_shows_figures_tiers_and_links_to_the_statistics(
    app: Any, demo_catalogue: CataloguePlan
) -> None:
    page = _page(app, "/")
    headline = _text(page.select_one(".odpo-headline"))
    assert re.search(rf"登録組織数\s*{len(demo_catalogue.organisations)}\b", headline)
    assert re.search(rf"カタログ数（データセット）\s*{len(demo_catalogue.datasets)}\b", headline)
    assert page.select_one("a.odpo-stats-link")["href"].endswith("/odpo/stats")
    tiers = _text(page.select_one(".odpo-home-tiers"))
    for tier in {dataset.access_tier for dataset in demo_catalogue.datasets}:
        assert TIER_BADGES[tier] in tiers
    recent = page.select(".odpo-home-recent li.dataset-item")
    assert recent and all(item.select_one(".odpo-freshness") for item in recent)
    nav = [_text(link) for link in page.select("header nav a")]
    assert "統計" in nav


def test_statistics_page_draws_accessible_charts_and_tables(
    app: Any, demo_catalogue: CataloguePlan
) -> None:
    page = _page(app, "/odpo/stats")
    assert _text(page.select_one("h1")) == "カタログ統計"
    charts = page.select("svg[role=img]")
    assert len(charts) == 6
    for chart in charts:
        assert chart.get("aria-label")
        assert _text(chart.select_one("title"))
        assert chart.select("rect")
    rows = {row["data-figure"]: row for row in page.select("#odpo-figures-totals tbody tr")}
    plan = demo_catalogue
    expected = {
        "organisations": (plan.organisations_of(PUBLIC_SECTOR), plan.organisations_of(PRIVATE_SECTOR)),
        "datasets": (plan.datasets_of(PUBLIC_SECTOR), plan.datasets_of(PRIVATE_SECTOR)),
    }
    for name, (public, private) in expected.items():
        cells = [_text(cell) for cell in rows[name].select("td")]
        assert cells == [str(len(public) + len(private)), str(len(public)), str(len(private))]
    resources = [_text(cell).replace(",", "") for cell in rows["resources"].select("td")]
    assert resources == [
        str(plan.resource_count()),
        str(plan.resource_count(PUBLIC_SECTOR)),
        str(plan.resource_count(PRIVATE_SECTOR)),
    ]
    tier_table = _text(page.select_one("#odpo-figures-datasets-by-access-tier"))
    assert "限定公開" in tier_table and "有償" in tier_table


def test_organisation_list_shows_provider_types(app: Any, demo_catalogue: CataloguePlan) -> None:
    page = _page(app, "/organization/")
    badges = {_text(badge) for badge in page.select(".odpo-provider")}
    expected = {
        PROVIDER_LABELS[provider_type_code(org.provider_type)] for org in demo_catalogue.organisations
    }
    assert badges == expected


def test_pages_are_in_english_when_asked(app: Any, demo_catalogue: CataloguePlan) -> None:
    dataset = _one_per_tier(demo_catalogue)["open"]
    page = _page(app, f"/en/dataset/{dataset.name}")
    assert _text(page.select_one("h1 .odpo-tier")) == "Open access"
    assert _text(_page(app, "/en/odpo/stats").select_one("h1")) == "Catalogue statistics"


@pytest.mark.ckan_config("ckan.site_logo", "/odpo/logo.svg")
@pytest.mark.ckan_config("ckan.site_title", "ODPO 大阪オープンデータプラットフォーム")
def test_the_header_shows_the_odpo_logo(app: Any) -> None:
    """The logo the ini templates configure is served by the odpo plugin."""
    import configparser
    from pathlib import Path

    for template in ("development.ini.in", "production.ini.in"):
        ini = configparser.ConfigParser(interpolation=None)
        ini.read(Path(__file__).resolve().parents[2] / "config" / template, encoding="utf-8")
        assert ini["app:main"]["ckan.site_logo"] == "/odpo/logo.svg", template
    header_logo = _page(app, "/").select_one("header .logo img, header a.logo img")
    assert header_logo is not None and header_logo["src"].endswith("/odpo/logo.svg")
    assert "ODPO" in header_logo.get("alt", "")
    logo = app.get("/odpo/logo.svg")
    assert logo.status_code == 200
    assert logo.headers["Content-Type"].startswith("image/svg+xml")
    assert "大阪オープンデータプラットフォーム" in logo.get_data(as_text=True)
