"""Interfaces other plugins implement to follow consent events."""
from __future__ import annotations

from typing import Any

import ckan.plugins.interfaces as interfaces


class IConsentEvents(interfaces.Interface):
    """Be told about each consent ledger event once it is committed."""

    def after_consent_event(self, event: dict[str, Any]) -> None:
        """Called after a consent event was recorded.

        ``event`` is the ledger record: ``event_type`` (``consent_given``,
        ``reconsent_given``, ``consent_withdrawn``, ``deletion_confirmed``,
        ``use_ended``),
        ``user_id``, ``scope`` (``platform_terms``, ``privacy_policy`` or
        ``dataset:<id>``), ``dataset_id`` (or None), ``terms_version_id``,
        ``terms_content_hash``, ``channel`` (``web``/``api``/``cli``),
        ``created_at`` (ISO 8601, UTC), ``position`` and ``record_hash``.
        Use it e.g. to suspend grants when a consent is withdrawn.
        Exceptions are logged and do not undo the event.
        """
