"""Material and minor terms versions, re-consent blocking and unblocking,
notices, withdrawal suspending use, deletion confirmations."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from consent_support import (
    PLUGINS,
    as_browser,
    download_url,
    give_dataset_consent,
    give_platform_consent,
    sent_mails,
)

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]


@pytest.fixture
def consenting_user(seeded_terms, restricted_dataset, user):
    give_platform_consent(user, seeded_terms)
    give_dataset_consent(user, restricted_dataset)
    return user


def publish_dataset_terms(provider, dataset, change_kind=None, body="利用目的は交通分析に限ります。",
                          summary=""):
    data = {"kind": "data_terms", "scope_type": "dataset", "scope_id": dataset["id"],
            "title": "プローブカーデータ利用規約", "body": body, "change_summary": summary,
            "deletion_method": "削除後に報告してください。"}
    if change_kind:
        data["change_kind"] = change_kind
    return tk.get_action("orden_consent_terms_publish")({"user": provider["user"]["name"]}, data)


def status(user, dataset):
    return tk.get_action("orden_consent_status")({"user": user["name"]}, {"dataset_id": dataset["id"]})


def test_later_versions_must_say_material_or_minor_and_summarise(provider, restricted_dataset):
    publish_dataset_terms(provider, restricted_dataset)
    with pytest.raises(tk.ValidationError) as excinfo:
        publish_dataset_terms(provider, restricted_dataset, body="新しい本文")
    assert "change_kind" in excinfo.value.error_dict
    with pytest.raises(tk.ValidationError) as excinfo:
        publish_dataset_terms(provider, restricted_dataset, "minor", body="新しい本文")
    assert "change_summary" in excinfo.value.error_dict
    with pytest.raises(tk.ValidationError) as excinfo:
        publish_dataset_terms(provider, restricted_dataset, "minor", summary="変更なし")
    assert "identical" in excinfo.value.error_dict["body"][0]


def test_published_versions_are_kept_unchanged(provider, restricted_dataset):
    first = publish_dataset_terms(provider, restricted_dataset)["version"]
    publish_dataset_terms(provider, restricted_dataset, "minor", body="誤字を修正しました。", summary="誤字修正")
    again = tk.get_action("orden_consent_terms_show")({}, {"id": first["id"]})
    assert again["body"] == first["body"] and again["content_hash"] == first["content_hash"]
    history = tk.get_action("orden_consent_dataset_terms_show")({}, {"id": restricted_dataset["id"]})["history"]
    assert [(v["version"], v["change_kind"]) for v in history] == [(1, "initial"), (2, "minor")]


def test_only_the_provider_publishes_dataset_terms(user, restricted_dataset):
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("orden_consent_terms_publish")({"user": user["name"]}, {
            "kind": "data_terms", "scope_type": "dataset", "scope_id": restricted_dataset["id"],
            "title": "t", "body": "b"})
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("orden_consent_terms_publish")({"user": user["name"]}, {
            "kind": "platform_terms", "scope_type": "platform", "title": "t", "body": "b"})


def test_minor_change_keeps_access(consenting_user, provider, restricted_dataset, mail_server):
    tier_terms = tk.get_action("orden_consent_dataset_terms_show")({}, {"id": restricted_dataset["id"]})
    tk.get_action("orden_consent_terms_publish")({"ignore_auth": True}, {
        "kind": "data_terms", "scope_type": "tier", "scope_id": "restricted",
        "title": tier_terms["current"]["title"], "body": tier_terms["current"]["body"] + "\n（表記を整理）",
        "change_kind": "minor", "change_summary": "表記の整理のみ"})
    assert status(consenting_user, restricted_dataset)["allowed"] is True
    assert mail_server.get_smtp_messages() == []


def test_material_change_pauses_access_until_reconsent(
    app, consenting_user, provider, restricted_dataset, seeded_terms, mail_server,
):
    tier_terms = seeded_terms["data_terms:restricted"]
    result = tk.get_action("orden_consent_terms_publish")({"ignore_auth": True}, {
        "kind": "data_terms", "scope_type": "tier", "scope_id": "restricted",
        "title": tier_terms["title"], "body": tier_terms["body"] + "\n利用者は利用状況を毎年報告するものとします。",
        "change_kind": "material", "change_summary": "利用状況の年次報告を義務化"})
    assert result["affected_users"] == 1 and result["notices_sent"] == 1
    new_version = result["version"]

    answer = status(consenting_user, restricted_dataset)
    assert answer["allowed"] is False and answer["reason"] == "reconsent_required"
    assert answer["terms_version_id"] == new_version["id"]
    token = tk.get_action("api_token_create")({"user": consenting_user["name"]}, {
        "user": consenting_user["name"], "name": "t"})["token"]
    reply = app.get(download_url(restricted_dataset), headers={"Authorization": token}, follow_redirects=False)
    assert reply.status_code == 403 and reply.json["error"]["reason"] == "reconsent_required"

    # e-mail and the notice on every page
    ((recipients, subject, body),) = sent_mails(mail_server)
    assert recipients == [consenting_user["email"]]
    assert "利用状況の年次報告を義務化" in body
    assert f"/dataset/consent/{restricted_dataset['name']}" in body
    browser = as_browser(consenting_user)
    page = app.get("/dataset/", headers=browser).body
    assert "orden-consent-pending" in page and restricted_dataset["title"] in page
    # the consent page shows the diff to the accepted version
    consent_page = app.get(f"/dataset/consent/{restricted_dataset['name']}", headers=browser).body
    assert "利用状況を毎年報告" in consent_page and "<ins" in consent_page

    outcome = give_dataset_consent(consenting_user, restricted_dataset)
    assert [e["event_type"] for e in outcome["recorded"]] == ["reconsent_given"]
    assert status(consenting_user, restricted_dataset)["allowed"] is True
    assert app.get(download_url(restricted_dataset), headers={"Authorization": token},
                   follow_redirects=False).status_code == 302
    assert "orden-consent-pending" not in app.get("/dataset/", headers=browser).body


def test_material_platform_change_pauses_everything(consenting_user, restricted_dataset, seeded_terms):
    old = seeded_terms["platform_terms"]
    tk.get_action("orden_consent_terms_publish")({"ignore_auth": True}, {
        "kind": "platform_terms", "scope_type": "platform", "title": old["title"],
        "body": old["body"] + "\n第7条 準拠法は日本法とします。", "change_kind": "material",
        "change_summary": "準拠法の条項を追加"})
    answer = status(consenting_user, restricted_dataset)
    assert answer["reason"] == "reconsent_required" and answer["consent_url"].endswith("/consent/platform")


class Listener:
    def __init__(self) -> None:
        self.events: list[dict] = []

    def after_consent_event(self, event: dict) -> None:
        self.events.append(event)


def test_withdrawal_suspends_use_and_opens_a_deletion_obligation(
    app, consenting_user, provider, restricted_dataset, mail_server, monkeypatch,
):
    from ckanext.orden_consent import consents

    listener = Listener()
    real = consents.p.PluginImplementations
    monkeypatch.setattr(consents.p, "PluginImplementations",
                        lambda interface: [listener] if interface is consents.IConsentEvents else real(interface))

    tk.get_action("orden_consent_withdraw")({"user": consenting_user["name"]},
                                            {"dataset_id": restricted_dataset["name"], "note": "利用終了"})
    assert status(consenting_user, restricted_dataset)["reason"] == "consent_withdrawn"
    assert [(e["event_type"], e["dataset_id"]) for e in listener.events] == [
        ("consent_withdrawn", restricted_dataset["id"])]

    mails = {to[0]: body for to, _subject, body in sent_mails(mail_server)}
    assert set(mails) == {consenting_user["email"], provider["user"]["email"]}
    assert "削除後に報告してください。" not in mails[consenting_user["email"]]  # tier terms apply
    assert "/user/consents" in mails[consenting_user["email"]]
    assert consenting_user["name"] in mails[provider["user"]["email"]] or (
        consenting_user["fullname"] in mails[provider["user"]["email"]])

    outstanding = tk.get_action("orden_consent_deletion_outstanding_list")(
        {"user": provider["user"]["name"]}, {"organization_id": provider["organization"]["id"]})
    assert [row["user_name"] for row in outstanding] == [consenting_user["name"]]
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("orden_consent_deletion_outstanding_list")(
            {"user": consenting_user["name"]}, {"dataset_id": restricted_dataset["id"]})

    browser = as_browser(consenting_user)
    assert "orden-consent-deletion" in app.get("/user/consents", headers=browser).body
    tk.get_action("orden_consent_deletion_confirm")({"user": consenting_user["name"]}, {
        "dataset_id": restricted_dataset["id"], "note": "全媒体から削除"})
    assert tk.get_action("orden_consent_deletion_outstanding_list")(
        {"user": provider["user"]["name"]}, {"dataset_id": restricted_dataset["id"]}) == []
    assert listener.events[-1]["event_type"] == "deletion_confirmed"
    with pytest.raises(tk.ValidationError):
        tk.get_action("orden_consent_deletion_confirm")({"user": consenting_user["name"]}, {
            "dataset_id": restricted_dataset["id"]})

    # consenting again restores use
    give_dataset_consent(consenting_user, restricted_dataset)
    assert status(consenting_user, restricted_dataset)["allowed"] is True


def test_withdrawing_twice_is_refused(consenting_user, restricted_dataset):
    tk.get_action("orden_consent_withdraw")({"user": consenting_user["name"]},
                                            {"dataset_id": restricted_dataset["id"]})
    with pytest.raises(tk.ValidationError) as excinfo:
        tk.get_action("orden_consent_withdraw")({"user": consenting_user["name"]},
                                                {"dataset_id": restricted_dataset["id"]})
    assert "no consent to withdraw" in str(excinfo.value.error_dict)


def test_first_dataset_terms_replacing_the_tier_terms_require_reconsent(
    consenting_user, provider, restricted_dataset, other_restricted_dataset, mail_server,
):
    give_dataset_consent(consenting_user, other_restricted_dataset)
    result = publish_dataset_terms(provider, restricted_dataset)
    assert result["version"]["change_kind"] == "initial"
    assert result["affected_users"] == 1 and result["notices_sent"] == 1
    assert status(consenting_user, restricted_dataset)["reason"] == "reconsent_required"
    # the other dataset still follows the tier's terms
    assert status(consenting_user, other_restricted_dataset)["allowed"] is True
    ((recipients, _subject, body),) = sent_mails(mail_server)
    assert recipients == [consenting_user["email"]] and restricted_dataset["title"] in body
    assert other_restricted_dataset["title"] not in body


def test_an_ended_grant_opens_a_deletion_obligation(consenting_user, provider, restricted_dataset, mail_server):
    from ckanext.orden_consent import shared

    record = shared.record_use_ended(consenting_user["id"], restricted_dataset["id"], note="契約期間満了")
    assert record["event_type"] == "use_ended" and record["channel"] == "system"
    ((recipients, _subject, body),) = sent_mails(mail_server)
    assert recipients == [consenting_user["email"]] and restricted_dataset["title"] in body
    outstanding = tk.get_action("orden_consent_deletion_outstanding_list")(
        {"user": provider["user"]["name"]}, {"dataset_id": restricted_dataset["id"]})
    assert [row["user_name"] for row in outstanding] == [consenting_user["name"]]
    tk.get_action("orden_consent_deletion_confirm")({"user": consenting_user["name"]}, {
        "dataset_id": restricted_dataset["id"]})
    assert tk.get_action("orden_consent_deletion_outstanding_list")(
        {"user": provider["user"]["name"]}, {"dataset_id": restricted_dataset["id"]}) == []
