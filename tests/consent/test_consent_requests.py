"""Forged or stale consent requests are refused with a clear error and record
nothing: a wrong version id, an outdated version, another dataset's version,
a replayed form, a form issued to someone else."""
from __future__ import annotations

import re

import ckan.plugins.toolkit as tk
import pytest
from ckan.tests import factories
from consent_support import PLUGINS, as_browser, give_platform_consent, platform_version_ids

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]


def record(user, data):
    return tk.get_action("orden_consent_record_create")({"user": user["name"]}, data)


def error_text(excinfo) -> str:
    return " ".join(m for messages in excinfo.value.error_dict.values() for m in messages)


def ledger_of(user):
    from ckanext.orden_consent import ledger

    return ledger.events(user_id=user["id"])


def test_unknown_version_id_is_refused(seeded_terms, restricted_dataset, user):
    give_platform_consent(user, seeded_terms)
    with pytest.raises(tk.ValidationError) as excinfo:
        record(user, {"dataset_id": restricted_dataset["id"], "terms_version_ids": ["not-a-version"]})
    assert "Unknown terms version" in error_text(excinfo)
    assert len(ledger_of(user)) == 2


def test_version_of_another_dataset_is_refused(seeded_terms, restricted_dataset, other_restricted_dataset,
                                               provider, user):
    give_platform_consent(user, seeded_terms)
    own_terms = tk.get_action("orden_consent_terms_publish")({"user": provider["user"]["name"]}, {
        "kind": "data_terms", "scope_type": "dataset", "scope_id": other_restricted_dataset["name"],
        "title": "人流データ利用規約", "body": "人流データに固有の条件。"})["version"]
    with pytest.raises(tk.ValidationError) as excinfo:
        record(user, {"dataset_id": restricted_dataset["id"], "terms_version_ids": [own_terms["id"]]})
    assert "does not apply here" in error_text(excinfo)
    # the platform documents are not data terms either
    with pytest.raises(tk.ValidationError):
        record(user, {"dataset_id": restricted_dataset["id"],
                      "terms_version_ids": [seeded_terms["platform_terms"]["id"]]})
    assert len(ledger_of(user)) == 2


def test_outdated_version_is_refused(seeded_terms, restricted_dataset, user):
    give_platform_consent(user, seeded_terms)
    old = seeded_terms["data_terms:restricted"]
    tk.get_action("orden_consent_terms_publish")({"ignore_auth": True}, {
        "kind": "data_terms", "scope_type": "tier", "scope_id": "restricted", "title": old["title"],
        "body": old["body"] + "\n第9条 追加条項。", "change_kind": "minor", "change_summary": "第9条を追加"})
    with pytest.raises(tk.ValidationError) as excinfo:
        record(user, {"dataset_id": restricted_dataset["id"], "terms_version_ids": [old["id"]]})
    assert "replaced by a newer version (version 2)" in error_text(excinfo)
    assert len(ledger_of(user)) == 2


def test_stage_two_needs_stage_one(seeded_terms, restricted_dataset, user):
    with pytest.raises(tk.ValidationError) as excinfo:
        record(user, {"dataset_id": restricted_dataset["id"],
                      "terms_version_ids": [seeded_terms["data_terms:restricted"]["id"]]})
    assert "platform terms" in error_text(excinfo)
    assert ledger_of(user) == []


def test_platform_consent_needs_both_documents(seeded_terms, user):
    with pytest.raises(tk.ValidationError) as excinfo:
        record(user, {"terms_version_ids": [seeded_terms["platform_terms"]["id"]]})
    assert "both" in error_text(excinfo)
    assert ledger_of(user) == []


def test_anonymous_cannot_record(seeded_terms):
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("orden_consent_record_create")(
            {"user": ""}, {"terms_version_ids": platform_version_ids(seeded_terms)})


def _token(body: str) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', body).group(1)  # type: ignore[union-attr]


def test_replayed_form_is_refused(app, seeded_terms, user):
    browser = as_browser(user)
    form = {"terms_version_id": platform_version_ids(seeded_terms), "agree": "yes",
            "form_token": _token(app.get("/consent/platform", headers=browser).body)}
    assert app.post("/consent/platform", headers=browser, data=form, follow_redirects=False).status_code == 302
    tk.get_action("orden_consent_withdraw")({"user": user["name"]}, {"document": "privacy_policy"})
    # the old form, submitted again after the withdrawal, must not re-create the consent
    reply = app.post("/consent/platform", headers=browser, data=form)
    assert reply.status_code == 400
    assert "already submitted" in reply.body
    assert [e.event_type for e in ledger_of(user)] == ["consent_given", "consent_given", "consent_withdrawn"]


def test_form_issued_to_another_user_is_refused(app, seeded_terms, user):
    other = factories.User()
    token = _token(app.get("/consent/platform", headers=as_browser(other)).body)
    reply = app.post("/consent/platform", headers=as_browser(user), data={
        "terms_version_id": platform_version_ids(seeded_terms), "agree": "yes", "form_token": token})
    assert reply.status_code == 400
    assert "not valid for you" in reply.body
    assert ledger_of(user) == []


def test_stale_form_after_material_change_is_refused(app, seeded_terms, user):
    browser = as_browser(user)
    body = app.get("/consent/platform", headers=browser).body
    old = seeded_terms["privacy_policy"]
    tk.get_action("orden_consent_terms_publish")({"ignore_auth": True}, {
        "kind": "privacy_policy", "scope_type": "platform", "title": old["title"],
        "body": old["body"] + "\n6. 位置情報を取得します。", "change_kind": "material",
        "change_summary": "位置情報の取得を追加"})
    reply = app.post("/consent/platform", headers=browser, data={
        "terms_version_id": platform_version_ids(seeded_terms), "agree": "yes", "form_token": _token(body)})
    assert reply.status_code == 400
    assert "replaced by a newer version" in reply.body
    assert ledger_of(user) == []


def test_repeating_an_api_consent_records_it_once(seeded_terms, restricted_dataset, user):
    give_platform_consent(user, seeded_terms)
    answer = record(user, {"terms_version_ids": platform_version_ids(seeded_terms)})
    assert answer["already_consented"] is True and answer["recorded"] == []
    assert len(ledger_of(user)) == 2
