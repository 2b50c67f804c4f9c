"""The validators of the ODPO schemas, called directly: the 全国地方公共団体コード
check digit, price plans, dates, encodings and the controlled vocabularies.

The rules across fields (access tier, licence, price plans, samples) are
exercised through ``package_create`` in ``test_dataset_schema.py``.

Messages are checked as users read them: in Japanese, inside a request of the
app (fixture ``japanese``); the msgids in the code are English.
"""
from __future__ import annotations

import datetime
import json
from typing import Any

import ckan.plugins.toolkit as tk
import pytest
from ckanext.odpo import vocabularies as vocab
from ckanext.odpo.logic import validators
from ckanext.odpo.municipality import (
    CHECK_DIGIT_WEIGHTS,
    LOCAL_GOVERNMENTS,
    OSAKA_MUNICIPALITIES,
    OSAKA_PREFECTURE_CODE,
    PREFECTURES,
    CodeDefect,
    local_government_name,
    municipality_check_digit,
    municipality_code_defect,
    municipality_code_is_valid,
    prefecture_code_of,
)

KNOWN_CODES = sorted(LOCAL_GOVERNMENTS)

#: The plugin whose translations the messages need (fixtures ``japanese`` and
#: ``in_language``).
pytestmark = [pytest.mark.ckan_config("ckan.plugins", "odpo")]


def _invalid_message(validator: Any, value: Any) -> str:
    with pytest.raises(tk.Invalid) as raised:
        validator(value, {})
    return str(raised.value.error)


def _weighted_remainder(code: str) -> int:
    return sum(int(d) * w for d, w in zip(code[:5], CHECK_DIGIT_WEIGHTS, strict=True)) % 11


def _single_digit_changes(code: str, positions: range) -> list[str]:
    return [
        code[:position] + digit + code[position + 1 :]
        for position in positions
        for digit in "0123456789"
        if digit != code[position]
    ]


# --- 全国地方公共団体コード ------------------------------------------------------


@pytest.mark.parametrize("code", KNOWN_CODES)
def test_every_real_code_is_valid(code: str) -> None:
    assert municipality_code_is_valid(code)
    assert validators.odpo_municipality_code(code, {}) == code


def test_osaka_has_43_municipalities_with_their_real_codes() -> None:
    names = [government.name for government in OSAKA_MUNICIPALITIES]
    assert len(OSAKA_MUNICIPALITIES) == len(set(names)) == 43
    assert sum(name.endswith("市") for name in names) == 33
    assert sum(name.endswith("町") for name in names) == 9
    assert sum(name.endswith("村") for name in names) == 1
    assert all(government.code.startswith("27") for government in OSAKA_MUNICIPALITIES)
    assert local_government_name("271004") == "大阪市"
    assert local_government_name("272051") == "吹田市"
    assert local_government_name("273830") == "千早赤阪村"
    assert local_government_name(OSAKA_PREFECTURE_CODE) == "大阪府"


def test_prefecture_codes_follow_the_scheme() -> None:
    assert len(PREFECTURES) == 47
    assert PREFECTURES[0].code == "010006"
    assert PREFECTURES[12].code == "130001"
    assert PREFECTURES[26].code == OSAKA_PREFECTURE_CODE
    assert prefecture_code_of("272051") == OSAKA_PREFECTURE_CODE
    assert all(government.is_prefecture for government in PREFECTURES)
    assert not any(government.is_prefecture for government in OSAKA_MUNICIPALITIES)


@pytest.mark.parametrize("code", KNOWN_CODES)
def test_a_wrong_check_digit_is_always_rejected(code: str) -> None:
    for corrupted in _single_digit_changes(code, range(5, 6)):
        assert municipality_code_defect(corrupted) is CodeDefect.CHECK_DIGIT, corrupted


@pytest.mark.parametrize("code", KNOWN_CODES)
def test_a_single_wrong_digit_is_rejected(code: str) -> None:
    """Every one-digit slip among the first five digits is caught, except
    the one kind the official scheme cannot see: remainders 0 and 10 share
    the check digit 1."""
    for corrupted in _single_digit_changes(code, range(5)):
        if municipality_code_is_valid(corrupted):
            remainders = {_weighted_remainder(code), _weighted_remainder(corrupted)}
            assert remainders == {0, 10} and code[5] == "1", corrupted


