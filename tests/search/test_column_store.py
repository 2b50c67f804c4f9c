"""The column store of each CKAN process (``ckanext.odpo.search.columns``,
``odpo.search.columns = true``) against the all-SQL statement: for random
documents and random searches both must give the same hits, the same
documents in the same order with the same scores, and the same facet
counts; and the store must see every index write at once (updates,
deletions, a cleared index), since it decides who sees which dataset."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
import test_differential as diff
from hypothesis import given
from hypothesis import strategies as st

from ckanext.odpo.search import columns as column_store
from ckanext.odpo.search.columns import COLUMNS
from ckanext.odpo.search.connection import RESULT_CACHE, PostgresSearchConnection

SORTS = (
    "score desc, metadata_modified desc",
    "metadata_modified desc",
    "metadata_created asc",
    "title_string asc",
    "name asc",
    "score desc, name desc",
    "views_recent desc",  # not held in the columns: SQL answers
)
FACET_FIELDS = ("tags", "organization", "res_format", "license_id", "capacity", "area")
DISMAX = {"defType": "dismax", "qf": diff.ref.DEFAULT_QF, "mm": diff.ref.DEFAULT_MM,
          "q.op": "AND", "df": "text"}


@pytest.fixture(scope="module")
def sql_connection(search_connection: Any) -> PostgresSearchConnection:
    assert search_connection.columns, "odpo.search.columns is on by default"
    from ckan.model import meta

    return PostgresSearchConnection(engine_factory=lambda: meta.engine, columns=False)


def outcome(results: Any) -> tuple[Any, ...]:
    return (results.hits, [(doc["id"], doc.get("score")) for doc in results.docs],
            results.facets)


def compare(columns: Any, sql: Any, q: str, **params: Any) -> bool:
    """Both answers for one search; True when the columns answered it."""
    RESULT_CACHE.clear()
    before = COLUMNS.answered
    from_columns = outcome(columns.search(q=q, **params))
    answered = COLUMNS.answered > before
    RESULT_CACHE.clear()
    from_sql = outcome(sql.search(q=q, **params))
    assert from_columns == from_sql, f"q={q!r} {params}"
    return answered


searches = st.fixed_dictionaries(
    {
        "sort": st.sampled_from(SORTS),
        "start": st.sampled_from((0, 0, 1, 3)),
        "rows": st.sampled_from((1000, 2, 5)),
        "facet.field": st.lists(st.sampled_from(FACET_FIELDS), max_size=3, unique=True),
        "facet.limit": st.sampled_from((50, 2, -1)),
        "facet.mincount": st.sampled_from((0, 1, 2)),
        "facet.sort": st.sampled_from(("count", "index")),
    }
)


@diff.HYPOTHESIS_SETTINGS
@given(
    specs=st.lists(diff.dataset_specs, min_size=1, max_size=8),
    queries=st.lists(
        st.one_of(
            st.tuples(st.just("lucene"), diff.query_cases),
            st.tuples(st.just("dismax"), diff.dismax_queries()),
        ),
        min_size=1, max_size=3,
    ),
    labels=st.lists(st.sampled_from(diff.PERMISSION_LABELS), min_size=1, max_size=3,
                    unique=True),
    search=searches,
    tested=st.booleans(),
)
def test_columns_answer_as_sql_does(
    search_connection: Any, sql_connection: Any, site_id: str,
    specs: list[diff.DatasetSpec], queries: list[tuple[str, Any]], labels: list[str],
    search: dict[str, Any], tested: bool,
) -> None:
    docs = diff.index_documents(specs, site_id)
    diff.reindex(search_connection, docs)
    params = {**search, "fl": "id score"}
    with scoring_by_testing(tested):
        for kind, query in queries:
            if kind == "dismax":
                compare(search_connection, sql_connection, query,
                        fq=diff.ckan_filters(site_id, tuple(labels)), **DISMAX, **params)
            else:
                compare(search_connection, sql_connection, query.q, fq=list(query.fq),
                        **{"q.op": query.q_op}, **params)


@diff.HYPOTHESIS_SETTINGS
@given(
    specs=st.lists(diff.dataset_specs, min_size=3, max_size=10),
    queries=st.lists(diff.dismax_queries(), min_size=1, max_size=3),
    prefix=st.integers(1, 4),
    sort=st.sampled_from(("score desc, metadata_modified desc", "score desc, name desc",
                          "score desc", "metadata_modified desc")),
    start=st.sampled_from((0, 1, 2)),
    rows=st.sampled_from((1, 2, 3)),
)
def test_relevance_from_the_newest_candidates_is_exact(
    search_connection: Any, sql_connection: Any, site_id: str,
    specs: list[diff.DatasetSpec], queries: list[str], prefix: int, sort: str, start: int,
    rows: int,
) -> None:
    """Public, active datasets (so that most searches find several) searched
    by relevance a page at a time, their titles and descriptions tested one
    by one from the newest candidates on: the SQL statement's answer."""
    specs = [dataclasses.replace(spec, state="active", private=False) for spec in specs]
    diff.reindex(search_connection, diff.index_documents(specs, site_id))
    with scoring_by_testing(prefix=prefix):
        for q in queries:
            compare(search_connection, sql_connection, q,
                    fq=diff.ckan_filters(site_id, ("public",)), **DISMAX, sort=sort,
                    start=start, rows=rows, fl="id score")


