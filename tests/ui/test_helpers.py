"""Plain functions behind the template helpers: reading fields, provider
types, licences and facet labels."""
from __future__ import annotations

import pytest
from ckanext.odpo import helpers
from ckanext.odpo.licences import load_register

# --- reading fields ---------------------------------------------------------


def test_a_field_is_read_at_the_top_level_first() -> None:
    dataset = {"access_tier": "paid", "extras": [{"key": "access_tier", "value": "open"}]}
    assert helpers.field_value(dataset, "access_tier") == "paid"


def test_a_field_is_read_from_extras_as_a_list_or_a_dict() -> None:
    assert helpers.field_value({"extras": [{"key": "access_tier", "value": "open"}]}, "access_tier") == "open"
    assert helpers.field_value({"extras": {"provider_type": "company"}}, "provider_type") == "company"


@pytest.mark.parametrize(
    "entity",
    [None, {}, {"access_tier": ""}, {"extras": []}, {"extras": [{"key": "access_tier", "value": ""}]}],
)
def test_a_missing_or_empty_field_is_none(entity: dict | None) -> None:
    assert helpers.field_value(entity, "access_tier") is None


# --- provider types and sectors -------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "code"),
    [
        ("prefecture", "prefecture"),
        ("municipality", "municipality"),
        ("company", "company"),
        ("都道府県", "prefecture"),
        ("市区町村", "municipality"),
        ("その他公的機関", "other_public"),
        ("民間企業", "company"),
        ("大学・研究機関", "university"),
        (" company ", "company"),
        ("", None),
        (None, None),
        ("somebody", None),
    ],
)
def test_provider_types_are_read_as_codes(stored: str | None, code: str | None) -> None:
    assert helpers.provider_type_code(stored) == code


@pytest.mark.parametrize(
    ("provider_type", "sector"),
    [
        ("company", "private"),
        ("prefecture", "public"),
        ("municipality", "public"),
        ("other_public", "public"),
        ("university", "public"),
        (None, "public"),
    ],
)
def test_only_companies_are_private_sector(provider_type: str | None, sector: str) -> None:
    assert helpers.sector_of(provider_type) == sector


def test_an_organisation_dict_in_a_dataset_gives_the_provider_type() -> None:
    dataset = {"organization": {"id": "x", "extras": {"provider_type": "民間企業"}}}
    assert helpers.dataset_provider_type(dataset) == "company"


# --- labels (outside a request: the English source texts) ----------------------


def test_labels_of_unset_and_unknown_values() -> None:
    assert helpers.access_tier_label(None) == "Not set"
    assert helpers.access_tier_label("bartered") == "bartered"
    assert helpers.standard_label("") == "Not a standard dataset"


def test_standard_dataset_labels_carry_their_number() -> None:
    assert helpers.standard_label("13") in {"13 公衆トイレ一覧", "13 Public toilets"}


# --- licences ---------------------------------------------------------------------


def test_a_register_id_is_found_as_it_is() -> None:
    licence, inferred = helpers.find_licence("pdl-1.0")
    assert licence is not None and licence.id == "pdl-1.0"
    assert not inferred


def test_another_catalogues_exact_name_is_found_through_the_normaliser() -> None:
    licence, inferred = helpers.find_licence("cc-zero")
    assert licence is not None and licence.id == "cc0-1.0"
    assert not inferred


def test_a_versionless_id_is_found_but_marked_inferred() -> None:
    licence, inferred = helpers.find_licence("cc-by")
    assert licence is not None and licence.id == "cc-by-4.0"
    assert inferred


@pytest.mark.parametrize("license_id", ["other-closed", "notspecified", "", None])
def test_no_register_entry_for_unnamed_terms(license_id: str | None) -> None:
    assert helpers.find_licence(license_id) == (None, False)


