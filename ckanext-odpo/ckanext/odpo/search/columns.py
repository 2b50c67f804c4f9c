"""Each process's column store of the search index (what docValues and the
filter cache are to Solr).

For every indexed document the store holds, in memory, the values of the
string fields CKAN filters and facets on (``state``, ``site_id``,
``permission_labels``, ``organization``, ``tags``, ``res_format``, ... and any
other string field on first use) and the sort keys. A search whose filters
(``fq``), sort keys and facets are all on such fields is answered here:

* the main query (``q``), when it is not ``*:*``, still runs in PostgreSQL,
  where the GIN indexes find the matching documents and the relevance is
  computed; it returns only their ``indexed_seq`` and score;
* the filters, the hit count, the facet counts, the order and the page are
  computed over the columns (numpy), so a search that matches most of the
  catalogue no longer makes PostgreSQL read and group every matching row;
* only the page's documents are read from the table, by primary key.

Anything else (a filter on a text field, a wildcard, a facet query, a sort on
a field not held here) returns ``None`` and the all-SQL statement of
:class:`.connection.SearchStatement` answers, with the same semantics: both
paths evaluate the same query model (see ``tests/search``, which compares them).

Keeping current: every index write takes a transaction-level advisory lock
before it draws ``indexed_seq`` values, so the values increase in commit order.
Each search reads the generation sequence (bumped after every committed write)
and the table's file node; when the generation moved, the rows above the
highest ``indexed_seq`` held are read; when the row count then disagrees (a
deletion), or the table was truncated or re-created, the columns are reloaded.
A page whose documents changed in between falls back to the SQL statement.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from array import array
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, Callable, Iterable

import numpy as np
import sqlalchemy as sa
from dateutil.parser import isoparse

from . import schema, store
from .sql import ANY_MATCH, FIELD_MATCH, TITLE_MATCH, matching_vector, term_weights
from .query import (
    MUST,
    MUST_NOT,
    SHOULD,
    BooleanQuery,
    DisjunctionQuery,
    MatchAll,
    MatchNone,
    Query,
    RangeQuery,
    TermQuery,
    format_date,
    parse_date,
)

if TYPE_CHECKING:  # pragma: no cover
    from .connection import SearchStatement

log = logging.getLogger(__name__)

#: String fields with a column of their own in the index table.
TYPED_SCALARS = tuple(name for name in store.SCALAR_COLUMNS) + ("title_string",)
TYPED_ARRAYS = store.ARRAY_COLUMNS
#: Loaded with every refresh: what CKAN's own filters, facets and sorts use.
DEFAULT_FIELDS = (*TYPED_SCALARS, *TYPED_ARRAYS)
DATE_COLUMNS = ("metadata_modified", "metadata_created")
#: Bounds of the text matches kept per process (queries; ordinals in all).
MAX_TEXT_MATCHES = 4096
MAX_TEXT_MATCH_ENTRIES = 8_000_000
#: Redis sorted set of the text matches processes needed (column, tsquery),
#: by how many processes needed them; a new process warms the first ones.
POPULAR_MATCHES = "odpo:search:popular-text-matches"
POPULAR_FIELDS = "odpo:search:popular-fields"
WARM_MATCHES = 64
WARM_FIELDS = 32
#: Relevance: how many of the newest candidates are scored first (at least,
#: and at least so many pages), the most documents tested one by one against
#: a vector, and how many rows of the GIN index's answer cost as much as one
#: document tested (at 100,000 documents: about 0.45 µs a row of the index's
#: answer, 20-60 µs a document whose vectors are read).
PREFIX_SCORED = 32
PREFIX_PAGES = 2
MAX_TESTED = 4096
TEST_COST = 50
#: Filter masks kept per process (100 KB each at 100,000 documents).
MAX_FILTER_MASKS = 64
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
NULL_DATE = np.iinfo(np.int64).min


class Unsupported(Exception):
    """The search needs something the columns do not hold: SQL answers it."""


def microseconds(moment: dt.datetime) -> int:
    return (moment - EPOCH) // dt.timedelta(microseconds=1)


class StringColumn:
    """One string field: its values, numbered, and (document, value) pairs."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.codes: dict[str, int] = {}
        self.values: list[str] = []
        self.entry_docs = array("i")
        self.entry_codes = array("i")
        self.first = array("i")  # per document: its first value's code, -1 without
        self._arrays: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._rank: np.ndarray | None = None

    def append(self, ordinal: int, values: Iterable[str]) -> None:
        """The values of document ``ordinal``; every column gets every
        document, in order."""
        first = -1
        for value in values:
            code = self.codes.get(value)
            if code is None:
                code = self.codes[value] = len(self.values)
                self.values.append(value)
                self._rank = None
            self.entry_docs.append(ordinal)
            self.entry_codes.append(code)
            if first < 0:
                first = code
        self.first.append(first)
        self._arrays = None

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(document of each entry, code of each entry, first code of each document)."""
        if self._arrays is None:
            self._arrays = (np.array(self.entry_docs, dtype=np.int32),
                            np.array(self.entry_codes, dtype=np.int32),
                            np.array(self.first, dtype=np.int32))
        return self._arrays

    def rank(self) -> np.ndarray:
        """Each code's place in the byte order of the values (``COLLATE "C"``)."""
        if self._rank is None:
            order = sorted(range(len(self.values)), key=self.values.__getitem__)
            rank = np.empty(len(self.values), dtype=np.int64)
            rank[order] = np.arange(len(self.values))
            self._rank = rank
        return self._rank


