"""Differential tests: the embedded search backend against the reference
evaluator of Lucene/Solr query semantics (``lucene_reference``).

Random CKAN index documents are written through the connection CKAN uses
(``ckan.lib.search.common.make_connection()``), random standard-parser and
dismax queries are run on them, and the ids found must be exactly the ids the
reference evaluator selects.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

import lucene_reference as ref
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

# Sized for a passing run of ~20 s. A failing run also shrinks its example
# (up to a minute or so: every attempt re-indexes and searches); the explain
# phase is left out as it would double that.
HYPOTHESIS_SETTINGS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    report_multiple_bugs=False,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
)

# --------------------------------------------------------------------------
# Vocabulary shared by documents and queries
# --------------------------------------------------------------------------

TEXT_WORDS = (
    "河川",
    "水質",
    "調査",
    "結果",
    "保育",
    "施設",
    "一覧",
    "公衆トイレ",
    "避難所",
    "人流データ",
    "大阪市",
    "カナ",
    "ｶﾅ",
    "ＡＥＤ",
    "AED",
    "water",
    "Quality",
    "rivers",
    "running",
    "Wi-Fi",
    "wifi",
    "Osaka",
    "bus",
    "ＤＡＴＡ",
    "open-data",
)
SEPARATORS = ("", " ", " ", "・", "、")
TEXT_QUERY_WORDS = TEXT_WORDS + (
    "水",
    "質調",
    "調査結果",
    "トイレ",
    "データ",
    "river",
    "RUN",
    "qualities",
    "fi",
    "wi",
    "aed",
    "ａｅｄ",
    "カ",
    "...",
    "osaka",
    "data",
    "保育施設",
    "河川水質",
    "and",
    "C++",
    "v1.0",
)
TAGS = (
    "水質",
    "河川",
    "保育",
    "施設",
    "避難所",
    "AED",
    "ＡＥＤ",
    "open-data",
    "bus",
    "公衆トイレ",
    "foo bar",
    "Wi-Fi",
    "C++",
    "v1.0",
    "大阪_北区",
    "ISO:19115",
    "(株)大阪",
)
ORGANIZATIONS = ("osaka-city", "sakai-city", "kyoto-pref")
NAME_STEMS = ("river-water", "nursery", "toilet", "shelter", "bus-stop")
FORMATS = ("CSV", "PDF", "JSON")
AREAS = ("北区", "中央区", "Kita ward")
USERS = ("alice", "bob")
DATES = tuple(
    dt.datetime(*parts, tzinfo=dt.UTC)
    for parts in (
        (2015, 3, 1, 9, 0, 0),
        (2017, 12, 31, 23, 59, 59),
        (2019, 6, 15, 12, 30, 0, 250000),
        (2020, 1, 1, 0, 0, 0),
        (2021, 7, 7, 7, 7, 7, 123456),
        (2023, 11, 30, 18, 45, 0),
    )
)


def organization_id(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, f"org.{name}"))


def user_id(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, f"user.{name}"))


def ckan_timestamp(instant: dt.datetime) -> str:
    """``metadata_modified`` as CKAN's package_show gives it (no zone)."""
    return instant.replace(tzinfo=None).isoformat()


PERMISSION_LABELS = (
    ("public",)
    + tuple(f"member-{organization_id(o)}" for o in ORGANIZATIONS)
    + tuple(f"creator-{user_id(u)}" for u in USERS)
)

# --------------------------------------------------------------------------
# Documents shaped like PackageSearchIndex.index_package's
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class DatasetSpec:
    id: uuid.UUID
    name: str
    title: str
    notes: str
    tags: tuple[str, ...]
    organization: str | None
    creator: str
    state: str
    private: bool
    resources: tuple[tuple[str, str], ...]
    area: str | None
    created: dt.datetime
    modified: dt.datetime
    extra: dict[str, Any] = field(default_factory=dict)


text_values = st.builds(
    lambda words, seps: "".join(
        w + s for w, s in zip(words, seps, strict=False)
    ).strip(),
    st.lists(st.sampled_from(TEXT_WORDS), min_size=1, max_size=4),
    st.lists(st.sampled_from(SEPARATORS), min_size=4, max_size=4),
)

