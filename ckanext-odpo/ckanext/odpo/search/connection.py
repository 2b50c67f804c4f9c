"""A pysolr-compatible connection backed by PostgreSQL.

CKAN builds its index documents, ``fq`` strings, permission labels and facet
requests itself and hands them to ``make_connection()``; this class answers
them from the ``odpo_search_document`` table. Writes commit at once (like
CKAN's synchronous Solr commit), on a connection of their own, so a search
right after ``package_create`` sees the dataset.
"""
from __future__ import annotations

import contextlib
import contextvars
import copy
import dataclasses
import datetime as dt
import logging
import time
from collections import OrderedDict
from typing import Any, Callable, Iterable, Iterator, TypeVar

import pysolr
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError, ProgrammingError

from . import schema, store
from .query import (
    MUST,
    MUST_NOT,
    SHOULD,
    BooleanQuery,
    MatchAll,
    MatchNone,
    ParseOptions,
    Query,
    QuerySyntaxError,
    apply_minimum_should_match,
    parse,
    parse_dismax,
    split_local_params,
)
from .sql import Fragment, Translator

#: Advisory lock key of index writes: ``indexed_seq`` values are drawn in
#: commit order, which the column store's incremental refresh relies on.
WRITE_LOCK_KEY = 0x0D90_5EA7

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Accepted and without effect here: response format and tuning knobs, and
#: CKAN's ``fq_list``/``extras``, which CKAN has already merged into ``fq``
#: (Solr ignores them as unknown parameters too).
IGNORED_PARAMS = frozenset({
    "wt", "tie", "facet", "indent", "echoParams", "omitHeader", "spellcheck",
    "fq_list", "extras",
})
SUPPORTED_PARAMS = IGNORED_PARAMS | {
    "q", "fq", "fl", "rows", "start", "sort", "df", "q.op", "defType", "qf", "mm",
    "facet.field", "facet.limit", "facet.mincount", "facet.sort", "facet.query",
}

COLUMNS = (
    "index_id", "id", "site_id", "document", "strings", "numbers", "dates", "present",
    "search_tsv", "field_tsv", "title_tsv", "notes_tsv", "metadata_modified",
    "metadata_created", "title_string",
    *(name for name in store.SCALAR_COLUMNS if name not in ("site_id", "id")),
    *store.ARRAY_COLUMNS,
)
TSVECTOR_COLUMNS = ("search_tsv", "field_tsv", "title_tsv", "notes_tsv")
_DELETE_TEXT_ROWS = f"DELETE FROM {store.TEXT_TABLE} WHERE index_id IN (SELECT index_id FROM gone)"
JSONB_COLUMNS = ("document", "strings", "numbers", "dates")
#: Rows per INSERT statement when indexing in bulk.
UPSERT_BATCH = 200
#: Rows that ``add`` holds back instead of writing (see :func:`held_back_writes`).
_HELD_BACK: contextvars.ContextVar[list[dict[str, Any]] | None] = contextvars.ContextVar(
    "odpo_search_held_back", default=None)


