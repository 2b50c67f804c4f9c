"""Which licence a demo dataset carries.

The demo speaks of the terms a provider actually publishes under (``terms``)
and maps them, in one table, to a licence id of CKAN's default licence
register. When ODPO's harmonised register arrives, only this table changes.
"""
from __future__ import annotations

from .plan import PUBLIC_SECTOR

#: terms of use -> CKAN licence id
LICENCE_REGISTER: dict[str, str] = {
    "pdl-1.0": "cc-by",  # 公共データ利用規約（第1.0版）, compatible with CC BY 4.0
    "gov-standard-2.0": "cc-by",  # 政府標準利用規約（第2.0版）, compatible with CC BY 4.0
    "cc-by-4.0": "cc-by",
    "cc0-1.0": "cc-zero",
    "odbl-1.0": "odc-odbl",
    "provider-terms": "other-at",  # the provider's own terms, attribution required
    "contract": "other-closed",  # individual contract (restricted or paid data)
}


def terms_for(sector: str, access_tier: str, body_terms: str | None = None) -> str:
    """The terms a dataset is published under, given who publishes it and how."""
    if access_tier in {"restricted", "paid"}:
        return "contract"
    if sector == PUBLIC_SECTOR:
        return body_terms or "pdl-1.0"
    return "cc-by-4.0" if access_tier == "open" else "provider-terms"


def licence_id_for(terms: str) -> str:
    """CKAN licence id of ``terms`` (KeyError for unknown terms)."""
    return LICENCE_REGISTER[terms]
