"""Unit tests of the reference evaluator on cases whose Lucene/Solr results
are known (classic ``QueryParser`` clause rules, CKAN's Solr schema)."""

from __future__ import annotations

import datetime as dt
import itertools

import lucene_reference as ref
import pytest

# One document per subset of the tags {a, b, c}: the id spells the subset.
TAG_DOCS = [
    {"id": "".join(subset) or "none", "tags": list(subset)}
    for size in range(4)
    for subset in itertools.combinations("abc", size)
]


def tag_ids(q: str, q_op: str) -> set[str]:
    return ref.filter_ids(TAG_DOCS, q, [], q_op=q_op, df="tags")


def ids_where(predicate) -> set[str]:
    return {doc["id"] for doc in TAG_DOCS if predicate(set(doc["tags"]))}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("a b", lambda t: bool(t & {"a", "b"})),
        ("+a b", lambda t: "a" in t),
        ("a AND b OR c", lambda t: {"a", "b"} <= t),  # +a +b c
        ("a OR b AND c", lambda t: {"b", "c"} <= t),  # a +b +c
        ("NOT a", lambda t: "a" not in t),
        ("a -b", lambda t: "a" in t and "b" not in t),
        ("(-a)", lambda t: "a" not in t),
        ("-a -b", lambda t: not t & {"a", "b"}),
        ("+a -b c", lambda t: "a" in t and "b" not in t),
        ("a AND NOT b", lambda t: "a" in t and "b" not in t),
        ("a OR NOT b", lambda t: "a" in t and "b" not in t),  # a -b
        ("NOT a OR b", lambda t: "b" in t and "a" not in t),
        ("-a AND b", lambda t: "b" in t and "a" not in t),
        ("a AND -b OR c", lambda t: "a" in t and "b" not in t),  # +a -b c
        ("a AND (-b)", lambda t: "a" in t and "b" not in t),
        ("(a OR b) AND c", lambda t: "c" in t and bool(t & {"a", "b"})),
        ("a (b AND c)", lambda t: "a" in t or {"b", "c"} <= t),
        ("-(a b)", lambda t: not t & {"a", "b"}),
        ("*:*", lambda t: True),
        ("*", lambda t: True),
        ("tags:*", lambda t: bool(t)),
        ("-tags:*", lambda t: not t),
    ],
)
def test_default_operator_or(q: str, expected) -> None:
    assert tag_ids(q, "OR") == ids_where(expected)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("a b", lambda t: {"a", "b"} <= t),
        ("a OR b", lambda t: bool(t & {"a", "b"})),
        ("a b OR c", lambda t: "a" in t),  # +a b c
        ("a OR b c", lambda t: "c" in t),  # a b +c
        ("a AND b OR c", lambda t: "a" in t),  # +a b c
        ("a OR b AND c", lambda t: {"b", "c"} <= t),  # a +b +c
        ("-a b", lambda t: "b" in t and "a" not in t),
        ("NOT a", lambda t: "a" not in t),
        ("a (b OR c)", lambda t: "a" in t and bool(t & {"b", "c"})),
        ("-a OR b", lambda t: "b" in t and "a" not in t),
    ],
)
def test_default_operator_and(q: str, expected) -> None:
    assert tag_ids(q, "AND") == ids_where(expected)


# --------------------------------------------------------------------------

RIVER = {
    "id": "river",
    "name": "river-water-01",
    "title": "河川水質調査結果",
    "notes": "Water quality of the Yodo river",
    "tags": ["水質", "foo bar", "Wi-Fi"],
    "res_name": ["保育", "施設"],
    "organization": "osaka-city",
    "num_resources": 2,
    "metadata_modified": "2024-01-02T03:04:05.123456Z",
}
NURSERY = {
    "id": "nursery",
    "name": "nursery",
    "title": "保育施設一覧",
    "notes": "ＡＥＤ設置 ｶﾅ",
    "tags": ["施設"],
    "res_name": ["保育施設"],
    "organization": None,
    "num_resources": 5,
    "metadata_modified": "2023-06-30T23:59:59Z",
}
SPLIT = {
    "id": "split",
    "name": "k*z",
    "title": "保育",
    "tags": ["施設"],
    "num_resources": 0,
    "metadata_modified": "2025-03-01T00:00:00Z",
}
DOCS = [RIVER, NURSERY, SPLIT]
NOW = dt.datetime(2024, 1, 2, 12, 30, tzinfo=dt.UTC)


