"""Typed getters for the options declared in ``config_declaration.yaml``.

The defaults repeat the declared ones so the getters also work while the
plugin that declares an option is not loaded (e.g. between tests).
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk

SEARCH_BACKEND = "odpo.search.backend"
SEARCH_STATEMENT_TIMEOUT = "odpo.search.statement_timeout"
SEARCH_COLUMNS = "odpo.search.columns"
SAMPLES_ROWS = "odpo.samples.rows"
SAMPLES_GENERATE_ON_UPLOAD = "odpo.samples.generate_on_upload"
SAMPLES_INLINE_MAX_BYTES = "odpo.samples.inline_max_bytes"


def search_backend() -> str:
    """``postgres`` (embedded backend) or ``solr`` (CKAN's Solr path)."""
    return str(tk.config.get(SEARCH_BACKEND, "postgres") or "postgres").strip()


def search_columns() -> bool:
    """Whether searches use the in-memory columns (see ``search.columns``)."""
    return tk.asbool(tk.config.get(SEARCH_COLUMNS, True))


def search_statement_timeout() -> int:
    """Upper bound of one search statement, in milliseconds."""
    return int(tk.config.get(SEARCH_STATEMENT_TIMEOUT, 10000) or 10000)


SHARING_PARTNER_RATE_LIMIT = "odpo.sharing.partner_rate_limit"
SHARING_FEED_PAGE_SIZE = "odpo.sharing.feed_page_size"


def sharing_partner_rate_limit() -> int:
    """Change-feed requests one partner may make per minute."""
    return int(tk.config.get(SHARING_PARTNER_RATE_LIMIT, 60) or 60)


def sharing_feed_page_size() -> int:
    """Default number of changes in one page of the change feed."""
    return int(tk.config.get(SHARING_FEED_PAGE_SIZE, 100) or 100)


def samples_rows() -> int:
    """Data rows of a generated sample (after the header), and shown of a sample."""
    return max(1, int(tk.config.get(SAMPLES_ROWS, 20) or 20))


def samples_generate_on_upload() -> bool:
    """Whether an upload to a non-open dataset makes or refreshes its sample."""
    return tk.asbool(tk.config.get(SAMPLES_GENERATE_ON_UPLOAD, True))


def samples_inline_max_bytes() -> int:
    """Uploads up to this size are sampled during the upload request, larger
    ones by a background job."""
    return int(tk.config.get(SAMPLES_INLINE_MAX_BYTES, 10485760) or 0)