class PostgresSearchConnection:
    """Implements the part of ``pysolr.Solr`` that CKAN and its extensions use."""

    def __init__(self, engine_factory: Callable[[], sa.engine.Engine],
                 statement_timeout_ms: int = 10000, url: str = "postgresql-search",
                 decode_dates: bool = False, columns: bool = False) -> None:
        self._engine_factory = engine_factory
        self.columns = columns
        self.decode_dates = decode_dates
        self.statement_timeout_ms = statement_timeout_ms
        self.url = url

    # -- writing ----------------------------------------------------------

    def add(self, docs: Iterable[dict[str, Any]], commit: bool = True, **_: Any) -> str:
        try:
            rows = [store.document_row(doc) for doc in docs]
        except ValueError as error:
            raise pysolr.SolrError(str(error)) from error
        held_back = _HELD_BACK.get()
        if held_back is not None:
            held_back.extend(rows)
        elif rows:
            self._run(lambda conn: _upsert(conn, rows))
            self._bump_generation()
        return ""

    def delete(self, id: str | list[str] | None = None, q: str | None = None,
               commit: bool = True, **_: Any) -> str:
        if id is None and q is None:
            raise ValueError('You must specify "id" or "q".')
        if id is not None:
            ids = [id] if isinstance(id, str) else list(id)
            statement = (f"WITH gone AS (DELETE FROM {store.TABLE} AS d WHERE d.index_id = ANY(%s) "
                         f"RETURNING d.index_id) {_DELETE_TEXT_ROWS}")
            self._run(lambda conn: conn.exec_driver_sql(statement, (ids,)))
        if q is not None:
            condition = self._condition(q, {"q.op": "OR"})
            statement = (f"WITH gone AS (DELETE FROM {store.TABLE} AS d WHERE {condition.sql} "
                         f"RETURNING d.index_id) {_DELETE_TEXT_ROWS}")
            self._run(lambda conn: conn.exec_driver_sql(statement, tuple(condition.params)))
        # a cleared index (``search-index clear``) has no row of an older analysis
        self._run(lambda conn: conn.exec_driver_sql(store.MARK_ANALYSIS_CURRENT))
        self._bump_generation()
        return ""

    def _bump_generation(self) -> None:
        """After a committed write: results cached before it are out of date."""
        self._run(lambda conn: conn.exec_driver_sql(f"SELECT nextval('{store.GENERATION}')"))

    def commit(self, **_: Any) -> str:
        return ""

    def optimize(self, **_: Any) -> str:
        return ""

    def ping(self, **_: Any) -> str:
        self._run(lambda conn: conn.exec_driver_sql(f"SELECT 1 FROM {store.TABLE} LIMIT 1"))
        return "OK"

    # -- searching --------------------------------------------------------

    def search(self, q: str | None = None, search_handler: str | None = None,
               **params: Any) -> pysolr.Results:
        started = time.monotonic()
        unsupported = sorted(
            name for name in params
            if name not in SUPPORTED_PARAMS and not name.startswith("f.")
        )
        if unsupported:
            raise pysolr.SolrError(
                f"Unsupported search parameters for the embedded backend: {unsupported}")
        try:
            statement = SearchStatement(q or "*:*", params)
            hits, docs, facet_fields, facet_queries = self._run(
                lambda conn: RESULT_CACHE.fetch(conn, statement, self.columns), timeout=True)
        except QuerySyntaxError as error:
            raise pysolr.SolrError(f"org.apache.solr.search.SyntaxError: {error}") from error
        if self.decode_dates:
            from ckan.lib.search.common import solr_datetime_decoder

            docs = [solr_datetime_decoder(doc) for doc in docs]
        decoded = {
            "responseHeader": {"status": 0, "QTime": int((time.monotonic() - started) * 1000),
                               "params": {k: str(v) for k, v in params.items()}},
            "response": {"numFound": hits, "start": statement.start, "docs": docs},
            "facet_counts": {"facet_queries": facet_queries, "facet_fields": facet_fields,
                             "facet_ranges": {}, "facet_intervals": {}, "facet_heatmaps": {}},
        }
        return pysolr.Results(decoded)

    def _condition(self, query: str, params: dict[str, Any]) -> Fragment:
        try:
            return Translator().condition(parse_standard(query, params))
        except QuerySyntaxError as error:
            raise pysolr.SolrError(f"org.apache.solr.search.SyntaxError: {error}") from error

    # -- plumbing ---------------------------------------------------------

    def _run(self, work: Callable[[sa.engine.Connection], T], timeout: bool = False) -> T:
        """Run ``work`` in its own committed transaction; heal a missing table."""
        for attempt in (1, 2):
            try:
                with self._engine_factory().begin() as conn:
                    if timeout:
                        conn.exec_driver_sql(
                            f"SET LOCAL statement_timeout = {int(self.statement_timeout_ms)}")
                        # short statements: JIT compilation costs more than it saves
                        conn.exec_driver_sql("SET LOCAL jit = off")
                    return work(conn)
            except ProgrammingError as error:
                if attempt == 1 and _is_missing_table(error):
                    ensure_index_table()
                    continue
                raise pysolr.SolrError(f"Search backend error: {error.orig}") from error
            except DBAPIError as error:
                raise pysolr.SolrError(f"Search backend error: {error.orig}") from error
        raise AssertionError("unreachable")


