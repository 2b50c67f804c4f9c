"""The licence normaliser: real-world spellings -> canonical register ids.

Every row of ``REAL_WORLD_SPELLINGS`` says where the spelling comes from.
``samples/...`` is the shared folder of real, public third-party samples
(its ``PROVENANCE.md`` gives repository, path and commit of each file);
``typing variant`` marks a row that changes only width, brackets or spacing
of the row before it.
"""
from __future__ import annotations

import dataclasses
import itertools

import pytest
from ckanext.odpo.licences import (
    Exactness,
    load_register,
    normalise_licence,
    normalise_licence_fields,
    normalise_many,
)
from ckanext.odpo.licences.normaliser import LicenceNormaliser, compact_key, fold
from ckanext.odpo.licences.register import LicenceRegister, RegisterError

EXACT = Exactness.EXACT
INFERRED = Exactness.INFERRED

BODIK = "samples/licences/bodik_odpkg_json-list-of-licenses.json (BODIK's CKAN register)"
TOKYO = "samples/ckan_json/tokyo_catalog_package_show_result_*.json (Tokyo catalogue)"
KOBE = "samples/licences/LICENCE_STRINGS.md §C (Kobe CKAN, catalog_v2.yml)"
KOBE_JSON = "samples/ckan_json/kobe_ckan_dataset-*_DERIVED.json (Kobe CKAN)"
DATA_GO_JP = "samples/ckan_json/datagojp_package_show_via_xckan_catalog.json (DATA GO JP)"
OPEN_INFRA = "samples/licences/LICENCE_STRINGS.md §E (open-infra-japan catalog of municipal datasets)"
STANDARD_ODS = "samples/schema/open-infra-japan_public-toilet_schema.csv (自治体標準ODS 画像_ライセンス)"
STRINGS_F = "samples/licences/LICENCE_STRINGS.md §F"
BODIK_TERMS = "samples/licences/LICENCE_STRINGS.md §G (BODIK municipal terms pages)"
CKAN_REGISTER = "CKAN 2.12 ckan/model/license.py (default licence register)"
ISSUE = "ODPO catalogue issue (spellings it lists from municipal sites)"
CC_NAMES = "creativecommons.org (official Japanese/English licence names and deed URLs)"
CC_CHOOSER = "creativecommons.org licence chooser (Japanese notice pasted on municipal pages)"
DIGITAL_AGENCY = "Digital Agency PDL1.0 page www.digital.go.jp/resources/open_data/public_data_license_v1.0"
JMA = "気象庁 copyright page (English): 'Public Data License (Version 1.0)'"
GSI_JMA_NTA = "国税庁 / 気象庁 data pages as cited in public GitHub code: 公共データ利用規約(第1.0版)"
ESTAT = "e-Stat / 総務省 terms as cited in public GitHub code: 政府標準利用規約（第2.0版）準拠"
MLIT = "国土交通省 terms page www.mlit.go.jp/link.html as cited in public GitHub READMEs"
DATA_GO_JP_SITES = "DATA GO JP data-catalogue site list, licence value read by a public viewer"
KANTEI = "内閣官房 PDF of the 政府標準利用規約, linked from public READMEs"
CIO = "政府CIOポータル PDF of 政府標準利用規約（第2.0版）, linked from public READMEs"
HOLIDAYS = "内閣府 holiday data README: 'Government of Japan Standard Terms of Use'"
JMA_OLD = "気象庁 earthquake pages as cited in public GitHub code: 政府標準利用規約（第1.0版）"
VARIANT = "typing variant of the row before (width, brackets or spacing)"
CONSTRUCTED = "constructed to test a rule (no public source claimed)"
PLATFORM = "ODPO's own register ids"