def test_licence_terms_give_summary_flags_and_citation() -> None:
    dataset = {"license_id": "cc-by-4.0", "title": "公衆トイレ一覧", "name": "toilets"}
    terms = helpers.licence_terms(dataset, "大阪府", "https://odpo.example/dataset/toilets")
    register_entry = load_register()["cc-by-4.0"]
    assert terms["in_register"] and not terms["inferred"]
    assert terms["summary"] == register_entry.summary_ja
    assert terms["short_name"] == "CC BY 4.0"
    assert "大阪府" in terms["citation"]
    assert "公衆トイレ一覧" in terms["citation"]
    assert "https://odpo.example/dataset/toilets" in terms["citation"]
    assert terms["modified_citation"] != terms["citation"]
    flags = {flag["name"]: flag["value"] for flag in terms["flags"]}
    assert flags["commercial_use"] is True
    assert flags["attribution_required"] is True


def test_terms_outside_the_register_fall_back_to_ckans_licence() -> None:
    dataset = {
        "license_id": "other-closed",
        "license_title": "Other (Not Open)",
        "license_url": "",
        "title": "人流データ",
    }
    terms = helpers.licence_terms(dataset, "株式会社", "https://odpo.example/dataset/x")
    assert terms["title"] == "Other (Not Open)"
    assert terms["summary"] == "" and terms["citation"] == ""
    assert not terms["in_register"]


def test_flags_the_provider_decides_read_so() -> None:
    assert helpers.licence_flag_value_label("commercial_use", None) == "Set by the provider's terms"
    assert helpers.licence_flag_value_label("commercial_use", False) == "Not allowed"
    assert helpers.licence_flag_value_label("attribution_required", True) == "Credit required"


# --- search facets ---------------------------------------------------------------


def test_facet_items_get_readable_names() -> None:
    facets = {
        "access_tier": {"items": [{"name": "paid", "display_name": "paid", "count": 2}]},
        "conforms_to": {"items": [{"name": "13", "display_name": "13", "count": 1}]},
        "license_id": {
            "items": [
                {"name": "cc-by-4.0", "display_name": "cc-by-4.0", "count": 3},
                {"name": "cc-by", "display_name": "Creative Commons Attribution", "count": 1},
                {"name": "mystery", "display_name": "mystery", "count": 1},
            ]
        },
    }
    helpers.label_search_facets(facets)
    assert facets["access_tier"]["items"][0]["display_name"] == "Paid data"
    assert facets["conforms_to"]["items"][0]["display_name"].startswith("13 ")
    licences = [item["display_name"] for item in facets["license_id"]["items"]]
    # a versionless id keeps CKAN's own name: the register's would claim a version
    assert licences == ["CC BY 4.0", "Creative Commons Attribution", "mystery"]


def test_odpo_facets_are_added_to_ckans() -> None:
    facets = helpers.add_dataset_facets({"organization": "Organizations", "license_id": "Licenses"})
    assert list(facets) == ["organization", "license_id", "access_tier", "conforms_to"]


# --- freshness texts ---------------------------------------------------------------


def test_freshness_reads_the_fields_wherever_they_are() -> None:
    import datetime

    dataset = {
        "update_frequency": "monthly",
        "extras": [{"key": "last_data_update", "value": "2025-06-01"}],
    }
    info = helpers.freshness_info(dataset, datetime.date(2025, 10, 1))
    assert info["status"] == "stale"
    assert info["label"] == "Update overdue"
    assert info["detail"] == (
        "Last updated 2025-06-01 (122 days ago), next update was expected by 2025-07-02"
    )


def test_freshness_texts_of_irregular_and_undated_data() -> None:
    import datetime

    today = datetime.date(2025, 10, 1)
    irregular = helpers.freshness_info(
        {"update_frequency": "irregular", "last_data_update": "2025-09-30"}, today
    )
    assert irregular["detail"] == "Irregular (1 day since the last update)"
    undated = helpers.freshness_info({"update_frequency": "daily"}, today)
    assert undated["status"] == "unknown"
    assert undated["detail"] == "The date of the last update is not known."
