"""Samples of the data of non-open datasets.

Every resource of a ``registered``, ``restricted`` or ``paid`` dataset should
have a sample that anyone may download and preview: a few first rows with the
header, in UTF-8. Providers upload their own, or ODPO cuts them from uploaded
CSV, TSV, XLSX and JSON files (on upload, and with ``ckan odpo samples
generate``).

* :mod:`.encoding`, :mod:`.table`, :mod:`.generator`: plain functions on files;
* :mod:`.resources`: sample resources, through CKAN's actions;
* :mod:`.display`: what the dataset page, the provider's list and the
  statistics show.
"""

from __future__ import annotations

from .errors import SampleError
from .generator import Sample, generate_sample
from .table import SAMPLE_FORMATS, TableHead, read_head, sample_format

__all__ = [
    "SAMPLE_FORMATS",
    "Sample",
    "SampleError",
    "TableHead",
    "generate_sample",
    "read_head",
    "sample_format",
]
