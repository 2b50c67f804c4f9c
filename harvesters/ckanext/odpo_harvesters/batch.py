"""Importing many records of a harvest job in one transaction.

ckanext-harvest hands the import stage one harvest object at a time (one
queue message each). The first waiting object of a job leads a batch: it
takes up to ``odpo.harvest.import_batch_size`` of the job's waiting records
(locked, so a parallel fetch consumer skips them), saves them with CKAN's
deferred ``package_create``/``package_update`` (no commit, no index write
per dataset), builds their search index documents and writes the datasets,
the index rows and the objects' results in ONE commit. The later queue
messages of those objects only report what the batch recorded
(:func:`outcome`).

Failure semantics are those of one record at a time:

- a record that cannot be mapped, or that the ODPO schema rejects, becomes
  an object error with the same message and the others are imported (CKAN
  rolls the whole transaction back on a rejection: the records saved before
  it are saved again in a batch of their own, the ones after it in the next);
- a crash before the commit leaves nothing behind: no dataset, no index row,
  the objects still waiting; their own queue messages, or the next run
  (which lists every record without a completed import as new), import them;
- datasets are searchable once the batch is committed, since their index
  rows are part of it. ``ckan search-index rebuild`` rebuilds the same rows.
"""
from __future__ import annotations

import copy
import datetime
import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import ckan.logic as logic
import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan.lib import search
from ckanext.harvest.model import HarvestObject, HarvestObjectError, HarvestObjectExtra
from ckanext.odpo.search import connection as search_connection

from . import config as harvest_config
from .base import (
    KIND_DATASET,
    current_package_ids,
    note_unmapped_licence,
    rejection_message,
    save_dataset,
)
from .mapping import MappingError

if TYPE_CHECKING:
    from .base import OdpoHarvesterBase

log = logging.getLogger(__name__)


def outcome(harvest_object: HarvestObject) -> bool:
    """What a batch recorded for ``harvest_object``: imported (it describes
    its dataset now) or not (its errors say why)."""
    return bool(harvest_object.package_id and harvest_object.current)


@dataclass(eq=False)
class Member:
    """One record of a batch."""

    harvest_object: HarvestObject
    dataset: dict[str, Any] | None = None
    error: str = ""
    package_id: str = ""
    #: committed: imported (``package_id``) or failed (``error``)
    recorded: bool = False


