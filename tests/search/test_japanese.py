"""Japanese search through CKAN's own actions (``package_search``), on the
embedded backend: substrings, width forms, phrases, facets and ranking."""

from __future__ import annotations

from typing import Any

import pytest
from ckan.tests import factories, helpers

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "odpo_search"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


def search(**params: Any) -> dict[str, Any]:
    return helpers.call_action("package_search", **params)


def found_titles(q: str, **params: Any) -> list[str]:
    return [dataset["title"] for dataset in search(q=q, rows=100, **params)["results"]]


def make_dataset(title: str, **fields: Any) -> dict[str, Any]:
    return factories.Dataset(title=title, **fields)


class TestSubstrings:
    @pytest.mark.parametrize(
        "q", ["水質", "調査結果", "河川水質調査結果", "査結", "水"]
    )
    def test_part_of_a_title_finds_it(self, q: str) -> None:
        make_dataset("河川水質調査結果")
        make_dataset("保育施設一覧")
        assert found_titles(q) == ["河川水質調査結果"]

    def test_part_of_the_description_finds_it(self) -> None:
        make_dataset("データセット", notes="大阪市内の公衆トイレの所在地")
        assert found_titles("公衆トイレ") == ["データセット"]
        assert found_titles("トイレ") == ["データセット"]

    def test_unrelated_characters_find_nothing(self) -> None:
        make_dataset("河川水質調査結果")
        assert found_titles("避難所") == []
        assert found_titles("質河") == []


class TestWidthForms:
    @pytest.mark.parametrize(
        ("title", "q"),
        [
            ("AED設置場所", "ＡＥＤ"),
            ("ＡＥＤ設置場所", "AED"),
            ("カナ表記一覧", "ｶﾅ"),
            ("ｶﾅ表記一覧", "カナ"),
            ("２０２４年度 予算", "2024年度"),
        ],
    )
    def test_full_and_half_width_forms_match(self, title: str, q: str) -> None:
        make_dataset(title)
        make_dataset("河川水質調査結果")
        assert found_titles(q) == [title]


class TestPhrases:
    def test_a_word_is_not_found_scattered_across_fields(self) -> None:
        make_dataset("保育園の案内", tags=[{"name": "施設"}])
        make_dataset("保育施設一覧")
        assert found_titles("保育施設") == ["保育施設一覧"]

    def test_a_word_is_not_found_scattered_across_values(self) -> None:
        make_dataset("案内", tags=[{"name": "保育"}, {"name": "施設"}])
        make_dataset("保育施設一覧")
        assert found_titles("保育施設") == ["保育施設一覧"]

    def test_quoted_phrase_with_space(self) -> None:
        make_dataset("公衆トイレ 一覧")
        make_dataset("一覧 公衆トイレ")
        assert found_titles('"公衆トイレ 一覧"') == ["公衆トイレ 一覧"]


class TestFacets:
    @pytest.fixture
    def catalogue(self, with_plugins: Any, clean_db: Any, clean_index: Any) -> None:
        """Created after the database and index are cleaned (a method's
        ``usefixtures`` would otherwise run before the module's)."""
        osaka = factories.Organization(name="osaka-city", title="大阪市")
        sakai = factories.Organization(name="sakai-city", title="堺市")
        make_dataset(
            "河川水質調査結果",
            owner_org=osaka["id"],
            tags=[{"name": "水質"}, {"name": "河川"}],
        )
        make_dataset("水質検査", owner_org=osaka["id"], tags=[{"name": "水質"}])
        make_dataset("避難所一覧", owner_org=sakai["id"], tags=[{"name": "避難所"}])

    @pytest.mark.usefixtures("catalogue")
    def test_japanese_tag_facets_count(self) -> None:
        result = search(q="*:*", **{"facet.field": ["tags", "organization"]})
        assert result["facets"]["tags"] == {"水質": 2, "河川": 1, "避難所": 1}
        items = {
            item["name"]: item for item in result["search_facets"]["tags"]["items"]
        }
        assert items["水質"]["count"] == 2
        assert items["水質"]["display_name"] == "水質"

    @pytest.mark.usefixtures("catalogue")
    def test_organisation_facets_show_japanese_titles(self) -> None:
        result = search(q="*:*", **{"facet.field": ["tags", "organization"]})
        items = result["search_facets"]["organization"]["items"]
        assert {(i["name"], i["display_name"], i["count"]) for i in items} == {
            ("osaka-city", "大阪市", 2),
            ("sakai-city", "堺市", 1),
        }

    @pytest.mark.usefixtures("catalogue")
    def test_facets_follow_the_query(self) -> None:
        result = search(q="避難所", **{"facet.field": ["tags", "organization"]})
        assert result["facets"]["tags"] == {"避難所": 1}
        assert result["facets"]["organization"] == {"sakai-city": 1}

    @pytest.mark.usefixtures("catalogue")
    def test_selecting_a_japanese_tag_facet_filters(self) -> None:
        titles = {d["title"] for d in search(fq='tags:"水質"', rows=10)["results"]}
        assert titles == {"河川水質調査結果", "水質検査"}


