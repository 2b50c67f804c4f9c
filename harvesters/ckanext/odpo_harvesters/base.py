"""The machinery all ODPO harvesters share.

Gather: the harvester lists every record the source publishes now, each
with a version (``metadata_modified``, a content hash); the listing is
compared with what the previous runs imported, so only new, changed and
restored records become harvest objects, and records that are gone become
withdrawal objects. A listing that fails part-way is a gather error and
creates nothing: a failed run changes no dataset.

Import: a record is mapped to the ODPO schema (:mod:`.mapping`), its
organisation is found or created by 全国地方公共団体コード, and the dataset
is created, updated (fields the source does not set, such as themes added
by ODPO staff, are kept) or restored; a withdrawal sets ``state: deleted``
with ``withdrawn_at`` and ``withdrawal_reason`` (kept for audit).
"""
from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan.model.types import make_uuid
from ckanext.harvest.harvesters.base import HarvesterBase
from ckanext.harvest.model import HarvestJob, HarvestObject, HarvestObjectExtra

from . import config as harvest_config
from .mapping import HarvestedDataset, MappingError, dataset_name, to_odpo_dataset
from .organisations import ensure_organisation
from .remote import PoliteClient, RemoteError

log = logging.getLogger(__name__)

KIND_DATASET = "dataset"
KIND_WITHDRAWAL = "withdrawal"
WITHDRAWAL_REASON = "No longer published by the source ({source})"


class GatherFailure(Exception):
    """The source could not be listed completely; nothing is changed."""


@dataclass
class SourceSettings:
    """A harvest source's configuration (JSON), over the site defaults."""

    request_delay: float = field(default_factory=harvest_config.request_delay)
    retries: int = field(default_factory=harvest_config.retries)
    backoff: float = 1.0
    timeout: float = field(default_factory=harvest_config.timeout)
    max_withdrawal_share: float = field(default_factory=harvest_config.max_withdrawal_share)
    organisation_codes: list[str] = field(default_factory=list)
    organisation_code: str = ""
    page_size: int = 1000
    encoding: str = ""

    @classmethod
    def parse(cls, text: str | None, defaults: Mapping[str, Any] | None = None) -> SourceSettings:
        """Settings from a source's JSON configuration; ``ValueError`` with a
        clear message for anything ODPO does not understand."""
        values: dict[str, Any] = dict(defaults or {})
        if text and text.strip():
            try:
                given = json.loads(text)
            except json.JSONDecodeError as error:
                raise ValueError(f"the configuration is not valid JSON: {error}") from error
            if not isinstance(given, dict):
                raise ValueError("the configuration must be a JSON object")
            values.update(given)
        known = {item.name: item for item in fields(cls)}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ValueError(f"unknown configuration keys: {', '.join(unknown)} "
                             f"(known: {', '.join(sorted(known))})")
        settings = cls()
        for key, value in values.items():
            current = getattr(settings, key)
            if isinstance(current, list):
                if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                    raise ValueError(f"{key} must be a list of strings")
            elif isinstance(current, bool | int | float) and not isinstance(value, bool):
                try:
                    value = type(current)(value)
                except (TypeError, ValueError) as error:
                    raise ValueError(f"{key} must be a number") from error
                if value < 0:
                    raise ValueError(f"{key} must not be negative")
            elif not isinstance(value, str):
                raise ValueError(f"{key} must be a string")
            setattr(settings, key, value)
        if not 1 <= settings.page_size <= 1000:
            raise ValueError("page_size must be between 1 and 1000")
        return settings

    def client(self) -> PoliteClient:
        return PoliteClient(delay=self.request_delay, retries=self.retries,
                            backoff=self.backoff, timeout=self.timeout)


@dataclass(frozen=True)
class LocalRecord:
    """What the previous runs left for one source record."""

    package_id: str
    version: str
    withdrawn: bool


@dataclass
class Listing:
    """Every record the source publishes now: guid -> version, plus the
    records' contents when the listing carried them."""

    versions: dict[str, str] = field(default_factory=dict)
    contents: dict[str, dict[str, Any]] = field(default_factory=dict)
    duplicates: list[str] = field(default_factory=list)

    def add(self, guid: str, version: str, content: dict[str, Any] | None = None) -> None:
        if guid in self.versions:
            self.duplicates.append(guid)
            return
        self.versions[guid] = version
        if content is not None:
            self.contents[guid] = content


