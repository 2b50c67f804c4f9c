"""The consent ledger: an append-only, hash-chained table of consent events.

Each record stores ``previous_hash`` (the ``record_hash`` of the record before
it; 64 zeros for the first) and ``record_hash``, the SHA-256 of its own
canonical content including ``previous_hash``. Positions run 1, 2, 3, ...
without gaps. Editing a record in SQL breaks its own hash; deleting one leaves
a gap and breaks the next record's link. :func:`verify` finds the first
broken link. The chain head (count and last hash) is printed by ``ckan
orden-consent verify`` and written into every export so that auditors can
also notice records cut from the end.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import ckan.model as model
import sqlalchemy as sa

from ckanext.orden_consent.model import EVENT_TYPES, ConsentEvent, utcnow

GENESIS_HASH = "0" * 64
# serialises appends (one chain, one writer at a time)
LEDGER_LOCK_KEY = 0x6F7264656E  # "orden"

HASHED_FIELDS = (
    "position", "id", "event_type", "user_id", "scope", "dataset_id", "terms_version_id",
    "terms_content_hash", "channel", "note", "form_token", "created_at", "previous_hash",
)
EXPORT_FIELDS = HASHED_FIELDS + ("record_hash",)


class DuplicateFormToken(Exception):
    """The consent form with this token was already submitted."""


def record_hash(values: dict[str, object]) -> str:
    """SHA-256 over the canonical JSON of the hashed fields."""
    canonical = {}
    for field in HASHED_FIELDS:
        value = values.get(field)
        if hasattr(value, "isoformat"):
            value = value.isoformat()  # type: ignore[union-attr]
        canonical[field] = value
    payload = json.dumps(canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append(
    *, event_type: str, user_id: str, scope: str, channel: str,
    dataset_id: str | None = None, terms_version_id: str | None = None,
    terms_content_hash: str | None = None, note: str = "", form_token: str | None = None,
) -> ConsentEvent:
    """Add one event at the end of the chain (in the current transaction,
    which the caller commits). Raises :class:`DuplicateFormToken` when the
    form token was used before."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown consent event type: {event_type}")
    session = model.Session
    session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": LEDGER_LOCK_KEY})
    if form_token and session.scalar(
        sa.select(ConsentEvent.position).where(ConsentEvent.form_token == form_token)
    ):
        raise DuplicateFormToken(form_token)
    last = session.execute(
        sa.select(ConsentEvent.position, ConsentEvent.record_hash)
        .order_by(ConsentEvent.position.desc()).limit(1)
    ).first()
    values: dict[str, object] = {
        "position": (last[0] + 1) if last else 1,
        "id": str(uuid.uuid4()),
        "event_type": event_type, "user_id": user_id, "scope": scope,
        "dataset_id": dataset_id, "terms_version_id": terms_version_id,
        "terms_content_hash": terms_content_hash, "channel": channel, "note": note or "",
        "form_token": form_token or None, "created_at": utcnow(),
        "previous_hash": last[1] if last else GENESIS_HASH,
    }
    event = ConsentEvent(**values, record_hash=record_hash(values))
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class VerificationResult:
    ok: bool
    records: int
    head_hash: str
    broken_position: int | None = None
    problem: str = ""


def _ordered_rows(batch: int = 2000) -> Iterator[dict[str, object]]:
    columns = [getattr(ConsentEvent, field) for field in EXPORT_FIELDS]
    statement = sa.select(*columns).order_by(ConsentEvent.position)
    result = model.Session.execute(statement.execution_options(yield_per=batch))
    for row in result:
        yield dict(zip(EXPORT_FIELDS, row))


def verify() -> VerificationResult:
    """Walk the chain; report the first record whose content or link is wrong."""
    expected_position, previous_hash, count = 1, GENESIS_HASH, 0
    for row in _ordered_rows():
        position = int(row["position"])  # type: ignore[arg-type]
        if position != expected_position:
            return VerificationResult(
                False, count, previous_hash, position,
                f"record {expected_position} is missing (next present record is {position})",
            )
        if row["previous_hash"] != previous_hash:
            return VerificationResult(
                False, count, previous_hash, position,
                f"record {position} does not link to record {position - 1}",
            )
        if record_hash(row) != row["record_hash"]:
            return VerificationResult(
                False, count, previous_hash, position,
                f"record {position} was altered: its content does not match its hash",
            )
        previous_hash = str(row["record_hash"])
        expected_position += 1
        count += 1
    return VerificationResult(True, count, previous_hash)


def events(
    *, user_id: str | None = None, dataset_id: str | None = None,
    dataset_ids: Iterable[str] | None = None,
) -> list[ConsentEvent]:
    """Ledger records, oldest first, optionally of one user and/or dataset(s)."""
    statement = sa.select(ConsentEvent).order_by(ConsentEvent.position)
    if user_id:
        statement = statement.where(ConsentEvent.user_id == user_id)
    if dataset_id:
        statement = statement.where(ConsentEvent.dataset_id == dataset_id)
    if dataset_ids is not None:
        statement = statement.where(ConsentEvent.dataset_id.in_(list(dataset_ids)))
    return list(model.Session.scalars(statement))


def export_rows(records: Iterable[ConsentEvent]) -> list[dict[str, object]]:
    return [record.as_dict() for record in records]


def as_csv(rows: list[dict[str, object]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(EXPORT_FIELDS), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue()


def as_json(rows: list[dict[str, object]], head: VerificationResult | None = None) -> str:
    document: dict[str, object] = {"records": rows}
    if head is not None:
        document["chain"] = {"ok": head.ok, "records": head.records, "head_hash": head.head_hash}
    return json.dumps(document, ensure_ascii=False, indent=1)
