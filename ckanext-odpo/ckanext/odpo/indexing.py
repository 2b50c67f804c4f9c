"""What ODPO adds to a dataset's search index document."""
from __future__ import annotations

import json
from typing import Any

#: Schema fields stored as JSON lists; indexed as multi-valued fields so they
#: can be searched and faceted value by value.
LIST_FIELDS = ("theme", "spatial_municipality_codes")


def index_document(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """Turn the JSON-list fields of ``pkg_dict`` into lists of strings."""
    for key in LIST_FIELDS:
        pkg_dict[key] = _as_list(pkg_dict.get(key))
        if not pkg_dict[key]:
            pkg_dict.pop(key)
    return pkg_dict


def _as_list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value if item not in (None, "")]
    text = str(value).strip()
    if text.startswith("["):
        try:
            return [str(item) for item in json.loads(text) if item not in (None, "")]
        except ValueError:
            pass
    return [part for part in text.replace(",", " ").split() if part]


def organisation_changed(organization_id: str) -> None:
    """An organisation was updated: its datasets' index documents carry its
    title and fields, which CKAN does not refresh; a background job does."""
    import ckan.plugins.toolkit as tk

    tk.enqueue_job(reindex_organisation, [organization_id],
                   title=f"odpo reindex of organisation {organization_id}")


def reindex_organisation(organization_id: str) -> int:
    """Background job (``ckan jobs worker``): index again the active datasets
    of an organisation. Returns how many datasets were indexed."""
    import logging

    import sqlalchemy as sa
    from ckan import model
    from ckan.lib.search import rebuild

    log = logging.getLogger(__name__)
    ids = list(model.Session.scalars(sa.select(model.package_table.c.id).where(
        model.package_table.c.owner_org == organization_id,
        model.package_table.c.state == "active",
    )))
    for number, package_id in enumerate(ids, 1):
        rebuild(package_id)
        if number % 500 == 0:
            log.info("organisation %s: %d/%d datasets indexed", organization_id, number, len(ids))
    log.info("organisation %s: %d datasets indexed again", organization_id, len(ids))
    return len(ids)
