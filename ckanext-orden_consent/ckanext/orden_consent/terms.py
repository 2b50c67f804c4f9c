"""Terms documents: publishing immutable versions and finding the version that
applies to the platform or to a dataset."""
from __future__ import annotations

import difflib
import hashlib
import json
import uuid
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa

from ckanext.orden_consent import config
from ckanext.orden_consent.model import (
    CHANGE_INITIAL,
    CHANGE_MATERIAL,
    CHANGE_MINOR,
    DATA_TERMS,
    PLATFORM_KINDS,
    SCOPE_DATASET,
    SCOPE_ORGANIZATION,
    SCOPE_PLATFORM,
    SCOPE_TIER,
    TermsVersion,
    utcnow,
)

CONTENT_FIELDS = ("kind", "scope_type", "scope_id", "version", "title", "body", "purpose",
                  "secondary_distribution", "retention_period", "deletion_method")
TEXT_FIELDS = ("title", "body", "purpose", "secondary_distribution", "retention_period",
               "deletion_method")


def content_hash(values: dict[str, Any]) -> str:
    """SHA-256 of what a user agrees to (texts, scope and version number)."""
    canonical = {field: values.get(field) if values.get(field) is not None else ""
                 for field in CONTENT_FIELDS}
    payload = json.dumps(canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def get_version(version_id: str) -> TermsVersion | None:
    return model.Session.get(TermsVersion, version_id) if version_id else None


def chain(kind: str, scope_type: str, scope_id: str = "") -> list[TermsVersion]:
    """All versions of one document, oldest first."""
    return list(model.Session.scalars(
        sa.select(TermsVersion)
        .where(TermsVersion.kind == kind, TermsVersion.scope_type == scope_type,
               TermsVersion.scope_id == scope_id)
        .order_by(TermsVersion.version)
    ))


def current(kind: str, scope_type: str, scope_id: str = "") -> TermsVersion | None:
    return model.Session.scalars(
        sa.select(TermsVersion)
        .where(TermsVersion.kind == kind, TermsVersion.scope_type == scope_type,
               TermsVersion.scope_id == scope_id)
        .order_by(TermsVersion.version.desc()).limit(1)
    ).first()


def _currents(kind_in: tuple[str, ...], scopes: list[tuple[str, str]]) -> dict[tuple, TermsVersion]:
    """The current version of several documents in one query, by chain key."""
    if not scopes:
        return {}
    statement = (
        sa.select(TermsVersion)
        .where(TermsVersion.kind.in_(kind_in),
               sa.or_(*[sa.and_(TermsVersion.scope_type == scope_type, TermsVersion.scope_id == scope_id)
                        for scope_type, scope_id in scopes]))
        .order_by(TermsVersion.kind, TermsVersion.scope_type, TermsVersion.scope_id,
                  TermsVersion.version.desc())
        .distinct(TermsVersion.kind, TermsVersion.scope_type, TermsVersion.scope_id)
    )
    return {version.chain_key: version for version in model.Session.scalars(statement)}


def current_platform_versions() -> list[TermsVersion]:
    """Current platform terms of use and privacy policy (those published)."""
    found = _currents(PLATFORM_KINDS, [(SCOPE_PLATFORM, "")])
    return [found[key] for kind in PLATFORM_KINDS if (key := (kind, SCOPE_PLATFORM, "")) in found]


def dataset_tier(dataset: dict[str, Any]) -> str:
    """The value of the configured tier field, top-level or among extras."""
    field = config.dataset_field()
    value = dataset.get(field)
    if value is None:
        for extra in dataset.get("extras") or []:
            if extra.get("key") == field:
                value = extra.get("value")
                break
    return str(value or "").strip()


def consent_required_for(dataset: dict[str, Any]) -> bool:
    return dataset_tier(dataset) in config.consent_required_values()


def dataset_scopes(dataset: dict[str, Any]) -> list[tuple[str, str]]:
    """Where a dataset's data terms may come from, most specific first."""
    scopes = [(SCOPE_DATASET, str(dataset.get("id") or ""))]
    if dataset.get("owner_org"):
        scopes.append((SCOPE_ORGANIZATION, str(dataset["owner_org"])))
    tier = dataset_tier(dataset)
    if tier:
        scopes.append((SCOPE_TIER, tier))
    return scopes


def dataset_terms(dataset: dict[str, Any]) -> TermsVersion | None:
    """The current data terms applying to ``dataset``: its own, else its
    provider's, else its tier's."""
    scopes = [(scope_type, scope_id) for scope_type, scope_id in dataset_scopes(dataset) if scope_id]
    found = _currents((DATA_TERMS,), scopes)
    for scope_type, scope_id in scopes:
        if (DATA_TERMS, scope_type, scope_id) in found:
            return found[(DATA_TERMS, scope_type, scope_id)]
    return None


def material_change_since(accepted: TermsVersion, latest: TermsVersion) -> bool:
    """Whether a material version was published after ``accepted`` in the
    same document, up to ``latest``; a different document always counts."""
    if accepted.chain_key != latest.chain_key:
        return True
    if accepted.version >= latest.version:
        return False
    later = model.Session.scalar(
        sa.select(sa.func.count()).select_from(TermsVersion)
        .where(TermsVersion.kind == accepted.kind, TermsVersion.scope_type == accepted.scope_type,
               TermsVersion.scope_id == accepted.scope_id, TermsVersion.version > accepted.version,
               TermsVersion.version <= latest.version, TermsVersion.change_kind == CHANGE_MATERIAL)
    )
    return bool(later)


class TermsError(ValueError):
    """A terms version that cannot be published, with the field at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def publish(
    *, kind: str, scope_type: str, scope_id: str, title: str, body: str,
    change_kind: str | None = None, change_summary: str = "", purpose: str = "",
    secondary_distribution: str = "", retention_period: str = "", deletion_method: str = "",
    published_by: str = "",
) -> TermsVersion:
    """Add the next version of a document (the caller commits).

    The first version is ``initial``; later ones must say ``material`` or
    ``minor`` and summarise the change. Identical content is refused.
    """
    previous = current(kind, scope_type, scope_id)
    if previous is None:
        change_kind = CHANGE_INITIAL
    elif change_kind not in (CHANGE_MATERIAL, CHANGE_MINOR):
        raise TermsError("change_kind", tk._("A new version must be marked material or minor."))
    elif not change_summary.strip():
        raise TermsError("change_summary", tk._("Summarise what changed from the previous version."))
    values: dict[str, Any] = {
        "kind": kind, "scope_type": scope_type, "scope_id": scope_id,
        "version": (previous.version + 1) if previous else 1,
        "title": title.strip(), "body": body.strip(), "purpose": purpose.strip(),
        "secondary_distribution": secondary_distribution.strip(),
        "retention_period": retention_period.strip(), "deletion_method": deletion_method.strip(),
    }
    if previous is not None and all(
        getattr(previous, field) == values[field] for field in TEXT_FIELDS
    ):
        raise TermsError("body", tk._("The text is identical to the current version."))
    version = TermsVersion(
        id=str(uuid.uuid4()), change_kind=change_kind, change_summary=change_summary.strip(),
        content_hash=content_hash(values), published_at=utcnow(), published_by=published_by,
        **values,
    )
    model.Session.add(version)
    model.Session.flush()
    return version


def verify_content(version: TermsVersion) -> bool:
    """Whether a stored version still matches its content hash."""
    return content_hash({field: getattr(version, field) for field in CONTENT_FIELDS}) == (
        version.content_hash
    )


def text_of(version: TermsVersion) -> str:
    """The full text a user reads, sections included, for diffs."""
    parts = [version.title, "", version.body]
    for label, value in (("purpose", version.purpose),
                         ("secondary_distribution", version.secondary_distribution),
                         ("retention_period", version.retention_period),
                         ("deletion_method", version.deletion_method)):
        if value:
            parts += ["", f"[{label}]", value]
    return "\n".join(parts)


def diff_lines(old: TermsVersion, new: TermsVersion) -> list[tuple[str, str]]:
    """Line diff between two versions: (``added``/``removed``/``same``, text)."""
    lines: list[tuple[str, str]] = []
    for line in difflib.ndiff(text_of(old).splitlines(), text_of(new).splitlines()):
        tag, text = line[:2], line[2:]
        if tag == "+ ":
            lines.append(("added", text))
        elif tag == "- ":
            lines.append(("removed", text))
        elif tag == "  ":
            lines.append(("same", text))
    return lines
