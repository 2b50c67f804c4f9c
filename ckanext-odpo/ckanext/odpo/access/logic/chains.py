"""Core and activity actions, chained so their answers hold no withheld data.

Every action that returns dataset dicts with resources (or stored copies of
them, as activities do) goes through :func:`withhold_for_context`. What is
withheld is decided by the *current* dataset (tier, organisation), not by an
old copy stored in an activity.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import has_request_context

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Action, Context, DataDict
from ckanext.odpo.access.logic.entitlement import (
    Entitlement,
    dataset_facts,
    resource_is_withheld,
    user_entitlement,
)
from ckanext.odpo.access.logic.withhold import withhold_resources


def context_user(context: Context) -> str | None:
    """The requesting user's name (``None`` for anonymous)."""
    user_obj = context.get("auth_user_obj")
    if isinstance(user_obj, model.User):
        return user_obj.name
    return context.get("user") or None


def is_internal(context: Context) -> bool:
    """Calls whose answer is stored or used by the system, not shown to a
    user: the search indexer's (``validate=False``), and ``ignore_auth`` calls
    made without a user (the activity plugin's stored copies) or outside a
    web request (CLI, background jobs, harvesters). An ``ignore_auth`` call
    made for a signed-in user while serving a page is still withheld."""
    if context.get("validate") is False:
        return True
    if not context.get("ignore_auth"):
        return False
    return not context.get("user") or not has_request_context()


def current_dataset(package_id: str | None, snapshot: dict[str, Any]) -> dict[str, Any]:
    """What decides entitlement: the dataset as it is now in the database
    (tier, organisation), falling back to the copy at hand."""
    package = model.Package.get(package_id) if package_id else None
    return dataset_facts(package) if package is not None else snapshot


def withhold_for_context(context: Context, value: Any) -> Any:
    """Withhold, in place, every dataset dict found in ``value``."""
    if is_internal(context):
        return value
    user = context_user(context)
    decisions: dict[str, Entitlement] = {}

    def visit(item: Any) -> None:
        if isinstance(item, list):
            for element in item:
                visit(element)
            return
        if not isinstance(item, dict):
            return
        if "activity_type" in item and isinstance(item.get("data"), dict):
            _withhold_activity(item)
            return
        if isinstance(item.get("resources"), list) and item.get("id"):
            if item["id"] not in decisions:
                decisions[item["id"]] = user_entitlement(user, current_dataset(item["id"], item))
            withhold_resources(item, decisions[item["id"]])
            return
        for element in item.values():
            visit(element)

    def decision(package_id: str, snapshot: dict[str, Any]) -> Entitlement:
        if package_id not in decisions:
            decisions[package_id] = user_entitlement(user, current_dataset(package_id, snapshot))
        return decisions[package_id]

    def _withhold_activity(activity: dict[str, Any]) -> None:
        """An activity of a dataset keeps its stored copy of the dataset only
        (withheld), never other stored objects such as resource views."""
        data = activity["data"]
        package = data.get("package") if isinstance(data.get("package"), dict) else None
        package_id = (package or {}).get("id") or activity.get("object_id")
        if not package_id or model.Package.get(package_id) is None:
            visit(list(data.values()))
            return
        entitlement = decision(package_id, package or {})
        if entitlement.allowed:
            return
        for key in list(data):
            if key not in ("package", "actor"):
                del data[key]
        if package is not None:
            withhold_resources(package, entitlement)

    visit(value)
    return value


def _chain(name: str) -> Callable[..., Any]:
    def chained(original_action: Action, context: Context, data_dict: DataDict) -> Any:
        return withhold_for_context(context, original_action(context, data_dict))

    chained.__name__ = name
    chained.__doc__ = f"``{name}``, without the data the user is not entitled to."
    return tk.chained_action(tk.side_effect_free(chained))


def _chain_resource_show() -> Callable[..., Any]:
    def resource_show(original_action: Action, context: Context, data_dict: DataDict) -> Any:
        """``resource_show``: its auth already refuses withheld resources; the
        answer is still checked in case the auth was skipped for the user."""
        resource = original_action(context, data_dict)
        if is_internal(context) or not isinstance(resource, dict):
            return resource
        package_id = resource.get("package_id")
        wrapper = {"id": package_id, "resources": [resource]}
        withhold_for_context(context, wrapper)
        return wrapper["resources"][0]

    return tk.chained_action(tk.side_effect_free(resource_show))


def _chain_resource_view_list() -> Callable[..., Any]:
    def resource_view_list(original_action: Action, context: Context, data_dict: DataDict) -> Any:
        """``resource_view_list``: no views of a withheld resource (the dataset
        page asks for them, so this answers an empty list, not a refusal)."""
        views = original_action(context, data_dict)
        if is_internal(context) or not views:
            return views
        resource = model.Resource.get(data_dict.get("id") or "")
        if resource is None or resource.package is None:
            return views
        dataset = current_dataset(resource.package_id, {})
        sample = {"is_sample": resource.extras.get("is_sample")}
        if resource_is_withheld(context_user(context), dataset, sample):
            return []
        return views

    return tk.chained_action(tk.side_effect_free(resource_view_list))


CHAINED = (
    "package_show",
    "package_search",
    "current_package_list_with_resources",
    "group_show",
    "organization_show",
    "group_package_show",
    "user_show",
    # activity plugin: stored copies of datasets
    "package_activity_list",
    "user_activity_list",
    "group_activity_list",
    "organization_activity_list",
    "recently_changed_packages_activity_list",
    "dashboard_activity_list",
    "activity_show",
    "activity_data_show",
)


def chained_actions(available: Callable[[str], bool]) -> dict[str, Callable[..., Any]]:
    """The chains for the actions that exist (activity ones only with the plugin)."""
    actions = {name: _chain(name) for name in CHAINED if available(name)}
    actions["resource_show"] = _chain_resource_show()
    actions["resource_view_list"] = _chain_resource_view_list()
    return actions
