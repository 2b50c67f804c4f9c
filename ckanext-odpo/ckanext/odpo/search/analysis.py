"""Text analysis shared by indexing and querying.

The analysis mirrors what the production Solr configset does (see
``config/solr``), so that a query behaves the same on both backends:

* Unicode NFKC normalisation: full-width Latin and digits become half-width,
  half-width katakana (ｶﾅ) becomes full-width (カナ);
* runs of CJK characters (Han, Hiragana, Katakana, Hangul) become overlapping
  character bigrams, as Solr's ``CJKBigramFilter`` does; every CJK character
  is also indexed on its own, so a one-character query finds it;
* the PostgreSQL backend also indexes the 3- to 6-grams of a CJK run in the
  catch-all, title and description vectors, at the position of their first
  character. They change no result: a query of up to six CJK characters is
  then one term instead of a phrase of bigrams, and a longer one a phrase of
  6-grams (``ngrams`` below). PostgreSQL finds a term in its GIN index alone,
  but must read the positions of every candidate of a phrase;
* other text is split into words on anything that is not a letter or digit,
  and on letter/digit and lower/upper-case changes; at index time the
  catenation of the parts is indexed as well (``Wi-Fi`` is found by ``wifi``);
* words are lower-cased and accents folded; in stemmed fields English words
  are reduced to their Porter stem, like CKAN's stock ``text`` field type,
  except words of up to three letters (``AED`` stays ``aed``).

A query string is analysed the same way and matched as a phrase: ``水質``
finds ``河川水質調査結果``, ``保育施設`` does not match ``保育`` and ``施設``
that stand apart.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from typing import Iterator, NamedTuple

import snowballstemmer

_CJK_RANGES = (
    (0x3005, 0x3007),  # 々 〆 〇
    (0x3041, 0x309F),  # Hiragana
    (0x30A1, 0x30FA),  # Katakana (not ゠ and the middle dot ・, which separate words)
    (0x30FC, 0x30FF),  # ー ヽ ヾ ヿ
    (0x31F0, 0x31FF),  # Katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x1100, 0x11FF),  # Hangul Jamo
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0x20000, 0x2FA1F),  # CJK extensions B..F, compatibility supplement
)

#: The longest CJK n-gram indexed (see the module docstring).
NGRAM_MAX = 6

_SUBWORD_RE = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)
_CASE_SPLIT_RE = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")

_stemmer = snowballstemmer.stemmer("english")


@functools.lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    """English Porter stem of a Latin word; other words are left as they are."""
    if word.isascii() and word.isalpha():
        return _stemmer.stemWord(word)
    return word


class Token(NamedTuple):
    """One analysed term and its position (0-based) within its field value."""

    position: int
    term: str


def normalise(text: str) -> str:
    """NFKC-normalise ``text`` (width and compatibility forms)."""
    return unicodedata.normalize("NFKC", text)


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.lower())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", folded)


_CJK_CLASS = "".join(f"{chr(low)}-{chr(high)}" for low, high in _CJK_RANGES)
_RUN_RE = re.compile(f"([{_CJK_CLASS}]+)|([^{_CJK_CLASS}]+)")
_CJK_CHAR_RE = re.compile(f"[{_CJK_CLASS}]")


def is_cjk(char: str) -> bool:
    return _CJK_CHAR_RE.fullmatch(char) is not None


def _split_runs(text: str) -> Iterator[tuple[bool, str]]:
    """Yield (is_cjk, run) for maximal runs of CJK and of other characters."""
    for match in _RUN_RE.finditer(text):
        cjk, other = match.groups()
        yield (True, cjk) if cjk else (False, other)


def _word_parts(word: str, split_case: bool) -> list[str]:
    parts: list[str] = []
    for part in _SUBWORD_RE.findall(word):
        if split_case:
            parts.extend(p for p in _CASE_SPLIT_RE.split(part) if p)
        else:
            parts.append(part)
    return parts


def analyse(
    text: str, *, stem: bool = False, index: bool = False, split_case: bool = True,
    ngrams: bool = False,
) -> list[Token]:
    """Analyse ``text`` into positioned tokens.

    Args:
        text: the raw field value or query text.
        stem: reduce English words to their Porter stem (CKAN's ``text`` type).
        index: index-time analysis (adds CJK unigrams and catenated words);
            query-time analysis leaves them out, so that a query is a phrase
            of bigrams and parts.
        split_case: split words on lower/upper-case changes.
        ngrams: at index time, add the 3- to 6-grams of CJK runs;
            at query time, for a vector that holds them: a run of up to
            ``NGRAM_MAX`` characters is one term, a longer one the n-grams
            that cover it. It matches exactly where the phrase of bigrams
            matches.

    Returns:
        The tokens in order; several tokens may share a position.
    """
    tokens: list[Token] = []
    position = 0
    for cjk, run in _split_runs(normalise(text)):
        if cjk:
            position = _analyse_cjk(run, position, tokens, index, ngrams)
        else:
            for word in run.split():
                position = _analyse_word(word, position, tokens, stem, index, split_case)
    return tokens


def _analyse_cjk(run: str, position: int, tokens: list[Token], index: bool,
                 ngrams: bool = False) -> int:
    """Bigrams at the position of their first character; the next token
    follows the last character, at query time as at index time, so a phrase
    that continues after a CJK run keeps its distances."""
    if len(run) == 1:
        tokens.append(Token(position, run))
        return position + 1
    if ngrams and not index:
        tokens.extend(Token(position + offset, run[offset:offset + NGRAM_MAX])
                      for offset in _cover(len(run)))
        return position + len(run)
    for offset in range(len(run) - 1):
        tokens.append(Token(position + offset, run[offset : offset + 2]))
        if index:
            tokens.append(Token(position + offset, run[offset]))
        if index and ngrams:
            tokens.extend(Token(position + offset, run[offset:offset + size])
                          for size in range(3, min(NGRAM_MAX, len(run) - offset) + 1))
    if index:
        tokens.append(Token(position + len(run) - 1, run[-1]))
    return position + len(run)


def _cover(length: int) -> list[int]:
    """Offsets of the n-grams (of up to NGRAM_MAX characters) that cover a
    run of ``length``: one term up to NGRAM_MAX, else NGRAM_MAX-grams from
    the start, every NGRAM_MAX characters, and one ending at the run's end."""
    if length <= NGRAM_MAX:
        return [0]
    offsets = list(range(0, length - NGRAM_MAX + 1, NGRAM_MAX))
    if offsets[-1] != length - NGRAM_MAX:
        offsets.append(length - NGRAM_MAX)
    return offsets


def _analyse_word(
    word: str, position: int, tokens: list[Token], stem: bool, index: bool, split_case: bool
) -> int:
    raw_parts = _word_parts(word, split_case)
    parts = [_fold(p) for p in raw_parts]
    if not parts:
        return position
    if stem:
        parts = [part if _keep_unstemmed(raw) else _stem(part)
                 for raw, part in zip(raw_parts, parts)]
    for offset, part in enumerate(parts):
        tokens.append(Token(position + offset, part))
    if index and len(parts) > 1:
        raw = "".join(raw_parts)
        catenated = _fold(raw)
        if stem and not _keep_unstemmed(raw):
            catenated = _stem(catenated)
        tokens.append(Token(position, catenated))
    return position + len(parts)


def _keep_unstemmed(raw: str) -> bool:
    """Words of up to three letters are not stemmed (Porter would turn AED
    into "a"); the rule ignores case, so AED and aed stay the same term."""
    return len(raw) <= 3


def terms(text: str, **options: bool) -> list[str]:
    """The query-time terms of ``text`` in order."""
    return [token.term for token in analyse(text, **options)]


def phrase(text: str, *, stem: bool = False, ngrams: bool = False) -> list[tuple[int, str]]:
    """The query-time terms of ``text`` with the distance of each from the
    previous one (0 for the first): what a phrase query must find. With
    ``ngrams``, CJK runs are covered by n-grams (see ``analyse``)."""
    tokens = analyse(text, stem=stem, ngrams=ngrams)
    result: list[tuple[int, str]] = []
    previous = None
    for token in tokens:
        result.append((0 if previous is None else token.position - previous, token.term))
        previous = token.position
    return result
