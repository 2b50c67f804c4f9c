"""Create the demo catalogue through CKAN actions.

Loading is idempotent: organisations are found by name (slug) and datasets by
name; what already exists is left as it is, what was deleted is restored.

Each dataset is created with its resources by one ``package_create``, which
commits and indexes it. ``defer_commit`` is not used: in CKAN 2.12 it skips
the search indexing as well as the commit, and the commit is the cheap part.

The ODPO metadata travels as the first-class fields of the ODPO scheming
schemas (``schemas/dataset.yaml``, ``schemas/organization.yaml``), so the
``scheming_datasets`` and ``scheming_organizations`` plugins must be loaded,
with CKAN's licence register being ODPO's harmonised one.
"""
from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.types import Context

from .plan import (
    CataloguePlan,
    DatasetPlan,
    OrganisationPlan,
    PricePlanOffer,
    ResourcePlan,
)

#: Plugins whose schemas define the fields the loader writes.
REQUIRED_PLUGINS = ("scheming_datasets", "scheming_organizations")

ProgressCallback = Callable[[int], None]


class SchemaNotLoaded(RuntimeError):
    """The ODPO scheming schemas are not active, so ODPO fields would be lost."""


@dataclass
class LoadReport:
    """What one load did."""

    organisations_created: int = 0
    organisations_existing: int = 0
    datasets_created: int = 0
    datasets_existing: int = 0

    @property
    def created_anything(self) -> bool:
        return bool(self.organisations_created or self.datasets_created)


def organization_data_dict(organisation: OrganisationPlan) -> dict[str, Any]:
    """The ``organization_create`` payload of a planned organisation."""
    return {
        "name": organisation.name,
        "title": organisation.title,
        "description": organisation.description,
        "provider_type": organisation.provider_type,
        "municipality_code": organisation.municipality_code,
        "contact_email": organisation.contact_email,
        "website": organisation.website,
    }


def dataset_data_dict(dataset: DatasetPlan) -> dict[str, Any]:
    """The ``package_create`` payload of a planned dataset, resources included."""
    data_dict: dict[str, Any] = {
        "name": dataset.name,
        "title": dataset.title,
        "owner_org": dataset.owner_org,
        "notes": dataset.notes,
        "license_id": dataset.license_id,
        "tags": [{"name": tag} for tag in dataset.tags],
        "access_tier": dataset.access_tier,
        "update_frequency": dataset.update_frequency,
        "last_data_update": dataset.last_data_update.isoformat(),
        "theme": list(dataset.themes),
        "personal_data_class": dataset.personal_data_class,
        "secondary_distribution": dataset.secondary_distribution,
        "contact_name": dataset.contact_name,
        "contact_email": dataset.contact_email,
        "resources": [_resource(resource) for resource in dataset.resources],
    }
    optional: dict[str, Any] = {
        "title_en": dataset.title_en,
        "spatial_municipality_codes": list(dataset.spatial_municipality_codes) or None,
        "price_plans": [_price_plan(offer) for offer in dataset.price_plans] or None,
        "temporal_start": _iso(dataset.temporal_start),
        "temporal_end": _iso(dataset.temporal_end),
        "conforms_to": dataset.conforms_to,
    }
    data_dict.update({key: value for key, value in optional.items() if value is not None})
    return data_dict


def _price_plan(offer: PricePlanOffer) -> dict[str, Any]:
    return {
        "name": offer.name,
        "price_jpy": offer.price_jpy,
        "period": offer.period,
        "delivery": offer.delivery,
    }


def _resource(resource: ResourcePlan) -> dict[str, Any]:
    resource_dict: dict[str, Any] = {
        "name": resource.name,
        "url": resource.url,
        "format": resource.format,
        "description": resource.description,
        "is_sample": resource.is_sample,
    }
    if resource.sample_of:
        resource_dict["sample_of"] = resource.sample_of
    return resource_dict


def _iso(date: datetime.date | None) -> str | None:
    return date.isoformat() if date else None


def require_odpo_schemas() -> None:
    """Refuse to load while the fields of the ODPO schemas would be dropped."""
    missing = [name for name in REQUIRED_PLUGINS if not p.plugin_loaded(name)]
    if missing:
        raise SchemaNotLoaded(
            "the demo catalogue needs the ODPO scheming schemas: add "
            f"{' '.join(missing)} to ckan.plugins and set scheming.dataset_schemas = "
            "ckanext.odpo_schemas:dataset.yaml, scheming.organization_schemas = "
            "ckanext.odpo_schemas:organization.yaml"
        )


class CatalogueLoader:
    """Creates a :class:`CataloguePlan` as the site user (a sysadmin)."""

    def __init__(self, user_name: str | None = None) -> None:
        require_odpo_schemas()
        self.user_name = user_name or tk.get_action("get_site_user")(
            {"ignore_auth": True}, {}
        )["name"]

    def load(self, plan: CataloguePlan, on_progress: ProgressCallback | None = None) -> LoadReport:
        """Create what ``plan`` holds and is not in the catalogue yet."""
        advance = on_progress or (lambda steps: None)
        report = LoadReport()
        self._load_organisations(plan.organisations, report, advance)
        self._load_datasets(plan.datasets, report, advance)
        return report

    def _load_organisations(
        self,
        organisations: Sequence[OrganisationPlan],
        report: LoadReport,
        advance: ProgressCallback,
    ) -> None:
        existing = set(self._call("organization_list", {"all_fields": False}))
        for organisation in organisations:
            if organisation.name in existing:
                report.organisations_existing += 1
            else:
                self._create("organization", organization_data_dict(organisation))
                report.organisations_created += 1
            advance(1)

    def _load_datasets(
        self, datasets: Sequence[DatasetPlan], report: LoadReport, advance: ProgressCallback
    ) -> None:
        existing = set(self._call("package_list", {}))
        for dataset in datasets:
            if dataset.name in existing:
                report.datasets_existing += 1
            else:
                self._create("package", dataset_data_dict(dataset))
                report.datasets_created += 1
            advance(1)

    def _create(self, entity: str, data_dict: dict[str, Any]) -> None:
        """``{entity}_create``; when the name is taken by a deleted (or
        private) entity, ``{entity}_update`` brings it back as planned."""
        # Only packages are asked for their id alone: the activity plugin's
        # organisation subscriptions expect the full dictionary as the result.
        options = {"return_id_only": True} if entity == "package" else {}
        try:
            self._call(f"{entity}_create", data_dict, **options)
        except tk.ValidationError as error:
            if "name" not in error.error_dict:
                raise
            restored = {**data_dict, "id": data_dict["name"], "state": "active"}
            self._call(f"{entity}_update", restored, **options)

    def _call(self, action: str, data_dict: dict[str, Any], **options: Any) -> Any:
        context: Context = {"user": self.user_name, "ignore_auth": True, **options}
        return tk.get_action(action)(context, data_dict)
