"""What people see of samples: the table on the dataset page, the notices to
providers, their list of datasets without samples, and the statistics."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from bs4 import BeautifulSoup
from ckan.tests import factories
from ckan.tests.helpers import call_action
from sample_support import KOBE_CP932, SAMPLE_PLUGINS, csv_records, samples_in

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", SAMPLE_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


def page(app: Any, url: str, user: str | None = None, status: int = 200) -> BeautifulSoup:
    headers = {}
    if user:
        token = call_action("api_token_create", context={"user": user}, user=user, name="t")["token"]
        headers["Authorization"] = token
    response = app.get(url, headers=headers, status=status)
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def flags(soup: BeautifulSoup) -> set[str]:
    return {element["data-odpo-flag"] for element in soup.select("[data-odpo-flag]")}


class TestDatasetPage:
    @pytest.mark.ckan_config("odpo.samples.rows", "7")
    def test_anyone_sees_the_sample_as_a_table(
        self, app: Any, make_dataset: Callable[..., Any], upload: Callable[..., Any]
    ) -> None:
        dataset = make_dataset("shelters")
        upload(
            KOBE_CP932.read_bytes(),
            "shelters.csv",
            package_id=dataset["id"],
            name="屋外避難所（CSV）",
            format="CSV",
        )
        [sample] = samples_in(dataset["id"])

        soup = page(app, f"/dataset/{dataset['name']}")
        table = soup.select_one(f'.odpo-sample[data-resource-id="{sample["id"]}"] table.odpo-sample-table')
        assert table is not None
        header, *rows = csv_records(KOBE_CP932, "cp932")[:8]
        assert [th.get_text() for th in table.select("thead th")] == header
        body = [[td.get_text() for td in tr.select("td")] for tr in table.select("tbody tr")]
        assert body == rows
        assert "Sample of: 屋外避難所（CSV）" in soup.select_one("#dataset-samples").get_text()
        link = soup.select_one(".odpo-sample-download")["href"]
        assert link.endswith(f"/resource/{sample['id']}/download/shelters-sample.csv")
        assert flags(soup) == set()  # no notices for people who cannot edit

    def test_editors_see_that_a_non_open_dataset_has_no_sample(
        self, app: Any, provider: dict[str, Any], make_dataset: Callable[..., Any]
    ) -> None:
        make_dataset(
            "shelters", resources=[{"name": "全件", "url": "https://data.example.jp/a.csv", "format": "CSV"}]
        )
        assert "no-samples" in flags(page(app, "/dataset/shelters", user=provider["name"]))
        assert flags(page(app, "/dataset/shelters")) == set()
        other = factories.User()
        assert flags(page(app, "/dataset/shelters", user=other["name"])) == set()

    def test_editors_see_why_no_sample_was_made(
        self,
        app: Any,
        provider: dict[str, Any],
        make_dataset: Callable[..., Any],
        upload: Callable[..., Any],
    ) -> None:
        dataset = make_dataset("shelters")
        header_only = KOBE_CP932.read_bytes().split(b"\r\n")[0] + b"\r\n"
        original = upload(header_only, "shelters.csv", package_id=dataset["id"], format="CSV")
        soup = page(app, "/dataset/shelters", user=provider["name"])
        notice = soup.select_one(f'[data-odpo-flag="sample-error"][data-resource-id="{original["id"]}"]')
        assert notice is not None
        assert "The file has a header but no data rows." in notice.get_text()
        assert "The uploaded file itself is kept unchanged." in notice.get_text()

    @pytest.mark.ckan_config("ckan.locale_default", "ja")
    def test_in_japanese(
        self,
        app: Any,
        provider: dict[str, Any],
        make_dataset: Callable[..., Any],
        upload: Callable[..., Any],
    ) -> None:
        dataset = make_dataset("shelters")
        upload(b"", "shelters.csv", package_id=dataset["id"], format="CSV")
        text = page(app, "/dataset/shelters", user=provider["name"]).select_one("#dataset-samples").get_text()
        assert "サンプルデータ" in text
        assert "ファイルが空です。" in text
        assert "このデータセットにはサンプルがありません。" in text

    def test_an_open_dataset_shows_no_sample_section(
        self, app: Any, provider: dict[str, Any], make_dataset: Callable[..., Any]
    ) -> None:
        make_dataset("open-shelters", access_tier="open")
        assert (
            page(app, "/dataset/open-shelters", user=provider["name"]).select_one("#dataset-samples") is None
        )


class TestProviderList:
    def test_the_provider_lists_the_datasets_without_samples(
        self, app: Any, provider: dict[str, Any], organisation: dict[str, Any], mixed_catalogue: Any
    ) -> None:
        soup = page(app, "/dashboard/samples", user=provider["name"])
        assert [row["data-dataset"] for row in soup.select("#odpo-samples-missing tbody tr")] == [
            "aed",
            "shelters",  # by title: 避難場所 aed, 避難場所 shelters
        ]
        outsider = factories.User()
        soup = page(app, "/dashboard/samples", user=outsider["name"])
        assert soup.select("#odpo-samples-missing tbody tr") == []
        assert soup.select_one(".odpo-samples-none") is not None
        page(app, "/dashboard/samples", status=403)

        organisation_page = page(app, f"/organization/{organisation['name']}", user=provider["name"])
        notice = organisation_page.select_one('[data-odpo-flag="datasets-without-samples"]')
        assert notice is not None and "2 non-open datasets have no sample" in notice.get_text()
        assert "datasets-without-samples" not in flags(page(app, f"/organization/{organisation['name']}"))


class TestStatistics:
    def test_non_open_datasets_without_samples_are_counted(
        self, app: Any, make_dataset: Callable[..., Any], mixed_catalogue: Any
    ) -> None:
        make_dataset("private-shelters", private=True)  # not in the public catalogue

        figures = call_action("odpo_catalogue_statistics")
        assert figures["samples"] == {
            "non_open_datasets": {"total": 3, "public": 3, "private": 0},
            "without_samples": {"total": 2, "public": 2, "private": 0},
        }
        soup = page(app, "/odpo/stats")
        row = soup.select_one('#odpo-figures-samples tr[data-figure="without_samples"]')
        assert row.select_one('[data-sector="total"]').get_text() == "2"


@pytest.mark.usefixtures("with_extended_cli")
class TestDemoCatalogue:
    def test_the_demo_samples_show_tables_after_the_demo_command(self, app: Any, cli: Any) -> None:
        from ckan.cli.cli import ckan as ckan_command
        from ckanext.odpo.demo import build_catalogue_plan
        from ckanext.odpo.demo.loader import CatalogueLoader

        plan = build_catalogue_plan(scale=0.03)
        CatalogueLoader().load(plan)
        with_samples = [dataset for dataset in plan.datasets if any(r.is_sample for r in dataset.resources)]
        assert with_samples  # the demo loader makes samples for non-open datasets
        dataset = with_samples[0]
        assert page(app, f"/dataset/{dataset.name}").select("table.odpo-sample-table") == []

        result = cli.invoke(ckan_command, ["odpo", "samples", "demo"])
        assert result.exit_code == 0, result.output
        uploaded = sum(r.is_sample for d in with_samples for r in d.resources)
        assert f"demo samples uploaded: {uploaded}" in result.output

        tables = page(app, f"/dataset/{dataset.name}").select("table.odpo-sample-table")
        assert len(tables) == sum(r.is_sample for r in dataset.resources)
        assert all(len(table.select("tbody tr")) == 12 for table in tables)
        rerun = cli.invoke(ckan_command, ["odpo", "samples", "demo"])
        assert "demo samples uploaded: 0" in rerun.output
