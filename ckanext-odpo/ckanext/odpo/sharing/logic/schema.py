"""Validation schemas of the sharing actions."""
from __future__ import annotations

from ckan.types import Schema

import ckan.plugins.toolkit as tk


def changes_schema() -> Schema:
    ignore_missing, unicode_safe = tk.get_validator("ignore_missing"), tk.get_validator("unicode_safe")
    natural = tk.get_validator("natural_number_validator")
    return {
        "cursor": [ignore_missing, unicode_safe, tk.get_validator("odpo_sharing_cursor")],
        "limit": [ignore_missing, natural],
    }


def partner_create_schema() -> Schema:
    not_empty, unicode_safe = tk.get_validator("not_empty"), tk.get_validator("unicode_safe")
    return {
        "name": [not_empty, unicode_safe, tk.get_validator("name_validator")],
        "title": [not_empty, unicode_safe],
        "valid_days": [tk.get_validator("ignore_empty"), tk.get_validator("natural_number_validator")],
    }


def partner_id_schema() -> Schema:
    return {"id": [tk.get_validator("not_empty"), tk.get_validator("unicode_safe")]}


def partner_token_reset_schema() -> Schema:
    schema = partner_id_schema()
    schema["valid_days"] = [tk.get_validator("ignore_empty"), tk.get_validator("natural_number_validator")]
    return schema


def partner_update_schema() -> Schema:
    schema = partner_id_schema()
    schema["active"] = [tk.get_validator("not_missing"), tk.get_validator("boolean_validator")]
    return schema
