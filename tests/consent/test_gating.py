"""Stage 1 and stage 2 gating of resource downloads, in the browser (redirect
to the consent page) and for API clients (403 with a machine-readable reason)."""
from __future__ import annotations

import pytest
from ckan.tests import factories
from consent_support import (
    PLUGINS,
    as_browser,
    download_url,
    give_dataset_consent,
    give_platform_consent,
    make_dataset,
)

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db"),
]


def api_download(app, dataset, user):
    token = factories.APIToken(user=user["name"])["token"]
    return app.get(download_url(dataset), headers={"Authorization": token}, follow_redirects=False)


def test_open_data_downloads_for_anonymous_users(app, seeded_terms, provider):
    dataset = make_dataset(provider, "open", "wifi-spots")
    reply = app.get(download_url(dataset), follow_redirects=False)
    assert reply.status_code == 302
    assert reply.headers["Location"] == "https://data.example.org/wifi-spots.csv"


def test_anonymous_user_is_sent_to_log_in_and_consent(app, seeded_terms, restricted_dataset):
    reply = app.get(download_url(restricted_dataset), follow_redirects=False)
    assert reply.status_code == 302
    assert "/consent/platform" in reply.headers["Location"]
    assert "came_from=" in reply.headers["Location"]
    consent_page = app.get("/consent/platform", follow_redirects=False)
    assert "/user/login" in consent_page.headers["Location"]


def test_stage_one_gates_browsing_user_until_platform_consent(app, seeded_terms, restricted_dataset, user):
    browser = as_browser(user)
    # browsing stays open
    assert app.get(f"/dataset/{restricted_dataset['name']}", headers=browser).status_code == 200
    reply = app.get(download_url(restricted_dataset), headers=browser, follow_redirects=False)
    assert reply.status_code == 302 and "/consent/platform" in reply.headers["Location"]
    page = app.get("/consent/platform", headers=browser)
    assert seeded_terms["platform_terms"]["title"] in page.body
    assert seeded_terms["privacy_policy"]["title"] in page.body


def test_stage_two_follows_stage_one(app, seeded_terms, restricted_dataset, user):
    give_platform_consent(user, seeded_terms)
    browser = as_browser(user)
    reply = app.get(download_url(restricted_dataset), headers=browser, follow_redirects=False)
    assert reply.status_code == 302
    assert f"/dataset/consent/{restricted_dataset['name']}" in reply.headers["Location"]
    page = app.get(f"/dataset/consent/{restricted_dataset['name']}", headers=browser)
    assert seeded_terms["data_terms:restricted"]["title"] in page.body
    assert seeded_terms["data_terms:restricted"]["deletion_method"] in page.body

    give_dataset_consent(user, restricted_dataset)
    reply = app.get(download_url(restricted_dataset), headers=browser, follow_redirects=False)
    assert reply.status_code == 302
    assert reply.headers["Location"] == "https://data.example.org/probe-car-data.csv"


def test_consent_to_one_dataset_does_not_open_another(
    app, seeded_terms, restricted_dataset, other_restricted_dataset, user,
):
    give_platform_consent(user, seeded_terms)
    give_dataset_consent(user, restricted_dataset)
    reply = api_download(app, other_restricted_dataset, user)
    assert reply.status_code == 403
    assert reply.json["error"]["reason"] == "dataset_consent_required"


def test_api_client_gets_machine_readable_403(app, seeded_terms, restricted_dataset, user):
    reply = api_download(app, restricted_dataset, user)
    assert reply.status_code == 403
    error = reply.json["error"]
    assert error["reason"] == "platform_consent_required"
    assert error["consent_url"].endswith("/consent/platform")
    assert error["terms_version_id"] in {seeded_terms["platform_terms"]["id"],
                                         seeded_terms["privacy_policy"]["id"]}
    assert error["message"]

    give_platform_consent(user, seeded_terms)
    error = api_download(app, restricted_dataset, user).json["error"]
    assert error["reason"] == "dataset_consent_required"
    assert error["consent_url"].endswith(f"/dataset/consent/{restricted_dataset['name']}")
    assert error["terms_version_id"] == seeded_terms["data_terms:restricted"]["id"]

    give_dataset_consent(user, restricted_dataset)
    assert api_download(app, restricted_dataset, user).status_code == 302


def test_registered_tier_needs_stage_one_only(app, seeded_terms, provider, user):
    dataset = make_dataset(provider, "registered", "toilets")
    assert api_download(app, dataset, user).json["error"]["reason"] == "platform_consent_required"
    give_platform_consent(user, seeded_terms)
    assert api_download(app, dataset, user).status_code == 302


def test_provider_downloads_own_data_without_consent(app, seeded_terms, restricted_dataset, provider):
    assert api_download(app, restricted_dataset, provider["user"]).status_code == 302


