"""Translation of the query model into SQL over the index table.

Every query becomes a boolean SQL condition (never NULL) and, for ``q``, a
relevance expression. Parameters are passed separately (``%s`` placeholders),
never interpolated.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from . import analysis, schema, store
from .query import (
    MUST,
    MUST_NOT,
    SHOULD,
    BooleanQuery,
    DisjunctionQuery,
    ExistsQuery,
    MatchAll,
    MatchNone,
    Query,
    QuerySyntaxError,
    RangeQuery,
    TermQuery,
    WildcardQuery,
    format_date,
    parse_date,
)
from .store import ARRAY_COLUMNS, SCALAR_COLUMNS, field_prefix, tsquery_lexeme

TYPED_DATE_COLUMNS = ("metadata_modified", "metadata_created")


@dataclasses.dataclass
class Fragment:
    sql: str
    params: list[Any]


class Translator:
    """Builds SQL for one search; ``now`` fixes the instant of ``NOW``."""

    def __init__(self, now: dt.datetime | None = None) -> None:
        self.now = now or dt.datetime.now(dt.timezone.utc)

    # -- conditions -------------------------------------------------------

    def condition(self, query: Query) -> Fragment:
        if isinstance(query, MatchAll):
            return Fragment("TRUE", [])
        if isinstance(query, MatchNone):
            return Fragment("FALSE", [])
        if isinstance(query, BooleanQuery):
            return self._boolean(query)
        if isinstance(query, DisjunctionQuery):
            parts = [self.condition(alternative) for alternative in query.alternatives]
            return _join(parts, " OR ")
        if isinstance(query, TermQuery):
            return self._term(query)
        if isinstance(query, WildcardQuery):
            return self._wildcard(query)
        if isinstance(query, ExistsQuery):
            return Fragment("d.present @> ARRAY[%s]::text[]", [query.field])
        if isinstance(query, RangeQuery):
            return self._range(query)
        raise QuerySyntaxError(f"Unsupported query: {query!r}")

    def _boolean(self, query: BooleanQuery) -> Fragment:
        must = [self.condition(q) for occur, q in query.clauses if occur == MUST]
        must_not = [self.condition(q) for occur, q in query.clauses if occur == MUST_NOT]
        should = [self.condition(q) for occur, q in query.clauses if occur == SHOULD]
        parts = list(must)
        parts.extend(Fragment(f"NOT ({f.sql})", f.params) for f in must_not)
        required = query.minimum_should_match or (0 if must or not should else 1)
        if should and required >= len(should):
            parts.extend(should)
        elif should and required == 1:
            parts.append(_join(should, " OR "))
        elif should and required > 1:
            # the OR lets an index find candidates; the count then decides
            parts.append(_join(should, " OR "))
            counted = _join([Fragment(f"({f.sql})::int", f.params) for f in should], " + ")
            parts.append(Fragment(f"({counted.sql}) >= {int(required)}", counted.params))
        if not parts:
            return Fragment("FALSE", [])
        return _join(parts, " AND ")

    def _term(self, query: TermQuery) -> Fragment:
        kind = schema.field_kind(query.field)
        if query.field in schema.UNINDEXED_FIELDS:
            return Fragment("FALSE", [])
        if query.field == "text" or kind in ("text", "text_general"):
            tsquery = self.tsquery(query.field, query.value)
            if tsquery is None:
                return Fragment("FALSE", [])
            return Fragment(f"d.{matching_vector(query)} @@ %s::tsquery", [tsquery])
        if kind == "ngram":
            return self._ngram(query)
        if kind in ("int", "float"):
            number = _number(query.field, query.value)
            return Fragment("d.numbers @> %s::jsonb", [json.dumps({query.field: [number]})])
        if kind == "date":
            value = format_date(parse_date(query.value, self.now))
            return Fragment("d.dates @> %s::jsonb", [json.dumps({query.field: [value]})])
        if query.field in SCALAR_COLUMNS:
            # never NULL (a document without the field), so NOT stays exact
            return Fragment(f"d.{query.field} = %s AND d.{query.field} IS NOT NULL",
                            [query.value])
        if query.field in ARRAY_COLUMNS:
            return Fragment(f"d.{query.field} @> ARRAY[%s]::text[]", [query.value])
        return Fragment(
            "d.strings @> %s::jsonb", [json.dumps({query.field: [query.value]}, ensure_ascii=False)]
        )

    def tsquery(self, field: str, text: str) -> str | None:
        """A phrase tsquery of the analysed ``text`` for ``field`` (None if empty)."""
        stem = field == "text" or schema.is_stemmed(field)
        # the catch-all vectors hold the CJK n-grams, the field vector not
        ngrams = field == "text" and store.ngram_queries()
        phrase = analysis.phrase(text, stem=stem, ngrams=ngrams)
        if not phrase:
            return None
        prefix = "" if field == "text" else field_prefix(field)
        parts = []
        for distance, term in phrase:
            if parts:
                parts.append(f"<{distance}>")
            parts.append(tsquery_lexeme(term, prefix))
        return " ".join(parts)

    def _ngram(self, query: TermQuery) -> Fragment:
        source = schema.NGRAM_SOURCES[query.field]
        needle = analysis.normalise(query.value).lower()
        if not 2 <= len(needle) <= 10 and not query.phrase:
            return Fragment("FALSE", [])
        return Fragment(
            "strpos(lower(coalesce(d.document->>%s, '')), %s) > 0", [source, needle]
        )

    def _wildcard(self, query: WildcardQuery) -> Fragment:
        kind = schema.field_kind(query.field)
        like = _like_pattern(query.pattern)
        if query.field == "text" or kind in ("text", "text_general"):
            pattern = _like_pattern(analysis.normalise(query.pattern).lower())
            if query.field == "text":
                return Fragment(
                    "EXISTS (SELECT 1 FROM unnest(tsvector_to_array(d.search_tsv)) AS l(v) "
                    "WHERE l.v LIKE %s)", [pattern])
            return Fragment(
                "EXISTS (SELECT 1 FROM unnest(tsvector_to_array(d.field_tsv)) AS l(v) "
                "WHERE l.v LIKE %s)", [_like_escape(field_prefix(query.field)) + pattern])
        if kind in ("string", "ngram"):
            return Fragment(
                "EXISTS (SELECT 1 FROM jsonb_array_elements_text(d.strings->%s) AS s(v) "
                "WHERE s.v LIKE %s)", [query.field, like])
        raise QuerySyntaxError(f"Wildcard queries are not supported on field '{query.field}'")

    def _range(self, query: RangeQuery) -> Fragment:
        kind = schema.field_kind(query.field)
        if kind == "date":
            low = format_date(parse_date(query.low, self.now)) if query.low else None
            high = format_date(parse_date(query.high, self.now)) if query.high else None
            if query.field in TYPED_DATE_COLUMNS:
                return _bounds(f"d.{query.field}", "%s::timestamptz", low, high, query)
            source = "jsonb_array_elements_text(d.dates->%s)"
            return _exists_range(source, "s.v", "%s", query, low, high)
        if kind in ("int", "float"):
            low = _number(query.field, query.low) if query.low else None
            high = _number(query.field, query.high) if query.high else None
            source = "jsonb_array_elements(d.numbers->%s)"
            return _exists_range(source, "s.v::numeric", "%s::numeric", query, low, high)
        if kind == "string":
            source = "jsonb_array_elements_text(d.strings->%s)"
            return _exists_range(source, 's.v COLLATE "C"', "%s", query, query.low, query.high)
        raise QuerySyntaxError(f"Range queries are not supported on text field '{query.field}'")

    # -- relevance --------------------------------------------------------

    def score(self, query: Query) -> Fragment:
        """Relevance: title matches above description above resources/tags."""
        parts = self._score_parts(query)
        if not parts:
            return Fragment("0", [])
        return _join(parts, " + ")

    def _score_parts(self, query: Query) -> list[Fragment]:
        if isinstance(query, BooleanQuery):
            parts: list[Fragment] = []
            for occur, clause in query.clauses:
                if occur != MUST_NOT:
                    parts.extend(self._score_parts(clause))
            return parts
        if isinstance(query, DisjunctionQuery):
            alternatives = [p for q in query.alternatives for p in self._score_parts(q)]
            if not alternatives:
                return []
            params = [param for part in alternatives for param in part.params]
            arguments = ", ".join(f"({part.sql})" for part in alternatives)
            return [Fragment(f"GREATEST({arguments})", params)]
        if isinstance(query, TermQuery):
            return self._term_score(query)
        return []

    def _term_score(self, query: TermQuery) -> list[Fragment]:
        """Relevance of one term, from which fields it matches: the title (or
        name) counts most, then the description, then anywhere else
        (resources, tags, ...); see :func:`term_weights`. Documents that tie
        are ordered by CKAN's second sort key (newest first)."""
        weights = term_weights(query)
        if weights is None:
            return []
        kind = schema.field_kind(query.field)
        if query.field == "text" or kind in ("text", "text_general"):
            tsquery = self.tsquery(query.field, query.value)
            if tsquery is None:
                return []
            parts = [
                f"(CASE WHEN d.{column} @@ %s::tsquery THEN {weight!r}::float8 ELSE 0::float8 END)"
                for column, weight in weights
            ]
            return [Fragment("(" + " + ".join(parts) + ")", [tsquery] * len(parts))]
        condition = self._term(query)
        ((_, weight),) = weights
        return [Fragment(f"(CASE WHEN {condition.sql} THEN {weight!r}::float8 ELSE 0::float8 END)",
                         condition.params)]