def ids(q: str, q_op: str = "AND", df: str = "text") -> set[str]:
    return ref.filter_ids(DOCS, q, [], q_op=q_op, df=df, now=NOW)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("title:水質", {"river"}),
        ("title:調査結果", {"river"}),
        ("title:水", {"river"}),
        ("title:保育施設", {"nursery"}),
        ('title:"保育 一覧"', set()),  # 保育 and 一覧 are not adjacent
        ("res_name:保育施設", {"nursery"}),  # never across values of a field
        ("保育施設", {"nursery"}),  # not title 保育 + tag 施設 in the catch-all
        ("text:aed", {"nursery"}),
        ("ＡＥＤ", {"nursery"}),
        ("カナ", {"nursery"}),
        ("notes:rivers", {"river"}),  # stemmed field
        ("res_name:保育", {"river", "nursery"}),
        ("wifi", {"river"}),
        ("Wi-Fi", {"river"}),
        ("tags:Wi-Fi", {"river"}),
        ("tags:wifi", set()),  # string field: exact
        ("tags:foo\\ bar", {"river"}),
        ('tags:"foo bar"', {"river"}),
        ("name:river*", {"river"}),
        ("name:*01", {"river"}),
        ("name:nurser?", {"nursery"}),
        ("name:k\\*z", {"split"}),
        ("name:k*z", {"split"}),
        ("name:k\\*", set()),
        ("title:WAT*", set()),
        ("notes:WAT*", {"river"}),
        ("notes:qu?lit*", {"river"}),  # tokens are stemmed: qualiti
        ("notes:qual*y", set()),
        ("organization:*", {"river"}),
        ("-organization:*", {"nursery", "split"}),
        ("num_resources:2", {"river"}),
        ("num_resources:[2 TO 5]", {"river", "nursery"}),
        ("num_resources:{2 TO 5]", {"nursery"}),
        ("num_resources:[2 TO 5}", {"river"}),
        ("num_resources:[* TO 2}", {"split"}),
        ("num_resources:[-1 TO 0]", {"split"}),
        ("metadata_modified:[2024-01-01T00:00:00Z TO *]", {"river", "split"}),
        ("metadata_modified:[* TO NOW]", {"river", "nursery"}),
        ("metadata_modified:[NOW/DAY TO NOW/DAY+1DAY]", {"river"}),
        ("metadata_modified:[NOW-1YEAR TO NOW-1DAY]", {"nursery"}),
        ('metadata_modified:"2023-06-30T23:59:59Z"', {"nursery"}),
        ("metadata_modified:2023-06-30T23\\:59\\:59Z", {"nursery"}),
        ("name:[a TO o]", {"nursery", "split"}),
        ("name:{k*z TO river-water-01}", {"nursery"}),
        ('"..." AND 水質', {"river"}),  # a null clause is dropped
        ('"..."', set()),
        ("水質 AND (...)", {"river"}),
    ],
)
def test_field_kinds(q: str, expected: set[str]) -> None:
    assert ids(q) == expected


def test_null_clause_still_applies_its_conjunction() -> None:
    # q.op OR: `AND "..."` makes 水質 required although "..." is dropped.
    assert ids('一覧 水質 AND "..."', q_op="OR") == {"river"}
    # q.op AND: `OR "..."` makes 水質 optional although "..." is dropped.
    assert ids('水質 OR "..." 一覧', q_op="AND") == {"nursery"}


@pytest.mark.parametrize(
    "q",
    [
        "a~",
        '"a b"~2',
        "{!lucene}a",
        "_query_:a",
        "a && b",
        "a || b",
        "!a",
        "/ab+/",
        "title:>3",
        "data_dict:x",
        "title_ngram:x",
        "title:[a TO b]",
        "num_resources:x*",
    ],
)
def test_unsupported_syntax_raises(q: str) -> None:
    with pytest.raises(ref.UnsupportedQuery):
        ref.matches(RIVER, q)


def test_boosts_are_ignored() -> None:
    assert ids("title:水質^4") == {"river"}


def test_date_math() -> None:
    assert ref.parse_date_math("NOW/DAY", NOW) == dt.datetime(2024, 1, 2, tzinfo=dt.UTC)
    assert ref.parse_date_math("NOW-1MONTH/MONTH", NOW) == dt.datetime(
        2023, 12, 1, tzinfo=dt.UTC
    )
    assert ref.parse_date_math("NOW+2HOURS", NOW) == NOW + dt.timedelta(hours=2)
    assert ref.parse_date_math("2024-03-31T00:00:00Z-1MONTH", None) == dt.datetime(
        2024, 2, 29, tzinfo=dt.UTC
    )
    assert ref.parse_date_math("NOW/YEAR", NOW) == dt.datetime(
        2024, 1, 1, tzinfo=dt.UTC
    )


@pytest.mark.parametrize(
    ("optional", "required"),
    [
        (0, 0),
        (1, 1),
        (2, 2),
        (3, 2),
        (4, 3),
        (5, 4),
        (6, 4),
        (7, 5),
        (8, 6),
        (10, 8),
        (20, 16),
    ],
)
def test_ckan_minimum_should_match(optional: int, required: int) -> None:
    assert ref.calculate_min_should_match(optional, ref.DEFAULT_MM) == required


def test_minimum_should_match_specs() -> None:
    assert ref.calculate_min_should_match(4, "75%") == 3
    assert ref.calculate_min_should_match(4, "-25%") == 3
    assert ref.calculate_min_should_match(3, "-1") == 2
    assert ref.calculate_min_should_match(3, "5") == 3


def dismax_ids(q: str) -> set[str]:
    return {doc["id"] for doc in DOCS if ref.dismax_matches(doc, q)}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("水質", {"river"}),
        ("水質 一覧", set()),  # two optional clauses: both required
        ("水質 保育", {"river"}),
        ("水質 保育 一覧", {"river", "nursery"}),  # three: two of them
        ("+保育 -施設", set()),
        ("保育 -一覧", {"river", "split"}),
        ("nursery", {"nursery"}),  # name (string) field
        ('"foo bar"', {"river"}),  # tags (string) field, quoted
        ("k*z", {"split"}),  # no wildcards in dismax: name k*z literally
        ("river-water-01", {"river"}),
        ("水質 ...", set()),  # "..." stays a clause: it is a term of the string fields
    ],
)
def test_dismax(q: str, expected: set[str]) -> None:
    assert dismax_ids(q) == expected


def test_dismax_clause_analysing_to_nothing_is_not_counted() -> None:
    matching = {
        doc["id"]
        for doc in DOCS
        if ref.dismax_matches(doc, "水質 ...", qf="title text")
    }
    assert matching == {"river"}


def test_dismax_rejects_operators() -> None:
    with pytest.raises(ref.UnsupportedQuery):
        ref.dismax_matches(RIVER, "水質 OR 保育")
