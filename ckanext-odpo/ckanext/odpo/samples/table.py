"""Read the first rows of a data file as a table, whatever its encoding.

:func:`read_head` gives the header and the first ``rows`` records of a CSV,
TSV, XLSX or JSON file; only as much of the file is read as those rows need
(JSON excepted: a JSON document is parsed whole).

What counts as the records:

* CSV / TSV: the first line is the header, every later record a row (quoted
  values may span lines); trailing empty lines are ignored.
* XLSX: the first worksheet; its first non-empty row is the header; cells are
  written as text (dates in ISO 8601, whole numbers without ``.0``).
* JSON: an array of objects, or an object holding such an array under
  ``records``, ``data``, ``items``, ``results`` or ``features`` (also inside a
  CKAN API ``result``). The header is the keys in order of first appearance;
  nested values stay JSON.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import json
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .encoding import CODECS, decode_text
from .errors import SampleError

CSV = "CSV"
TSV = "TSV"
XLSX = "XLSX"
JSON = "JSON"
SAMPLE_FORMATS = (CSV, TSV, XLSX, JSON)
DELIMITERS = {CSV: ",", TSV: "\t"}

#: Keys under which a JSON object holds its records, in the order they are tried.
JSON_RECORD_KEYS = ("records", "data", "items", "results", "features")
_FIRST_READ = 64 * 1024


@dataclass(frozen=True)
class TableHead:
    """The header and first rows of a data file."""

    file_format: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    source_encoding: str | None = None  # for text files
    records: tuple[Any, ...] = field(default=(), repr=False)  # JSON: the records themselves


def sample_format(file_format: str | None, filename: str | None = None) -> str | None:
    """The format of :data:`SAMPLE_FORMATS` a resource's file is in, from its
    ``format`` field, else its file name; ``None`` for other files."""
    declared = (file_format or "").strip().upper().lstrip(".")
    aliases = {"TEXT/CSV": CSV, "TAB": TSV, "TEXT/TAB-SEPARATED-VALUES": TSV, "EXCEL": XLSX, "GEOJSON": JSON}
    declared = aliases.get(declared, declared)
    if declared in SAMPLE_FORMATS:
        return declared
    suffix = Path(filename or "").suffix.upper().lstrip(".")
    if not declared and suffix in SAMPLE_FORMATS:
        return suffix
    return None


def read_head(path: str | Path, file_format: str, rows: int) -> TableHead:
    """The header and first ``rows`` records of the file at ``path``.

    Raises:
        SampleError: the file is empty, broken or not in ``file_format``.
    """
    if file_format not in SAMPLE_FORMATS:
        raise SampleError("unsupported_format", format=file_format)
    with open(path, "rb") as stream:
        if file_format == XLSX:
            return _xlsx_head(stream, rows)
        if file_format == JSON:
            return _json_head(stream, rows)
        return _delimited_head(stream, file_format, rows)


# --- CSV and TSV -------------------------------------------------------------------


def _delimited_head(stream: IO[bytes], file_format: str, rows: int) -> TableHead:
    """Read ever longer heads of the file until they hold ``rows`` records."""
    size = _FIRST_READ
    while True:
        stream.seek(0)
        chunk = stream.read(size)
        complete = len(chunk) < size
        head = chunk if complete else chunk[: chunk.rfind(b"\n") + 1]
        if not head and not complete:  # one line longer than the chunk
            size *= 4
            continue
        decoded = decode_text(head)
        records = _parse_delimited(decoded.text, file_format, rows + 1, complete)
        if len(records) > rows or complete:
            break
        size *= 4
    if not records:
        raise SampleError("empty")
    header, body = records[0], records[1:]
    if not body:
        raise SampleError("header_only")
    return TableHead(file_format, tuple(header), tuple(tuple(row) for row in body), decoded.encoding)


def _parse_delimited(text: str, file_format: str, limit: int, complete: bool) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=DELIMITERS[file_format], strict=True)
    records: list[list[str]] = []
    try:
        for record in reader:
            if not any(value.strip() for value in record):
                continue
            records.append(record)
            if len(records) >= limit:
                break
    except csv.Error as error:
        if complete or len(records) >= limit:
            raise SampleError(
                "broken_table", format=file_format, detail=str(error), record=len(records) + 1
            ) from error
        # The head may end inside a quoted value: read further.
    return records


# --- XLSX ---------------------------------------------------------------------------


def _xlsx_head(stream: IO[bytes], rows: int) -> TableHead:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        raise SampleError("broken_xlsx", detail=str(error) or type(error).__name__) from error
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        records = list(_xlsx_records(sheet.iter_rows(values_only=True), rows + 1)) if sheet else []
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as error:
        raise SampleError("broken_xlsx", detail=str(error) or type(error).__name__) from error
    finally:
        workbook.close()
    if not records:
        raise SampleError("empty_workbook")
    width = max(_used_width(record) for record in records)
    table = [tuple(record[:width]) + ("",) * (width - len(record[:width])) for record in records]
    if len(table) == 1:
        raise SampleError("header_only")
    return TableHead(XLSX, table[0], tuple(table[1:]))


def _xlsx_records(cells: Iterator[Sequence[Any]], limit: int) -> Iterator[tuple[str, ...]]:
    """Non-empty rows as text, at most ``limit``."""
    count = 0
    for row in cells:
        values = tuple(cell_text(value) for value in row)
        if not any(values):
            continue
        yield values
        count += 1
        if count >= limit:
            return


def _used_width(values: Sequence[str]) -> int:
    width = len(values)
    while width and not values[width - 1]:
        width -= 1
    return width


def cell_text(value: Any) -> str:
    """A worksheet cell as text: ISO dates, whole numbers without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value).strip()


