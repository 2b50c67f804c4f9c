"""Datasets of the public bodies: the prefecture and the municipalities."""
from __future__ import annotations

import random
from collections.abc import Iterator, Sequence

from .drafting import (
    FISCAL_YEAR,
    REFERENCE_DATE,
    DatasetDraft,
    series_coverage,
    split_sentences,
)
from .plan import PUBLIC_SECTOR, OrganisationPlan
from .shape import apportion
from .tables import DemoTables, PublicBody, PublicDatasetType, Variant

#: Oldest year a yearly series reaches back to.
FIRST_SERIES_YEAR = 2010

STANDARD_TAG = "自治体標準ODS"

#: The office answering for a dataset, by its first theme (contact_name).
THEME_OFFICES = {
    "administration": "総務部 情報政策課",
    "population": "総務部 統計課",
    "disaster_prevention": "危機管理室",
    "health_welfare": "健康福祉部 福祉総務課",
    "childcare_education": "こども未来部 子育て支援課",
    "tourism_culture": "都市魅力部 観光振興課",
    "transport": "都市整備部 交通政策課",
    "environment": "環境部 環境政策課",
    "industry_economy": "商工労働部 産業振興課",
    "infrastructure": "都市整備部 都市計画課",
    "weather": "危機管理室",
    "public_facilities": "総務部 資産経営課",
    "daily_life": "環境部 ごみ減量推進課",
    "employment": "商工労働部 雇用推進課",
    "agriculture": "環境農林水産部 農政課",
    "housing_land": "都市整備部 住宅政策課",
}


def body_organisation(body: PublicBody) -> OrganisationPlan:
    return OrganisationPlan(
        name=body.name,
        title=body.title,
        description=body.description,
        provider_type=body.provider_type,
        municipality_code=body.municipality_code,
        sector=PUBLIC_SECTOR,
        contact_email=_opendata_email(body),
        website=f"https://www.{body.name}.example.jp/",
    )


def _opendata_email(body: PublicBody) -> str:
    return f"opendata@{body.name}.example.jp"


def public_drafts(
    tables: DemoTables, bodies: Sequence[PublicBody], count: int, seed: int
) -> list[DatasetDraft]:
    """``count`` dataset drafts shared among ``bodies`` by their dataset weight."""
    candidates = [_candidates(tables, body, seed) for body in bodies]
    weights = [body.dataset_weight for body in bodies]
    capacities = [len(body_candidates) for body_candidates in candidates]
    shares = apportion(count, weights, capacities=capacities)
    if min(shares) == 0 and count >= len(bodies):
        shares = apportion(count, weights, minimum=1, capacities=capacities)
    return [
        draft
        for body_candidates, share in zip(candidates, shares, strict=True)
        for draft in body_candidates[:share]
    ]


def _candidates(tables: DemoTables, body: PublicBody, seed: int) -> list[DatasetDraft]:
    """Every dataset ``body`` could publish, the likeliest first: its current
    lists in a shuffled order, then its yearly series from the newest year."""
    types = [dataset_type for dataset_type in tables.dataset_types if dataset_type.applies_to(body)]
    current = [
        _draft(tables, body, dataset_type, variant, None)
        for dataset_type in types
        if dataset_type.series_period is None
        for variant in _variants_of(dataset_type)
    ]
    random.Random(f"{seed}:{body.name}").shuffle(current)
    series = [dataset_type for dataset_type in types if dataset_type.series_period]
    return current + list(_series_drafts(tables, body, series))


def _series_drafts(
    tables: DemoTables, body: PublicBody, series: Sequence[PublicDatasetType]
) -> Iterator[DatasetDraft]:
    for year in range(REFERENCE_DATE.year, FIRST_SERIES_YEAR - 1, -1):
        for dataset_type in series:
            if year > REFERENCE_DATE.year - dataset_type.series_lag:
                continue
            for variant in _variants_of(dataset_type):
                yield _draft(tables, body, dataset_type, variant, year)