def test_the_blind_spot_of_the_scheme_is_rare() -> None:
    changes = [c for code in KNOWN_CODES for c in _single_digit_changes(code, range(6))]
    missed = [c for c in changes if municipality_code_is_valid(c)]
    assert len(missed) < 0.02 * len(changes)


def test_check_digit_of_tokyo_and_osaka() -> None:
    assert municipality_check_digit("13000") == "1"
    assert municipality_check_digit("27100") == "4"
    with pytest.raises(ValueError):
        municipality_check_digit("2710")


@pytest.mark.parametrize(
    ("code", "defect"),
    [
        ("27100", CodeDefect.FORMAT),
        ("2710040", CodeDefect.FORMAT),
        ("27100a", CodeDefect.FORMAT),
        ("２７１００４", CodeDefect.FORMAT),
        ("", CodeDefect.FORMAT),
        (None, CodeDefect.FORMAT),
        (271004, CodeDefect.FORMAT),
        ("000000", CodeDefect.PREFECTURE),
        ("481003", CodeDefect.PREFECTURE),
        ("271005", CodeDefect.CHECK_DIGIT),
        ("271004", None),
    ],
)
def test_defects_of_malformed_codes(code: object, defect: CodeDefect | None) -> None:
    assert municipality_code_defect(code) is defect


@pytest.mark.usefixtures("japanese")
def test_the_message_gives_the_right_check_digit() -> None:
    message = _invalid_message(validators.odpo_municipality_code, "272050")
    assert "「272050」の6桁目（検査数字）が合いません" in message
    assert "6桁目は「1」です" in message


@pytest.mark.usefixtures("japanese")
def test_the_message_of_a_code_that_is_not_six_digits() -> None:
    message = _invalid_message(validators.odpo_municipality_code, "27205")
    assert "6桁の数字で入力してください" in message


@pytest.mark.usefixtures("japanese")
def test_the_message_of_an_unknown_prefecture_number() -> None:
    message = _invalid_message(validators.odpo_municipality_code, "481003")
    assert "先頭2桁（都道府県番号）は01〜47" in message


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("ja", ("全国地方公共団体コード「272050」の6桁目（検査数字）が合いません。"
               "先頭5桁が「27205」なら6桁目は「1」です。コードを確かめてください。")),
        ("en", ("The sixth digit (check digit) of the local government code \"272050\" is "
               "wrong: after \"27205\" the sixth digit is \"1\". Check the code.")),
    ],
)
def test_the_message_is_in_the_language_of_the_request(
    in_language: Any, language: str, message: str
) -> None:
    with in_language(language):
        assert _invalid_message(validators.odpo_municipality_code, "272050") == message


def test_full_width_digits_are_read_as_ascii() -> None:
    assert validators.odpo_municipality_code("２７１００４", {}) == "271004"


def _code_list(value: Any) -> tuple[Any, list[str]]:
    key = ("spatial_municipality_codes",)
    data = {key: value}
    errors: dict[Any, list[str]] = {key: []}
    try:
        validators.odpo_municipality_code_list(key, data, errors, {})
    except tk.StopOnError:
        pass
    return data[key], errors[key]


@pytest.mark.parametrize(
    "value",
    [["271004", "272051"], '["271004", "272051"]', "271004, 272051", "271004、272051 271004"],
)
def test_a_code_list_is_stored_as_json(value: Any) -> None:
    stored, errors = _code_list(value)
    assert errors == []
    assert json.loads(stored) == ["271004", "272051"]


@pytest.mark.usefixtures("japanese")
def test_each_wrong_code_of_a_list_is_reported() -> None:
    _, errors = _code_list(["271004", "271005", "12345"])
    assert len(errors) == 2
    assert "「271005」" in errors[0] and "「4」" in errors[0]
    assert "「12345」は6桁の数字ではありません" in errors[1]


# --- price plans ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "price"),
    [(0, 0), (30000, 30000), ("30000", 30000), ("1,000円", 1000), ("１２０００", 12000), (5.0, 5)],
)
def test_prices_are_whole_yen(value: Any, price: int) -> None:
    assert validators.odpo_price_jpy(value, {}) == price