class ImportBatch:
    """The records a leading harvest object imports together."""

    def __init__(self, harvester: OdpoHarvesterBase, leader: HarvestObject, content: dict[str, Any]) -> None:
        self.harvester = harvester
        self.leader = leader
        self.source_id = leader.harvest_source_id
        self.user = harvester._get_user_name()
        self.leader_member = self._prepare(leader, content)

    def run(self) -> bool:
        """Import the batch; True when the leading record was imported."""
        members = [self.leader_member]
        members += [self._prepare(harvest_object, None) for harvest_object in self._candidates()]
        failed = [member for member in members if member.error]
        chunks = [[member for member in members if not member.error]]
        while chunks or failed:
            chunk = chunks.pop(0) if chunks else []
            try:
                rejected = self._attempt(chunk, failed)
            except Exception:
                # something unexpected (not a rejected record): the records not
                # recorded yet are left to their own queue messages, the leader
                # is imported alone, as without batches
                log.exception("Import batch of harvest job %s failed", self.leader.harvest_job_id)
                if not self.leader_member.recorded:
                    self._import_alone(self.leader_member)
                break
            if rejected is None:
                failed = []
                continue
            position = chunk.index(rejected)
            failed.append(rejected)
            chunks[:0] = [part for part in (chunk[:position], chunk[position + 1:]) if part]
        return bool(self.leader_member.package_id)

    def _import_alone(self, member: Member) -> None:
        if member.error:
            self._attempt([], [member])
        elif (rejected := self._attempt([member], [])) is not None:
            self._attempt([], [rejected])

    # --- the steps ---------------------------------------------------------------------

    def _candidates(self) -> list[HarvestObject]:
        """Other waiting dataset records of the job (not locked yet)."""
        limit = harvest_config.import_batch_size() - 1
        if limit < 1:
            return []
        kind = sa.orm.aliased(HarvestObjectExtra)
        return (model.Session.query(HarvestObject)
                .join(kind, sa.and_(kind.harvest_object_id == HarvestObject.id, kind.key == "kind",
                                    kind.value == KIND_DATASET))
                .filter(HarvestObject.harvest_job_id == self.leader.harvest_job_id,
                        HarvestObject.id != self.leader.id, HarvestObject.state == "WAITING",
                        HarvestObject.import_finished.is_(None))
                .order_by(HarvestObject.gathered, HarvestObject.id)
                .limit(limit).all())

    def _prepare(self, harvest_object: HarvestObject, content: dict[str, Any] | None) -> Member:
        """Map a record (its organisation is created or updated here)."""
        member = Member(harvest_object)
        try:
            if content is None:
                content = json.loads(harvest_object.content or "{}")
            member.dataset = self.harvester.prepare_dataset(harvest_object, content)
        except json.JSONDecodeError:
            member.error = "the stored record is not valid JSON"
        except MappingError as error:
            member.error = f"{error}"
        return member

    def _lock(self, members: list[Member]) -> set[str]:
        """Ids of the members this batch may record (the leader, and the others
        no parallel consumer has taken meanwhile), locked until the commit."""
        others = [member.harvest_object.id for member in members if member is not self.leader_member]
        if not others:
            return {self.leader.id}
        rows = (model.Session.query(HarvestObject.id)
                .filter(HarvestObject.id.in_(others), HarvestObject.state == "WAITING",
                        HarvestObject.import_finished.is_(None))
                .with_for_update(skip_locked=True).all())
        return {self.leader.id, *(row[0] for row in rows)}

    def _attempt(self, chunk: list[Member], failed: list[Member]) -> Member | None:
        """Save ``chunk`` and record the errors of ``failed`` in one commit.
        Returns the member the schema rejected (all rolled back), or None."""
        try:
            locked = self._lock(chunk + failed)
            chunk = [member for member in chunk if member.harvest_object.id in locked]
            failed = [member for member in failed if member.harvest_object.id in locked]
            existing = current_package_ids(self.source_id, [member.harvest_object.guid for member in chunk])
            user_object = model.User.get(self.user)
            saved: list[tuple[Member, str]] = []
            for member in chunk:
                assert member.dataset is not None
                try:
                    package_id = save_dataset(copy.deepcopy(member.dataset), existing.get(member.harvest_object.guid),
                                              self.user, deferred=True, user_object=user_object)
                except tk.ValidationError as error:
                    model.Session.rollback()
                    member.error = rejection_message(error)
                    return member
                saved.append((member, package_id))
            now = datetime.datetime.utcnow()
            for member in failed:
                model.Session.add(HarvestObjectError(message=member.error, object=member.harvest_object,
                                                     stage="Import"))
                if member is not self.leader_member:
                    member.harvest_object.import_finished = now
            self._record_imported(saved, now)
            rows = self._index([package_id for _member, package_id in saved])
            model.Session.commit()
        except BaseException:
            model.Session.rollback()
            raise
        if rows:
            search_connection.index_written(model.meta.engine)
        elif saved:
            search.index_for("Package").commit()
        for member, package_id in saved:
            member.package_id = package_id
            member.recorded = True
        for member in failed:
            member.recorded = True
        return None

    def _record_imported(self, saved: list[tuple[Member, str]], now: datetime.datetime) -> None:
        """Each saved record's object describes its dataset now (earlier
        objects of the same datasets no longer do)."""
        if not saved:
            return
        (model.Session.query(HarvestObject)
         .filter(HarvestObject.package_id.in_([package_id for _member, package_id in saved]),
                 HarvestObject.id.notin_([member.harvest_object.id for member, _id in saved]))
         .update({"current": False}, synchronize_session=False))
        for member, package_id in saved:
            harvest_object = member.harvest_object
            harvest_object.package_id = package_id
            harvest_object.current = True
            if member is not self.leader_member:
                harvest_object.import_finished = now
            assert member.dataset is not None
            note_unmapped_licence(harvest_object, member.dataset)

    def _index(self, package_ids: list[str]) -> list[dict[str, Any]]:
        """Index documents of the saved datasets, as CKAN builds them. With
        ODPO's search backend the rows are written in this transaction;
        with Solr the documents are sent now and committed after it."""
        context: dict[str, Any] = {"user": self.user, "ignore_auth": True}
        with search_connection.held_back_writes() as rows:
            for package_id in package_ids:
                logic.index_update_package(context, package_id, defer_commit=True)
        search_connection.write_held_back(model.Session.connection(), rows)
        return rows
