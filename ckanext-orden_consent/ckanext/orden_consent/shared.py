"""Public surface of ckanext-orden_consent for other plugins.

Check ``ckan.plugins.plugin_loaded("orden_consent")`` before using it.

- :func:`consent_required_for` — does the dataset need a stage-2 consent?
- :func:`check_platform_consent` — stage 1 (terms of use + privacy policy).
- :func:`check_dataset_consent` — "may this user use this dataset now?":
  open tiers: always allowed (even anonymous); other tiers: stage 1;
  tiers in ``orden_consent.consent_required_values``: stage 1 + stage 2,
  re-consent after a material change, blocked after a withdrawal. Anonymous
  users get ``platform_consent_required``; sysadmins and the dataset's editors
  are allowed. Datasets needing stage 2 without published terms are blocked.
- :func:`dataset_terms_version` — the current data terms of a dataset.
- :func:`record_use_ended` — tell the ledger that a user's grant to a
  dataset ended (expired, revoked): the user is reminded to delete the data
  and the provider sees the deletion confirmation as outstanding.

A refusal's :meth:`ConsentDecision.as_error_dict` is the machine-readable
part of a 403 answer: ``reason``, ``consent_url``, ``terms_version_id``,
``message``.
"""
from __future__ import annotations

from typing import Any

from ckanext.orden_consent.decisions import (
    CONSENT_WITHDRAWN_REASON,
    DATASET_CONSENT_REQUIRED,
    PLATFORM_CONSENT_REQUIRED,
    RECONSENT_REQUIRED,
    ConsentDecision,
    check_dataset_consent,
    check_platform_consent,
    consent_required_for,
    dataset_terms_version,
)



def record_use_ended(user_id: str, dataset_id: str, note: str = "") -> dict[str, Any]:
    """Record that ``user_id``'s grant to ``dataset_id`` ended (commits);
    returns the ledger record."""
    from ckanext.orden_consent import consents

    return consents.record_use_ended(user_id, dataset_id, note=note).as_dict()


__all__ = [
    "CONSENT_WITHDRAWN_REASON",
    "DATASET_CONSENT_REQUIRED",
    "PLATFORM_CONSENT_REQUIRED",
    "RECONSENT_REQUIRED",
    "ConsentDecision",
    "check_dataset_consent",
    "check_platform_consent",
    "consent_required_for",
    "dataset_terms_version",
    "record_use_ended",
]
