"""Keep withheld data out of what a user is sent.

Only what is returned to the requesting user is changed: internal calls
(indexing, ``ignore_auth`` calls, the site user of harvesters) see the real
dataset, and a user allowed to change a dataset is always entitled to it, so a
withheld dict can never be written back.
"""
from __future__ import annotations

from typing import Any

from ckanext.odpo.access.logic.entitlement import Entitlement, resource_is_sample, user_entitlement

#: Resource fields that can carry the location of the data.
URL_FIELDS = ("url", "alt_url", "original_url", "download_url", "access_url")


def _replace_everywhere(value: Any, secrets: set[str], replacement: str) -> Any:
    if isinstance(value, str):
        for secret in secrets:
            if secret and secret in value:
                value = value.replace(secret, replacement)
        return value
    if isinstance(value, list):
        return [_replace_everywhere(item, secrets, replacement) for item in value]
    if isinstance(value, dict):
        return {key: _replace_everywhere(item, secrets, replacement) for key, item in value.items()}
    return value


def withhold_resources(dataset: dict[str, Any], entitlement: Entitlement) -> dict[str, Any]:
    """Replace the URLs of the dataset's non-sample resources by the request page (in place)."""
    if entitlement.allowed:
        return dataset
    replacement = entitlement.request_url or ""
    secrets: set[str] = set()
    for resource in dataset.get("resources") or []:
        if resource_is_sample(resource):
            continue
        secrets.update(
            str(resource[field]) for field in URL_FIELDS if isinstance(resource.get(field), str) and resource[field]
        )
        for field in URL_FIELDS:
            if field in resource:
                resource[field] = replacement
        resource["url_type"] = None
        resource["datastore_active"] = False
        resource["odpo_access_withheld"] = True
        resource["odpo_access_request_url"] = replacement
    if secrets:
        # the same URL may be repeated elsewhere (a sample's description, extras)
        samples = [r for r in dataset.get("resources") or [] if resource_is_sample(r)]
        sample_urls = {str(r.get("url") or "") for r in samples}
        secrets -= sample_urls
        for key, value in list(dataset.items()):
            if key != "resources":
                dataset[key] = _replace_everywhere(value, secrets, replacement)
        for resource in dataset.get("resources") or []:
            for key, value in list(resource.items()):
                if key not in URL_FIELDS or not resource_is_sample(resource):
                    resource[key] = _replace_everywhere(value, secrets, replacement)
    dataset["odpo_access"] = {
        "allowed": False,
        "reason": entitlement.reason,
        "request_url": replacement,
        "message": entitlement.message,
    }
    return dataset


def withhold_for_user(dataset: dict[str, Any], user_id: str | None) -> dict[str, Any]:
    """The dataset as ``user_id`` may see it (changed in place)."""
    if not isinstance(dataset, dict) or "resources" not in dataset:
        return dataset
    return withhold_resources(dataset, user_entitlement(user_id, dataset))