class OdpoHarvesterBase(HarvesterBase):
    """Gather, fetch and import for ODPO; subclasses list and read records."""

    #: ``info()`` of the harvester.
    NAME = ""
    TITLE = ""
    DESCRIPTION = ""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._organisation_ids: dict[tuple[str, str], str] = {}

    # --- what subclasses provide ---------------------------------------------------

    def default_settings(self) -> dict[str, Any]:
        return {}

    def list_records(self, job: HarvestJob, settings: SourceSettings) -> Listing:
        """Every record of the source (raise :class:`GatherFailure` or
        :class:`RemoteError` when it cannot be listed completely)."""
        raise NotImplementedError

    def fetch_contents(self, job: HarvestJob, settings: SourceSettings, listing: Listing,
                       guids: list[str]) -> dict[str, dict[str, Any]]:
        """Contents of ``guids`` the listing did not carry."""
        return {guid: listing.contents[guid] for guid in guids if guid in listing.contents}

    def read_record(self, content: dict[str, Any], settings: SourceSettings) -> tuple[HarvestedDataset, Any]:
        """A stored record as a :class:`HarvestedDataset` and its remote
        organisation (or ``None``)."""
        raise NotImplementedError

    # --- IHarvester ------------------------------------------------------------------

    def info(self) -> dict[str, str]:
        return {"name": self.NAME, "title": self.TITLE, "description": self.DESCRIPTION}

    def validate_config(self, config: str | None) -> str | None:
        SourceSettings.parse(config, self.default_settings())
        return config

    def gather_stage(self, harvest_job: HarvestJob) -> list[str]:
        try:
            settings = SourceSettings.parse(harvest_job.source.config, self.default_settings())
            listing = self.list_records(harvest_job, settings)
        except (ValueError, GatherFailure, RemoteError) as error:
            self._save_gather_error(f"{error}", harvest_job)
            return []
        for guid in sorted(set(listing.duplicates)):
            self._save_gather_error(f"record {guid!r} is listed more than once; the first is used",
                                    harvest_job)
        local = local_records(harvest_job.source.id)
        changed = [guid for guid, version in listing.versions.items()
                   if guid not in local or local[guid].version != version or local[guid].withdrawn]
        gone = [guid for guid, record in local.items()
                if guid not in listing.versions and not record.withdrawn]
        active = sum(1 for record in local.values() if not record.withdrawn)
        if gone and active and len(gone) / active > settings.max_withdrawal_share:
            self._save_gather_error(
                f"the source no longer lists {len(gone)} of {active} harvested datasets; more than "
                f"{settings.max_withdrawal_share:.0%} at once looks like a broken source, so none is "
                f"withdrawn (raise max_withdrawal_share in the source configuration if it is real)",
                harvest_job)
            gone = []
        try:
            contents = self.fetch_contents(harvest_job, settings, listing, changed) if changed else {}
        except (GatherFailure, RemoteError) as error:
            self._save_gather_error(f"{error}", harvest_job)
            return []
        object_ids = [self._new_object(harvest_job, guid, KIND_DATASET, listing.versions[guid],
                                       contents[guid]) for guid in changed if guid in contents]
        reason = WITHDRAWAL_REASON.format(source=harvest_job.source.url)
        object_ids += [self._new_object(harvest_job, guid, KIND_WITHDRAWAL, local[guid].version,
                                        {"reason": reason}, package_id=local[guid].package_id)
                       for guid in gone]
        model.Session.commit()
        log.info("%s: %d listed, %d new or changed, %d withdrawn", harvest_job.source.url,
                 len(listing.versions), len(object_ids) - len(gone), len(gone))
        return object_ids

    def fetch_stage(self, harvest_object: HarvestObject) -> bool:
        return True

    def import_stage(self, harvest_object: HarvestObject) -> bool | str:
        from . import batch  # batch builds on this module

        if harvest_object.import_finished is not None:
            # done by the batch of an earlier object of the job (or an earlier attempt)
            return batch.outcome(harvest_object)
        kind = object_extra(harvest_object, "kind")
        try:
            content = json.loads(harvest_object.content or "{}")
        except json.JSONDecodeError:
            self._save_object_error("the stored record is not valid JSON", harvest_object, "Import")
            return False
        if kind == KIND_WITHDRAWAL:
            # not "current": ckanext-harvest then reports the object as deleted
            harvest_object.current = False
            harvest_object.save()
            return withdraw_dataset(harvest_object, content.get("reason") or "",
                                    self._get_user_name()) is not None
        if harvest_config.import_batch_size() > 1:
            return batch.ImportBatch(self, harvest_object, content).run()
        try:
            dataset = self.prepare_dataset(harvest_object, content)
            package_id = save_dataset(dataset, current_package_id(harvest_object.source.id, harvest_object.guid),
                                      self._get_user_name())
        except MappingError as error:
            self._save_object_error(f"{error}", harvest_object, "Import")
            return False
        except tk.ValidationError as error:
            model.Session.rollback()
            self._save_object_error(rejection_message(error), harvest_object, "Import")
            return False
        note_unmapped_licence(harvest_object, dataset)
        make_current(harvest_object, package_id)
        return True

    # --- helpers ------------------------------------------------------------------------

    def _new_object(self, job: HarvestJob, guid: str, kind: str, version: str,
                    content: dict[str, Any], package_id: str | None = None) -> str:
        harvest_object = HarvestObject(
            id=make_uuid(), guid=guid, job=job, source=job.source, package_id=package_id,
            content=json.dumps(content, ensure_ascii=False),
            extras=[HarvestObjectExtra(key="kind", value=kind),
                    HarvestObjectExtra(key="version", value=version)],
        )
        model.Session.add(harvest_object)  # flushed with the others when gather commits
        return harvest_object.id

    def prepare_dataset(self, harvest_object: HarvestObject, content: dict[str, Any]) -> dict[str, Any]:
        """The ODPO dataset of a stored record, named as the source names it
        (:func:`save_dataset` makes the name unique); its organisation is
        created or updated here. Raises :class:`MappingError`."""
        settings = SourceSettings.parse(harvest_object.source.config, self.default_settings())
        harvested, remote_organisation = self.read_record(content, settings)
        owner_org = self._owner_org(harvest_object, harvested, remote_organisation, settings)
        dataset, _licence = to_odpo_dataset(harvested, owner_org)
        dataset["name"] = dataset_name(harvested.name, harvested.title, harvested.organisation_code)
        return dataset

    def _owner_org(self, harvest_object: HarvestObject, harvested: HarvestedDataset,
                   remote_organisation: Any, settings: SourceSettings) -> str:
        code = settings.organisation_code or harvested.organisation_code
        if code:
            harvested.organisation_code = code
            key = (harvest_object.harvest_job_id, code)
            if key not in self._organisation_ids:
                self._organisation_ids[key] = ensure_organisation(code, remote_organisation,
                                                                  self._get_user_name())
            return self._organisation_ids[key]
        if harvest_object.source.publisher_id:
            return harvest_object.source.publisher_id
        raise MappingError(
            "no local government code for this record's organisation, and the harvest source has "
            "no organisation: set organisation_code in the source configuration")


