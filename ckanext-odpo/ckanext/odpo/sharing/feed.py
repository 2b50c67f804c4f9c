"""The partner change feed: every dataset change is recorded, in the writing
transaction, and served in a stable order from a cursor.

Why the order is stable. Row ids are handed out at insert, not at commit: a
transaction can insert row 5, another row 6 and commit first. A cursor
``> 6`` would then skip row 5 for good. Each row therefore keeps the id of
its writing transaction (``xid``), and the feed serves only rows whose
transaction is older than every transaction still running
(``pg_snapshot_xmin(pg_current_snapshot())``): such a transaction has ended,
and any transaction that writes later gets a larger xid. Rows are served in
``(xid, id)`` order, and the cursor is the last ``(xid, id)`` served; what a
partner has not seen yet always sorts after its cursor. A long-running
writing transaction delays the feed (never loses a row).

What a page holds. The changes after the cursor, with each dataset listed
once (its latest change in the page): created/updated datasets that are still
shareable come with their public description; datasets that were deleted,
withdrawn, made private or are no longer shared with partners come as
tombstones (``dataset: null``).
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from ckan import model
from ckanext.odpo.sharing import dcat_view
from ckanext.odpo.sharing.model import change_table
from ckanext.odpo.sharing.organisations import organisation_fields

import ckan.plugins.toolkit as tk

CREATED, UPDATED, DELETED, WITHDRAWN, UNSHARED = "created", "updated", "deleted", "withdrawn", "unshared"
TOMBSTONES = frozenset({DELETED, WITHDRAWN, UNSHARED})
_CURSOR = re.compile(r"^(\d+)-(\d+)$")


class CursorError(ValueError):
    """A cursor this feed did not hand out."""


@dataclass(frozen=True)
class Cursor:
    xid: int
    row_id: int

    def __str__(self) -> str:
        return f"{self.xid}-{self.row_id}"

    @classmethod
    def parse(cls, text: str | None) -> Cursor:
        if not text:
            return cls(0, 0)
        match = _CURSOR.match(text.strip())
        if not match:
            raise CursorError(text)
        return cls(int(match.group(1)), int(match.group(2)))


def dataset_is_shareable(dataset: Mapping[str, Any]) -> bool:
    """Active, public and not withheld from partners by its provider."""
    if dataset.get("state", "active") != "active" or tk.asbool(dataset.get("private")):
        return False
    return tk.asbool(dataset.get("share_with_partners", True))


def record_change(dataset_id: str, change_type: str | None = None) -> None:
    """Add the change of a dataset to the feed, in the current transaction
    (it is committed or rolled back with the change itself).

    Without ``change_type`` it follows from the dataset's state (deleted or
    updated); a deletion of a dataset with ``withdrawn_at`` is a withdrawal.
    """
    package = model.Package.get(dataset_id)
    if package is None:
        return
    if change_type is None:
        change_type = DELETED if package.state == "deleted" else UPDATED
    if change_type == DELETED and (package.extras or {}).get("withdrawn_at"):
        change_type = WITHDRAWN
    model.Session.execute(change_table.insert().values(
        dataset_id=package.id, dataset_name=package.name, change_type=change_type,
    ))


def record_organisation_change(organization_id: str) -> int:
    """An organisation changed (its title, code, ...): every active dataset it
    owns changes for partners (their copies name the publisher). The stored
    DCAT descriptions need nothing: their key holds a digest of the
    publisher's fields (``catalogue.fragment_key``). In the current
    transaction; the number of datasets."""
    packages = model.Session.execute(sa.select(model.package_table.c.id, model.package_table.c.name).where(
        model.package_table.c.owner_org == organization_id,
        model.package_table.c.state == "active",
        model.package_table.c.type == "dataset",
    )).all()
    if not packages:
        return 0
    model.Session.execute(change_table.insert(), [
        {"dataset_id": package.id, "dataset_name": package.name, "change_type": UPDATED}
        for package in packages
    ])
    return len(packages)


def latest_cursor() -> str:
    """The cursor after every change served so far (a partner starting
    from it receives only later changes)."""
    row = model.Session.execute(sa.text(
        "SELECT xid, id FROM odpo_sharing_change"
        " WHERE xid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint"
        " ORDER BY xid DESC, id DESC LIMIT 1"
    )).first()
    return str(Cursor(row.xid, row.id)) if row else ""


def change_rows(cursor: Cursor, limit: int) -> list[Any]:
    """Up to ``limit`` rows after ``cursor`` of ended transactions."""
    return list(model.Session.execute(sa.text(
        "SELECT id, xid, dataset_id, dataset_name, change_type, changed_at"
        " FROM odpo_sharing_change"
        " WHERE (xid, id) > (:xid, :row_id)"
        "   AND xid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint"
        " ORDER BY xid, id LIMIT :limit"
    ), {"xid": cursor.xid, "row_id": cursor.row_id, "limit": limit}))


def shared_datasets(dataset_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The public description of those of the datasets an anonymous user
    can find, keyed by id (one search for the whole page)."""
    if not dataset_ids:
        return {}
    context = {"ignore_auth": False, "user": ""}
    found = tk.get_action("package_search")(context, {
        "fq": "id:(" + " OR ".join(f'"{dataset_id}"' for dataset_id in dataset_ids) + ")",
        "rows": len(dataset_ids), "include_private": False,
    })
    shared = {}
    for dataset in found["results"]:
        copy = dcat_view.public_copy(dataset)
        # the provider's public fields (type, local government code), so
        # that a partner can file the dataset under the same provider
        copy["organization"] = {**(copy.get("organization") or {}),
                                **organisation_fields(dataset.get("owner_org") or "")}
        shared[dataset["id"]] = copy
    return shared


def changes_page(cursor_text: str | None, limit: int) -> dict[str, Any]:
    """One page of the feed after ``cursor_text``.

    Returns ``{"changes": [...], "next_cursor": str, "has_more": bool}``;
    each change is ``{"cursor", "change", "dataset_id", "dataset_name",
    "changed_at", "dataset"}``.
    """
    cursor = Cursor.parse(cursor_text)
    rows = change_rows(cursor, limit + 1)
    has_more = len(rows) > limit
    rows = rows[:limit]
    latest: dict[str, Any] = {}
    for row in rows:
        latest.pop(row.dataset_id, None)
        latest[row.dataset_id] = row
    datasets = shared_datasets([row.dataset_id for row in latest.values()
                                if row.change_type not in TOMBSTONES])
    changes = []
    for row in latest.values():
        dataset = datasets.get(row.dataset_id)
        if dataset is not None and not dataset_is_shareable(dataset):
            dataset = None
        change = row.change_type
        if dataset is None and change not in TOMBSTONES:
            change = UNSHARED
        changes.append({
            "cursor": str(Cursor(row.xid, row.id)), "change": change,
            "dataset_id": row.dataset_id, "dataset_name": row.dataset_name,
            "changed_at": row.changed_at.isoformat(), "dataset": dataset,
        })
    next_cursor = str(Cursor(rows[-1].xid, rows[-1].id)) if rows else (cursor_text or "")
    return {"changes": changes, "next_cursor": next_cursor, "has_more": has_more}