@contextlib.contextmanager
def scoring_by_testing(on: bool = True, prefix: int = 1) -> Iterator[None]:
    """With ``on``, relevance scores the newest ``prefix`` candidates (or the
    page, if larger) first and tests the title and description of documents
    one by one wherever it may (with a large index, only where that is
    cheaper than the GIN index)."""
    constants = ("PREFIX_SCORED", "PREFIX_PAGES", "TEST_COST")
    saved = [getattr(column_store, name) for name in constants]
    if on:
        for name, value in zip(constants, (prefix, 1, 0), strict=True):
            setattr(column_store, name, value)
    try:
        yield
    finally:
        for name, value in zip(constants, saved, strict=True):
            setattr(column_store, name, value)


def dataset(site_id: str, name: str, title: str, *, private: bool = False,
            tags: tuple[str, ...] = (), notes: str = "", modified: int = 0) -> dict[str, Any]:
    spec = diff.DatasetSpec(
        id=diff.uuid.uuid5(diff.uuid.NAMESPACE_URL, name), name=name, title=title,
        notes=notes, tags=tags, organization="osaka-city", creator="alice", state="active",
        private=private, resources=(), area=None, created=diff.DATES[0],
        modified=diff.DATES[modified])
    return diff.index_document(spec, site_id)


def anonymous_search(conn: Any, site_id: str, q: str, **params: Any) -> Any:
    """As CKAN searches for an anonymous user (dismax unless ``q`` is ``*:*``)."""
    RESULT_CACHE.clear()
    parser = {} if q == "*:*" else DISMAX
    return conn.search(q=q, fq=diff.ckan_filters(site_id, ("public",)), **parser,
                       **{"fl": "id name", "rows": 100, "facet.field": ["tags"],
                          "sort": "score desc, metadata_modified desc", **params})


def names(results: Any) -> list[str]:
    return [doc["name"] for doc in results.docs]


@pytest.fixture
def empty_index(search_connection: Any) -> Any:
    search_connection.delete(q="*:*")
    diff._last_indexed.clear()
    yield search_connection
    search_connection.delete(q="*:*")


def test_ckan_searches_are_answered_from_the_columns(empty_index: Any, sql_connection: Any,
                                                     site_id: str) -> None:
    empty_index.add([dataset(site_id, "river", "河川水質調査結果", tags=("水質",)),
                     dataset(site_id, "nursery", "保育施設一覧")])
    fq = diff.ckan_filters(site_id, ("public",))
    assert compare(empty_index, sql_connection, "水質", fq=fq, **DISMAX)
    assert compare(empty_index, sql_connection, "*:*", fq=fq + ["tags:水質"],
                   **{"facet.field": ["tags", "organization"]})
    # what the columns do not hold is answered by SQL, with the same result
    assert not compare(empty_index, sql_connection, "*:*", fq=fq + ["name:river*"])
    assert not compare(empty_index, sql_connection, "水質", fq=fq, sort="views_recent desc",
                       **DISMAX)


def test_every_index_write_is_seen_at_once(empty_index: Any, site_id: str) -> None:
    conn = empty_index
    conn.add([dataset(site_id, "river", "河川水質調査結果", tags=("水質",)),
              dataset(site_id, "lake", "湖沼水質", tags=("水質",)),
              dataset(site_id, "toilet", "公衆トイレ一覧")])
    first = anonymous_search(conn, site_id, "水質")
    assert sorted(names(first)) == ["lake", "river"]
    assert first.facets["facet_fields"]["tags"] == ["水質", 2]
    # CKAN's filters (site, state, permission labels) are kept for the next
    # search, until the next write
    kept = {query: id(mask) for query, mask in COLUMNS.filters.items()}
    assert len(kept) == 3
    assert sorted(names(anonymous_search(conn, site_id, "*:*"))) == ["lake", "river", "toilet"]
    assert {query: id(mask) for query, mask in COLUMNS.filters.items()} == kept

    # a dataset made private disappears for anonymous users at once, though
    # the text match was found (and kept) before
    conn.add([dataset(site_id, "lake", "湖沼水質", tags=("水質",), private=True)])
    assert names(anonymous_search(conn, site_id, "水質")) == ["river"]
    # a changed title, a new dataset and a deleted one
    conn.add([dataset(site_id, "toilet", "公衆トイレ水質検査", modified=1),
              dataset(site_id, "well", "井戸水質", modified=2)])
    assert names(anonymous_search(conn, site_id, "水質")) == ["well", "toilet", "river"]
    conn.delete(id=dataset(site_id, "river", "")["index_id"])
    after = anonymous_search(conn, site_id, "水質")
    assert names(after) == ["well", "toilet"]
    assert after.facets["facet_fields"]["tags"] == []
    assert COLUMNS.live == 3
    # the narrow text table follows the index table row for row
    from ckan.model import meta

    with meta.engine.connect() as db:
        mismatched = db.exec_driver_sql(
            "SELECT count(*) FROM odpo_search_document d FULL JOIN odpo_search_text t "
            "USING (index_id) WHERE d.indexed_seq IS DISTINCT FROM t.indexed_seq").scalar()
        assert mismatched == 0
        assert db.exec_driver_sql("SELECT count(*) FROM odpo_search_text").scalar() == 3