class ColumnStore:
    """The columns of one process, refreshed from the index table."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._reset()
        self.loads = 0
        self.load_seconds = 0.0
        self.answered = 0  # searches answered from the columns (for tests, benchmarks)
        self.tested = 0  # documents whose vectors were tested one by one (the same)

    def _reset(self) -> None:
        self.state: tuple[Any, Any] | None = None  # (file node, generation) read last
        self.cursor = 0  # the highest indexed_seq held
        self.seqs = array("q")
        self.alive = bytearray()
        self.live = 0
        self.index_ids: list[str] = []
        self.ordinal_of: dict[str, int] = {}
        self.dates = {name: array("q") for name in DATE_COLUMNS}
        self.columns: dict[str, StringColumn] = {}
        self.extra_fields: list[str] = []
        self._np: dict[str, np.ndarray] | None = None
        self.matches: OrderedDict[tuple[str, str], TextMatches] = OrderedDict()
        #: filter masks (CKAN's site, state and permission filters, facets
        #: chosen), valid for the arrays they were computed on
        self.filters: OrderedDict[Query, np.ndarray] = OrderedDict()
        self.filters_of: dict[str, np.ndarray] | None = None
        self.match_entries = 0  # ordinals held in all the text matches
        #: (column, tsquery) tested row by row, and the cursor then: searched
        #: again before the next write, the term is looked up in full and kept
        self.tested_terms: OrderedDict[tuple[str, str], int] = OrderedDict()

    # -- keeping current ----------------------------------------------------

    def refresh(self, conn: sa.engine.Connection, state: tuple[int, int] | None = None) -> None:
        """Bring the columns up to ``state`` (``store.index_state``, read now
        when not given)."""
        node, generation = state or store.index_state(conn)
        if self.state == (node, generation):
            return
        if self.state is None or self.state[0] != node:
            self.load(conn)
        else:
            count = self._read_rows(conn, self.cursor)
            if count != self.live:  # documents were deleted
                self.load(conn)
        self.state = (node, generation)

    def load(self, conn: sa.engine.Connection) -> None:
        """Read every document's columns (at start, and after deletions)."""
        started = time.monotonic()
        extra = list(self.extra_fields)
        self._reset()
        self.extra_fields = extra
        self._read_rows(conn, None)
        self.loads += 1
        self.load_seconds += time.monotonic() - started
        log.debug("search columns loaded: %d documents in %.2f s", self.live,
                  time.monotonic() - started)

    def require(self, conn: sa.engine.Connection, fields: Iterable[str], count: bool = True) -> None:
        """Hold the columns of ``fields`` (string fields kept in the ``strings``
        JSON of the table are read on first use, then kept current)."""
        missing = [name for name in dict.fromkeys(fields)
                   if name not in self.columns and name not in self.extra_fields]
        if not missing:
            return
        for name in missing if count else ():
            note_popular(POPULAR_FIELDS, name)
        self.extra_fields.extend(missing)
        selects = ", ".join("d.strings->%s" for _ in missing)
        rows = conn.exec_driver_sql(
            f"SELECT d.index_id, d.indexed_seq, {selects} FROM {store.TABLE} AS d", tuple(missing))
        held: dict[int, tuple[Any, ...]] = {}
        for row in rows:
            ordinal = self.ordinal_of.get(row[0])
            if ordinal is not None and self.seqs[ordinal] == row[1]:
                held[ordinal] = row[2:]
        for index, name in enumerate(missing):
            column = self.columns[name] = StringColumn(name)
            for ordinal in range(len(self.seqs)):
                values = held.get(ordinal)
                column.append(ordinal, (values[index] or ()) if values else ())
        self._np = None

    def _read_rows(self, conn: sa.engine.Connection, after: int | None) -> int:
        """Read the rows above ``indexed_seq`` ``after`` (all with None); the
        number of rows in the table, counted in the same snapshot."""
        names = [*DEFAULT_FIELDS, *self.extra_fields]
        selects = ", ".join([
            "d.index_id", "d.indexed_seq",
            *(f"(extract(epoch FROM d.{name}) * 1000000)::bigint" for name in DATE_COLUMNS),
            *(f"d.{name}" for name in DEFAULT_FIELDS),
            *("d.strings->%s" for _ in self.extra_fields),
        ])
        where = "" if after is None else "WHERE d.indexed_seq > %s"
        params = (*self.extra_fields, *(() if after is None else (after,)))
        # one statement: the count and the rows come from one snapshot
        result = conn.exec_driver_sql(
            f"SELECT (SELECT count(*) FROM {store.TABLE}), r.* FROM (SELECT 1) AS one "
            f"LEFT JOIN LATERAL (SELECT {selects} FROM {store.TABLE} AS d {where} "
            f"ORDER BY d.indexed_seq) AS r ON TRUE", params)
        for name in names:
            self.columns.setdefault(name, StringColumn(name))
        columns = [self.columns[name] for name in names]
        scalar = [name in TYPED_SCALARS for name in names]
        dates = [self.dates[name] for name in DATE_COLUMNS]
        first_value = 3 + len(DATE_COLUMNS)
        total = 0
        for row in result:
            total = row[0]
            index_id, seq = row[1], row[2]
            if index_id is None:
                continue
            previous = self.ordinal_of.get(index_id)
            if previous is not None and self.alive[previous]:
                self.alive[previous] = 0
                self.live -= 1
            ordinal = len(self.seqs)
            self.seqs.append(seq)
            self.alive.append(1)
            self.live += 1
            self.index_ids.append(index_id)
            self.ordinal_of[index_id] = ordinal
            for target, value in zip(dates, row[3:first_value]):
                target.append(NULL_DATE if value is None else value)
            for column, single, value in zip(columns, scalar, row[first_value:]):
                if single:
                    column.append(ordinal, () if value is None else (value,))
                else:
                    column.append(ordinal, value or ())
            self.cursor = max(self.cursor, seq)
            self._np = None
        return int(total)

    def arrays(self) -> dict[str, np.ndarray]:
        if self._np is None:
            self._np = {
                "seqs": np.array(self.seqs, dtype=np.int64),
                "alive": np.frombuffer(bytes(self.alive), dtype=np.bool_),
                **{name: np.array(values, dtype=np.int64) for name, values in self.dates.items()},
            }
        return self._np

    # -- searching ----------------------------------------------------------

    def search(self, conn: sa.engine.Connection, statement: SearchStatement,
               state: tuple[int, int] | None = None) -> tuple[Any, ...] | None:
        """The result of ``statement`` from the columns, brought up to
        ``state`` first; None when SQL must answer."""
        try:
            plan = Plan(statement)
            found = plan.main_matches(conn) if plan.main_in_sql else None
            with self.lock:
                self.refresh(conn, state)
                self.require(conn, plan.fields)
                page, hits, facets = plan.evaluate(conn, self, found)
            result = hits, plan.documents(conn, page), facets, {}
            self.answered += 1
            return result
        except Unsupported as reason:
            log.debug("search answered by SQL: %s", reason)
            return None

    # -- text matches ---------------------------------------------------------

    def text_matches(self, conn: sa.engine.Connection, column: str, tsquery: str,
                     count: bool = True) -> np.ndarray:
        """The ordinals of the documents whose ``column`` (a tsvector) matches
        ``tsquery``: found by PostgreSQL's GIN index once, then kept here and
        brought up to date with the rows written since (LRU, bounded)."""
        key = (column, tsquery)
        entry = self.matches.get(key)
        if entry is None:
            entry = self.matches[key] = TextMatches()
            if count:
                note_popular(POPULAR_MATCHES, json.dumps([column, tsquery], ensure_ascii=False))
        self.matches.move_to_end(key)
        if entry.cursor < self.cursor:
            # a bitmap scan of the GIN index: never read every row's vector
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            # the sequence numbers as one binary string: no per-row conversion
            found = conn.exec_driver_sql(
                f"SELECT string_agg(int8send(d.indexed_seq), ''::bytea) "
                f"FROM {store.TEXT_TABLE} AS d "
                f"WHERE d.{column} @@ %s::tsquery AND d.indexed_seq > %s AND d.indexed_seq <= %s",
                (tsquery, entry.cursor, self.cursor)).scalar()
            conn.exec_driver_sql("SET LOCAL enable_seqscan = on")
            if found:
                added = self._ordinals_of(found).tolist()
                entry.ordinals.extend(added)
                self.match_entries += len(added)
                entry.cached = None
            entry.cursor = self.cursor
        self._bound_matches()
        return entry.array()

    def filter_mask(self, query: Query, compute: Callable[[], np.ndarray]) -> np.ndarray:
        """The documents a filter on string fields matches (read-only),
        computed once until the columns change: any index write makes new
        arrays, which drops every kept mask."""
        arrays = self.arrays()
        if self.filters_of is not arrays:
            self.filters.clear()
            self.filters_of = arrays
        mask = self.filters.get(query)
        if mask is None:
            mask = compute()
            mask.setflags(write=False)
            self.filters[query] = mask
            if len(self.filters) > MAX_FILTER_MASKS:
                self.filters.popitem(last=False)
        else:
            self.filters.move_to_end(query)
        return mask

    def has_matches(self, column: str, tsquery: str) -> bool:
        """Whether the matches of ``tsquery`` in ``column`` are kept here (the
        rows written since are looked up alone), or had better be (tested row
        by row since the last write)."""
        return ((column, tsquery) in self.matches
                or self.tested_terms.get((column, tsquery)) == self.cursor)

    def text_matches_within(self, conn: sa.engine.Connection, column: str, tsquery: str,
                            ordinals: np.ndarray) -> np.ndarray:
        """Those of ``ordinals`` whose ``column`` matches ``tsquery``: their
        rows looked up by sequence number and their vectors tested one by
        one (cheaper than the GIN index when the index would return many
        more rows than asked about); not kept."""
        if not len(ordinals):
            return ordinals[:0]
        self.tested += len(ordinals)
        self.tested_terms[(column, tsquery)] = self.cursor
        self.tested_terms.move_to_end((column, tsquery))
        if len(self.tested_terms) > MAX_TEXT_MATCHES:
            self.tested_terms.popitem(last=False)
        seqs = self.arrays()["seqs"]
        wanted = "{" + ",".join(map(str, seqs[ordinals].tolist())) + "}"
        # the sequence number's B-tree, then the vector of each of those rows
        conn.exec_driver_sql("SET LOCAL enable_bitmapscan = off")
        found = conn.exec_driver_sql(
            f"SELECT string_agg(int8send(d.indexed_seq), ''::bytea) "
            f"FROM {store.TEXT_TABLE} AS d "
            f"WHERE d.indexed_seq = ANY(%s::bigint[]) AND d.{column} @@ %s::tsquery",
            (wanted, tsquery)).scalar()
        conn.exec_driver_sql("SET LOCAL enable_bitmapscan = on")
        return self._ordinals_of(found) if found else ordinals[:0]

    def _ordinals_of(self, found: bytes) -> np.ndarray:
        """The ordinals (ascending) of the sequence numbers in ``found``, one
        binary string of big-endian int8 values (``string_agg(int8send(...))``);
        numbers the columns do not hold are left out."""
        seqs = self.arrays()["seqs"]
        wanted = np.sort(np.frombuffer(found, dtype=">i8").astype(np.int64))
        positions = np.searchsorted(seqs, wanted)
        known = positions < len(seqs)
        known[known] = seqs[positions[known]] == wanted[known]
        return positions[known].astype(np.int32)

    def warm(self, conn: sa.engine.Connection, limit: int = WARM_MATCHES) -> int:
        """Load the columns, the extra fields and the text matches searched
        most across the site's processes (a new process answers its first
        searches at once); the number of text matches warmed."""
        with self.lock:
            self.refresh(conn)
            self.require(conn, popular_fields(WARM_FIELDS), count=False)
            warmed = 0
            for column, tsquery in popular_matches(limit):
                try:
                    with conn.begin_nested():
                        self.text_matches(conn, column, tsquery, count=False)
                    warmed += 1
                except sa.exc.DBAPIError as error:  # e.g. a malformed tsquery
                    log.warning("not warming %s %r: %s", column, tsquery, error.orig)
            return warmed

    def _bound_matches(self) -> None:
        while len(self.matches) > 1 and (len(self.matches) > MAX_TEXT_MATCHES
                                         or self.match_entries > MAX_TEXT_MATCH_ENTRIES):
            _, dropped = self.matches.popitem(last=False)
            self.match_entries -= len(dropped.ordinals)


