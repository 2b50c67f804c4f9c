"""Plugin classes of ckanext-odpo. They only wire things up; the logic lives
in the modules they point to."""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.odpo.search import patch as search_patch


class OdpoPlugin(p.SingletonPlugin):
    """Catalogue features of ODPO (CLI, demo catalogue, ...)."""

    p.implements(p.IClick)

    def get_commands(self) -> list[Any]:
        from ckanext.odpo.cli import get_commands

        return get_commands()


@tk.blanket.config_declarations
class OdpoSearchPlugin(p.SingletonPlugin):
    """Embedded PostgreSQL search backend (``odpo.search.backend = postgres``).

    It answers CKAN where CKAN talks to Solr; see :mod:`ckanext.odpo.search.patch`.
    """

    p.implements(p.IConfigurer)

    def update_config(self, config: Any) -> None:
        # IConfigurer.update_config runs on every plugin load, before CKAN's
        # Solr schema check: the right moment to (re-)apply the backend.
        search_patch.apply()
