"""The DCAT harvester: a Turtle catalogue mapped to ODPO; a dataset that
disappears from the catalogue is withdrawn."""
from __future__ import annotations

import pytest
from harvest_support import HARVEST_PLUGINS, Answer, gather_errors, harvest_source, harvested, object_errors, run_job

TOYONAKA = "272035"
PREFIXES = """@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .
"""


def dataset(number: int, title: str) -> str:
    return f"""
<https://data.city.toyonaka.example.jp/dataset/{number}> a dcat:Dataset ;
    dct:title "{title}"@ja ;
    dct:description "豊中市の{title}です。"@ja ;
    dct:identifier "toyonaka-{number}" ;
    dct:accrualPeriodicity <http://publications.europa.eu/resource/authority/frequency/MONTHLY> ;
    dcat:keyword "自治体標準ODS", "{title}" ;
    dcat:contactPoint [ a vcard:Organization ; vcard:fn "豊中市 情報政策課" ;
                        vcard:hasEmail <mailto:opendata@city.toyonaka.example.jp> ] ;
    dcat:distribution <https://data.city.toyonaka.example.jp/dataset/{number}/csv> .
<https://data.city.toyonaka.example.jp/dataset/{number}/csv> a dcat:Distribution ;
    dct:title "{title}（CSV）" ;
    dcat:accessURL <https://data.city.toyonaka.example.jp/files/{number}.csv> ;
    dct:format "CSV" ;
    dct:license <https://creativecommons.org/licenses/by/4.0/> .
"""


@pytest.mark.ckan_config("ckan.plugins", HARVEST_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_dcat_catalogue_and_withdrawal(web_server):
    both = PREFIXES + dataset(1, "公衆トイレ一覧") + dataset(2, "AED設置箇所一覧")
    url = web_server.serve("/catalog.ttl", Answer(both.encode(), headers={"Content-Type": "text/turtle"}),
                           Answer((PREFIXES + dataset(1, "公衆トイレ一覧")).encode(),
                                  headers={"Content-Type": "text/turtle"}))
    source = harvest_source(url, "odpo_dcat", {"organisation_code": TOYONAKA}, name="toyonaka-dcat")

    first = run_job(source["id"], "odpo_dcat")
    assert gather_errors(first["job"]) == [] and object_errors(first) == []
    datasets = {d["title"]: d for d in harvested(source["id"]).values()}
    toilets = datasets["公衆トイレ一覧"]
    assert toilets["license_id"] == "cc-by-4.0"
    assert toilets["update_frequency"] == "monthly"
    assert toilets["conforms_to"] == "13"
    assert toilets["contact_email"] == "opendata@city.toyonaka.example.jp"
    assert toilets["contact_name"] == "豊中市 情報政策課"
    assert toilets["resources"][0]["url"] == "https://data.city.toyonaka.example.jp/files/1.csv"

    second = run_job(source["id"], "odpo_dcat")
    assert [item["report_status"] for item in second["objects"].values()] == ["deleted"]
    datasets = {d["title"]: d for d in harvested(source["id"]).values()}
    assert datasets["AED設置箇所一覧"]["state"] == "deleted"
    assert datasets["公衆トイレ一覧"]["state"] == "active"


@pytest.mark.ckan_config("ckan.plugins", HARVEST_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_garbage_instead_of_rdf(web_server):
    url = web_server.serve("/garbage.ttl", Answer(b"@prefix broken <<< not turtle",
                                                  headers={"Content-Type": "text/turtle"}))
    source = harvest_source(url, "odpo_dcat", {"organisation_code": TOYONAKA}, name="garbage")
    result = run_job(source["id"], "odpo_dcat")
    assert result["objects"] == {}
    assert "the RDF document cannot be parsed" in gather_errors(result["job"])[0]