def test_a_cleared_index_is_seen_at_once(empty_index: Any, site_id: str) -> None:
    conn = empty_index
    conn.add([dataset(site_id, "river", "河川水質調査結果")])
    assert names(anonymous_search(conn, site_id, "*:*")) == ["river"]
    conn.delete(q="*:*")
    assert anonymous_search(conn, site_id, "*:*").hits == 0
    conn.add([dataset(site_id, "nursery", "保育施設一覧")])
    assert names(anonymous_search(conn, site_id, "河川")) == []
    assert names(anonymous_search(conn, site_id, "保育")) == ["nursery"]


def test_title_matches_rank_above_description_matches(empty_index: Any, site_id: str) -> None:
    conn = empty_index
    # the title match is the oldest: newest-first alone would put it last
    conn.add([dataset(site_id, "shelters", "避難所一覧", modified=0),
              dataset(site_id, "notes", "資料B", notes="市内の避難所の情報です", modified=1),
              dataset(site_id, "tagged", "資料C", tags=("避難所",), modified=2),
              dataset(site_id, "other", "資料D", modified=3)])
    assert names(anonymous_search(conn, site_id, "避難所")) == ["shelters", "notes", "tagged"]


def test_relevance_scores_the_newest_candidates_first(
        empty_index: Any, sql_connection: Any, site_id: str) -> None:
    """When the newest candidates fill the page with the best score the term
    can give, the older candidates' titles and descriptions are not looked
    at; when they fall short, every candidate is scored; a page sorted on
    something else has only its own documents scored; a term tested row by
    row and searched again is looked up in full and kept. The answer is the
    SQL statement's each time."""
    conn = empty_index
    params = {**DISMAX, "fq": diff.ckan_filters(site_id, ("public",)), "fl": "id name score",
              "rows": 1, "sort": "score desc, metadata_modified desc"}

    def search(q: str, **extra: Any) -> list[str]:
        RESULT_CACHE.clear()
        return names(conn.search(q=q, **{**params, **extra}))

    conn.add([dataset(site_id, f"water-{i}", f"河川水質調査{i}", notes="水質の測定結果",
                      modified=i) for i in range(6)])
    with scoring_by_testing(prefix=4):
        before = COLUMNS.tested
        assert compare(conn, sql_connection, "水質", **params)
        # the four newest, in the title and the description vectors, and no other
        assert COLUMNS.tested - before == 2 * 4
        # searched again: both vectors' matches looked up in full, then kept
        assert search("水質", start=1) == ["water-4"]
        assert COLUMNS.tested - before == 2 * 4
        assert COLUMNS.has_matches("title_tsv", "'水質'")

    # the four newest name 測定 in a tag only, the two oldest in the description
    conn.add([dataset(site_id, f"water-{i}", f"資料{i}", tags=("測定",), modified=i)
              for i in range(2, 6)])
    with scoring_by_testing(prefix=4):
        before = COLUMNS.tested
        assert search("水質") == ["water-1"]
        # the kept matches brought up to date: nothing tested row by row
        assert COLUMNS.tested == before
        assert compare(conn, sql_connection, "測定", **params)
        # the newest four fell short of the best score: every candidate was
        # scored from the matches in full, kept since
        assert COLUMNS.tested - before == 2 * 4
        assert COLUMNS.has_matches("notes_tsv", "'測定'")
        assert search("測定") == ["water-1"]
        assert search("測定", start=1) == ["water-0"]

        conn.add([dataset(site_id, "water-6", "河川の測定", modified=5)])
        before = COLUMNS.tested
        newest = {**params, "sort": "metadata_modified desc", "start": 1}
        assert compare(conn, sql_connection, "河川", **newest)
        assert COLUMNS.tested - before == 2 * 1
        assert search("河川", sort="metadata_modified desc", start=1) == ["water-1"]