#: Relevance of a match of the search text in the title (or name), in the
#: description, and anywhere in the document; a field named in the query
#: (``title:...``, ``tags:...``) scores ``FIELD_MATCH``.
TITLE_MATCH, NOTES_MATCH, ANY_MATCH, FIELD_MATCH = 1.0, 0.4, 0.1, 0.1


def matching_vector(query: TermQuery) -> str:
    """The vector a text term must match: the catch-all for ``text``, the
    field vectors for a named text field. Shared like :func:`term_weights`."""
    return "search_tsv" if query.field == "text" else "field_tsv"


def term_weights(query: TermQuery) -> list[tuple[str, float]] | None:
    """The (column, score) pairs a term's relevance adds up, each counted when
    the term matches that column; None when the term does not score.
    Shared by the SQL statement and the column store, which must agree."""
    kind = schema.field_kind(query.field)
    boost = float(query.boost)
    if query.field == "text":
        return [("search_tsv", boost * ANY_MATCH), ("title_tsv", boost * TITLE_MATCH),
                ("notes_tsv", boost * NOTES_MATCH)]
    if kind in ("text", "text_general"):
        return [("field_tsv", boost * FIELD_MATCH)]
    if kind == "string":
        return [("", boost * FIELD_MATCH)]
    return None


def _join(parts: list[Fragment], separator: str) -> Fragment:
    if len(parts) == 1:
        return Fragment(f"({parts[0].sql})", parts[0].params)
    params: list[Any] = []
    for part in parts:
        params.extend(part.params)
    return Fragment("(" + separator.join(f"({p.sql})" for p in parts) + ")", params)


