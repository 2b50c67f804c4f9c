"""Typed getters for the options declared in ``config_declaration.yaml``.

Defaults repeat the declared ones so the getters also work while the plugin
is not loaded.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk

DATASET_FIELD = "orden_consent.dataset_field"
CONSENT_REQUIRED_VALUES = "orden_consent.consent_required_values"
PRIVACY_CONTACT = "orden_consent.privacy_contact"
LEDGER_RETENTION_YEARS = "orden_consent.ledger_retention_years"
LOG_RETENTION_DAYS = "orden_consent.log_retention_days"
NOTIFY_BY_EMAIL = "orden_consent.notify_by_email"


def dataset_field() -> str:
    """The dataset field holding the access tier (``access_tier``)."""
    return str(tk.config.get(DATASET_FIELD) or "access_tier").strip()


def consent_required_values() -> frozenset[str]:
    """Tier values needing a stage-2 consent (``restricted``, ``paid``)."""
    value = tk.config.get(CONSENT_REQUIRED_VALUES)
    if value is None or value == "":
        value = "restricted paid"
    items = value.split() if isinstance(value, str) else list(value)
    return frozenset(str(item).strip() for item in items if str(item).strip())


def privacy_contact() -> str:
    return str(tk.config.get(PRIVACY_CONTACT) or tk.config.get("smtp.mail_from") or "").strip()


def ledger_retention_years() -> int:
    return int(tk.config.get(LEDGER_RETENTION_YEARS) or 10)


def log_retention_days() -> int:
    return int(tk.config.get(LOG_RETENTION_DAYS) or 90)


def notify_by_email() -> bool:
    return tk.asbool(tk.config.get(NOTIFY_BY_EMAIL, True))
