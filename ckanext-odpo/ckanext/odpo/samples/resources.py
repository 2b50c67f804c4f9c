"""Sample resources of non-open datasets, through CKAN's actions.

A *generated* sample is a resource with ``is_sample: true``, ``sample_of``
(the id of the resource it was cut from) and ``sample_generated`` (when it
was made, UTC ISO 8601). It is refreshed whenever its source is uploaded
again. A sample the provider made (``is_sample`` without
``sample_generated``) is never replaced: it is the provider's data.

When no sample can be made from an upload, the reason is recorded on the
uploaded resource as ``sample_error`` (``{"code", "params", "message"}``, see
:mod:`.errors`); the upload itself is kept as it is. A later successful run
removes the record.
"""

from __future__ import annotations

import datetime
import io
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import ckan.plugins.toolkit as tk
from ckan.lib import uploader
from ckan.types import Context
from ckanext.odpo import config, statistics
from ckanext.odpo.helpers import field_value
from werkzeug.datastructures import FileStorage

from .errors import SampleError
from .generator import Sample, generate_sample
from .table import sample_format

log = logging.getLogger(__name__)

#: Access tiers whose datasets need samples.
SAMPLED_TIERS = statistics.SAMPLED_TIERS
#: Context key of the actions this module calls, so that the resource hooks ignore them.
INTERNAL_CONTEXT_KEY = "odpo_samples_internal"

CREATED = "created"
REFRESHED = "refreshed"
KEPT = "kept"  # the provider's own sample exists
SKIPPED = "skipped"  # nothing to sample (open dataset, not an upload, not a table format)
FAILED = "failed"


@dataclass(frozen=True)
class SampleOutcome:
    """What became of one resource."""

    resource_id: str
    status: str
    sample_id: str | None = None
    reason: str = ""


def is_sample(resource: Mapping[str, Any]) -> bool:
    return tk.asbool(resource.get("is_sample") or False)


def needs_samples(dataset: Mapping[str, Any]) -> bool:
    """Whether the dataset's tier calls for samples (``registered``, ``restricted``, ``paid``)."""
    return (field_value(dataset, "access_tier") or "open") in SAMPLED_TIERS


def samples_of(dataset: Mapping[str, Any], resource: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The sample resources of ``dataset`` that illustrate ``resource`` (by id or name)."""
    keys = {str(resource.get("id") or ""), str(resource.get("name") or "")} - {""}
    return [
        candidate
        for candidate in dataset.get("resources") or []
        if is_sample(candidate) and str(candidate.get("sample_of") or "").strip() in keys
    ]


def dataset_samples(dataset: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [resource for resource in dataset.get("resources") or [] if is_sample(resource)]


def lacks_samples(dataset: Mapping[str, Any]) -> bool:
    """A non-open dataset with resources but no sample: flagged to its provider."""
    return needs_samples(dataset) and not dataset_samples(dataset)


def sampleable(resource: Mapping[str, Any]) -> str | None:
    """The table format of an uploaded, non-sample resource; else ``None``."""
    if is_sample(resource) or resource.get("url_type") != "upload":
        return None
    return sample_format(resource.get("format"), resource.get("url"))


def refresh_sample(
    resource_id: str,
    rows: int | None = None,
    force: bool = False,
    labels: Mapping[str, str] | None = None,
) -> SampleOutcome:
    """Make, or refresh, the generated sample of the resource ``resource_id``.

    Args:
        resource_id: an uploaded CSV, TSV, XLSX or JSON resource of a dataset
            of the ``registered``, ``restricted`` or ``paid`` tier.
        rows: data rows of the sample (default: ``odpo.samples.rows``).
        force: make the sample again even when the existing generated sample
            is newer than the upload.
        labels: the sample's name and description templates (default:
            :func:`sample_labels` in the current language).

    Returns:
        The :class:`SampleOutcome`; a file no sample can be made from gives
        ``failed`` with the reason, which is also recorded on the resource.
    """
    resource = call_action("resource_show", {"id": resource_id})
    dataset = call_action("package_show", {"id": resource["package_id"]})
    if not needs_samples(dataset):
        return SampleOutcome(resource_id, SKIPPED, reason="open dataset")
    file_format = sampleable(resource)
    if file_format is None:
        return SampleOutcome(resource_id, SKIPPED, reason="not an uploaded table")
    existing = samples_of(dataset, resource)
    provided = [sample for sample in existing if not sample.get("sample_generated")]
    if provided:
        return SampleOutcome(resource_id, KEPT, sample_id=provided[0]["id"])
    generated = existing[0] if existing else None
    if generated is not None and not force and _is_current(generated, resource):
        return SampleOutcome(resource_id, KEPT, sample_id=generated["id"])
    try:
        sample = generate_sample(_stored_file(resource), file_format, rows or config.samples_rows())
    except SampleError as error:
        _record_error(resource, error.as_dict())
        return SampleOutcome(resource_id, FAILED, reason=error.english)
    sample_id = _store_sample(resource, sample, generated, labels)
    if resource.get("sample_error"):
        _record_error(resource, None)
    return SampleOutcome(resource_id, REFRESHED if generated else CREATED, sample_id=sample_id)


def refresh_dataset_samples(
    dataset_id: str, rows: int | None = None, force: bool = False
) -> list[SampleOutcome]:
    """:func:`refresh_sample` for every uploaded table of a dataset."""
    dataset = call_action("package_show", {"id": dataset_id})
    return [
        refresh_sample(resource["id"], rows=rows, force=force)
        for resource in dataset.get("resources") or []
        if sampleable(resource)
    ]


def non_open_dataset_ids() -> list[str]:
    """Ids of the active datasets of the ``registered``, ``restricted`` and ``paid`` tiers."""
    import sqlalchemy as sa
    from ckan import model

    package = model.package_table
    query = sa.select(package.c.id).where(
        package.c.state == "active",
        package.c.extras["access_tier"].astext.in_(SAMPLED_TIERS),
    )
    return list(model.Session.execute(query.order_by(package.c.name)).scalars())


def _is_current(sample: Mapping[str, Any], resource: Mapping[str, Any]) -> bool:
    """The generated sample was made after the resource's file was last uploaded."""
    uploaded = resource.get("last_modified") or resource.get("created") or ""
    return str(sample.get("sample_generated") or "") >= str(uploaded)


