"""Typed getters of the odpo_access options (declared in ckanext/odpo/config_declaration.yaml)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

DEFAULT_GRANT_DAYS = "odpo.access.default_grant_days"
NOTIFY_PROVIDERS = "odpo.access.notify_providers"


def default_grant_days() -> int:
    """Length of a grant when the provider gives no expiry date."""
    return int(tk.config.get(DEFAULT_GRANT_DAYS, 365) or 365)


def notify_providers() -> bool:
    """Whether the provider's editors and admins get an e-mail for each new request."""
    return tk.asbool(tk.config.get(NOTIFY_PROVIDERS, True))