#: (raw spelling, expected id, expected exactness, source)
REAL_WORLD_SPELLINGS: list[tuple[str | None, str | None, Exactness | None, str]] = [
    # BODIK's register (ids, titles, URLs)
    ("cc-by-21-jp", "cc-by-2.1-jp", EXACT, BODIK),
    ("cc-by-40-intl", "cc-by-4.0", EXACT, BODIK),
    ("japanese-20", "gsl-2.0", EXACT, BODIK),
    ("japanese-10", "gsl-1.0", EXACT, BODIK),
    ("クリエイティブ・コモンズ 表示 2.1 日本", "cc-by-2.1-jp", EXACT, BODIK),
    ("クリエイティブ・コモンズ 表示 4.0 国際", "cc-by-4.0", EXACT, BODIK),
    ("政府標準利用規約 第2版", "gsl-2.0", EXACT, BODIK),
    ("政府標準利用規約 第1版", "gsl-1.0", EXACT, BODIK),
    ("https://creativecommons.org/licenses/by/2.1/jp/", "cc-by-2.1-jp", EXACT, BODIK),
    ("https://creativecommons.org/licenses/by/4.0/deed.ja", "cc-by-4.0", EXACT, BODIK),
    ("http://www.kantei.go.jp/jp/singi/it2/densi/kettei/gl2_betten_1.pdf", "gsl-2.0", EXACT, BODIK),
    ("http://www.kantei.go.jp/jp/singi/it2/densi/kettei/gl_betten_1.pdf", "gsl-1.0", EXACT, BODIK),
    ("Creative Commons Attribution 4.0 International", "cc-by-4.0", EXACT, "samples LICENCE_STRINGS.md §A"),
    # Tokyo, Kobe, DATA GO JP
    ("CC-BY-4.0", "cc-by-4.0", EXACT, TOKYO),
    ("クリエイティブ・コモンズ 表示（CC BY）", "cc-by-4.0", INFERRED, TOKYO),
    ("cc-by", "cc-by-4.0", INFERRED, KOBE),
    ("クリエイティブ・コモンズ 表示", "cc-by-4.0", INFERRED, KOBE),
    ("http://www.opendefinition.org/licenses/cc-by", "cc-by-4.0", INFERRED, KOBE),
    ("CC-BY", "cc-by-4.0", INFERRED, KOBE),
    ("CC0", "cc0-1.0", EXACT, KOBE_JSON),
    ("CC-BY-NC", "cc-by-nc-4.0", INFERRED, KOBE_JSON),
    ("CC-BY-ND", "cc-by-nd-4.0", INFERRED, KOBE),
    ("CC-BY-SA", "cc-by-sa-4.0", INFERRED, KOBE),
    (None, None, None, DATA_GO_JP),
    # labels of a harvester of municipal datasets (Osaka-area municipalities)
    ("CC BY 4.0", "cc-by-4.0", EXACT, OPEN_INFRA),
    ("https://creativecommons.org/licenses/by/4.0/", "cc-by-4.0", EXACT, OPEN_INFRA),
    ("CC BY 2.1 Japan", "cc-by-2.1-jp", EXACT, OPEN_INFRA),
    ("CC BY", "cc-by-4.0", INFERRED, OPEN_INFRA),
    ("PDL 1.0", "pdl-1.0", EXACT, OPEN_INFRA),
    ("https://www.digital.go.jp/resources/open_data/public_data_license_v1.0", "pdl-1.0", EXACT, OPEN_INFRA),
    ("https://data.city.osaka.lg.jp/data/dataset/", None, None, OPEN_INFRA),
    ("unknown", None, None, OPEN_INFRA),
    ("", None, None, OPEN_INFRA),
    ("PDL1.0", "pdl-1.0", EXACT, STANDARD_ODS),
    ("公共データ利用規約（第1.0版）（PDL1.0）", "pdl-1.0", EXACT, STRINGS_F),
    ("CC-BY-2.1", "cc-by-2.1-jp", INFERRED, STRINGS_F),
    ("クリエイティブ・コモンズ 表示 2.1", "cc-by-2.1-jp", INFERRED, STRINGS_F),
    ("焼津市オープンデータカタログ利用規約", "municipal-custom", INFERRED, STRINGS_F),
    # BODIK municipal terms pages
    ("表示4.0国際", "cc-by-4.0", EXACT, BODIK_TERMS),
    ("表示4.0 国際", "cc-by-4.0", EXACT, BODIK_TERMS),
    ("https://creativecommons.org/licenses/by/4.0/legalcode.ja", "cc-by-4.0", EXACT, BODIK_TERMS),
    ("表示4.0 国際 https://creativecommons.org/licenses/by/4.0/legalcode.ja", "cc-by-4.0", EXACT,
     BODIK_TERMS),
    ("長崎市オープンデータ利用規約", "municipal-custom", INFERRED, BODIK_TERMS),
    ("三重県オープンデータ利用規約", "municipal-custom", INFERRED, BODIK_TERMS),
    ("https://odcs.bodik.jp/272272/tos/", "municipal-custom", INFERRED, BODIK_TERMS),
    # CKAN's own ids and titles
    ("cc-zero", "cc0-1.0", EXACT, CKAN_REGISTER),
    ("Creative Commons CCZero", "cc0-1.0", EXACT, CKAN_REGISTER),
    ("odc-odbl", "odbl-1.0", EXACT, CKAN_REGISTER),
    ("Open Data Commons Open Database License (ODbL)", "odbl-1.0", EXACT, CKAN_REGISTER),
    ("http://www.opendefinition.org/licenses/odc-odbl", "odbl-1.0", EXACT, CKAN_REGISTER),
    ("cc-by-sa", "cc-by-sa-4.0", INFERRED, CKAN_REGISTER),
    ("cc-nc", "cc-by-nc-4.0", INFERRED, CKAN_REGISTER),
    ("Creative Commons Non-Commercial (Any)", "cc-by-nc-4.0", INFERRED, CKAN_REGISTER),
    ("other-closed", None, None, CKAN_REGISTER),
    ("other-at", None, None, CKAN_REGISTER),
    ("notspecified", None, None, CKAN_REGISTER),
    ("odc-by", None, None, CKAN_REGISTER),
    # spellings listed in the issue
    ("CC-BY 4.0", "cc-by-4.0", EXACT, ISSUE),
    ("CC BY(4.0)", "cc-by-4.0", EXACT, ISSUE),
    ("表示 4.0 国際 (CC BY 4.0)", "cc-by-4.0", EXACT, ISSUE),
    ("ＣＣ　ＢＹ　４．０", "cc-by-4.0", EXACT, VARIANT),
    ("https://creativecommons.org/publicdomain/zero/1.0/", "cc0-1.0", EXACT, ISSUE),
    ("http://creativecommons.org/licenses/by/2.1/jp/", "cc-by-2.1-jp", EXACT, ISSUE),
    ("政府標準利用規約（第2.0版）準拠", "gsl-2.0", EXACT, ESTAT),
    ("政府標準利用規約(第2.0版)", "gsl-2.0", EXACT, VARIANT),
    ("政府標準利用規約 第2.0版", "gsl-2.0", EXACT, KANTEI),
    ("政府標準利用規約（第２．０版）", "gsl-2.0", EXACT, VARIANT),
    ("政府標準利用規約（第 2.0 版）", "gsl-2.0", EXACT, DATA_GO_JP_SITES),
    ("政府標準利用規約（第2.0版）準拠 e-Stat 利用規約", "gsl-2.0", EXACT, ESTAT),
    ("政府標準利用規約（第2.0版）準拠・出典表示が必要（e-Stat）", "gsl-2.0", EXACT, ESTAT),
    ("リンク・著作権・免責事項（政府標準利用規約（第2.0版）準拠）", "gsl-2.0", EXACT, MLIT),
    ("https://www.kantei.go.jp/jp/singi/it2/densi/kettei/gl2_betten_1.pdf", "gsl-2.0", EXACT, KANTEI),
    ("https://cio.go.jp/sites/default/files/uploads/documents/opendata_nijiriyou_betten1.pdf",
     "gsl-2.0", EXACT, CIO),
    ("政府標準利用規約（第1.0版）", "gsl-1.0", EXACT, JMA_OLD),
    ("政府標準利用規約", "gsl-2.0", INFERRED, CONSTRUCTED),
    ("Government of Japan Standard Terms of Use (CC BY compatible)", "gsl-2.0", INFERRED, HOLIDAYS),
    ("公共データ利用規約（第1.0版）", "pdl-1.0", EXACT, DIGITAL_AGENCY),
    ("公共データ利用規約(第1.0版)", "pdl-1.0", EXACT, GSI_JMA_NTA),
    ("公共データ利用規約(第1.0版) PDL1.0", "pdl-1.0", EXACT, GSI_JMA_NTA),
    ("「公共データ利用規約（第1.0版）」に準拠した利用条件", "pdl-1.0", EXACT, JMA),
    ("データライセンス:公共データ利用規約(第1.0版)/ CC BY 4.0 互換。", "pdl-1.0", EXACT, GSI_JMA_NTA),
    ("Public Data License (Version 1.0)", "pdl-1.0", EXACT, JMA),
    ("https://www.digital.go.jp/en/resources/open_data/public_data_license_v1.0", "pdl-1.0", EXACT,
     DIGITAL_AGENCY),
    # Creative Commons names, deeds and badges
    ("この作品は クリエイティブ・コモンズ 表示 4.0 国際 ライセンスの下に提供されています。",
     "cc-by-4.0", EXACT, CC_CHOOSER),
    ("クリエイティブ・コモンズ・ライセンス 表示 4.0 国際", "cc-by-4.0", EXACT, CC_CHOOSER),
    ("https://i.creativecommons.org/l/by/4.0/88x31.png", "cc-by-4.0", EXACT, CC_CHOOSER),
    ("クリエイティブ・コモンズ 表示-非営利 4.0 国際", "cc-by-nc-4.0", EXACT, CC_NAMES),
    ("https://creativecommons.org/licenses/by-nc/4.0/deed.ja", "cc-by-nc-4.0", EXACT, CC_NAMES),
    ("クリエイティブ・コモンズ 表示-継承 4.0 国際", "cc-by-sa-4.0", EXACT, CC_NAMES),
    ("CC BY-SA 4.0", "cc-by-sa-4.0", EXACT, CC_NAMES),
    ("CC BY-NC-ND 4.0", "cc-by-nc-nd-4.0", EXACT, CC_NAMES),
    ("Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International", "cc-by-nc-sa-4.0",
     EXACT, CC_NAMES),
    ("https://creativecommons.org/licenses/by-nc-sa/2.1/jp/", None, None, CC_NAMES),
    ("CC BY 3.0", None, None, CC_NAMES),
    ("https://creativecommons.org/publicdomain/mark/1.0/", None, None, CC_NAMES),
    # ODbL
    ("ODbL", "odbl-1.0", EXACT, "openstreetmap.org/copyright (the licence of OpenStreetMap data)"),
    ("https://opendatacommons.org/licenses/odbl/1-0/", "odbl-1.0", EXACT, "opendatacommons.org"),
    # ODPO's own ids
    ("odpo-restricted", "odpo-restricted", EXACT, PLATFORM),
    ("odpo-paid", "odpo-paid", EXACT, PLATFORM),
    ("municipal-custom", "municipal-custom", EXACT, PLATFORM),
    # nothing to map
    ("不明", None, None, "Japanese for the 'unknown' row above"),
    ("ライセンス", None, None, CONSTRUCTED),
    ("クリエイティブ・コモンズ・ライセンス", None, None, CC_CHOOSER),
    ("国交省サイトは公共データ利用規約(第1.0版)= PDL1.0、e-Stat 配布分は政府標準利用規約(第2.0版)",
     None, None, "public GitHub code comment naming two terms"),
]