@pytest.mark.usefixtures("japanese")
@pytest.mark.parametrize("value", [-1, "-100", "12.5", 12.5, "無料", True, "1e3"])
def test_a_price_that_is_not_whole_non_negative_yen_is_refused(value: Any) -> None:
    message = _invalid_message(validators.odpo_price_jpy, value)
    assert message.startswith("価格は0以上の整数（円）で入力してください")


@pytest.mark.usefixtures("japanese")
@pytest.mark.parametrize("vocabulary", ["price_periods", "delivery_methods"])
def test_price_plan_choices(vocabulary: str) -> None:
    validator = validators.odpo_one_of(vocabulary)
    for value in vocab.values_of(vocab.VOCABULARIES[vocabulary]):
        assert validator(value, {}) == value
    message = _invalid_message(validator, "weekly")
    assert message.startswith("「weekly」は選べません。次のいずれかを指定してください")


@pytest.mark.usefixtures("japanese")
def test_the_choice_message_lists_values_and_labels() -> None:
    message = _invalid_message(validators.odpo_one_of("price_periods"), "daily")
    assert "one-off（一括（買い切り））、monthly（月額）、yearly（年額）" in message


@pytest.mark.usefixtures("japanese")
def test_a_required_sub_field_says_so() -> None:
    key = ("price_plans", 0, "name")
    errors: dict[Any, list[str]] = {key: []}
    with pytest.raises(tk.StopOnError):
        validators.odpo_required(key, {key: ""}, errors, {})
    assert errors[key] == ["この項目は必須です。入力するか選択してください。"]


# --- other fields -----------------------------------------------------------------------


@pytest.mark.usefixtures("japanese")
def test_themes_are_stored_in_vocabulary_order() -> None:
    validator = validators.odpo_many_of("themes")
    assert json.loads(validator(["weather", "transport"], {})) == ["transport", "weather"]
    assert json.loads(validator("transport", {})) == ["transport"]
    message = _invalid_message(validator, ["transport", "sports"])
    assert message.startswith("「sports」は選べません")


def test_a_stored_list_is_shown_as_a_list() -> None:
    assert validators.odpo_text_list_output('["transport"]', {}) == ["transport"]
    assert validators.odpo_text_list_output(["a"], {}) == ["a"]
    assert validators.odpo_text_list_output("271004", {}) == ["271004"]
    assert validators.odpo_text_list_output("", {}) == []


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("2025-04-01", "2025-04-01"),
        ("2025/4/1", "2025-04-01"),
        ("2025-04-01T09:30:00", "2025-04-01"),
        (datetime.date(2025, 4, 1), "2025-04-01"),
        (datetime.datetime(2025, 4, 1, 9, 30), "2025-04-01"),
    ],
)
def test_dates_are_stored_as_iso_dates(value: Any, stored: str) -> None:
    assert validators.odpo_date(value, {}) == stored


@pytest.mark.usefixtures("japanese")
@pytest.mark.parametrize("value", ["2025-02-30", "令和7年4月1日", "04/01/2025", "2025"])
def test_an_unreadable_date_is_refused(value: str) -> None:
    message = _invalid_message(validators.odpo_date, value)
    assert "「2025-04-01」のように年-月-日の形式で入力してください" in message


@pytest.mark.usefixtures("japanese")
def test_the_last_data_update_is_not_in_the_future() -> None:
    next_week = (datetime.date.today() + datetime.timedelta(days=7)).isoformat()
    message = _invalid_message(validators.odpo_not_future, next_week)
    assert message.startswith(f"未来の日付（{next_week}）は指定できません")
    today = datetime.date.today().isoformat()
    assert validators.odpo_not_future(today, {}) == today


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("UTF-8", "UTF-8"),
        ("utf8", "UTF-8"),
        ("UTF-8 (BOM)", "UTF-8 (BOM)"),
        ("utf-8-sig", "UTF-8 (BOM)"),
        ("sjis", "Shift_JIS"),
        ("Shift-JIS", "Shift_JIS"),
        ("Windows-31J", "CP932"),
        ("euc-jp", "EUC-JP"),
        ("その他", "other"),
    ],
)
def test_encodings_are_stored_by_their_vocabulary_value(value: str, stored: str) -> None:
    assert validators.odpo_encoding(value, {}) == stored


@pytest.mark.usefixtures("japanese")
def test_an_unknown_encoding_is_refused() -> None:
    message = _invalid_message(validators.odpo_encoding, "ISO-2022-JP")
    assert "「ISO-2022-JP」は選べません" in message and "CP932" in message


