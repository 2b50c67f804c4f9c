"""BODIK harvester against a real CKAN source: mapping, organisations by
code, licences, incremental runs, withdrawals and restores, and a failing run
that changes nothing."""
from __future__ import annotations

import pytest
from harvest_support import (
    HARVEST_PLUGINS,
    bodik_dataset,
    bodik_organisation,
    gather_errors,
    harvest_source,
    harvested,
    object_errors,
    run_job,
)

SUITA, OSAKA_PREF, MINATO = "272051", "270008", "131032"


def organisation(organisation_id):
    import ckan.plugins.toolkit as tk

    return tk.get_action("organization_show")({"ignore_auth": True}, {"id": organisation_id})


@pytest.fixture(scope="module")
def catalogue(remote):
    """Suita and Osaka Prefecture (selected), Minato (not an Osaka body)."""
    bodik_organisation(remote, SUITA, "吹田市", "https://www.city.suita.osaka.jp/")
    bodik_organisation(remote, OSAKA_PREF, "大阪府", "https://www.pref.osaka.lg.jp/")
    bodik_organisation(remote, MINATO, "港区", "http://www.city.minato.tokyo.jp/")
    datasets = {
        "toilets": bodik_dataset(remote, SUITA, "13"),
        "aed": bodik_dataset(remote, SUITA, "8", title="AED設置箇所一覧",
                             tags=[{"name": "推奨データセット"}, {"name": "AED設置箇所一覧"}],
                             license_id="CC-BY-NC-2.1-JP", license_title="CC BY-NC 2.1 JP"),
        "budget": bodik_dataset(remote, OSAKA_PREF, "budget", title="大阪府 予算書",
                                tags=[{"name": "予算"}], license_id="japanese-20",
                                license_title="政府標準利用規約（第2.0版）",
                                extras=[{"key": "更新頻度", "value": "毎年度"}]),
        "minato": bodik_dataset(remote, MINATO, "271", title="港区の住宅宿泊事業届出情報一覧"),
    }
    return datasets


