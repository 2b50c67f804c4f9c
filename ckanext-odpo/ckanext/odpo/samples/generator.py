"""Make a sample file from the head of a data file.

The sample keeps the header and the first rows, and is written in UTF-8
(without byte-order mark) whatever the source's encoding:

* CSV → CSV, TSV → TSV (records end with CRLF, as RFC 4180 writes them);
* XLSX → CSV of the first worksheet (readable without Excel, and shown as a
  table on the dataset page);
* JSON → a JSON array of the first records.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from .table import CSV, DELIMITERS, JSON, TSV, XLSX, TableHead, read_head

#: The format of the sample made from each source format.
SAMPLE_OUTPUT_FORMATS = {CSV: CSV, TSV: TSV, XLSX: CSV, JSON: JSON}
_EXTENSIONS = {CSV: "csv", TSV: "tsv", JSON: "json"}
_MIMETYPES = {CSV: "text/csv", TSV: "text/tab-separated-values", JSON: "application/json"}


@dataclass(frozen=True)
class Sample:
    """A sample file, ready to store."""

    content: bytes  # UTF-8
    file_format: str
    row_count: int
    source_format: str
    source_encoding: str | None

    @property
    def extension(self) -> str:
        return _EXTENSIONS[self.file_format]

    @property
    def mimetype(self) -> str:
        return _MIMETYPES[self.file_format]


def generate_sample(path: str | Path, file_format: str, rows: int) -> Sample:
    """A sample of the first ``rows`` records of the ``file_format`` file at ``path``.

    Raises:
        SampleError: the file is empty, broken or not in ``file_format``.
    """
    head = read_head(path, file_format, rows)
    output_format = SAMPLE_OUTPUT_FORMATS[file_format]
    if output_format == JSON:
        content = json.dumps(list(head.records), ensure_ascii=False, indent=2) + "\n"
    else:
        content = _delimited(head, DELIMITERS[output_format])
    return Sample(
        content=content.encode("utf-8"),
        file_format=output_format,
        row_count=len(head.rows),
        source_format=file_format,
        source_encoding=head.source_encoding,
    )


def _delimited(head: TableHead, delimiter: str) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(head.header)
    writer.writerows(head.rows)
    return buffer.getvalue()
