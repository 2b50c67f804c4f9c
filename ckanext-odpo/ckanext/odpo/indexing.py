"""What ODPO adds to a dataset's search index document."""
from __future__ import annotations

import json
from typing import Any

#: Schema fields stored as JSON lists; indexed as multi-valued fields so they
#: can be searched and faceted value by value.
LIST_FIELDS = ("theme", "spatial_municipality_codes")


def index_document(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """Turn the JSON-list fields of ``pkg_dict`` into lists of strings."""
    for key in LIST_FIELDS:
        pkg_dict[key] = _as_list(pkg_dict.get(key))
        if not pkg_dict[key]:
            pkg_dict.pop(key)
    return pkg_dict


def _as_list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value if item not in (None, "")]
    text = str(value).strip()
    if text.startswith("["):
        try:
            return [str(item) for item in json.loads(text) if item not in (None, "")]
        except ValueError:
            pass
    return [part for part in text.replace(",", " ").split() if part]
