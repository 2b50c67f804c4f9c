"""What the pages show of samples: the tables on the dataset page, the
notices to providers, and their list of datasets without samples."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import uploader
from ckanext.odpo import config, statistics

from . import resources as sample_resources
from .errors import SampleError, error_message
from .table import TableHead, read_head, sample_format

#: Resource formats that hold data, so that a provider is asked for their samples.
DATA_FORMATS = ("CSV", "TSV", "XLSX", "XLS", "JSON", "GEOJSON", "XML", "API")


@dataclass(frozen=True)
class SamplePreview:
    """One sample resource as the dataset page shows it."""

    resource: Mapping[str, Any]
    source: Mapping[str, Any] | None  # the resource it illustrates
    table: TableHead | None  # None: not a stored table file
    problem: str = ""  # why the table cannot be shown


def sample_previews(dataset: Mapping[str, Any], rows: int | None = None) -> list[SamplePreview]:
    """The dataset's samples, each with its first ``rows`` rows when it is an
    uploaded CSV, TSV, XLSX or JSON file."""
    by_key = {}
    for resource in dataset.get("resources") or []:
        by_key.setdefault(str(resource.get("name") or ""), resource)
        by_key[str(resource.get("id"))] = resource
    previews = []
    for sample in sample_resources.dataset_samples(dataset):
        source = by_key.get(str(sample.get("sample_of") or "").strip())
        table, problem = _table(sample, rows or config.samples_rows())
        previews.append(SamplePreview(sample, source, table, problem))
    return previews


def _table(sample: Mapping[str, Any], rows: int) -> tuple[TableHead | None, str]:
    file_format = sample_format(sample.get("format"), sample.get("url"))
    if sample.get("url_type") != "upload" or file_format is None:
        return None, ""
    try:
        path = uploader.get_resource_uploader(dict(sample)).get_path(sample["id"])
    except (AttributeError, TypeError):
        return None, ""
    if not path or not os.path.isfile(path):
        return None, error_message(SampleError("file_missing").as_dict())
    try:
        return read_head(path, file_format, rows), ""
    except SampleError as error:
        return None, error_message(error.as_dict())


@dataclass(frozen=True)
class SampleStatus:
    """What the provider of a non-open dataset is asked to do about samples."""

    needs_samples: bool
    has_samples: bool
    unsampled: tuple[Mapping[str, Any], ...]  # data resources no sample illustrates
    errors: tuple[tuple[Mapping[str, Any], str], ...]  # (resource, why no sample was made)

    @property
    def flagged(self) -> bool:
        return self.needs_samples and not self.has_samples


def sample_status(dataset: Mapping[str, Any]) -> SampleStatus:
    samples = sample_resources.dataset_samples(dataset)
    whole_dataset_sample = any(not str(sample.get("sample_of") or "").strip() for sample in samples)
    resources = [r for r in dataset.get("resources") or [] if not sample_resources.is_sample(r)]
    unsampled = tuple(
        resource
        for resource in resources
        if not whole_dataset_sample
        and str(resource.get("format") or "").strip().upper() in DATA_FORMATS
        and not sample_resources.samples_of(dataset, resource)
    )
    errors = tuple(
        (resource, error_message(resource["sample_error"]))
        for resource in resources
        if resource.get("sample_error")
    )
    return SampleStatus(sample_resources.needs_samples(dataset), bool(samples), unsampled, errors)


def editable_organisation_ids(user_name: str) -> list[str] | None:
    """Organisations whose datasets ``user_name`` may edit; ``None``: all (sysadmin)."""
    user = model.User.get(user_name)
    if user is None:
        return []
    if user.sysadmin:
        return None
    organisations = tk.get_action("organization_list_for_user")(
        {"user": user_name}, {"id": user.id, "permission": "update_dataset"}
    )
    return [organisation["id"] for organisation in organisations]


def datasets_without_samples(user_name: str, organisation_id: str | None = None) -> list[dict[str, Any]]:
    """Non-open datasets without samples that ``user_name`` may edit, optionally
    of one organisation (id or name)."""
    allowed = editable_organisation_ids(user_name)
    if organisation_id:
        organisation = model.Group.get(organisation_id)
        wanted = [organisation.id] if organisation is not None else []
        allowed = wanted if allowed is None else [o for o in wanted if o in allowed]
    rows = statistics.datasets_without_samples(model.Session, allowed)
    titles = _organisation_titles({row.owner_org for row in rows if row.owner_org})
    return [
        {
            "id": row.id,
            "name": row.name,
            "title": row.title or row.name,
            "access_tier": row.access_tier,
            "organization": titles.get(row.owner_org),
        }
        for row in rows
    ]


def _organisation_titles(ids: set[str]) -> dict[str, dict[str, str]]:
    if not ids:
        return {}
    groups = model.Session.query(model.Group).filter(model.Group.id.in_(ids))
    return {group.id: {"name": group.name, "title": group.title or group.name} for group in groups}
