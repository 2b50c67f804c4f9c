"""Samples made on upload and by ``ckan odpo samples generate``, through CKAN's actions."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from ckan.cli.cli import ckan as ckan_command
from ckan.tests.helpers import call_action
from sample_support import KOBE_CP932, SAMPLE_PLUGINS, YAIZU_BOM, csv_records, package, samples_in

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", SAMPLE_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


def download(app: Any, dataset: dict[str, Any], resource: dict[str, Any], user: str | None = None) -> Any:
    filename = resource["url"].rsplit("/", 1)[-1]
    url = f"/dataset/{dataset['id']}/resource/{resource['id']}/download/{filename}"
    headers = {}
    if user:
        token = call_action("api_token_create", context={"user": user}, user=user, name="t")["token"]
        headers["Authorization"] = token
    return app.get(url, headers=headers)


def sample_records(app: Any, dataset: dict[str, Any], sample: dict[str, Any]) -> list[list[str]]:
    response = download(app, dataset, sample)
    assert response.status_code == 200
    text = response.get_data().decode("utf-8")  # strict: the sample is UTF-8
    return list(csv.reader(io.StringIO(text, newline="")))


class TestOnUpload:
    def test_a_shift_jis_csv_uploaded_to_a_restricted_dataset_gets_a_utf8_sample(
        self, app: Any, make_dataset: Callable[..., Any], upload: Callable[..., Any]
    ) -> None:
        dataset = make_dataset("shelters")
        original = upload(
            KOBE_CP932.read_bytes(),
            "2017okugaihinanjo.csv",
            package_id=dataset["id"],
            name="屋外避難所（CSV）",
            format="CSV",
            encoding="CP932",
        )
        [sample] = samples_in(dataset["id"])
        assert sample["sample_of"] == original["id"]
        assert sample["format"] == "CSV"
        assert sample["encoding"] == "UTF-8"
        assert sample["sample_source_encoding"] == "CP932"
        assert sample["url_type"] == "upload"
        assert sample["name"] == "Sample: 屋外避難所（CSV）"
        # Anyone may download it: 20 rows and the header, decoded from CP932.
        assert sample_records(app, dataset, sample) == csv_records(KOBE_CP932, "cp932")[:21]

    @pytest.mark.ckan_config("odpo.samples.rows", "5")
    def test_the_number_of_rows_is_configurable(
        self, app: Any, make_dataset: Callable[..., Any], upload: Callable[..., Any]
    ) -> None:
        dataset = make_dataset("tourism", access_tier="paid")
        upload(YAIZU_BOM.read_bytes(), "tourism.csv", package_id=dataset["id"], format="CSV")
        [sample] = samples_in(dataset["id"])
        assert sample_records(app, dataset, sample) == csv_records(YAIZU_BOM, "utf-8-sig")[:6]
        assert sample["sample_rows"] == 5

    def test_uploading_again_refreshes_the_same_sample(
        self, app: Any, make_dataset: Callable[..., Any], upload: Callable[..., Any]
    ) -> None:
        dataset = make_dataset("shelters", access_tier="registered")
        original = upload(KOBE_CP932.read_bytes(), "shelters.csv", package_id=dataset["id"], format="CSV")
        [first] = samples_in(dataset["id"])
        upload(
            YAIZU_BOM.read_bytes(), "shelters.csv", id=original["id"], package_id=dataset["id"], format="CSV"
        )
        [refreshed] = samples_in(dataset["id"])
        assert refreshed["id"] == first["id"]
        assert sample_records(app, dataset, refreshed)[0][0] == "都道府県コード又は市区町村コード"

    def test_an_open_dataset_gets_no_sample(
        self, make_dataset: Callable[..., Any], upload: Callable[..., Any]
    ) -> None:
        dataset = make_dataset("open-shelters", access_tier="open")
        upload(KOBE_CP932.read_bytes(), "shelters.csv", package_id=dataset["id"], format="CSV")
        assert samples_in(dataset["id"]) == []

    def test_the_providers_own_sample_is_kept(
        self, app: Any, make_dataset: Callable[..., Any], upload: Callable[..., Any]
    ) -> None:
        dataset = make_dataset("shelters")
        original = upload(
            KOBE_CP932.read_bytes(), "shelters.csv", package_id=dataset["id"], name="全件", format="CSV"
        )
        [generated] = samples_in(dataset["id"])
        call_action("resource_delete", id=generated["id"])
        own = upload(
            "№,区\r\n0001,東灘\r\n".encode("cp932"),
            "own-sample.csv",
            package_id=dataset["id"],
            format="CSV",
            is_sample=True,
            sample_of="全件",
        )
        upload(
            YAIZU_BOM.read_bytes(),
            "shelters.csv",
            id=original["id"],
            package_id=dataset["id"],
            name="全件",
            format="CSV",
        )
        [kept] = samples_in(dataset["id"])
        assert kept["id"] == own["id"]
        assert download(app, dataset, kept).get_data() == "№,区\r\n0001,東灘\r\n".encode("cp932")


@pytest.mark.ckan_config("odpo.samples.inline_max_bytes", "1000")
@pytest.mark.usefixtures("clean_queues", "with_test_worker")
class TestLargeUploads:
    def test_a_large_upload_is_sampled_by_a_background_job(
        self, app: Any, make_dataset: Callable[..., Any], upload: Callable[..., Any]
    ) -> None:
        from ckan.lib import jobs

        dataset = make_dataset("shelters")
        original = upload(KOBE_CP932.read_bytes(), "shelters.csv", package_id=dataset["id"], format="CSV")
        assert original["size"] > 1000
        assert samples_in(dataset["id"]) == []  # not during the upload request
        # (other jobs may be queued, e.g. indexing an updated organisation's datasets)
        [job] = [job for job in call_action("job_list") if job["title"].startswith("odpo sample")]
        assert job["title"] == f"odpo sample of resource {original['id']}"

        jobs.Worker().work(burst=True)
        [sample] = samples_in(dataset["id"])
        assert sample["sample_of"] == original["id"]
        assert sample_records(app, dataset, sample) == csv_records(KOBE_CP932, "cp932")[:21]


class TestDeletingTheSource:
    def test_the_generated_sample_goes_with_its_source(
        self, make_dataset: Callable[..., Any], upload: Callable[..., Any], provider: dict[str, Any]
    ) -> None:
        dataset = make_dataset("shelters")
        original = upload(KOBE_CP932.read_bytes(), "shelters.csv", package_id=dataset["id"], format="CSV")
        assert len(samples_in(dataset["id"])) == 1
        call_action("resource_delete", context={"user": provider["name"]}, id=original["id"])
        assert package(dataset["id"])["resources"] == []

    def test_the_providers_sample_stays_as_a_sample_of_the_dataset(
        self, make_dataset: Callable[..., Any], provider: dict[str, Any]
    ) -> None:
        dataset = make_dataset(
            "shelters",
            resources=[
                {"name": "全件", "url": "https://data.example.jp/a.csv", "format": "CSV"},
                {
                    "name": "抜粋",
                    "url": "https://data.example.jp/s.csv",
                    "is_sample": True,
                    "sample_of": "全件",
                },
            ],
        )
        full = package(dataset["id"])["resources"][0]
        call_action("resource_delete", context={"user": provider["name"]}, id=full["id"])
        [kept] = package(dataset["id"])["resources"]
        assert kept["name"] == "抜粋" and kept["is_sample"] is True
        assert not kept.get("sample_of")


class TestBrokenUploads:
    def test_binary_data_named_csv_records_the_error_and_keeps_the_upload(
        self,
        app: Any,
        provider: dict[str, Any],
        make_dataset: Callable[..., Any],
        upload: Callable[..., Any],
    ) -> None:
        from sample_support import xlsx_bytes

        dataset = make_dataset("shelters")
        content = xlsx_bytes(csv_records(KOBE_CP932, "cp932"))
        original = upload(content, "shelters.csv", package_id=dataset["id"], format="CSV")
        assert samples_in(dataset["id"]) == []
        stored = call_action("resource_show", id=original["id"])
        assert stored["sample_error"]["code"] == "binary"
        assert stored["sample_error"]["message"].startswith("The file is not a text file")
        # The upload is not lost: its provider downloads it as sent.
        response = download(app, dataset, stored, user=provider["name"])
        assert response.status_code == 200
        assert response.get_data() == content

    def test_a_good_upload_afterwards_clears_the_error(
        self, make_dataset: Callable[..., Any], upload: Callable[..., Any]
    ) -> None:
        dataset = make_dataset("shelters")
        original = upload(b"", "shelters.csv", package_id=dataset["id"], format="CSV")
        assert call_action("resource_show", id=original["id"])["sample_error"]["code"] == "empty"
        upload(
            KOBE_CP932.read_bytes(), "shelters.csv", id=original["id"], package_id=dataset["id"], format="CSV"
        )
        assert not call_action("resource_show", id=original["id"]).get("sample_error")
        assert len(samples_in(dataset["id"])) == 1


@pytest.mark.ckan_config("odpo.samples.generate_on_upload", "false")
@pytest.mark.usefixtures("with_extended_cli")
class TestGenerateCommand:
    def run(self, cli: Any, *arguments: str) -> Any:
        result = cli.invoke(ckan_command, ["odpo", "samples", "generate", *arguments])
        return result

    def test_all_makes_the_missing_samples_then_keeps_them(
        self, cli: Any, make_dataset: Callable[..., Any], upload: Callable[..., Any]
    ) -> None:
        shelters = make_dataset("shelters")
        tourism = make_dataset("tourism", access_tier="paid")
        open_data = make_dataset("open-tourism", access_tier="open")
        for dataset, path in ((shelters, KOBE_CP932), (tourism, YAIZU_BOM), (open_data, YAIZU_BOM)):
            upload(path.read_bytes(), path.name, package_id=dataset["id"], format="CSV")
        broken = upload(b"\x00\x01\x02garbage", "broken.csv", package_id=shelters["id"], format="CSV")
        assert samples_in(shelters["id"]) == []  # not on upload here

        first = self.run(cli, "--all", "--rows", "3")
        assert first.exit_code == 0, first.output
        assert "samples created: 2, refreshed: 0, kept: 0, skipped: 0, failed: 1" in first.output
        assert broken["id"] in first.output and "not a text file" in first.output
        assert len(samples_in(shelters["id"])) == 1
        assert samples_in(tourism["id"])[0]["sample_rows"] == 3
        assert samples_in(open_data["id"]) == []

        again = self.run(cli, "--all")
        assert "samples created: 0, refreshed: 0, kept: 2" in again.output

        forced = self.run(cli, "--dataset", "tourism", "--force")
        assert "datasets: 1; samples created: 0, refreshed: 1" in forced.output

    def test_an_unknown_dataset_is_named(self, cli: Any) -> None:
        result = self.run(cli, "--dataset", "no-such-dataset")
        assert result.exit_code == 1
        assert "no-such-dataset: no such dataset" in result.output

    def test_needs_a_dataset_or_all(self, cli: Any) -> None:
        result = self.run(cli)
        assert result.exit_code != 0
        assert "give --dataset ID (one or more) or --all" in result.output