class TextMatches:
    """The documents one tsquery matches in one column, up to ``cursor``."""

    def __init__(self) -> None:
        self.ordinals = array("i")
        self.cursor = 0
        self.cached: np.ndarray | None = None

    def array(self) -> np.ndarray:
        if self.cached is None:
            self.cached = np.array(self.ordinals, dtype=np.int32)
        return self.cached


class Plan:
    """Checks that a search can be answered from the columns, then answers it."""

    def __init__(self, statement: SearchStatement) -> None:
        self.statement = statement
        params = statement.params
        if statement._facets_on() and params.get("facet.query"):
            raise Unsupported("facet.query")
        self.fields: set[str] = set()
        for query in statement.filters:
            self._check(query)
        # the main query: from the columns and the text matches kept here when
        # it is made of terms; otherwise PostgreSQL matches and scores it
        try:
            self._check(statement.main_query)
            self.main_in_sql = False
        except Unsupported:
            self.main_in_sql = True
        self.sort: list[tuple[str, str]] = []
        for name, direction in statement.sort:
            if name in TYPED_SCALARS:
                self.fields.add(name)
            elif name not in ("score", *DATE_COLUMNS):
                raise Unsupported(f"sort on {name}")
            self.sort.append((name, direction))
        # relevance is computed when the order or the returned fields use it
        self.score_sorted = any(name == "score" for name, _ in self.sort)
        self.scored = self.score_sorted or "score" in statement.fields[1]
        from .connection import _list

        self.facets = _list(params.get("facet.field")) if statement._facets_on() else []
        for name in self.facets:
            if not self._string_field(name):
                raise Unsupported(f"facet on {name}")
            self.fields.add(name)

    @staticmethod
    def _string_field(name: str) -> bool:
        # title_string's column holds its first value only: for sorting
        return (schema.field_kind(name) == "string" and name not in schema.UNINDEXED_FIELDS
                and name != "title_string")

    def _check(self, query: Query) -> None:
        if isinstance(query, (MatchAll, MatchNone)):
            return
        if isinstance(query, BooleanQuery):
            for _, clause in query.clauses:
                self._check(clause)
            return
        if isinstance(query, DisjunctionQuery):
            for alternative in query.alternatives:
                self._check(alternative)
            return
        if isinstance(query, TermQuery) and self._string_field(query.field):
            self.fields.add(query.field)
            return
        if isinstance(query, TermQuery) and (query.field == "text" or schema.is_text(query.field)):
            return
        if isinstance(query, RangeQuery) and query.field in DATE_COLUMNS:
            return
        raise Unsupported(repr(query))

    # -- evaluation -----------------------------------------------------------

    def evaluate(self, conn: sa.engine.Connection, columns: ColumnStore,
                 found: tuple[np.ndarray, np.ndarray | None] | None
                 ) -> tuple[list[tuple[str, int, float]], int, dict[str, list[Any]]]:
        """(the page as (index id, indexed_seq, score), hits, facet counts)."""
        arrays = columns.arrays()
        seqs = arrays["seqs"]
        size = len(seqs)
        context = Evaluation(self.statement, conn, columns, size)
        matched = arrays["alive"].copy()
        for query in self.statement.filters:
            matched &= context.filter(query)
        scores = None
        if found is not None:
            found_seqs, found_scores = found
            positions = np.searchsorted(seqs, found_seqs)
            known = positions < size
            known[known] = seqs[positions[known]] == found_seqs[known]
            hits = np.zeros(size, dtype=np.bool_)
            hits[positions[known]] = True
            matched &= hits
            if found_scores is not None:
                scores = np.zeros(size, dtype=np.float64)
                scores[positions[known]] = found_scores[known]
        elif not isinstance(self.statement.main_query, MatchAll):
            matched &= context.mask(self.statement.main_query)
        candidates = np.flatnonzero(matched)
        start, rows = max(self.statement.start, 0), max(self.statement.rows, 0)
        ordered = None
        if (found is None and self.scored and not isinstance(self.statement.main_query, MatchAll)
                and len(candidates)):
            # the title and description matches only change the scores
            if self.score_sorted:
                candidates, scores = self._relevance(context, candidates, columns, arrays,
                                                     start + rows)
            else:  # returned, not sorted on: the page's scores are enough
                ordered = self._order(candidates, None, columns, arrays, start + rows)
                context.within = np.sort(ordered[start:start + rows])
                scores = context.score(self.statement.main_query)
        if ordered is None:
            ordered = self._order(candidates, scores, columns, arrays, start + rows)
        page = [(columns.index_ids[ordinal], int(seqs[ordinal]),
                 float(scores[ordinal]) if scores is not None else 0.0)
                for ordinal in ordered[start:start + rows].tolist()]
        facets = {name: self._facet(name, columns, matched) for name in self.facets}
        return page, int(matched.sum()), facets

    def _relevance(self, context: Evaluation, candidates: np.ndarray, columns: ColumnStore,
                   arrays: dict[str, np.ndarray], needed: int
                   ) -> tuple[np.ndarray, np.ndarray | None]:
        """The candidates that can reach the first ``needed`` places and the
        scores, exact for those candidates.

        When relevance leads the order and one term scores, the newest
        candidates (by the following sort keys) are scored first: when
        ``needed`` of them reach the highest score the term can give, no other
        candidate can come before them, and the title and description of the
        rest need not be looked up. Otherwise every candidate is scored.
        (With several terms, the newest candidates seldom have them all in
        their titles: trying them first costs more than it saves.)
        """
        query = self.statement.main_query
        leading, direction = self.sort[0]
        bounds = context.score_bounds(query)
        if (leading == "score" and direction == "desc" and needed < len(candidates)
                and len(bounds) == 1):
            size = min(len(candidates), max(PREFIX_SCORED, PREFIX_PAGES * needed))
            prefix = self._order(candidates, None, columns, arrays, size,
                                 sort=self.sort[1:])[:size]
            context.within = np.sort(prefix)
            scores = context.score(query)
            if scores is None:
                return candidates, scores
            if np.count_nonzero(scores[prefix] >= bounds[0]) >= needed:
                return prefix, scores
        context.within = candidates
        return candidates, context.score(query)

    def main_matches(self, conn: sa.engine.Connection
                     ) -> tuple[np.ndarray, np.ndarray | None] | None:
        """The ``indexed_seq`` (and scores) of the documents the main query
        matches, from PostgreSQL; None for ``*:*``."""
        if not self.main_in_sql:
            return None
        translator = self.statement.translator
        condition = translator.condition(self.statement.main_query)
        score = translator.score(self.statement.main_query)
        scored = score.sql != "0"
        score_column = f", ({score.sql})::float8 AS score" if scored else ""
        row = conn.exec_driver_sql(
            f"SELECT string_agg(m.indexed_seq::text, ','), "
            f"{'string_agg(m.score::text, %s)' if scored else 'NULL'} FROM ("
            f"SELECT d.indexed_seq{score_column} FROM {store.TABLE} AS d "
            f"WHERE {condition.sql}) AS m",
            tuple([*([","] if scored else []), *score.params, *condition.params])).one()
        found = np.array(row[0].split(","), dtype=np.int64) if row[0] else np.zeros(0, np.int64)
        found_scores = None
        if scored:
            found_scores = (np.array(row[1].split(","), dtype=np.float64) if row[1]
                            else np.zeros(0, np.float64))
        return found, found_scores

    def _order(self, candidates: np.ndarray, scores: np.ndarray | None, columns: ColumnStore,
               arrays: dict[str, np.ndarray], needed: int,
               sort: list[tuple[str, str]] | None = None) -> np.ndarray:
        """The first ``needed`` candidates in the order of the sort keys
        (``sort``, by default the search's), ties broken by index order (as
        the SQL statement orders them)."""
        if needed <= 0:
            return candidates[:0]
        keys: list[np.ndarray] = []  # most significant first; NULLS LAST is +inf
        for name, direction in self.sort if sort is None else sort:
            sign = -1.0 if direction == "desc" else 1.0
            if name == "score":
                values = scores[candidates] if scores is not None else np.zeros(len(candidates))
                keys.append(sign * values)
                continue
            if name in DATE_COLUMNS:
                raw = arrays[name][candidates]
                missing = raw == NULL_DATE
            else:
                column = columns.columns[name]
                first = column.arrays()[2][candidates]
                missing = first < 0
                raw = column.rank()[np.maximum(first, 0)] if len(column.values) else first
            # microseconds and ranks stay below 2**53: exact as float64
            keys.append(np.where(missing, np.inf, sign * raw.astype(np.float64)))
        if keys and 0 < needed < len(candidates) // 4:
            # only the first ``needed`` are wanted: cut on the leading key first
            threshold = np.partition(keys[0], needed - 1)[needed - 1]
            keep = keys[0] <= threshold
            candidates = candidates[keep]
            keys = [key[keep] for key in keys]
        keys.append(arrays["seqs"][candidates].astype(np.float64))
        order = np.lexsort(keys[::-1])
        return candidates[order]

    def documents(self, conn: sa.engine.Connection,
                  page: list[tuple[str, int, float]]) -> list[dict[str, Any]]:
        """The stored documents of the page, as they were when it was ordered."""
        if not page:
            return []
        rows = conn.exec_driver_sql(
            f"SELECT d.index_id, d.indexed_seq, d.document FROM {store.TABLE} AS d "
            f"WHERE d.index_id = ANY(%s)", ([index_id for index_id, _, _ in page],)).all()
        by_id = {row[0]: row for row in rows}
        docs = []
        for index_id, seq, score in page:
            row = by_id.get(index_id)
            if row is None or row[1] != seq:
                raise Unsupported("the page changed while it was read")
            docs.append(self.statement._result_document({"document": row[2], "score": score}))
        return docs

    def _facet(self, name: str, columns: ColumnStore, matched: np.ndarray) -> list[Any]:
        params = self.statement.params
        from .connection import _int_param

        limit = _int_param(params, f"f.{name}.facet.limit", _int_param(params, "facet.limit", 100))
        mincount = _int_param(params, f"f.{name}.facet.mincount",
                              _int_param(params, "facet.mincount", 0))
        sort = str(params.get(f"f.{name}.facet.sort", params.get("facet.sort", "count"))).lower()
        if sort not in ("count", "index"):
            raise Unsupported(f"facet.sort {sort}")  # SQL reports the error
        column = columns.columns[name]
        entry_docs, entry_codes, _ = column.arrays()
        counts = np.bincount(entry_codes[matched[entry_docs]], minlength=len(column.values))
        present = np.flatnonzero(counts >= max(mincount, 1))
        values = column.values
        if sort == "index":
            chosen = sorted(present.tolist(), key=values.__getitem__)
        else:
            chosen = sorted(present.tolist(), key=lambda code: (-counts[code], values[code]))
        if limit >= 0:
            chosen = chosen[:limit]
        return [item for code in chosen for item in (values[code], int(counts[code]))]



