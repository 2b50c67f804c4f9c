"""A reference evaluator of Solr's standard ("lucene") and ``dismax`` query
semantics over plain Python documents.

It is written independently of the embedded backend's query translator: it
shares only the text analysis (:mod:`ckanext.odpo.search.analysis`) and the
field model (:mod:`ckanext.odpo.search.schema`) with it, and decides matches by
brute force, document by document. The differential tests compare the backend
against it.

Parsing uses ``luqum``; its operator-precedence tree is flattened back into
the left-to-right clause list that Lucene's classic ``QueryParser`` sees, and
each clause's occurrence (MUST / SHOULD / MUST_NOT) is then decided with the
rules of ``QueryParserBase.addClause``:

* a clause introduced by ``AND`` makes the previous clause MUST, unless it is
  prohibited;
* with ``q.op=AND``, a clause introduced by ``OR`` makes the previous clause
  SHOULD, unless it is prohibited;
* with ``q.op=OR``: prohibited = ``-``/``NOT``; required = ``+`` or
  (introduced by ``AND`` and not prohibited);
* with ``q.op=AND``: prohibited = ``-``/``NOT``; required = not prohibited and
  not introduced by ``OR``.

A clause whose query is null (a text term that analyses to nothing, or a group
of such terms) is left out of the list *after* it has changed the previous
clause, as Lucene does. A clause list made only of MUST_NOT clauses (a "pure
negative" query) matches every document that matches none of them. Solr does
this for its top-level queries; this evaluator applies it at every level
(``a AND (-b)`` means ``a AND NOT b``), which is the contract the backend is
held to. An empty top-level query matches nothing.

Fuzzy and proximity operators, regular expressions, ``>``/``<`` ranges, local
params (``{!...}``), magic fields (``_query_``, ``_val_``) and the ``&&``,
``||`` and ``!`` operator spellings raise :class:`UnsupportedQuery`, so that
a generator can stay within what is modelled. Boosts are ignored (they change
scores, never matches).
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
import struct
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ckanext.odpo.search import analysis, schema
from dateutil.relativedelta import relativedelta
from luqum import tree
from luqum.exceptions import ParseError
from luqum.parser import parser as luqum_parser

Document = dict[str, Any]
Matcher = Callable[[Document], bool]

DEFAULT_QF = "name^4 title^4 tags^2 groups^2 text"
DEFAULT_MM = "2<-1 5<80%"


class UnsupportedQuery(ValueError):
    """The query uses syntax this evaluator does not model."""


class Occur(enum.Enum):
    MUST = "+"
    SHOULD = ""
    MUST_NOT = "-"


class Conjunction(enum.Enum):
    NONE = "none"
    AND = "AND"
    OR = "OR"


class Modifier(enum.Enum):
    NONE = "none"
    REQ = "+"
    NOT = "-"


# --------------------------------------------------------------------------
# Query nodes
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Clause:
    occur: Occur
    query: Query


@dataclass(frozen=True)
class Query:
    """A compiled query: ``matches(doc)`` decides one document."""

    matcher: Matcher
    description: str

    def matches(self, doc: Document) -> bool:
        return self.matcher(doc)


def _match_all() -> Query:
    return Query(lambda doc: True, "*:*")


def boolean_query(clauses: Sequence[Clause], min_should_match: int = 0) -> Query:
    """Lucene ``BooleanQuery`` semantics, with pure negatives matching all."""
    must = [c.query for c in clauses if c.occur is Occur.MUST]
    should = [c.query for c in clauses if c.occur is Occur.SHOULD]
    must_not = [c.query for c in clauses if c.occur is Occur.MUST_NOT]
    pure_negative = not must and not should

    def matcher(doc: Document) -> bool:
        if not all(q.matches(doc) for q in must):
            return False
        if any(q.matches(doc) for q in must_not):
            return False
        if pure_negative:
            return True
        matched_should = sum(1 for q in should if q.matches(doc))
        if min_should_match > 0:
            return matched_should >= min_should_match
        return bool(must) or matched_should > 0

    description = " ".join(f"{c.occur.value}({c.query.description})" for c in clauses)
    return Query(matcher, f"[{description}]~{min_should_match}")


# --------------------------------------------------------------------------
# Field values and their analysis
# --------------------------------------------------------------------------


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple, set)):
        return [v for v in value if v is not None]
    return [value]


def _as_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def field_values(doc: Document, field: str) -> list[str]:
    """The values of ``field`` in ``doc`` as strings (``text`` gets its copies)."""
    if field == "text":
        values: list[str] = []
        for name in sorted(doc):
            if schema.feeds_text(name):
                values.extend(_as_string(v) for v in _as_list(doc[name]))
        return values
    return [_as_string(v) for v in _as_list(doc.get(field))]


@functools.lru_cache(maxsize=65536)
def _indexed_tokens(value: str, stem: bool) -> tuple[analysis.Token, ...]:
    return tuple(analysis.analyse(value, index=True, stem=stem))


@functools.lru_cache(maxsize=65536)
def _positions_by_term(value: str, stem: bool) -> dict[str, frozenset[int]]:
    positions: dict[str, set[int]] = {}
    for token in _indexed_tokens(value, stem):
        positions.setdefault(token.term, set()).add(token.position)
    return {term: frozenset(found) for term, found in positions.items()}


def _value_has_phrase(
    value: str, stem: bool, phrase: Sequence[tuple[int, str]]
) -> bool:
    """Whether ``value`` holds the query tokens at their relative positions."""
    positions = _positions_by_term(value, stem)
    first_offset, first_term = phrase[0]
    for start in positions.get(first_term, ()):
        if all(
            start + offset - first_offset in positions.get(term, ())
            for offset, term in phrase[1:]
        ):
            return True
    return False


# --------------------------------------------------------------------------
# Term-level queries
# --------------------------------------------------------------------------

_ESCAPE_RE = re.compile(r"\\(.)", re.DOTALL)
_UNINDEXED = schema.UNINDEXED_FIELDS


def unescape(text: str) -> str:
    """Lucene's ``discardEscapeChar``: ``\\x`` becomes ``x``."""
    return _ESCAPE_RE.sub(r"\1", text)


