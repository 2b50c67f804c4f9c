"""ODPO's list fields are indexed value by value: searchable and facetable."""
from __future__ import annotations

import pytest
from ckan.tests import factories, helpers

from ckanext.odpo.indexing import index_document

PLUGINS = "odpo_search odpo scheming_datasets scheming_organizations"


@pytest.mark.parametrize(
    ("stored", "indexed"),
    [
        ('["transport", "tourism_culture"]', ["transport", "tourism_culture"]),
        (["270008"], ["270008"]),
        ("271004 272051", ["271004", "272051"]),
        ("", None),
        (None, None),
    ],
)
def test_list_fields_become_lists(stored: object, indexed: list[str] | None) -> None:
    document = index_document({"theme": stored})
    assert document.get("theme") == indexed


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_theme_and_area_are_facets() -> None:
    org = factories.Organization(provider_type="company")
    factories.Dataset(owner_org=org["id"], title="バス停一覧", theme=["transport", "tourism_culture"],
                      spatial_municipality_codes=["271004"])
    factories.Dataset(owner_org=org["id"], title="観光施設一覧", theme=["tourism_culture"],
                      spatial_municipality_codes=["271004", "272051"])

    result = helpers.call_action(
        "package_search", fq="theme:transport",
        **{"facet.field": ["theme", "spatial_municipality_codes"]})
    assert [d["title"] for d in result["results"]] == ["バス停一覧"]

    everything = helpers.call_action(
        "package_search", **{"facet.field": ["theme", "spatial_municipality_codes"]})
    assert everything["facets"]["theme"] == {"transport": 1, "tourism_culture": 2}
    assert everything["facets"]["spatial_municipality_codes"] == {"271004": 2, "272051": 1}
