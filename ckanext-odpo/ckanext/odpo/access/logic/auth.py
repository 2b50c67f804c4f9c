"""Auth functions of odpo_access: its own actions, and chains that refuse
withheld data on the core paths (resource_show — which DataStore reads and
the download route also check — resource views, DataStore, activity diffs)."""
from __future__ import annotations

from collections.abc import Callable

import ckan.authz as authz
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import AuthFunction, AuthResult, Context, DataDict
from ckanext.odpo.access.logic.entitlement import (
    dataset_facts,
    resource_facts,
    resource_is_withheld,
    user_entitlement,
)
from ckanext.odpo.access.model import AccessRequest

__all__ = [
    "odpo_access_request_create",
    "odpo_access_request_list",
    "odpo_access_request_show",
    "odpo_access_request_approve",
    "odpo_access_request_reject",
    "odpo_access_request_cancel",
    "odpo_grant_list",
    "odpo_grant_revoke",
    "odpo_grant_expire",
    "odpo_contract_export",
    "odpo_download_log_list",
    "odpo_download_stats",
]


def _user(context: Context) -> model.User | None:
    user = context.get("auth_user_obj")
    if isinstance(user, model.User):
        return user
    return model.User.get(context.get("user") or "") if context.get("user") else None


def _can_manage(user: model.User | None, package_id: str | None) -> bool:
    """Members of the provider organisation (editors and admins) and sysadmins."""
    if user is None or not package_id:
        return False
    if user.sysadmin:
        return True
    package = model.Package.get(package_id)
    if package is None or not package.owner_org:
        return False
    return authz.has_user_permission_for_group_or_org(package.owner_org, user.name, "update_dataset")


def _request(data_dict: DataDict) -> AccessRequest | None:
    request_id = data_dict.get("id") if isinstance(data_dict, dict) else None
    return model.Session.get(AccessRequest, request_id) if request_id else None


def _result(allowed: bool, message: str = "") -> AuthResult:
    return {"success": True} if allowed else {"success": False, "msg": message}


def odpo_access_request_create(context: Context, data_dict: DataDict) -> AuthResult:
    """Signed-in users may ask for access."""
    return _result(_user(context) is not None, tk._("Sign in to request access."))


def odpo_access_request_list(context: Context, data_dict: DataDict) -> AuthResult:
    """Signed-in users see their own requests; providers those of their datasets."""
    user = _user(context)
    if user is None:
        return _result(False, tk._("Sign in to see access requests."))
    package_id = (data_dict or {}).get("package_id")
    if package_id:
        return _result(_can_manage(user, package_id), tk._("Only the provider sees a dataset's requests."))
    return _result(True)


def _requester_or_provider(context: Context, data_dict: DataDict, refusal: str) -> AuthResult:
    user = _user(context)
    request = _request(data_dict)
    allowed = user is not None and request is not None and (
        user.id == request.user_id or _can_manage(user, request.package_id))
    return _result(allowed, refusal)


def odpo_access_request_show(context: Context, data_dict: DataDict) -> AuthResult:
    """The requester and the provider."""
    return _requester_or_provider(context, data_dict, tk._("Not authorised to see this request."))


def _provider_decision(context: Context, data_dict: DataDict) -> AuthResult:
    request = _request(data_dict)
    return _result(request is not None and _can_manage(_user(context), request.package_id),
                   tk._("Only the provider of the dataset can decide on requests."))


odpo_access_request_approve = _provider_decision
odpo_access_request_reject = _provider_decision
odpo_grant_revoke = _provider_decision


def odpo_grant_expire(context: Context, data_dict: DataDict) -> AuthResult:
    """Sysadmins only (the cron job runs as the site user)."""
    return {"success": False, "msg": tk._("Only sysadmins may end expired grants.")}


def odpo_access_request_cancel(context: Context, data_dict: DataDict) -> AuthResult:
    """The requester (of their own pending request) and the provider."""
    return _requester_or_provider(context, data_dict, tk._("Not authorised to cancel this request."))


odpo_grant_list = odpo_access_request_list