def _phrase_text(phrase: tree.Phrase) -> str:
    return unescape(phrase.value[1:-1])


def _check_field(field: str) -> None:
    if field in _UNINDEXED:
        raise UnsupportedQuery(f"field {field!r} is not indexed")
    if schema.field_kind(field) == "ngram":
        raise UnsupportedQuery(f"ngram field {field!r} is not modelled")


def text_query(field: str, text: str) -> Query | None:
    """An analysed term or phrase on a text field; None if nothing is left."""
    stem = schema.is_stemmed(field)
    phrase = [(t.position, t.term) for t in analysis.analyse(text, stem=stem)]
    if not phrase:
        return None
    description = f"{field}:{' '.join(term for _, term in phrase)!r}"

    def matcher(doc: Document) -> bool:
        return any(_value_has_phrase(v, stem, phrase) for v in field_values(doc, field))

    return Query(matcher, description)


def _string_equals(field: str, text: str) -> Query:
    return Query(lambda doc: text in field_values(doc, field), f"{field}={text!r}")


def field_term(field: str, text: str) -> Query | None:
    """A term or phrase (already unescaped) on ``field``, by its kind."""
    _check_field(field)
    kind = schema.field_kind(field)
    if kind in ("text", "text_general"):
        return text_query(field, text)
    if kind in ("int", "float"):
        number = _parse_number(kind, text)
        return Query(
            lambda doc: number in _numbers(doc, field, kind), f"{field}=={number}"
        )
    if kind == "date":
        instant = parse_date_math(text, now=None)
        return Query(lambda doc: instant in _dates(doc, field), f"{field}=={instant}")
    if kind == "boolean":
        return _string_equals(field, text.lower())
    return _string_equals(field, text)