@contextlib.contextmanager
def held_back_writes() -> Iterator[list[dict[str, Any]]]:
    """Documents indexed within the block (``add``) are not written: their
    rows are collected in the list this yields. The caller writes them with
    :func:`write_held_back` in its own transaction, e.g. the one that saves
    the datasets, so that datasets and index rows are committed together,
    many per statement, and calls :func:`index_written` after the commit."""
    rows: list[dict[str, Any]] = []
    token = _HELD_BACK.set(rows)
    try:
        yield rows
    finally:
        _HELD_BACK.reset(token)


def write_held_back(conn: sa.engine.Connection, rows: list[dict[str, Any]]) -> None:
    """Write rows collected by :func:`held_back_writes` on ``conn`` (not committed)."""
    if rows:
        _upsert(conn, rows)


def index_written(engine: sa.engine.Engine) -> None:
    """After committing held-back rows: results cached before are out of date."""
    with engine.begin() as conn:
        conn.exec_driver_sql(f"SELECT nextval('{store.GENERATION}')")


def _is_missing_table(error: ProgrammingError) -> bool:
    return store.TABLE in str(error.orig) and "does not exist" in str(error.orig)


def ensure_index_table() -> None:
    """Apply the plugin's migrations (the index table went missing, e.g. after a
    test database reset dropped every table)."""
    log.warning("Search index table missing: applying odpo_search migrations")
    upgrade_index_table()


def upgrade_index_table(revision: str = "head") -> None:
    """Run the plugin's alembic migrations up to ``revision``.

    The same as ``ckan db upgrade -p odpo_search``, usable while the plugin is
    not loaded (CKAN's command resolves the plugin by name first).
    """
    import os

    from alembic import command
    from alembic.config import Config
    from ckan.common import config

    folder = os.path.join(os.path.dirname(os.path.dirname(__file__)), "migration", "odpo_search")
    alembic_config = Config(os.path.join(folder, "alembic.ini"))
    alembic_config.set_main_option("script_location", folder)
    alembic_config.set_main_option("sqlalchemy.url", config["sqlalchemy.url"])
    command.upgrade(alembic_config, revision)


def _upsert(conn: sa.engine.Connection, rows: list[dict[str, Any]]) -> None:
    """Insert or replace rows, many per statement (the last of a duplicate wins)."""
    unique = list({row["index_id"]: row for row in rows}.values())
    placeholders = "(" + ", ".join(
        "%s::tsvector" if name in TSVECTOR_COLUMNS
        else "%s::jsonb" if name in JSONB_COLUMNS
        else "%s" for name in COLUMNS
    ) + ")"
    names = ", ".join(COLUMNS)
    updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in COLUMNS if name != "index_id")
    # indexed_seq values are drawn in commit order (see columns.py)
    conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))
    for start in range(0, len(unique), UPSERT_BATCH):
        batch = unique[start:start + UPSERT_BATCH]
        statement = (
            f"INSERT INTO {store.TABLE} ({names}) VALUES {', '.join([placeholders] * len(batch))} "
            f"ON CONFLICT (index_id) DO UPDATE SET {updates}, indexed_seq = "
            f"nextval(pg_get_serial_sequence('{store.TABLE}', 'indexed_seq'))"
        )
        params = tuple(row[name] for row in batch for name in COLUMNS)
        conn.exec_driver_sql(statement, params)
    # the narrow copy of the vectors the column store searches (store.TEXT_TABLE)
    vectors = ", ".join(("index_id", "indexed_seq", *store.TEXT_VECTORS))
    conn.exec_driver_sql(
        f"INSERT INTO {store.TEXT_TABLE} ({vectors}, analysis) SELECT {vectors}, "
        f"{store.ANALYSIS_VERSION} FROM {store.TABLE} "
        f"WHERE index_id = ANY(%s) ON CONFLICT (index_id) DO UPDATE SET "
        + ", ".join(f"{name} = EXCLUDED.{name}"
                    for name in ("indexed_seq", *store.TEXT_VECTORS, "analysis")),
        ([row["index_id"] for row in unique],))
    conn.exec_driver_sql(store.MARK_ANALYSIS_CURRENT)


# -- query assembly -----------------------------------------------------------


def _list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value if item is not None and str(item).strip()]
    return [str(value)] if str(value).strip() else []


