"""The ODPO dataset schema (``schemas/dataset.yaml``) as users meet it: through
``package_create`` / ``package_show`` and the dataset form.

Every wrong input is checked for the field the error is reported on and the
Japanese message that says what to fix (in a request in Japanese: fixture
``japanese`` of ``conftest.py``).
"""
from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ckan.plugins.toolkit as tk
import pytest
import yaml
from ckan.tests import factories
from ckan.tests.helpers import call_action
from ckanext.odpo import vocabularies as vocab
from ckanext.odpo.municipality import OSAKA_MUNICIPALITIES, PREFECTURES

PLUGINS = "odpo_search odpo scheming_datasets scheming_organizations"
SCHEMA_PATH = Path(__file__).parents[2] / "schemas" / "dataset.yaml"

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", PLUGINS),
]


@pytest.fixture
def harmonised_licences(ckan_config: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """CKAN's licence register is ODPO's harmonised one (config/licences.json)."""
    from ckanext.odpo.licences.ckan_list import licences_group_url

    monkeypatch.setitem(ckan_config, "licenses_group_url", licences_group_url())
    _forget_licence_register()
    yield
    _forget_licence_register()


@pytest.fixture
def default_licences(ckan_config: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """CKAN's built-in licence register (no ``licenses_group_url``)."""
    monkeypatch.setitem(ckan_config, "licenses_group_url", "")
    _forget_licence_register()
    yield
    _forget_licence_register()


def _forget_licence_register() -> None:
    from ckan import model

    if "_license_register" in vars(model.Package):
        del model.Package._license_register


@pytest.fixture
def sysadmin() -> dict[str, Any]:
    return factories.Sysadmin()


@pytest.fixture
def organisation(sysadmin: dict[str, Any]) -> dict[str, Any]:
    return call_action(
        "organization_create",
        context={"user": sysadmin["name"]},
        name="suita-city",
        title="吹田市",
        provider_type="municipality",
        municipality_code="272051",
    )


@pytest.fixture
def create(sysadmin: dict[str, Any], organisation: dict[str, Any]) -> Any:
    """``package_create`` of a dataset of the organisation, as a sysadmin."""

    def create_dataset(**fields: Any) -> dict[str, Any]:
        data_dict = {"name": "272051_public-toilet", "title": "吹田市 公衆トイレ一覧", **fields}
        data_dict.setdefault("owner_org", organisation["id"])
        return call_action("package_create", context={"user": sysadmin["name"]}, **data_dict)

    return create_dataset


@pytest.fixture
def errors_of(create: Any) -> Any:
    """The error dict ``package_create`` answers for these fields."""

    def errors(**fields: Any) -> dict[str, Any]:
        with pytest.raises(tk.ValidationError) as raised:
            create(**fields)
        return raised.value.error_dict

    return errors


def _resource(name: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, "url": f"https://data.example.jp/files/{name}.csv", **fields}


PRICE_PLAN = {"name": "月額API利用", "price_jpy": 50000, "period": "monthly", "delivery": "api"}

VALID_DATASETS: dict[str, dict[str, Any]] = {
    "open": {
        "title_en": "Public toilets, Suita City",
        "notes": "吹田市が管理する公衆トイレの一覧です。",
        "notes_en": "Public toilets managed by Suita City.",
        "access_tier": "open",
        "license_id": "cc-by-4.0",
        "update_frequency": "annual",
        "last_data_update": "2025-04-01",
        "theme": ["tourism_culture", "public_facilities"],  # vocabulary order
        "spatial_municipality_codes": ["272051"],
        "temporal_start": "2025-04-01",
        "conforms_to": "13",
        "contact_name": "吹田市 総務部 資産経営課",
        "contact_email": "opendata@suita-city.example.jp",
        "resources": [
            _resource("公衆トイレ一覧（CSV）", format="CSV", encoding="UTF-8 (BOM)", size=2048)
        ],
    },
    "registered": {
        "access_tier": "registered",
        "license_id": "pdl-1.0",
        "update_frequency": "monthly",
        "personal_data_class": "anonymised",
        "resources": [
            _resource("人口（CSV）", format="CSV", encoding="CP932"),
            _resource("サンプルデータ（CSV）", is_sample=True, sample_of="人口（CSV）"),
        ],
    },
    "restricted": {
        "access_tier": "restricted",
        "license_id": "odpo-restricted",
        "secondary_distribution": "prohibited",
        "resources": [_resource("詳細データ"), _resource("サンプル", is_sample=True)],
    },
    "paid": {
        "access_tier": "paid",
        "license_id": "odpo-paid",
        "secondary_distribution": "prohibited",
        "personal_data_class": "anonymised",
        "price_plans": [
            PRICE_PLAN,
            {"name": "過去データ一括購入", "price_jpy": 300000, "period": "one-off",
             "delivery": "file"},
        ],
        "resources": [
            _resource("サンプルデータ（CSV）", is_sample=True, sample_of="提供データ（JSON）"),
            _resource("提供データ（JSON）", format="JSON"),
        ],
    },
}


# --- the schema file ------------------------------------------------------------------


def _schema() -> dict[str, Any]:
    return yaml.safe_load(SCHEMA_PATH.read_text(encoding="utf-8"))


def _field(fields: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(field for field in fields if field["field_name"] == name)


@pytest.mark.parametrize(
    ("field_name", "terms"),
    [
        ("access_tier", vocab.ACCESS_TIERS),
        ("secondary_distribution", vocab.SECONDARY_DISTRIBUTION),
        ("personal_data_class", vocab.PERSONAL_DATA_CLASSES),
        ("theme", vocab.THEMES),
        ("update_frequency", vocab.UPDATE_FREQUENCIES),
        ("conforms_to", vocab.STANDARD_DATASETS),
    ],
)
def test_dataset_choices_repeat_the_vocabularies(field_name: str, terms: tuple[Any, ...]) -> None:
    field = _field(_schema()["dataset_fields"], field_name)
    assert field["choices"] == vocab.scheming_choices(terms)


def test_price_plan_choices_repeat_the_vocabularies() -> None:
    subfields = _field(_schema()["dataset_fields"], "price_plans")["repeating_subfields"]
    assert _field(subfields, "period")["choices"] == vocab.scheming_choices(vocab.PRICE_PERIODS)
    delivery = _field(subfields, "delivery")["choices"]
    assert delivery == vocab.scheming_choices(vocab.DELIVERY_METHODS)


def test_resource_encodings_repeat_the_vocabulary() -> None:
    field = _field(_schema()["resource_fields"], "encoding")
    assert field["choices"] == vocab.scheming_choices(vocab.ENCODINGS)


def test_spatial_choices_name_osaka_and_every_prefecture() -> None:
    field = _field(_schema()["dataset_fields"], "spatial_municipality_codes")
    labelled = {choice["value"]: choice["label"]["ja"] for choice in field["choices"]}
    expected = {government.code: government.name for government in PREFECTURES}
    expected |= {government.code: government.name for government in OSAKA_MUNICIPALITIES}
    assert labelled == expected
    assert field["choices"][0]["value"] == "270008"


def test_every_label_and_help_text_is_japanese_first() -> None:
    schema = _schema()
    for field in schema["dataset_fields"] + schema["resource_fields"]:
        assert list(field["label"]) == ["ja", "en"], field["field_name"]
        if "help_text" in field:
            assert list(field["help_text"]) == ["ja", "en"], field["field_name"]


# --- valid datasets ------------------------------------------------------------------


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "harmonised_licences")
class TestValidDatasets:
    @pytest.mark.parametrize("tier", sorted(VALID_DATASETS))
    def test_a_dataset_of_each_tier_round_trips(self, create: Any, tier: str) -> None:
        fields = VALID_DATASETS[tier]
        created = create(**fields)
        shown = call_action("package_show", id=created["id"])
        for key, value in fields.items():
            if key != "resources":
                assert shown[key] == value, key
        for given, stored in zip(fields["resources"], shown["resources"], strict=True):
            for key, value in given.items():
                assert stored[key] == value, key

    def test_price_plans_keep_integer_prices(self, create: Any) -> None:
        created = create(**{**VALID_DATASETS["paid"], "price_plans": [
            {**PRICE_PLAN, "price_jpy": "50,000円"}]})
        shown = call_action("package_show", id=created["id"])
        assert shown["price_plans"] == [PRICE_PLAN]

    def test_defaults_of_a_minimal_dataset(self, create: Any) -> None:
        shown = call_action("package_show", id=create()["id"])
        assert shown["access_tier"] == "open"
        assert shown["personal_data_class"] == "none"
        assert shown["secondary_distribution"] == "allowed"
        assert "price_plans" not in shown

    def test_secondary_distribution_defaults_to_prohibited_for_agreement_tiers(
        self, create: Any
    ) -> None:
        fields = {**VALID_DATASETS["restricted"], "secondary_distribution": ""}
        shown = call_action("package_show", id=create(**fields)["id"])
        assert shown["secondary_distribution"] == "prohibited"

    def test_the_providers_own_terms_may_prohibit_distribution_of_open_data(
        self, create: Any
    ) -> None:
        created = create(license_id="municipal-custom", secondary_distribution="prohibited")
        assert created["secondary_distribution"] == "prohibited"

    def test_lists_given_as_text_are_stored_as_lists(self, create: Any) -> None:
        created = create(theme="transport", spatial_municipality_codes="271004, ２７２０５１")
        shown = call_action("package_show", id=created["id"])
        assert shown["theme"] == ["transport"]
        assert shown["spatial_municipality_codes"] == ["271004", "272051"]

    def test_a_patch_keeps_the_odpo_fields(self, create: Any, sysadmin: dict[str, Any]) -> None:
        created = create(**VALID_DATASETS["paid"])
        context = {"user": sysadmin["name"]}
        call_action("package_patch", context=context, id=created["id"], title="新しい名前")
        shown = call_action("package_show", id=created["id"])
        assert shown["title"] == "新しい名前"
        assert shown["access_tier"] == "paid"
        assert len(shown["price_plans"]) == 2

    def test_a_sample_added_later_may_name_its_resource_by_id(
        self, create: Any, sysadmin: dict[str, Any]
    ) -> None:
        created = create(resources=[_resource("全件データ")])
        target_id = created["resources"][0]["id"]
        call_action(
            "resource_create",
            context={"user": sysadmin["name"]},
            package_id=created["id"],
            **_resource("サンプル", is_sample=True, sample_of=target_id),
        )
        shown = call_action("package_show", id=created["id"])
        assert shown["resources"][1]["sample_of"] == target_id
        assert shown["resources"][1]["is_sample"] is True
        assert shown["resources"][0]["is_sample"] is False

    def test_the_odpo_fields_are_published_in_the_schema(self) -> None:
        schema = call_action("scheming_dataset_schema_show", type="dataset")
        names = {field["field_name"] for field in schema["dataset_fields"]}
        assert {"access_tier", "price_plans", "theme", "spatial_municipality_codes",
                "conforms_to", "personal_data_class", "secondary_distribution"} <= names


# --- wrong inputs ---------------------------------------------------------------------

WRONG_INPUTS: list[tuple[str, dict[str, Any], str, str]] = [
    (
        "paid without a price plan",
        {"access_tier": "paid", "license_id": "odpo-paid"},
        "access_tier",
        "アクセス区分が「有償」のデータセットには料金プランが必要です。料金プランを1件以上登録するか",
    ),
    (
        "price plans on open data",
        {"access_tier": "open", "license_id": "cc-by-4.0", "price_plans": [PRICE_PLAN]},
        "access_tier",
        "料金プランを登録できるのはアクセス区分が「有償」のデータセットだけです。",
    ),
    (
        "paid data under an open licence",
        {"access_tier": "paid", "license_id": "cc-by-4.0", "price_plans": [PRICE_PLAN]},
        "license_id",
        "有償データのライセンスは「ODPO 有償データ利用規約」にしてください。",
    ),
    (
        "paid data without a licence",
        {"access_tier": "paid", "price_plans": [PRICE_PLAN]},
        "license_id",
        "ライセンス（利用規約）が必要です。「ODPO 有償データ利用規約」を選んでください。",
    ),
    (
        "restricted data under an open licence",
        {"access_tier": "restricted", "license_id": "pdl-1.0"},
        "license_id",
        "はオープンライセンスで、誰でもデータを再配布できるため、限定公開には使えません。",
    ),
    (
        "the paid terms on open data",
        {"access_tier": "open", "license_id": "odpo-paid"},
        "license_id",
        "「ODPO 有償データ利用規約」はアクセス区分が「有償」のデータセット専用です。",
    ),
    (
        "the restricted terms on registered data",
        {"access_tier": "registered", "license_id": "odpo-restricted"},
        "license_id",
        "「ODPO 限定公開データ利用規約」はアクセス区分が「限定公開（提供者の承認が必要）」の",
    ),
    (
        "a licence outside the register",
        {"license_id": "cc-by"},
        "license_id",
        "ライセンス「cc-by」はODPOのライセンス一覧にありません。一覧から選んでください。",
    ),
    (
        "restricted data that may be passed on",
        {"access_tier": "restricted", "license_id": "odpo-restricted",
         "secondary_distribution": "allowed"},
        "secondary_distribution",
        "のデータは二次配布を「禁止」にしてください",
    ),
    (
        "open data under CC BY that may not be passed on",
        {"access_tier": "open", "license_id": "cc-by-4.0", "secondary_distribution": "prohibited"},
        "secondary_distribution",
        "オープンデータの二次配布は禁止できません。二次配布を「許可」にするか",
    ),
    (
        "personal data",
        {"personal_data_class": "personal"},
        "personal_data_class",
        "ODPOには個人情報を含むデータを掲載できません。",
    ),
    (
        "an unknown access tier",
        {"access_tier": "free"},
        "access_tier",
        "「free」は選べません。次のいずれかを指定してください: open（オープン（誰でも利用可））",
    ),
    (
        "a municipality code with a wrong check digit",
        {"spatial_municipality_codes": ["272051", "272050"]},
        "spatial_municipality_codes",
        "全国地方公共団体コード「272050」の6桁目（検査数字）が合いません。",
    ),
    (
        "a temporal coverage ending before it starts",
        {"temporal_start": "2025-04-01", "temporal_end": "2025-03-31"},
        "temporal_end",
        "対象期間の終了日（2025-03-31）が開始日（2025-04-01）より前です。",
    ),
    (
        "an unreadable date",
        {"temporal_start": "2025年4月1日"},
        "temporal_start",
        "日付は「2025-04-01」のように年-月-日の形式で入力してください",
    ),
    (
        "a last update in the future",
        {"last_data_update": (datetime.date.today() + datetime.timedelta(days=30)).isoformat()},
        "last_data_update",
        "は指定できません。データを実際に更新した日を入力してください。",
    ),
    (
        "an unknown theme",
        {"theme": ["transport", "sports"]},
        "theme",
        "「sports」は選べません。",
    ),
    (
        "a standard dataset number that does not exist",
        {"conforms_to": "19"},
        "conforms_to",
        "01〜17、22〜31の2桁で指定してください（入力値: 19）",
    ),
    (
        "an unknown update frequency",
        {"update_frequency": "hourly"},
        "update_frequency",
        "「hourly」は選べません。",
    ),
    (
        "a malformed contact email",
        {"contact_email": "opendata.example.jp"},
        "contact_email",
        "メールアドレスの形式が正しくありません（入力値: opendata.example.jp）。",
    ),
]


@pytest.mark.usefixtures(
    "with_plugins", "clean_db", "clean_index", "japanese", "harmonised_licences"
)
class TestWrongInputs:
    @pytest.mark.parametrize(
        ("fields", "field_key", "message"),
        [case[1:] for case in WRONG_INPUTS],
        ids=[case[0] for case in WRONG_INPUTS],
    )
    def test_the_error_names_the_field_and_what_to_fix(
        self, errors_of: Any, fields: dict[str, Any], field_key: str, message: str
    ) -> None:
        errors = errors_of(**fields)
        assert field_key in errors, errors
        assert any(message in error for error in errors[field_key]), errors[field_key]

    def test_a_price_plan_with_a_negative_price(self, errors_of: Any) -> None:
        errors = errors_of(
            access_tier="paid",
            license_id="odpo-paid",
            price_plans=[PRICE_PLAN, {**PRICE_PLAN, "price_jpy": -1}],
        )
        assert errors["price_plans"][1]["price_jpy"] == [
            "価格は0以上の整数（円）で入力してください（入力値: -1）。無償のプランは0です。"
        ]

    def test_a_price_plan_missing_its_fields(self, errors_of: Any) -> None:
        errors = errors_of(
            access_tier="paid", license_id="odpo-paid", price_plans=[{"price_jpy": 1000}]
        )
        required = ["この項目は必須です。入力するか選択してください。"]
        assert errors["price_plans"][0]["name"] == required
        assert errors["price_plans"][0]["period"] == required
        assert errors["price_plans"][0]["delivery"] == required

    def test_a_price_plan_with_an_unknown_period(self, errors_of: Any) -> None:
        errors = errors_of(
            access_tier="paid",
            license_id="odpo-paid",
            price_plans=[{**PRICE_PLAN, "period": "weekly"}],
        )
        assert errors["price_plans"][0]["period"][0].startswith("「weekly」は選べません。")

    def test_a_sample_of_a_resource_that_does_not_exist(self, errors_of: Any) -> None:
        errors = errors_of(
            resources=[_resource("全件"), _resource("サンプル", is_sample=True, sample_of="全権")]
        )
        assert errors["resources"][1]["sample_of"] == [
            (
                "「全権」はこのデータセットのリソースのIDでも名前でもありません。"
                "サンプルが示すリソースのIDか名前を指定してください。"
            )
        ]

    def test_a_sample_of_itself(self, errors_of: Any) -> None:
        errors = errors_of(resources=[_resource("サンプル", is_sample=True, sample_of="サンプル")])
        assert errors["resources"][0]["sample_of"][0].startswith(
            "サンプル自身を「サンプルの対象」にはできません。"
        )

    def test_sample_of_on_a_resource_that_is_not_a_sample(self, errors_of: Any) -> None:
        errors = errors_of(resources=[_resource("全件"), _resource("抜粋", sample_of="全件")])
        assert errors["resources"][1]["sample_of"][0].startswith(
            "「サンプルの対象」を指定できるのはサンプルのリソースだけです。"
        )

    def test_an_unknown_encoding(self, errors_of: Any) -> None:
        errors = errors_of(resources=[_resource("全件", encoding="JIS")])
        assert errors["resources"][0]["encoding"][0].startswith("「JIS」は選べません。")

    def test_several_problems_are_reported_together(self, errors_of: Any) -> None:
        errors = errors_of(
            access_tier="paid",
            personal_data_class="personal",
            spatial_municipality_codes=["271005"],
        )
        assert {"access_tier", "license_id", "personal_data_class",
                "spatial_municipality_codes"} <= set(errors)


# ``japanese`` builds the app, which points CKAN at ODPO's register: before ``default_licences``.
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "japanese", "default_licences")
class TestWithCkansDefaultLicences:
    """Whatever licence register the site configures is the one validated against."""

    def test_paid_data_under_a_closed_licence_is_accepted(self, create: Any) -> None:
        created = create(access_tier="paid", license_id="other-closed", price_plans=[PRICE_PLAN])
        assert created["license_id"] == "other-closed"
        assert created["secondary_distribution"] == "prohibited"

    def test_paid_data_under_an_open_licence_is_refused(self, errors_of: Any) -> None:
        errors = errors_of(access_tier="paid", license_id="cc-by", price_plans=[PRICE_PLAN])
        assert errors["license_id"][0].endswith(
            "はオープンライセンスのため、有償データには使えません。オープンでない利用規約を選んでください。"
        )

    def test_paid_data_without_a_licence_asks_for_closed_terms(self, errors_of: Any) -> None:
        errors = errors_of(access_tier="paid", price_plans=[PRICE_PLAN])
        assert errors["license_id"] == [
            (
                "アクセス区分が「有償」のデータセットにはライセンス（利用規約）が必要です。"
                "オープンでない利用規約を選んでください。"
            )
        ]

    def test_a_harmonised_id_is_unknown_to_this_register(self, errors_of: Any) -> None:
        errors = errors_of(license_id="cc-by-4.0")
        assert errors["license_id"] == [
            "ライセンス「cc-by-4.0」はODPOのライセンス一覧にありません。一覧から選んでください。"
        ]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("ja", ("料金プランを登録できるのはアクセス区分が「有償」のデータセットだけです。"
               "アクセス区分を「有償」にするか、料金プランを削除してください。")),
        ("en", ("Only datasets with the access tier \"Paid\" have price plans. Set the access "
               "tier to \"Paid\" or delete the price plans.")),
    ],
)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "harmonised_licences")
def test_errors_are_in_the_language_of_the_request(
    errors_of: Any, in_language: Any, language: str, message: str
) -> None:
    with in_language(language):
        errors = errors_of(access_tier="open", license_id="cc-by-4.0", price_plans=[PRICE_PLAN])
    assert errors["access_tier"] == [message]


