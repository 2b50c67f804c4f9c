"""The demo catalogue as plain data, before anything touches CKAN."""
from __future__ import annotations

import datetime
from dataclasses import dataclass

PUBLIC_SECTOR = "public"
PRIVATE_SECTOR = "private"

ACCESS_TIERS = ("open", "registered", "restricted", "paid")
UPDATE_FREQUENCIES = ("daily", "weekly", "monthly", "quarterly", "annual", "irregular")


@dataclass(frozen=True)
class OrganisationPlan:
    name: str
    title: str
    description: str
    provider_type: str  # a value of vocabularies.PROVIDER_TYPES
    municipality_code: str
    sector: str
    contact_email: str
    website: str


@dataclass(frozen=True)
class PricePlanOffer:
    name: str
    price_jpy: int
    period: str
    delivery: str


@dataclass(frozen=True)
class ResourcePlan:
    name: str
    url: str
    format: str
    description: str
    is_sample: bool = False
    sample_of: str | None = None  # name of the resource the sample illustrates


@dataclass(frozen=True)
class DatasetPlan:
    name: str
    title: str
    owner_org: str
    sector: str
    notes: str
    tags: tuple[str, ...]
    license_id: str
    access_tier: str
    update_frequency: str
    last_data_update: datetime.date
    resources: tuple[ResourcePlan, ...]
    themes: tuple[str, ...]
    personal_data_class: str
    secondary_distribution: str
    contact_name: str
    contact_email: str
    title_en: str | None = None
    spatial_municipality_codes: tuple[str, ...] = ()
    temporal_start: datetime.date | None = None
    temporal_end: datetime.date | None = None
    conforms_to: str | None = None
    price_plans: tuple[PricePlanOffer, ...] = ()


@dataclass(frozen=True)
class CataloguePlan:
    organisations: tuple[OrganisationPlan, ...]
    datasets: tuple[DatasetPlan, ...]

    def organisations_of(self, sector: str) -> list[OrganisationPlan]:
        return [org for org in self.organisations if org.sector == sector]

    def datasets_of(self, sector: str) -> list[DatasetPlan]:
        return [dataset for dataset in self.datasets if dataset.sector == sector]

    def resource_count(self, sector: str | None = None) -> int:
        return sum(
            len(dataset.resources)
            for dataset in self.datasets
            if sector is None or dataset.sector == sector
        )
