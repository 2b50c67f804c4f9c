"""Plugin ``odpo_access``: access tiers, requests, grants and contracts, the
download log. It only wires things up; see :mod:`ckanext.odpo.access.logic`."""
from __future__ import annotations

import json
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Action, Context, DataDict
from ckanext.odpo.access import helpers, views
from ckanext.odpo.access.logic import action, auth, chains


def _available(name: str) -> bool:
    """Whether a core or plugin action named ``name`` exists to be chained."""
    if name.startswith(("datastore_",)):
        return p.plugin_loaded("datastore")
    if "activity" in name:
        return p.plugin_loaded("activity")
    return True


def _size(records: Any) -> int:
    """Bytes of the records as sent (DataStore answers lazily encoded JSON)."""
    encoded = getattr(records, "encoded_json", None)
    if encoded is None:
        encoded = json.dumps(records or [], ensure_ascii=False)
    return len(encoded.encode("utf-8"))


@tk.chained_action
@tk.side_effect_free
def datastore_search(original_action: Action, context: Context, data_dict: DataDict) -> Any:
    """``datastore_search``, logged for non-open data read through the API."""
    result = original_action(context, data_dict)
    if not chains.is_internal(context):
        user = model.User.get(chains.context_user(context) or "")
        views.log_api_read(user.id if user else None, data_dict.get("resource_id"), _size(result.get("records")))
    return result


class OdpoAccessPlugin(p.SingletonPlugin):
    """Access tiers open / registered / restricted / paid on every path."""

    p.implements(p.IActions)
    p.implements(p.IAuthFunctions)
    p.implements(p.IBlueprint)
    p.implements(p.IClick)
    p.implements(p.IConfigurer)
    p.implements(p.ITemplateHelpers)

    def get_commands(self) -> list[Any]:
        from ckanext.odpo.access.cli import get_commands

        return get_commands()

    def update_config(self, config: Any) -> None:
        tk.add_template_directory(config, "../templates")

    def get_helpers(self) -> dict[str, Any]:
        return {"odpo_access_status_label": helpers.odpo_access_status_label}

    def get_actions(self) -> dict[str, Any]:
        actions: dict[str, Any] = {name: getattr(action, name) for name in action.__all__}
        actions.update(chains.chained_actions(_available))
        if p.plugin_loaded("datastore"):
            actions["datastore_search"] = datastore_search
        return actions

    def get_auth_functions(self) -> dict[str, Any]:
        functions: dict[str, Any] = {name: getattr(auth, name) for name in auth.__all__}
        functions.update(auth.chained_auth_functions(_available))
        return functions

    def get_blueprint(self) -> Any:
        return views.odpo_access
