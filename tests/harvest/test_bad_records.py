"""Bad records from a CKAN API (served by the local test server): each one
becomes an object error with a clear message, the job finishes and the good
records are imported; names already taken get a suffix."""
from __future__ import annotations

import json

import pytest
from harvest_support import HARVEST_PLUGINS, Answer, gather_errors, harvest_source, harvested, run_job

SAKAI = "271403"


def package(number: int, **fields):
    record = {"id": f"remote-{number}", "name": f"{SAKAI}_{number}", "title": f"堺市 データ {number}",
              "metadata_modified": f"2026-01-0{number}T00:00:00", "license_id": "cc-by-40-intl",
              "extras": [{"key": "更新頻度", "value": "毎月"}],
              "resources": [{"name": "CSV", "url": f"https://example.jp/{number}.csv", "format": "csv"}]}
    record.update(fields)
    return record


def search_answer(results):
    return Answer(json.dumps({"success": True, "result": {"count": len(results), "results": results}},
                             ensure_ascii=False).encode())


@pytest.mark.ckan_config("ckan.plugins", HARVEST_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_bad_records_are_errors_and_the_rest_is_imported(web_server):
    from ckan.tests import factories

    factories.Dataset(name=f"{SAKAI}_1")  # a local dataset already has the remote name
    records = [package(1), package(2, notes="あ" * 150_000), package(3, title="", name=""),
               package(4, tags=[{"name": "防災"}, {"name": "防災"}, {"name": "a,b"}])]
    listing = [{"id": record["id"], "metadata_modified": record["metadata_modified"]} for record in records]
    web_server.serve("/bad/api/3/action/package_search", search_answer(listing), search_answer(records))
    source = harvest_source(web_server.base_url + "/bad", "odpo_ckan", {"organisation_code": SAKAI},
                            name="bad-records")

    result = run_job(source["id"], "odpo_ckan")

    assert result["job"].status == "Finished"
    assert gather_errors(result["job"]) == []
    errors = {guid: [error.message for error in item["errors"]] for guid, item in result["objects"].items()}
    assert errors["remote-2"] == ["field 'notes' has 150,000 characters (ODPO takes at most 100,000)"]
    assert errors["remote-3"] == ["the record has neither a title nor a name"]
    datasets = harvested(source["id"])
    assert set(datasets) == {"remote-1", "remote-4"}
    assert datasets["remote-1"]["name"] == f"{SAKAI}_1-2"
    assert sorted(tag["name"] for tag in datasets["remote-4"]["tags"]) == ["a b", "防災"]


@pytest.mark.ckan_config("ckan.plugins", HARVEST_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_an_incomplete_listing_changes_nothing(web_server):
    first = [package(1), package(2)]
    web_server.serve("/partial/api/3/action/package_search", search_answer(
        [{"id": r["id"], "metadata_modified": r["metadata_modified"]} for r in first]), search_answer(first))
    source = harvest_source(web_server.base_url + "/partial", "odpo_ckan", {"organisation_code": SAKAI},
                            name="partial")
    run_job(source["id"], "odpo_ckan")
    assert len(harvested(source["id"])) == 2
    cut = Answer(json.dumps({"success": True, "result": {"count": 2, "results": [
        {"id": "remote-1", "metadata_modified": "2026-01-01T00:00:00"}]}}).encode())
    empty = Answer(json.dumps({"success": True, "result": {"count": 2, "results": []}}).encode())
    web_server.serve("/partial/api/3/action/package_search", cut, empty)

    result = run_job(source["id"], "odpo_ckan")

    assert result["objects"] == {}
    assert "announced 2 datasets but gave 1" in gather_errors(result["job"])[0]
    assert {d["state"] for d in harvested(source["id"]).values()} == {"active"}
