"""The ODPO organisation schema (``schemas/organization.yaml``): the data
providers, their type and their 全国地方公共団体コード. Error messages are
checked in Japanese, in a request in Japanese (fixture ``japanese``)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import ckan.plugins.toolkit as tk
import pytest
import yaml
from ckan.tests import factories
from ckan.tests.helpers import call_action
from ckanext.odpo import vocabularies as vocab

PLUGINS = "odpo_search odpo scheming_datasets scheming_organizations"
SCHEMA_PATH = Path(__file__).parents[2] / "schemas" / "organization.yaml"

pytestmark = [pytest.mark.ckan_config("ckan.plugins", PLUGINS)]


@pytest.fixture
def create(sysadmin: dict[str, Any]) -> Any:
    def create_organisation(**fields: Any) -> dict[str, Any]:
        data_dict = {"name": "suita-city", "title": "吹田市", **fields}
        return call_action("organization_create", context={"user": sysadmin["name"]}, **data_dict)

    return create_organisation


@pytest.fixture
def sysadmin() -> dict[str, Any]:
    return factories.Sysadmin()


@pytest.fixture
def errors_of(create: Any) -> Any:
    def errors(**fields: Any) -> dict[str, Any]:
        with pytest.raises(tk.ValidationError) as raised:
            create(**fields)
        return raised.value.error_dict

    return errors


def test_provider_types_repeat_the_vocabulary() -> None:
    schema = yaml.safe_load(SCHEMA_PATH.read_text(encoding="utf-8"))
    field = next(field for field in schema["fields"] if field["field_name"] == "provider_type")
    assert field["choices"] == vocab.scheming_choices(vocab.PROVIDER_TYPES)
    labels = [choice["label"]["ja"] for choice in field["choices"]]
    assert labels == ["都道府県", "市区町村", "その他公的機関", "民間企業", "大学・研究機関"]


VALID_ORGANISATIONS = [
    {"name": "osaka-pref", "title": "大阪府", "provider_type": "prefecture",
     "municipality_code": "270008", "website": "https://www.osaka-pref.example.jp/"},
    {"provider_type": "municipality", "municipality_code": "272051",
     "contact_email": "opendata@suita-city.example.jp"},
    {"name": "osaka-port", "title": "大阪港湾局", "provider_type": "other_public"},
    {"name": "osaka-port-2", "title": "大阪港湾局", "provider_type": "other_public",
     "municipality_code": "271004"},
    {"name": "naniwa-mobility", "title": "なにわモビリティ株式会社", "provider_type": "company"},
    {"name": "naniwa-mobility-2", "title": "なにわモビリティ株式会社", "provider_type": "company",
     "municipality_code": "271004"},
    {"name": "osaka-univ-lab", "title": "大阪データ研究所", "provider_type": "university"},
]


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "japanese")
class TestOrganisations:
    @pytest.mark.parametrize("fields", VALID_ORGANISATIONS, ids=lambda fields: fields.get("name"))
    def test_a_valid_provider_round_trips(self, create: Any, fields: dict[str, Any]) -> None:
        created = create(**fields)
        shown = call_action("organization_show", id=created["id"])
        for key, value in fields.items():
            assert shown[key] == value, key

    def test_full_width_digits_are_stored_as_ascii(self, create: Any) -> None:
        created = create(provider_type="municipality", municipality_code="２７２０５１")
        assert created["municipality_code"] == "272051"

    @pytest.mark.parametrize(
        ("fields", "field_key", "message"),
        [
            ({}, "provider_type", "この項目は必須です。入力するか選択してください。"),
            (
                {"provider_type": "ngo"},
                "provider_type",
                "「ngo」は選べません。次のいずれかを指定してください: prefecture（都道府県）",
            ),
            (
                {"provider_type": "municipality"},
                "municipality_code",
                "都道府県・市区町村は全国地方公共団体コード（6桁）を入力してください",
            ),
            (
                {"provider_type": "municipality", "municipality_code": "272050"},
                "municipality_code",
                (
                    "全国地方公共団体コード「272050」の6桁目（検査数字）が合いません。"
                    "先頭5桁が「27205」なら6桁目は「1」です。"
                ),
            ),
            (
                {"provider_type": "company", "municipality_code": "27100"},
                "municipality_code",
                "全国地方公共団体コードは6桁の数字で入力してください",
            ),
            (
                {"provider_type": "prefecture", "municipality_code": "272051"},
                "municipality_code",
                "「272051」は市区町村のコードです。都道府県には、3〜5桁目が000の都道府県コード",
            ),
            (
                {"provider_type": "municipality", "municipality_code": "270008"},
                "municipality_code",
                "「270008」は都道府県のコードです。市区町村のコード",
            ),
            (
                {"provider_type": "company", "contact_email": "data-desk"},
                "contact_email",
                "メールアドレスの形式が正しくありません（入力値: data-desk）。",
            ),
            (
                {"provider_type": "company", "website": "www.example.jp"},
                "website",
                "URLは「https://www.example.jp/」のように http:// または https:// から始めて",
            ),
        ],
        ids=["no type", "unknown type", "municipality without code", "wrong check digit",
             "five digits", "prefecture with a municipality code",
             "municipality with a prefecture code", "malformed email", "website without http"],
    )
    def test_the_error_names_the_field_and_what_to_fix(
        self, errors_of: Any, fields: dict[str, Any], field_key: str, message: str
    ) -> None:
        errors = errors_of(**fields)
        assert field_key in errors, errors
        assert any(message in error for error in errors[field_key]), errors[field_key]

    def test_an_update_keeps_the_fields(self, create: Any, sysadmin: dict[str, Any]) -> None:
        created = create(provider_type="municipality", municipality_code="272051")
        call_action(
            "organization_patch",
            context={"user": sysadmin["name"]},
            id=created["id"],
            description="吹田市のオープンデータです。",
        )
        shown = call_action("organization_show", id=created["id"])
        assert (shown["provider_type"], shown["municipality_code"]) == ("municipality", "272051")


@pytest.mark.ckan_config("ckan.locale_default", "ja")
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_the_organisation_form_is_japanese(app: Any, sysadmin: dict[str, Any]) -> None:
    token = factories.APIToken(user=sysadmin["id"])["token"]
    response = app.get("/organization/new", headers={"Authorization": token})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for text in ["提供者の種別", "大学・研究機関", "全国地方公共団体コード",
                 "都道府県・市区町村は必須で", "問い合わせ先メールアドレス", "ウェブサイト"]:
        assert text in page, text
