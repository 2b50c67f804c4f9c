"""The pull client: keeps this ODPO in sync with a partner ODPO's change feed.

Datasets keep their id (and name) from the source, so updates and tombstones
find them again; their organisation is matched by name and created when
missing. The cursor is stored per source (``odpo_sharing_subscription``)
after every page, so an interrupted pull resumes where it stopped.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from ckan import model
from ckanext.odpo.sharing.model import subscription_table
from ckanext.odpo.sharing.partners import TOKEN_HEADER

import ckan.plugins.toolkit as tk

#: Fields of the source's dataset dict that are the source site's business.
_SOURCE_ONLY_FIELDS = frozenset({
    "organization", "owner_org", "groups", "relationships_as_object", "relationships_as_subject",
    "creator_user_id", "metadata_created", "metadata_modified", "num_resources", "num_tags",
    "tracking_summary", "revision_id", "private", "state",
})
#: Organisation fields copied when the local organisation is created.
_ORGANISATION_FIELDS = ("description", "provider_type", "municipality_code", "contact_email", "website")


class PullError(Exception):
    """The source refused the pull or answered something unusable."""


@dataclass
class PullReport:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    pages: int = 0
    cursor: str = ""
    errors: list[str] = field(default_factory=list)


def fetch_page(source_url: str, token: str, cursor: str, limit: int, timeout: float = 60) -> dict[str, Any]:
    query = urllib.parse.urlencode({"cursor": cursor, "limit": limit})
    request = urllib.request.Request(
        f"{source_url.rstrip('/')}/api/3/action/odpo_sharing_changes?{query}",
        headers={TOKEN_HEADER: token, "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            body = json.load(reply)
    except urllib.error.HTTPError as error:
        try:
            message = json.load(error).get("error", {}).get("message") or error.reason
        except ValueError:
            message = error.reason
        raise PullError(f"{source_url} answered {error.code}: {message}") from None
    except urllib.error.URLError as error:
        raise PullError(f"{source_url} cannot be reached: {error.reason}") from None
    if not body.get("success"):
        raise PullError(f"{source_url}: {body.get('error')}")
    return body["result"]


def stored_cursor(source_url: str) -> str:
    row = model.Session.execute(sa.select(subscription_table.c.cursor).where(
        subscription_table.c.source_url == source_url)).first()
    return (row.cursor or "") if row else ""


def store_progress(source_url: str, cursor: str, report: PullReport) -> None:
    statement = sa.dialects.postgresql.insert(subscription_table).values(
        source_url=source_url, cursor=cursor, last_pull_at=sa.func.now(),
        created=report.created, updated=report.updated, deleted=report.deleted,
    )
    model.Session.execute(statement.on_conflict_do_update(
        index_elements=["source_url"],
        set_={"cursor": cursor, "last_pull_at": sa.func.now(),
              "created": subscription_table.c.created + report.created,
              "updated": subscription_table.c.updated + report.updated,
              "deleted": subscription_table.c.deleted + report.deleted},
    ))
    model.Session.commit()


def pull(
    source_url: str, token: str, *, limit: int = 100,
    on_progress: Callable[[int, PullReport], None] | None = None,
) -> PullReport:
    """Apply every change after the stored cursor; returns the counts."""
    source_url = source_url.rstrip("/")
    cursor = stored_cursor(source_url)
    total = PullReport(cursor=cursor)
    while True:
        page = fetch_page(source_url, token, cursor, limit)
        page_report = PullReport()
        for change in page["changes"]:
            apply_change(change, page_report)
        cursor = page["next_cursor"]
        store_progress(source_url, cursor, page_report)
        for name in ("created", "updated", "deleted", "unchanged"):
            setattr(total, name, getattr(total, name) + getattr(page_report, name))
        total.errors += page_report.errors
        total.pages += 1
        total.cursor = cursor
        if on_progress:
            on_progress(len(page["changes"]), total)
        if not page["has_more"]:
            return total


def _context() -> dict[str, Any]:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


def apply_change(change: dict[str, Any], report: PullReport) -> None:
    """Create, update or delete the local copy of one changed dataset."""
    local = model.Package.get(change["dataset_id"])
    try:
        if change.get("dataset") is None:
            if local is not None and local.state != "deleted":
                tk.get_action("package_delete")(_context(), {"id": local.id})
                report.deleted += 1
            else:
                report.unchanged += 1
            return
        dataset = local_copy(change["dataset"])
        if local is None:
            tk.get_action("package_create")(_context(), dataset)
            report.created += 1
        else:
            tk.get_action("package_update")(_context(), {**dataset, "state": "active"})
            report.updated += 1
    except (tk.ValidationError, tk.ObjectNotFound) as error:
        model.Session.rollback()
        report.errors.append(f"{change.get('dataset_name')}: {error}")


def local_copy(dataset: dict[str, Any]) -> dict[str, Any]:
    """The source's dataset as this site stores it (local organisation)."""
    copy = {key: value for key, value in dataset.items() if key not in _SOURCE_ONLY_FIELDS}
    copy["owner_org"] = local_organisation(dataset.get("organization") or {})
    copy["resources"] = [
        {key: value for key, value in resource.items() if key not in {"package_id", "position"}}
        for resource in dataset.get("resources") or []
    ]
    return copy


def local_organisation(source_organisation: dict[str, Any]) -> str | None:
    """Id of the local organisation with the source's organisation name,
    created (with its title) when missing."""
    name = source_organisation.get("name")
    if not name:
        return None
    group = model.Group.get(name)
    if group is not None:
        return group.id
    fields = {key: source_organisation[key] for key in _ORGANISATION_FIELDS if source_organisation.get(key)}
    created = tk.get_action("organization_create")(_context(), {
        **fields, "name": name, "title": source_organisation.get("title") or name,
    })
    return created["id"]
