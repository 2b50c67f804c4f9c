"""Typed access to the YAML tables the demo catalogue is built from."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from ckanext.odpo import vocabularies

TABLE_FOLDER = Path(__file__).parent

# provider_type values of organisations
PREFECTURE = vocabularies.PREFECTURE_PROVIDER
PRIVATE_COMPANY = "company"


@dataclass(frozen=True)
class PublicBody:
    name: str
    title: str
    title_en: str
    municipality_code: str
    provider_type: str
    dataset_weight: int
    licence: str  # id in the harmonised licence register
    description: str

    @property
    def is_prefecture(self) -> bool:
        return self.provider_type == PREFECTURE


@dataclass(frozen=True)
class ProductOffer:
    """One product a company publishes, optionally narrowed by a qualifier."""

    product: str
    qualifier: str | None = None


@dataclass(frozen=True)
class Company:
    name: str
    title: str
    field: str
    head_office: str
    products: tuple[ProductOffer, ...] = ()


@dataclass(frozen=True)
class Variant:
    key: str
    label: str
    label_en: str | None = None


@dataclass(frozen=True)
class PublicDatasetType:
    key: str
    title: str
    scope: str
    tags: tuple[str, ...]
    themes: tuple[str, ...]
    update_frequency: str
    notes: str
    title_en: str | None = None
    conforms_to: str | None = None
    series_period: str | None = None
    series_lag: int = 0
    variants: tuple[Variant, ...] = ()
    title_has_body: bool = False
    resource_style: str = "list"
    resource_weight: int = 3

    def applies_to(self, body: PublicBody) -> bool:
        if self.scope == "all":
            return True
        return (self.scope == "prefecture") == body.is_prefecture


@dataclass(frozen=True)
class PricePlan:
    name: str
    price_jpy: int
    period: str
    delivery: str


@dataclass(frozen=True)
class PrivateProduct:
    key: str
    title: str
    tags: tuple[str, ...]
    themes: tuple[str, ...]
    update_frequency: str
    notes: str
    price_plans: tuple[PricePlan, ...]
    data_since: int  # first year of data
    personal_data_class: str = "none"
    title_en: str | None = None
    coverage: str | None = None
    resource_weight: int = 3


@dataclass(frozen=True)
class DemoTables:
    public_bodies: tuple[PublicBody, ...]
    companies: tuple[Company, ...]
    standards: dict[str, str]
    dataset_types: tuple[PublicDatasetType, ...]
    products: dict[str, PrivateProduct]


def _read_yaml(file_name: str) -> dict[str, Any]:
    with (TABLE_FOLDER / file_name).open(encoding="utf-8") as stream:
        return yaml.safe_load(stream)


def _company(row: dict[str, Any]) -> Company:
    offers = tuple(ProductOffer(**offer) for offer in row.pop("products", []))
    return Company(products=offers, **row)


def _dataset_type(row: dict[str, Any]) -> PublicDatasetType:
    series = row.pop("series", None)
    variants = tuple(Variant(**variant) for variant in row.pop("variants", []))
    return PublicDatasetType(
        tags=tuple(row.pop("tags")),
        themes=tuple(row.pop("themes")),
        series_period=series["period"] if series else None,
        series_lag=series.get("lag", 0) if series else 0,
        variants=variants,
        **row,
    )


def _product(row: dict[str, Any]) -> PrivateProduct:
    plans = tuple(PricePlan(**plan) for plan in row.pop("price_plans"))
    return PrivateProduct(
        tags=tuple(row.pop("tags")), themes=tuple(row.pop("themes")), price_plans=plans, **row
    )


@functools.cache
def demo_tables() -> DemoTables:
    """Load (once) the organisation, dataset-type and product tables."""
    organisations = _read_yaml("organisations.yaml")
    public_datasets = _read_yaml("public_datasets.yaml")
    products = _read_yaml("private_products.yaml")["products"]
    return DemoTables(
        public_bodies=tuple(PublicBody(**row) for row in organisations["public_bodies"]),
        companies=tuple(_company(row) for row in organisations["companies"]),
        standards=vocabularies.labels_of(vocabularies.STANDARD_DATASETS),
        dataset_types=tuple(_dataset_type(row) for row in public_datasets["dataset_types"]),
        products={row["key"]: _product(row) for row in products},
    )
