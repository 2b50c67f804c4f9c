"""Plugin ``odpo_sharing``: DCAT for partner catalogues, the change feed and
partner records. It only wires things up; see the modules it points to."""
from __future__ import annotations

from typing import Any

from ckan.types import Context
from ckanext.odpo.sharing import feed
from ckanext.odpo.sharing.organisations import forget_organisations
from ckanext.odpo.sharing.logic import action, auth, validators
from ckanext.odpo.sharing.views import get_blueprints

import ckan.plugins as p
import ckan.plugins.toolkit as tk


@tk.blanket.actions(action.get_actions)
@tk.blanket.auth_functions(auth.get_auth_functions)
@tk.blanket.validators({"odpo_sharing_cursor": validators.odpo_sharing_cursor})
@tk.blanket.blueprints(get_blueprints)
class OdpoSharingPlugin(p.SingletonPlugin):
    """Cross-prefecture sharing (DCAT profile ``odpo_dcat_ap3``, change feed)."""

    p.implements(p.IConfigurer)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IOrganizationController, inherit=True)

    def update_config(self, config: Any) -> None:
        tk.add_template_directory(config, "../templates")

    # IPackageController: every change enters the feed in its own transaction

    def after_dataset_create(self, context: Context, pkg_dict: dict[str, Any]) -> None:
        feed.record_change(pkg_dict["id"], feed.CREATED)

    def after_dataset_update(self, context: Context, pkg_dict: dict[str, Any]) -> None:
        feed.record_change(pkg_dict["id"])

    def after_dataset_delete(self, context: Context, pkg_dict: dict[str, Any]) -> None:
        # called before the dataset's state changes
        feed.record_change(pkg_dict["id"], feed.DELETED)

    # IOrganizationController: a retitled publisher changes its datasets' descriptions

    def edit(self, entity: Any) -> None:
        forget_organisations()  # this process reads the new fields at once
        feed.record_organisation_change(entity.id)
