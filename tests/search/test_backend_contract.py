"""The embedded backend speaks to CKAN where CKAN speaks to Solr: what a
user or operator relies on, through CKAN's own actions, API, pages and CLI."""
from __future__ import annotations

import pysolr
import pytest
from ckan.cli.cli import ckan as ckan_cli
from ckan.lib.search import common
from ckan.tests import factories, helpers

from ckanext.odpo.search import patch
from ckanext.odpo.search.connection import PostgresSearchConnection
from ckanext.odpo.search.query import (
    MUST,
    MUST_NOT,
    SHOULD,
    ParseOptions,
    _flatten,
    occurrences,
)
from ckanext.odpo.search.connection import parse_main_query

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "odpo_search"),
    pytest.mark.usefixtures("with_plugins"),
]


def _occurs(query: str, default_operator: str = "OR") -> list[str]:
    from luqum.parser import parser

    return occurrences(_flatten(parser.parse(query)), default_operator)


class TestLuceneClauseRules:
    """Lucene's addClause rules, not luqum's precedence."""

    @pytest.mark.parametrize(
        ("query", "default_operator", "expected"),
        [
            ("a AND b OR c", "OR", [MUST, MUST, SHOULD]),
            ("a OR b AND c", "OR", [SHOULD, MUST, MUST]),
            ("a b", "OR", [SHOULD, SHOULD]),
            ("a b", "AND", [MUST, MUST]),
            ("a OR b", "AND", [SHOULD, SHOULD]),
            ("+a b", "OR", [MUST, SHOULD]),
            ("a -b c", "AND", [MUST, MUST_NOT, MUST]),
            ("a NOT b", "OR", [SHOULD, MUST_NOT]),
            ("-a AND b", "OR", [MUST_NOT, MUST]),
            ("a && b || c", "OR", [MUST, MUST, SHOULD]),
        ],
    )
    def test_occurrences(self, query: str, default_operator: str, expected: list[str]) -> None:
        assert _occurs(query, default_operator) == expected


class TestBackendSelection:
    def test_postgres_backend_answers_make_connection(self) -> None:
        assert isinstance(common.make_connection(), PostgresSearchConnection)
        assert patch.active_backend() == "postgres"

    @pytest.mark.ckan_config("odpo.search.backend", "solr")
    def test_solr_backend_restores_ckan_path(self) -> None:
        patch.apply()
        try:
            import ckan.lib.search.index as index
            import ckan.lib.search.query as query

            assert isinstance(common.make_connection(), pysolr.Solr)
            assert index.make_connection is patch._ORIGINAL_MAKE_CONNECTION
            assert query.make_connection is patch._ORIGINAL_MAKE_CONNECTION
        finally:
            patch._install(patch.make_connection, patch.check_schema_version)


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestThroughCkan:
    def test_new_dataset_is_searchable_at_once(self) -> None:
        dataset = factories.Dataset(title="河川水質調査結果")
        result = helpers.call_action("package_search", q="水質")
        assert [d["id"] for d in result["results"]] == [dataset["id"]]

    def test_deleted_dataset_leaves_results(self) -> None:
        dataset = factories.Dataset(title="公衆トイレ一覧")
        helpers.call_action("package_delete", id=dataset["id"])
        assert helpers.call_action("package_search", q="トイレ")["count"] == 0

    @pytest.mark.parametrize("q", [
        "capacity:private", "state:draft", "*:* OR capacity:private",
        "capacity:private OR state:draft", "-capacity:public",
    ])
    def test_query_cannot_reveal_private_or_draft(self, q: str) -> None:
        org = factories.Organization()
        factories.Dataset(owner_org=org["id"], private=True, title="非公開データ")
        factories.Dataset(state="draft", title="下書きデータ")
        public = factories.Dataset(title="公開データ")
        result = helpers.call_action("package_search", q=q, context={"ignore_auth": False})
        assert {d["id"] for d in result["results"]} <= {public["id"]}

    def test_unsupported_syntax_is_a_clear_api_error(self, app) -> None:
        factories.Dataset(title="water quality")
        response = app.get(
            "/api/3/action/package_search", query_string={"q": "title:water~2"}, status=409)
        body = response.json
        assert body["success"] is False
        assert "not supported" in body["error"]["message"]

    def test_unparsable_query_is_a_clear_api_error(self, app) -> None:
        response = app.get(
            "/api/3/action/package_search", query_string={"q": "title:(water"}, status=409)
        assert "Cannot parse" in response.json["error"]["message"]

    def test_search_page_survives_bad_query(self, app) -> None:
        response = app.get("/dataset/", query_string={"q": "title:(water"})
        assert response.status_code == 200

    def test_invalid_sort_is_rejected(self, app) -> None:
        response = app.get(
            "/api/3/action/package_search", query_string={"sort": "title_string upward"},
            status=400)
        assert "sort" in response.json["error"]["message"]

    def test_autocomplete_finds_japanese_substring(self) -> None:
        factories.Dataset(name="toilets", title="公衆トイレ一覧")
        result = helpers.call_action("package_autocomplete", q="トイレ")
        assert [item["name"] for item in result] == ["toilets"]

    def test_organisation_list_counts_datasets(self) -> None:
        org = factories.Organization(title="大阪府")
        factories.Dataset(owner_org=org["id"])
        factories.Dataset(owner_org=org["id"])
        orgs = helpers.call_action("organization_list", all_fields=True)
        assert [(o["title"], o["package_count"]) for o in orgs] == [("大阪府", 2)]


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestSearchIndexCommand:
    def test_clear_rebuild_check_show(self, cli) -> None:
        dataset = factories.Dataset(title="避難所一覧")
        assert cli.invoke(ckan_cli, ["search-index", "clear"]).exit_code == 0
        assert helpers.call_action("package_search", q="避難所")["count"] == 0

        check = cli.invoke(ckan_cli, ["search-index", "check"])
        assert "Packages not indexed = 1 out of 1" in check.output

        assert cli.invoke(ckan_cli, ["search-index", "rebuild"]).exit_code == 0
        assert helpers.call_action("package_search", q="避難所")["count"] == 1

        shown = cli.invoke(ckan_cli, ["search-index", "show", dataset["name"]])
        assert shown.exit_code == 0
        assert dataset["id"] in shown.output


