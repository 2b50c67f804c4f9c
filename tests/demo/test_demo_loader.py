"""The demo catalogue: its plan (no database) and its loading through CKAN."""
from __future__ import annotations

import datetime
import math
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from ckanext.odpo import vocabularies as vocab
from ckanext.odpo.demo import CataloguePlan, build_catalogue_plan
from ckanext.odpo.demo.drafting import REFERENCE_DATE
from ckanext.odpo.demo.loader import dataset_data_dict, organization_data_dict
from ckanext.odpo.demo.plan import (
    ACCESS_TIERS,
    PRIVATE_SECTOR,
    PUBLIC_SECTOR,
    UPDATE_FREQUENCIES,
)
from ckanext.odpo.demo.shape import apportion
from ckanext.odpo.demo.tables import demo_tables
from ckanext.odpo.municipality import (
    municipality_check_digit,
    municipality_code_is_valid,
)

SMALL_SCALE = 0.03
PLUGINS = "odpo odpo_search scheming_datasets scheming_organizations"
#: Fields of the ODPO dataset schema the loader writes (schemas/dataset.yaml).
ODPO_DATASET_FIELDS = {
    "title_en", "access_tier", "update_frequency", "last_data_update", "theme",
    "spatial_municipality_codes", "temporal_start", "temporal_end", "conforms_to",
    "contact_name", "contact_email", "personal_data_class", "secondary_distribution",
    "price_plans",
}
CKAN_DATASET_FIELDS = {"name", "title", "owner_org", "notes", "license_id", "tags", "resources"}
NAME_PATTERN = re.compile(r"[a-z0-9_-]{2,100}")
TAG_PATTERN = re.compile(r"[\w \-.]{2,100}")
RESOURCE_FORMATS = {"CSV", "XLSX", "JSON", "PDF", "API"}
REAL_OSAKA_CODES = {
    "270008": "大阪府",
    "271004": "大阪市",
    "271403": "堺市",
    "272035": "豊中市",
    "272051": "吹田市",
    "272078": "高槻市",
    "272108": "枚方市",
    "272116": "茨木市",
    "272124": "八尾市",
    "272272": "東大阪市",
    "272027": "岸和田市",
    "272043": "池田市",
}


@pytest.fixture(scope="module")
def full_plan() -> CataloguePlan:
    return build_catalogue_plan()