# --- state of a source's records ---------------------------------------------------------

def object_extra(harvest_object: HarvestObject, key: str) -> str | None:
    for extra in harvest_object.extras:
        if extra.key == key:
            return extra.value
    return None


def imported() -> sa.ColumnElement[bool]:
    """Objects whose import took effect: completed ones, and those a batch
    imported whose own queue message was not processed (e.g. the job was
    stopped by ``ckan.harvest.timeout`` first): their dataset exists."""
    return sa.or_(HarvestObject.state == "COMPLETE", HarvestObject.current.is_(True))


def local_records(source_id: str) -> dict[str, LocalRecord]:
    """guid -> what the last successfully imported object of each record says
    (a dataset version, or a withdrawal)."""
    kind = sa.orm.aliased(HarvestObjectExtra)
    version = sa.orm.aliased(HarvestObjectExtra)
    rows = (
        model.Session.query(HarvestObject.guid, HarvestObject.package_id, kind.value, version.value)
        .outerjoin(kind, sa.and_(kind.harvest_object_id == HarvestObject.id, kind.key == "kind"))
        .outerjoin(version, sa.and_(version.harvest_object_id == HarvestObject.id, version.key == "version"))
        .filter(HarvestObject.harvest_source_id == source_id, imported())
        .filter(HarvestObject.package_id.isnot(None))
        .order_by(HarvestObject.guid, HarvestObject.import_finished.desc())
        .distinct(HarvestObject.guid)
    )
    return {guid: LocalRecord(package_id, version_value or "", kind_value == KIND_WITHDRAWAL)
            for guid, package_id, kind_value, version_value in rows}