dataset_specs = st.builds(
    DatasetSpec,
    id=st.uuids(),
    name=st.builds(
        lambda stem, n: f"{stem}-{n}", st.sampled_from(NAME_STEMS), st.integers(0, 3)
    ),
    title=text_values,
    notes=st.one_of(st.just(""), text_values),
    tags=st.lists(st.sampled_from(TAGS), max_size=3, unique=True).map(tuple),
    organization=st.one_of(st.none(), st.sampled_from(ORGANIZATIONS)),
    creator=st.sampled_from(USERS),
    state=st.sampled_from(("active", "active", "draft", "deleted")),
    private=st.booleans(),
    resources=st.lists(
        st.tuples(text_values, st.sampled_from(FORMATS)), max_size=3
    ).map(tuple),
    area=st.one_of(st.none(), st.sampled_from(AREAS)),
    created=st.sampled_from(DATES),
    modified=st.sampled_from(DATES),
)


def package_dict(spec: DatasetSpec) -> dict[str, Any]:
    """The package dict CKAN hands to the index (package_show output)."""
    org = spec.organization
    return {
        "id": str(spec.id),
        "name": spec.name,
        "title": spec.title,
        "notes": spec.notes,
        "state": spec.state,
        "private": spec.private,
        "type": "dataset",
        "owner_org": organization_id(org) if org else None,
        "creator_user_id": user_id(spec.creator),
        "license_id": "cc-by",
        "url": "",
        "version": "",
        "author": "",
        "maintainer": "",
        "isopen": True,
        "metadata_created": ckan_timestamp(spec.created),
        "metadata_modified": ckan_timestamp(spec.modified),
        "num_resources": len(spec.resources),
        "num_tags": len(spec.tags),
        "tags": [
            {"name": tag, "display_name": tag, "state": "active"} for tag in spec.tags
        ],
        "groups": [],
        "organization": {"name": org, "title": org, "id": organization_id(org)}
        if org
        else None,
        "resources": [
            {
                "name": name,
                "description": "",
                "format": fmt,
                "url": f"http://x/{i}.{fmt}",
                "resource_type": None,
            }
            for i, (name, fmt) in enumerate(spec.resources)
        ],
        "extras": [{"key": "area", "value": spec.area}] if spec.area else [],
    }


def permission_labels(spec: DatasetSpec) -> list[str]:
    """``DefaultPermissionLabels.get_dataset_labels``."""
    if spec.state == "active" and not spec.private:
        return ["public"]
    if spec.organization:
        return [f"member-{organization_id(spec.organization)}"]
    return [f"creator-{user_id(spec.creator)}"]


def index_document(spec: DatasetSpec, site_id: str) -> dict[str, Any]:
    """The document ``PackageSearchIndex.index_package`` sends to ``conn.add``."""
    pkg = package_dict(spec)
    doc = dict(pkg)
    doc["data_dict"] = json.dumps(pkg)
    doc["validated_data_dict"] = json.dumps(pkg)
    doc["title_string"] = pkg["title"]
    for extra in doc.pop("extras"):
        doc["extras_" + extra["key"]] = extra["value"]
        doc[extra["key"]] = extra["value"]
    doc["tags"] = [tag["name"] for tag in doc.pop("tags")]
    doc["capacity"] = "private" if doc["private"] else "public"
    doc["groups"] = [group["name"] for group in doc.pop("groups")]
    doc["organization"] = doc["organization"]["name"] if doc["organization"] else None
    for resource in doc.pop("resources"):
        for key, target in (
            ("name", "res_name"),
            ("description", "res_description"),
            ("format", "res_format"),
            ("url", "res_url"),
            ("resource_type", "res_type"),
        ):
            doc[target] = doc.get(target, []) + [resource.get(key, "")]
    doc["entity_type"] = "package"
    doc["dataset_type"] = doc["type"]
    doc["metadata_created"] += "Z"
    doc["metadata_modified"] += "Z"
    doc["site_id"] = site_id
    doc["index_id"] = hashlib.md5(f"{doc['id']}{site_id}".encode()).hexdigest()
    doc["permission_labels"] = permission_labels(spec)
    return doc


def index_documents(specs: list[DatasetSpec], site_id: str) -> list[dict[str, Any]]:
    unique = {spec.id: spec for spec in specs}
    return [index_document(spec, site_id) for spec in unique.values()]