def parse_fields(spec: str) -> tuple[tuple[str, float], ...]:
    """``"name^4 title^4 text"`` into ((name, 4.0), (title, 4.0), (text, 1.0))."""
    fields = []
    for part in str(spec).split():
        name, _, weight = part.partition("^")
        try:
            fields.append((name, float(weight) if weight else 1.0))
        except ValueError as error:
            raise QuerySyntaxError(f"Invalid field weight in '{part}'") from error
    return tuple(fields)


def parse_standard(query: str, params: dict[str, Any]) -> Query:
    local = split_local_params(query)
    if local is not None:
        return parse_with_local_params(*local, params)
    if query.strip() == "*:*":
        return MatchAll()
    options = ParseOptions(
        default_operator=str(params.get("q.op", "OR")).upper(),
        default_field=str(params.get("df", "text")),
    )
    return parse(query, options)


def parse_with_local_params(pairs: list[tuple[str, str]], rest: str,
                            params: dict[str, Any]) -> Query:
    """Solr local parameters: ``{!lucene q.op=AND}...``, ``{!dismax qf=...}...``,
    ``{!bool must=... should=... must_not=... filter=...}``."""
    local = dict(pairs)
    parser_type = local.pop("type", "lucene")
    value = local.pop("v", rest)
    if parser_type == "bool":
        clauses = []
        occurs = {"must": MUST, "filter": MUST, "should": SHOULD, "must_not": MUST_NOT}
        for key, text in pairs:
            if key in occurs:
                clauses.append((occurs[key], parse_standard(text, params)))
            elif key != "type":
                raise QuerySyntaxError(f"Unsupported bool parameter '{key}'")
        return BooleanQuery(tuple(clauses)) if clauses else MatchNone()
    if parser_type in ("lucene", "dismax", "edismax"):
        merged = {**params, **local, "defType": parser_type}
        return parse_main_query(value, merged)
    raise QuerySyntaxError(f"Query parser '{parser_type}' is not supported")


def parse_main_query(q: str, params: dict[str, Any]) -> Query:
    local = split_local_params(q)
    if local is not None:
        return parse_with_local_params(*local, params)
    def_type = str(params.get("defType") or "lucene")
    if q.strip() == "*:*" and def_type != "dismax":
        return MatchAll()
    if def_type == "lucene":
        return parse_standard(q, params)
    query_fields = parse_fields(params.get("qf") or params.get("df") or "text")
    if def_type == "dismax":
        return parse_dismax(q, query_fields, str(params.get("mm", "100%")))
    if def_type == "edismax":
        default_mm = "100%" if str(params.get("q.op", "OR")).upper() == "AND" else "0%"
        options = ParseOptions(default_operator="OR", query_fields=query_fields,
                               default_field=str(params.get("df", "text")))
        return apply_minimum_should_match(parse(q, options), str(params.get("mm", default_mm)))
    raise QuerySyntaxError(f"Unknown query parser '{def_type}'")


