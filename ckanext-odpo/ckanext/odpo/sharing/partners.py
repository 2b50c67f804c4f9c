"""Partner prefectures: their records, API tokens, rate limit and pull log.

A token is shown once, when it is issued; only its SHA-256 is stored.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time
import uuid
from typing import Any

import sqlalchemy as sa
from ckan import model
from ckan.lib.redis import connect_to_redis
from ckanext.odpo.sharing.model import partner_table, pull_log_table

TOKEN_HEADER = "X-ODPO-Partner-Token"


class PartnerAccessError(Exception):
    """Why a partner token is refused; ``reason`` is one of ``missing``,
    ``unknown``, ``expired``, ``inactive``, ``rate_limited``."""

    def __init__(self, reason: str, retry_after: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def create_partner(name: str, title: str, valid_days: int | None) -> tuple[dict[str, Any], str]:
    """Register a partner; returns its record and its new token."""
    token = secrets.token_urlsafe(32)
    partner_id = str(uuid.uuid4())
    expires = now() + dt.timedelta(days=valid_days) if valid_days else None
    model.Session.execute(partner_table.insert().values(
        id=partner_id, name=name, title=title, token_hash=token_hash(token),
        token_expires_at=expires, active=True,
    ))
    return partner_record(partner_id) or {}, token


def reset_token(partner_id: str, valid_days: int | None) -> str:
    """Replace a partner's token (the old one stops working at once)."""
    token = secrets.token_urlsafe(32)
    expires = now() + dt.timedelta(days=valid_days) if valid_days else None
    model.Session.execute(partner_table.update().where(partner_table.c.id == partner_id).values(
        token_hash=token_hash(token), token_expires_at=expires,
    ))
    return token


def set_active(partner_id: str, active: bool) -> None:
    model.Session.execute(
        partner_table.update().where(partner_table.c.id == partner_id).values(active=active)
    )


def partner_record(id_or_name: str) -> dict[str, Any] | None:
    row = model.Session.execute(partner_table.select().where(
        sa.or_(partner_table.c.id == id_or_name, partner_table.c.name == id_or_name)
    )).first()
    return _public(row) if row else None


def partner_list() -> list[dict[str, Any]]:
    rows = model.Session.execute(partner_table.select().order_by(partner_table.c.name))
    return [_public(row) for row in rows]


def _public(row: Any) -> dict[str, Any]:
    record = {key: value for key, value in row._mapping.items() if key != "token_hash"}
    for key in ("token_expires_at", "created_at", "last_pull_at"):
        if record.get(key) is not None:
            record[key] = record[key].isoformat()
    return record


def partner_for_token(token: str | None) -> dict[str, Any]:
    """The active partner holding ``token``, or :class:`PartnerAccessError`."""
    if not token:
        raise PartnerAccessError("missing")
    row = model.Session.execute(
        partner_table.select().where(partner_table.c.token_hash == token_hash(token.strip()))
    ).first()
    if row is None:
        raise PartnerAccessError("unknown")
    if not row.active:
        raise PartnerAccessError("inactive")
    if row.token_expires_at is not None and row.token_expires_at <= now():
        raise PartnerAccessError("expired")
    return _public(row)


def check_rate(partner_id: str, per_minute: int) -> None:
    """Count one request of the partner in the current minute (Redis);
    :class:`PartnerAccessError` once the limit is reached."""
    window = int(time.time() // 60)
    key = f"odpo_sharing:rate:{partner_id}:{window}"
    redis = connect_to_redis()
    count = redis.incr(key)
    if count == 1:
        redis.expire(key, 120)
    if count > per_minute:
        raise PartnerAccessError("rate_limited", retry_after=60 - int(time.time()) % 60)


def log_pull(partner_id: str, cursor_from: str, cursor_to: str, changes: int, remote_addr: str) -> None:
    """Record one pull and the partner's sync status."""
    model.Session.execute(pull_log_table.insert().values(
        partner_id=partner_id, cursor_from=cursor_from, cursor_to=cursor_to,
        changes=changes, remote_addr=remote_addr,
    ))
    model.Session.execute(partner_table.update().where(partner_table.c.id == partner_id).values(
        last_pull_at=sa.func.now(), last_cursor=cursor_to,
        pull_count=partner_table.c.pull_count + 1,
        changes_served=partner_table.c.changes_served + changes,
    ))


def recent_pulls(partner_id: str, limit: int = 20) -> list[dict[str, Any]]:
    rows = model.Session.execute(
        pull_log_table.select().where(pull_log_table.c.partner_id == partner_id)
        .order_by(pull_log_table.c.id.desc()).limit(limit)
    )
    return [dict(row._mapping) for row in rows]