def test_the_table_is_large_enough() -> None:
    assert len(REAL_WORLD_SPELLINGS) >= 60


@pytest.mark.parametrize(
    ("raw", "licence_id", "exactness", "source"),
    REAL_WORLD_SPELLINGS,
    ids=[f"{index:03d}" for index in range(len(REAL_WORLD_SPELLINGS))],
)
def test_real_world_spelling(raw: str | None, licence_id: str | None,
                             exactness: Exactness | None, source: str) -> None:
    match = normalise_licence(raw)

    assert (match.licence_id, match.exactness) == (licence_id, exactness), (source, match)
    assert match.raw == raw
    assert match.rule


def test_every_expected_id_is_in_the_register() -> None:
    register = load_register()
    expected = {licence_id for _, licence_id, _, _ in REAL_WORLD_SPELLINGS if licence_id}
    assert expected <= set(register)


def test_every_register_licence_is_reached_by_its_own_names() -> None:
    for licence in load_register().values():
        for name in (licence.id, licence.title, licence.title_en, licence.short_name, licence.url):
            assert normalise_licence(name).licence_id == licence.id, name


def test_every_alternative_url_maps_back_to_its_licence() -> None:
    for licence in load_register().values():
        for url in licence.alternative_urls:
            assert normalise_licence(url).licence_id == licence.id, url


