"""Template helpers of ckanext-orden_consent (``tk.blanket.helpers``)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.orden_consent import consents, decisions, terms

__all__ = [
    "orden_consent_pending_reconsents",
    "orden_consent_dataset_status",
    "orden_consent_event_label",
    "orden_consent_kind_label",
    "orden_consent_change_label",
]


def orden_consent_pending_reconsents() -> list[dict[str, Any]]:
    """The logged-in user's consents paused by a material change (the notice
    shown on every page)."""
    if not tk.current_user.is_authenticated:
        return []
    try:
        return consents.pending_reconsents(tk.current_user.id)
    except Exception:  # tables missing (plugin enabled before migrating)
        return []


def orden_consent_dataset_status(dataset: dict[str, Any]) -> dict[str, Any] | None:
    """For a dataset page: whether consent is needed, the current terms and the
    user's decision. None for datasets needing nothing."""
    if terms.dataset_tier(dataset) in decisions.OPEN_TIERS:
        return None
    user_id = tk.current_user.id if tk.current_user.is_authenticated else None
    current = terms.dataset_terms(dataset)
    return {
        "consent_required": decisions.consent_required_for(dataset),
        "terms": current,
        "decision": decisions.check_dataset_consent(user_id, dataset),
        "consent_url": decisions.dataset_consent_url(dataset),
    }


def orden_consent_event_label(event_type: str) -> str:
    return {
        "consent_given": tk._("Consent given"),
        "reconsent_given": tk._("Re-consent given"),
        "consent_withdrawn": tk._("Consent withdrawn"),
        "deletion_confirmed": tk._("Deletion confirmed"),
        "use_ended": tk._("Use ended"),
    }.get(event_type, event_type)


def orden_consent_kind_label(kind: str) -> str:
    return {
        "platform_terms": tk._("Platform terms of use"),
        "privacy_policy": tk._("Privacy policy"),
        "data_terms": tk._("Data terms of use"),
    }.get(kind, kind)


def orden_consent_change_label(change_kind: str) -> str:
    return {
        "initial": tk._("First version"),
        "material": tk._("Material change (re-consent required)"),
        "minor": tk._("Minor change (notice only)"),
    }.get(change_kind, change_kind)
