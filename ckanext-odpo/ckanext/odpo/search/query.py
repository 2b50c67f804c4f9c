"""Lucene/Solr query syntax, parsed into a small query model.

``q`` and ``fq`` strings are parsed with luqum. luqum gives its operators a
precedence; Lucene's classic query parser (which Solr's ``lucene``, ``dismax``
and ``edismax`` parsers build on) does not: it reads the clauses of one level
left to right and lets each conjunction change the occurrence of its
neighbours (``QueryParserBase.addClause``). So the luqum tree is flattened back
into that clause list and the occurrences are computed the Lucene way, e.g.
with the default operator OR, ``a AND b OR c`` means ``+a +b c``.

Anything this backend cannot answer exactly (fuzzy and proximity queries,
regular expressions, local parameters, ...) raises :class:`QuerySyntaxError`,
which the connection reports as a Solr error, so CKAN answers "Search Query is
invalid" instead of returning a silently wrong result.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Iterator, Union

from luqum import tree
from luqum.exceptions import ParseError
from luqum.parser import parser as luqum_parser

MUST, SHOULD, MUST_NOT = "MUST", "SHOULD", "MUST_NOT"


class QuerySyntaxError(ValueError):
    """The query cannot be parsed, or uses syntax this backend does not answer."""


# -- query model --------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class MatchAll:
    pass


@dataclasses.dataclass(frozen=True)
class MatchNone:
    pass


@dataclasses.dataclass(frozen=True)
class TermQuery:
    """``field:value`` or ``field:"a phrase"`` (``phrase`` keeps the quotes' meaning)."""

    field: str
    value: str
    phrase: bool = False
    boost: float = 1.0


@dataclasses.dataclass(frozen=True)
class WildcardQuery:
    field: str
    pattern: str  # Lucene wildcard: ``*`` any run, ``?`` one character
    boost: float = 1.0


@dataclasses.dataclass(frozen=True)
class ExistsQuery:
    """``field:*`` - the field has a value."""

    field: str


@dataclasses.dataclass(frozen=True)
class RangeQuery:
    field: str
    low: str | None  # None: open
    high: str | None
    include_low: bool
    include_high: bool


@dataclasses.dataclass(frozen=True)
class DisjunctionQuery:
    """One user term searched in several fields (dismax ``qf``); best field scores."""

    alternatives: tuple["Query", ...]


@dataclasses.dataclass(frozen=True)
class BooleanQuery:
    clauses: tuple[tuple[str, "Query"], ...]
    minimum_should_match: int = 0  # 0: Lucene default (1 if no MUST clause)


Query = Union[
    MatchAll, MatchNone, TermQuery, WildcardQuery, ExistsQuery, RangeQuery,
    DisjunctionQuery, BooleanQuery,
]


# -- parsing ------------------------------------------------------------------


@dataclasses.dataclass
class ParseOptions:
    default_operator: str = "OR"  # q.op
    default_field: str = "text"  # df
    query_fields: tuple[tuple[str, float], ...] = ()  # qf, for dismax/edismax
    allow_fields: bool = True  # False for dismax: ``:`` is literal


_LOCAL_PARAM_RE = re.compile(
    r"""\s*(?:(?P<key>[\w.]+)\s*=\s*(?:'(?P<single>[^']*)'|"(?P<double>[^"]*)"|(?P<bare>[^\s}]+))"""
    r"""|(?P<word>[\w.]+))"""
)


def split_local_params(query: str) -> tuple[list[tuple[str, str]], str] | None:
    """``{!type k=v ...}rest`` into ([(key, value), ...], rest); None without local params.

    A bare word is the parser type (key ``type``); values may be quoted.
    """
    text = query.lstrip()
    if not text.startswith("{!"):
        return None
    position, pairs = 2, []
    while True:
        if text.startswith("}", position):
            return pairs, text[position + 1:]
        match = _LOCAL_PARAM_RE.match(text, position)
        if not match or match.end() == position:
            raise QuerySyntaxError(f"Invalid local parameters in '{query}'")
        if match.group("word"):
            pairs.append(("type", match.group("word")))
        else:
            value = next(v for v in match.group("single", "double", "bare") if v is not None)
            if value.startswith("$"):
                raise QuerySyntaxError("Parameter dereferencing ($name) is not supported")
            pairs.append((match.group("key"), value))
        position = match.end()
        while position < len(text) and text[position].isspace():
            position += 1


def parse(query: str, options: ParseOptions) -> Query:
    """Parse a Lucene query string into the query model."""
    if not query.strip():
        return MatchNone()
    if "{!" in query:
        raise QuerySyntaxError("Local parameters ({!...}) are only supported at the start")
    try:
        node = luqum_parser.parse(query)
    except (ParseError, ValueError) as error:
        raise QuerySyntaxError(f"Cannot parse '{query}': {error}") from error
    return _Builder(options).level(node, field=None) or MatchNone()


_OPERATOR_WORDS = {"&&": "AND", "||": "OR"}


@dataclasses.dataclass
class _Clause:
    conj: str | None  # "AND", "OR" or None (implicit)
    modifier: str | None  # "REQ", "NOT" or None
    node: tree.Item


def _flatten(node: tree.Item) -> list[_Clause]:
    """The clause list of one level, in order, with conjunctions and modifiers."""
    clauses: list[_Clause] = []
    _collect(node, None, clauses)
    return clauses


def _collect(node: tree.Item, conj: str | None, out: list[_Clause]) -> None:
    if isinstance(node, (tree.AndOperation, tree.OrOperation, tree.UnknownOperation)):
        own = {tree.AndOperation: "AND", tree.OrOperation: "OR"}.get(type(node))
        pending = conj
        pending_not = False
        for index, operand in enumerate(node.children):
            word = operand.value if isinstance(operand, tree.Word) else None
            if word in _OPERATOR_WORDS:
                pending = _OPERATOR_WORDS[word]
                continue
            if word == "!":
                pending_not = True
                continue
            if index > 0 and own is not None:
                pending = own
            start = len(out)
            _collect(operand, pending, out)
            if pending_not and len(out) > start:
                out[start].modifier = "NOT"
                pending_not = False
            pending = None
        return
    if isinstance(node, tree.BoolOperation):
        for operand in node.children:
            _collect(operand, None, out)
        return
    modifier = None
    if isinstance(node, tree.Plus):
        modifier, node = "REQ", node.a
    elif isinstance(node, (tree.Prohibit, tree.Not)):
        modifier, node = "NOT", node.a
    elif isinstance(node, tree.Word) and node.value.startswith("!") and len(node.value) > 1:
        modifier, node = "NOT", tree.Word(node.value[1:])
    if modifier and isinstance(node, (tree.Plus, tree.Prohibit, tree.Not)):
        # Lucene allows one modifier per clause: "--a", "+-a", "NOT -a" do not parse
        raise QuerySyntaxError(f"Cannot parse: two modifiers before '{node.a}'")
    out.append(_Clause(conj, modifier, node))


def add_clause(built: list[list], conj: str | None, modifier: str | None,
               query: "Query | None", default_operator: str) -> None:
    """Lucene's ``QueryParserBase.addClause``: the conjunction may change the
    occurrence of the previous clause; a clause that analysed to nothing
    (``query`` None) is then dropped, after that change."""
    if built and conj == "AND" and built[-1][0] != MUST_NOT:
        built[-1][0] = MUST
    if built and default_operator == "AND" and conj == "OR" and built[-1][0] != MUST_NOT:
        built[-1][0] = SHOULD
    if query is None:
        return
    prohibited = modifier == "NOT"
    if default_operator == "OR":
        required = modifier == "REQ" or (conj == "AND" and not prohibited)
    else:
        required = not prohibited and conj != "OR"
    built.append([MUST_NOT if prohibited else MUST if required else SHOULD, query])


def occurrences(clauses: list[_Clause], default_operator: str) -> list[str]:
    """The occurrences Lucene gives a clause list (no clause dropped)."""
    built: list[list] = []
    for clause in clauses:
        add_clause(built, clause.conj, clause.modifier, MatchAll(), default_operator)
    return [occur for occur, _ in built]


class _Builder:
    def __init__(self, options: ParseOptions) -> None:
        self.options = options

    def level(self, node: tree.Item, field: str | None) -> Query | None:
        built: list[list] = []
        for clause in _flatten(node):
            query = self.item(clause.node, field)
            add_clause(built, clause.conj, clause.modifier, query, self.options.default_operator)
        if not built:
            return None
        if len(built) == 1 and built[0][0] != MUST_NOT:
            return built[0][1]
        return BooleanQuery(tuple((occur, query) for occur, query in built))

    def item(self, node: tree.Item, field: str | None, boost: float = 1.0) -> Query | None:
        if isinstance(node, tree.Group):
            return self.level(node.expr, field)
        if isinstance(node, tree.FieldGroup):
            return self.level(node.expr, field)
        if isinstance(node, tree.SearchField):
            return self._search_field(node, field)
        if isinstance(node, tree.Boost):
            return self.item(node.expr, field, boost * float(node.force or 1))
        if isinstance(node, (tree.Fuzzy, tree.Proximity)):
            raise QuerySyntaxError("Fuzzy and proximity queries (~) are not supported")
        if isinstance(node, tree.Regex):
            raise QuerySyntaxError("Regular expression queries are not supported")
        if isinstance(node, tree.Range):
            return self._range(node, field)
        if isinstance(node, (tree.From, tree.To)):
            raise QuerySyntaxError("Open range operators (<, >, <=, >=) are not supported")
        if isinstance(node, tree.Phrase):
            return self._term(field, unescape(node.value[1:-1]), phrase=True, boost=boost)
        if isinstance(node, tree.Word):
            return self._word(node, field, boost)
        if isinstance(node, (tree.BaseOperation, tree.Unary)):
            return self.level(node, field)
        raise QuerySyntaxError(f"Unsupported query element: {node}")

    def _search_field(self, node: tree.SearchField, field: str | None) -> Query | None:
        if not self.options.allow_fields:
            raise QuerySyntaxError("Field queries are not allowed here")
        if field is not None:
            raise QuerySyntaxError(f"Nested field query '{node}'")
        name = unescape(node.name)
        if name == "*":
            expr = node.expr.expr if isinstance(node.expr, tree.Boost) else node.expr
            if isinstance(expr, tree.Word) and expr.value == "*":
                return MatchAll()
            raise QuerySyntaxError(f"'{node}': only *:* may use the field name '*'")
        if name.startswith("_") and name in ("_query_", "_val_"):
            raise QuerySyntaxError("Magic fields are not supported")
        return self.item(node.expr, name)

    def _word(self, node: tree.Word, field: str | None, boost: float) -> Query | None:
        raw = node.value
        if field is None and raw == "*":
            return MatchAll()
        if has_wildcard(raw):
            if field is None:
                field = self.options.default_field
            if raw == "*":
                return ExistsQuery(field)
            return WildcardQuery(field, wildcard_unescape(raw), boost)
        return self._term(field, unescape(raw), phrase=False, boost=boost)

    def _term(self, field: str | None, value: str, phrase: bool, boost: float) -> Query | None:
        if field is None and self.options.query_fields:
            alternatives = tuple(
                TermQuery(name, value, phrase, boost * weight)
                for name, weight in self.options.query_fields
                if not analyses_to_nothing(name, value)
            )
            return DisjunctionQuery(alternatives) if alternatives else None
        name = field or self.options.default_field
        if analyses_to_nothing(name, value):
            return None
        return TermQuery(name, value, phrase, boost)

    def _range(self, node: tree.Range, field: str | None) -> Query:
        if field is None:
            field = self.options.default_field
        low, high = (_range_bound(node.low), _range_bound(node.high))
        return RangeQuery(field, low, high, bool(node.include_low), bool(node.include_high))


def analyses_to_nothing(field: str, value: str) -> bool:
    """A term of an analysed field that leaves no token (only punctuation):
    Lucene drops such a clause."""
    from . import analysis, schema

    if field != "text" and schema.field_kind(field) not in ("text", "text_general"):
        return False
    return not analysis.terms(value)


def _range_bound(node: tree.Item) -> str | None:
    if isinstance(node, (tree.Prohibit, tree.Plus)) and isinstance(node.a, tree.Word):
        sign = "-" if isinstance(node, tree.Prohibit) else ""
        return sign + unescape(node.a.value)  # luqum reads "-1" as a prohibition
    if isinstance(node, tree.Word):
        return None if node.value == "*" else unescape(node.value)
    if isinstance(node, tree.Phrase):
        return unescape(node.value[1:-1])
    raise QuerySyntaxError(f"Invalid range bound: {node}")


_ESCAPE_RE = re.compile(r"\\(.)", re.DOTALL)


def unescape(value: str) -> str:
    return _ESCAPE_RE.sub(r"\1", value)


def has_wildcard(value: str) -> bool:
    return any(kind for kind in _wildcard_chars(value))


def _wildcard_chars(value: str) -> Iterator[bool]:
    escaped = False
    for char in value:
        if escaped:
            escaped = False
            yield False
        elif char == "\\":
            escaped = True
        else:
            yield char in "*?"


def wildcard_unescape(value: str) -> str:
    """Keep ``*``/``?`` as wildcards; escaped ones become ``\\*``/``\\?``; other escapes drop."""
    out: list[str] = []
    escaped = False
    for char in value:
        if escaped:
            out.append("\\" + char if char in "*?\\" else char)
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            out.append(char)
    return "".join(out)


# -- dismax -------------------------------------------------------------------

_DISMAX_ESCAPE_RE = re.compile(r'([\\!(){}\[\]^~*?:/])')
_DISMAX_CONSECUTIVE_RE = re.compile(r"\s+[+-](?:\s*[+-]+)+")
_DISMAX_DANGLING_RE = re.compile(r"\s+[-+\s]+$")


def parse_dismax(query: str, query_fields: tuple[tuple[str, float], ...], mm: str) -> Query:
    """Solr's ``dismax`` parser: special characters are literal except ``+``,
    ``-``, quotes and the boolean operators; every term is searched in all the
    ``qf`` fields; ``mm`` sets how many optional clauses must match."""
    if query.count('"') % 2:
        query = query.replace('"', "")
    escaped = _DISMAX_ESCAPE_RE.sub(r"\\\1", query)
    # Solr's stripIllegalOperators: runs of +/- operators, dangling ones at the end
    escaped = _DISMAX_DANGLING_RE.sub("", _DISMAX_CONSECUTIVE_RE.sub(" ", escaped))
    if not escaped.strip():
        return MatchNone()
    options = ParseOptions(default_operator="OR", query_fields=query_fields, allow_fields=False)
    parsed = parse(escaped, options)
    return apply_minimum_should_match(parsed, mm)


def apply_minimum_should_match(query: Query, mm: str) -> Query:
    if isinstance(query, BooleanQuery):
        optional = sum(1 for occur, _ in query.clauses if occur == SHOULD)
        required = minimum_should_match(mm, optional)
        return dataclasses.replace(query, minimum_should_match=required)
    return query


def minimum_should_match(spec: str, optional: int) -> int:
    """How many of ``optional`` SHOULD clauses must match under the ``mm`` spec.

    Supports Solr's forms: ``3``, ``-1``, ``75%``, ``-25%`` and conditional
    ``2<-1 5<80%`` (space-separated ``n<value`` pairs).
    """
    spec = (spec or "").strip()
    if not spec or optional == 0:
        return 0
    if "<" in spec:
        result = optional
        for part in spec.split():
            if "<" not in part:
                raise QuerySyntaxError(f"Invalid mm: {spec}")
            threshold, value = part.split("<", 1)
            if optional > int(threshold):
                result = _mm_value(value, optional)
        return _clamp(result, optional)
    return _clamp(_mm_value(spec, optional), optional)


def _mm_value(value: str, optional: int) -> int:
    try:
        if value.endswith("%"):
            percent = int(value[:-1])
            count = optional * abs(percent) // 100
            return optional - count if percent < 0 else count
        number = int(value)
    except ValueError as error:
        raise QuerySyntaxError(f"Invalid mm value: {value}") from error
    return optional + number if number < 0 else number


def _clamp(value: int, optional: int) -> int:
    return max(0, min(optional, value))


# -- dates --------------------------------------------------------------------

_DATE_RE = re.compile(
    r"^(?P<base>NOW|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)(?P<math>[^\s]*)$"
)
_MATH_RE = re.compile(r"([+-]\d+|/)([A-Z]+)")
_UNITS = {
    "YEAR": "years", "YEARS": "years", "MONTH": "months", "MONTHS": "months",
    "DAY": "days", "DAYS": "days", "DATE": "days", "HOUR": "hours", "HOURS": "hours",
    "MINUTE": "minutes", "MINUTES": "minutes", "SECOND": "seconds", "SECONDS": "seconds",
    "MILLI": "milliseconds", "MILLIS": "milliseconds", "MILLISECOND": "milliseconds",
    "MILLISECONDS": "milliseconds",
}


def parse_date(value: str, now: dt.datetime | None = None) -> dt.datetime:
    """A Solr date (ISO 8601 in UTC with ``Z``) or date-math expression."""
    from dateutil.relativedelta import relativedelta

    match = _DATE_RE.match(value.strip())
    if not match:
        raise QuerySyntaxError(f"Invalid Date String: '{value}'")
    base = match.group("base")
    if base == "NOW":
        moment = now or dt.datetime.now(dt.timezone.utc)
    else:
        moment = dt.datetime.fromisoformat(base[:-1]).replace(tzinfo=dt.timezone.utc)
    math = match.group("math")
    consumed = 0
    for op in _MATH_RE.finditer(math):
        if op.start() != consumed:
            break
        consumed = op.end()
        amount, unit = op.group(1), _UNITS.get(op.group(2))
        if unit is None:
            raise QuerySyntaxError(f"Invalid date math unit in '{value}'")
        if amount == "/":
            moment = _round_down(moment, unit)
        else:
            moment = moment + relativedelta(**{unit: int(amount)})
    if consumed != len(math):
        raise QuerySyntaxError(f"Invalid date math in '{value}'")
    return moment


def _round_down(moment: dt.datetime, unit: str) -> dt.datetime:
    order = ["years", "months", "days", "hours", "minutes", "seconds", "milliseconds"]
    keep = order.index(unit)
    fields = {"month": 1, "day": 1, "hour": 0, "minute": 0, "second": 0, "microsecond": 0}
    names = ["month", "day", "hour", "minute", "second", "microsecond"]
    reset = {name: fields[name] for name in names[keep:]}
    if unit == "seconds":
        reset = {"microsecond": 0}
    elif unit == "milliseconds":
        reset = {"microsecond": moment.microsecond // 1000 * 1000}
    return moment.replace(**reset)


def format_date(moment: dt.datetime) -> str:
    """The fixed-width form dates are compared in (UTC, millisecond precision
    like Solr's date fields)."""
    moment = moment.astimezone(dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{moment.microsecond // 1000:03d}Z"


def solr_date(compared: str) -> str:
    """The form Solr returns a stored date in: ``2014-06-10T08:24:12.78Z``."""
    seconds, millis = compared[:-1].split(".")
    millis = millis.rstrip("0")
    return f"{seconds}.{millis}Z" if millis else f"{seconds}Z"
