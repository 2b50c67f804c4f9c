"""The demo catalogue: a generated catalogue shaped like the published ODPO one.

:func:`build_catalogue_plan` describes it as plain data (no database);
:mod:`ckanext.odpo.demo.loader` creates it through CKAN actions.
"""
from __future__ import annotations

from .generator import DEFAULT_SEED, build_catalogue_plan
from .plan import CataloguePlan, DatasetPlan, OrganisationPlan, ResourcePlan

__all__ = [
    "DEFAULT_SEED",
    "CataloguePlan",
    "DatasetPlan",
    "OrganisationPlan",
    "ResourcePlan",
    "build_catalogue_plan",
]