@pytest.fixture
def harmonised_licences(ckan_config: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """CKAN's licence register is ODPO's harmonised one (config/licences.json)."""
    from ckanext.odpo.licences.ckan_list import licences_group_url

    monkeypatch.setitem(ckan_config, "licenses_group_url", licences_group_url())
    _forget_licence_register()
    yield
    _forget_licence_register()


def _forget_licence_register() -> None:
    from ckan import model

    if "_license_register" in vars(model.Package):
        del model.Package._license_register


# --- municipality codes -----------------------------------------------------


@pytest.mark.parametrize("code", sorted(REAL_OSAKA_CODES))
def test_real_municipality_codes_are_valid(code: str) -> None:
    assert municipality_code_is_valid(code)


@pytest.mark.parametrize("code", ["271005", "272050", "270009", "272271"])
def test_a_wrong_check_digit_is_rejected(code: str) -> None:
    assert not municipality_code_is_valid(code)


@pytest.mark.parametrize("code", ["27100", "2710040", "27100a", "", None, 271004, "000000"])
def test_malformed_codes_are_rejected(code: object) -> None:
    assert not municipality_code_is_valid(code)


def test_check_digit_of_tokyo_and_osaka() -> None:
    assert municipality_check_digit("13000") == "1"
    assert municipality_check_digit("27100") == "4"


# --- the plan at the published scale ----------------------------------------


def test_plan_has_the_published_organisation_counts(full_plan: CataloguePlan) -> None:
    assert len(full_plan.organisations) == 105
    assert len(full_plan.organisations_of(PUBLIC_SECTOR)) == 12
    assert len(full_plan.organisations_of(PRIVATE_SECTOR)) == 93


def test_plan_has_the_published_dataset_counts(full_plan: CataloguePlan) -> None:
    assert len(full_plan.datasets) == 749
    assert len(full_plan.datasets_of(PUBLIC_SECTOR)) == 708
    assert len(full_plan.datasets_of(PRIVATE_SECTOR)) == 41


def test_plan_has_the_published_resource_counts(full_plan: CataloguePlan) -> None:
    assert full_plan.resource_count() == 2673
    assert full_plan.resource_count(PUBLIC_SECTOR) == 2564
    assert full_plan.resource_count(PRIVATE_SECTOR) == 109


def test_every_access_tier_is_present(full_plan: CataloguePlan) -> None:
    tiers = Counter(dataset.access_tier for dataset in full_plan.datasets)
    assert set(tiers) == set(ACCESS_TIERS)
    public_tiers = Counter(dataset.access_tier for dataset in full_plan.datasets_of(PUBLIC_SECTOR))
    assert public_tiers.most_common(1)[0][0] == "open"
    assert "paid" not in public_tiers
    private = full_plan.datasets_of(PRIVATE_SECTOR)
    private_tiers = Counter(dataset.access_tier for dataset in private)
    assert private_tiers["paid"] + private_tiers["restricted"] > 0.8 * len(private)


def test_every_paid_dataset_has_a_price_plan(full_plan: CataloguePlan) -> None:
    paid = [dataset for dataset in full_plan.datasets if dataset.access_tier == "paid"]
    assert paid
    for dataset in paid:
        price_plans = dataset_data_dict(dataset)["price_plans"]
        assert len(price_plans) >= 1, dataset.name
        for plan in price_plans:
            assert plan["name"] and plan["price_jpy"] > 0
            assert plan["period"] in {"one-off", "monthly", "yearly"}
            assert plan["delivery"] in {"file", "api"}


def test_only_paid_datasets_carry_price_plans(full_plan: CataloguePlan) -> None:
    for dataset in full_plan.datasets:
        assert bool(dataset.price_plans) == (dataset.access_tier == "paid"), dataset.name


def test_every_municipality_code_is_valid(full_plan: CataloguePlan) -> None:
    for organisation in full_plan.organisations:
        assert municipality_code_is_valid(organisation.municipality_code), organisation.name
    for dataset in full_plan.datasets:
        for code in dataset.spatial_municipality_codes:
            assert municipality_code_is_valid(code), dataset.name


def test_public_bodies_are_osaka_with_their_real_codes(full_plan: CataloguePlan) -> None:
    bodies = {org.municipality_code: org for org in full_plan.organisations_of(PUBLIC_SECTOR)}
    assert {code: org.title for code, org in bodies.items()} == REAL_OSAKA_CODES
    assert bodies["270008"].name == "osaka-pref"
    assert bodies["270008"].provider_type == "prefecture"
    assert {org.provider_type for code, org in bodies.items() if code != "270008"} == {
        "municipality"
    }
    assert bodies["271004"].name == "osaka-city"
    assert {org.provider_type for org in full_plan.organisations_of(PRIVATE_SECTOR)} == {"company"}


def test_organisations_have_contacts_and_websites(full_plan: CataloguePlan) -> None:
    for organisation in full_plan.organisations:
        data_dict = organization_data_dict(organisation)
        assert data_dict["contact_email"].endswith(".example.jp"), organisation.name
        assert data_dict["website"].startswith("https://"), organisation.name
        assert data_dict["provider_type"] in vocab.values_of(vocab.PROVIDER_TYPES)


def test_names_are_unique_ascii_slugs(full_plan: CataloguePlan) -> None:
    names = [org.name for org in full_plan.organisations] + [d.name for d in full_plan.datasets]
    assert len(names) == len(set(names))
    for name in names:
        assert NAME_PATTERN.fullmatch(name), name


def test_datasets_belong_to_planned_organisations(full_plan: CataloguePlan) -> None:
    organisation_names = {org.name for org in full_plan.organisations}
    assert {dataset.owner_org for dataset in full_plan.datasets} <= organisation_names


def test_datasets_are_described_in_japanese(full_plan: CataloguePlan) -> None:
    japanese = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
    for dataset in full_plan.datasets:
        assert japanese.search(dataset.title), dataset.name
        sentences = [s for s in dataset.notes.split("。") if s]
        assert 2 <= len(sentences) <= 4, dataset.notes
        assert dataset.tags and all(TAG_PATTERN.fullmatch(tag) for tag in dataset.tags)


def test_dataset_metadata_uses_the_odpo_vocabularies(full_plan: CataloguePlan) -> None:
    standards = demo_tables().standards
    for dataset in full_plan.datasets:
        assert dataset.update_frequency in UPDATE_FREQUENCIES
        assert dataset.last_data_update < REFERENCE_DATE + datetime.timedelta(days=1)
        assert dataset.conforms_to is None or dataset.conforms_to in standards
        data_dict = dataset_data_dict(dataset)
        assert set(data_dict) <= ODPO_DATASET_FIELDS | CKAN_DATASET_FIELDS
        assert "extras" not in data_dict
        assert dataset.themes
        assert set(dataset.themes) <= set(vocab.values_of(vocab.THEMES))
        assert dataset.personal_data_class in {"none", "anonymised"}
        assert dataset.contact_name and dataset.contact_email.endswith(".example.jp")
        if dataset.temporal_start and dataset.temporal_end:
            assert dataset.temporal_start <= dataset.temporal_end, dataset.name
        for resource in dataset.resources:
            assert resource.format in RESOURCE_FORMATS
            assert resource.url.startswith("https://data.example.jp/")


@pytest.mark.parametrize(
    ("title_part", "standard"),
    [
        ("公衆トイレ一覧", "13"),
        ("AED設置箇所一覧", "08"),
        ("指定緊急避難場所一覧", "03"),
        ("子育て施設一覧", "05"),
        ("指定文化財一覧", "02"),
        ("介護サービス事業所一覧", "09"),
        ("Wi-Fiアクセスポイント一覧", "07"),
        ("イベント情報", "12"),
        ("赤ちゃんの駅一覧", "29"),
    ],
)
def test_standard_datasets_name_their_standard(
    full_plan: CataloguePlan, title_part: str, standard: str
) -> None:
    matching = [dataset for dataset in full_plan.datasets if title_part in dataset.title]
    assert matching
    assert {dataset.conforms_to for dataset in matching} == {standard}
    assert all("自治体標準ODS" in dataset.tags for dataset in matching)


def test_licences_are_in_the_harmonised_register(full_plan: CataloguePlan) -> None:
    from ckanext.odpo.licences import load_register

    assert {dataset.license_id for dataset in full_plan.datasets} <= set(load_register())


def test_agreement_tiers_carry_odpos_terms_and_forbid_redistribution(
    full_plan: CataloguePlan,
) -> None:
    for dataset in full_plan.datasets:
        if dataset.access_tier == "paid":
            assert dataset.license_id == "odpo-paid", dataset.name
        if dataset.access_tier == "restricted":
            assert dataset.license_id == "odpo-restricted", dataset.name
        prohibited = dataset.access_tier in {"restricted", "paid"}
        expected = "prohibited" if prohibited else "allowed"
        assert dataset.secondary_distribution == expected, dataset.name


def test_public_bodies_use_their_own_terms(full_plan: CataloguePlan) -> None:
    licences = {
        dataset.license_id
        for dataset in full_plan.datasets_of(PUBLIC_SECTOR)
        if dataset.access_tier == "open"
    }
    assert licences == {"pdl-1.0", "cc-by-4.0", "cc0-1.0", "gsl-2.0", "municipal-custom"}


def test_non_open_datasets_come_with_a_sample(full_plan: CataloguePlan) -> None:
    non_open = [dataset for dataset in full_plan.datasets if dataset.access_tier != "open"]
    with_sample = [d for d in non_open if any(r.is_sample for r in d.resources)]
    assert len(with_sample) > 0.9 * len(non_open)
    for dataset in full_plan.datasets_of(PRIVATE_SECTOR):
        assert dataset.resources[0].is_sample, dataset.name


def test_a_sample_names_another_resource_of_its_dataset(full_plan: CataloguePlan) -> None:
    for dataset in full_plan.datasets:
        names = [resource.name for resource in dataset.resources]
        assert len(names) == len(set(names)), dataset.name
        for resource in dataset.resources:
            if resource.sample_of is not None:
                assert resource.is_sample
                assert resource.sample_of in names and resource.sample_of != resource.name
            elif resource.is_sample:
                assert len(dataset.resources) == 1 or not any(
                    r.format in {"CSV", "XLSX", "JSON", "API"} and not r.is_sample
                    for r in dataset.resources
                ), dataset.name


def test_only_non_open_public_datasets_get_a_sample_added(full_plan: CataloguePlan) -> None:
    for dataset in full_plan.datasets_of(PUBLIC_SECTOR):
        has_sample = any(resource.is_sample for resource in dataset.resources)
        if dataset.access_tier == "open":
            assert not has_sample, dataset.name


def test_some_datasets_have_english_titles(full_plan: CataloguePlan) -> None:
    titles = {d.name: d.title_en for d in full_plan.datasets if d.title_en}
    assert 0.3 * len(full_plan.datasets) < len(titles) < len(full_plan.datasets)
    assert titles["272051_public-toilet"] == "Public toilets, Suita City"
    assert all(title.isascii() for title in titles.values())


def test_yearly_series_cover_their_period(full_plan: CataloguePlan) -> None:
    datasets = {dataset.name: dataset for dataset in full_plan.datasets}
    closed = next(d for name, d in datasets.items() if name.endswith("-2024") and "event" in name)
    assert (closed.temporal_start, closed.temporal_end) == (
        datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)
    )
    fiscal = next(d for name, d in datasets.items() if "school-lunch-menu-2024" in name)
    assert (fiscal.temporal_start, fiscal.temporal_end) == (
        datetime.date(2024, 4, 1), datetime.date(2025, 3, 31)
    )
    running = next(d for name, d in datasets.items() if name.endswith("event-2025"))
    assert running.temporal_end is None