def test_status_action_answers_the_same_as_the_gate(app, seeded_terms, restricted_dataset, user):
    import ckan.plugins.toolkit as tk

    status = tk.get_action("orden_consent_status")({"user": user["name"]},
                                                   {"dataset_id": restricted_dataset["name"]})
    assert status["allowed"] is False and status["reason"] == "platform_consent_required"
    assert status["consent_required"] is True
    give_platform_consent(user, seeded_terms)
    give_dataset_consent(user, restricted_dataset)
    status = tk.get_action("orden_consent_status")({"user": user["name"]},
                                                   {"dataset_id": restricted_dataset["id"]})
    assert status["allowed"] is True and status["reason"] is None


@pytest.mark.ckan_config("orden_consent.consent_required_values", "restricted paid custom")
def test_dataset_without_published_terms_stays_closed(app, seeded_terms, provider, user):
    from ckanext.orden_consent import shared

    give_platform_consent(user, seeded_terms)
    dataset = make_dataset(provider, "custom", "no-terms")
    decision = shared.check_dataset_consent(user["id"], dataset)
    assert not decision.allowed
    assert decision.reason == "dataset_consent_required" and decision.terms_version_id is None
    assert api_download(app, dataset, user).json["error"]["reason"] == "dataset_consent_required"


def test_web_consent_forms_record_both_stages(app, seeded_terms, restricted_dataset, user):
    from ckanext.orden_consent import ledger

    browser = as_browser(user)
    page = app.get("/consent/platform", headers=browser)
    token = _form_token(page.body)
    reply = app.post("/consent/platform", headers=browser, data={
        "terms_version_id": [seeded_terms["platform_terms"]["id"], seeded_terms["privacy_policy"]["id"]],
        "form_token": token, "agree": "yes"}, follow_redirects=False)
    assert reply.status_code == 302
    page = app.get(f"/dataset/consent/{restricted_dataset['name']}", headers=browser)
    reply = app.post(f"/dataset/consent/{restricted_dataset['name']}", headers=browser, data={
        "terms_version_id": seeded_terms["data_terms:restricted"]["id"],
        "form_token": _form_token(page.body), "agree": "yes"}, follow_redirects=False)
    assert reply.status_code == 302
    records = ledger.events(user_id=user["id"])
    assert [(r.event_type, r.scope, r.channel) for r in records] == [
        ("consent_given", "platform_terms", "web"),
        ("consent_given", "privacy_policy", "web"),
        ("consent_given", f"dataset:{restricted_dataset['id']}", "web"),
    ]
    assert records[2].terms_content_hash == seeded_terms["data_terms:restricted"]["content_hash"]
    reply = app.get(download_url(restricted_dataset), headers=browser, follow_redirects=False)
    assert reply.headers["Location"] == (
        "https://data.example.org/probe-car-data.csv")


def test_unticked_box_records_nothing(app, seeded_terms, user):
    from ckanext.orden_consent import ledger

    browser = as_browser(user)
    page = app.get("/consent/platform", headers=browser)
    reply = app.post("/consent/platform", headers=browser, data={
        "terms_version_id": [seeded_terms["platform_terms"]["id"], seeded_terms["privacy_policy"]["id"]],
        "form_token": _form_token(page.body)})
    assert reply.status_code == 400
    assert "tick the box" in reply.body
    assert ledger.events(user_id=user["id"]) == []


def _form_token(body: str) -> str:
    import re

    match = re.search(r'name="form_token" value="([^"]+)"', body)
    assert match, "the consent form has no token"
    return match.group(1)


def test_registration_and_login_land_on_the_platform_consent_page(app, seeded_terms, user):
    browser = as_browser(user)
    for landing in ("/user/me", "/dashboard/datasets"):
        reply = app.get(landing, headers=browser, follow_redirects=False)
        assert reply.status_code == 302
        assert "/consent/platform?came_from=" in reply.headers["Location"]
    give_platform_consent(user, seeded_terms)
    assert "/consent/platform" not in app.get("/user/me", headers=browser,
                                              follow_redirects=False).headers["Location"]


def test_status_of_a_private_dataset_is_not_told_to_outsiders(seeded_terms, provider, user):
    import ckan.plugins.toolkit as tk

    dataset = factories.Dataset(owner_org=provider["organization"]["id"], private=True,
                                extras=[{"key": "access_tier", "value": "restricted"}])
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("orden_consent_status")({"user": user["name"]}, {"dataset_id": dataset["id"]})
    answer = tk.get_action("orden_consent_status")({"user": provider["user"]["name"]},
                                                   {"dataset_id": dataset["id"]})
    assert answer["allowed"] is True
