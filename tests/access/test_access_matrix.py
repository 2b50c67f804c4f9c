"""The access matrix: every kind of user × every tier × every path.

Each cell asserts whether the user gets the data and that no withheld URL or
uploaded file content appears anywhere in the response body. Samples stay
visible to everyone. API calls authenticate with the users' API tokens, so
every path is also the "API token" path; ``download_with_token`` is the
download route with a token (the web route used from scripts).
"""
from __future__ import annotations

import json
from typing import Any

import pytest

from access_world import TIERS, USERS, AccessWorld, sample_url, secret_row, secret_url, uploaded_content

ENTITLED_TO_AGREEMENT_TIERS = {"approved", "provider", "sysadmin"}


@pytest.fixture(autouse=True)
def world_config(access_world: AccessWorld) -> None:
    """The plugins' configuration (DataStore URLs, declared defaults) in every test."""
    access_world.restore_config()


def entitled(user: str, tier: str) -> bool:
    if tier == "open":
        return True
    if tier == "registered":
        return user != "anonymous"
    return user in ENTITLED_TO_AGREEMENT_TIERS


CELLS = [(user, tier) for tier in TIERS for user in USERS]
IDS = [f"{tier}-{user}" for user, tier in CELLS]


def assert_withheld(body: str, tier: str, world: AccessWorld) -> None:
    assert secret_url(tier) not in body
    assert uploaded_content(tier).decode() not in body
    assert world.uploads[tier]["url"] not in body


def assert_metadata(body: str, tier: str, user: str, world: AccessWorld, *, request_url_expected: bool = True) -> None:
    """Metadata answers: the data URL if entitled, else the request-access page."""
    if entitled(user, tier):
        assert secret_url(tier) in body
    else:
        assert_withheld(body, tier, world)
        if request_url_expected:
            assert f"/dataset/access-{tier}/access" in body


def full_resource(world: AccessWorld, tier: str) -> dict[str, Any]:
    return world.datasets[tier]["resources"][0]


