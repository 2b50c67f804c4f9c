"""ODPO's DCAT profile: what partner catalogues read about each dataset."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sharing_support import SHARING_PLUGINS, dataset, organisation
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

SHAPES = Path(__file__).with_name("dcat-ap-3.0.1-shapes.ttl")
ODRL = Namespace("http://www.w3.org/ns/odrl/2/")
FOAF_NAME = URIRef("http://xmlns.com/foaf/0.1/name")

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", SHARING_PLUGINS),
    pytest.mark.ckan_config("ckanext.dcat.rdf.profiles", "odpo_dcat_ap3"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_sharing", "clean_index"),
]


def catalogue_graph(app: Any, url: str = "/sharing/catalog.ttl") -> tuple[Graph, str]:
    response = app.get(url)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    return Graph().parse(data=text, format="turtle"), text


def dataset_graph(app: Any, name: str) -> Graph:
    response = app.get(f"/dataset/{name}.ttl")
    assert response.status_code == 200
    return Graph().parse(data=response.get_data(as_text=True), format="turtle")


def ref(graph: Graph, title: str) -> URIRef:
    return next(s for s in graph.subjects(DCTERMS.title, None)
                if any(str(o) == title for o in graph.objects(s, DCTERMS.title)))


def test_open_dataset_carries_codes_licence_tier_and_english_title(app: Any) -> None:
    org = organisation()
    dataset(org, "272051_public-toilet", title_en="Suita City public toilets",
            spatial_municipality_codes=["272051"], update_frequency="monthly", conforms_to="13",
            contact_name="吹田市 情報政策室", contact_email="joho@city.suita.example")
    graph = dataset_graph(app, "272051_public-toilet")
    subject = ref(graph, "吹田市 272051_public-toilet")
    assert (subject, DCTERMS.title, Literal("Suita City public toilets", lang="en")) in graph
    assert (subject, DCTERMS.identifier, Literal("272051_public-toilet")) in graph
    assert (subject, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")) in graph \
        or any("creativecommons.org/licenses/by/4.0" in str(o) for o in graph.objects(None, DCTERMS.license))
    assert (subject, DCTERMS.accrualPeriodicity,
            URIRef("http://publications.europa.eu/resource/authority/frequency/MONTHLY")) in graph
    assert any(str(o).endswith("#13") for o in graph.objects(subject, DCTERMS.conformsTo))
    assert any(str(o).endswith("/sharing/access-tier/open") for o in graph.objects(subject, DCTERMS.accessRights))
    publisher = graph.value(subject, DCTERMS.publisher)
    assert graph.value(publisher, DCTERMS.identifier) == Literal("272051")
    location = graph.value(subject, DCTERMS.spatial)
    assert graph.value(location, DCTERMS.identifier) == Literal("272051")
    assert [str(o) for o in graph.objects(None, DCAT.downloadURL)] == [
        "https://files.example/272051_public-toilet/data.csv"]
    assert graph.value(subject, DCAT.contactPoint) is not None


@pytest.mark.parametrize("tier", ["registered", "restricted", "paid"])
def test_non_open_distributions_have_no_data_url(app: Any, tier: str) -> None:
    org = organisation()
    created = dataset(org, f"272051_{tier}-data", tier=tier)
    graph, text = catalogue_graph(app)
    assert f"files.example/272051_{tier}-data/data.csv" not in text
    assert dataset_graph(app, created["name"]).serialize(format="nt").count("/data.csv") == 0
    downloads = {str(o) for o in graph.objects(None, DCAT.downloadURL)}
    assert downloads == {f"https://files.example/272051_{tier}-data/sample.csv"}
    page = f"/dataset/{created['name']}"
    access_urls = {str(o) for o in graph.objects(None, DCAT.accessURL)}
    assert any(url.endswith(page) for url in access_urls)
    subject = ref(graph, f"吹田市 272051_{tier}-data")
    assert any(str(o).endswith(f"/sharing/access-tier/{tier}")
               for o in graph.objects(subject, DCTERMS.accessRights))


def test_paid_plans_are_odrl_offers(app: Any) -> None:
    dataset(organisation(), "272051_paid-data", tier="paid")
    graph, _text = catalogue_graph(app)
    offers = list(graph.subjects(RDF.type, ODRL.Offer))
    assert len(offers) == 1
    amounts = [str(o) for o in graph.objects(None, ODRL.rightOperand)]
    assert amounts == ["1000"]


def test_catalogue_validates_against_dcat_ap_3_shapes(app: Any) -> None:
    pyshacl = pytest.importorskip("pyshacl")
    org = organisation()
    dataset(org, "272051_open-data", title_en="Open data", spatial_municipality_codes=["272051"],
            update_frequency="annual", contact_name="情報政策室")
    dataset(org, "272051_restricted-data", tier="restricted")
    dataset(org, "272051_paid-data", tier="paid")
    graph, _text = catalogue_graph(app)
    shapes = Graph().parse(SHAPES, format="turtle")
    conforms, _report, text = pyshacl.validate(graph, shacl_graph=shapes, inference="none")
    assert conforms, text


def test_catalogue_pages_and_stock_endpoint_agree(app: Any) -> None:
    org = organisation()
    for number in range(3):
        dataset(org, f"272051_dataset-{number}")
    page_one, _ = catalogue_graph(app, "/sharing/catalog.ttl?page=1&page_size=2")
    page_two, _ = catalogue_graph(app, "/sharing/catalog.ttl?page=2&page_size=2")
    full, _ = catalogue_graph(app)
    stock, _ = catalogue_graph(app, "/catalog.ttl")
    titles = {str(o) for o in full.objects(None, DCTERMS.title) if getattr(o, "language", None) == "ja"}
    paged = {str(o) for g in (page_one, page_two) for o in g.objects(None, DCTERMS.title)
             if getattr(o, "language", None) == "ja"}
    stock_titles = {str(o) for o in stock.objects(None, DCTERMS.title) if getattr(o, "language", None) == "ja"}
    assert {f"吹田市 272051_dataset-{n}" for n in range(3)} <= titles
    assert paged == titles == stock_titles
    assert app.get("/sharing/catalog.ttl?page=0").status_code == 400


def test_modified_since_and_changes_reach_the_stored_descriptions(app: Any) -> None:
    org = organisation()
    first = dataset(org, "272051_before")
    full, _ = catalogue_graph(app)  # stores every dataset's description
    cutoff = first["metadata_modified"]
    dataset(org, "272051_after")
    tk_patch = __import__("ckan.plugins.toolkit", fromlist=["get_action"]).get_action("package_patch")
    tk_patch({"ignore_auth": True, "user": ""}, {"id": first["id"], "title": "吹田市 改訂後"})
    recent, _ = catalogue_graph(app, f"/sharing/catalog.ttl?modified_since={cutoff}")
    titles = {str(o) for o in recent.objects(None, DCTERMS.title) if getattr(o, "language", None) == "ja"}
    assert titles == {"吹田市 改訂後", "吹田市 272051_after"}
    assert app.get("/sharing/catalog.ttl?modified_since=yesterday").status_code == 400


def test_access_tier_uris_resolve(app: Any) -> None:
    graph = Graph().parse(data=app.get("/sharing/access-tier/paid").get_data(as_text=True), format="turtle")
    labels = {str(o) for o in graph.objects(None, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))}
    assert labels == {"有償", "Paid"}
    assert app.get("/sharing/access-tier/secret").status_code == 404


@pytest.mark.usefixtures("with_extended_cli")
def test_render_command_stores_descriptions_ahead(app: Any, cli: Any) -> None:
    from ckan.cli.cli import ckan

    org = organisation()
    dataset(org, "272051_one")
    dataset(org, "272051_two", tier="paid")
    first = cli.invoke(ckan, ["odpo", "sharing", "render-dcat"])
    assert first.exit_code == 0, first.output
    assert "2 rendered, 0 already current" in first.output
    again = cli.invoke(ckan, ["odpo", "sharing", "render-dcat"])
    assert "0 rendered, 2 already current" in again.output
    _graph, text = catalogue_graph(app)
    assert "272051_two/data.csv" not in text and "272051_one/data.csv" in text


def test_a_retitled_publisher_reaches_partners_and_the_stored_descriptions(app: Any) -> None:
    import ckan.plugins.toolkit as tk
    from ckan.tests.helpers import call_action

    from ckanext.odpo.indexing import reindex_organisation

    org = organisation()
    first = dataset(org, "272051_publisher")
    before, _ = catalogue_graph(app)  # stores the description, publisher 吹田市
    assert Literal("吹田市") in set(before.objects(None, FOAF_NAME))
    cursor = call_action("odpo_sharing_changes", context={"ignore_auth": True})["next_cursor"]

    call_action("organization_patch", context={"ignore_auth": True, "user": ""},
                id=org["id"], title="吹田市役所")
    # partners learn that the dataset changed
    changes = call_action("odpo_sharing_changes", context={"ignore_auth": True}, cursor=cursor)
    assert [(c["dataset_id"], c["change"]) for c in changes["changes"]] == [(first["id"], "updated")]
    # the index is refreshed by a background job, enqueued by the update
    jobs = tk.get_action("job_list")({"ignore_auth": True}, {})
    assert any(job["title"] == f"odpo reindex of organisation {org['id']}" for job in jobs)
    assert reindex_organisation(org["id"]) == 1
    found = call_action("package_search", q="name:272051_publisher")["results"][0]
    assert found["organization"]["title"] == "吹田市役所"
    after, _ = catalogue_graph(app)
    names = set(after.objects(None, FOAF_NAME))
    assert Literal("吹田市役所") in names and Literal("吹田市") not in names
