"""Which licence a demo dataset carries, by id of ODPO's harmonised licence
register (``ckanext/odpo/licences/register.yaml``), and what it implies for
secondary distribution.

Public bodies publish their open and registered data under their own terms
(``licence`` in ``organisations.yaml``); companies publish free data under
CC BY 4.0 (open) or CC BY-NC 4.0 (registered users). Restricted and paid data
of every provider carry ODPO's terms for that tier. The loaded catalogue
validates against the harmonised register, which the ``odpo`` plugin makes
CKAN's licence register unless the site sets ``licenses_group_url`` itself.
"""
from __future__ import annotations

from ckanext.odpo import vocabularies
from ckanext.odpo.licences import load_register

from .plan import PUBLIC_SECTOR

PUBLIC_DEFAULT_LICENCE = "pdl-1.0"
PRIVATE_OPEN_LICENCE = "cc-by-4.0"
PRIVATE_REGISTERED_LICENCE = "cc-by-nc-4.0"


def licence_for(sector: str, access_tier: str, body_licence: str | None = None) -> str:
    """The licence id of a dataset, given who publishes it and how."""
    if access_tier in vocabularies.TIER_LICENCE_IDS:
        return vocabularies.TIER_LICENCE_IDS[access_tier]
    if sector == PUBLIC_SECTOR:
        return body_licence or PUBLIC_DEFAULT_LICENCE
    if access_tier == vocabularies.OPEN_TIER:
        return PRIVATE_OPEN_LICENCE
    return PRIVATE_REGISTERED_LICENCE


def secondary_distribution_for(access_tier: str, licence_id: str) -> str:
    """``prohibited`` for restricted and paid data and under terms that forbid
    redistribution; ``allowed`` otherwise (also where the provider's own
    terms decide, as the schema's default does)."""
    if access_tier in vocabularies.AGREEMENT_TIERS:
        return vocabularies.DISTRIBUTION_PROHIBITED
    if load_register()[licence_id].flags.redistribution is False:
        return vocabularies.DISTRIBUTION_PROHIBITED
    return vocabularies.DISTRIBUTION_ALLOWED