class TestRanking:
    def test_title_above_description_above_resource_name(self) -> None:
        # Created from the strongest to the weakest match, so that the
        # newest-first tie-break alone would give the reverse order.
        make_dataset("避難所一覧")
        make_dataset("資料B", notes="市内の避難所の情報です")
        make_dataset(
            "資料C",
            resources=[{"name": "避難所データ", "url": "http://example.com/c.csv"}],
        )
        assert found_titles("避難所") == ["避難所一覧", "資料B", "資料C"]


def _drop_ngrams_as_before() -> None:
    """Make the index rows look written before the CJK n-grams (analysis
    version 1): drop the 3- and 4-character CJK lexemes from every vector."""
    from ckan.model import meta
    from ckanext.odpo.search import store

    old_lexemes = r"'^([a-z_]+\|)?[\u3040-\u30ff\u4e00-\u9fff]{3,4}$'"
    updates = ", ".join(
        f"{name} = ts_delete({name}, ARRAY(SELECT lexeme FROM unnest({name}) "
        f"WHERE lexeme ~ {old_lexemes}))" for name in store.TEXT_VECTORS)
    with meta.engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE {store.TEXT_TABLE} SET analysis = 1, {updates}")
        conn.exec_driver_sql(f"UPDATE {store.META} SET value = %s WHERE key = 'analysis'",
                             ("1",))


def _set_index_analysis(version: int) -> None:
    from ckan.model import meta
    from ckanext.odpo.search import store

    with meta.engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE {store.META} SET value = %s WHERE key = 'analysis'",
                             (str(version),))


class TestIndexWrittenBeforeTheNgrams:
    """Rows indexed before the CJK trigrams and 4-grams (an upgraded site)
    are found by phrases of bigrams until every row has been rewritten."""

    def test_old_rows_are_searched_with_bigram_phrases_until_rewritten(self) -> None:
        from ckan.lib.search import rebuild
        from ckanext.odpo.search import store

        first = make_dataset("河川水質調査結果")
        make_dataset("保育施設一覧")
        _drop_ngrams_as_before()
        assert found_titles("河川水質") == ["河川水質調査結果"]
        assert not store.ngram_queries()

        # n-gram queries on those rows would miss the dataset: why they wait
        _set_index_analysis(store.ANALYSIS_VERSION)
        assert found_titles("河川水質") == []
        _set_index_analysis(1)

        # one row rewritten is not enough
        rebuild(first["id"])
        assert found_titles("河川水質") == ["河川水質調査結果"]
        assert not store.ngram_queries()

        rebuild()  # ``ckan search-index rebuild``
        assert found_titles("河川水質") == ["河川水質調査結果"]
        assert found_titles("施設一覧") == ["保育施設一覧"]
        assert found_titles("水質調査結果") == ["河川水質調査結果"]
        assert store.ngram_queries()

    def test_a_cleared_index_is_current(self) -> None:
        from ckan.lib.search import clear_all
        from ckanext.odpo.search import store

        make_dataset("河川水質調査結果")
        _drop_ngrams_as_before()
        clear_all()
        assert found_titles("河川水質") == []
        assert store.ngram_queries()
