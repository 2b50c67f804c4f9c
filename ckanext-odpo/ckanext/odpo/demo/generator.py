"""Build the demo catalogue plan: deterministic for a given scale and seed."""
from __future__ import annotations

import random
from collections.abc import Sequence

from .drafting import DatasetDraft, access_tiers, finish_draft, resource_counts
from .plan import CataloguePlan, DatasetPlan
from .private_sector import company_organisation, private_drafts
from .public_sector import body_organisation, public_drafts
from .shape import PUBLISHED_SHAPE, SectorShape
from .tables import demo_tables

DEFAULT_SEED = 20251001


def build_catalogue_plan(scale: float = 1.0, seed: int = DEFAULT_SEED) -> CataloguePlan:
    """The demo catalogue at ``scale`` (1.0: the published ODPO figures)."""
    shape = PUBLISHED_SHAPE.scaled(scale)
    tables = demo_tables()
    bodies = tables.public_bodies[: shape.public.organisations]
    companies = tables.companies[: shape.private.organisations]
    organisations = [body_organisation(body) for body in bodies]
    organisations += [company_organisation(company) for company in companies]
    public = public_drafts(tables, bodies, shape.public.datasets, seed)
    private = private_drafts(tables, companies, shape.private.datasets, seed)
    datasets = _finish(public, shape.public, seed) + _finish(private, shape.private, seed)
    return CataloguePlan(tuple(organisations), tuple(datasets))


def _finish(drafts: Sequence[DatasetDraft], shape: SectorShape, seed: int) -> list[DatasetPlan]:
    """Decide tiers and resource counts for the drafts of one sector."""
    if not drafts:
        return []
    sector = drafts[0].sector
    rng = random.Random(f"{seed}:{sector}")
    tiers = access_tiers(len(drafts), sector, rng)
    counts = resource_counts(shape.resources, drafts, rng)
    return [
        finish_draft(draft, tier, count, rng)
        for draft, tier, count in zip(drafts, tiers, counts, strict=True)
    ]