def _wildcard_regex(raw: str) -> re.Pattern[str]:
    """Lucene ``WildcardQuery`` pattern: ``*`` any run, ``?`` one character."""
    parts: list[str] = []
    index = 0
    while index < len(raw):
        char = raw[index]
        if char == "\\" and index + 1 < len(raw):
            parts.append(re.escape(raw[index + 1]))
            index += 2
            continue
        parts.append(".*" if char == "*" else "." if char == "?" else re.escape(char))
        index += 1
    return re.compile("".join(parts), re.DOTALL)


def has_wildcard(raw: str) -> bool:
    escaped = False
    for char in raw:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "*?":
            return True
    return False


def exists_query(field: str) -> Query:
    """``field:*``: the field has a non-empty value (a token, for text)."""
    _check_field(field)
    if schema.is_text(field):
        stem = schema.is_stemmed(field)
        return Query(
            lambda doc: any(_indexed_tokens(v, stem) for v in field_values(doc, field)),
            f"{field}:*",
        )
    return Query(
        lambda doc: any(v != "" for v in field_values(doc, field)), f"{field}:*"
    )


def wildcard_query(field: str, raw: str) -> Query:
    _check_field(field)
    kind = schema.field_kind(field)
    if kind in ("text", "text_general"):
        pattern = _wildcard_regex(raw.lower())
        stem = schema.is_stemmed(field)

        def text_matcher(doc: Document) -> bool:
            return any(
                pattern.fullmatch(token.term)
                for value in field_values(doc, field)
                for token in _indexed_tokens(value, stem)
            )

        return Query(text_matcher, f"{field}~/{pattern.pattern}/")
    if kind in ("string", "boolean"):
        pattern = _wildcard_regex(raw)
        return Query(
            lambda doc: any(pattern.fullmatch(v) for v in field_values(doc, field)),
            f"{field}~/{pattern.pattern}/",
        )
    raise UnsupportedQuery(f"wildcard on {kind} field {field!r}")


# --------------------------------------------------------------------------
# Numbers, dates and ranges
# --------------------------------------------------------------------------


def _parse_number(kind: str, text: str) -> float:
    try:
        return int(text) if kind == "int" else float(text)
    except ValueError as error:
        raise UnsupportedQuery(f"not a valid {kind}: {text!r}") from error


def _numbers(doc: Document, field: str, kind: str) -> list[float]:
    return [_parse_number(kind, v) for v in field_values(doc, field)]


