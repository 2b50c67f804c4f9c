"""Fixtures of the consent tests: the ``orden_consent`` plugin alone (with the
search backend), its default terms, and datasets of each tier whose tier is
stored as a plain extra (no schema plugin)."""
from __future__ import annotations

from typing import Any

import pytest
from ckan.tests import factories

PLUGINS = "odpo_search orden_consent"


@pytest.fixture
def seeded_terms() -> dict[str, dict[str, Any]]:
    """The default documents of ``ckan orden-consent seed``, by kind/scope."""
    import ckan.plugins.toolkit as tk

    from ckanext.orden_consent.seed import seed_default_terms

    list(seed_default_terms())
    versions = tk.get_action("orden_consent_terms_list")({"ignore_auth": True}, {})
    return {f"{v['kind']}:{v['scope_id']}".rstrip(":"): v for v in versions}


@pytest.fixture
def provider() -> dict[str, Any]:
    """An organisation admin (the data provider) and their organisation."""
    admin = factories.User(name="provider_admin", email="provider@example.org")
    organization = factories.Organization(users=[{"name": admin["name"], "capacity": "admin"}])
    return {"user": admin, "organization": organization}


def make_dataset(provider: dict[str, Any], tier: str, name: str) -> dict[str, Any]:
    return factories.Dataset(
        name=name, title=f"{tier} data {name}", owner_org=provider["organization"]["id"],
        extras=[{"key": "access_tier", "value": tier}],
        resources=[{"url": f"https://data.example.org/{name}.csv", "format": "CSV", "name": "data"}],
    )


@pytest.fixture
def restricted_dataset(provider: dict[str, Any]) -> dict[str, Any]:
    return make_dataset(provider, "restricted", "probe-car-data")


@pytest.fixture
def other_restricted_dataset(provider: dict[str, Any]) -> dict[str, Any]:
    return make_dataset(provider, "restricted", "people-flow-data")


@pytest.fixture
def user() -> dict[str, Any]:
    return factories.User(name="data_user", email="user@example.org")


def platform_version_ids(seeded_terms: dict[str, dict[str, Any]]) -> list[str]:
    return [seeded_terms["platform_terms"]["id"], seeded_terms["privacy_policy"]["id"]]


def give_platform_consent(user: dict[str, Any], seeded_terms: dict[str, dict[str, Any]]) -> None:
    import ckan.plugins.toolkit as tk

    tk.get_action("orden_consent_record_create")(
        {"user": user["name"]}, {"terms_version_ids": platform_version_ids(seeded_terms)})


def give_dataset_consent(user: dict[str, Any], dataset: dict[str, Any]) -> dict[str, Any]:
    import ckan.plugins.toolkit as tk

    terms = tk.get_action("orden_consent_dataset_terms_show")({"user": user["name"]}, {"id": dataset["id"]})
    return tk.get_action("orden_consent_record_create")(
        {"user": user["name"]},
        {"dataset_id": dataset["id"], "terms_version_ids": [terms["current"]["id"]]})


def download_url(dataset: dict[str, Any]) -> str:
    resource = dataset["resources"][0]
    return f"/dataset/{dataset['name']}/resource/{resource['id']}/download"


def as_browser(user: dict[str, Any]) -> dict[str, str]:
    """Request headers of a logged-in browser (token login, HTML wanted)."""
    token = factories.APIToken(user=user["name"])["token"]
    return {"Authorization": token, "Accept": "text/html,application/xhtml+xml"}


def sent_mails(mail_server: Any) -> list[tuple[list[str], str, str]]:
    """(recipients, subject, text body) of the e-mails caught by ``mail_server``."""
    import email
    from email.header import decode_header, make_header

    found = []
    for _none, _sender, recipients, raw in mail_server.get_smtp_messages():
        message = email.message_from_string(raw)
        part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
        body = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
        found.append((list(recipients), str(make_header(decode_header(message["Subject"]))), body))
    return found