class TestDismaxParsing:
    def test_free_text_terms_search_every_query_field(self) -> None:
        query = parse_main_query("水質", {
            "defType": "dismax", "qf": "name^4 title^4 tags^2 groups^2 text", "mm": "2<-1 5<80%"})
        fields = [alternative.field for alternative in query.alternatives]
        assert fields == ["name", "title", "tags", "groups", "text"]

    @pytest.mark.parametrize(("optional", "required"), [(1, 1), (2, 2), (3, 2), (5, 4), (6, 4), (10, 8)])
    def test_ckan_minimum_should_match(self, optional: int, required: int) -> None:
        words = " ".join(f"w{i}" for i in range(optional))
        query = parse_main_query(words, {"defType": "dismax", "qf": "text", "mm": "2<-1 5<80%"})
        minimum = query.minimum_should_match if optional > 1 else 1
        assert minimum == required

    def test_options_default(self) -> None:
        assert ParseOptions().default_operator == "OR"


@pytest.mark.usefixtures("clean_db", "clean_index")
class TestResultCache:
    def test_repeated_search_is_served_from_cache_until_a_write(self) -> None:
        from ckanext.odpo.search.connection import RESULT_CACHE

        factories.Dataset(title="公園一覧")
        first = helpers.call_action("package_search", q="公園")
        hits = RESULT_CACHE.hits
        again = helpers.call_action("package_search", q="公園")
        assert RESULT_CACHE.hits == hits + 1
        assert again["count"] == first["count"] == 1

        factories.Dataset(title="府営公園一覧")
        after_write = helpers.call_action("package_search", q="公園")
        assert after_write["count"] == 2

    def test_cached_result_keeps_the_requested_fields(self) -> None:
        factories.Dataset(name="parks", title="公園一覧")
        names = helpers.call_action("package_search", q="公園", fl=["name"])["results"]
        full = helpers.call_action("package_search", q="公園")["results"]
        assert names == [{"name": "parks"}]
        assert full[0]["name"] == "parks" and "resources" in full[0]


class TestStemmingRules:
    @pytest.mark.parametrize(("upper", "lower"), [("CAPITALS", "capitals"), ("AED", "aed"),
                                                  ("GTFS", "gtfs"), ("Rivers", "rivers")])
    def test_stemming_ignores_case(self, upper: str, lower: str) -> None:
        from ckanext.odpo.search import analysis

        assert analysis.terms(upper, stem=True) == analysis.terms(lower, stem=True)

    def test_short_words_are_not_stemmed(self) -> None:
        from ckanext.odpo.search import analysis

        assert analysis.terms("AED", stem=True) == ["aed"]  # Porter would give "a"