# --------------------------------------------------------------------------
# Query strings
# --------------------------------------------------------------------------

_ALWAYS_ESCAPED = re.compile(r'([&|!(){}\[\]^"~*?:\\/\s])')


def escape(value: str) -> str:
    """A Lucene term for ``value``; a leading ``+``/``-`` is escaped too."""
    escaped = _ALWAYS_ESCAPED.sub(r"\\\1", value)
    return "\\" + escaped if escaped[:1] in ("+", "-") else escaped


def quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def iso(instant: dt.datetime) -> str:
    text = instant.replace(tzinfo=None).isoformat()
    return text + "Z"


STRING_VALUES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("tags", TAGS),
    ("organization", ORGANIZATIONS),
    ("state", ("active", "draft", "deleted", "Active")),
    ("capacity", ("public", "private")),
    ("permission_labels", PERMISSION_LABELS),
    ("res_format", FORMATS + ("csv",)),
    ("name", tuple(f"{s}-{n}" for s in NAME_STEMS for n in range(2))),
    ("private", ("true", "false")),
    ("entity_type", ("package",)),
    ("dataset_type", ("dataset", "harvest")),
    ("area", AREAS),
)
TEXT_FIELDS = (None, None, "text", "title", "notes", "res_name", "extras_area")
WILDCARDS = (
    ("name", "river*"),
    ("name", "*-1"),
    ("name", "nurs?ry-*"),
    ("name", "*stop*"),
    ("tags", "*水*"),
    ("tags", "foo*"),
    ("tags", "C+*"),
    ("tags", "v?.0"),
    ("tags", "Wi?Fi"),
    ("organization", "*-city"),
    ("title", "wat*"),
    ("notes", "qu?lit*"),
    ("text", "*ver*"),
    ("title", "Osa*"),
    ("res_name", "wi*"),
    (None, "run*"),
    (None, "bus"),
    ("permission_labels", "member-*"),
)
EXISTS_FIELDS = (
    "organization",
    "tags",
    "notes",
    "res_name",
    "extras_area",
    "area",
    "res_format",
    "title",
)
DATE_FIELDS = ("metadata_modified", "metadata_created")
DATE_BOUNDS = tuple(iso(d) for d in DATES) + (
    "*",
    "NOW",
    "NOW/DAY",
    "NOW-1DAY",
    "NOW-100YEARS",
    "NOW+2HOURS",
    "2018-01-01T00:00:00Z",
)


@st.composite
def string_clauses(draw: st.DrawFn) -> str:
    field_name, values = draw(st.sampled_from(STRING_VALUES))
    value = draw(st.sampled_from(values))
    term = quote(value) if draw(st.booleans()) else escape(value)
    return f"{field_name}:{term}"


@st.composite
def text_clauses(draw: st.DrawFn) -> str:
    field_name = draw(st.sampled_from(TEXT_FIELDS))
    words = draw(st.lists(st.sampled_from(TEXT_QUERY_WORDS), min_size=1, max_size=2))
    term = (
        quote(" ".join(words))
        if len(words) > 1 or draw(st.booleans())
        else escape(words[0])
    )
    return term if field_name is None else f"{field_name}:{term}"


def _range(low: str, high: str, include_low: bool, include_high: bool) -> str:
    return f"{'[' if include_low else '{'}{low} TO {high}{']' if include_high else '}'}"


@st.composite
def number_clauses(draw: st.DrawFn) -> str:
    field_name = draw(st.sampled_from(("num_resources", "num_tags")))
    if draw(st.booleans()):
        return f"{field_name}:{draw(st.integers(0, 4))}"
    bounds = st.one_of(st.just("*"), st.integers(-1, 5).map(str))
    return (
        field_name
        + ":"
        + _range(draw(bounds), draw(bounds), draw(st.booleans()), draw(st.booleans()))
    )


@st.composite
def date_clauses(draw: st.DrawFn) -> str:
    field_name = draw(st.sampled_from(DATE_FIELDS))
    if draw(st.integers(0, 3)) == 0:
        return f"{field_name}:{quote(iso(draw(st.sampled_from(DATES))))}"
    low, high = draw(st.sampled_from(DATE_BOUNDS)), draw(st.sampled_from(DATE_BOUNDS))
    return (
        field_name + ":" + _range(low, high, draw(st.booleans()), draw(st.booleans()))
    )


