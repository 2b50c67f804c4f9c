"""Create the demo catalogue through CKAN actions.

Loading is idempotent: organisations are found by name (slug) and datasets by
name; what already exists is left as it is, what was deleted is restored.

Each dataset is created with its resources by one ``package_create``, which
commits and indexes it. ``defer_commit`` is not used: in CKAN 2.12 it skips
the search indexing as well as the commit, and the commit is the cheap part.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context

from .plan import CataloguePlan, DatasetPlan, OrganisationPlan

#: Dataset extras carrying ODPO metadata until the scheming schema turns them
#: into first-class fields under the same keys.
ODPO_DATASET_FIELDS = (
    "access_tier",
    "update_frequency",
    "last_data_update",
    "municipality_code",
    "conforms_to",
    "price_plans",
)

ProgressCallback = Callable[[int], None]


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
        "extras": _extras(
            {
                "provider_type": organisation.provider_type,
                "municipality_code": organisation.municipality_code,
            }
        ),
    }


def dataset_data_dict(dataset: DatasetPlan) -> dict[str, Any]:
    """The ``package_create`` payload of a planned dataset, resources included."""
    return {
        "name": dataset.name,
        "title": dataset.title,
        "owner_org": dataset.owner_org,
        "notes": dataset.notes,
        "license_id": dataset.license_id,
        "tags": [{"name": tag} for tag in dataset.tags],
        "resources": [
            {
                "name": resource.name,
                "url": resource.url,
                "format": resource.format,
                "description": resource.description,
            }
            for resource in dataset.resources
        ],
        "extras": _extras(_odpo_fields(dataset)),
    }


def _odpo_fields(dataset: DatasetPlan) -> dict[str, str | None]:
    price_plans = [
        {
            "name": plan.name,
            "price_jpy": plan.price_jpy,
            "period": plan.period,
            "delivery": plan.delivery,
        }
        for plan in dataset.price_plans
    ]
    return {
        "access_tier": dataset.access_tier,
        "update_frequency": dataset.update_frequency,
        "last_data_update": dataset.last_data_update.isoformat(),
        "municipality_code": dataset.municipality_code,
        "conforms_to": dataset.conforms_to,
        "price_plans": json.dumps(price_plans, ensure_ascii=False) if price_plans else None,
    }


def _extras(fields: dict[str, str | None]) -> list[dict[str, str]]:
    return [{"key": key, "value": value} for key, value in fields.items() if value is not None]


class CatalogueLoader:
    """Creates a :class:`CataloguePlan` as the site user (a sysadmin)."""

    def __init__(self, user_name: str | None = None) -> None:
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
        try:
            self._call(f"{entity}_create", data_dict, return_id_only=True)
        except tk.ValidationError as error:
            if "name" not in error.error_dict:
                raise
            restored = {**data_dict, "id": data_dict["name"], "state": "active"}
            self._call(f"{entity}_update", restored, return_id_only=True)

    def _call(self, action: str, data_dict: dict[str, Any], **options: Any) -> Any:
        context: Context = {"user": self.user_name, "ignore_auth": True, **options}
        return tk.get_action(action)(context, data_dict)
