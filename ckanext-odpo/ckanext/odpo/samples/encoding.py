"""Character encodings of Japanese text files.

The order of the guesses: a UTF-8 byte-order mark; strict UTF-8; then the
Japanese legacy encodings CP932 (Windows-31J, the superset of Shift_JIS that
Excel writes) and EUC-JP. Bytes that decode in both legacy encodings are
judged by the text they give: Japanese prose decoded with the right one is
full of hiragana, katakana and kanji, decoded with the wrong one it turns into
half-width katakana and rare symbols.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import SampleError

UTF8 = "UTF-8"
UTF8_BOM = "UTF-8 (BOM)"
SHIFT_JIS = "Shift_JIS"
CP932 = "CP932"
EUC_JP = "EUC-JP"

#: Python codec of each encoding label (the labels of the schema's ``encoding`` field).
CODECS = {UTF8: "utf-8", UTF8_BOM: "utf-8-sig", SHIFT_JIS: "shift_jis", CP932: "cp932", EUC_JP: "euc_jp"}

_BOM = b"\xef\xbb\xbf"
#: Control bytes that do not occur in text files (NUL, and C0 controls other than tab, LF, CR, FF).
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\u3000-\u303f\uff01-\uff5e]")
_HALF_WIDTH_KANA = re.compile(r"[\uff61-\uff9f]")
#: A line holding a multi-byte UTF-8 character of three bytes (kana, kanji).
_UTF8_WIDE = re.compile(rb"[\xe0-\xef][\x80-\xbf]{2}")


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str  # one of the labels above


def decode_text(head: bytes) -> DecodedText:
    """Decode ``head``, the first bytes of a text file cut at a line end.

    Raises:
        SampleError: the bytes are not text, mix encodings, or match none of
            the encodings above.
    """
    if not head.strip():
        raise SampleError("empty")
    head = _without_cut_character(head)
    if head.startswith(_BOM):
        return DecodedText(_strict(head, "utf-8-sig"), UTF8_BOM)
    if _BINARY_BYTES.search(head[:65536]):
        raise SampleError("binary")
    try:
        return DecodedText(head.decode("utf-8"), UTF8)
    except UnicodeDecodeError as error:
        first_bad_line = head.count(b"\n", 0, error.start) + 1
    mixed_line = _first_utf8_line(head)
    if mixed_line is not None:
        raise SampleError("mixed_encodings", utf8_line=mixed_line, other_line=first_bad_line)
    return _legacy_japanese(head)


def _without_cut_character(head: bytes) -> bytes:
    """A file cut short (a truncated upload) may end inside a UTF-8 character:
    that character is dropped rather than reported as another encoding."""
    try:
        head[-4:].decode("utf-8")
    except UnicodeDecodeError as error:
        if error.reason == "unexpected end of data":
            return head[: len(head) - 4 + error.start]
    return head


def _strict(head: bytes, codec: str) -> str:
    try:
        return head.decode(codec)
    except UnicodeDecodeError as error:
        line = head.count(b"\n", 0, error.start) + 1
        raise SampleError("mixed_encodings", utf8_line=1, other_line=line) from error


def _first_utf8_line(head: bytes) -> int | None:
    """The number of the first line that is UTF-8 Japanese, in a file that is
    not UTF-8 as a whole (then its encodings are mixed)."""
    for number, line in enumerate(head.split(b"\n"), start=1):
        if _UTF8_WIDE.search(line):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                continue
            return number
    return None


def _legacy_japanese(head: bytes) -> DecodedText:
    candidates = []
    for label in (CP932, EUC_JP):
        try:
            text = head.decode(CODECS[label])
        except UnicodeDecodeError:
            continue
        candidates.append((_japanese_score(text), DecodedText(text, label)))
    if not candidates:
        raise SampleError("unknown_encoding")
    decoded = max(candidates, key=lambda candidate: candidate[0])[1]
    if decoded.encoding == CP932 and _is_shift_jis(head):
        return DecodedText(decoded.text, SHIFT_JIS)
    return decoded


def _is_shift_jis(head: bytes) -> bool:
    """True when the bytes are plain Shift_JIS (no CP932 extension such as ``№``).

    The text is decoded as CP932 either way: its mapping of the few characters
    where the two differ (``～``, ``－``) is the one Windows wrote."""
    try:
        head.decode("shift_jis")
    except UnicodeDecodeError:
        return False
    return True


def _japanese_score(text: str) -> int:
    return len(_JAPANESE.findall(text)) - 2 * len(_HALF_WIDTH_KANA.findall(text))