# --- the NC / ND / SA guarantee --------------------------------------------------

RESTRICTING_SPELLINGS = [
    "CC-BY-NC", "CC BY-NC", "CC BY NC 4.0", "cc-by-nc-4.0", "CC BY-ND", "CC BY-SA 4.0",
    "CC BY-NC-SA", "cc-by-nc-nd", "クリエイティブ・コモンズ 表示-非営利 4.0 国際",
    "クリエイティブ・コモンズ 表示-改変禁止", "クリエイティブ・コモンズ 表示-継承 2.1 日本",
    "表示-非営利 2.1 日本", "Creative Commons Attribution-NoDerivatives 4.0",
    "https://creativecommons.org/licenses/by-nc/4.0/", "https://creativecommons.org/licenses/by-nd/2.1/jp/",
]
DECORATIONS = ["{}", "{} ライセンス", "（{}）", "ライセンス：{}", "{}（写真を除く）", "利用条件：{}。"]


@pytest.mark.parametrize(
    "spelling",
    [decoration.format(raw) for raw, decoration in itertools.product(RESTRICTING_SPELLINGS, DECORATIONS)],
)
def test_nc_nd_sa_never_map_to_plain_cc_by(spelling: str) -> None:
    assert normalise_licence(spelling).licence_id not in {"cc-by-4.0", "cc-by-2.1-jp"}