class ResultCache:
    """Recent search results of this process, valid while the index has not
    been written to since (checked on every search: one sequence read)."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self.entries: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def fetch(self, conn: sa.engine.Connection, statement: "SearchStatement",
              columns: bool = False) -> Any:
        state = store.index_state(conn)
        sql, params, facet_names, facet_queries = statement.sql()
        # the SQL does not depend on ``fl``: the returned fields are part of the key
        key = (state, sql, tuple(map(str, params)), repr(statement.fields))
        if key in self.entries:
            self.hits += 1
            self.entries.move_to_end(key)
            return copy.deepcopy(self.entries[key])
        self.misses += 1
        result = statement.execute(conn, columns, state)
        self.entries[key] = copy.deepcopy(result)
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)
        return result

    def clear(self) -> None:
        self.entries.clear()


RESULT_CACHE = ResultCache()


class SearchStatement:
    """One search: the SQL for hits, the page of documents and the facets."""

    def __init__(self, q: str, params: dict[str, Any]) -> None:
        self.params = params
        self.rows = _int_param(params, "rows", 10)
        self.start = _int_param(params, "start", 0)
        self.translator = Translator(now=dt.datetime.now(dt.timezone.utc))
        self.main_query = parse_main_query(q, params)
        self.filters = [parse_standard(fq, params) for fq in _list(params.get("fq"))]
        self.fields = _field_list(params.get("fl"))
        self.sort = parse_sort(str(params.get("sort") or "score desc"))
        self._sql: tuple[str, list[Any], list[str], list[str]] | None = None

    def sql(self) -> tuple[str, list[Any], list[str], list[str]]:
        if self._sql is None:
            self._sql = self._statement()
        return self._sql

    def execute(self, conn: sa.engine.Connection, columns: bool = False,
                state: tuple[int, int] | None = None
                ) -> tuple[int, list[dict[str, Any]], dict[str, list[Any]], dict[str, int]]:
        """(hits, documents, facet fields, facet queries). With ``columns``, from
        the process's column store when it can answer (see :mod:`.columns`),
        brought up to ``state`` (``store.index_state``, when already read)."""
        sql, sql_params, facet_names, facet_queries = self.sql()
        if columns:
            from .columns import COLUMNS

            result = COLUMNS.search(conn, self, state)
            if result is not None:
                return result
        row = conn.exec_driver_sql(sql, tuple(sql_params)).one()
        docs = [self._result_document(item) for item in (row[1] or [])]
        facet_fields = {
            name: [value for pair in (row[2 + i] or []) for value in pair]
            for i, name in enumerate(facet_names)
        }
        offset = 2 + len(facet_names)
        queries = {text: int(row[offset + i]) for i, text in enumerate(facet_queries)}
        return int(row[0]), docs, facet_fields, queries

    def _statement(self) -> tuple[str, list[Any], list[str], list[str]]:
        conditions = [self.translator.condition(self.main_query)]
        conditions += [self.translator.condition(f) for f in self.filters]
        score = self.translator.score(self.main_query)
        sort_keys, order = self._sort_keys()
        facet_names = _list(self.params.get("facet.field")) if self._facets_on() else []
        facet_sources = [facet_source(name) for name in facet_names]
        params: list[Any] = list(score.params)
        extra_columns = ""
        for index, key in enumerate(sort_keys):
            extra_columns += f", {key.sql} AS sort_{index}"
            params.extend(key.params)
        for index, source in enumerate(facet_sources):
            extra_columns += f", {source.sql} AS facet_{index}"
            params.extend(source.params)
        for condition in conditions:
            params.extend(condition.params)
        where = " AND ".join(f"({c.sql})" for c in conditions)
        matched = (
            f"WITH m AS MATERIALIZED (SELECT d.index_id, d.indexed_seq, "
            f"({score.sql})::float8 AS score{extra_columns} "
            f"FROM {store.TABLE} AS d WHERE {where})"
        )
        # order and cut in the matched set first; fetch only the page's documents
        page = (
            f"(SELECT json_agg(json_build_object('document', d.document, 'score', p.score) "
            f"ORDER BY p.ordinal) FROM (SELECT m.index_id, m.score, "
            f"row_number() OVER (ORDER BY {order}) AS ordinal FROM "
            f"(SELECT * FROM m ORDER BY {order} LIMIT %s OFFSET %s) AS m) AS p "
            f"JOIN {store.TABLE} AS d USING (index_id))"
        )
        params += [max(self.rows, 0), max(self.start, 0)]
        selects = ["(SELECT count(*) FROM m)", page]
        for index, (name, source) in enumerate(zip(facet_names, facet_sources)):
            facet_sql, facet_params = self._facet(name, f"m.facet_{index}", source.multi)
            selects.append(facet_sql)
            params += facet_params
        facet_queries = _list(self.params.get("facet.query")) if self._facets_on() else []
        for text in facet_queries:
            condition = self.translator.condition(parse_standard(text, self.params))
            selects.append(
                f"(SELECT count(*) FROM m JOIN {store.TABLE} AS d USING (index_id) "
                f"WHERE {condition.sql})")
            params += condition.params
        return f"{matched} SELECT {', '.join(selects)}", params, facet_names, facet_queries

    def _facets_on(self) -> bool:
        return str(self.params.get("facet", "true")).lower() in ("true", "on", "1", "yes")

    def _facet(self, name: str, column: str, multi: bool) -> tuple[str, list[Any]]:
        limit = _int_param(self.params, f"f.{name}.facet.limit",
                           _int_param(self.params, "facet.limit", 100))
        mincount = _int_param(self.params, f"f.{name}.facet.mincount",
                              _int_param(self.params, "facet.mincount", 0))
        sort = str(self.params.get(f"f.{name}.facet.sort",
                                   self.params.get("facet.sort", "count"))).lower()
        if sort not in ("count", "index"):
            raise QuerySyntaxError(f"Unknown facet.sort '{sort}'")
        order = 'v.value COLLATE "C"' if sort == "index" else 'count(*) DESC, v.value COLLATE "C"'
        limit_sql = f"LIMIT {int(limit)}" if limit >= 0 else ""
        values = (f"m CROSS JOIN LATERAL unnest({column}) AS v(value)" if multi
                  else f"(SELECT {column} AS value FROM m) AS v")
        sql = (
            f"(SELECT json_agg(json_build_array(f.value, f.count)) FROM ("
            f"SELECT v.value, count(*) AS count FROM {values} WHERE v.value IS NOT NULL "
            f"GROUP BY v.value HAVING count(*) >= %s ORDER BY {order} {limit_sql}) AS f)"
        )
        return sql, [max(mincount, 1) if mincount > 0 else 0]

    def _sort_keys(self) -> tuple[list[Fragment], str]:
        """Sort key expressions (computed in the matched set) and the ORDER BY."""
        keys: list[Fragment] = []
        order: list[str] = []
        for field, direction in self.sort:
            if field == "score":
                order.append(f"m.score {direction.upper()}")
                continue
            order.append(f"m.sort_{len(keys)} {direction.upper()} NULLS LAST")
            keys.append(sort_expression(field))
        order.append("m.indexed_seq ASC")
        return keys, ", ".join(order)

    def _result_document(self, item: dict[str, Any]) -> dict[str, Any]:
        document = dict(item.get("document") or {})
        include_all, names = self.fields
        if include_all:
            result = document
        else:
            result = {name: document[name] for name in names if name in document}
        if "score" in names:
            result["score"] = item.get("score") or 0.0
        return result


@dataclasses.dataclass
class FacetSource(Fragment):
    multi: bool = True  # an array of values (unnest) rather than one value


def facet_source(field: str) -> FacetSource:
    """The expression over ``d`` holding a facet field's values (array or scalar)."""
    kind = schema.field_kind(field)
    if kind != "string":
        raise QuerySyntaxError(
            f"Faceting is supported on string fields only, not on '{field}' ({kind})")
    if field in store.ARRAY_COLUMNS:
        return FacetSource(f"d.{field}", [])
    if field in store.SCALAR_COLUMNS:
        return FacetSource(f"d.{field}", [], multi=False)
    return FacetSource(
        "ARRAY(SELECT jsonb_array_elements_text(d.strings->%s))", [field])