@pytest.mark.ckan_config("ckan.plugins", HARVEST_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_harvest_changes_withdrawals_restores_and_failures(remote, catalogue, web_server, cli, app):
    source = harvest_source(remote.base_url, "odpo_bodik",
                            {"organisation_codes": [SUITA, OSAKA_PREF]}, name="bodik")

    # 1. first harvest: the selected bodies' datasets, mapped to the ODPO schema
    first = run_job(source["id"], "odpo_bodik")
    assert gather_errors(first["job"]) == []
    assert object_errors(first) == []
    datasets = harvested(source["id"])
    assert set(datasets) == {catalogue[key]["id"] for key in ("toilets", "aed", "budget")}
    toilets = datasets[catalogue["toilets"]["id"]]
    assert toilets["name"] == f"{SUITA}_13"
    assert toilets["organization"]["title"] == "吹田市"
    assert toilets["license_id"] == "cc-by-4.0"
    assert toilets["licence_unmapped"] in ("", None)
    assert toilets["update_frequency"] == "monthly"
    assert toilets["spatial_municipality_codes"] == [SUITA]
    assert toilets["conforms_to"] == "13"
    assert toilets["source_rights"] == "吹田市"
    assert toilets["contact_email"] == "opendata@city.example.jp"
    assert toilets["last_data_update"] == "2025-04-01"
    assert toilets["resources"][0]["encoding"] == "Shift_JIS"
    assert {tag["name"] for tag in toilets["tags"]} >= {"トイレ", "公衆トイレ一覧"}
    aed = datasets[catalogue["aed"]["id"]]
    assert aed["conforms_to"] == "08"
    assert not aed.get("license_id")
    assert aed["licence_unmapped"] == "true"
    # a stock CKAN shows an id outside its register as the title too
    assert aed["source_licence"] == "CC-BY-NC-2.1-JP"
    budget = datasets[catalogue["budget"]["id"]]
    assert budget["license_id"] == "gsl-2.0"
    assert budget["update_frequency"] == "annual"
    prefecture = organisation(budget["owner_org"])
    assert (prefecture["municipality_code"], prefecture["provider_type"]) == (OSAKA_PREF, "prefecture")
    assert prefecture["website"] == "https://www.pref.osaka.lg.jp/"
    suita = organisation(toilets["owner_org"])
    assert (suita["municipality_code"], suita["provider_type"]) == (SUITA, "municipality")

    # 2. at the source: change one, delete one, add one; the budget stays as it is
    remote.call("package_patch", id=catalogue["toilets"]["id"], title="公衆トイレ一覧（改訂）")
    remote.call("package_delete", id=catalogue["aed"]["id"])
    added = bodik_dataset(remote, SUITA, "3", title="指定緊急避難場所一覧",
                          tags=[{"name": "自治体標準ODS"}])
    budget_before = budget["metadata_modified"]
    second = run_job(source["id"], "odpo_bodik")
    assert gather_errors(second["job"]) == []
    statuses = {guid: item["report_status"] for guid, item in second["objects"].items()}
    assert statuses == {catalogue["toilets"]["id"]: "updated", catalogue["aed"]["id"]: "deleted",
                        added["id"]: "added"}
    datasets = harvested(source["id"])
    assert datasets[catalogue["toilets"]["id"]]["title"] == "公衆トイレ一覧（改訂）"
    withdrawn = datasets[catalogue["aed"]["id"]]
    assert withdrawn["state"] == "deleted"
    assert withdrawn["withdrawn_at"].startswith("20")
    assert remote.base_url in withdrawn["withdrawal_reason"]
    assert datasets[added["id"]]["conforms_to"] == "03"
    assert datasets[catalogue["budget"]["id"]]["metadata_modified"] == budget_before

    # 3. a run against a failing source: a gather error, nothing changed
    snapshot = {guid: (d["state"], d["title"], d["metadata_modified"]) for guid, d in datasets.items()}
    from ckanext.harvest.model import HarvestSource
    from harvest_support import Answer
    broken_url = web_server.serve("/broken/api/3/action/organization_list", Answer(b"oops", status=500))
    harvest_record = HarvestSource.get(source["id"])
    harvest_record.url = broken_url.rsplit("/api/3/action/", 1)[0]
    harvest_record.config = '{"request_delay": 0, "retries": 1, "backoff": 0, "organisation_codes": ["272051"]}'
    harvest_record.save()
    third = run_job(source["id"], "odpo_bodik")
    errors = gather_errors(third["job"])
    assert len(errors) == 1 and "HTTP 500" in errors[0] and "after 2 attempts" in errors[0]
    assert third["objects"] == {}
    after = {guid: (d["state"], d["title"], d["metadata_modified"])
             for guid, d in harvested(source["id"]).items()}
    assert after == snapshot

    # 4. the source publishes the withdrawn dataset again: it is restored
    harvest_record.url = remote.base_url
    harvest_record.config = '{"request_delay": 0, "organisation_codes": ["272051", "270008"]}'
    harvest_record.save()
    remote.call("package_patch", id=catalogue["aed"]["id"], state="active")
    fourth = run_job(source["id"], "odpo_bodik")
    assert gather_errors(fourth["job"]) == []
    assert set(fourth["objects"]) == {catalogue["aed"]["id"]}
    restored = harvested(source["id"])[catalogue["aed"]["id"]]
    assert restored["state"] == "active"
    assert restored["id"] == withdrawn["id"]
    assert not restored.get("withdrawn_at") and not restored.get("withdrawal_reason")

    # 5. nothing changed at the source: the incremental run creates no object
    fifth = run_job(source["id"], "odpo_bodik")
    assert fifth["objects"] == {} and gather_errors(fifth["job"]) == []

    # the operators' report
    from ckanext.odpo.cli import odpo
    result = cli.invoke(odpo, ["harvest", "report"])
    assert result.exit_code == 0, result.output
    assert "Harvest source bodik" in result.output
    assert "datasets now: 4 published, 0 withdrawn; 5 jobs in total" in result.output
    assert "unmapped licence x1: CC-BY-NC-2.1-JP" in result.output

    # the harvest source page, in Japanese: status and the chart of datasets over time
    page = app.get("/ja/harvest/bodik").body
    assert "取込の状況" in page
    assert "公開中 4 件、提供元による取り下げ 0 件" in page
    assert "データセット数の推移" in page
    assert page.count("<circle") == 5
    assert "HTTP 500" not in page  # the last run had no error
