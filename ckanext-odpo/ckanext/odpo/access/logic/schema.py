"""Validation schemas of the odpo_access actions."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import Schema


def _v(name: str):  # noqa: ANN202 - a CKAN validator
    return tk.get_validator(name)


def access_request_create() -> Schema:
    return {
        "package_id": [_v("not_empty"), _v("unicode_safe"), _v("package_id_or_name_exists")],
        "purpose": [_v("ignore_missing"), _v("unicode_safe"), _v("strip_value")],
        "intended_use": [_v("ignore_missing"), _v("unicode_safe"), _v("strip_value")],
        "plan_name": [_v("ignore_missing"), _v("unicode_safe"), _v("strip_value")],
        "terms_accepted": [_v("default")(False), _v("boolean_validator")],
    }


def by_id() -> Schema:
    return {"id": [_v("not_empty"), _v("unicode_safe")]}


def access_request_approve() -> Schema:
    return {
        "id": [_v("not_empty"), _v("unicode_safe")],
        "expires_at": [_v("ignore_missing"), _v("isodate")],
        "starts_at": [_v("ignore_missing"), _v("isodate")],
        "contract_number": [_v("ignore_missing"), _v("unicode_safe"), _v("strip_value")],
    }


def with_reason(required: bool) -> Schema:
    reason = [_v("not_empty") if required else _v("ignore_missing"), _v("unicode_safe"), _v("strip_value")]
    return {"id": [_v("not_empty"), _v("unicode_safe")], "reason": reason}


def listing() -> Schema:
    return {
        "package_id": [_v("ignore_missing"), _v("unicode_safe")],
        "organization_id": [_v("ignore_missing"), _v("unicode_safe")],
        "status": [_v("ignore_missing"), _v("unicode_safe")],
        "limit": [_v("default")(100), _v("natural_number_validator"), _v("limit_to_configured_maximum")("ckan.search.rows_max", 1000)],
        "offset": [_v("default")(0), _v("natural_number_validator")],
    }


def organization() -> Schema:
    return {"organization_id": [_v("not_empty"), _v("unicode_safe")]}
