"""The owner organisation's fields the shared descriptions carry, read
straight from the model and kept for a minute (a catalogue of thousands of
datasets has about a hundred providers)."""
from __future__ import annotations

import time
from typing import Any

from ckan import model

CACHE_SECONDS = 60.0
_cache: dict[str, tuple[float, dict[str, Any]]] = {}


def organisation_fields(organisation_id: str) -> dict[str, Any]:
    """``id``, ``name``, ``title`` and the scheming extras
    (``municipality_code``, ``contact_email``, ``website``, ...) of an
    organisation; ``{}`` for an unknown id."""
    if not organisation_id:
        return {}
    cached = _cache.get(organisation_id)
    if cached and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    group = model.Group.get(organisation_id)
    fields: dict[str, Any] = {}
    if group is not None:
        fields = {"id": group.id, "name": group.name, "title": group.title}
        fields.update({key: value for key, value in (group.extras or {}).items() if value})
    _cache[organisation_id] = (time.monotonic(), fields)
    return fields


def forget_organisations() -> None:
    _cache.clear()