# --- JSON ---------------------------------------------------------------------------


def _json_head(stream: IO[bytes], rows: int) -> TableHead:
    """An array of records is read record by record until ``rows`` are in;
    any other document is parsed whole."""
    first = stream.read(_FIRST_READ)
    decoded = decode_text(_json_safe_prefix(first))
    if decoded.text.lstrip("\ufeff \t\r\n").startswith("["):
        records = _json_array_head(stream, CODECS[decoded.encoding], rows)
    else:
        stream.seek(0)
        records = _json_document_records(decode_text(stream.read()).text)
    if not records:
        raise SampleError("header_only")
    head = records[:rows]
    header = list(dict.fromkeys(key for record in head for key in record))
    table = tuple(tuple(json_cell(record.get(key)) for key in header) for record in head)
    return TableHead(JSON, tuple(header), table, decoded.encoding, tuple(head))


def _json_safe_prefix(chunk: bytes) -> bytes:
    """``chunk`` cut after its last ``,``, ``:`` or ``"``: bytes that are never
    part of a multi-byte character in UTF-8, CP932 or EUC-JP."""
    cut = max(chunk.rfind(b","), chunk.rfind(b":"), chunk.rfind(b'"'))
    return chunk if cut < 0 else chunk[: cut + 1]


def _json_document_records(text: str) -> list[dict[str, Any]]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise SampleError("invalid_json", detail=error.msg, line=error.lineno, column=error.colno) from error
    records = json_records(document)
    if records is None:
        raise SampleError("json_no_records")
    return records


def _json_array_head(stream: IO[bytes], codec: str, rows: int) -> list[dict[str, Any]]:
    """The first ``rows`` elements of the JSON array in ``stream``, read in chunks."""
    stream.seek(0)
    decoder = codecs.getincrementaldecoder(codec)()
    parser = json.JSONDecoder()
    text, position, records, finished = "", 0, [], False

    def more() -> bool:
        nonlocal text, finished
        chunk = stream.read(_FIRST_READ)
        finished = not chunk
        try:
            text += decoder.decode(chunk, final=finished)
        except UnicodeDecodeError as error:
            raise SampleError("unknown_encoding") from error
        return not finished

    more()
    position = text.index("[") + 1
    while len(records) < rows:
        position = _skip_space(text, position)
        while position >= len(text) and more():
            position = _skip_space(text, position)
        if text.startswith("]", position):
            break
        try:
            record, position = parser.raw_decode(text, position)
        except json.JSONDecodeError as error:
            if more():
                continue
            raise SampleError(
                "invalid_json",
                detail=error.msg,
                line=text.count("\n", 0, error.pos) + 1,
                column=error.pos - text.rfind("\n", 0, error.pos),
            ) from error
        if not isinstance(record, dict):
            raise SampleError("json_no_records")
        records.append(record)
        position = _skip_space(text, position)
        while position >= len(text) and more():
            position = _skip_space(text, position)
        if text.startswith(",", position):
            position += 1
        elif not text.startswith("]", position):
            raise SampleError(
                "invalid_json",
                detail="Expecting ',' delimiter",
                line=text.count("\n", 0, position) + 1,
                column=position - text.rfind("\n", 0, position),
            )
        if position > 1_000_000:  # keep the buffer small on long arrays
            text, position = text[position:], 0
    return records


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def json_records(document: Any) -> list[dict[str, Any]] | None:
    """The records of a JSON document (see the module's docstring), or ``None``."""
    if isinstance(document, dict):
        if isinstance(document.get("result"), dict):
            document = document["result"]
        document = next(
            (document[key] for key in JSON_RECORD_KEYS if isinstance(document.get(key), list)), None
        )
    if not isinstance(document, list):
        return None
    if not all(isinstance(record, dict) for record in document):
        return None
    return document


def json_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)