@st.composite
def string_range_clauses(draw: st.DrawFn) -> str:
    field_name = draw(st.sampled_from(("name", "tags", "organization")))
    bounds = st.sampled_from(("*", "a", "bus", "n", "river-water-1", "z", "河", "Ｚ"))
    return (
        field_name
        + ":"
        + _range(draw(bounds), draw(bounds), draw(st.booleans()), draw(st.booleans()))
    )


@st.composite
def wildcard_clauses(draw: st.DrawFn) -> str:
    field_name, pattern = draw(st.sampled_from(WILDCARDS))
    return pattern if field_name is None else f"{field_name}:{pattern}"


@st.composite
def fielded_groups(draw: st.DrawFn) -> str:
    field_name = draw(
        st.sampled_from(("tags", "res_format", "state", "title", "notes"))
    )
    if field_name in ("title", "notes"):
        values = st.sampled_from(TEXT_QUERY_WORDS).map(escape)
    else:
        pool = dict(STRING_VALUES).get(field_name, FORMATS)
        values = st.sampled_from(pool).map(quote)
    if field_name == "tags":
        values = st.one_of(values, st.sampled_from(("foo*", "*水*", "*")))
    items = draw(
        st.lists(st.tuples(conjunctions, modifiers, values), min_size=1, max_size=3)
    )
    return f"{field_name}:{render_clauses(items, parenthesised=True)}"


leaf_clauses = st.one_of(
    string_clauses(),
    text_clauses(),
    number_clauses(),
    date_clauses(),
    string_range_clauses(),
    wildcard_clauses(),
    st.sampled_from(EXISTS_FIELDS).map(lambda name: f"{name}:*"),
    st.just("*:*"),
    st.just("*"),
    fielded_groups(),
)
boosts = st.sampled_from(("", "", "", "", "^2", "^0.5"))
conjunctions = st.sampled_from(("", "", "AND", "OR"))
modifiers = st.sampled_from(("", "", "", "+", "-", "NOT "))


def render_clauses(items: list[tuple[str, str, str]], parenthesised: bool) -> str:
    parts: list[str] = []
    for index, (conjunction, modifier, clause) in enumerate(items):
        if index and conjunction:
            parts.append(conjunction)
        parts.append(modifier + clause)
    rendered = " ".join(parts)
    return f"({rendered})" if parenthesised else rendered


