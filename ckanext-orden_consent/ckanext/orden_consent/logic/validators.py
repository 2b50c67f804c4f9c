"""Validators of ckanext-orden_consent (registered with ``tk.blanket.validators``)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

__all__ = ["orden_consent_id_list"]


def orden_consent_id_list(value: Any) -> list[str]:
    """A list of ids from a list or a comma/space separated string."""
    if isinstance(value, str):
        items = value.replace(",", " ").split()
    elif isinstance(value, (list, tuple)):
        items = [str(item).strip() for item in value]
    else:
        raise tk.Invalid(tk._("Expected a list of terms version ids."))
    items = [item for item in items if item]
    if not items:
        raise tk.Invalid(tk._("Missing value"))
    return items