def _to_millis(instant: dt.datetime) -> dt.datetime:
    """Solr keeps dates to the millisecond."""
    return instant.replace(microsecond=instant.microsecond // 1000 * 1000)


def parse_iso_date(text: str) -> dt.datetime:
    """An ISO-8601 instant (``Z`` or offset; naive means UTC), to the ms."""
    parsed = dt.datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return _to_millis(parsed.astimezone(dt.UTC))


def _dates(doc: Document, field: str) -> list[dt.datetime]:
    return [parse_iso_date(v) for v in field_values(doc, field)]


_DATE_UNITS = {
    "YEAR": "years",
    "MONTH": "months",
    "DAY": "days",
    "DATE": "days",
    "HOUR": "hours",
    "MINUTE": "minutes",
    "SECOND": "seconds",
    "MILLI": "microseconds",
    "MILLISECOND": "microseconds",
}
_DATE_MATH_RE = re.compile(r"([+-]\d+|/)([A-Z]+)")
_ANCHOR_RE = re.compile(r"^(NOW|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)")


def _date_unit(name: str) -> str:
    unit = _DATE_UNITS.get(name)
    if unit is None and name.endswith("S"):
        unit = _DATE_UNITS.get(name[:-1])
    if unit is None:
        raise UnsupportedQuery(f"unknown date math unit {name!r}")
    return unit


_ROUNDING_ORDER = (
    "years",
    "months",
    "days",
    "hours",
    "minutes",
    "seconds",
    "microseconds",
)
_RESET_FIELDS = (
    ("month", 1),
    ("day", 1),
    ("hour", 0),
    ("minute", 0),
    ("second", 0),
    ("microsecond", 0),
)


def _round_down(instant: dt.datetime, unit: str) -> dt.datetime:
    """Date math ``/UNIT``: truncate every field finer than ``unit``."""
    keep = _ROUNDING_ORDER.index(unit)
    finer = {
        name: value
        for index, (name, value) in enumerate(_RESET_FIELDS)
        if index >= keep
    }
    return instant.replace(**finer)


def parse_date_math(text: str, now: dt.datetime | None) -> dt.datetime:
    """Solr date math: ``NOW``, ``NOW-1DAY``, ``NOW/DAY``, ``<iso>+2HOURS``..."""
    anchor = _ANCHOR_RE.match(text)
    if anchor is None:
        raise UnsupportedQuery(f"not a Solr date: {text!r}")
    if anchor.group(1) == "NOW":
        instant = _to_millis(now or dt.datetime.now(dt.UTC))
    else:
        instant = parse_iso_date(anchor.group(1))
    rest = text[anchor.end() :]
    position = 0
    for operation in _DATE_MATH_RE.finditer(rest):
        if operation.start() != position:
            break
        unit = _date_unit(operation.group(2))
        if operation.group(1) == "/":
            instant = _round_down(instant, unit)
        else:
            amount = int(operation.group(1))
            if unit == "microseconds":
                amount *= 1000
            instant = instant + relativedelta(**{unit: amount})
        position = operation.end()
    if position != len(rest):
        raise UnsupportedQuery(f"bad date math: {text!r}")
    return instant


def _range_bound(item: tree.Item) -> str | None:
    """The text of a range bound; None for an open ``*`` end."""
    if isinstance(item, tree.Prohibit) and isinstance(item.a, tree.Word):
        return "-" + unescape(item.a.value)
    if isinstance(item, tree.Phrase):
        return _phrase_text(item)
    if isinstance(item, tree.Word):
        return None if item.value == "*" else unescape(item.value)
    raise UnsupportedQuery(f"range bound {item!r}")


def _bound_parser(field: str, now: dt.datetime | None) -> Callable[[str], Any]:
    kind = schema.field_kind(field)
    if kind in ("int", "float"):
        return functools.partial(_parse_number, kind)
    if kind == "date":
        return functools.partial(parse_date_math, now=now)
    if kind in ("string", "boolean"):
        return str
    raise UnsupportedQuery(f"range on {kind} field {field!r}")


def _value_parser(field: str) -> Callable[[str], Any]:
    kind = schema.field_kind(field)
    if kind in ("int", "float"):
        return functools.partial(_parse_number, kind)
    if kind == "date":
        return parse_iso_date
    return str


def range_query(field: str, item: tree.Range, now: dt.datetime | None) -> Query:
    _check_field(field)
    parse_bound = _bound_parser(field, now)
    low_text, high_text = _range_bound(item.low), _range_bound(item.high)
    low = None if low_text is None else parse_bound(low_text)
    high = None if high_text is None else parse_bound(high_text)
    parse_value = _value_parser(field)

    def in_range(value: Any) -> bool:
        above_low = low is None or value > low or (value == low and item.include_low)
        below_high = (
            high is None or value < high or (value == high and item.include_high)
        )
        return above_low and below_high

    def matcher(doc: Document) -> bool:
        return any(in_range(parse_value(v)) for v in field_values(doc, field))

    return Query(matcher, f"{field}:{item}")


# --------------------------------------------------------------------------
# The standard query parser
# --------------------------------------------------------------------------

_OPERATIONS = {
    tree.AndOperation: Conjunction.AND,
    tree.OrOperation: Conjunction.OR,
    tree.UnknownOperation: Conjunction.NONE,
}


def flatten_clauses(
    item: tree.Item, conjunction: Conjunction = Conjunction.NONE
) -> list[tuple[Conjunction, tree.Item]]:
    """The clauses of one level, left to right, each with its conjunction.

    Between two neighbouring clauses there is exactly one operator in the
    source: the operator of their lowest common ancestor in luqum's tree,
    which is the operation in which the right clause starts an operand.
    """
    operation = _OPERATIONS.get(type(item))
    if operation is None:
        return [(conjunction, item)]
    clauses: list[tuple[Conjunction, tree.Item]] = []
    for index, operand in enumerate(item.operands):
        clauses.extend(
            flatten_clauses(operand, conjunction if index == 0 else operation)
        )
    return clauses


def split_modifier(item: tree.Item) -> tuple[Modifier, tree.Item]:
    if isinstance(item, tree.Plus):
        modifier, inner = Modifier.REQ, item.a
    elif isinstance(item, (tree.Prohibit, tree.Not)):
        modifier, inner = Modifier.NOT, item.a
    else:
        return Modifier.NONE, item
    if isinstance(inner, tree.UnaryOperator):
        raise UnsupportedQuery(f"stacked modifiers in {item}")
    return modifier, inner


def add_clause(
    clauses: list[Clause],
    conjunction: Conjunction,
    modifier: Modifier,
    query: Query | None,
    default_and: bool,
) -> None:
    """``QueryParserBase.addClause``, rule for rule."""
    if clauses and conjunction is Conjunction.AND:
        previous = clauses[-1]
        if previous.occur is not Occur.MUST_NOT:
            clauses[-1] = Clause(Occur.MUST, previous.query)
    if clauses and default_and and conjunction is Conjunction.OR:
        previous = clauses[-1]
        if previous.occur is not Occur.MUST_NOT:
            clauses[-1] = Clause(Occur.SHOULD, previous.query)
    if query is None:
        return
    prohibited = modifier is Modifier.NOT
    if default_and:
        required = not prohibited and conjunction is not Conjunction.OR
    else:
        required = modifier is Modifier.REQ or (
            conjunction is Conjunction.AND and not prohibited
        )
    occur = Occur.MUST_NOT if prohibited else Occur.MUST if required else Occur.SHOULD
    clauses.append(Clause(occur, query))


@dataclass(frozen=True)
class StandardParser:
    """Solr's standard parser for one request (``q.op``, ``df``, ``NOW``)."""

    default_and: bool
    default_field: str
    now: dt.datetime | None = None

    def parse(self, q: str) -> Query | None:
        reject_unsupported_syntax(q)
        try:
            parsed = luqum_parser.parse(q)
        except ParseError as error:
            raise UnsupportedQuery(f"unparseable query {q!r}: {error}") from error
        return self.clause_list(parsed, self.default_field, explicit=False)

    def clause_list(self, item: tree.Item, field: str, explicit: bool) -> Query | None:
        clauses: list[Clause] = []
        for conjunction, clause_item in flatten_clauses(item):
            modifier, inner = split_modifier(clause_item)
            query = self.clause(inner, field, explicit)
            add_clause(clauses, conjunction, modifier, query, self.default_and)
        if not clauses:
            return None
        return boolean_query(clauses)

    def clause(self, item: tree.Item, field: str, explicit: bool) -> Query | None:
        if isinstance(item, tree.Boost):
            return self.clause(item.expr, field, explicit)
        if isinstance(item, tree.Group):
            return self.clause_list(item.expr, field, explicit)
        if isinstance(item, tree.SearchField):
            return self.search_field(item)
        return self.term(item, field, explicit)

    def search_field(self, item: tree.SearchField) -> Query | None:
        expr = item.expr
        if isinstance(expr, tree.Boost):
            expr = expr.expr
        if item.name == "*":
            if isinstance(expr, tree.Word) and expr.value == "*":
                return _match_all()
            raise UnsupportedQuery(f"'*' as a field name in {item}")
        if isinstance(expr, (tree.FieldGroup, tree.Group)):  # Group: under a boost
            return self.clause_list(expr.expr, item.name, explicit=True)
        if isinstance(expr, (tree.Word, tree.Phrase, tree.Range)):
            return self.term(expr, item.name, explicit=True)
        raise UnsupportedQuery(f"unsupported field expression {item}")

    def term(self, item: tree.Item, field: str, explicit: bool) -> Query | None:
        if isinstance(item, tree.Phrase):
            return field_term(field, _phrase_text(item))
        if isinstance(item, tree.Range):
            return range_query(field, item, self.now)
        if isinstance(item, tree.Word):
            return self.word(item.value, field, explicit)
        raise UnsupportedQuery(f"unsupported query element {item!r}")

    def word(self, raw: str, field: str, explicit: bool) -> Query | None:
        if raw == "*":
            # Solr: a bare ``*`` (no explicit field) is match-all.
            return exists_query(field) if explicit else _match_all()
        if has_wildcard(raw):
            return wildcard_query(field, raw)
        return field_term(field, unescape(raw))


_UNSUPPORTED_OUTSIDE_QUOTES = ("&&", "||", "!", "{!", "~")
_MAGIC_FIELD_RE = re.compile(r"(?<![\w\\])_(query|val)_\s*:")


def _unquoted_text(q: str) -> str:
    """``q`` with phrases and escaped characters blanked out."""
    kept: list[str] = []
    in_phrase = escaped = False
    for char in q:
        if escaped:
            kept.append(" ")
            escaped = False
        elif char == "\\":
            kept.append(" ")
            escaped = True
        elif char == '"':
            kept.append(" ")
            in_phrase = not in_phrase
        else:
            kept.append(" " if in_phrase else char)
    return "".join(kept)


def reject_unsupported_syntax(q: str) -> None:
    bare = _unquoted_text(q)
    for token in _UNSUPPORTED_OUTSIDE_QUOTES:
        if token in bare:
            raise UnsupportedQuery(f"{token!r} is not modelled (in {q!r})")
    if _MAGIC_FIELD_RE.search(bare):
        raise UnsupportedQuery(f"magic fields are not modelled (in {q!r})")


def _is_match_all(q: str | None) -> bool:
    return q is None or q.strip() in ("", "*:*")


def compile_query(
    q: str, *, q_op: str = "OR", df: str = "text", now: dt.datetime | None = None
) -> Query:
    """Compile ``q`` once, for evaluating it on many documents."""
    if q_op not in ("AND", "OR"):
        raise UnsupportedQuery(f"q.op must be AND or OR, not {q_op!r}")
    parser = StandardParser(default_and=q_op == "AND", default_field=df, now=now)
    compiled = parser.parse(q)
    return compiled or Query(lambda doc: False, "<nothing>")


def matches(
    doc: Document,
    q: str,
    *,
    q_op: str = "OR",
    df: str = "text",
    now: dt.datetime | None = None,
) -> bool:
    """Whether ``doc`` matches the standard-parser query ``q``."""
    return compile_query(q, q_op=q_op, df=df, now=now).matches(doc)


def filter_ids(
    docs: Iterable[Document],
    q: str | None,
    fq: Sequence[str],
    *,
    q_op: str = "AND",
    df: str = "text",
    now: dt.datetime | None = None,
) -> set[str]:
    """The ids of ``docs`` matching ``q`` and every filter query in ``fq``."""
    queries = [compile_query(f, q_op=q_op, df=df, now=now) for f in fq]
    if not _is_match_all(q):
        assert q is not None
        queries.append(compile_query(q, q_op=q_op, df=df, now=now))
    return {doc["id"] for doc in docs if all(query.matches(doc) for query in queries)}


# --------------------------------------------------------------------------
# dismax (CKAN's free-text search)
# --------------------------------------------------------------------------


def _float32(value: float) -> float:
    return struct.unpack("f", struct.pack("f", value))[0]


def calculate_min_should_match(optional_clauses: int, spec: str) -> int:
    """``SolrPluginUtils.calculateMinShouldMatch``, with Java float rounding."""
    spec = re.sub(r"\s*<\s*", "<", spec.strip())
    if "<" in spec:
        result = optional_clauses
        for condition in spec.split():
            upper_bound, _, then = condition.partition("<")
            if optional_clauses <= int(upper_bound):
                return result
            result = calculate_min_should_match(optional_clauses, then)
        return result
    if spec.endswith("%"):
        percent = int(spec[:-1])
        calc = _float32(_float32(float(optional_clauses * percent)) * _float32(1 / 100))
        result = optional_clauses + int(calc) if calc < 0 else int(calc)
    else:
        amount = int(spec)
        result = optional_clauses + amount if amount < 0 else amount
    return min(optional_clauses, max(result, 0))


@dataclass(frozen=True)
class DismaxClause:
    modifier: Modifier
    text: str
    quoted: bool


def _strip_unbalanced_quotes(q: str) -> str:
    return q.replace('"', " ") if q.count('"') % 2 else q


def split_dismax_clauses(q: str) -> list[DismaxClause]:
    """Split a dismax ``q``: quotes and leading ``+``/``-`` are honoured."""
    q = _strip_unbalanced_quotes(q)
    clauses: list[DismaxClause] = []
    for match in re.finditer(r'([+-]?)(?:"([^"]*)"|(\S+))', q):
        sign, phrase, word = match.groups()
        modifier = {"+": Modifier.REQ, "-": Modifier.NOT}.get(sign, Modifier.NONE)
        if word is not None and word in ("AND", "OR", "NOT", "&&", "||"):
            raise UnsupportedQuery(f"operator {word!r} in a dismax query")
        if word is not None and word[0] in "+-":
            raise UnsupportedQuery(
                f"stacked modifiers in dismax clause {match.group(0)!r}"
            )
        if word is not None and '"' in word:
            raise UnsupportedQuery(f"quote inside a dismax word {word!r}")
        text = phrase if phrase is not None else word
        clauses.append(DismaxClause(modifier, text, phrase is not None))
    return clauses


def parse_qf(qf: str) -> list[str]:
    return [spec.split("^", 1)[0] for spec in qf.split()]


def dismax_clause_query(clause: DismaxClause, fields: Sequence[str]) -> Query | None:
    """A disjunction over the query fields; None if no field keeps a term."""
    per_field = [field_term(field, clause.text) for field in fields]
    kept = [q for q in per_field if q is not None]
    if not kept:
        return None
    return Query(
        lambda doc: any(q.matches(doc) for q in kept),
        "|".join(q.description for q in kept),
    )


def compile_dismax(q: str, *, qf: str = DEFAULT_QF, mm: str = DEFAULT_MM) -> Query:
    fields = parse_qf(qf)
    clauses: list[Clause] = []
    for dismax_clause in split_dismax_clauses(q):
        query = dismax_clause_query(dismax_clause, fields)
        add_clause(
            clauses, Conjunction.NONE, dismax_clause.modifier, query, default_and=False
        )
    if not clauses:
        return Query(lambda doc: False, "<nothing>")
    optional = sum(1 for c in clauses if c.occur is Occur.SHOULD)
    min_should = calculate_min_should_match(optional, mm) if optional else 0
    return boolean_query(clauses, min_should_match=min_should)


def dismax_matches(
    doc: Document, q: str, *, qf: str = DEFAULT_QF, mm: str = DEFAULT_MM
) -> bool:
    """Whether ``doc`` matches CKAN's default free-text (dismax) search."""
    return compile_dismax(q, qf=qf, mm=mm).matches(doc)


def dismax_ids(
    docs: Iterable[Document],
    q: str,
    fq: Sequence[str],
    *,
    qf: str = DEFAULT_QF,
    mm: str = DEFAULT_MM,
    q_op: str = "AND",
    df: str = "text",
) -> set[str]:
    """The ids of ``docs`` matching the dismax ``q`` and the standard ``fq``."""
    main = compile_dismax(q, qf=qf, mm=mm)
    filters = [compile_query(f, q_op=q_op, df=df) for f in fq]
    return {
        doc["id"]
        for doc in docs
        if main.matches(doc) and all(f.matches(doc) for f in filters)
    }