class Evaluation:
    """Evaluates the query model over the columns for one search, with the
    semantics of :class:`.sql.Translator` (conditions and relevance)."""

    def __init__(self, statement: SearchStatement, conn: sa.engine.Connection,
                 columns: ColumnStore, size: int) -> None:
        self.translator = statement.translator
        self.conn = conn
        self.columns = columns
        self.size = size
        self._masks: dict[Query, np.ndarray] = {}
        #: the documents whose scores are wanted (sorted ordinals); None: all
        self.within: np.ndarray | None = None

    def filter(self, query: Query) -> np.ndarray:
        """The documents an ``fq`` filter matches (not to be changed): kept by
        the column store when it depends on string fields only."""
        if on_strings_only(query):
            return self.columns.filter_mask(query, lambda: self._evaluate(query))
        return self.mask(query)

    def mask(self, query: Query) -> np.ndarray:
        """The documents ``query`` matches (a fresh array: callers may change it)."""
        cached = self._masks.get(query)
        if cached is None:
            cached = self._masks[query] = self._evaluate(query)
        return cached.copy()

    def _evaluate(self, query: Query) -> np.ndarray:
        size = self.size
        if isinstance(query, MatchAll):
            return np.ones(size, dtype=np.bool_)
        if isinstance(query, MatchNone):
            return np.zeros(size, dtype=np.bool_)
        if isinstance(query, TermQuery):
            if query.field == "text" or schema.is_text(query.field):
                return self.text_mask(query, matching_vector(query))
            column = self.columns.columns[query.field]
            mask = np.zeros(size, dtype=np.bool_)
            code = column.codes.get(query.value)
            if code is not None:
                entry_docs, entry_codes, _ = column.arrays()
                mask[entry_docs[entry_codes == code]] = True
            return mask
        if isinstance(query, RangeQuery):
            return self._range(query, self.columns.arrays()[query.field])
        if isinstance(query, DisjunctionQuery):
            mask = np.zeros(size, dtype=np.bool_)
            for alternative in needed_alternatives(query):
                mask |= self.mask(alternative)
            return mask
        assert isinstance(query, BooleanQuery)
        must = [self.mask(q) for occur, q in query.clauses if occur == MUST]
        must_not = [self.mask(q) for occur, q in query.clauses if occur == MUST_NOT]
        should = [self.mask(q) for occur, q in query.clauses if occur == SHOULD]
        parts = list(must) + [~mask for mask in must_not]
        required = query.minimum_should_match or (0 if must or not should else 1)
        if should and required >= len(should):
            parts.extend(should)
        elif should and required >= 1:
            parts.append(np.sum(should, axis=0) >= required)
        if not parts:
            return np.zeros(size, dtype=np.bool_)
        result = parts[0]
        for part in parts[1:]:
            result &= part
        return result

    def text_mask(self, query: TermQuery, column: str) -> np.ndarray:
        """The documents whose ``column`` matches the analysed term."""
        mask = np.zeros(self.size, dtype=np.bool_)
        tsquery = self.translator.tsquery(query.field, query.value)
        if tsquery is not None:
            mask[self.columns.text_matches(self.conn, column, tsquery)] = True
        return mask

    def score_mask(self, query: TermQuery, column: str) -> np.ndarray:
        """The documents whose ``column`` matches the term, exact for the
        documents ``within``: the column's matches in the whole index, or
        (when far fewer documents are wanted than the term matches) the
        wanted documents tested one by one."""
        matching = matching_vector(query)
        tsquery = self.translator.tsquery(query.field, query.value)
        within = self.within
        if (column == matching or within is None or tsquery is None
                or self.columns.has_matches(column, tsquery) or len(within) > MAX_TESTED):
            return self.text_mask(query, column)
        # the column's matches are among the term's: what the index would read
        reach = len(self.columns.text_matches(self.conn, matching, tsquery))
        if len(within) * TEST_COST > reach:
            return self.text_mask(query, column)
        mask = np.zeros(self.size, dtype=np.bool_)
        mask[self.columns.text_matches_within(self.conn, column, tsquery, within)] = True
        return mask

    def _range(self, query: RangeQuery, values: np.ndarray) -> np.ndarray:
        now = self.translator.now
        mask = values != NULL_DATE
        for bound, include, lower in ((query.low, query.include_low, True),
                                      (query.high, query.include_high, False)):
            if bound is None:
                continue
            limit = microseconds(isoparse(format_date(parse_date(bound, now))))
            if lower:
                mask &= (values >= limit) if include else (values > limit)
            else:
                mask &= (values <= limit) if include else (values < limit)
        return mask

    # -- relevance: Translator.score over the columns ---------------------------

    def score(self, query: Query) -> np.ndarray | None:
        """The same float8 values as the SQL statement's score (same terms,
        same order of additions), or None when nothing scores."""
        parts = self._score_parts(query)
        if not parts:
            return None
        total = parts[0]
        for part in parts[1:]:
            total = total + part
        return total

    def score_bounds(self, query: Query) -> list[float]:
        """The highest value of each part :meth:`score` adds up (every term
        matching everywhere), in the same order."""
        if isinstance(query, BooleanQuery):
            return [part for occur, clause in query.clauses if occur != MUST_NOT
                    for part in self.score_bounds(clause)]
        if isinstance(query, DisjunctionQuery):
            alternatives = [p for q in needed_alternatives(query) for p in self.score_bounds(q)]
            return [max(alternatives)] if alternatives else []
        if isinstance(query, TermQuery):
            weights = term_weights(query)
            if weights is None:
                return []
            if ((query.field == "text" or schema.is_text(query.field))
                    and self.translator.tsquery(query.field, query.value) is None):
                return []
            total = max(weights[0][1], 0.0)
            for _, weight in weights[1:]:
                total = total + max(weight, 0.0)
            return [total]
        return []

    def _score_parts(self, query: Query) -> list[np.ndarray]:
        if isinstance(query, BooleanQuery):
            parts: list[np.ndarray] = []
            for occur, clause in query.clauses:
                if occur != MUST_NOT:
                    parts.extend(self._score_parts(clause))
            return parts
        if isinstance(query, DisjunctionQuery):
            alternatives = [p for q in needed_alternatives(query) for p in self._score_parts(q)]
            if not alternatives:
                return []
            best = alternatives[0]
            for part in alternatives[1:]:
                best = np.maximum(best, part)
            return [best]
        if isinstance(query, TermQuery):
            return self._term_score(query)
        return []

    def _term_score(self, query: TermQuery) -> list[np.ndarray]:
        weights = term_weights(query)
        if weights is None:
            return []
        if query.field == "text" or schema.is_text(query.field):
            if self.translator.tsquery(query.field, query.value) is None:
                return []
            total: np.ndarray | None = None
            for column, weight in weights:
                part = np.where(self.score_mask(query, column), weight, 0.0)
                total = part if total is None else total + part
            assert total is not None
            return [total]
        ((_, weight),) = weights
        return [np.where(self.mask(query), weight, 0.0)]


