"""Datasets of the private companies: mostly paid or restricted data products."""
from __future__ import annotations

import datetime
import random
from collections.abc import Iterator, Sequence

from .drafting import DatasetDraft, split_sentences
from .plan import PRIVATE_SECTOR, OrganisationPlan, PricePlanOffer
from .tables import PRIVATE_COMPANY, Company, DemoTables, PricePlan, ProductOffer

PRIVATE_DATA_TAG = "民間データ"
#: Companies price the same kind of product differently.
PRICE_FACTORS = (0.8, 0.9, 1.0, 1.0, 1.2, 1.5)


def company_organisation(company: Company) -> OrganisationPlan:
    return OrganisationPlan(
        name=company.name,
        title=company.title,
        description=(
            f"{company.title}は、{company.field}分野のデータを扱う民間企業です。"
            "ORDENの参加事業者としてODPOにデータ提供者登録しています。"
        ),
        provider_type=PRIVATE_COMPANY,
        municipality_code=company.head_office,
        sector=PRIVATE_SECTOR,
        contact_email=_data_desk_email(company),
        website=f"https://www.{company.name}.example.jp/",
    )


def _data_desk_email(company: Company) -> str:
    return f"data@{company.name}.example.jp"


def private_drafts(
    tables: DemoTables, companies: Sequence[Company], count: int, seed: int
) -> list[DatasetDraft]:
    """``count`` dataset drafts: each company's first product, then its second..."""
    offers = list(_offers_in_turn(companies))[:count]
    if len(offers) < count:
        raise ValueError(f"{len(companies)} companies offer only {len(offers)} products")
    rng = random.Random(f"{seed}:prices")
    return [_draft(tables, company, offer, rng.choice(PRICE_FACTORS)) for company, offer in offers]


def _offers_in_turn(companies: Sequence[Company]) -> Iterator[tuple[Company, ProductOffer]]:
    rounds = max((len(company.products) for company in companies), default=0)
    for turn in range(rounds):
        for company in companies:
            if turn < len(company.products):
                yield company, company.products[turn]


def _draft(
    tables: DemoTables, company: Company, offer: ProductOffer, price_factor: float
) -> DatasetDraft:
    product = tables.products[offer.product]
    title = f"{product.title}（{offer.qualifier}）" if offer.qualifier else product.title
    notes = product.notes.format(company=company.title)
    return DatasetDraft(
        name=f"{company.name}_{product.key}",
        title=title,
        resource_title=product.title,
        owner_org=company.name,
        sector=PRIVATE_SECTOR,
        notes=split_sentences(notes),
        remarks=(),
        tags=(*product.tags, PRIVATE_DATA_TAG),
        update_frequency=product.update_frequency,
        resource_style="sample",
        resource_weight=product.resource_weight,
        themes=product.themes,
        contact_name=f"{company.title} データ提供窓口",
        contact_email=_data_desk_email(company),
        title_en=None if offer.qualifier else product.title_en,
        personal_data_class=product.personal_data_class,
        spatial_municipality_codes=(product.coverage,) if product.coverage else (),
        temporal_start=datetime.date(product.data_since, 1, 1),
        price_plans=tuple(_priced(plan, price_factor) for plan in product.price_plans),
    )


def _priced(plan: PricePlan, price_factor: float) -> PricePlanOffer:
    price = round(plan.price_jpy * price_factor, -3)
    return PricePlanOffer(plan.name, int(price), plan.period, plan.delivery)
