"""Actions of ckanext-odpo (registered with ``tk.blanket.actions``: the names
in ``__all__``)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context, DataDict, Schema
from ckanext.odpo import helpers, statistics

__all__ = ["odpo_catalogue_statistics"]

def licence_label(license_id: str) -> str:
    """Short name of a licence for charts: the register's, else CKAN's title."""
    if not license_id:
        return tk._("No licence provided")
    licence, _inferred = helpers.find_licence(license_id)
    if licence is not None:
        return licence.short_name
    ckan_licence = model.Package.get_license_register().get(license_id)
    return ckan_licence.title if ckan_licence is not None else license_id


#: How each breakdown's keys are labelled for people.
_BREAKDOWN_LABELS = {
    "organisations_by_provider_type": helpers.provider_type_label,
    "datasets_by_access_tier": helpers.access_tier_label,
    "datasets_by_licence": licence_label,
    "datasets_by_standard": helpers.standard_label,
    "datasets_by_freshness": helpers.freshness_label,
}


def catalogue_statistics_schema() -> Schema:
    ignore_missing = tk.get_validator("ignore_missing")
    isodate = tk.get_validator("isodate")
    return {"reference_date": [ignore_missing, isodate], "__extras": [tk.get_validator("ignore")]}


@tk.side_effect_free
@tk.validate(catalogue_statistics_schema)
def odpo_catalogue_statistics(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The catalogue's figures, as on the statistics page (``/odpo/stats``).

    Organisations, datasets ("catalogues") and resources ("data"), each split
    into public and private sector (a company's organisation is private, every
    other provider public), and the datasets by access tier, licence,
    自治体標準オープンデータセット type and freshness.

    Args:
        reference_date (str, optional): ISO date freshness is judged on
            (default: today).

    Returns:
        ``reference_date``; ``totals`` with ``organisations``, ``datasets``
        and ``resources``, each ``{"total", "public", "private"}``; and the
        breakdowns ``organisations_by_provider_type``,
        ``datasets_by_access_tier``, ``datasets_by_licence``,
        ``datasets_by_standard`` and ``datasets_by_freshness``: lists of
        ``{"key", "label", "total", "public", "private"}`` (``key`` is ``""``
        for datasets where the field is not set); ``samples`` with
        ``non_open_datasets`` (datasets of the registered, restricted and
        paid tiers) and ``without_samples`` (those of them without a sample
        resource), each ``{"total", "public", "private"}``.
    """
    tk.check_access("odpo_catalogue_statistics", context, data_dict)
    reference_date = data_dict.get("reference_date")
    figures = statistics.catalogue_statistics(
        reference_date=reference_date.date() if reference_date else None
    )
    return statistics_as_dict(figures)


def statistics_as_dict(figures: statistics.CatalogueStatistics) -> dict[str, Any]:
    """JSON form of the figures, with labels in the request's language."""
    result: dict[str, Any] = {
        "reference_date": figures.reference_date.isoformat(),
        "totals": {
            "organisations": figures.organisations.as_dict(),
            "datasets": figures.datasets.as_dict(),
            "resources": figures.resources.as_dict(),
        },
        "samples": {
            "non_open_datasets": figures.non_open_datasets.as_dict(),
            "without_samples": figures.non_open_datasets_without_samples.as_dict(),
        },
    }
    for name, rows in figures.breakdowns().items():
        label = _BREAKDOWN_LABELS[name]
        result[name] = [
            {"key": row.key, "label": label(row.key), **row.counts.as_dict()} for row in rows
        ]
    return result