def _groups(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.lists(
        st.tuples(conjunctions, modifiers, children), min_size=1, max_size=4
    ).map(lambda items: render_clauses(items, parenthesised=True))


boosted_leaves = st.builds(lambda clause, boost: clause + boost, leaf_clauses, boosts)
nested_clauses = st.recursive(boosted_leaves, _groups, max_leaves=6)
standard_queries = st.lists(
    st.tuples(conjunctions, modifiers, nested_clauses), min_size=1, max_size=4
).map(lambda items: render_clauses(items, parenthesised=False))


@dataclass(frozen=True)
class QueryCase:
    q: str
    q_op: str
    fq: tuple[str, ...]


query_cases = st.builds(
    QueryCase,
    q=st.one_of(st.just("*:*"), standard_queries, standard_queries),
    q_op=st.sampled_from(("AND", "OR")),
    fq=st.lists(standard_queries, max_size=2).map(tuple),
)

# --------------------------------------------------------------------------
# Running both sides
# --------------------------------------------------------------------------


_last_indexed: list[str] = []


def reindex(conn: Any, docs: list[dict[str, Any]], *, force: bool = False) -> None:
    """Make ``docs`` the whole index (skipped when they already are, which
    keeps Hypothesis' shrinking of queries cheap)."""
    fingerprint = json.dumps(docs, sort_keys=True)
    if not force and _last_indexed == [fingerprint]:
        return
    conn.delete(q="*:*", commit=True)
    conn.add(docs=docs, commit=True)
    _last_indexed[:] = [fingerprint]


def all_indexed(conn: Any, docs: list[dict[str, Any]]) -> bool:
    ids = " OR ".join(quote(doc["id"]) for doc in docs)
    results = conn.search(q="*:*", fq=[f"+id:({ids})"], rows=0, fl="id")
    return results.hits == len(docs)


def backend_ids(
    conn: Any,
    docs: list[dict[str, Any]],
    q: str,
    fq: list[str] | tuple[str, ...],
    **params: Any,
) -> set[str]:
    """The ids of ``docs`` the backend finds.

    The development database may be shared with another test session: the
    documents it indexes meanwhile are left out of the comparison, and if it
    cleared the index, ``docs`` are written again before searching.
    """
    if not all_indexed(conn, docs):
        reindex(conn, docs, force=True)
    results = conn.search(q=q, fq=list(fq), rows=1000, fl="id", **params)
    found = [doc["id"] for doc in results.docs]
    assert len(found) == len(set(found)), f"duplicate documents for {q!r}: {found}"
    assert results.hits == len(found), (
        f"hits {results.hits} != {len(found)} docs for {q!r}"
    )
    own_ids = {doc["id"] for doc in docs}
    return set(found) & own_ids


SUMMARY_FIELDS = (
    "name",
    "title",
    "notes",
    "tags",
    "organization",
    "state",
    "capacity",
    "permission_labels",
    "res_name",
    "res_format",
    "num_resources",
    "num_tags",
    "metadata_modified",
    "metadata_created",
    "extras_area",
)


def describe(docs: list[dict[str, Any]], ids: set[str]) -> str:
    lines = []
    for doc in docs:
        if doc["id"] in ids:
            summary = {
                k: doc.get(k)
                for k in SUMMARY_FIELDS
                if doc.get(k) not in (None, "", [])
            }
            lines.append(f"  {doc['id']}: {summary}")
    return "\n".join(lines)


def assert_same_ids(
    docs: list[dict[str, Any]], label: str, expected: set[str], actual: set[str]
) -> None:
    if expected == actual:
        return
    raise AssertionError(
        f"{label}\nmissing (reference matches, backend does not):\n"
        f"{describe(docs, expected - actual)}\n"
        "extra (backend matches, reference does not):\n"
        f"{describe(docs, actual - expected)}"
    )


def check_standard(conn: Any, docs: list[dict[str, Any]], case: QueryCase) -> None:
    expected = ref.filter_ids(docs, case.q, case.fq, q_op=case.q_op, df="text")
    actual = backend_ids(
        conn, docs, case.q, case.fq, **{"q.op": case.q_op, "df": "text"}
    )
    label = f"q={case.q!r} q.op={case.q_op} fq={list(case.fq)!r}"
    assert_same_ids(docs, label, expected, actual)


@HYPOTHESIS_SETTINGS
@given(
    specs=st.lists(dataset_specs, min_size=1, max_size=6),
    cases=st.lists(query_cases, min_size=1, max_size=3),
)
def test_standard_parser_matches_reference(
    search_connection: Any,
    site_id: str,
    specs: list[DatasetSpec],
    cases: list[QueryCase],
) -> None:
    docs = index_documents(specs, site_id)
    reindex(search_connection, docs)
    for case in cases:
        check_standard(search_connection, docs, case)


# --------------------------------------------------------------------------
# dismax: CKAN's free-text search
# --------------------------------------------------------------------------

DISMAX_WORDS = (
    TEXT_QUERY_WORDS
    + TAGS
    + ORGANIZATIONS
    + tuple(f"{s}-{n}" for s in NAME_STEMS for n in range(2))
)


@st.composite
def dismax_queries(draw: st.DrawFn) -> str:
    positive = st.tuples(st.sampled_from(("", "", "+")), st.sampled_from(DISMAX_WORDS))
    any_sign = st.tuples(
        st.sampled_from(("", "", "", "+", "-")), st.sampled_from(DISMAX_WORDS)
    )
    clauses = [draw(positive)] + draw(st.lists(any_sign, max_size=5))
    clauses = draw(st.permutations(clauses))
    rendered = [sign + (quote(word) if " " in word else word) for sign, word in clauses]
    return " ".join(rendered)


def ckan_filters(site_id: str, labels: tuple[str, ...]) -> list[str]:
    """The ``fq`` list ``PackageSearchQuery.run`` adds."""
    label_query = " OR ".join(quote(label) for label in labels)
    return [
        f"+site_id:{quote(site_id)}",
        "+state:active",
        f"+permission_labels:({label_query})",
    ]


@HYPOTHESIS_SETTINGS
@given(
    specs=st.lists(dataset_specs, min_size=1, max_size=6),
    queries=st.lists(dismax_queries(), min_size=1, max_size=3),
    labels=st.lists(
        st.sampled_from(PERMISSION_LABELS), min_size=1, max_size=3, unique=True
    ),
)
def test_dismax_matches_reference(
    search_connection: Any,
    site_id: str,
    specs: list[DatasetSpec],
    queries: list[str],
    labels: list[str],
) -> None:
    docs = index_documents(specs, site_id)
    reindex(search_connection, docs)
    fq = ckan_filters(site_id, tuple(labels))
    params = {
        "defType": "dismax",
        "qf": ref.DEFAULT_QF,
        "mm": ref.DEFAULT_MM,
        "tie": "0.1",
        "q.op": "AND",
        "df": "text",
    }
    for q in queries:
        expected = ref.dismax_ids(docs, q, fq, qf=ref.DEFAULT_QF, mm=ref.DEFAULT_MM)
        actual = backend_ids(search_connection, docs, q, fq, **params)
        assert_same_ids(docs, f"dismax q={q!r} fq={fq!r}", expected, actual)


# --------------------------------------------------------------------------
# Regression cases: the visibility filters CKAN relies on
# --------------------------------------------------------------------------

ORG_X = "osaka-city"
MEMBER_X = f"member-{organization_id(ORG_X)}"

VISIBILITY_SPECS = [
    DatasetSpec(
        id=uuid.UUID(int=index + 1),
        name=f"bus-stop-{index}",
        title=title,
        notes="",
        tags=tags,
        organization=org,
        creator="alice",
        state=state,
        private=private,
        resources=(),
        area=None,
        created=DATES[0],
        modified=DATES[index % len(DATES)],
    )
    for index, (title, tags, org, state, private) in enumerate(
        [
            ("公開 a", ("a", "b"), ORG_X, "active", False),
            ("公開 b", ("b", "c"), None, "active", False),
            ("公開 c", ("c",), "sakai-city", "active", False),
            ("非公開 a", ("a", "b", "c"), ORG_X, "active", True),
            ("非公開 b", ("a", "c"), "sakai-city", "active", True),
            ("下書き a", ("a", "b", "c"), ORG_X, "draft", False),
            ("下書き b", ("a",), None, "draft", False),
            ("削除 a", ("a", "b", "c"), ORG_X, "deleted", False),
            ("なし", (), None, "active", False),
        ]
    )
]

SECURITY_QUERIES = (
    "a AND b OR c",
    "a OR b AND c",
    "NOT a",
    "a -b",
    "(-a)",
    "+a -b c",
    "*:*",
    "-tags:a",
    "tags:(-a)",
    "a OR NOT b",
    "-(a b)",
)

VISITORS = {
    "anonymous": ("public",),
    "member of osaka-city": ("public", MEMBER_X),
    "creator alice": ("public", f"creator-{user_id('alice')}"),
}


@pytest.fixture(scope="module")
def visibility_docs(search_connection: Any, site_id: str) -> list[dict[str, Any]]:
    docs = index_documents(VISIBILITY_SPECS, site_id)
    reindex(search_connection, docs)
    return docs


def _may_see(doc: dict[str, Any], labels: tuple[str, ...]) -> bool:
    return doc["state"] == "active" and bool(
        set(doc["permission_labels"]) & set(labels)
    )


@pytest.mark.parametrize("q_op", ["AND", "OR"])
@pytest.mark.parametrize("visitor", sorted(VISITORS))
@pytest.mark.parametrize("q", SECURITY_QUERIES)
def test_visibility_filters_never_leak(
    search_connection: Any,
    site_id: str,
    visibility_docs: list[dict[str, Any]],
    q: str,
    visitor: str,
    q_op: str,
) -> None:
    labels = VISITORS[visitor]
    fq = ckan_filters(site_id, labels)
    params = {"q.op": q_op, "df": "tags"}
    actual = backend_ids(search_connection, visibility_docs, q, fq, **params)
    expected = ref.filter_ids(visibility_docs, q, fq, q_op=q_op, df="tags")
    assert_same_ids(visibility_docs, f"q={q!r} q.op={q_op} fq={fq!r}", expected, actual)
    by_id = {doc["id"]: doc for doc in visibility_docs}
    leaked = [by_id[i]["title"] for i in actual if not _may_see(by_id[i], labels)]
    assert not leaked, f"{visitor} sees {leaked} with q={q!r}"


@pytest.mark.parametrize(
    ("fq", "allowed"),
    [
        (
            f'+permission_labels:("public" OR "{MEMBER_X}")',
            lambda d: bool({"public", MEMBER_X} & set(d["permission_labels"])),
        ),
        ("+capacity:public", lambda d: d["capacity"] == "public"),
        ("-state:draft", lambda d: d["state"] != "draft"),
        ("+state:active", lambda d: d["state"] == "active"),
        (
            "+capacity:public +state:active",
            lambda d: d["capacity"] == "public" and d["state"] == "active",
        ),
        (
            "-capacity:private -state:draft -state:deleted",
            lambda d: d["capacity"] == "public" and d["state"] == "active",
        ),
    ],
)
@pytest.mark.parametrize("q_op", ["AND", "OR"])
def test_single_security_filters(
    search_connection: Any,
    visibility_docs: list[dict[str, Any]],
    fq: str,
    allowed: Any,
    q_op: str,
) -> None:
    actual = backend_ids(
        search_connection, visibility_docs, "*:*", [fq], **{"q.op": q_op, "df": "text"}
    )
    expected = {doc["id"] for doc in visibility_docs if allowed(doc)}
    assert ref.filter_ids(visibility_docs, "*:*", [fq], q_op=q_op) == expected
    assert actual == expected


@pytest.mark.parametrize("q_op", ["AND", "OR"])
@pytest.mark.parametrize(
    "q",
    ["公開", "非公開", "下書き", "title:公開", "tags:a tags:b", "a b c", "+a +b +c"],
)
def test_free_text_with_ckan_filters(
    search_connection: Any,
    site_id: str,
    visibility_docs: list[dict[str, Any]],
    q: str,
    q_op: str,
) -> None:
    fq = ckan_filters(site_id, ("public",))
    if ":" in q:
        params = {"q.op": q_op, "df": "text"}
        expected = ref.filter_ids(visibility_docs, q, fq, q_op=q_op)
    else:
        params = {
            "defType": "dismax",
            "qf": ref.DEFAULT_QF,
            "mm": ref.DEFAULT_MM,
            "q.op": q_op,
            "df": "text",
        }
        expected = ref.dismax_ids(visibility_docs, q, fq)
    actual = backend_ids(search_connection, visibility_docs, q, fq, **params)
    assert_same_ids(visibility_docs, f"q={q!r} params={params}", expected, actual)
    assert all(
        doc["capacity"] == "public" and doc["state"] == "active"
        for doc in visibility_docs
        if doc["id"] in actual
    )


# --------------------------------------------------------------------------
# Hand-picked edge cases of the standard parser
# --------------------------------------------------------------------------

EDGE_SPECS = [
    DatasetSpec(
        id=uuid.UUID(int=101),
        name="river-water-1",
        title="河川 水質",
        notes="Quality running",
        tags=("水質", "C++", "ISO:19115"),
        organization="osaka-city",
        creator="alice",
        state="active",
        private=False,
        resources=(("水質 データ", "CSV"), ("AED", "PDF")),
        area="北区",
        created=DATES[1],
        modified=DATES[3],
    ),
    DatasetSpec(
        id=uuid.UUID(int=102),
        name="nursery-0",
        title="保育施設一覧",
        notes="",
        tags=("施設", "(株)大阪"),
        organization=None,
        creator="bob",
        state="draft",
        private=True,
        resources=(),
        area=None,
        created=DATES[0],
        modified=DATES[0],
    ),
    DatasetSpec(
        id=uuid.UUID(int=103),
        name="toilet-1",
        title="公衆トイレ・避難所",
        notes="ＡＥＤ Wi-Fi",
        tags=("foo bar",),
        organization="sakai-city",
        creator="alice",
        state="active",
        private=True,
        resources=(("open-data", "JSON"),),
        area="Kita ward",
        created=DATES[2],
        modified=DATES[5],
    ),
]

EDGE_QUERIES = (
    ("*:*^2", "OR"),
    ("-*:*^2", "OR"),
    ("num_resources:[-1 TO 5]", "OR"),
    ("num_resources:{* TO -1]", "OR"),
    ('"..." AND 水質', "OR"),
    ('保育 OR "..." 河川', "AND"),
    ("河川 AND ...", "OR"),
    ("tags:(-水質)", "OR"),
    ("+(-tags:水質) +(-tags:施設)", "OR"),
    ("(-state:draft) AND (-capacity:private)", "AND"),
    ("*", "AND"),
    ("tags:*", "AND"),
    ("-tags:*", "AND"),
    ('title:"河川 水質"', "AND"),
    ("metadata_modified:[NOW-100YEARS TO NOW]", "AND"),
    ("metadata_modified:[* TO NOW/DAY}", "AND"),
    ('metadata_modified:"2020-01-01T00:00:00Z"', "AND"),
    ("metadata_modified:2020-01-01T00\\:00\\:00Z", "AND"),
    ("name:river\\-water\\-1", "AND"),
    ("name:river-water-1", "AND"),
    ("name:[a TO o}", "AND"),
    ("tags:ISO\\:19115", "AND"),
    ('tags:"ISO:19115"', "AND"),
    ("tags:\\(株\\)大阪", "AND"),
    ("tags:C++", "AND"),
    ("tags:foo\\ bar", "AND"),
    ("tags:foo*", "AND"),
    ("tags:*大阪", "AND"),
    ("num_resources:{* TO *}", "AND"),
    ("num_tags:[1 TO 2]", "AND"),
    ("text:Wi-Fi", "AND"),
    ("wifi", "AND"),
    ("title:ｶﾅ", "AND"),
    ("ＡＥＤ", "AND"),
    ("aed", "AND"),
    ("res_name:水質データ", "AND"),
    ("res_name:AED", "AND"),
    ("title:水質^3 OR notes:running", "AND"),
    ("extras_area:北区", "AND"),
    ("area:北区", "AND"),
    ("private:true", "AND"),
    ("private:false", "AND"),
    ("capacity:Public", "AND"),
    ("a OR b AND c", "AND"),
)


@pytest.fixture(scope="module")
def edge_docs(search_connection: Any, site_id: str) -> list[dict[str, Any]]:
    docs = index_documents(EDGE_SPECS, site_id)
    reindex(search_connection, docs)
    return docs


@pytest.mark.parametrize(("q", "q_op"), EDGE_QUERIES)
def test_edge_cases_match_reference(
    search_connection: Any, edge_docs: list[dict[str, Any]], q: str, q_op: str
) -> None:
    expected = ref.filter_ids(edge_docs, q, [], q_op=q_op, df="text")
    actual = backend_ids(
        search_connection, edge_docs, q, [], **{"q.op": q_op, "df": "text"}
    )
    assert_same_ids(edge_docs, f"q={q!r} q.op={q_op}", expected, actual)


DISMAX_EDGE_CASES = (
    ("水質 ...", ref.DEFAULT_QF),
    ("水質 ...", "title text"),
    ("+水質 ...", "title text"),
    ("-保育 水質", ref.DEFAULT_QF),
    ("河川 水質 保育 施設 一覧 公衆トイレ", ref.DEFAULT_QF),
    ("河川 水質 AED", ref.DEFAULT_QF),
    ('"foo bar"', ref.DEFAULT_QF),
    ("C++", ref.DEFAULT_QF),
    ("river-water-1", ref.DEFAULT_QF),
    ("ｶﾅ ＡＥＤ", ref.DEFAULT_QF),
    ("wifi 避難所", ref.DEFAULT_QF),
)


@pytest.mark.parametrize(("q", "qf"), DISMAX_EDGE_CASES)
def test_dismax_edge_cases_match_reference(
    search_connection: Any, edge_docs: list[dict[str, Any]], q: str, qf: str
) -> None:
    params = {
        "defType": "dismax",
        "qf": qf,
        "mm": ref.DEFAULT_MM,
        "q.op": "AND",
        "df": "text",
    }
    expected = ref.dismax_ids(edge_docs, q, [], qf=qf)
    actual = backend_ids(search_connection, edge_docs, q, [], **params)
    assert_same_ids(edge_docs, f"dismax q={q!r} qf={qf!r}", expected, actual)