def on_strings_only(query: Query) -> bool:
    """Whether ``query`` depends on string fields alone (no text matches, no
    dates relative to now): its documents change only when the index does."""
    if isinstance(query, (MatchAll, MatchNone)):
        return True
    if isinstance(query, TermQuery):
        return query.field != "text" and not schema.is_text(query.field)
    if isinstance(query, DisjunctionQuery):
        return all(on_strings_only(q) for q in query.alternatives)
    if isinstance(query, BooleanQuery):
        return all(on_strings_only(q) for _, q in query.clauses)
    return False


def needed_alternatives(query: DisjunctionQuery) -> tuple[Query, ...]:
    """The alternatives of a dismax term that can change its match or score.

    ``title:x`` adds nothing beside ``text:x`` in the same term: a title
    match is a match of the catch-all field (the title is copied there, first,
    analysed alike) and of the title vector, which scores ``text:x`` at least
    ``ANY_MATCH + TITLE_MATCH``, above what ``title:x`` scores unless boosted
    far beyond it. Leaving it out spares a search of the field vectors.
    """
    texts = {(q.value, q.phrase): q.boost for q in query.alternatives
             if isinstance(q, TermQuery) and q.field == "text"}

    def dominated(alternative: Query) -> bool:
        if not isinstance(alternative, TermQuery) or alternative.field != "title":
            return False
        boost = texts.get((alternative.value, alternative.phrase))
        return boost is not None and (
            float(alternative.boost) * FIELD_MATCH <= float(boost) * (ANY_MATCH + TITLE_MATCH))

    return tuple(alternative for alternative in query.alternatives if not dominated(alternative))