@pytest.mark.parametrize(("user", "tier"), CELLS, ids=IDS)
class TestAccessMatrix:
    def test_download_route_of_a_linked_file(self, access_world: AccessWorld, user: str, tier: str) -> None:
        dataset = access_world.datasets[tier]
        url = f"/dataset/{dataset['name']}/resource/{full_resource(access_world, tier)['id']}/download"
        response = access_world.get(user, url, follow_redirects=False)
        if entitled(user, tier):
            assert response.status_code == 302
            assert response.headers["Location"] == secret_url(tier)
        else:
            assert response.status_code == 403
            assert_withheld(response.get_data(as_text=True), tier, access_world)
            assert f"/dataset/access-{tier}/access" in response.get_data(as_text=True)

    def test_download_route_of_an_uploaded_file(self, access_world: AccessWorld, user: str, tier: str) -> None:
        upload = access_world.uploads[tier]
        response = access_world.get(user, upload["url"].replace("http://test.ckan.net", ""))
        if entitled(user, tier):
            assert response.status_code == 200
            assert response.data == uploaded_content(tier)
        else:
            assert response.status_code == 403
            assert_withheld(response.get_data(as_text=True), tier, access_world)

    def test_sample_is_downloadable_by_anyone(self, access_world: AccessWorld, user: str, tier: str) -> None:
        dataset = access_world.datasets[tier]
        sample = dataset["resources"][1]
        response = access_world.get(user, f"/dataset/{dataset['name']}/resource/{sample['id']}/download",
                                    follow_redirects=False)
        assert response.status_code == 302
        assert response.headers["Location"] == sample_url(tier)

    def test_resource_show(self, access_world: AccessWorld, user: str, tier: str) -> None:
        resource_id = full_resource(access_world, tier)["id"]
        response = access_world.get(user, f"/api/3/action/resource_show?id={resource_id}")
        body = response.get_data(as_text=True)
        if entitled(user, tier):
            assert response.status_code == 200
            assert json.loads(body)["result"]["url"] == secret_url(tier)
        else:
            assert response.status_code == 403
            assert_withheld(body, tier, access_world)
            assert f"/dataset/access-{tier}/access" in json.loads(body)["error"]["message"]

    def test_datastore_search_and_sql(self, access_world: AccessWorld, user: str, tier: str) -> None:
        if not access_world.datastore:
            pytest.skip("the DataStore needs a superuser to set up its database")
        resource_id = full_resource(access_world, tier)["id"]
        search = access_world.get(user, f"/api/3/action/datastore_search?resource_id={resource_id}")
        sql = access_world.app.post("/api/3/action/datastore_search_sql", headers=access_world.headers(user),
                                    json={"sql": f'SELECT * FROM "{resource_id}"'})
        for response in (search, sql):
            body = response.get_data(as_text=True)
            if entitled(user, tier):
                assert response.status_code == 200, body
                assert secret_row(tier) in body
            else:
                assert response.status_code == 403
                assert secret_row(tier) not in body
                assert f"/dataset/access-{tier}/access" in body

    def test_package_show(self, access_world: AccessWorld, user: str, tier: str) -> None:
        response = access_world.get(user, f"/api/3/action/package_show?id=access-{tier}")
        body = response.get_data(as_text=True)
        assert sample_url(tier) in body
        assert_metadata(body, tier, user, access_world)

    def test_package_search(self, access_world: AccessWorld, user: str, tier: str) -> None:
        response = access_world.get(user, f"/api/3/action/package_search?q=name:access-{tier}")
        body = response.get_data(as_text=True)
        assert json.loads(body)["result"]["count"] == 1
        assert sample_url(tier) in body
        assert_metadata(body, tier, user, access_world)

    def test_current_package_list_with_resources(self, access_world: AccessWorld, user: str, tier: str) -> None:
        response = access_world.get(user, "/api/3/action/current_package_list_with_resources?limit=100")
        body = response.get_data(as_text=True)
        assert sample_url(tier) in body
        assert_metadata(body, tier, user, access_world)

    def test_dcat_dataset(self, access_world: AccessWorld, user: str, tier: str) -> None:
        response = access_world.get(user, f"/dataset/access-{tier}.ttl")
        assert response.status_code == 200
        assert_metadata(response.get_data(as_text=True), tier, user, access_world)

    def test_dcat_catalog(self, access_world: AccessWorld, user: str, tier: str) -> None:
        response = access_world.get(user, "/catalog.ttl")
        assert response.status_code == 200
        assert_metadata(response.get_data(as_text=True), tier, user, access_world)

    def test_activity(self, access_world: AccessWorld, user: str, tier: str) -> None:
        response = access_world.get(user, f"/api/3/action/package_activity_list?id=access-{tier}")
        activities = json.loads(response.get_data(as_text=True))["result"]
        assert activities
        assert_withheld_unless_entitled(response.get_data(as_text=True), tier, user, access_world)
        for activity in activities:
            # stored copies of the dataset: CKAN itself shows them to editors only
            shown = access_world.get(user, f"/api/3/action/activity_show?id={activity['id']}&include_data=true")
            if shown.status_code == 200:
                assert_metadata(shown.get_data(as_text=True), tier, user, access_world)
            else:
                assert shown.status_code == 403
                assert_withheld(shown.get_data(as_text=True), tier, access_world)
        page = access_world.get(user, f"/dataset/activity/access-{tier}")
        assert_withheld_unless_entitled(page.get_data(as_text=True), tier, user, access_world)

    def test_resource_page_and_views(self, access_world: AccessWorld, user: str, tier: str) -> None:
        resource_id = full_resource(access_world, tier)["id"]
        page = access_world.get(user, f"/dataset/access-{tier}/resource/{resource_id}")
        views = access_world.get(user, f"/api/3/action/resource_view_list?id={resource_id}")
        assert views.status_code == 200
        if entitled(user, tier):
            assert page.status_code == 200
            assert json.loads(views.get_data(as_text=True))["result"]
        else:
            assert page.status_code == 403
            assert json.loads(views.get_data(as_text=True))["result"] == []
            assert_withheld(page.get_data(as_text=True), tier, access_world)
            assert f"/dataset/access-{tier}/access" in page.get_data(as_text=True)

    def test_dataset_page(self, access_world: AccessWorld, user: str, tier: str) -> None:
        page = access_world.get(user, f"/dataset/access-{tier}")
        assert_withheld_unless_entitled(page.get_data(as_text=True), tier, user, access_world)

    def test_atom_feeds(self, access_world: AccessWorld, user: str, tier: str) -> None:
        dataset = access_world.datasets[tier]
        organization = dataset["organization"]["name"]
        for url in ("/feeds/dataset.atom", f"/feeds/organization/{organization}.atom",
                    f"/feeds/custom.atom?q=name:access-{tier}"):
            feed = access_world.get(user, url)
            assert feed.status_code == 200, url
            body = feed.get_data(as_text=True)
            assert f"package_show?id=access-{tier}" in body, url  # every tier is listed
            assert_withheld_unless_entitled(body, tier, user, access_world)


def assert_withheld_unless_entitled(body: str, tier: str, user: str, world: AccessWorld) -> None:
    if not entitled(user, tier):
        assert_withheld(body, tier, world)
