"""Auth functions of ckanext-orden_consent (``tk.blanket.auth_functions``:
the names in ``__all__``, matching the actions)."""
from __future__ import annotations

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

from ckanext.orden_consent.model import SCOPE_DATASET, SCOPE_ORGANIZATION

__all__ = [
    "orden_consent_terms_publish",
    "orden_consent_terms_show",
    "orden_consent_terms_list",
    "orden_consent_dataset_terms_show",
    "orden_consent_record_create",
    "orden_consent_withdraw",
    "orden_consent_deletion_confirm",
    "orden_consent_status",
    "orden_consent_pending_list",
    "orden_consent_event_list",
    "orden_consent_deletion_outstanding_list",
    "orden_consent_ledger_verify",
]


def _logged_in(context: Context) -> AuthResult:
    if authz.auth_is_anon_user(context):
        return {"success": False, "msg": tk._("You must be logged in.")}
    return {"success": True}


def _may_edit_dataset(context: Context, dataset_id: str) -> bool:
    try:
        tk.check_access("package_update", context, {"id": dataset_id})
    except tk.NotAuthorized:
        return False
    return True


def _is_org_admin(context: Context, organization_id: str) -> bool:
    return authz.has_user_permission_for_group_or_org(organization_id, context.get("user"), "admin")


def orden_consent_terms_publish(context: Context, data_dict: DataDict) -> AuthResult:
    """Platform and tier terms: sysadmins. Provider terms: the organisation's
    admins. Dataset terms: the dataset's editors."""
    scope_type, scope_id = data_dict.get("scope_type"), data_dict.get("scope_id") or ""
    if scope_type == SCOPE_ORGANIZATION and _is_org_admin(context, scope_id):
        return {"success": True}
    if scope_type == SCOPE_DATASET and _may_edit_dataset(context, scope_id):
        return {"success": True}
    return {"success": False, "msg": tk._("You may not publish these terms.")}


@tk.auth_allow_anonymous_access
def orden_consent_terms_show(context: Context, data_dict: DataDict) -> AuthResult:
    return {"success": True}


@tk.auth_allow_anonymous_access
def orden_consent_terms_list(context: Context, data_dict: DataDict) -> AuthResult:
    return {"success": True}


@tk.auth_allow_anonymous_access
def orden_consent_dataset_terms_show(context: Context, data_dict: DataDict) -> AuthResult:
    try:
        tk.check_access("package_show", context, {"id": data_dict.get("id")})
    except tk.NotAuthorized:
        return {"success": False, "msg": tk._("Not authorized to see this dataset.")}
    return {"success": True}


def orden_consent_record_create(context: Context, data_dict: DataDict) -> AuthResult:
    return _logged_in(context)


def orden_consent_withdraw(context: Context, data_dict: DataDict) -> AuthResult:
    return _logged_in(context)


def orden_consent_deletion_confirm(context: Context, data_dict: DataDict) -> AuthResult:
    return _logged_in(context)


def orden_consent_pending_list(context: Context, data_dict: DataDict) -> AuthResult:
    return _logged_in(context)


@tk.auth_allow_anonymous_access
def orden_consent_status(context: Context, data_dict: DataDict) -> AuthResult:
    """Anyone may ask about themselves; only sysadmins about another user."""
    asked = data_dict.get("user_id")
    if asked:
        me = model.User.get(context.get("user") or "") if context.get("user") else None
        other = model.User.get(asked)
        if me is None or other is None or (me.id != other.id and not me.sysadmin):
            return {"success": False, "msg": tk._("You may only see your own consents.")}
    return {"success": True}


def orden_consent_event_list(context: Context, data_dict: DataDict) -> AuthResult:
    """Own records: any user. A dataset's records: its editors. Other users'
    or all records: sysadmins."""
    me = model.User.get(context.get("user") or "") if context.get("user") else None
    if me is None:
        return {"success": False, "msg": tk._("You must be logged in.")}
    if me.sysadmin:
        return {"success": True}
    asked = model.User.get(data_dict["user_id"]) if data_dict.get("user_id") else None
    if data_dict.get("all") or (asked is not None and asked.id != me.id):
        return {"success": False, "msg": tk._("You may only see your own consents.")}
    if data_dict.get("dataset_id") and asked is None and not _may_edit_dataset(
        context, data_dict["dataset_id"]
    ):
        return {"success": False, "msg": tk._("Only the provider sees a dataset's consents.")}
    return {"success": True}


def orden_consent_deletion_outstanding_list(context: Context, data_dict: DataDict) -> AuthResult:
    if data_dict.get("dataset_id") and _may_edit_dataset(context, data_dict["dataset_id"]):
        return {"success": True}
    if data_dict.get("organization_id") and authz.has_user_permission_for_group_or_org(
        data_dict["organization_id"], context.get("user"), "update_dataset"
    ):
        return {"success": True}
    return {"success": False, "msg": tk._("Only the provider sees outstanding deletions.")}


def orden_consent_ledger_verify(context: Context, data_dict: DataDict) -> AuthResult:
    return {"success": False, "msg": tk._("Only sysadmins may verify the consent ledger.")}