def _redis() -> Any | None:
    from ckan.common import config

    if not config.get("ckan.redis.url"):
        return None  # outside a configured CKAN (benchmarks, scripts)
    from ckan.lib.redis import connect_to_redis

    return connect_to_redis()


def note_popular(key: str, member: str) -> None:
    """Count a text match or field a process had to load (best effort)."""
    import redis

    try:
        client = _redis()
        if client is not None:
            client.zincrby(key, 1, member)
    except redis.RedisError as error:
        log.debug("search popularity not recorded: %s", error)


def _most_popular(key: str, limit: int) -> list[str]:
    import redis

    try:
        client = _redis()
        members = client.zrevrange(key, 0, limit - 1) if client is not None else []
    except redis.RedisError as error:
        log.warning("search popularity not read: %s", error)
        return []
    return [member.decode("utf-8") if isinstance(member, bytes) else member for member in members]


def popular_fields(limit: int) -> list[str]:
    """String fields (beyond the typed ones) searches needed most, e.g. ``owner_org``."""
    return [name for name in _most_popular(POPULAR_FIELDS, limit)
            if schema.field_kind(name) == "string" and name not in schema.UNINDEXED_FIELDS
            and name.replace("_", "").isalnum()]


def popular_matches(limit: int) -> list[tuple[str, str]]:
    members = _most_popular(POPULAR_MATCHES, limit)
    keys = []
    for member in members:
        try:
            column, tsquery = json.loads(member)
        except ValueError:
            continue
        if column in store.TEXT_VECTORS and isinstance(tsquery, str):
            keys.append((column, tsquery))
    return keys


def start_warming() -> threading.Thread | None:
    """In a web process: load the columns and the popular text matches in the
    background, so its first searches do not wait for them. Does nothing
    unless the embedded backend with columns is configured."""
    from ckanext.odpo.config import search_backend, search_columns

    if search_backend() != "postgres" or not search_columns():
        return None

    def warm() -> None:
        from ckan.model import meta

        started = time.monotonic()
        try:
            with meta.engine.begin() as conn:
                warmed = COLUMNS.warm(conn)
        except sa.exc.SQLAlchemyError as error:
            log.warning("search columns not warmed: %s", error)
            return
        log.info("search columns warmed: %d documents, %d text matches in %.1f s",
                 COLUMNS.live, warmed, time.monotonic() - started)

    thread = threading.Thread(target=warm, name="odpo-search-warm", daemon=True)
    thread.start()
    return thread


COLUMNS = ColumnStore()
