"""The one place where the embedded backend is plugged into CKAN.

CKAN reaches Solr only through ``make_connection()`` of
``ckan.lib.search.common``, which ``ckan.lib.search.index``,
``ckan.lib.search.query``, ``ckan.lib.search`` and
``ckanext.harvest.logic.action.update`` import by name, and checks the Solr
schema with ``ckan.lib.search.check_solr_schema_version`` at start-up. With
``odpo.search.backend = postgres`` those names are pointed at the embedded
backend; with ``solr`` CKAN's originals are put back, untouched.

``apply`` is called on every plugin load (``IConfigurer.update_config``), so
the choice follows the configuration in force.
"""
from __future__ import annotations

import importlib
import logging
import sys
from typing import Any, Callable

import ckan.lib.search as search
import ckan.lib.search.common as common

log = logging.getLogger(__name__)

#: Modules that hold their own reference to ``make_connection``.
CONNECTION_USERS = (
    "ckan.lib.search.common",
    "ckan.lib.search.index",
    "ckan.lib.search.query",
    "ckan.lib.search",
    "ckanext.harvest.logic.action.update",
)

_ORIGINAL_MAKE_CONNECTION = common.make_connection
_ORIGINAL_SCHEMA_CHECK = search.check_solr_schema_version


def make_connection(decode_dates: bool = True) -> Any:
    """The embedded backend's replacement for ``common.make_connection``."""
    from ckan.model import meta

    from ckanext.odpo.config import search_columns, search_statement_timeout

    from .connection import PostgresSearchConnection

    return PostgresSearchConnection(
        engine_factory=lambda: meta.engine,
        statement_timeout_ms=search_statement_timeout(),
        decode_dates=decode_dates,
        columns=search_columns(),
    )


def check_schema_version(schema_file: str | None = None) -> bool:
    """The embedded backend's schema is the plugin's migration: there is no
    Solr schema to fetch. An explicitly given schema file is still checked the
    way CKAN checks it (used to validate the production configset)."""
    if schema_file:
        return _ORIGINAL_SCHEMA_CHECK(schema_file=schema_file)
    return True


def apply() -> None:
    """Point CKAN's search at the backend ``odpo.search.backend`` selects."""
    from ckanext.odpo.config import search_backend

    backend = search_backend()
    if backend == "postgres":
        _install(make_connection, check_schema_version)
    elif backend == "solr":
        _install(_ORIGINAL_MAKE_CONNECTION, _ORIGINAL_SCHEMA_CHECK)
    else:
        raise ValueError(f"odpo.search.backend must be 'postgres' or 'solr', not {backend!r}")
    log.debug("Search backend: %s", backend)


def _install(factory: Callable[..., Any], schema_check: Callable[..., bool]) -> None:
    for name in CONNECTION_USERS:
        module = sys.modules.get(name)
        if module is None and not name.startswith("ckanext."):
            module = importlib.import_module(name)
        if module is not None:
            module.make_connection = factory  # type: ignore[attr-defined]
    search.check_solr_schema_version = schema_check  # type: ignore[assignment]


def active_backend() -> str:
    return "postgres" if common.make_connection is make_connection else "solr"
