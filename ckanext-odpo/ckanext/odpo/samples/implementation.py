"""``IResourceController`` part of ``OdpoPlugin``: samples follow uploads."""

from __future__ import annotations

from typing import Any

from ckan.types import Context

from . import resources as sample_resources


class SampleResourceController:
    """Make or refresh a sample when a table is uploaded to a non-open dataset."""

    def after_resource_create(self, context: Context, resource: dict[str, Any]) -> None:
        sample_resources.upload_hook(context, resource)

    def after_resource_update(self, context: Context, resource: dict[str, Any]) -> None:
        sample_resources.upload_hook(context, resource)

    def before_resource_delete(
        self, context: Context, resource: dict[str, Any], resources: list[dict[str, Any]]
    ) -> None:
        sample_resources.delete_hook(context, resource, resources)
