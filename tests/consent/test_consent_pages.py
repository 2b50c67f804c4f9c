"""Pages: the privacy center (public), my consents, terms versions, the
provider's overview and terms form."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
import pytest
from consent_support import PLUGINS, as_browser, give_dataset_consent, give_platform_consent

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]


@pytest.mark.ckan_config("orden_consent.privacy_contact", "privacy@odpo.example.jp")
@pytest.mark.ckan_config("orden_consent.ledger_retention_years", "7")
def test_privacy_center_is_public_and_built_from_terms_and_settings(app, seeded_terms):
    page = app.get("/privacy").body
    assert seeded_terms["privacy_policy"]["title"] in page
    assert seeded_terms["privacy_policy"]["body"].splitlines()[0] in page
    assert seeded_terms["data_terms:restricted"]["title"] in page
    assert "privacy@odpo.example.jp" in page
    assert "7 years" in page


def test_my_consents_lists_states_and_history(app, seeded_terms, restricted_dataset, user):
    give_platform_consent(user, seeded_terms)
    give_dataset_consent(user, restricted_dataset)
    page = app.get("/user/consents", headers=as_browser(user)).body
    assert restricted_dataset["title"] in page
    assert seeded_terms["data_terms:restricted"]["title"] in page
    assert page.count('name="scope"') == 3  # three consents that can be withdrawn


def test_withdraw_from_my_consents_page(app, seeded_terms, restricted_dataset, user):
    give_platform_consent(user, seeded_terms)
    give_dataset_consent(user, restricted_dataset)
    browser = as_browser(user)
    app.post("/user/consents/withdraw", headers=browser,
             data={"scope": f"dataset:{restricted_dataset['id']}"})
    status = tk.get_action("orden_consent_status")({"user": user["name"]},
                                                   {"dataset_id": restricted_dataset["id"]})
    assert status["reason"] == "consent_withdrawn"
    page = app.get("/user/consents", headers=browser).body
    assert "orden-consent-deletion" in page
    app.post("/user/consents/deletion", headers=browser,
             data={"dataset_id": restricted_dataset["id"], "note": "削除済み"})
    assert "orden-consent-deletion" not in app.get("/user/consents", headers=browser).body


def test_terms_version_page_is_public(app, seeded_terms):
    version = seeded_terms["data_terms:restricted"]
    page = app.get(f"/consent/terms/{version['id']}").body
    assert version["title"] in page and version["content_hash"] in page
    assert app.get("/consent/terms/nope", expect_errors=True).status_code == 404


def test_provider_publishes_material_change_in_the_form(app, seeded_terms, restricted_dataset, provider, user):
    give_platform_consent(user, seeded_terms)
    give_dataset_consent(user, restricted_dataset)
    browser = as_browser(provider["user"])
    form_url = f"/dataset/consent/{restricted_dataset['name']}/terms/new"
    assert app.get(form_url, headers=as_browser(user), expect_errors=True).status_code == 403
    form = app.get(form_url, headers=browser).body
    assert seeded_terms["data_terms:restricted"]["title"] in form  # prefilled from the tier terms
    reply = app.post(form_url, headers=browser, data={
        "title": "プローブカーデータ利用規約", "body": "交通分析以外の目的で利用してはなりません。",
        "purpose": "交通分析", "change_kind": "material", "change_summary": "データ固有の規約を制定"},
        follow_redirects=False)
    assert reply.status_code == 302
    status = tk.get_action("orden_consent_status")({"user": user["name"]},
                                                   {"dataset_id": restricted_dataset["id"]})
    assert status["reason"] == "reconsent_required"
    overview = app.get(f"/dataset/consent/{restricted_dataset['name']}/overview", headers=browser).body
    assert "データ固有の規約を制定" in overview and user["name"] in overview


def test_terms_form_shows_errors_and_keeps_input(app, seeded_terms, restricted_dataset, provider):
    browser = as_browser(provider["user"])
    form_url = f"/dataset/consent/{restricted_dataset['name']}/terms/new"
    tk.get_action("orden_consent_terms_publish")({"user": provider["user"]["name"]}, {
        "kind": "data_terms", "scope_type": "dataset", "scope_id": restricted_dataset["id"],
        "title": "規約", "body": "第1版"})
    page = app.post(form_url, headers=browser, data={"title": "規約", "body": "第2版の本文"}).body
    assert "第2版の本文" in page
    assert "material or minor" in page


@pytest.mark.ckan_config("ckan.locale_default", "ja")
@pytest.mark.ckan_config("ckan.locale_order", "ja en")
def test_pages_speak_japanese_by_default(app, seeded_terms, restricted_dataset, user):
    page = app.get("/privacy").body
    assert "プライバシーセンター" in page and "保存する情報" in page and "同意の撤回と削除" in page
    reply = app.get(f"/dataset/{restricted_dataset['name']}/resource/"
                    f"{restricted_dataset['resources'][0]['id']}/download",
                    headers={"Authorization": as_browser(user)["Authorization"]}, follow_redirects=False)
    assert reply.json["error"]["message"].startswith("このデータを利用する前に")
    consent_page = app.get("/consent/platform", headers=as_browser(user)).body
    assert "上記の利用規約とプライバシーポリシーを読み、同意します。" in consent_page


def test_every_page_links_the_privacy_center_and_my_consents(app, user):
    anonymous = app.get("/dataset/").body
    assert 'href="/privacy"' in anonymous and 'href="/user/consents"' not in anonymous
    assert 'href="/user/consents"' in app.get("/dataset/", headers=as_browser(user)).body
