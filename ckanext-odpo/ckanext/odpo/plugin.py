"""Plugin classes of ckanext-odpo. They only wire things up; the logic lives
in the modules they point to."""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation
from ckanext.odpo import helpers as odpo_helpers
from ckanext.odpo.indexing import index_document, organisation_changed
from ckanext.odpo.licences.ckan_list import register_licences
from ckanext.odpo.samples.implementation import SampleResourceController
from ckanext.odpo.search import patch as search_patch


@tk.blanket.validators
@tk.blanket.helpers
@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.blueprints
class OdpoPlugin(SampleResourceController, p.SingletonPlugin, DefaultTranslation):
    """Catalogue features of ODPO (CLI, demo catalogue, schemas, pages, ...)."""

    p.implements(p.IClick)
    p.implements(p.IConfigurer)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IOrganizationController, inherit=True)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IResourceController, inherit=True)
    p.implements(p.ITranslation)

    def get_commands(self) -> list[Any]:
        from ckanext.odpo.cli import get_commands

        return get_commands()

    # IConfigurer

    def update_config(self, config: Any) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
        tk.add_resource("assets", "odpo")
        register_licences(config)

    # IFacets

    def dataset_facets(self, facets_dict: dict[str, Any], package_type: str) -> dict[str, Any]:
        return odpo_helpers.add_dataset_facets(facets_dict)

    # IOrganizationController: CKAN leaves its datasets' index documents stale

    def edit(self, entity: Any) -> None:
        organisation_changed(entity.id)

    # IPackageController

    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        return index_document(pkg_dict)

    def after_dataset_search(
        self, search_results: dict[str, Any], search_params: dict[str, Any]
    ) -> dict[str, Any]:
        odpo_helpers.label_search_facets(search_results.get("search_facets") or {})
        return search_results


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