def current_package_id(source_id: str, guid: str) -> str | None:
    """The dataset an earlier run made of a record (withdrawn ones included)."""
    row = (model.Session.query(HarvestObject.package_id)
           .filter(HarvestObject.harvest_source_id == source_id, HarvestObject.guid == guid,
                   imported(), HarvestObject.package_id.isnot(None))
           .order_by(HarvestObject.import_finished.desc())
           .first())
    return row[0] if row else None


def current_package_ids(source_id: str, guids: list[str]) -> dict[str, str]:
    """:func:`current_package_id` of many records at once."""
    rows = (model.Session.query(HarvestObject.guid, HarvestObject.package_id)
            .filter(HarvestObject.harvest_source_id == source_id, HarvestObject.guid.in_(guids),
                    imported(), HarvestObject.package_id.isnot(None))
            .order_by(HarvestObject.guid, HarvestObject.import_finished.desc())
            .distinct(HarvestObject.guid))
    return dict(rows.all())


def save_dataset(dataset: dict[str, Any], existing_id: str | None, user: str,
                 deferred: bool = False, user_object: model.User | None = None) -> str:
    """Create the dataset, or update ``existing_id`` with it (fields the source
    does not set, such as themes added by ODPO staff, are kept; a withdrawn
    one is restored). ``deferred``: neither committed nor indexed (the
    caller does both). ``user_object``: ``user``'s, when the caller has it
    (saves looking it up again). Returns the dataset's id."""
    context: dict[str, Any] = {"user": user, "ignore_auth": True, "return_id_only": True}
    if deferred:
        context["defer_commit"] = True
    if user_object is not None:
        context["auth_user_obj"] = user_object
    if existing_id:
        existing = tk.get_action("package_show")({"user": user, "ignore_auth": True}, {"id": existing_id})
        kept = {key: value for key, value in existing.items()
                if key not in dataset and key not in ("resources", "tags", "groups")}
        dataset = {**kept, **dataset, "id": existing_id, "name": existing["name"], "state": "active"}
        return tk.get_action("package_update")(context, dataset)
    return tk.get_action("package_create")(context, {**dataset, "name": unique_name(dataset["name"])})


def note_unmapped_licence(harvest_object: HarvestObject, dataset: dict[str, Any]) -> None:
    """Record the source's licence on the object when ODPO could not map it."""
    if dataset["licence_unmapped"]:
        harvest_object.extras.append(HarvestObjectExtra(key="licence_unmapped",
                                                        value=dataset["source_licence"]))


def rejection_message(error: tk.ValidationError) -> str:
    return f"rejected by the ODPO schema: {validation_summary(error)}"


def make_current(harvest_object: HarvestObject, package_id: str) -> None:
    """Flag ``harvest_object`` as the one that describes ``package_id`` now."""
    (model.Session.query(HarvestObject)
     .filter(HarvestObject.package_id == package_id, HarvestObject.id != harvest_object.id)
     .update({"current": False}, synchronize_session=False))
    harvest_object.package_id = package_id
    harvest_object.current = True
    harvest_object.save()


def withdraw_dataset(harvest_object: HarvestObject, reason: str, user: str) -> str | None:
    """Hide a dataset the source no longer publishes, keeping it for audit."""
    package_id = harvest_object.package_id
    package = model.Package.get(package_id) if package_id else None
    if package is None:
        return None
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()
    context = {"user": user, "ignore_auth": True}
    tk.get_action("package_patch")(context, {"id": package_id, "state": "deleted",
                                             "withdrawn_at": now, "withdrawal_reason": reason})
    return package_id


def unique_name(name: str) -> str:
    candidate, counter = name, 1
    while model.Session.query(model.Package.id).filter(model.Package.name == candidate).first():
        counter += 1
        candidate = f"{name[:90]}-{counter}"
    return candidate


def validation_summary(error: tk.ValidationError) -> str:
    parts = []
    for key, messages in (error.error_dict or {}).items():
        if isinstance(messages, list):
            text = "; ".join(str(message) for message in messages if isinstance(message, str)) or str(messages)
        else:
            text = str(messages)
        parts.append(f"{key}: {text}")
    return ", ".join(parts) or str(error)