def test_data_from_individuals_is_anonymised(full_plan: CataloguePlan) -> None:
    classes = {
        dataset.name.split("_", 1)[1]: dataset.personal_data_class
        for dataset in full_plan.datasets_of(PRIVATE_SECTOR)
    }
    assert classes["people-flow"] == "anonymised"
    assert classes["weather-forecast"] == "none"


def test_the_plan_is_deterministic(full_plan: CataloguePlan) -> None:
    assert build_catalogue_plan() == full_plan
    assert build_catalogue_plan(seed=7) != full_plan


# --- smaller scales ------------------------------------------------------------


def _scaled(count: int, scale: float) -> int:
    return max(1, math.floor(count * scale + 0.5))


@pytest.mark.parametrize("scale", [0.5, 0.05, SMALL_SCALE, 0.001])
def test_a_smaller_plan_keeps_the_proportions(scale: float) -> None:
    plan = build_catalogue_plan(scale=scale)
    published = [(12, 708, 2564), (93, 41, 109)]
    for sector, (organisations, datasets, resources) in zip(
        (PUBLIC_SECTOR, PRIVATE_SECTOR), published, strict=True
    ):
        assert len(plan.organisations_of(sector)) == _scaled(organisations, scale)
        assert len(plan.datasets_of(sector)) == _scaled(datasets, scale)
        assert plan.resource_count(sector) == max(
            len(plan.datasets_of(sector)), _scaled(resources, scale)
        )