def test_nc_next_to_a_plain_cc_by_deed_is_ambiguous() -> None:
    match = normalise_licence("CC BY-NC https://creativecommons.org/licenses/by/4.0/")

    assert match.licence_id is None
    assert match.rule == "ambiguous"


def test_cc_licences_outside_the_register_are_reported_not_guessed() -> None:
    match = normalise_licence("CC BY-ND 2.1 JP")

    assert match.licence_id is None
    assert match.rule == "not-in-register"
    assert "cc-by-nd-2.1-jp" in match.detail


# --- how findings combine -----------------------------------------------------------


def test_an_exact_url_settles_the_version_of_a_bare_cc_by() -> None:
    match = normalise_licence("CC BY https://creativecommons.org/licenses/by/2.1/jp/")

    assert (match.licence_id, match.exactness) == ("cc-by-2.1-jp", EXACT)


def test_conflicting_versions_are_ambiguous() -> None:
    match = normalise_licence("CC BY 4.0 https://creativecommons.org/licenses/by/2.1/jp/")

    assert match.licence_id is None
    assert match.rule == "ambiguous"


def test_a_compatibility_note_names_no_licence() -> None:
    assert normalise_licence("CC BY 4.0 互換").rule == "compatibility-only"
    assert normalise_licence("CC BY 4.0（政府標準利用規約と互換）").licence_id == "cc-by-4.0"


def test_a_standard_named_in_municipal_terms_wins_over_the_municipal_terms() -> None:
    match = normalise_licence("大阪府オープンデータ利用規約（公共データ利用規約（第1.0版）準拠）")

    assert (match.licence_id, match.exactness) == ("pdl-1.0", EXACT)


