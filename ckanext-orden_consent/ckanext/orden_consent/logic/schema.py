"""Validation schemas of the consent actions."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import Schema

from ckanext.orden_consent.model import CHANGE_KINDS, SCOPE_TYPES, TERMS_KINDS


def _v(name: str):  # noqa: ANN202 - validator lookup
    return tk.get_validator(name)


def terms_publish() -> Schema:
    return {
        "kind": [_v("not_empty"), _v("unicode_safe"), _v("one_of")(list(TERMS_KINDS))],
        "scope_type": [_v("not_empty"), _v("unicode_safe"), _v("one_of")(list(SCOPE_TYPES))],
        "scope_id": [_v("default")(""), _v("unicode_safe")],
        "title": [_v("not_empty"), _v("unicode_safe")],
        "body": [_v("not_empty"), _v("unicode_safe")],
        "change_kind": [_v("ignore_missing"), _v("unicode_safe"), _v("one_of")(list(CHANGE_KINDS))],
        "change_summary": [_v("default")(""), _v("unicode_safe")],
        "purpose": [_v("default")(""), _v("unicode_safe")],
        "secondary_distribution": [_v("default")(""), _v("unicode_safe")],
        "retention_period": [_v("default")(""), _v("unicode_safe")],
        "deletion_method": [_v("default")(""), _v("unicode_safe")],
    }


def terms_show() -> Schema:
    return {"id": [_v("not_empty"), _v("unicode_safe")]}


def terms_list() -> Schema:
    return {
        "kind": [_v("ignore_missing"), _v("unicode_safe"), _v("one_of")(list(TERMS_KINDS))],
        "scope_type": [_v("ignore_missing"), _v("unicode_safe"), _v("one_of")(list(SCOPE_TYPES))],
        "scope_id": [_v("ignore_missing"), _v("unicode_safe")],
    }


def dataset_ref() -> Schema:
    return {"id": [_v("not_empty"), _v("unicode_safe"), _v("package_id_or_name_exists")]}


def record_create() -> Schema:
    return {
        "dataset_id": [_v("ignore_missing"), _v("unicode_safe"), _v("package_id_or_name_exists")],
        "terms_version_ids": [_v("not_empty"), _v("orden_consent_id_list")],
        "form_token": [_v("ignore_missing"), _v("unicode_safe")],
    }


def withdraw() -> Schema:
    return {
        "dataset_id": [_v("ignore_missing"), _v("unicode_safe"), _v("package_id_or_name_exists")],
        "document": [_v("ignore_missing"), _v("unicode_safe"),
                     _v("one_of")(["platform_terms", "privacy_policy"])],
        "note": [_v("default")(""), _v("unicode_safe")],
    }


def deletion_confirm() -> Schema:
    return {
        "dataset_id": [_v("not_empty"), _v("unicode_safe"), _v("package_id_or_name_exists")],
        "note": [_v("default")(""), _v("unicode_safe")],
    }


def status() -> Schema:
    return {
        "dataset_id": [_v("ignore_missing"), _v("unicode_safe"), _v("package_id_or_name_exists")],
        "user_id": [_v("ignore_missing"), _v("unicode_safe"), _v("user_id_or_name_exists")],
    }


def event_list() -> Schema:
    return {
        "dataset_id": [_v("ignore_missing"), _v("unicode_safe"), _v("package_id_or_name_exists")],
        "user_id": [_v("ignore_missing"), _v("unicode_safe"), _v("user_id_or_name_exists")],
        "all": [_v("default")(False), _v("boolean_validator")],
    }


def outstanding_list() -> Schema:
    return {
        "dataset_id": [_v("ignore_missing"), _v("unicode_safe"), _v("package_id_or_name_exists")],
        "organization_id": [_v("ignore_missing"), _v("unicode_safe"), _v("group_id_or_name_exists")],
    }


def empty() -> Schema:
    return {}