# --- the form ---------------------------------------------------------------------------


@pytest.mark.ckan_config("ckan.locale_default", "ja")
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index", "harmonised_licences")
def test_the_dataset_form_is_japanese_with_help_texts(app: Any, sysadmin: dict[str, Any]) -> None:
    token = factories.APIToken(user=sysadmin["id"])["token"]
    response = app.get("/dataset/new", headers={"Authorization": token})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for label in ["アクセス区分", "ライセンス（利用規約）", "二次配布", "個人に関する情報",
                  "料金プラン", "更新頻度", "データの最終更新日", "対象地域", "対象期間（開始日）",
                  "自治体標準オープンデータセット", "分類（テーマ）", "問い合わせ先メールアドレス"]:
        assert label in page, label
    for help_text in [
        "「限定公開」は提供者が利用申請を承認した人だけ",
        "ODPOは個人情報を扱わないデータ基盤です。",
        "アクセス区分が「有償」のデータだけに登録します（1件以上必要）。",
        "全国地方公共団体コード（6桁、6桁目は検査数字）",
    ]:
        assert help_text in page, help_text
    choices = ["オープン（誰でも利用可）", "防災・安全", "公衆トイレ一覧", "吹田市", "千早赤阪村"]
    for choice in choices:
        assert choice in page, choice
    assert "個人情報を含む（掲載不可）" not in page
    assert "ODPO 有償データ利用規約" in page