PHRASE_CATALOGUE = (
    # (name, title, notes, tags): 避難場所一覧表 (seven characters, a phrase
    # of two n-grams) in the title, in the description, in a tag; its parts
    # scattered; then the same for the English phrase "air quality"
    ("shelters", "避難場所一覧表", "", ()),
    ("notes", "資料B", "市内の避難場所一覧表です", ()),
    ("tagged", "資料C", "", ("避難場所一覧表",)),
    ("scattered", "避難場所の地図", "施設一覧表", ("一覧表",)),
    ("air", "Air Quality Readings", "", ()),
    ("air-notes", "資料E", "Hourly air quality data", ()),
    ("air-scattered", "Quality of the air", "air and water quality", ()),
)


def test_phrases_rank_title_then_description_then_the_rest(
        empty_index: Any, sql_connection: Any, site_id: str) -> None:
    """Phrases (of CJK n-grams, of English words) in the catch-all, title and
    description vectors: the same ranking from the columns as from the SQL
    statement, and only where the words stand together."""
    conn = empty_index
    # the strongest match is the oldest: newest-first alone would reverse them
    conn.add([dataset(site_id, name, title, notes=notes, tags=tags, modified=i % 4)
              for i, (name, title, notes, tags) in enumerate(PHRASE_CATALOGUE)])
    fq = diff.ckan_filters(site_id, ("public",))
    for q in ("避難場所一覧表", '"air quality"', "air quality", "場所一覧表"):
        assert compare(conn, sql_connection, q, fq=fq, **DISMAX)
    assert names(anonymous_search(conn, site_id, "避難場所一覧表")) == [
        "shelters", "notes", "tagged"]
    assert names(anonymous_search(conn, site_id, '"air quality"')) == ["air", "air-notes"]

    # a kept phrase match follows later writes in all three vectors
    conn.add([dataset(site_id, "moved", "資料F", notes="避難場所一覧表の更新", modified=2),
              dataset(site_id, "shelters", "資料A", notes="避難場所一覧表", modified=0)])
    assert compare(conn, sql_connection, "避難場所一覧表", fq=fq, **DISMAX)
    assert names(anonymous_search(conn, site_id, "避難場所一覧表")) == [
        "moved", "notes", "shelters", "tagged"]


def test_a_new_process_warms_the_popular_text_matches(empty_index: Any, site_id: str) -> None:
    from ckan.lib.redis import connect_to_redis
    from ckan.model import meta

    from ckanext.odpo.search import columns

    connect_to_redis().delete(columns.POPULAR_MATCHES, columns.POPULAR_FIELDS)
    conn = empty_index
    conn.add([dataset(site_id, "river", "河川水質調査結果"),
              dataset(site_id, "nursery", "保育施設一覧")])
    COLUMNS._reset()  # as a process that starts afresh: it loads what it needs
    for _ in range(3):
        anonymous_search(conn, site_id, "水質")
    anonymous_search(conn, site_id, "保育", **{"facet.field": ["owner_org"]})
    popular = columns.popular_matches(10)
    assert ("search_tsv", "'水質'") in popular and ("search_tsv", "'保育'") in popular
    assert columns.popular_fields(10) == ["owner_org"]

    fresh = columns.ColumnStore()  # what a new worker starts with
    with meta.engine.begin() as db:
        assert fresh.warm(db) == len(popular)
    assert fresh.live == 2
    assert fresh.extra_fields == ["owner_org"] and "owner_org" in fresh.columns
    assert ("search_tsv", "'水質'") in fresh.matches
    entry = fresh.matches[("search_tsv", "'水質'")]
    assert entry.cursor == fresh.cursor
    assert [fresh.index_ids[ordinal] for ordinal in entry.array()] == [
        dataset(site_id, "river", "")["index_id"]]


def test_a_page_changed_while_it_is_read_is_answered_by_sql(
        empty_index: Any, site_id: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from ckanext.odpo.search import columns

    conn = empty_index
    conn.add([dataset(site_id, "river", "河川水質調査結果")])
    anonymous_search(conn, site_id, "*:*")  # the columns hold the dataset
    original = columns.Plan.documents
    calls = []

    def documents_after_a_write(self: Any, db: Any, page: Any) -> Any:
        if not calls:  # another process makes the dataset private meanwhile
            calls.append(page)
            conn.add([dataset(site_id, "river", "河川水質調査結果", private=True)])
        return original(self, db, page)

    monkeypatch.setattr(columns.Plan, "documents", documents_after_a_write)
    before = COLUMNS.answered
    result = anonymous_search(conn, site_id, "*:*")
    assert calls and COLUMNS.answered == before  # the columns gave up on the page
    assert result.hits == 0 and names(result) == []  # SQL answered, after the write
