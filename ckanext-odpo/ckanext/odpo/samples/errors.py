"""Why a sample could not be made, in words a provider can act on."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckanext.odpo.helpers import N_

#: Message of each error code; ``{name}`` placeholders are filled from the error's params.
MESSAGES = {
    "empty": N_("The file is empty."),
    "binary": N_(
        "The file is not a text file (it holds binary data). "
        "A sample can be made from CSV, TSV, XLSX and JSON files."
    ),
    "mixed_encodings": N_(
        "The file mixes character encodings: line {utf8_line} is UTF-8 but line {other_line} "
        "is not. Save the whole file in one encoding (UTF-8 is recommended)."
    ),
    "unknown_encoding": N_(
        "The character encoding of the file was not recognised "
        "(UTF-8, Shift_JIS/CP932 and EUC-JP are supported)."
    ),
    "header_only": N_("The file has a header but no data rows."),
    "broken_table": N_("The file could not be read as {format}: {detail} (record {record})."),
    "broken_xlsx": N_("The file is not a readable Excel workbook (.xlsx): {detail}"),
    "empty_workbook": N_("The first worksheet of the workbook is empty."),
    "invalid_json": N_("The file is not valid JSON: {detail} (line {line}, column {column})."),
    "json_no_records": N_(
        "The JSON file holds no list of records: an array of objects is expected, or an object "
        'with such an array under "records", "data", "items", "results" or "features".'
    ),
    "unsupported_format": N_("Samples can be made from CSV, TSV, XLSX and JSON files, not {format}."),
    "file_missing": N_("The uploaded file of this resource was not found in the file storage."),
}


class SampleError(Exception):
    """A file a sample cannot be made from. ``code`` is a key of :data:`MESSAGES`."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(self.english)

    @property
    def english(self) -> str:
        return MESSAGES[self.code].format(**self.params)

    def as_dict(self) -> dict[str, Any]:
        """How the error is recorded on the resource (``sample_error``)."""
        return {"code": self.code, "params": self.params, "message": self.english}


def error_message(recorded: Any) -> str:
    """The recorded ``sample_error`` of a resource in the user's language."""
    if not isinstance(recorded, dict):
        return str(recorded or "")
    template = MESSAGES.get(str(recorded.get("code")))
    if template is None:
        return str(recorded.get("message") or "")
    try:
        return tk._(template).format(**(recorded.get("params") or {}))
    except (KeyError, IndexError):
        return str(recorded.get("message") or "")
