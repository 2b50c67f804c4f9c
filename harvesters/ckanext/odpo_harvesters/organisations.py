"""ODPO organisations of harvested local governments, found by their
全国地方公共団体コード and created or updated as the source describes them."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckanext.odpo import vocabularies as vocab
from ckanext.odpo.municipality import LOCAL_GOVERNMENTS, is_prefecture_code


def organisation_id_by_code(code: str) -> str | None:
    """The active ODPO organisation whose ``municipality_code`` is ``code``."""
    row = (
        model.Session.query(model.Group.id)
        .filter(model.Group.is_organization.is_(True), model.Group.state == "active")
        .filter(model.Group.extras["municipality_code"].astext == code)
        .order_by(model.Group.created)
        .first()
    )
    return row[0] if row else None


def organisation_fields(code: str, remote: Mapping[str, Any] | None) -> dict[str, Any]:
    """What ODPO records about a local government: its official name (or the
    source's title for codes ODPO does not name), type, code and web site."""
    remote = remote or {}
    known = LOCAL_GOVERNMENTS.get(code)
    website = str(remote.get("url") or remote.get("website") or "")
    description = str(remote.get("description") or "").strip()
    if not website and description.startswith(("http://", "https://")) and " " not in description:
        website, description = description, ""
    fields: dict[str, Any] = {
        "title": known.name if known else str(remote.get("title") or code),
        "provider_type": vocab.PREFECTURE_PROVIDER if is_prefecture_code(code) else vocab.MUNICIPALITY_PROVIDER,
        "municipality_code": code,
    }
    if description:
        fields["description"] = description
    if website.startswith(("http://", "https://")):
        fields["website"] = website
    return fields


def ensure_organisation(code: str, remote: Mapping[str, Any] | None, user: str) -> str:
    """The id of the ODPO organisation for ``code``, created or brought up to
    date with the source (only changed fields are written)."""
    fields = organisation_fields(code, remote)
    context: dict[str, Any] = {"user": user, "ignore_auth": True}
    existing_id = organisation_id_by_code(code)
    if existing_id is None:
        created = tk.get_action("organization_create")(context, {"name": _free_name(code), **fields})
        return created["id"]
    current = tk.get_action("organization_show")(
        dict(context), {"id": existing_id, "include_datasets": False, "include_users": False}
    )
    changes = {key: value for key, value in fields.items() if current.get(key) != value}
    if changes:
        tk.get_action("organization_patch")(dict(context), {"id": existing_id, **changes})
    return existing_id


def _free_name(code: str) -> str:
    known = LOCAL_GOVERNMENTS.get(code)
    base = f"{code}-{known.name_en.lower().replace(' ', '-')}" if known else code
    name, counter = base, 1
    while model.Group.by_name(name) is not None:
        counter += 1
        name = f"{base}-{counter}"
    return name