@pytest.mark.parametrize(("value", "stored"), [("13", "13"), ("5", "05"), ("０８", "08")])
def test_standard_dataset_numbers_are_two_digits(value: str, stored: str) -> None:
    assert validators.odpo_standard_dataset(value, {}) == stored


@pytest.mark.usefixtures("japanese")
@pytest.mark.parametrize("value", ["18", "21", "32", "00", "公衆トイレ"])
def test_numbers_outside_the_standard_are_refused(value: str) -> None:
    message = _invalid_message(validators.odpo_standard_dataset, value)
    assert "01〜17、22〜31の2桁で指定してください" in message


@pytest.mark.usefixtures("japanese")
def test_personal_data_is_refused() -> None:
    message = _invalid_message(validators.odpo_personal_data_class, "personal")
    assert message.startswith("ODPOには個人情報を含むデータを掲載できません")
    assert validators.odpo_personal_data_class("anonymised", {}) == "anonymised"


@pytest.mark.usefixtures("japanese")
@pytest.mark.parametrize("value", ["opendata", "a@b", "a b@example.jp", "@example.jp"])
def test_a_malformed_email_is_refused(value: str) -> None:
    message = _invalid_message(validators.odpo_email, value)
    assert "メールアドレスの形式が正しくありません" in message


@pytest.mark.usefixtures("japanese")
@pytest.mark.parametrize("value", ["www.example.jp", "ftp://example.jp/", "https://"])
def test_a_url_without_http_is_refused(value: str) -> None:
    assert "http:// または https://" in _invalid_message(validators.odpo_url, value)


@pytest.mark.parametrize(("value", "size"), [(0, 0), ("2048", 2048), ("1,048,576", 1048576)])
def test_resource_sizes_are_bytes(value: Any, size: int) -> None:
    assert validators.odpo_resource_size(value, {}) == size


@pytest.mark.usefixtures("japanese")
def test_a_negative_size_is_refused() -> None:
    message = _invalid_message(validators.odpo_resource_size, -5)
    assert message.startswith("サイズはバイト数を0以上の整数で入力してください")


# --- vocabularies ----------------------------------------------------------------------


def test_every_update_frequency_maps_to_an_eu_frequency() -> None:
    values = vocab.values_of(vocab.UPDATE_FREQUENCIES)
    assert set(vocab.UPDATE_FREQUENCY_DCAT) == set(values)
    assert vocab.UPDATE_FREQUENCY_DCAT["daily"] == (
        "http://publications.europa.eu/resource/authority/frequency/DAILY"
    )
    assert vocab.UPDATE_FREQUENCY_DCAT["irregular"].endswith("/IRREG")
    assert vocab.UPDATE_FREQUENCY_DCAT["continuous"].endswith("/CONT")


@pytest.mark.parametrize(
    ("text", "frequency"),
    [("月次", "monthly"), ("毎月", "monthly"), ("年1回", "annual"), ("随時", "continuous"),
     ("MONTHLY", "monthly"), ("weekly", "weekly"), ("四半期毎", "quarterly"), ("未定", None)],
)
def test_japanese_frequency_wording_is_recognised(text: str, frequency: str | None) -> None:
    assert vocab.update_frequency_for(text) == frequency


def test_themes_have_unique_ids_and_eu_data_themes() -> None:
    values = vocab.values_of(vocab.THEMES)
    assert 15 <= len(values) == len(set(values))
    assert set(vocab.THEME_EU_DATA_THEME) == set(values)
    assert vocab.labels_of(vocab.THEMES)["disaster_prevention"] == "防災・安全"


def test_the_standard_datasets_are_01_to_17_and_22_to_31() -> None:
    numbers = [int(value) for value in vocab.values_of(vocab.STANDARD_DATASETS)]
    assert numbers == [*range(1, 18), *range(22, 32)]
    assert vocab.labels_of(vocab.STANDARD_DATASETS)["01"] == "公共施設一覧"
    assert vocab.labels_of(vocab.STANDARD_DATASETS)["29"] == "赤ちゃんの駅一覧"


def test_every_encoding_but_other_has_a_python_codec() -> None:
    import codecs

    for value in vocab.values_of(vocab.ENCODINGS):
        if value != "other":
            codecs.lookup(vocab.ENCODING_CODECS[value])
