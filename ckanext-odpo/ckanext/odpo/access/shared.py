"""Public surface of odpo_access for other plugins (samples, consent, DCAT).

- :func:`user_entitlement` — may this user use this dataset's data now?
- :func:`resource_is_withheld` — is this resource kept from the user? Samples
  (``is_sample: true``) never are.
- :func:`withhold_for_user` — the dataset dict as the user may see it.
"""
from __future__ import annotations

from ckanext.odpo.access.logic.entitlement import (
    Entitlement,
    dataset_tier,
    request_url,
    resource_is_withheld,
    user_entitlement,
)
from ckanext.odpo.access.logic.withhold import withhold_for_user

__all__ = [
    "Entitlement",
    "dataset_tier",
    "request_url",
    "resource_is_withheld",
    "user_entitlement",
    "withhold_for_user",
]
