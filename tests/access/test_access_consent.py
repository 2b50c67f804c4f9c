"""Access and consent together (plugins odpo_access + orden_consent): a
request needs the consents first, and every entitlement check asks for them,
so a withdrawn consent pauses an approved grant at once."""
from __future__ import annotations

import json
from typing import Any

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories
from ckan.tests.helpers import call_action

from access_world import dataset_fields, secret_url

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "odpo_search odpo scheming_datasets scheming_organizations "
                                            "orden_consent odpo_access"),
    pytest.mark.ckan_config("licenses_group_url", ""),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]


def act(action: str, user: str, **data: Any) -> Any:
    return call_action(action, context={"user": user, "ignore_auth": False}, **data)


@pytest.fixture
def world() -> dict[str, Any]:
    from ckanext.orden_consent.seed import seed_default_terms

    list(seed_default_terms())
    factories.User(name="requester", email="requester@example.jp")
    factories.User(name="editor", email="editor@example.jp")
    factories.Sysadmin(name="site-admin")
    organization = call_action("organization_create", context={"user": "site-admin"}, name="probe-company",
                               title="プローブ株式会社", provider_type="company",
                               users=[{"name": "editor", "capacity": "editor"}])
    dataset = call_action("package_create", context={"user": "site-admin"}, owner_org=organization["id"],
                          **dataset_fields("restricted"))
    return {"dataset": dataset, "token": factories.APIToken(user="requester")["token"]}


def give_consents(dataset: dict[str, Any]) -> None:
    versions = tk.get_action("orden_consent_terms_list")({"ignore_auth": True}, {})
    platform = [v["id"] for v in versions if v["kind"] in ("platform_terms", "privacy_policy") and not v["scope_id"]]
    act("orden_consent_record_create", "requester", terms_version_ids=platform)
    terms = act("orden_consent_dataset_terms_show", "requester", id=dataset["id"])
    act("orden_consent_record_create", "requester", dataset_id=dataset["id"],
        terms_version_ids=[terms["current"]["id"]])


def approved_grant(dataset: dict[str, Any], **approval: Any) -> dict[str, Any]:
    """The requester consents, asks and the provider's editor approves."""
    give_consents(dataset)
    request = act("odpo_access_request_create", "requester", package_id=dataset["id"], purpose="p",
                  intended_use="u")
    act("odpo_access_request_approve", "editor", id=request["id"], **approval)
    return request


def resource_show(app: Any, world: dict[str, Any]) -> Any:
    resource_id = world["dataset"]["resources"][0]["id"]
    return app.get(f"/api/3/action/resource_show?id={resource_id}", headers={"Authorization": world["token"]})


def test_a_request_needs_the_consents_first(app: Any, world: dict[str, Any]) -> None:
    dataset = world["dataset"]
    with pytest.raises(tk.ValidationError) as refused:
        act("odpo_access_request_create", "requester", package_id=dataset["id"], purpose="p", intended_use="u")
    assert refused.value.error_dict["reason"] == ["platform_consent_required"]
    give_consents(dataset)
    request = act("odpo_access_request_create", "requester", package_id=dataset["id"], purpose="p",
                  intended_use="u")
    assert request["terms_version_id"], "the request names the terms version the user accepted"


def test_a_withdrawn_consent_pauses_an_approved_grant(app: Any, world: dict[str, Any]) -> None:
    dataset = world["dataset"]
    approved_grant(dataset)
    allowed = resource_show(app, world)
    assert allowed.status_code == 200
    assert json.loads(allowed.body)["result"]["url"] == secret_url("restricted")

    act("orden_consent_withdraw", "requester", dataset_id=dataset["id"])
    paused = resource_show(app, world)
    assert paused.status_code == 403
    assert secret_url("restricted") not in paused.body
    assert "/consent" in json.loads(paused.body)["error"]["message"]
    shown = app.get(f"/api/3/action/package_show?id={dataset['name']}", headers={"Authorization": world["token"]})
    assert secret_url("restricted") not in shown.body
    assert json.loads(shown.body)["result"]["odpo_access"]["reason"] == "consent_withdrawn"


def test_a_revoked_grant_opens_the_deletion_obligation(app: Any, world: dict[str, Any]) -> None:
    dataset = world["dataset"]
    request = approved_grant(dataset)
    act("odpo_grant_revoke", "editor", id=request["id"], reason="契約終了")
    outstanding = tk.get_action("orden_consent_deletion_outstanding_list")(
        {"ignore_auth": True}, {"dataset_id": dataset["id"]})
    assert [row["user_name"] for row in outstanding] == ["requester"]


@pytest.mark.usefixtures("with_extended_cli")
def test_an_expired_grant_opens_the_deletion_obligation_once(app: Any, cli: Any,
                                                             world: dict[str, Any]) -> None:
    import datetime

    from ckan.cli.cli import ckan as ckan_command

    dataset = world["dataset"]
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    expiring = approved_grant(dataset, expires_at=tomorrow)

    def outstanding() -> list[str]:
        return [row["user_name"] for row in tk.get_action("orden_consent_deletion_outstanding_list")(
            {"ignore_auth": True}, {"dataset_id": dataset["id"]})]

    def expire() -> str:
        result = cli.invoke(ckan_command, ["odpo-access", "expire"])
        assert result.exit_code == 0, result.output
        return result.output

    assert "0 expired grant(s) ended" in expire()  # still running: nothing to do
    assert outstanding() == []

    from ckan import model

    from ckanext.odpo.access.model import AccessRequest

    grant = model.Session.get(AccessRequest, expiring["id"])
    grant.expires_at = datetime.datetime.utcnow() - datetime.timedelta(minutes=1)
    model.Session.commit()
    assert resource_show(app, world).status_code == 403  # access stopped at the expiry
    output = expire()
    assert f"ended: grant {expiring['id']}" in output and "1 expired grant(s) ended" in output
    assert outstanding() == ["requester"]
    events = tk.get_action("orden_consent_event_list")(
        {"ignore_auth": True}, {"user_id": "requester", "dataset_id": dataset["id"]})
    assert [event["event_type"] for event in events].count("use_ended") == 1
    assert "0 expired grant(s) ended" in expire()  # told once
    events = tk.get_action("orden_consent_event_list")(
        {"ignore_auth": True}, {"user_id": "requester", "dataset_id": dataset["id"]})
    assert [event["event_type"] for event in events].count("use_ended") == 1

    with pytest.raises(tk.NotAuthorized):
        act("odpo_grant_expire", "editor")
