"""What public and private demo datasets have in common: access tiers,
freshness, resource allotment and the last step from draft to plan."""
from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass

from ckanext.odpo import vocabularies

from . import licences
from .plan import (
    PRIVATE_SECTOR,
    PUBLIC_SECTOR,
    DatasetPlan,
    PricePlanOffer,
)
from .resources import ResourceContext, resource_plans, style_capacity
from .shape import apportion

#: The day the published figures refer to; all demo dates lie before it.
REFERENCE_DATE = datetime.date(2025, 10, 1)
#: series period of fiscal years (April to March); calendar years are 年
FISCAL_YEAR = "年度"

#: Share of each access tier among the datasets of a sector.
TIER_WEIGHTS: dict[str, dict[str, float]] = {
    PUBLIC_SECTOR: {"open": 0.86, "registered": 0.09, "restricted": 0.05},
    PRIVATE_SECTOR: {"paid": 0.60, "restricted": 0.25, "open": 0.10, "registered": 0.05},
}

#: Longest gap, in days, between two updates at each update frequency.
UPDATE_INTERVAL_DAYS = {
    "daily": 1,
    "weekly": 7,
    "monthly": 31,
    "quarterly": 92,
    "annual": 365,
    "irregular": 730,
}
#: Share of datasets updated later than their frequency promises.
OVERDUE_SHARE = 0.1

FREQUENCY_LABELS = {
    "daily": "毎日",
    "weekly": "毎週",
    "monthly": "毎月",
    "quarterly": "四半期ごとに",
    "annual": "年1回",
    "irregular": "不定期に",
}

TIER_SENTENCES = {
    "registered": "ODPOに利用者登録すると利用できます。",
    "restricted": "限定公開データで、利用には提供者の承認が必要です。",
    "paid": "有償データで、料金プランから購入できます（サンプルデータは無償です）。",
}
MAX_NOTE_SENTENCES = 4


@dataclass(frozen=True)
class DatasetDraft:
    """A dataset whose access tier and number of resources are not decided yet."""

    name: str
    title: str
    resource_title: str  # the title without publisher and period, for resource names
    owner_org: str
    sector: str
    notes: tuple[str, ...]  # what the data is
    remarks: tuple[str, ...]  # period and standard, dropped first when notes run long
    tags: tuple[str, ...]
    update_frequency: str
    resource_style: str
    resource_weight: int
    themes: tuple[str, ...]
    contact_name: str
    contact_email: str
    title_en: str | None = None
    personal_data_class: str = "none"
    spatial_municipality_codes: tuple[str, ...] = ()
    temporal_start: datetime.date | None = None
    temporal_end: datetime.date | None = None
    conforms_to: str | None = None
    year: int | None = None  # of a yearly series
    series_period: str | None = None  # 年 (calendar year) or 年度 (fiscal year)
    publisher_licence: str | None = None  # licence id of the publisher's open data
    price_plans: tuple[PricePlanOffer, ...] = ()

    @property
    def is_closed(self) -> bool:
        """A past year of a series: its data is complete and no longer updated."""
        return self.year is not None and self.year < REFERENCE_DATE.year

    def resource_context(self) -> ResourceContext:
        return ResourceContext(
            dataset_name=self.name,
            title=self.resource_title,
            year=self.year,
            fiscal_year=self.series_period == FISCAL_YEAR,
            reference_date=REFERENCE_DATE,
        )

    def resource_capacity(self) -> int:
        return style_capacity(self.resource_style, self.resource_context())


def series_coverage(
    year: int, fiscal_year: bool
) -> tuple[datetime.date, datetime.date | None]:
    """First and last day of a series period; no last day while it runs."""
    start = datetime.date(year, 4 if fiscal_year else 1, 1)
    end = datetime.date(year + 1, start.month, 1) - datetime.timedelta(days=1)
    return start, (end if end < REFERENCE_DATE else None)


