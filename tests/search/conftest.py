"""Fixtures of the search tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="module")
def search_connection() -> Iterator[Any]:
    """The pysolr-compatible connection CKAN itself would get.

    The configured plugins are loaded once for the module (CKAN's own
    ``with_plugins`` fixture does it for every test, which dominates the run
    time of hundreds of small search tests) and unloaded afterwards.
    """
    from ckan import plugins
    from ckan.common import config
    from ckan.lib.search import common

    names = [name for name in config.get("ckan.plugins", []) if name]
    loaded_here = [name for name in names if not plugins.plugin_loaded(name)]
    for name in loaded_here:
        plugins.load(name)
    try:
        yield common.make_connection()
    finally:
        for name in reversed(loaded_here):
            if plugins.plugin_loaded(name):
                plugins.unload(name)


@pytest.fixture(scope="module")
def site_id() -> str:
    from ckan.common import config

    return str(config["ckan.site_id"])