def _variants_of(dataset_type: PublicDatasetType) -> tuple[Variant | None, ...]:
    return dataset_type.variants or (None,)


def _draft(
    tables: DemoTables,
    body: PublicBody,
    dataset_type: PublicDatasetType,
    variant: Variant | None,
    year: int | None,
) -> DatasetDraft:
    closed = year is not None and year < REFERENCE_DATE.year
    temporal_start, temporal_end = (
        series_coverage(year, dataset_type.series_period == FISCAL_YEAR) if year else (None, None)
    )
    return DatasetDraft(
        name=_dataset_name(body, dataset_type, variant, year),
        title=_title(body, dataset_type, variant, year),
        resource_title=dataset_type.title,
        owner_org=body.name,
        sector=PUBLIC_SECTOR,
        notes=split_sentences(dataset_type.notes.format(body=body.title)),
        remarks=_remarks(tables, dataset_type, year),
        tags=dataset_type.tags + ((STANDARD_TAG,) if dataset_type.conforms_to else ()),
        update_frequency="irregular" if closed else dataset_type.update_frequency,
        resource_style=dataset_type.resource_style,
        resource_weight=dataset_type.resource_weight,
        themes=dataset_type.themes,
        contact_name=f"{body.title} {THEME_OFFICES[dataset_type.themes[0]]}",
        contact_email=_opendata_email(body),
        title_en=_title_en(body, dataset_type, variant, year),
        spatial_municipality_codes=(body.municipality_code,),
        temporal_start=temporal_start,
        temporal_end=temporal_end,
        conforms_to=dataset_type.conforms_to,
        year=year,
        series_period=dataset_type.series_period,
        publisher_licence=body.licence,
    )


def _dataset_name(
    body: PublicBody, dataset_type: PublicDatasetType, variant: Variant | None, year: int | None
) -> str:
    """BODIK-style name: ``{municipality_code}_{slug}``, e.g. ``272051_public-toilet``."""
    parts = [dataset_type.key]
    if variant:
        parts.append(variant.key)
    if year:
        parts.append(str(year))
    return f"{body.municipality_code}_{'-'.join(parts)}"


def _title(
    body: PublicBody, dataset_type: PublicDatasetType, variant: Variant | None, year: int | None
) -> str:
    """e.g. 「吹田市 公衆トイレ一覧」, 「大阪府 犯罪発生情報（ひったくり・2024年）」."""
    title = dataset_type.title
    if not dataset_type.title_has_body:
        title = f"{body.title} {title}"
    qualifiers = []
    if variant:
        qualifiers.append(variant.label)
    if year:
        qualifiers.append(f"{year}{dataset_type.series_period}")
    return f"{title}（{'・'.join(qualifiers)}）" if qualifiers else title


def _title_en(
    body: PublicBody, dataset_type: PublicDatasetType, variant: Variant | None, year: int | None
) -> str | None:
    """e.g. "Public toilets, Suita City", "Street crime, Osaka Prefecture (bag
    snatching, 2024)"; none where the type or variant has no English name."""
    if dataset_type.title_en is None or (variant is not None and variant.label_en is None):
        return None
    title = dataset_type.title_en
    if not dataset_type.title_has_body:
        title = f"{title}, {body.title_en}"
    qualifiers = [variant.label_en] if variant and variant.label_en else []
    if year:
        qualifiers.append(f"FY{year}" if dataset_type.series_period == FISCAL_YEAR else str(year))
    return f"{title} ({', '.join(qualifiers)})" if qualifiers else title


def _remarks(
    tables: DemoTables, dataset_type: PublicDatasetType, year: int | None
) -> tuple[str, ...]:
    sentences = []
    if year:
        sentences.append(f"{year}{dataset_type.series_period}分のデータを収録しています。")
    if dataset_type.conforms_to:
        standard = tables.standards[dataset_type.conforms_to]
        sentences.append(f"自治体標準オープンデータセット「{standard}」の項目定義に準拠しています。")
    return tuple(sentences)
