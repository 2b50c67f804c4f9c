"""Actions of partner sharing: the change feed and the partner records."""
from __future__ import annotations

from typing import Any

from ckan import model
from ckan.logic import validate
from ckan.types import Context, DataDict
from ckanext.odpo import config as odpo_config
from ckanext.odpo.sharing import feed, partners
from ckanext.odpo.sharing.logic import schema

import ckan.plugins.toolkit as tk


@tk.side_effect_free
@validate(schema.changes_schema)
def odpo_sharing_changes(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The datasets changed since a cursor, for partner prefectures.

    Send the partner token in the ``X-ODPO-Partner-Token`` header. Start
    without a cursor, then pass each page's ``next_cursor`` until
    ``has_more`` is false; keep the last ``next_cursor`` for the next pull.

    Args:
        cursor (str): ``next_cursor`` of the previous page (optional).
        limit (int): changes per page (default ``odpo.sharing.feed_page_size``,
            at most ten times that).

    Returns:
        dict: ``changes`` (each ``cursor``, ``change`` = created / updated /
        deleted / withdrawn / unshared, ``dataset_id``, ``dataset_name``,
        ``changed_at`` and ``dataset``: the public description, or null for
        a tombstone), ``next_cursor`` and ``has_more``.
    """
    tk.check_access("odpo_sharing_changes", context, data_dict)
    default_size = odpo_config.sharing_feed_page_size()
    limit = min(int(data_dict.get("limit") or default_size), default_size * 10) or default_size
    cursor = data_dict.get("cursor") or ""
    page = feed.changes_page(cursor, limit)
    partner = context.get("odpo_partner")  # type: ignore[attr-defined]
    if partner:
        try:
            remote = tk.request.remote_addr or ""
        except RuntimeError:
            remote = ""
        partners.log_pull(partner["id"], cursor, page["next_cursor"], len(page["changes"]), remote)
        model.Session.commit()
    return page


@validate(schema.partner_create_schema)
def odpo_sharing_partner_create(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Register a partner prefecture and issue its token (sysadmins).

    Args:
        name (str): short identifier (e.g. ``hyogo``).
        title (str): display name.
        valid_days (int): days until the token expires (optional: no expiry).

    Returns:
        dict: ``partner`` (the record) and ``token`` (shown only now).
    """
    tk.check_access("odpo_sharing_partner_create", context, data_dict)
    if partners.partner_record(data_dict["name"]):
        raise tk.ValidationError({"name": [tk._("A partner with this name already exists.")]})
    partner, token = partners.create_partner(
        data_dict["name"], data_dict["title"], data_dict.get("valid_days")
    )
    model.Session.commit()
    return {"partner": partner, "token": token}


@tk.side_effect_free
def odpo_sharing_partner_list(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """The partner prefectures and their sync status (sysadmins).

    Returns:
        list of dict: each partner's ``name``, ``title``, ``active``,
        ``token_expires_at``, ``last_pull_at``, ``last_cursor``,
        ``pull_count`` and ``changes_served``.
    """
    tk.check_access("odpo_sharing_partner_list", context, data_dict)
    return partners.partner_list()


@validate(schema.partner_token_reset_schema)
def odpo_sharing_partner_token_reset(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Issue a new token to a partner; the old one stops working (sysadmins).

    Args:
        id (str): partner id or name.
        valid_days (int): days until the new token expires (optional).

    Returns:
        dict: ``partner`` and ``token`` (shown only now).
    """
    tk.check_access("odpo_sharing_partner_token_reset", context, data_dict)
    partner = _partner_or_404(data_dict["id"])
    token = partners.reset_token(partner["id"], data_dict.get("valid_days"))
    model.Session.commit()
    return {"partner": partners.partner_record(partner["id"]), "token": token}


@validate(schema.partner_update_schema)
def odpo_sharing_partner_update(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Suspend or resume a partner's access (sysadmins).

    Args:
        id (str): partner id or name.
        active (bool): whether the partner may read the feed.

    Returns:
        dict: the partner record.
    """
    tk.check_access("odpo_sharing_partner_update", context, data_dict)
    partner = _partner_or_404(data_dict["id"])
    partners.set_active(partner["id"], bool(data_dict["active"]))
    model.Session.commit()
    return partners.partner_record(partner["id"]) or {}


def _partner_or_404(id_or_name: str) -> dict[str, Any]:
    partner = partners.partner_record(id_or_name)
    if partner is None:
        raise tk.ObjectNotFound(tk._("Partner not found"))
    return partner


def get_actions() -> dict[str, Any]:
    return {
        "odpo_sharing_changes": odpo_sharing_changes,
        "odpo_sharing_partner_create": odpo_sharing_partner_create,
        "odpo_sharing_partner_list": odpo_sharing_partner_list,
        "odpo_sharing_partner_token_reset": odpo_sharing_partner_token_reset,
        "odpo_sharing_partner_update": odpo_sharing_partner_update,
    }
