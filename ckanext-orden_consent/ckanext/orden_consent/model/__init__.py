"""Tables of the consent plugin (created by its alembic migrations).

``orden_consent_terms_version``: every published version of a terms document
(platform terms of use, privacy policy, data terms of a tier, provider or
dataset). Rows are never updated: a change is a new version.

``orden_consent_event``: the consent ledger. Append-only, one row per consent
event, each row carrying the hash of the previous one (see
:mod:`ckanext.orden_consent.ledger`).
"""
from __future__ import annotations

import datetime as dt

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

# terms kinds
PLATFORM_TERMS = "platform_terms"
PRIVACY_POLICY = "privacy_policy"
DATA_TERMS = "data_terms"
TERMS_KINDS = (PLATFORM_TERMS, PRIVACY_POLICY, DATA_TERMS)
PLATFORM_KINDS = (PLATFORM_TERMS, PRIVACY_POLICY)

# who a terms document applies to
SCOPE_PLATFORM = "platform"
SCOPE_TIER = "tier"
SCOPE_ORGANIZATION = "organization"
SCOPE_DATASET = "dataset"
SCOPE_TYPES = (SCOPE_PLATFORM, SCOPE_TIER, SCOPE_ORGANIZATION, SCOPE_DATASET)

# how a version differs from the previous one
CHANGE_INITIAL = "initial"
CHANGE_MATERIAL = "material"
CHANGE_MINOR = "minor"
CHANGE_KINDS = (CHANGE_INITIAL, CHANGE_MATERIAL, CHANGE_MINOR)

# ledger events
CONSENT_GIVEN = "consent_given"
RECONSENT_GIVEN = "reconsent_given"
CONSENT_WITHDRAWN = "consent_withdrawn"
DELETION_CONFIRMED = "deletion_confirmed"
# a grant depending on a consent ended (expiry, revocation): deletion is due
USE_ENDED = "use_ended"
EVENT_TYPES = (CONSENT_GIVEN, RECONSENT_GIVEN, CONSENT_WITHDRAWN, DELETION_CONFIRMED, USE_ENDED)
CONSENT_STATE_EVENTS = (CONSENT_GIVEN, RECONSENT_GIVEN, CONSENT_WITHDRAWN)

# "system": recorded by the platform itself (e.g. a grant expired)
CHANNELS = ("web", "api", "cli", "system")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class TermsVersion(tk.BaseModel):  # type: ignore[misc, valid-type]
    """One published, immutable version of a terms document."""

    __tablename__ = "orden_consent_terms_version"
    __table_args__ = (
        sa.UniqueConstraint("kind", "scope_type", "scope_id", "version",
                            name="orden_consent_terms_version_number"),
    )

    id: Mapped[str] = mapped_column(sa.UnicodeText, primary_key=True)
    kind: Mapped[str] = mapped_column(sa.UnicodeText, nullable=False)
    scope_type: Mapped[str] = mapped_column(sa.UnicodeText, nullable=False)
    scope_id: Mapped[str] = mapped_column(sa.UnicodeText, nullable=False, default="")
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    change_kind: Mapped[str] = mapped_column(sa.UnicodeText, nullable=False)
    change_summary: Mapped[str] = mapped_column(sa.UnicodeText, nullable=False, default="")
    title: Mapped[str] = mapped_column(sa.UnicodeText, nullable=False)
    body: Mapped[str] = mapped_column(sa.UnicodeText, nullable=False)
    purpose: Mapped[str] = mapped_column(sa.UnicodeText, nullable=False, default="")
    secondary_distribution: Mapped[str] = mapped_column(sa.UnicodeText, nullable=False, default="")
    retention_period: Mapped[str] = mapped_column(sa.UnicodeText, nullable=False, default="")
    deletion_method: Mapped[str] = mapped_column(sa.UnicodeText, nullable=False, default="")
    content_hash: Mapped[str] = mapped_column(sa.UnicodeText, nullable=False)
    published_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    published_by: Mapped[str] = mapped_column(sa.UnicodeText, nullable=False, default="")

    @property
    def chain_key(self) -> tuple[str, str, str]:
        return (self.kind, self.scope_type, self.scope_id)

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id, "kind": self.kind, "scope_type": self.scope_type,
            "scope_id": self.scope_id, "version": self.version, "change_kind": self.change_kind,
            "change_summary": self.change_summary, "title": self.title, "body": self.body,
            "purpose": self.purpose, "secondary_distribution": self.secondary_distribution,
            "retention_period": self.retention_period, "deletion_method": self.deletion_method,
            "content_hash": self.content_hash, "published_at": self.published_at.isoformat(),
            "published_by": self.published_by,
        }


class ConsentEvent(tk.BaseModel):  # type: ignore[misc, valid-type]
    """One record of the consent ledger."""

    __tablename__ = "orden_consent_event"
    __table_args__ = (
        sa.Index("orden_consent_event_user_scope", "user_id", "scope", "position"),
        sa.Index("orden_consent_event_dataset", "dataset_id", "position"),
    )

    position: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    id: Mapped[str] = mapped_column(sa.UnicodeText, nullable=False, unique=True)
    event_type: Mapped[str] = mapped_column(sa.UnicodeText, nullable=False)
    user_id: Mapped[str] = mapped_column(sa.UnicodeText, nullable=False)
    scope: Mapped[str] = mapped_column(sa.UnicodeText, nullable=False)
    dataset_id: Mapped[str | None] = mapped_column(sa.UnicodeText, nullable=True)
    terms_version_id: Mapped[str | None] = mapped_column(sa.UnicodeText, nullable=True)
    terms_content_hash: Mapped[str | None] = mapped_column(sa.UnicodeText, nullable=True)
    channel: Mapped[str] = mapped_column(sa.UnicodeText, nullable=False)
    note: Mapped[str] = mapped_column(sa.UnicodeText, nullable=False, default="")
    form_token: Mapped[str | None] = mapped_column(sa.UnicodeText, nullable=True, unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False)
    previous_hash: Mapped[str] = mapped_column(sa.UnicodeText, nullable=False)
    record_hash: Mapped[str] = mapped_column(sa.UnicodeText, nullable=False)

    def as_dict(self) -> dict[str, object]:
        return {
            "position": self.position, "id": self.id, "event_type": self.event_type,
            "user_id": self.user_id, "scope": self.scope, "dataset_id": self.dataset_id,
            "terms_version_id": self.terms_version_id,
            "terms_content_hash": self.terms_content_hash, "channel": self.channel,
            "note": self.note, "created_at": self.created_at.isoformat(),
            "previous_hash": self.previous_hash, "record_hash": self.record_hash,
        }
