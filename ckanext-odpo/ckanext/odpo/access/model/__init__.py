"""Tables of the odpo_access plugin (created by its alembic migrations).

* :class:`AccessRequest` — a user's request for a restricted dataset or a
  contract for a paid one. Once approved it is the user's *grant*: it carries
  the expiry, the contract number and, if it happens, the revocation. The
  contract status (requested / approved / active / expired / cancelled) is
  derived from these facts at the moment it is asked for, so an expired grant
  stops working at once.
* :class:`DownloadRecord` — the append-only download log (a database trigger
  refuses UPDATE and DELETE).
"""
from __future__ import annotations

import datetime
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

import ckan.plugins.toolkit as tk

REQUESTED = "requested"
APPROVED = "approved"
ACTIVE = "active"
EXPIRED = "expired"
CANCELLED = "cancelled"
REJECTED = "rejected"
REVOKED = "revoked"

#: Decision states stored on a request (``status`` column).
STORED_STATES = (REQUESTED, APPROVED, REJECTED, CANCELLED, REVOKED)

CHANNELS = ("web", "api")


def utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def new_id() -> str:
    return str(uuid.uuid4())


class AccessRequest(tk.BaseModel):  # type: ignore[misc]
    """A request for access (restricted tier) or a contract (paid tier)."""

    __tablename__ = "odpo_access_request"

    id: Mapped[str] = mapped_column(sa.UnicodeText, primary_key=True, default=new_id)
    package_id: Mapped[str] = mapped_column(sa.UnicodeText, index=True)
    user_id: Mapped[str] = mapped_column(sa.UnicodeText, index=True)
    tier: Mapped[str] = mapped_column(sa.UnicodeText)
    purpose: Mapped[str] = mapped_column(sa.UnicodeText, default="")
    intended_use: Mapped[str] = mapped_column(sa.UnicodeText, default="")
    plan_name: Mapped[str | None] = mapped_column(sa.UnicodeText, nullable=True)
    plan_price_jpy: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    plan_period: Mapped[str | None] = mapped_column(sa.UnicodeText, nullable=True)
    terms_accepted: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    terms_version_id: Mapped[str | None] = mapped_column(sa.UnicodeText, nullable=True)
    status: Mapped[str] = mapped_column(sa.UnicodeText, default=REQUESTED)
    contract_number: Mapped[str | None] = mapped_column(sa.UnicodeText, nullable=True, unique=True)
    created: Mapped[datetime.datetime] = mapped_column(sa.DateTime, default=utcnow)
    decided_at: Mapped[datetime.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    decided_by: Mapped[str | None] = mapped_column(sa.UnicodeText, nullable=True)
    reject_reason: Mapped[str | None] = mapped_column(sa.UnicodeText, nullable=True)
    starts_at: Mapped[datetime.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    expires_at: Mapped[datetime.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    revoked_at: Mapped[datetime.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    revoked_by: Mapped[str | None] = mapped_column(sa.UnicodeText, nullable=True)
    revoke_reason: Mapped[str | None] = mapped_column(sa.UnicodeText, nullable=True)
    # the end of use (revoked, or expired and noticed) told to the consent ledger
    use_ended_at: Mapped[datetime.datetime | None] = mapped_column(sa.DateTime, nullable=True)

    def contract_status(self, now: datetime.datetime | None = None) -> str:
        """requested / approved / active / expired / cancelled / rejected, now."""
        now = now or utcnow()
        if self.status == APPROVED:
            if self.expires_at is not None and self.expires_at <= now:
                return EXPIRED
            if self.starts_at is not None and self.starts_at > now:
                return APPROVED
            return ACTIVE
        if self.status in (CANCELLED, REVOKED):
            return CANCELLED
        return self.status

    def is_active(self, now: datetime.datetime | None = None) -> bool:
        return self.contract_status(now) == ACTIVE

    def as_dict(self) -> dict[str, Any]:
        def iso(value: datetime.datetime | None) -> str | None:
            return value.isoformat() if value is not None else None

        return {
            "id": self.id,
            "package_id": self.package_id,
            "user_id": self.user_id,
            "tier": self.tier,
            "purpose": self.purpose,
            "intended_use": self.intended_use,
            "plan_name": self.plan_name,
            "plan_price_jpy": self.plan_price_jpy,
            "plan_period": self.plan_period,
            "terms_accepted": self.terms_accepted,
            "terms_version_id": self.terms_version_id,
            "status": self.status,
            "contract_status": self.contract_status(),
            "contract_number": self.contract_number,
            "created": iso(self.created),
            "decided_at": iso(self.decided_at),
            "decided_by": self.decided_by,
            "reject_reason": self.reject_reason,
            "starts_at": iso(self.starts_at),
            "expires_at": iso(self.expires_at),
            "revoked_at": iso(self.revoked_at),
            "revoked_by": self.revoked_by,
            "revoke_reason": self.revoke_reason,
            "use_ended_at": iso(self.use_ended_at),
        }


class AuditBase(DeclarativeBase):
    """Tables CKAN must not empty: CKAN's test reset deletes the rows of every
    table in its own metadata, which the append-only trigger refuses."""


class DownloadRecord(AuditBase):
    """One download or API read of non-open data (append-only)."""

    __tablename__ = "odpo_access_download"

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=True)
    user_id: Mapped[str | None] = mapped_column(sa.UnicodeText, nullable=True, index=True)
    package_id: Mapped[str] = mapped_column(sa.UnicodeText, index=True)
    resource_id: Mapped[str | None] = mapped_column(sa.UnicodeText, nullable=True)
    grant_id: Mapped[str | None] = mapped_column(sa.UnicodeText, nullable=True)
    channel: Mapped[str] = mapped_column(sa.UnicodeText)
    bytes: Mapped[int | None] = mapped_column(sa.BigInteger, nullable=True)
    created: Mapped[datetime.datetime] = mapped_column(sa.DateTime, default=utcnow, index=True)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "user_id": self.user_id,
            "package_id": self.package_id,
            "resource_id": self.resource_id,
            "grant_id": self.grant_id,
            "channel": self.channel,
            "bytes": self.bytes,
            "created": self.created.isoformat(),
        }