def _stored_file(resource: Mapping[str, Any]) -> str:
    try:
        path = uploader.get_resource_uploader(dict(resource)).get_path(resource["id"])
    except (AttributeError, TypeError):  # an uploader without local files
        path = ""
    if not path or not os.path.isfile(path):
        raise SampleError("file_missing")
    return path


def sample_labels() -> dict[str, str]:
    """The name and description templates of generated samples, in the current
    request's language (a background job gets them from the upload request)."""
    return {
        "name": tk._("Sample: {name}"),
        "description": tk._(
            "The first {rows} rows of “{name}”, with its header, made automatically from the "
            "uploaded file. Anyone may download it to see the data's columns and format."
        ),
    }


def _store_sample(
    resource: Mapping[str, Any],
    sample: Sample,
    generated: Mapping[str, Any] | None,
    labels: Mapping[str, str] | None = None,
) -> str:
    name = str(resource.get("name") or resource["id"])
    stem = os.path.splitext(os.path.basename(str(resource.get("url") or "data")))[0] or "data"
    labels = labels or sample_labels()
    fields = {
        "package_id": resource["package_id"],
        "name": labels["name"].format(name=name),
        "description": labels["description"].format(rows=sample.row_count, name=name),
        "format": sample.file_format,
        "encoding": "UTF-8",
        "is_sample": True,
        "sample_of": resource["id"],
        "sample_generated": _now(),
        "sample_rows": sample.row_count,
        "sample_source_encoding": sample.source_encoding or "",
        "upload": FileStorage(
            stream=io.BytesIO(sample.content),
            filename=f"{stem}-sample.{sample.extension}",
            content_type=sample.mimetype,
        ),
    }
    if generated is not None:
        return call_action("resource_update", {**fields, "id": generated["id"]})["id"]
    return call_action("resource_create", fields)["id"]


def _record_error(resource: Mapping[str, Any], error: dict[str, Any] | None) -> None:
    """Set (or with ``None`` clear) ``sample_error`` on the uploaded resource."""
    call_action("resource_patch", {"id": resource["id"], "sample_error": error or ""})


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None).isoformat()


def call_action(action: str, data_dict: dict[str, Any]) -> Any:
    """``action`` as the site user, ignored by the resource hooks of this module."""
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    context = cast(Context, {"user": site_user, "ignore_auth": True, INTERNAL_CONTEXT_KEY: True})
    return tk.get_action(action)(context, data_dict)


def upload_hook(context: Mapping[str, Any], resource: Mapping[str, Any]) -> SampleOutcome | None:
    """After a resource is created or updated: refresh its sample when it is
    an uploaded table of a non-open dataset (``odpo.samples.generate_on_upload``).

    An error making the sample never fails the upload: it is recorded on the
    resource and logged."""
    if context.get(INTERNAL_CONTEXT_KEY) or not config.samples_generate_on_upload():
        return None
    if not sampleable(resource):
        return None
    try:
        size = int(resource.get("size") or 0)
    except (TypeError, ValueError):
        size = 0
    if size > config.samples_inline_max_bytes():
        tk.enqueue_job(
            refresh_sample_job,
            [resource["id"], sample_labels()],
            title=f"odpo sample of resource {resource['id']}",
        )
        return None
    try:
        return refresh_sample(resource["id"])
    except Exception:  # the upload is saved already; never lose it for a sample
        log.exception("could not make the sample of resource %s", resource.get("id"))
        return None


def refresh_sample_job(resource_id: str, labels: Mapping[str, str] | None = None) -> str:
    """Background job (``ckan jobs worker``) of an upload too large to sample
    during its request; returns the outcome's status."""
    outcome = refresh_sample(resource_id, labels=labels)
    if outcome.status == FAILED:
        log.warning("no sample of resource %s: %s", resource_id, outcome.reason)
    return outcome.status


def delete_hook(
    context: Mapping[str, Any], resource: Mapping[str, Any], resources: Sequence[Mapping[str, Any]]
) -> None:
    """Before a resource is deleted: delete the samples generated from it, and
    make the provider's samples of it samples of the whole dataset (their
    ``sample_of`` would name a resource that no longer exists)."""
    if context.get(INTERNAL_CONTEXT_KEY):
        return
    deleted = next((r for r in resources if r.get("id") == resource.get("id")), None)
    if deleted is None or is_sample(deleted):
        return
    for sample in samples_of({"resources": resources}, deleted):
        if sample.get("sample_generated"):
            call_action("resource_delete", {"id": sample["id"]})
        else:
            call_action("resource_patch", {"id": sample["id"], "sample_of": ""})


def outcomes_summary(outcomes: Sequence[SampleOutcome]) -> dict[str, int]:
    summary = {status: 0 for status in (CREATED, REFRESHED, KEPT, SKIPPED, FAILED)}
    for outcome in outcomes:
        summary[outcome.status] += 1
    return summary
