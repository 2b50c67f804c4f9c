"""The index table of the embedded backend and the conversion of CKAN's index
documents into its rows.

One row per document (``odpo_search_document``, created by the plugin's
alembic migration):

* ``document`` (jsonb): the stored fields, returned to CKAN as Solr would;
* ``strings`` / ``numbers`` / ``dates`` (jsonb): ``{field: [values]}`` of the
  string, numeric and date fields, for exact matches, ranges and facets;
* ``present`` (text[]): the fields that have a value (``field:*``);
* ``search_tsv`` (tsvector): the catch-all ``text`` field, weighted A (title,
  name), B (description), C (tags, resources, organisation), D (the rest);
* ``field_tsv`` (tsvector): every analysed field, lexemes prefixed ``field|``;
* typed columns for the common sort keys.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
from typing import Any, Iterable

from dateutil.parser import ParserError, isoparse

from . import analysis, schema
from .query import format_date, solr_date

TABLE = "odpo_search_document"
#: Bumped after every committed index write: each process knows from it
#: whether its cached results and columns are out of date.
GENERATION = f"{TABLE}_generation"
#: The text vectors again, in narrow rows: which documents a term matches is
#: found there (see the migration 0003_odpo_search).
TEXT_TABLE = "odpo_search_text"
#: The vectors it holds.
TEXT_VECTORS = ("search_tsv", "title_tsv", "notes_tsv", "field_tsv")
#: Version of the text analysis that writes the vectors, kept per row of the
#: text table (``analysis``): 2 added the CJK 3- to 6-grams. Queries
#: use them once every row has them (``META`` key ``analysis``, migration
#: 0004_odpo_search); until then, phrases of bigrams, which match rows of
#: both versions alike.
ANALYSIS_VERSION = 2
META = "odpo_search_meta"
#: Set the index's analysis version once no row of an older one is left
#: (after every write and deletion; an indexed lookup while rows are old).
MARK_ANALYSIS_CURRENT = (
    f"UPDATE {META} SET value = '{ANALYSIS_VERSION}' WHERE key = 'analysis' "
    f"AND value <> '{ANALYSIS_VERSION}' AND NOT EXISTS "
    f"(SELECT 1 FROM {TEXT_TABLE} WHERE analysis < {ANALYSIS_VERSION})")
_ngram_queries = False

#: Positions between two values of a multi-valued field (Solr's
#: ``positionIncrementGap``), so a phrase never spans two values.
POSITION_GAP = 100
#: PostgreSQL keeps positions up to 16383 per lexeme.
MAX_POSITION = 16383
FIELD_SEPARATOR = "|"

#: Single-valued string fields with a typed column (exact match, facets).
SCALAR_COLUMNS = ("name", "state", "capacity", "dataset_type", "entity_type", "organization",
                  "license_id", "site_id", "id")
#: Multi-valued string fields with a text[] column.
ARRAY_COLUMNS = ("permission_labels", "tags", "groups", "res_format")


def index_state(conn: Any) -> tuple[int, int]:
    """(the index table's file node, the generation): what a process's cached
    results and columns are valid for. A truncated or re-created table has a
    new file node. Also notes whether queries may use the CJK n-grams
    (:func:`ngram_queries`), for the search that follows."""
    global _ngram_queries
    node, generation, analysis_version = conn.exec_driver_sql(
        f"SELECT pg_relation_filenode('{TABLE}'), last_value, "
        f"(SELECT value FROM {META} WHERE key = 'analysis') FROM {GENERATION}").one()
    _ngram_queries = analysis_version == str(ANALYSIS_VERSION)
    return int(node), int(generation)


def ngram_queries() -> bool:
    """Whether every indexed row holds the CJK n-grams, as of this process's
    last :func:`index_state`: queries cover CJK runs with n-grams then
    (``analysis.analyse(ngrams=True)``), phrases of bigrams before."""
    return _ngram_queries


def values_of(value: Any) -> list[Any]:
    """The values of a field: lists are multi-valued, None/"" mean no value."""
    items = value if isinstance(value, (list, tuple)) else [value]
    return [item for item in items if item is not None and item != ""]


def as_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def as_number(field: str, value: Any) -> float | int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value
    try:
        number = float(str(value).strip())
    except ValueError as error:
        raise ValueError(f"ERROR: [doc] Error adding field '{field}'='{value}': not a number") from error
    return int(number) if number.is_integer() else number


def as_date(field: str, value: Any) -> str:
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
        return format_date(moment)
    text = str(value).strip()
    if text.upper().startswith("NOW"):
        from .query import parse_date

        return format_date(parse_date(text))
    try:
        moment = isoparse(text.rstrip("Z") if text.endswith("ZZ") else text)
    except (ParserError, ValueError) as error:
        raise ValueError(f"ERROR: [doc] Error adding field '{field}'='{value}': invalid date") from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return format_date(moment)


@functools.lru_cache(maxsize=1024)
def _index_tokens(text: str, stem: bool, ngrams: bool) -> tuple[analysis.Token, ...]:
    """Index-time tokens of a value, with the CJK n-grams for the catch-all
    vector (and the title and description ones cut from it), without for the
    field vector: a query on one field (``title:水質``) is rare, and a phrase
    of bigrams answers it."""
    return tuple(analysis.analyse(text, stem=stem, index=True, ngrams=ngrams))


class _VectorBuilder:
    """Builds the text of a tsvector literal, one lexeme with its positions."""

    def __init__(self) -> None:
        self.positions: dict[str, list[str]] = {}
        self.next_position = 1

    def add_value(self, text: str, *, prefix: str = "", weight: str = "D", stem: bool,
                  ngrams: bool = False) -> None:
        tokens = _index_tokens(text, stem, ngrams)
        if not tokens:
            return
        base = self.next_position
        last = base
        for token in tokens:
            position = min(base + token.position, MAX_POSITION)
            last = max(last, position)
            entry = f"{position}{weight}" if weight != "D" else str(position)
            self.positions.setdefault(prefix + token.term, []).append(entry)
        self.next_position = min(last + POSITION_GAP, MAX_POSITION)

    def literal(self) -> str:
        parts = []
        for lexeme, positions in self.positions.items():
            quoted = lexeme.replace("\\", "\\\\").replace("'", "''")
            parts.append(f"'{quoted}':{','.join(positions[:256])}")
        return " ".join(parts)


def tsquery_lexeme(term: str, prefix: str = "") -> str:
    quoted = (prefix + term).replace("\\", "\\\\").replace("'", "''")
    return f"'{quoted}'"


def field_prefix(field: str) -> str:
    return field + FIELD_SEPARATOR


def document_row(doc: dict[str, Any]) -> dict[str, Any]:
    """The row of the index table for one index document (as CKAN builds it)."""
    fields = {name: values_of(value) for name, value in doc.items()}
    fields = {name: values for name, values in fields.items() if values}
    _apply_copy_fields(fields)

    strings: dict[str, list[str]] = {}
    numbers: dict[str, list[float | int]] = {}
    dates: dict[str, list[str]] = {}
    field_vector = _VectorBuilder()
    for name, values in fields.items():
        if name in schema.UNINDEXED_FIELDS or name in ("text",):
            continue
        kind = schema.field_kind(name)
        if kind in ("text", "text_general"):
            for value in values:
                field_vector.add_value(
                    as_string(value), prefix=field_prefix(name), stem=kind == "text")
        elif kind in ("int", "float"):
            numbers[name] = [as_number(name, value) for value in values]
        elif kind == "date":
            dates[name] = [as_date(name, value) for value in values]
        elif kind == "string":
            # distinct values: a facet counts documents, not occurrences
            strings[name] = list(dict.fromkeys(as_string(value) for value in values))

    stored = {
        name: _stored_value(doc[name], name)
        for name in doc
        if name not in schema.UNSTORED_FIELDS and values_of(doc[name])
    }
    modified = dates.get("metadata_modified", [None])[0]
    created = dates.get("metadata_created", [None])[0]
    typed_scalars = {
        name: strings[name][0] if name in strings and len(strings[name]) == 1 else None
        for name in SCALAR_COLUMNS if name not in ("site_id", "id")
    }
    typed_arrays = {name: strings.get(name, []) for name in ARRAY_COLUMNS}
    return {
        **typed_scalars,
        **typed_arrays,
        "title_tsv": _vector(fields, ("title", "name"), weight="A"),
        "notes_tsv": _vector(fields, ("notes",), weight="B"),
        "index_id": as_string(doc.get("index_id") or doc.get("id")),
        "id": as_string(doc.get("id", "")),
        "site_id": as_string(doc.get("site_id", "")),
        "document": json.dumps(stored, ensure_ascii=False, default=str),
        "strings": json.dumps(strings, ensure_ascii=False),
        "numbers": json.dumps(numbers),
        "dates": json.dumps(dates),
        "present": sorted(name for name in fields if name not in schema.UNINDEXED_FIELDS),
        "search_tsv": _catch_all_vector(fields),
        "field_tsv": field_vector.literal(),
        "metadata_modified": modified,
        "metadata_created": created,
        "title_string": strings.get("title_string", [None])[0],
    }


def _stored_value(value: Any, name: str) -> Any:
    if schema.field_kind(name) == "date":
        if isinstance(value, (list, tuple)):
            return [solr_date(as_date(name, item)) for item in values_of(value)]
        return solr_date(as_date(name, value))
    return value


def _apply_copy_fields(fields: dict[str, list[Any]]) -> None:
    urls = [value for name in schema.URL_SOURCES for value in fields.get(name, [])]
    if urls:
        fields["urls"] = fields.get("urls", []) + urls
    for target, source in schema.NGRAM_SOURCES.items():
        if source in fields and target not in fields:
            fields[target] = fields[source]


def _vector(fields: dict[str, list[Any]], names: tuple[str, ...], weight: str) -> str:
    vector = _VectorBuilder()
    for name in names:
        for value in fields.get(name, []):
            vector.add_value(as_string(value), weight=weight, stem=True, ngrams=True)
    return vector.literal()


def _catch_all_vector(fields: dict[str, list[Any]]) -> str:
    vector = _VectorBuilder()
    for name in _ordered_text_sources(fields):
        weight = schema.WEIGHT_CLASSES.get(name, "D")
        for value in fields[name]:
            vector.add_value(as_string(value), weight=weight, stem=True, ngrams=True)
    return vector.literal()


def _ordered_text_sources(fields: Iterable[str]) -> list[str]:
    names = [name for name in fields if schema.feeds_text(name)]
    order = {"title": 0, "name": 1, "notes": 2}
    return sorted(names, key=lambda name: (order.get(name, 3), name))
