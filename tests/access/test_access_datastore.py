"""DataStore reads of withheld data (plugins datastore + odpo_access): rows of
a restricted resource reach entitled users only, through ``datastore_search``
and ``datastore_search_sql``, and every read through the API is logged.

The DataStore database and read-only role are set up by
:func:`access_world.datastore_urls`; the module is skipped when the test
database user cannot create them (not a superuser).
"""
from __future__ import annotations

import json
from typing import Any

import pytest

from ckan.tests import factories
from ckan.tests.helpers import call_action

from access_world import SECRET_ROW, dataset_fields, datastore_urls

@pytest.fixture
def datastore_config(ckan_config: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    urls = datastore_urls()
    if urls is None:
        pytest.skip("the DataStore needs a superuser to set up its database and read-only role")
    monkeypatch.setitem(ckan_config, "ckan.datastore.write_url", urls[0])
    monkeypatch.setitem(ckan_config, "ckan.datastore.read_url", urls[1])
    monkeypatch.setitem(ckan_config, "ckan.datastore.sqlsearch.enabled", True)


pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "odpo_search odpo scheming_datasets scheming_organizations "
                                            "datastore odpo_access"),
    pytest.mark.ckan_config("licenses_group_url", ""),
    pytest.mark.usefixtures("datastore_config", "with_plugins", "clean_db"),
]


@pytest.fixture
def world() -> dict[str, Any]:
    factories.Sysadmin(name="site-admin")
    for name in ("approved", "registered", "editor"):
        factories.User(name=name, email=f"{name}@example.jp")
    organization = call_action("organization_create", context={"user": "site-admin"}, name="probe-company",
                               title="プローブ株式会社", provider_type="company",
                               users=[{"name": "editor", "capacity": "editor"}])
    dataset = call_action("package_create", context={"user": "site-admin"}, owner_org=organization["id"],
                          **dataset_fields("restricted"))
    resource_id = dataset["resources"][0]["id"]
    call_action("datastore_create", context={"user": "site-admin"}, resource_id=resource_id, force=True,
                fields=[{"id": "section", "type": "text"}], records=[{"section": SECRET_ROW}])
    request = call_action("odpo_access_request_create", context={"user": "approved", "ignore_auth": False},
                          package_id=dataset["id"], purpose="p", intended_use="u", terms_accepted=True)
    call_action("odpo_access_request_approve", context={"user": "editor", "ignore_auth": False}, id=request["id"])
    tokens = {name: factories.APIToken(user=name)["token"] for name in ("approved", "registered", "editor")}
    return {"dataset": dataset, "resource_id": resource_id, "tokens": tokens}


def headers(world: dict[str, Any], user: str) -> dict[str, str]:
    return {"Authorization": world["tokens"][user]} if user in world["tokens"] else {}


@pytest.mark.parametrize(("user", "allowed"), [("anonymous", False), ("registered", False), ("approved", True),
                                               ("editor", True)])
def test_datastore_search_and_sql(app: Any, world: dict[str, Any], user: str, allowed: bool) -> None:
    resource_id = world["resource_id"]
    search = app.get(f"/api/3/action/datastore_search?resource_id={resource_id}", headers=headers(world, user))
    sql = app.post("/api/3/action/datastore_search_sql", headers=headers(world, user),
                   json={"sql": f'SELECT * FROM "{resource_id}"'})
    for response in (search, sql):
        if allowed:
            assert response.status_code == 200
            assert SECRET_ROW in response.body
        else:
            assert response.status_code == 403
            assert SECRET_ROW not in response.body
            assert "/dataset/access-restricted/access" in json.loads(response.body)["error"]["message"]


def test_api_reads_are_logged(app: Any, world: dict[str, Any]) -> None:
    app.get(f"/api/3/action/datastore_search?resource_id={world['resource_id']}", headers=headers(world, "approved"))
    log = call_action("odpo_download_log_list", context={"user": "approved", "ignore_auth": False})
    assert [(row["resource_id"], row["channel"]) for row in log] == [(world["resource_id"], "api")]
    assert log[0]["grant_id"] and log[0]["bytes"] > len(SECRET_ROW)
