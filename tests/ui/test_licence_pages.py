"""The licence pages (``/licences``, ``/licences/<id>``): every licence of the
harmonised register in plain Japanese, what it allows, how to cite it, and the
canonical URL of the terms ODPO defines itself."""
from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from ckan.tests.helpers import call_action
from ckanext.odpo.demo import CataloguePlan
from ckanext.odpo.helpers import find_licence
from ckanext.odpo.licences import load_register
from ui_support import UI_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", UI_PLUGINS),
    pytest.mark.ckan_config("ckan.locale_default", "ja"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]

SITE_URL = "http://test.ckan.net"

#: The flag rows of every licence, in page order.
FLAG_LABELS = [
    "CC BY 4.0 との互換性",
    "出典の記載が必要",
    "商用利用可",
    "再配布（第三者への提供）可",
    "加工したデータの公開可",
    "継承（加工したデータは同じ条件で公開）",
]


def _page(app: Any, url: str) -> BeautifulSoup:
    response = app.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _text(element: Tag | None) -> str:
    assert element is not None
    return " ".join(element.get_text(" ", strip=True).split())


def _flags(section: Tag) -> dict[str, str]:
    return {_text(row.th): _text(row.td) for row in section.select(".odpo-licence-flags tbody tr")}


def test_the_licence_list_shows_every_licence_of_the_register(app: Any) -> None:
    page = _page(app, "/licences")
    assert _text(page.select_one("h1")) == "ライセンス一覧"
    register = load_register()
    sections = page.select("section.odpo-licence-entry")
    assert [section["id"] for section in sections] == [f"licence-{id_}" for id_ in register]
    for section, licence in zip(sections, register.values(), strict=True):
        title = section.select_one("h2 a")
        assert _text(title) == licence.title
        assert title["href"] == f"/licences/{licence.id}"
        assert _text(section.select_one(".odpo-licence-short-name")) == licence.short_name
        assert _text(section.select_one(".odpo-licence-summary")) == " ".join(licence.summary_ja.split())
        assert list(_flags(section)) == FLAG_LABELS
        assert len(section.select(".odpo-citation code")) == 2


def test_the_cc_by_page_says_what_it_allows(app: Any) -> None:
    page = _page(app, "/licences/cc-by-4.0")
    assert _text(page.select_one("h1")) == "クリエイティブ・コモンズ 表示 4.0 国際 (CC BY 4.0)"
    assert _text(page.select_one(".odpo-licence-url a")) == "https://creativecommons.org/licenses/by/4.0/"
    assert _flags(page) == {
        "CC BY 4.0 との互換性": "✓ はい",
        "出典の記載が必要": "✓ はい",
        "商用利用可": "✓ はい",
        "再配布（第三者への提供）可": "✓ はい",
        "加工したデータの公開可": "✓ はい",
        "継承（加工したデータは同じ条件で公開）": "✗ いいえ",
    }
    citation = _text(page.select_one(".odpo-citation code"))
    assert citation == (
        "出典：［提供者名］「［データセット名］」（［データセットのURL］）、"
        "CC BY 4.0（https://creativecommons.org/licenses/by/4.0/）"
    )


def test_the_paid_terms_are_a_page_of_the_portal(app: Any) -> None:
    page = _page(app, "/licences/odpo-paid")
    assert _text(page.select_one("h1")) == "ODPO 有償データ利用規約"
    assert _text(page.select_one(".odpo-licence-url a")) == f"{SITE_URL}/licences/odpo-paid"
    flags = _flags(page)
    assert flags["再配布（第三者への提供）可"] == "✗ いいえ"
    assert flags["商用利用可"] == "✓ はい"
    assert "二次配布" in _text(page.select_one(".odpo-licence-summary"))
    assert "二次配布禁止" in _text(page.select_one(".odpo-citation code"))


def test_the_municipal_terms_leave_the_flags_to_the_provider(app: Any) -> None:
    flags = _flags(_page(app, "/licences/municipal-custom"))
    assert set(flags.values()) == {"– 提供者の規約による"}


def test_an_unknown_licence_is_not_found(app: Any) -> None:
    assert app.get("/licences/cc-by-99").status_code == 404


def test_the_licence_page_is_in_english_when_asked(app: Any) -> None:
    page = _page(app, "/en/licences/cc-by-4.0")
    assert _text(page.select_one("h1")) == "Creative Commons Attribution 4.0 International (CC BY 4.0)"
    assert "Commercial use allowed" in _flags(page)


def test_ckans_licence_list_points_at_the_licence_pages() -> None:
    licences = {licence["id"]: licence for licence in call_action("license_list")}
    assert licences["odpo-paid"]["url"] == f"{SITE_URL}/licences/odpo-paid"
    assert licences["cc-by-4.0"]["url"] == "https://creativecommons.org/licenses/by/4.0/"


def test_the_dataset_page_links_to_its_licence_page(
    app: Any, demo_catalogue: CataloguePlan
) -> None:
    dataset = next(d for d in demo_catalogue.datasets if find_licence(d.license_id)[0] is not None)
    licence, _inferred = find_licence(dataset.license_id)
    page = _page(app, f"/dataset/{dataset.name}")
    link = page.select_one(".odpo-licence .odpo-licence-details a")
    assert link["href"] == f"/licences/{licence.id}"
    assert _text(link) == "このライセンスの詳細"
    assert _text(_page(app, link["href"]).select_one("h1")) == licence.title