def sort_expression(field: str) -> Fragment:
    """An expression over the index row ``d`` to sort ``field`` by."""
    if field in ("metadata_modified", "metadata_created"):
        return Fragment(f"d.{field}", [])
    if field == "title_string" or field in store.SCALAR_COLUMNS:
        return Fragment(f'd.{field} COLLATE "C"', [])
    kind = schema.field_kind(field)
    if kind in ("int", "float"):
        return Fragment("(d.numbers->%s->>0)::numeric", [field])
    if kind == "date":
        return Fragment("(d.dates->%s->>0)", [field])
    if kind == "string":
        return Fragment('((d.strings->%s->>0) COLLATE "C")', [field])
    return Fragment("lower(d.document->>%s)", [field])


def parse_sort(spec: str) -> list[tuple[str, str]]:
    keys = []
    for part in spec.split(","):
        words = part.split()
        if not words:
            continue
        if len(words) != 2 or words[1].lower() not in ("asc", "desc"):
            raise pysolr.SolrError(
                f"Can't determine a Sort Order (asc or desc) in sort spec '{part.strip()}'")
        keys.append((words[0], words[1].lower()))
    return keys


def _field_list(value: Any) -> tuple[bool, list[str]]:
    """``fl``: (all stored fields?, the named fields)."""
    names: list[str] = []
    for item in _list(value):
        names.extend(name for name in item.replace(",", " ").split() if name)
    return (not names or "*" in names), names


def _int_param(params: dict[str, Any], name: str, default: int) -> int:
    value = params.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError) as error:
        raise pysolr.SolrError(f"Invalid integer for '{name}': {value!r}") from error