@pytest.mark.parametrize(
    ("raw", "licence_id"),
    [("CC BY4", "cc-by-4.0"), ("CC-BY 3", None), ("政府標準利用規約 Ver.2.0", "gsl-2.0")],
)
def test_versions_without_minor_or_with_a_prefix_are_read(raw: str, licence_id: str | None) -> None:
    assert normalise_licence(raw).licence_id == licence_id


def test_municipal_terms_that_only_mention_compatibility_stay_municipal() -> None:
    match = normalise_licence("大阪府オープンデータ利用規約（CC BY 4.0 互換）")

    assert match.licence_id == "municipal-custom"


def test_a_url_glued_to_japanese_text_is_still_read() -> None:
    raw = "https://creativecommons.org/licenses/by/4.0/legalcode.jaの条件に従う"
    assert normalise_licence(raw).licence_id == "cc-by-4.0"


def test_inferred_matches_say_what_was_assumed() -> None:
    assert "4.0" in normalise_licence("CC BY").detail
    assert "第2.0版" in normalise_licence("政府標準利用規約").detail
    assert "Japan" in normalise_licence("CC-BY-2.1").detail


def test_folding_handles_width_and_case() -> None:
    assert fold("ＣＣ　ＢＹ－ＮＣ　４．０") == "cc by-nc 4.0"
    assert compact_key("政府標準利用規約（第２．０版）") == compact_key("政府標準利用規約(第2.0版)")


# --- several fields of one record ------------------------------------------------------


def test_fields_of_a_tokyo_record_agree_exactly() -> None:
    match = normalise_licence_fields(
        "CC-BY-4.0", "クリエイティブ・コモンズ 表示（CC BY）", "https://creativecommons.org/licenses/by/4.0/deed.ja"
    )

    assert (match.licence_id, match.exactness) == ("cc-by-4.0", EXACT)


def test_fields_of_a_kobe_record_agree_on_an_inferred_version() -> None:
    match = normalise_licence_fields(
        "cc-by", "クリエイティブ・コモンズ 表示", "http://www.opendefinition.org/licenses/cc-by"
    )

    assert (match.licence_id, match.exactness) == ("cc-by-4.0", INFERRED)


def test_a_record_without_licence_fields_is_empty() -> None:
    match = normalise_licence_fields(None, None, "")

    assert (match.licence_id, match.rule) == (None, "empty")


def test_a_field_naming_another_licence_blocks_the_record() -> None:
    assert normalise_licence_fields("cc-by", "CC BY 3.0", None).rule == "ambiguous"


def test_a_garbage_or_unknown_field_does_not_block_the_record() -> None:
    assert normalise_licence_fields("ライセンス", "CC BY 4.0").licence_id == "cc-by-4.0"
    assert normalise_licence_fields("不明", "CC BY 4.0").licence_id == "cc-by-4.0"


def test_a_generic_ckan_licence_blocks_the_record() -> None:
    match = normalise_licence_fields("other-closed", "CC BY 4.0")

    assert (match.licence_id, match.rule) == (None, "ambiguous")


# --- the report of a harvest ---------------------------------------------------------


def test_normalise_many_reports_what_it_could_not_map() -> None:
    harvested = ["CC-BY", "CC-BY", "cc-by-40-intl", "CC BY 3.0", "CC BY 3.0", "other-closed", None]

    report = normalise_many(harvested)

    assert report.occurrences["CC-BY"] == 2
    assert {match.raw for match in report.mapped} == {"CC-BY", "cc-by-40-intl"}
    assert {match.raw for match in report.inferred} == {"CC-BY"}
    assert [match.raw for match in report.unmapped] == ["CC BY 3.0", "other-closed", None]
    assert report.licence_id_for("cc-by-40-intl") == "cc-by-4.0"
    assert report.unmapped_lines()[0].startswith("'CC BY 3.0' x2: not-in-register")


def test_a_register_whose_names_clash_is_refused() -> None:
    register = load_register()
    copy_of_pdl = dataclasses.replace(register["pdl-1.0"], id="pdl-copy")
    clashing = LicenceRegister([*register.values(), copy_of_pdl])

    with pytest.raises(RegisterError, match="is used by"):
        LicenceNormaliser(clashing)