@pytest.mark.parametrize("scale", [0, -0.5, 1.5])
def test_scale_outside_the_published_size_is_refused(scale: float) -> None:
    with pytest.raises(ValueError):
        build_catalogue_plan(scale=scale)


def test_apportion_is_exact_and_bounded() -> None:
    assert apportion(10, [1, 1, 1]) == [4, 3, 3]
    assert apportion(10, [5, 3, 2], minimum=1) == [5, 3, 2]
    assert apportion(10, [100, 1, 1], minimum=1, capacities=[4, 10, 10]) == [4, 3, 3]
    assert sum(apportion(2564, [3.3] * 708, minimum=1)) == 2564


# --- loading through CKAN ---------------------------------------------------


def _load(scale: float = SMALL_SCALE) -> Any:
    from ckanext.odpo.demo.loader import CatalogueLoader

    return CatalogueLoader().load(build_catalogue_plan(scale=scale))


def _catalogue_counts() -> tuple[int, int, int]:
    from ckan.tests.helpers import call_action

    organisations = call_action("organization_list", all_fields=False)
    result = call_action("package_search", q="*:*", rows=1000, fl="name,num_resources")
    resources = sum(dataset["num_resources"] for dataset in result["results"])
    return len(organisations), result["count"], resources


@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "harmonised_licences")
class TestDemoLoader:
    def test_creates_the_planned_catalogue(self) -> None:
        plan = build_catalogue_plan(scale=SMALL_SCALE)
        report = _load()
        assert report.organisations_created == len(plan.organisations)
        assert report.datasets_created == len(plan.datasets)
        assert _catalogue_counts() == (
            len(plan.organisations),
            len(plan.datasets),
            plan.resource_count(),
        )

    def test_a_second_run_changes_nothing(self) -> None:
        from ckan.tests.helpers import call_action

        _load()
        counts = _catalogue_counts()
        modified = {
            dataset["name"]: dataset["metadata_modified"]
            for dataset in call_action("package_search", rows=1000)["results"]
        }
        report = _load()
        assert not report.created_anything
        assert report.datasets_existing == len(modified)
        assert _catalogue_counts() == counts
        again = call_action("package_search", rows=1000)["results"]
        assert {dataset["name"]: dataset["metadata_modified"] for dataset in again} == modified

    def test_a_deleted_dataset_is_restored(self) -> None:
        from ckan.tests.helpers import call_action

        _load()
        name = build_catalogue_plan(scale=SMALL_SCALE).datasets[0].name
        call_action("package_delete", id=name)
        report = _load()
        assert report.datasets_created == 1
        assert call_action("package_show", id=name)["state"] == "active"

    def test_odpo_metadata_is_stored_as_schema_fields(self) -> None:
        from ckan.tests.helpers import call_action

        _load()
        plan = build_catalogue_plan(scale=SMALL_SCALE)
        paid = next(dataset for dataset in plan.datasets if dataset.access_tier == "paid")
        stored = call_action("package_show", id=paid.name)
        assert stored["access_tier"] == "paid"
        assert stored["price_plans"][0]["price_jpy"] > 0
        assert stored["license_id"] == "odpo-paid"
        assert stored["secondary_distribution"] == "prohibited"
        assert stored["theme"] == list(paid.themes)
        assert stored["resources"][0]["is_sample"] is True
        assert stored["organization"]["name"] == paid.owner_org
        assert not {extra["key"] for extra in stored.get("extras", [])} & ODPO_DATASET_FIELDS
        organisation = call_action("organization_show", id="osaka-pref")
        assert organisation["title"] == "大阪府"
        assert (organisation["provider_type"], organisation["municipality_code"]) == (
            "prefecture",
            "270008",
        )

    def test_public_datasets_keep_their_metadata(self) -> None:
        from ckan.tests.helpers import call_action

        _load()
        plan = build_catalogue_plan(scale=SMALL_SCALE)
        dataset = next(d for d in plan.datasets_of(PUBLIC_SECTOR) if d.conforms_to)
        stored = call_action("package_show", id=dataset.name)
        assert stored["conforms_to"] == dataset.conforms_to
        assert stored["spatial_municipality_codes"] == list(dataset.spatial_municipality_codes)
        assert stored["last_data_update"] == dataset.last_data_update.isoformat()
        assert stored["contact_name"] == dataset.contact_name

    @pytest.mark.usefixtures("with_extended_cli")
    def test_the_cli_command_loads_the_catalogue(self, cli: Any) -> None:
        from ckan.cli.cli import ckan

        result = cli.invoke(ckan, ["odpo", "demo", "load", "--scale", str(SMALL_SCALE)])
        assert result.exit_code == 0, result.output
        plan = build_catalogue_plan(scale=SMALL_SCALE)
        assert _catalogue_counts()[1] == len(plan.datasets)
        rerun = cli.invoke(ckan, ["odpo", "demo", "load", "--scale", str(SMALL_SCALE)])
        assert rerun.exit_code == 0, rerun.output
        assert f"datasets: 0 created, {len(plan.datasets)} already there" in rerun.output


