"""The harmonised licence register and CKAN's licence list made from it.

What a data user relies on: every licence ODPO offers is there with its
canonical URL, the flags say truthfully what the terms allow, every dataset
page can show a Japanese summary and a citation example, and CKAN really
serves this register (``config/licences.json``).
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from ckanext.odpo.licences import load_register
from ckanext.odpo.licences.ckan_list import (
    LICENCES_JSON_PATH,
    build_ckan_licence_list,
    ckan_licence_list_is_current,
    licences_group_url,
    main,
    register_licences,
)
from ckanext.odpo.licences.register import LicenceFlags, RegisterError
from ckanext.odpo.licences.register import load_register as load_from

REQUIRED_LICENCE_IDS = [
    "cc0-1.0", "cc-by-4.0", "pdl-1.0", "gsl-2.0", "cc-by-2.1-jp", "odbl-1.0",
    "municipal-custom", "odpo-restricted", "odpo-paid",
]

CANONICAL_URLS = {
    "cc0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "cc-by-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "cc-by-sa-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "cc-by-nc-4.0": "https://creativecommons.org/licenses/by-nc/4.0/",
    "cc-by-nd-4.0": "https://creativecommons.org/licenses/by-nd/4.0/",
    "cc-by-nc-sa-4.0": "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    "cc-by-nc-nd-4.0": "https://creativecommons.org/licenses/by-nc-nd/4.0/",
    "cc-by-2.1-jp": "https://creativecommons.org/licenses/by/2.1/jp/",
    "pdl-1.0": "https://www.digital.go.jp/resources/open_data/public_data_license_v1.0",
    "gsl-2.0": "https://www.kantei.go.jp/jp/singi/it2/densi/kettei/gl2_betten_1.pdf",
    "gsl-1.0": "https://www.kantei.go.jp/jp/singi/it2/densi/kettei/gl_betten_1.pdf",
    "odbl-1.0": "https://opendatacommons.org/licenses/odbl/1-0/",
    "municipal-custom": "/licences/municipal-custom",
    "odpo-restricted": "/licences/odpo-restricted",
    "odpo-paid": "/licences/odpo-paid",
}

#: (cc_by_4_compatible, attribution_required, commercial_use, redistribution,
#:  derivative_works, share_alike), from the text of each licence.
EXPECTED_FLAGS = {
    "cc0-1.0": (True, False, True, True, True, False),
    "cc-by-4.0": (True, True, True, True, True, False),
    "cc-by-sa-4.0": (False, True, True, True, True, True),
    "cc-by-nc-4.0": (False, True, False, True, True, False),
    "cc-by-nd-4.0": (False, True, True, True, False, False),
    "cc-by-nc-sa-4.0": (False, True, False, True, True, True),
    "cc-by-nc-nd-4.0": (False, True, False, True, False, False),
    "cc-by-2.1-jp": (False, True, True, True, True, False),
    "pdl-1.0": (True, True, True, True, True, False),
    "gsl-2.0": (True, True, True, True, True, False),
    "gsl-1.0": (False, True, True, True, True, False),
    "odbl-1.0": (False, True, True, True, True, True),
    "municipal-custom": (None, None, None, None, None, None),
    "odpo-restricted": (False, True, False, False, False, False),
    "odpo-paid": (False, True, True, False, False, False),
}

OPEN_LICENCE_IDS = {"cc0-1.0", "cc-by-4.0", "cc-by-sa-4.0", "cc-by-2.1-jp", "pdl-1.0", "gsl-2.0", "odbl-1.0"}
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


# --- the register ------------------------------------------------------------------


def test_register_has_every_required_licence() -> None:
    assert set(REQUIRED_LICENCE_IDS) <= set(load_register())


def test_register_holds_exactly_the_documented_licences() -> None:
    assert list(load_register()) == list(CANONICAL_URLS)


@pytest.mark.parametrize(("licence_id", "url"), CANONICAL_URLS.items())
def test_canonical_url(licence_id: str, url: str) -> None:
    assert load_register()[licence_id].url == url


def test_external_licences_have_absolute_https_urls_odpo_terms_a_portal_page() -> None:
    for licence in load_register().values():
        if licence.is_defined_by_odpo:
            assert licence.url == f"/licences/{licence.id}"
        else:
            assert licence.url.startswith("https://"), licence.id


@pytest.mark.parametrize(("licence_id", "flags"), EXPECTED_FLAGS.items())
def test_flags_say_what_the_terms_allow(licence_id: str, flags: tuple[bool | None, ...]) -> None:
    licence_flags = load_register()[licence_id].flags

    assert tuple(licence_flags.as_dict().values()) == flags


def test_every_licence_carries_the_five_flags() -> None:
    five = {
        "cc_by_4_compatible", "attribution_required", "commercial_use", "redistribution", "derivative_works",
    }
    for licence in load_register().values():
        assert five <= set(licence.flags.as_dict()), licence.id


def test_only_the_municipal_terms_leave_flags_to_the_provider() -> None:
    undecided = {
        licence.id for licence in load_register().values() if None in licence.flags.as_dict().values()
    }
    assert undecided == {"municipal-custom"}


def test_japanese_government_terms_are_cc_by_4_compatible_and_need_attribution() -> None:
    register = load_register()
    for licence_id in ("pdl-1.0", "gsl-2.0"):
        assert register[licence_id].flags.cc_by_4_compatible is True
        assert register[licence_id].flags.attribution_required is True


def test_odpo_terms_forbid_redistribution() -> None:
    register = load_register()
    for licence_id in ("odpo-restricted", "odpo-paid"):
        assert register[licence_id].flags.redistribution is False
        assert "二次配布" in register[licence_id].summary_ja
        assert "利用目的" in register[licence_id].summary_ja
        assert "二次配布禁止" in register[licence_id].citation("大阪府", "人流データ", "https://odpo.example.jp/d/1")


def test_open_licences_are_the_ones_ckan_reports_as_open() -> None:
    assert {licence.id for licence in load_register().values() if licence.is_open} == OPEN_LICENCE_IDS


# --- summaries and citations ---------------------------------------------------------


def test_every_licence_has_a_japanese_summary() -> None:
    for licence in load_register().values():
        assert JAPANESE.search(licence.summary_ja), licence.id
        assert "\n" not in licence.summary_ja
        assert "。 " not in licence.summary_ja, "YAML line folding left a space between sentences"


@pytest.mark.parametrize(
    ("licence_id", "phrases"),
    [
        ("cc0-1.0", ["義務ではありません"]),
        ("cc-by-4.0", ["出典", "商用利用"]),
        ("cc-by-nc-4.0", ["営利を目的としない"]),
        ("cc-by-nd-4.0", ["加工（改変）したデータを公開することはできません"]),
        ("cc-by-sa-4.0", ["継承"]),
        ("cc-by-2.1-jp", ["クレジット", "URL"]),
        ("pdl-1.0", ["CC BY 4.0", "互換", "加工したことを記載"]),
        ("gsl-2.0", ["CC BY 4.0", "互換"]),
        ("odbl-1.0", ["継承", "データベース"]),
        ("municipal-custom", ["利用規約を確認"]),
        ("odpo-paid", ["契約"]),
    ],
)
def test_summary_states_the_key_terms(licence_id: str, phrases: list[str]) -> None:
    summary = load_register()[licence_id].summary_ja
    for phrase in phrases:
        assert phrase in summary


def test_every_licence_has_a_citation_example_for_raw_and_edited_data() -> None:
    for licence in load_register().values():
        for modified in (False, True):
            citation = licence.citation(
                "大阪府", "公衆トイレ一覧", "https://odpo.example.jp/dataset/x", modified=modified
            )
            assert "大阪府" in citation
            assert "公衆トイレ一覧" in citation
            assert "https://odpo.example.jp/dataset/x" in citation
            assert "{" not in citation
        assert "加工" in licence.citation("大阪府", "t", "u", modified=True)


def test_pdl_citation_follows_the_digital_agency_example() -> None:
    citation = load_register()["pdl-1.0"].citation(
        "大阪府", "公衆トイレ一覧", "https://odpo.example.jp/dataset/270008_public_toilet"
    )

    assert citation == (
        "出典：大阪府「公衆トイレ一覧」（https://odpo.example.jp/dataset/270008_public_toilet）、"
        "PDL1.0（https://www.digital.go.jp/resources/open_data/public_data_license_v1.0）"
    )


# --- a malformed register is refused ---------------------------------------------------


def _write_register(tmp_path: Path, **changes: object) -> Path:
    entry = {
        "id": "x-1.0", "title": "X", "title_en": "X", "short_name": "X", "url": "https://x.example/",
        "family": "x", "od_conformance": "approved",
        "flags": dict.fromkeys(LicenceFlags.names(), True),
        "summary_ja": "自由に使えます。", "citation_template_ja": "出典：{provider}",
        "modified_citation_template_ja": "「{title}」を加工して作成",
    }
    entry.update(changes)
    path = tmp_path / "register.yaml"
    path.write_text(json.dumps({"licences": [entry]}, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_well_formed_register_loads(tmp_path: Path) -> None:
    assert list(load_from(_write_register(tmp_path))) == ["x-1.0"]


@pytest.mark.parametrize(
    "changes",
    [
        {"citation_template_ja": "出典：{publisher}"},
        {"flags": {"commercial_use": True}},
        {"flags": {**dict.fromkeys(LicenceFlags.names(), True), "commercial_use": "yes"}},
        {"od_conformance": "open"},
        {"url": ""},
    ],
    ids=["unknown-placeholder", "missing-flags", "non-boolean-flag", "bad-conformance", "no-url"],
)
def test_a_malformed_register_is_refused(tmp_path: Path, changes: dict[str, object]) -> None:
    with pytest.raises(RegisterError):
        load_from(_write_register(tmp_path, **changes))


# --- CKAN's licence list ---------------------------------------------------------------


def test_config_licences_json_is_in_sync_with_register_yaml() -> None:
    assert ckan_licence_list_is_current(), "run: python -m ckanext.odpo.licences.ckan_list"


def test_config_licences_json_is_ascii_so_any_locale_reads_it() -> None:
    LICENCES_JSON_PATH.read_bytes().decode("ascii")


def test_each_entry_has_what_ckan_needs_and_odpo_adds() -> None:
    for entry in build_ckan_licence_list():
        assert {"id", "title", "url", "od_conformance", "osd_conformance", "status"} <= set(entry)
        assert set(LicenceFlags.names()) <= set(entry)
        odpo_keys = {"summary_ja", "citation_template_ja", "modified_citation_template_ja", "title_en"}
        assert odpo_keys <= set(entry)


def test_the_check_command_fails_on_a_stale_file(tmp_path: Path) -> None:
    stale = tmp_path / "licences.json"
    stale.write_text("[]\n", encoding="ascii")

    assert main(["--check", "--output", str(stale)]) == 1
    assert main(["--output", str(stale)]) == 0
    assert main(["--check", "--output", str(stale)]) == 0


@pytest.fixture
def fresh_ckan_licence_register() -> Iterator[None]:
    """CKAN caches the register it read first on ``Package``; start and end without it."""
    from ckan import model

    def forget() -> None:
        if "_license_register" in vars(model.Package):
            del model.Package._license_register

    forget()
    yield
    forget()


@pytest.mark.usefixtures("fresh_ckan_licence_register")
@pytest.mark.ckan_config("licenses_group_url", licences_group_url())
def test_ckan_loads_the_register_from_config_licences_json() -> None:
    from ckan.model.license import LicenseRegister

    ckan_register = LicenseRegister()

    assert list(ckan_register.keys()) == list(load_register())
    pdl = ckan_register["pdl-1.0"]
    assert pdl.title == "公共データ利用規約（第1.0版）(PDL1.0)"
    assert pdl.isopen()
    assert pdl.cc_by_4_compatible is True
    assert pdl.summary_ja == load_register()["pdl-1.0"].summary_ja
    assert not ckan_register["odpo-paid"].isopen()
    assert ckan_register["municipal-custom"].commercial_use is None


@pytest.mark.usefixtures("fresh_ckan_licence_register")
@pytest.mark.ckan_config("licenses_group_url", licences_group_url())
def test_license_list_action_serves_flags_and_summaries() -> None:
    from ckan.tests.helpers import call_action

    licences = {licence["id"]: licence for licence in call_action("license_list")}

    assert set(licences) == set(load_register())
    assert licences["odpo-restricted"]["redistribution"] is False
    assert licences["cc0-1.0"]["attribution_required"] is False
    assert "出典" in licences["cc-by-4.0"]["citation_template_ja"]


@pytest.mark.usefixtures("fresh_ckan_licence_register")
@pytest.mark.ckan_config("licenses_group_url", licences_group_url())
def test_a_dataset_under_a_register_licence_shows_it() -> None:
    from ckan import model

    paid = model.Package(name="paid-probe-data", license_id="odpo-paid")
    open_data = model.Package(name="toilets", license_id="gsl-2.0")

    assert not paid.isopen()
    assert paid.get_license().redistribution is False
    assert open_data.isopen()
    assert open_data.get_license().url == CANONICAL_URLS["gsl-2.0"]


@pytest.mark.usefixtures("fresh_ckan_licence_register")
def test_ckan_reads_relative_file_urls_from_the_working_directory(
    monkeypatch: pytest.MonkeyPatch, ckan_config: dict[str, object]
) -> None:
    from ckan.model.license import LicenseRegister

    monkeypatch.chdir(LICENCES_JSON_PATH.parents[1])
    monkeypatch.setitem(ckan_config, "licenses_group_url", "file://config/licences.json")

    assert "pdl-1.0" in LicenseRegister()


# --- wiring into CKAN's configuration ---------------------------------------------------


@pytest.mark.usefixtures("fresh_ckan_licence_register")
def test_register_licences_points_ckan_at_the_absolute_file() -> None:
    config: dict[str, object] = {}

    register_licences(config)

    assert config["licenses_group_url"] == LICENCES_JSON_PATH.resolve().as_uri()
    assert str(config["licenses_group_url"]).startswith("file:///")


def test_register_licences_keeps_a_site_specific_list() -> None:
    config: dict[str, object] = {"licenses_group_url": "https://example.org/licences.json"}

    register_licences(config)

    assert config["licenses_group_url"] == "https://example.org/licences.json"


@pytest.mark.usefixtures("fresh_ckan_licence_register")
def test_register_licences_gives_ckan_odpos_own_terms_at_urls_of_the_site() -> None:
    from ckan import model

    register_licences({"ckan.site_url": "https://odpo.example.jp/"})

    ckan_register = model.Package.get_license_register()
    assert list(ckan_register.keys()) == list(load_register())
    assert ckan_register["odpo-paid"].url == "https://odpo.example.jp/licences/odpo-paid"
    assert ckan_register["odpo-paid"].license_dictize()["url"] == ckan_register["odpo-paid"].url
    assert ckan_register["cc-by-4.0"].url == CANONICAL_URLS["cc-by-4.0"]