def split_sentences(text: str) -> tuple[str, ...]:
    """Japanese sentences of ``text``, each ending in 「。」."""
    return tuple(sentence + "。" for sentence in text.split("。") if sentence)


def access_tiers(count: int, sector: str, rng: random.Random) -> list[str]:
    """``count`` access tiers in the proportions of the sector, shuffled."""
    weights = TIER_WEIGHTS[sector]
    shares = apportion(count, list(weights.values()))
    tiers = [tier for tier, share in zip(weights, shares, strict=True) for _ in range(share)]
    rng.shuffle(tiers)
    return tiers


def resource_counts(total: int, drafts: Sequence[DatasetDraft], rng: random.Random) -> list[int]:
    """Share ``total`` resources among ``drafts``: one at least, more where the
    kind of dataset usually has more."""
    weights = [draft.resource_weight * rng.uniform(0.5, 1.5) for draft in drafts]
    capacities = [draft.resource_capacity() for draft in drafts]
    return apportion(total, weights, minimum=1, capacities=capacities)


def last_data_update(draft: DatasetDraft, rng: random.Random) -> datetime.date:
    """When the data was last updated, consistent with its update frequency."""
    if draft.is_closed and draft.year is not None:
        closing = datetime.date(draft.year + 1, 4 if draft.series_period == FISCAL_YEAR else 1, 1)
        updated = closing + datetime.timedelta(days=rng.randint(10, 120))
        return min(updated, REFERENCE_DATE - datetime.timedelta(days=1))
    interval = UPDATE_INTERVAL_DAYS[draft.update_frequency]
    age = rng.randint(0, interval)
    if rng.random() < OVERDUE_SHARE:
        age += interval * rng.randint(2, 4)
    return REFERENCE_DATE - datetime.timedelta(days=age)


def finish_draft(
    draft: DatasetDraft, access_tier: str, resource_count: int, rng: random.Random
) -> DatasetPlan:
    """Turn a draft into the dataset plan the loader creates."""
    licence_id = licences.licence_for(draft.sector, access_tier, draft.publisher_licence)
    resources = resource_plans(
        draft.resource_style,
        draft.resource_context(),
        resource_count,
        with_sample=access_tier != vocabularies.OPEN_TIER,
    )
    return DatasetPlan(
        name=draft.name,
        title=draft.title,
        owner_org=draft.owner_org,
        sector=draft.sector,
        notes=_notes(draft, access_tier),
        tags=_tags(draft, access_tier),
        license_id=licence_id,
        access_tier=access_tier,
        update_frequency=draft.update_frequency,
        last_data_update=last_data_update(draft, rng),
        resources=resources,
        themes=draft.themes,
        personal_data_class=draft.personal_data_class,
        secondary_distribution=licences.secondary_distribution_for(access_tier, licence_id),
        contact_name=draft.contact_name,
        contact_email=draft.contact_email,
        title_en=draft.title_en,
        spatial_municipality_codes=draft.spatial_municipality_codes,
        temporal_start=draft.temporal_start,
        temporal_end=draft.temporal_end,
        conforms_to=draft.conforms_to,
        price_plans=draft.price_plans if access_tier == vocabularies.PAID_TIER else (),
    )


def _notes(draft: DatasetDraft, access_tier: str) -> str:
    sentences = list(draft.notes)
    if access_tier in TIER_SENTENCES:
        sentences.append(TIER_SENTENCES[access_tier])
    sentences += draft.remarks
    if len(sentences) < 2:
        label = FREQUENCY_LABELS[draft.update_frequency]
        sentences.append(f"データは{label}更新します。")
    return "".join(sentences[:MAX_NOTE_SENTENCES])


def _tags(draft: DatasetDraft, access_tier: str) -> tuple[str, ...]:
    extra = ("有償データ",) if access_tier == "paid" else ()
    return tuple(dict.fromkeys(draft.tags + extra))
