"""Authorisation of the sharing actions: partners read the change feed
with their token; sysadmins manage partners (CKAN lets sysadmins through)."""
from __future__ import annotations

from typing import Any

from ckan.types import AuthResult, Context, DataDict
from ckanext.odpo import config as odpo_config
from ckanext.odpo.sharing import partners

import ckan.plugins.toolkit as tk


def _refusal(error: partners.PartnerAccessError) -> str:
    messages = {
        "missing": tk._("A partner token is required: send it in the {header} header.").format(
            header=partners.TOKEN_HEADER),
        "unknown": tk._("The partner token is not valid."),
        "expired": tk._("The partner token has expired; ask the ODPO administrators for a new one."),
        "inactive": tk._("This partner's access to the change feed is suspended."),
        "rate_limited": tk._("Too many requests: try again in {seconds} seconds.").format(
            seconds=error.retry_after),
    }
    return messages[error.reason]


def _request_token() -> str | None:
    try:
        return tk.request.headers.get(partners.TOKEN_HEADER)
    except RuntimeError:  # no request (CLI, tests calling the action)
        return None


def odpo_sharing_changes(context: Context, data_dict: DataDict) -> AuthResult:
    """Partners with a valid token, within their rate limit."""
    token = context.get("odpo_partner_token") or _request_token()  # type: ignore[attr-defined]
    try:
        partner = partners.partner_for_token(token)
        partners.check_rate(partner["id"], odpo_config.sharing_partner_rate_limit())
    except partners.PartnerAccessError as error:
        return {"success": False, "msg": _refusal(error)}
    context["odpo_partner"] = partner  # type: ignore[typeddict-unknown-key]
    return {"success": True}


def _sysadmins_only(context: Context, data_dict: DataDict) -> AuthResult:
    return {"success": False, "msg": tk._("Only sysadmins manage partner prefectures.")}


def odpo_sharing_partner_create(context: Context, data_dict: DataDict) -> AuthResult:
    return _sysadmins_only(context, data_dict)


def odpo_sharing_partner_list(context: Context, data_dict: DataDict) -> AuthResult:
    return _sysadmins_only(context, data_dict)


def odpo_sharing_partner_token_reset(context: Context, data_dict: DataDict) -> AuthResult:
    return _sysadmins_only(context, data_dict)


def odpo_sharing_partner_update(context: Context, data_dict: DataDict) -> AuthResult:
    return _sysadmins_only(context, data_dict)


def get_auth_functions() -> dict[str, Any]:
    return {
        "odpo_sharing_changes": odpo_sharing_changes,
        "odpo_sharing_partner_create": odpo_sharing_partner_create,
        "odpo_sharing_partner_list": odpo_sharing_partner_list,
        "odpo_sharing_partner_token_reset": odpo_sharing_partner_token_reset,
        "odpo_sharing_partner_update": odpo_sharing_partner_update,
    }
