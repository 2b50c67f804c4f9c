"""The 06 オープンデータ一覧 CSV harvester: UTF-8, UTF-8 with BOM and
CP932 lists give the same datasets."""
from __future__ import annotations

import pytest
from harvest_support import HARVEST_PLUGINS, Answer, gather_errors, harvest_source, harvested, object_errors, run_job

HIGASHIOSAKA = "272272"
LIST = (
    "全国地方公共団体コード,ID,地方公共団体名,名称,概要,URL,ファイル形式,ライセンス,更新頻度,最終更新日,分類\r\n"
    "272272,1,東大阪市,公衆トイレ一覧,市内の公衆トイレ（№1から65）の一覧,"
    "https://www.city.higashiosaka.lg.jp/od/public_toilet.csv,CSV,CC BY 4.0,年1回,2024/04/01,くらし\r\n"
    "272272,2,東大阪市,AED設置箇所一覧,市の施設のAED,"
    "https://www.city.higashiosaka.lg.jp/od/aed.csv,CSV,クリエイティブ・コモンズ 表示 2.1 日本,毎月,2025-01-15,"
    "防災、健康\r\n"
    "272272,3,東大阪市,,名称のない行,https://www.city.higashiosaka.lg.jp/od/x.csv,CSV,,,,\r\n"
)


@pytest.mark.ckan_config("ckan.plugins", HARVEST_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_list_in_each_encoding(web_server, encoding):
    url = web_server.serve(f"/list-{encoding}.csv", Answer(LIST.encode(encoding)))
    source = harvest_source(url, "odpo_opendata_list", name=f"list-{encoding}")

    result = run_job(source["id"], "odpo_opendata_list")

    assert gather_errors(result["job"]) == [] and object_errors(result) == []
    datasets = {d["title"]: d for d in harvested(source["id"]).values()}
    assert set(datasets) == {"公衆トイレ一覧", "AED設置箇所一覧"}
    toilets = datasets["公衆トイレ一覧"]
    assert toilets["notes"] == "市内の公衆トイレ（№1から65）の一覧"
    assert toilets["name"] == "272272_1"
    assert toilets["license_id"] == "cc-by-4.0"
    assert toilets["update_frequency"] == "annual"
    assert toilets["last_data_update"] == "2024-04-01"
    assert toilets["resources"][0]["url"].endswith("public_toilet.csv")
    assert toilets["spatial_municipality_codes"] == [HIGASHIOSAKA]
    aed = datasets["AED設置箇所一覧"]
    assert aed["license_id"] == "cc-by-2.1-jp"
    assert sorted(tag["name"] for tag in aed["tags"]) == ["健康", "防災"]


@pytest.mark.ckan_config("ckan.plugins", HARVEST_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_a_list_without_a_title_column_is_a_gather_error(web_server):
    url = web_server.serve("/no-title.csv", Answer("番号,URL\r\n1,https://example.jp/a.csv\r\n".encode()))
    source = harvest_source(url, "odpo_opendata_list", {"organisation_code": HIGASHIOSAKA}, name="no-title")
    result = run_job(source["id"], "odpo_opendata_list")
    assert result["objects"] == {}
    assert "no title column" in gather_errors(result["job"])[0]
