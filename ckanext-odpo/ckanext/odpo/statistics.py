"""The catalogue's figures, counted in CKAN's own tables.

What is counted (the terms of ODPO's published figures):

* organisations: active organisations ("registered organisations");
* catalogues: active, public (not CKAN-private) datasets of the default type;
  harvest sources and unpublished drafts are not part of the catalogue;
* data: the active resources of those datasets;
* samples: the catalogue's datasets of the ``registered``, ``restricted`` and
  ``paid`` tiers, and those of them without any sample resource
  (``is_sample``), which their providers are asked to add.

Every figure is split by sector: an organisation is *private* when its
``provider_type`` is ``company`` and *public* otherwise; a dataset or resource
belongs to the sector of its organisation. Dataset fields are read from
``package.extras``, where CKAN keeps both plain extras and the fields
ckanext-scheming adds; ``provider_type`` from ``group.extras``.
"""
from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from ckan import model
from ckanext.odpo import freshness
from ckanext.odpo.helpers import (
    ACCESS_TIERS,
    PRIVATE_SECTOR,
    PROVIDER_TYPE_ALIASES,
    PROVIDER_TYPES,
    PUBLIC_SECTOR,
    provider_type_code,
    sector_of,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

#: Access tiers whose datasets need samples (everything but ``open``).
SAMPLED_TIERS = tuple(tier for tier in ACCESS_TIERS if tier != "open")

#: Key of the rows counting datasets where a field is missing.
NOT_SET = ""

#: Stored provider types that make an organisation private (codes and labels).
_PRIVATE_PROVIDER_VALUES = tuple(
    value
    for value in (*PROVIDER_TYPES, *PROVIDER_TYPE_ALIASES)
    if sector_of(provider_type_code(value)) == PRIVATE_SECTOR
)


@dataclass(frozen=True)
class SectorCounts:
    """One figure, split into public and private sector."""

    public: int = 0
    private: int = 0

    @property
    def total(self) -> int:
        return self.public + self.private

    def as_dict(self) -> dict[str, int]:
        return {"total": self.total, "public": self.public, "private": self.private}


@dataclass(frozen=True)
class CountRow:
    """The count of one value of a field (``key``; :data:`NOT_SET` if missing)."""

    key: str
    counts: SectorCounts


@dataclass(frozen=True)
class CatalogueStatistics:
    reference_date: datetime.date
    organisations: SectorCounts
    datasets: SectorCounts
    resources: SectorCounts
    organisations_by_provider_type: tuple[CountRow, ...]
    datasets_by_access_tier: tuple[CountRow, ...]
    datasets_by_licence: tuple[CountRow, ...]
    datasets_by_standard: tuple[CountRow, ...]
    datasets_by_freshness: tuple[CountRow, ...]
    non_open_datasets: SectorCounts = SectorCounts()
    non_open_datasets_without_samples: SectorCounts = SectorCounts()

    def breakdowns(self) -> dict[str, tuple[CountRow, ...]]:
        """The breakdowns by name, as the API reports them."""
        return {
            "organisations_by_provider_type": self.organisations_by_provider_type,
            "datasets_by_access_tier": self.datasets_by_access_tier,
            "datasets_by_licence": self.datasets_by_licence,
            "datasets_by_standard": self.datasets_by_standard,
            "datasets_by_freshness": self.datasets_by_freshness,
        }


def catalogue_statistics(
    session: Session | None = None, reference_date: datetime.date | None = None
) -> CatalogueStatistics:
    """Count the catalogue.

    Args:
        session: the SQLAlchemy session (default: CKAN's ``model.Session``).
        reference_date: the day freshness is judged on (default: today).

    Returns:
        The :class:`CatalogueStatistics`.
    """
    db = session if session is not None else model.Session
    today = reference_date or datetime.date.today()
    return CatalogueStatistics(
        reference_date=today,
        organisations=_totals(db, _organisation_query()),
        datasets=_totals(db, _dataset_query()),
        resources=_totals(db, _resource_query()),
        organisations_by_provider_type=organisations_by_provider_type(db),
        datasets_by_access_tier=_ordered(
            _dataset_counts(db, _package_extra("access_tier")), ACCESS_TIERS
        ),
        datasets_by_licence=_by_count(
            _dataset_counts(db, sa.func.coalesce(model.package_table.c.license_id, NOT_SET))
        ),
        datasets_by_standard=_by_key(_dataset_counts(db, _package_extra("conforms_to"))),
        datasets_by_freshness=datasets_by_freshness(db, today),
        non_open_datasets=_totals(db, _dataset_query().where(_non_open())),
        non_open_datasets_without_samples=_totals(
            db, _dataset_query().where(_non_open(), ~_has_sample())
        ),
    )


# --- queries ---------------------------------------------------------------------


def _sector_column() -> sa.ColumnElement[str]:
    provider = model.group_table.c.extras["provider_type"].astext
    return sa.case(
        (provider.in_(_PRIVATE_PROVIDER_VALUES), PRIVATE_SECTOR), else_=PUBLIC_SECTOR
    ).label("sector")


def _package_extra(key: str) -> sa.ColumnElement[str]:
    value = model.package_table.c.extras[key].astext
    return sa.func.coalesce(sa.func.nullif(sa.func.btrim(value), ""), NOT_SET)


def _catalogue_datasets() -> list[sa.ColumnElement[bool]]:
    package = model.package_table
    return [package.c.state == "active", package.c.type == "dataset", package.c.private.is_(False)]


def _non_open() -> sa.ColumnElement[bool]:
    return model.package_table.c.extras["access_tier"].astext.in_(SAMPLED_TIERS)


def _has_sample() -> sa.ColumnElement[bool]:
    """The dataset has an active resource with ``is_sample`` true."""
    resource = model.resource_table
    # resource.extras is JSON stored as text
    is_sample = sa.cast(sa.type_coerce(resource.c.extras, sa.UnicodeText), JSONB)["is_sample"].astext
    return sa.exists().where(
        resource.c.package_id == model.package_table.c.id,
        resource.c.state == "active",
        sa.func.lower(is_sample) == "true",
    )


def datasets_without_samples(
    db: Session, organisation_ids: Sequence[str] | None = None
) -> list[sa.Row[Any]]:
    """Active datasets of the non-open tiers that have no sample, private ones
    included, optionally only of ``organisation_ids``; rows of ``id``,
    ``name``, ``title``, ``owner_org``, ``access_tier``, by title."""
    package = model.package_table
    query = sa.select(
        package.c.id,
        package.c.name,
        package.c.title,
        package.c.owner_org,
        package.c.extras["access_tier"].astext.label("access_tier"),
    ).where(package.c.state == "active", package.c.type == "dataset", _non_open(), ~_has_sample())
    if organisation_ids is not None:
        query = query.where(package.c.owner_org.in_(list(organisation_ids)))
    return list(db.execute(query.order_by(package.c.title, package.c.name)).all())


def _dataset_query() -> sa.Select[Any]:
    package, group = model.package_table, model.group_table
    return (
        sa.select(_sector_column(), sa.func.count())
        .select_from(package.outerjoin(group, group.c.id == package.c.owner_org))
        .where(*_catalogue_datasets())
    )


def _resource_query() -> sa.Select[Any]:
    package, group, resource = model.package_table, model.group_table, model.resource_table
    joined = package.join(resource, resource.c.package_id == package.c.id).outerjoin(
        group, group.c.id == package.c.owner_org
    )
    return (
        sa.select(_sector_column(), sa.func.count())
        .select_from(joined)
        .where(*_catalogue_datasets(), resource.c.state == "active")
    )


def _organisation_query() -> sa.Select[Any]:
    group = model.group_table
    return sa.select(_sector_column(), sa.func.count()).where(
        group.c.is_organization.is_(True), group.c.state == "active"
    )


def _totals(db: Session, query: sa.Select[Any]) -> SectorCounts:
    counts = dict(db.execute(query.group_by(sa.literal_column("sector"))).all())
    return SectorCounts(public=counts.get(PUBLIC_SECTOR, 0), private=counts.get(PRIVATE_SECTOR, 0))


def _dataset_counts(db: Session, key: sa.ColumnElement[str]) -> dict[str, SectorCounts]:
    """Datasets per value of ``key`` and sector."""
    query = _dataset_query().add_columns(key.label("key"))
    rows = db.execute(query.group_by(sa.literal_column("sector"), sa.literal_column("key")))
    return _collect((str(row.key), row.sector, row[1]) for row in rows)


def organisations_by_provider_type(db: Session) -> tuple[CountRow, ...]:
    """Organisations per provider type (Japanese labels counted as their code)."""
    provider = model.group_table.c.extras["provider_type"].astext.label("key")
    query = _organisation_query().add_columns(provider)
    rows = db.execute(query.group_by(sa.literal_column("sector"), sa.literal_column("key")))
    counts = _collect(
        (provider_type_code(row.key) or NOT_SET, row.sector, row[1]) for row in rows
    )
    return _ordered(counts, PROVIDER_TYPES)


def datasets_by_freshness(db: Session, reference_date: datetime.date) -> tuple[CountRow, ...]:
    """Datasets per freshness status on ``reference_date``."""
    frequency = _package_extra("update_frequency").label("frequency")
    updated = _package_extra("last_data_update").label("updated")
    query = _dataset_query().add_columns(frequency, updated)
    rows = db.execute(
        query.group_by(
            sa.literal_column("sector"), sa.literal_column("frequency"), sa.literal_column("updated")
        )
    )
    counts = _collect(
        (freshness.assess_freshness(row.updated, row.frequency, reference_date).status, row.sector, row[1])
        for row in rows
    )
    return _ordered(counts, freshness.FRESHNESS_STATUSES, keep_empty=True)


# --- shaping the rows ----------------------------------------------------------


def _collect(rows: Iterable[tuple[str, str, int]]) -> dict[str, SectorCounts]:
    public: dict[str, int] = defaultdict(int)
    private: dict[str, int] = defaultdict(int)
    for key, sector, count in rows:
        (private if sector == PRIVATE_SECTOR else public)[key] += count
    return {
        key: SectorCounts(public=public.get(key, 0), private=private.get(key, 0))
        for key in dict.fromkeys([*public, *private])
    }


def _ordered(
    counts: dict[str, SectorCounts], order: Sequence[str], keep_empty: bool = False
) -> tuple[CountRow, ...]:
    """Known keys in vocabulary order (all of them if ``keep_empty``), then the
    others by key, then :data:`NOT_SET`."""
    known = [key for key in order if keep_empty or key in counts]
    others = sorted(key for key in counts if key not in order and key != NOT_SET)
    keys = known + others + ([NOT_SET] if NOT_SET in counts else [])
    return tuple(CountRow(key, counts.get(key, SectorCounts())) for key in keys)


def _by_count(counts: dict[str, SectorCounts]) -> tuple[CountRow, ...]:
    """Largest first, ties by key, :data:`NOT_SET` last."""
    keys = sorted((key for key in counts if key != NOT_SET), key=lambda k: (-counts[k].total, k))
    return _ordered(counts, keys)


def _by_key(counts: dict[str, SectorCounts]) -> tuple[CountRow, ...]:
    return _ordered(counts, sorted(key for key in counts if key != NOT_SET))
