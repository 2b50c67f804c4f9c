"""The request flow through the actions (as ``ckanapi`` uses them) and the
provider's and user's pages: request, approve / reject, e-mail, revoke,
contracts CSV, download log."""
from __future__ import annotations

import csv
import datetime
import email
import io
from typing import Any

import pytest
import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.tests import factories
from ckan.tests.helpers import call_action

from access_world import PRICE_PLAN, dataset_fields, upload_resource, uploaded_content

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins",
                            "odpo_search odpo scheming_datasets scheming_organizations odpo_access"),
    pytest.mark.ckan_config("licenses_group_url", ""),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]


def act(action: str, user: str, **data: Any) -> Any:
    """Call an action as ``user``, with its auth checks (as the API does)."""
    return call_action(action, context={"user": user, "ignore_auth": False}, **data)


def mails_to(mail_server: Any, address: str) -> list[str]:
    """The plain-text bodies (decoded) of the mails sent to ``address``."""
    bodies = []
    for _unused, _sender, recipients, raw in mail_server.get_smtp_messages():
        if address in recipients:
            message = email.message_from_string(raw)
            part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
            bodies.append(part.get_payload(decode=True).decode("utf-8")
                          + " " + str(email.header.make_header(email.header.decode_header(message["Subject"]))))
    return bodies


@pytest.fixture
def people() -> dict[str, dict[str, Any]]:
    users = {name: factories.User(name=name, email=f"{name}@example.jp") for name in ("requester", "editor", "outsider")}
    users["sysadmin"] = factories.Sysadmin(name="site-admin")
    return users


