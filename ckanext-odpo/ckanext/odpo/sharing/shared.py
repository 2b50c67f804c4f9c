"""What other ODPO extensions may use of partner sharing."""
from __future__ import annotations

from ckanext.odpo.sharing.dcat_view import public_copy, resource_is_public
from ckanext.odpo.sharing.feed import (
    CREATED,
    DELETED,
    UNSHARED,
    UPDATED,
    WITHDRAWN,
    dataset_is_shareable,
    record_change,
)

__all__ = [
    "CREATED", "DELETED", "UNSHARED", "UPDATED", "WITHDRAWN",
    "dataset_is_shareable", "public_copy", "record_change", "resource_is_public",
]