def _bounds(column: str, placeholder: str, low: Any, high: Any, query: RangeQuery) -> Fragment:
    conditions, params = [f"{column} IS NOT NULL"], []
    if low is not None:
        conditions.append(f"{column} {'>=' if query.include_low else '>'} {placeholder}")
        params.append(low)
    if high is not None:
        conditions.append(f"{column} {'<=' if query.include_high else '<'} {placeholder}")
        params.append(high)
    return Fragment(" AND ".join(conditions), params)


def _exists_range(source: str, value: str, placeholder: str, query: RangeQuery,
                  low: Any, high: Any) -> Fragment:
    inner = _bounds(value, placeholder, low, high, query)
    return Fragment(
        f"EXISTS (SELECT 1 FROM {source} AS s(v) WHERE {inner.sql})",
        [query.field, *inner.params],
    )


def _number(field: str, value: str | None) -> float | int:
    try:
        number = float(str(value))
    except ValueError as error:
        raise QuerySyntaxError(f"Invalid Number: {value} (field '{field}')") from error
    return int(number) if number.is_integer() else number


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like_pattern(pattern: str) -> str:
    """Lucene wildcard (``*``, ``?``, ``\\*`` literal) to a LIKE pattern."""
    out: list[str] = []
    escaped = False
    for char in pattern:
        if escaped:
            out.append(_like_escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "*":
            out.append("%")
        elif char == "?":
            out.append("_")
        else:
            out.append(_like_escape(char))
    return "".join(out)