@pytest.fixture
def provider(people: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return call_action("organization_create", context={"user": "site-admin"}, name="probe-company",
                       title="プローブ株式会社", provider_type="company",
                       users=[{"name": "editor", "capacity": "editor"}])


@pytest.fixture
def restricted(provider: dict[str, Any]) -> dict[str, Any]:
    dataset = call_action("package_create", context={"user": "site-admin"}, owner_org=provider["id"],
                          **dataset_fields("restricted"))
    upload = upload_resource("site-admin", dataset["id"], "restricted")
    return {**dataset, "upload": upload}


@pytest.fixture
def paid(provider: dict[str, Any]) -> dict[str, Any]:
    return call_action("package_create", context={"user": "site-admin"}, owner_org=provider["id"],
                       **dataset_fields("paid"))


def download(app: Any, dataset: dict[str, Any], token: str) -> Any:
    return app.get(dataset["upload"]["url"].replace("http://test.ckan.net", ""), headers={"Authorization": token})


def token_of(user: str) -> str:
    return call_action("api_token_create", context={"user": user}, user=user, name="t")["token"]


def test_a_restricted_request_needs_purpose_use_and_the_terms(restricted: dict[str, Any]) -> None:
    with pytest.raises(tk.ValidationError) as missing:
        act("odpo_access_request_create", "requester", package_id=restricted["id"], terms_accepted=True)
    assert set(missing.value.error_dict) == {"purpose", "intended_use"}
    with pytest.raises(tk.ValidationError) as no_terms:
        act("odpo_access_request_create", "requester", package_id=restricted["id"], purpose="分析",
            intended_use="研究")
    assert "terms_accepted" in no_terms.value.error_dict
    assert act("odpo_access_request_list", "requester") == []


def test_anonymous_users_cannot_request(restricted: dict[str, Any]) -> None:
    with pytest.raises(tk.NotAuthorized):
        call_action("odpo_access_request_create", context={"user": "", "ignore_auth": False},
                    package_id=restricted["id"], purpose="a", intended_use="b", terms_accepted=True)


def test_approval_grants_access_mails_the_user_and_logs_downloads(
    app: Any, restricted: dict[str, Any], mail_server: Any
) -> None:
    token = token_of("requester")
    assert download(app, restricted, token).status_code == 403
    request = act("odpo_access_request_create", "requester", package_id=restricted["id"],
                  purpose="渋滞対策の検討", intended_use="庁内分析", terms_accepted=True)
    assert mails_to(mail_server, "editor@example.jp"), "the provider's editor is told about the request"
    pending = act("odpo_access_request_list", "editor", organization_id="probe-company", status="requested")
    assert [row["id"] for row in pending] == [request["id"]]
    with pytest.raises(tk.NotAuthorized):
        act("odpo_access_request_approve", "outsider", id=request["id"])
    until = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
    grant = act("odpo_access_request_approve", "editor", id=request["id"], expires_at=until)
    assert grant["contract_status"] == "active"
    assert any(until in body for body in mails_to(mail_server, "requester@example.jp"))

    response = download(app, restricted, token)
    assert response.status_code == 200
    assert response.data == uploaded_content("restricted")
    log = act("odpo_download_log_list", "requester")
    assert [(row["grant_id"], row["channel"], row["bytes"]) for row in log] == [
        (grant["id"], "api", len(uploaded_content("restricted")))]
    stats = act("odpo_download_stats", "editor", organization_id="probe-company")
    assert [(row["name"], row["downloads"], row["users"]) for row in stats] == [(restricted["name"], 1, 1)]
    page = app.get("/organization/probe-company/access", headers={"Authorization": token_of("editor")})
    assert "odpo-access-downloads" in page.body and restricted["title"] in page.body


def test_a_rejection_says_why(app: Any, restricted: dict[str, Any], mail_server: Any) -> None:
    request = act("odpo_access_request_create", "requester", package_id=restricted["id"], purpose="p",
                  intended_use="u", terms_accepted=True)
    with pytest.raises(tk.ValidationError):
        act("odpo_access_request_reject", "editor", id=request["id"])
    act("odpo_access_request_reject", "editor", id=request["id"], reason="目的が利用規約の範囲外です")
    assert any("目的が利用規約の範囲外です" in body for body in mails_to(mail_server, "requester@example.jp"))
    page = app.get("/dashboard/access", headers={"Authorization": token_of("requester")})
    assert "目的が利用規約の範囲外です" in page.body
    assert 'data-status="rejected"' in page.body


def test_revoking_and_expiry_stop_access_at_once(app: Any, restricted: dict[str, Any]) -> None:
    token = token_of("requester")
    request = act("odpo_access_request_create", "requester", package_id=restricted["id"], purpose="p",
                  intended_use="u", terms_accepted=True)
    act("odpo_access_request_approve", "editor", id=request["id"])
    assert download(app, restricted, token).status_code == 200
    act("odpo_grant_revoke", "editor", id=request["id"], reason="終了")
    refused = download(app, restricted, token)
    assert refused.status_code == 403
    assert "revoked" in refused.body or "取り消" in refused.body

    again = act("odpo_access_request_create", "requester", package_id=restricted["id"], purpose="p",
                intended_use="u", terms_accepted=True)
    act("odpo_access_request_approve", "editor", id=again["id"])
    assert download(app, restricted, token).status_code == 200
    model.Session.execute(sa.text("UPDATE odpo_access_request SET expires_at = now() - interval '1 second' "
                                  "WHERE id = :id"), {"id": again["id"]})
    model.Session.commit()
    assert download(app, restricted, token).status_code == 403
    grants = act("odpo_grant_list", "requester")
    assert sorted(row["contract_status"] for row in grants) == ["cancelled", "expired"]


def test_the_requester_may_withdraw_a_pending_request(restricted: dict[str, Any]) -> None:
    request = act("odpo_access_request_create", "requester", package_id=restricted["id"], purpose="p",
                  intended_use="u", terms_accepted=True)
    with pytest.raises(tk.ValidationError):
        act("odpo_access_request_create", "requester", package_id=restricted["id"], purpose="p",
            intended_use="u", terms_accepted=True)
    with pytest.raises(tk.NotAuthorized):
        act("odpo_access_request_cancel", "outsider", id=request["id"])
    assert act("odpo_access_request_cancel", "requester", id=request["id"])["status"] == "cancelled"


def test_paid_contracts_need_a_plan_and_are_exported_as_csv(app: Any, paid: dict[str, Any]) -> None:
    with pytest.raises(tk.ValidationError) as no_plan:
        act("odpo_access_request_create", "requester", package_id=paid["id"], plan_name="存在しない",
            terms_accepted=True)
    assert PRICE_PLAN["name"] in str(no_plan.value.error_dict["plan_name"])
    request = act("odpo_access_request_create", "requester", package_id=paid["id"],
                  plan_name=PRICE_PLAN["name"], terms_accepted=True)
    assert request["contract_status"] == "requested"
    contract = act("odpo_access_request_approve", "editor", id=request["id"])
    assert contract["contract_number"].startswith("ODPO-")
    with pytest.raises(tk.NotAuthorized):
        act("odpo_contract_export", "outsider", organization_id="probe-company")
    response = app.get("/organization/probe-company/contracts.csv", headers={"Authorization": token_of("editor")})
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [(row["contract_number"], row["plan_name"], row["plan_price_jpy"], row["plan_period"], row["user"],
             row["contract_status"]) for row in rows] == [
        (contract["contract_number"], PRICE_PLAN["name"], str(PRICE_PLAN["price_jpy"]), "monthly", "requester",
         "active")]


def test_the_download_log_is_append_only(app: Any, restricted: dict[str, Any]) -> None:
    assert download(app, restricted, token_of("editor")).status_code == 200
    count = "SELECT count(*), sum(bytes) FROM odpo_access_download"
    before = model.Session.execute(sa.text(count)).one()
    assert before[0] >= 1
    for statement in ("UPDATE odpo_access_download SET bytes = 0", "DELETE FROM odpo_access_download"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            model.Session.execute(sa.text(statement))
        model.Session.rollback()
    assert model.Session.execute(sa.text(count)).one() == before


def test_the_request_page_takes_a_request(app: Any, restricted: dict[str, Any]) -> None:
    headers = {"Authorization": token_of("requester")}
    page = app.get(f"/dataset/{restricted['name']}/access", headers=headers)
    assert 'id="odpo-access-request-form"' in page.body
    app.post(f"/dataset/{restricted['name']}/access", headers=headers,
             data={"purpose": "防災計画", "intended_use": "避難所の配置検討", "terms_accepted": "on"})
    rows = act("odpo_access_request_list", "requester")
    assert [(row["purpose"], row["status"]) for row in rows] == [("防災計画", "requested")]
    page = app.get(f"/dataset/{restricted['name']}/access", headers=headers)
    assert 'data-reason="request_pending"' in page.body