def odpo_contract_export(context: Context, data_dict: DataDict) -> AuthResult:
    """Members of an organisation export its contracts."""
    user = _user(context)
    org_id = (data_dict or {}).get("organization_id")
    if user is None or not org_id:
        return _result(False, tk._("Only the provider can export its contracts."))
    return _result(user.sysadmin or authz.has_user_permission_for_group_or_org(org_id, user.name, "update_dataset"),
                   tk._("Only the provider can export its contracts."))


def odpo_download_log_list(context: Context, data_dict: DataDict) -> AuthResult:
    """Users their own downloads; providers the downloads of their datasets."""
    return odpo_access_request_list(context, data_dict)


odpo_download_stats = odpo_contract_export


# --- chains on core paths ------------------------------------------------------


def withheld_refusal(context: Context, resource_id: str | None) -> AuthResult | None:
    """A refusal saying how to get access, when the resource is withheld."""
    found = resource_facts(resource_id)
    if found is None:
        return None
    resource, dataset = found
    user = _user(context)
    user_id = user.id if user is not None else None
    if not resource_is_withheld(user_id, dataset, resource):
        return None
    entitlement = user_entitlement(user_id, dataset)
    how = tk._("How to get access:")
    return {"success": False, "msg": f"{entitlement.message} {how} {entitlement.request_url}"}


def _chain_on_resource(key: Callable[[DataDict], str | None]) -> Callable[..., AuthResult]:
    def chained(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
        # a withheld resource is refused first: the refusal says how to get access
        return withheld_refusal(context, key(data_dict or {})) or next_auth(context, data_dict)

    return chained


def _view_resource(data_dict: DataDict) -> str | None:
    if data_dict.get("resource_id"):
        return data_dict["resource_id"]
    view = model.ResourceView.get(data_dict.get("id") or "") if data_dict.get("id") else None
    return view.resource_id if view is not None else None


def _by_id(data_dict: DataDict) -> str | None:
    return data_dict.get("id") or data_dict.get("resource_id")


def _datastore_sql(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    for name in context.get("table_names") or []:
        refusal = withheld_refusal(context, name)
        if refusal is not None:
            return refusal
    return next_auth(context, data_dict)


def _activity_diff(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    """Diffs render stored copies as HTML: refused for data the user can't use."""
    result = next_auth(context, data_dict)
    if not result.get("success"):
        return result
    from ckanext.activity.model import Activity

    activity = model.Session.get(Activity, (data_dict or {}).get("id"))
    if activity is None or activity.object_id is None:
        return result
    package = model.Package.get(activity.object_id)
    if package is None:
        return result
    user = _user(context)
    entitlement = user_entitlement(user.id if user else None, dataset_facts(package))
    if entitlement.allowed:
        return result
    return {"success": False, "msg": f"{entitlement.message} {entitlement.request_url}"}


def _resource_view_list(next_auth: AuthFunction, context: Context, data_dict: DataDict) -> AuthResult:
    """Listing the views of a withheld resource is allowed to whoever may read
    the dataset (its page asks for them); the chained action answers an empty
    list, and every view itself is refused."""
    resource_id = _by_id(data_dict or {})
    if withheld_refusal(context, resource_id) is None:
        return next_auth(context, data_dict)
    resource = model.Resource.get(resource_id or "")
    return authz.is_authorized("package_show", context.copy(), {"id": resource.package_id if resource else None})


def chained_auth_functions(available: Callable[[str], bool]) -> dict[str, Callable[..., AuthResult]]:
    chains: dict[str, Callable[..., AuthResult]] = {
        "resource_show": _chain_on_resource(_by_id),
        "resource_view_show": _chain_on_resource(_view_resource),
        "resource_view_list": _resource_view_list,
        "datastore_search": _chain_on_resource(_by_id),
        "datastore_info": _chain_on_resource(_by_id),
        "datastore_search_sql": _datastore_sql,
        "activity_diff": _activity_diff,
    }
    result = {}
    for name, function in chains.items():
        if available(name):
            function.__name__ = name
            # the chains refuse with a reason; anonymous users must reach them
            result[name] = tk.chained_auth_function(tk.auth_allow_anonymous_access(function))
    return result
