"""Map licence strings as municipal and government sites write them to the
canonical ids of the register.

How a string is read
    1. Folding: NFKC (full-width letters, digits and brackets become ASCII),
       case-folding, one kind of dash, single spaces.
    2. Known names: the folded string without spaces and punctuation is looked
       up among the ids, titles and aliases of the register (BODIK's
       ``cc-by-40-intl``, CKAN's ``cc-zero``, ...) and a short list of names
       that deliberately map to nothing (``other-closed``, ``不明``, ...).
    3. URLs in the string: creativecommons.org licence and badge paths,
       opendatacommons.org, opendefinition.org (CKAN's old licence URLs), the
       Digital Agency's PDL page, the kantei.go.jp / cio.go.jp texts of the
       政府標準利用規約 and BODIK's per-municipality terms pages.
    4. Text: every mention of a licence family (CC codes, Japanese and English
       CC names, 政府標準利用規約, 公共データ利用規約 / PDL, ODbL) is read with
       the version, jurisdiction and CC elements (NC, ND, SA) that follow it.
       A mention followed by 「互換」 / "compatible" only states compatibility
       and names no licence. A municipality's own 利用規約 counts only when
       nothing else is named.
    5. The findings must agree on one id. A finding that needed an assumption
       gives way to an exact one of the same family (「CC BY」 next to the 2.1
       JP deed URL is CC BY 2.1 JP). Anything else is reported as unmapped.

Exactness
    ``exact``: the string names one licence of the register.
    ``inferred``: it names a family and an assumption picked the member: a CC
    licence without version is taken as 4.0 (what bare 「CC BY」 means on
    Japanese municipal sites since about 2016), CC 2.1 without jurisdiction as
    the Japan port, 政府標準利用規約 without version as 第2.0版, and a
    municipality's terms (by name or BODIK terms page) as ``municipal-custom``.

Never
    a licence with NC, ND or SA maps to plain CC BY; those map to their own
    register entries (``CC-BY-NC`` -> ``cc-by-nc-4.0``, inferred) or, for
    versions not in the register (NC 2.1 JP, CC BY 3.0, ...), to nothing.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from urllib.parse import urlsplit

from .register import LicenceRegister, RegisterError, load_register


class Exactness(str, Enum):
    """How directly a raw string names its register licence (see the module docstring)."""

    EXACT = "exact"
    INFERRED = "inferred"


#: Rules of unmapped results that mean "a licence was named, but not one of
#: the register" (as opposed to "nothing recognisable was given").
BLOCKING_RULES = frozenset({"not-in-register", "ambiguous", "not-a-licence", "unspecified-terms"})


@dataclass(frozen=True)
class LicenceMatch:
    """The result of normalising one raw licence string.

    ``licence_id`` is ``None`` when the string could not be mapped; ``rule``
    then says why: ``empty`` / ``no-licence`` (nothing given),
    ``unrecognised`` (no licence named), ``not-in-register`` (a licence ODPO
    does not offer), ``unspecified-terms`` (CKAN's generic "Other ..."),
    ``ambiguous`` (several licences), ``not-a-licence``,
    ``compatibility-only`` (only says "compatible with CC BY 4.0").
    """

    raw: str | None
    licence_id: str | None
    rule: str
    exactness: Exactness | None = None
    detail: str = ""

    @property
    def is_mapped(self) -> bool:
        return self.licence_id is not None

    @property
    def is_inferred(self) -> bool:
        return self.exactness is Exactness.INFERRED


@dataclass(frozen=True)
class NormalisationReport:
    """Licence strings of a harvest: what mapped, what needs a look."""

    matches: tuple[LicenceMatch, ...]
    occurrences: Mapping[str | None, int]

    @property
    def mapped(self) -> tuple[LicenceMatch, ...]:
        return tuple(match for match in self.matches if match.is_mapped)

    @property
    def inferred(self) -> tuple[LicenceMatch, ...]:
        return tuple(match for match in self.matches if match.is_inferred)

    @property
    def unmapped(self) -> tuple[LicenceMatch, ...]:
        return tuple(match for match in self.matches if not match.is_mapped)

    def licence_id_for(self, raw: str | None) -> str | None:
        for match in self.matches:
            if match.raw == raw:
                return match.licence_id
        raise KeyError(raw)

    def unmapped_lines(self) -> list[str]:
        """One line per unmapped spelling, most frequent first (for logs)."""
        ordered = sorted(self.unmapped, key=lambda match: -self.occurrences[match.raw])
        return [
            f"{match.raw!r} x{self.occurrences[match.raw]}: {match.rule}"
            + (f" ({match.detail})" if match.detail else "")
            for match in ordered
        ]


# --- folding -----------------------------------------------------------------

_DASHES = re.compile("[\u2010-\u2015\u2212\u30a0\ufe63]")
_NON_WORD = re.compile(r"[\W_]+")
_SEPARATORS = re.compile(r"[^\w.]|_")


def fold(raw: str) -> str:
    """NFKC, case-folded, one kind of dash, single spaces."""
    text = _DASHES.sub("-", unicodedata.normalize("NFKC", raw).casefold())
    return " ".join(text.split())


def compact_key(raw: str) -> str:
    """``fold`` without spaces and punctuation: the key of known names."""
    return _NON_WORD.sub("", fold(raw))


def _spaced(folded: str) -> str:
    """Punctuation (except the dot of versions) turned into single spaces."""
    return " ".join(_SEPARATORS.sub(" ", folded).split()).strip(". ")


# --- findings ----------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    licence_id: str
    exactness: Exactness
    rule: str
    detail: str = ""


@dataclass(frozen=True)
class _Rejection:
    rule: str
    detail: str


_Finding = _Candidate | _Rejection
_NameLookup = Callable[[str, str], "_Finding | None"]


def _exact(licence_id: str, rule: str) -> _Candidate:
    return _Candidate(licence_id, Exactness.EXACT, rule)


def _inferred(licence_id: str, rule: str, detail: str) -> _Candidate:
    return _Candidate(licence_id, Exactness.INFERRED, rule, detail)


# --- versions ----------------------------------------------------------------

_EDITION = re.compile(r"第\s?(\d{1,2})(?:\.(\d{1,2}))?\s?版")
_DOTTED_VERSION = re.compile(r"(?<!\d)(?<!\d\.)(\d{1,2})\.(\d{1,2})(?!\d)(?!\.\d)")
_WORD_VERSION = re.compile(r"(?<![a-z])(?:version|ver|v)\.?\s?(\d{1,2})(?:\.(\d{1,2}))?(?![\d.])")
#: ``CC BY 4``: a bare major version right after the name (the empty group is the minor).
_LEADING_MAJOR = re.compile(r"^\s?(\d)()(?![\d.])")


def _version_in(window: str) -> str | None:
    """The first version in ``window`` as ``major.minor`` (``第2版`` -> ``2.0``)."""
    found = [
        match
        for pattern in (_EDITION, _DOTTED_VERSION, _WORD_VERSION, _LEADING_MAJOR)
        if (match := pattern.search(window))
    ]
    if not found:
        return None
    first = min(found, key=lambda match: match.start())
    return f"{int(first.group(1))}.{int(first.group(2) or 0)}"


_JAPAN = re.compile(r"(?<![a-z])(?:jp|japan)(?![a-z])|日本")
_INTERNATIONAL = re.compile(r"(?<![a-z])(?:intl|international)(?![a-z])|国際")


def _jurisdiction_in(window: str) -> str | None:
    if _JAPAN.search(window):
        return "jp"
    if _INTERNATIONAL.search(window):
        return "intl"
    return None


# --- Creative Commons ----------------------------------------------------------

_CC_ELEMENT_WORDS: dict[str, re.Pattern[str]] = {
    "by": re.compile(r"表示|attribution"),
    "nc": re.compile(r"非営利|non\s?commercial"),
    "nd": re.compile(r"改変禁止|no\s?deriv"),
    "sa": re.compile(r"継承|share\s?alike"),
    "zero": re.compile(r"パブリック\s?ドメイン\s?提供|public\s?domain\s?dedication|(?<![a-z])(?:cc\s?)?zero"),
}
_CC_JA_ELEMENTS = {"非営利": "nc", "改変禁止": "nd", "継承": "sa"}


def _cc_elements_in(window: str) -> frozenset[str]:
    return frozenset(name for name, pattern in _CC_ELEMENT_WORDS.items() if pattern.search(window))


def _cc_finding(elements: frozenset[str], version: str | None, jurisdiction: str | None,
                rule: str) -> _Finding | None:
    """The register id a set of CC elements denotes (before the register check)."""
    if "zero" in elements:
        return _cc_zero_finding(elements, version, rule)
    modifiers = [name for name in ("nc", "nd", "sa") if name in elements]
    if not modifiers and "by" not in elements:
        return None
    if {"nd", "sa"} <= set(modifiers):
        return _Rejection("not-a-licence", "CC licences do not combine ND and SA")
    family = "-".join(["cc-by", *modifiers])
    return _cc_versioned_finding(family, version, jurisdiction, rule)


def _cc_zero_finding(elements: frozenset[str], version: str | None, rule: str) -> _Finding:
    if elements - {"zero"}:
        return _Rejection("ambiguous", "CC0 named together with other CC elements")
    if version not in (None, "1.0"):
        return _Rejection("not-in-register", f"CC0 {version}")
    return _exact("cc0-1.0", rule)


def _cc_versioned_finding(family: str, version: str | None, jurisdiction: str | None,
                          rule: str) -> _Finding:
    if version is None:
        return _inferred(f"{family}-4.0", rule, "no version given: 4.0 assumed")
    if version == "2.1":
        if jurisdiction == "intl":
            return _Rejection("not-a-licence", "CC 2.1 exists only as national ports")
        if jurisdiction is None:
            return _inferred(f"{family}-2.1-jp", rule, "CC 2.1 without jurisdiction: Japan port assumed")
        return _exact(f"{family}-2.1-{jurisdiction}", rule)
    suffix = "-jp" if jurisdiction == "jp" and version != "4.0" else ""
    return _exact(f"{family}-{version}{suffix}", rule)


# --- mentions in text -----------------------------------------------------------

_MENTION_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("cc-code", re.compile(r"(?<![a-z0-9])cc\s?(by(?:\s?(?:nc|nd|sa))*)(?![a-z])")),
    ("cc-zero", re.compile(r"(?<![a-z0-9])cc\s?(?:0|zero|ゼロ)(?![\d.])")),
    ("cc-ja-name", re.compile(r"表示((?:\s?(?:非営利|改変禁止|継承))*)\s?(\d\.\d)\s?(国際|日本)")),
    ("cc-ja", re.compile(r"クリエイティブ\s?コモンズ")),
    ("cc-en", re.compile(r"creative\s?commons")),
    ("gsl", re.compile(r"政府\s?標準\s?利用\s?規約|government\s(?:of\s)?japan\sstandard\sterms\sof\suse")),
    ("pdl", re.compile(r"公共\s?データ\s?利用\s?規約|(?<![a-z])pdl(?![a-z])|public\sdata\slicen[cs]e")),
    ("odbl", re.compile(
        r"(?<![a-z])odbl(?![a-z])|open\s?database\s?licen[cs]e|オープン\s?データ\s?ベース\s?ライセンス"
    )),
)
_WINDOW = 60
_COMPATIBILITY_NOTE = re.compile(r"互換|compatib")
_MUNICIPAL_TERMS = re.compile(
    r"[都道府県市区町村]\s?(?:の\s?)?(?:(?:オープン\s?|公開\s?)?データ\s?)?"
    r"(?:(?:カタログ|ポータル)\s?(?:サイト\s?)?|ウェブ\s?サイト\s?|サイト\s?|ホームページ\s?)?"
    r"(?:の\s?)?利用\s?規約"
)


@dataclass(frozen=True)
class _Mention:
    kind: str
    match: re.Match[str]
    window: str

    @property
    def group(self) -> str:
        return "cc" if self.kind.startswith("cc") else self.kind

    @property
    def is_compatibility_note(self) -> bool:
        return bool(_COMPATIBILITY_NOTE.search(self.window))


def _mentions(text: str) -> list[_Mention]:
    found = sorted(
        ((match.start(), kind, match) for kind, pattern in _MENTION_PATTERNS
         for match in pattern.finditer(text)),
        key=lambda item: item[0],
    )
    mentions = []
    for index, (_, kind, match) in enumerate(found):
        following = found[index + 1][0] if index + 1 < len(found) else len(text)
        end = max(match.end(), min(following, match.end() + _WINDOW))
        mentions.append(_Mention(kind, match, text[match.end():end]))
    return mentions


def _naming_mentions(mentions: list[_Mention]) -> list[_Mention]:
    """Drop runs of same-family mentions that only state compatibility."""
    kept: list[_Mention] = []
    run: list[_Mention] = []
    for mention in [*mentions, None]:
        if run and (mention is None or mention.group != run[0].group):
            if not any(item.is_compatibility_note for item in run):
                kept.extend(run)
            run = []
        if mention is not None:
            run.append(mention)
    return kept


_MentionReader = Callable[[_Mention], "_Finding | None"]


def _mention_finding(mention: _Mention) -> _Finding | None:
    reader = _MENTION_READERS[mention.kind]
    return reader(mention)


def _read_cc_code(mention: _Mention) -> _Finding | None:
    elements = frozenset(_split_cc_code(mention.match.group(1)))
    return _cc_finding(elements, _version_in(mention.window), _jurisdiction_in(mention.window), "cc-text")


def _split_cc_code(code: str) -> list[str]:
    """``by nc sa`` or ``byncsa`` -> ``["by", "nc", "sa"]``."""
    return re.findall(r"by|nc|nd|sa", code)


def _read_cc_zero(mention: _Mention) -> _Finding | None:
    return _cc_finding(frozenset({"zero"}), _version_in(mention.window), None, "cc-text")


def _read_cc_ja_name(mention: _Mention) -> _Finding | None:
    modifiers = {_CC_JA_ELEMENTS[word] for word in mention.match.group(1).split()}
    jurisdiction = "jp" if mention.match.group(3) == "日本" else "intl"
    return _cc_finding(frozenset({"by", *modifiers}), mention.match.group(2), jurisdiction, "cc-text")


def _read_cc_words(mention: _Mention) -> _Finding | None:
    window = mention.window
    return _cc_finding(_cc_elements_in(window), _version_in(window), _jurisdiction_in(window), "cc-text")


def _read_gsl(mention: _Mention) -> _Finding:
    version = _version_in(mention.window)
    if version is None:
        return _inferred("gsl-2.0", "gsl-text", "no edition given: 第2.0版 assumed")
    if version in ("1.0", "2.0"):
        return _exact(f"gsl-{version}", "gsl-text")
    return _Rejection("not-in-register", f"政府標準利用規約 {version}")


def _single_version_reader(licence_id: str, rule: str, name: str) -> _MentionReader:
    """Reader of a licence with a single version so far (PDL, ODbL)."""

    def read(mention: _Mention) -> _Finding:
        version = _version_in(mention.window)
        if version in (None, "1.0"):
            return _exact(licence_id, rule)
        return _Rejection("not-in-register", f"{name} {version}")

    return read


_MENTION_READERS = {
    "cc-code": _read_cc_code,
    "cc-zero": _read_cc_zero,
    "cc-ja-name": _read_cc_ja_name,
    "cc-ja": _read_cc_words,
    "cc-en": _read_cc_words,
    "gsl": _read_gsl,
    "pdl": _single_version_reader("pdl-1.0", "pdl-text", "PDL"),
    "odbl": _single_version_reader("odbl-1.0", "odbl-text", "ODbL"),
}


def _text_findings(text: str) -> list[_Finding]:
    mentions = _mentions(text)
    naming = _naming_mentions(mentions)
    findings = [finding for mention in naming if (finding := _mention_finding(mention))]
    if findings:
        return findings
    if _MUNICIPAL_TERMS.search(text.replace(" ", "")):
        return [_inferred("municipal-custom", "municipal-terms-text", "a body's own terms of use")]
    if mentions and not naming:
        return [_Rejection("compatibility-only", "only states compatibility with a licence")]
    return []


# --- URLs ----------------------------------------------------------------------

_URL = re.compile(r"(?:https?://|(?<![\w./])(?:www\.|creativecommons\.org/))[a-z0-9\-._~:/?#@!$&*+,;=%]+")
_CC_CODE_SEGMENT = re.compile(r"by(?:-(?:nc|nd|sa))*")
_VERSION_SEGMENT = re.compile(r"\d\.\d")
_JURISDICTION_SEGMENT = re.compile(r"[a-z]{2}")


def _urls(folded: str) -> list[str]:
    return [url.rstrip(".,;:、。") for url in _URL.findall(folded)]


def _url_finding(url: str, alias_lookup: _NameLookup) -> _Finding | None:
    parts = urlsplit(url if "://" in url else f"http://{url}")
    host = (parts.hostname or "").removeprefix("www.")
    segments = [segment for segment in parts.path.split("/") if segment]
    if host.endswith("creativecommons.org"):
        return _creativecommons_url_finding(segments)
    if host == "opendatacommons.org":
        return _opendatacommons_url_finding(segments)
    if host == "opendefinition.org" and len(segments) >= 2 and segments[0] == "licenses":
        return alias_lookup(segments[1], "opendefinition-url")
    return _japanese_terms_url_finding(host, parts.path, segments)


def _creativecommons_url_finding(segments: list[str]) -> _Finding | None:
    if len(segments) >= 3 and segments[0] in ("licenses", "l"):
        code, version = segments[1], segments[2]
        if not (_CC_CODE_SEGMENT.fullmatch(code) and _VERSION_SEGMENT.fullmatch(version)):
            return _Rejection("not-in-register", f"Creative Commons /{'/'.join(segments)}")
        port = segments[3] if len(segments) > 3 and _JURISDICTION_SEGMENT.fullmatch(segments[3]) else None
        jurisdiction = port or ("intl" if version == "4.0" else None)
        return _cc_finding(frozenset(code.split("-")), version, jurisdiction, "cc-url")
    if len(segments) >= 2 and segments[0] in ("publicdomain", "p"):
        if segments[1] == "zero":
            return _exact("cc0-1.0", "cc-url")
        return _Rejection("not-in-register", f"Creative Commons public domain {segments[1]}")
    return None


def _opendatacommons_url_finding(segments: list[str]) -> _Finding | None:
    if len(segments) < 2 or segments[0] != "licenses":
        return None
    if segments[1] == "odbl":
        return _exact("odbl-1.0", "odbl-url")
    return _Rejection("not-in-register", f"Open Data Commons {segments[1]}")


def _japanese_terms_url_finding(host: str, path: str, segments: list[str]) -> _Finding | None:
    if host == "digital.go.jp" and "public_data_license" in path:
        return _exact("pdl-1.0", "pdl-url") if "v1.0" in path else _Rejection("not-in-register", path)
    if host == "kantei.go.jp" and path.endswith("/gl2_betten_1.pdf"):
        return _exact("gsl-2.0", "gsl-url")
    if host == "kantei.go.jp" and path.endswith("/gl_betten_1.pdf"):
        return _exact("gsl-1.0", "gsl-url")
    if host == "cio.go.jp" and path.endswith("/opendata_nijiriyou_betten1.pdf"):
        return _exact("gsl-2.0", "gsl-url")
    if host == "odcs.bodik.jp" and len(segments) >= 2 and segments[1] == "tos":
        return _inferred("municipal-custom", "municipal-terms-url", f"BODIK terms page of {segments[0]}")
    return None


# --- names that deliberately map to nothing ------------------------------------


def _generic(title: str) -> tuple[str, str]:
    return "unspecified-terms", f"CKAN's generic '{title}' does not say which terms apply"


def _no_licence() -> tuple[str, str]:
    return "no-licence", "the record says no licence is given"


#: name -> (rule, detail) of names that deliberately map to nothing.
_UNMAPPABLE_NAMES: dict[str, tuple[str, str]] = {
    "other-closed": _generic("Other (Not Open)"),
    "Other (Not Open)": _generic("Other (Not Open)"),
    "other-open": _generic("Other (Open)"),
    "Other (Open)": _generic("Other (Open)"),
    "other-at": _generic("Other (Attribution)"),
    "Other (Attribution)": _generic("Other (Attribution)"),
    "other-pd": _generic("Other (Public Domain)"),
    "other-nc": _generic("Other (Non-Commercial)"),
    "odc-by": ("not-in-register", "ODC Attribution License"),
    "odc-pddl": ("not-in-register", "ODC Public Domain Dedication and License"),
    "gfdl": ("not-in-register", "GNU Free Documentation License"),
    "uk-ogl": ("not-in-register", "UK Open Government Licence"),
    "All rights reserved": ("not-a-licence", "all rights reserved"),
    "notspecified": _no_licence(),
    "License not specified": _no_licence(),
    "unknown": _no_licence(),
    "不明": _no_licence(),
    "なし": _no_licence(),
    "n/a": _no_licence(),
}


# --- the normaliser ------------------------------------------------------------


class LicenceNormaliser:
    """Normalises raw licence strings against one register."""

    def __init__(self, register: LicenceRegister) -> None:
        self.register = register
        self._names = _name_index(register)
        self._unmappable = {compact_key(name): reason for name, reason in _UNMAPPABLE_NAMES.items()}
        clashes = set(self._names) & set(self._unmappable)
        if clashes:
            raise RegisterError(f"names both mapped and unmappable: {sorted(clashes)}")

    def normalise(self, raw: str | None) -> LicenceMatch:
        """Map one raw licence string (id, title or URL) to a register id."""
        key = compact_key(raw) if raw else ""
        if not key:
            return LicenceMatch(raw, None, "empty")
        known = self._lookup_name(raw, "alias")
        if known is not None:
            return self._match(raw, [known])
        folded = fold(raw)
        urls = _urls(folded)
        findings = [finding for url in urls if (finding := _url_finding(url, self._lookup_name))]
        remaining = _spaced(_URL.sub(" ", folded))
        findings += _text_findings(remaining) if remaining else []
        return self._match(raw, findings)

    def normalise_many(self, raws: Iterable[str | None]) -> NormalisationReport:
        """Normalise every distinct string once; count how often each occurs."""
        occurrences = Counter(raws)
        matches = tuple(self.normalise(raw) for raw in occurrences)
        return NormalisationReport(matches=matches, occurrences=dict(occurrences))

    def normalise_fields(self, *values: str | None) -> LicenceMatch:
        """One licence from several fields of a record (id, title, URL).

        Fields that carry nothing recognisable are ignored; fields that name
        different licences, or a licence outside the register, make the
        result unmapped.
        """
        given = [value for value in values if value and compact_key(value)]
        if not given:
            return LicenceMatch(None, None, "empty")
        raw = " | ".join(given)
        matches = [self.normalise(value) for value in given]
        findings = [
            _finding_of(match) for match in matches if match.is_mapped or match.rule in BLOCKING_RULES
        ]
        if not findings:
            return LicenceMatch(raw, None, matches[0].rule, detail=matches[0].detail)
        return self._match(raw, findings)

    def _lookup_name(self, name: str, rule: str) -> _Finding | None:
        key = compact_key(name)
        if key in self._unmappable:
            return _Rejection(*self._unmappable[key])
        if key not in self._names:
            return None
        licence_id, exactness = self._names[key]
        if exactness is Exactness.EXACT:
            return _exact(licence_id, rule)
        return _inferred(licence_id, rule, f"{name!r} names no version: {licence_id} assumed")

    def _match(self, raw: str | None, findings: list[_Finding]) -> LicenceMatch:
        checked = [self._in_register(finding) for finding in findings]
        return _resolve(raw, checked, self.register)

    def _in_register(self, finding: _Finding) -> _Finding:
        if isinstance(finding, _Candidate) and finding.licence_id not in self.register:
            return _Rejection("not-in-register", f"{finding.licence_id} is not in the register")
        return finding


def _finding_of(match: LicenceMatch) -> _Finding:
    """A field's match as one finding among the fields of a record."""
    if match.licence_id is None:
        return _Rejection(match.rule, match.detail or repr(match.raw))
    return _Candidate(match.licence_id, match.exactness or Exactness.EXACT, match.rule, match.detail)


def _name_index(register: LicenceRegister) -> dict[str, tuple[str, Exactness]]:
    index: dict[str, tuple[str, Exactness]] = {}
    for licence in register.values():
        exact_names = (
            licence.id, licence.title, licence.title_en, licence.short_name, licence.url,
            *licence.alternative_urls, *licence.aliases,
        )
        named = [(name, Exactness.EXACT) for name in exact_names]
        named += [(name, Exactness.INFERRED) for name in licence.inferred_aliases]
        for name, exactness in named:
            key = compact_key(name)
            if index.get(key, (licence.id, exactness))[0] != licence.id:
                raise RegisterError(f"name {name!r} is used by {index[key][0]} and {licence.id}")
            index[key] = (licence.id, exactness)
    return index


def _resolve(raw: str | None, findings: list[_Finding], register: LicenceRegister) -> LicenceMatch:
    candidates = [finding for finding in findings if isinstance(finding, _Candidate)]
    rejections = [finding for finding in findings if isinstance(finding, _Rejection)]
    if rejections and candidates:
        named = ", ".join([*_ordered_ids(candidates), *(r.detail for r in rejections)])
        return LicenceMatch(raw, None, "ambiguous", detail=f"names several licences: {named}")
    if rejections:
        return LicenceMatch(raw, None, rejections[0].rule, detail=rejections[0].detail)
    if not candidates:
        return LicenceMatch(raw, None, "unrecognised", detail="no licence named")
    kept = _prefer_exact(_prefer_named_licences(candidates), register)
    licence_ids = _ordered_ids(kept)
    if len(licence_ids) > 1:
        named = ", ".join(licence_ids)
        return LicenceMatch(raw, None, "ambiguous", detail=f"names several licences: {named}")
    return _chosen(raw, kept)


def _prefer_named_licences(candidates: list[_Candidate]) -> list[_Candidate]:
    """A body's own terms count only when no licence is named."""
    named = [candidate for candidate in candidates if candidate.licence_id != "municipal-custom"]
    return named or candidates


def _prefer_exact(candidates: list[_Candidate], register: LicenceRegister) -> list[_Candidate]:
    """Inferred findings give way to exact ones of the same family."""
    exact_families = {
        register[candidate.licence_id].family
        for candidate in candidates
        if candidate.exactness is Exactness.EXACT
    }
    return [
        candidate
        for candidate in candidates
        if candidate.exactness is Exactness.EXACT
        or register[candidate.licence_id].family not in exact_families
    ]


def _ordered_ids(candidates: Iterable[_Candidate]) -> list[str]:
    return list(dict.fromkeys(candidate.licence_id for candidate in candidates))


def _chosen(raw: str | None, candidates: list[_Candidate]) -> LicenceMatch:
    exact = [candidate for candidate in candidates if candidate.exactness is Exactness.EXACT]
    exactness = Exactness.EXACT if exact else Exactness.INFERRED
    rules = "+".join(dict.fromkeys(candidate.rule for candidate in candidates))
    detail = "" if exact else candidates[0].detail
    return LicenceMatch(raw, candidates[0].licence_id, rules, exactness, detail)


# --- module-level entry points ------------------------------------------------


@lru_cache(maxsize=1)
def default_normaliser() -> LicenceNormaliser:
    """The normaliser of the packaged register."""
    return LicenceNormaliser(load_register())


def normalise_licence(raw: str | None) -> LicenceMatch:
    """Map one raw licence string to a canonical register id (or ``None``)."""
    return default_normaliser().normalise(raw)


def normalise_many(raws: Iterable[str | None]) -> NormalisationReport:
    """Normalise the licence strings of a harvest: mapped and unmapped."""
    return default_normaliser().normalise_many(raws)


def normalise_licence_fields(*values: str | None) -> LicenceMatch:
    """One licence from a record's ``license_id``, ``license_title``, ``license_url``."""
    return default_normaliser().normalise_fields(*values)