@pytest.mark.usefixtures("with_plugins", "clean_db", "harmonised_licences")
@pytest.mark.ckan_config("ckan.plugins", PLUGINS)
def test_every_planned_dataset_passes_the_schema() -> None:
    """The whole published-size plan validates, without writing its datasets."""
    from ckan import model
    from ckan.lib.plugins import lookup_package_plugin, plugin_validate
    from ckanext.odpo.demo.loader import CatalogueLoader

    plan = build_catalogue_plan()
    loader = CatalogueLoader()
    loader.load(CataloguePlan(plan.organisations, ()))
    package_plugin = lookup_package_plugin("dataset")
    for dataset in plan.datasets:
        context = {"user": loader.user_name, "ignore_auth": True, "model": model,
                   "session": model.Session}
        schema = package_plugin.create_package_schema()
        data_dict = {**dataset_data_dict(dataset), "type": "dataset"}
        _, errors = plugin_validate(package_plugin, context, data_dict, schema, "package_create")
        assert not errors, (dataset.name, errors)


@pytest.mark.ckan_config("ckan.plugins", "odpo odpo_search")
@pytest.mark.usefixtures("with_plugins")
def test_the_loader_refuses_to_run_without_the_schemas() -> None:
    from ckanext.odpo.demo.loader import CatalogueLoader, SchemaNotLoaded

    with pytest.raises(SchemaNotLoaded, match="scheming_datasets scheming_organizations"):
        CatalogueLoader()
