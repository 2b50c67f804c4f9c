"""Controlled vocabularies of the ODPO metadata schema.

Every vocabulary is a tuple of :class:`Term` (stored value, Japanese and
English label). ``schemas/dataset.yaml`` and ``schemas/organization.yaml``
repeat the same values as scheming ``choices`` (YAML cannot import Python);
the schema tests fail when the two disagree.

Mappings to outside vocabularies live here too, so the DCAT profile and the
harvesters translate through one table:

- :data:`UPDATE_FREQUENCY_DCAT`: update frequency -> EU frequency authority
  (``dct:accrualPeriodicity``);
- :data:`THEME_EU_DATA_THEME`: ODPO theme -> EU data theme (``dcat:theme``);
- :data:`ENCODING_CODECS`: resource encoding -> Python codec name.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """One value of a controlled vocabulary and its labels."""

    value: str
    ja: str
    en: str

    def label(self) -> dict[str, str]:
        """The ``{ja: ..., en: ...}`` label ckanext-scheming shows."""
        return {"ja": self.ja, "en": self.en}


def values_of(terms: Iterable[Term]) -> tuple[str, ...]:
    return tuple(term.value for term in terms)


def labels_of(terms: Iterable[Term]) -> dict[str, str]:
    """Japanese label of each value."""
    return {term.value: term.ja for term in terms}


def scheming_choices(terms: Iterable[Term]) -> list[dict[str, object]]:
    """The vocabulary as ckanext-scheming ``choices``."""
    return [{"value": term.value, "label": term.label()} for term in terms]


# --- datasets -----------------------------------------------------------------

ACCESS_TIERS = (
    Term("open", "オープン（誰でも利用可）", "Open (anyone)"),
    Term("registered", "登録利用者限定", "Registered users"),
    Term("restricted", "限定公開（提供者の承認が必要）", "Restricted (provider approval)"),
    Term("paid", "有償", "Paid"),
)
OPEN_TIER = "open"
REGISTERED_TIER = "registered"
RESTRICTED_TIER = "restricted"
PAID_TIER = "paid"
#: Tiers whose data is handed out under an individual agreement.
AGREEMENT_TIERS = frozenset({RESTRICTED_TIER, PAID_TIER})

#: The licence each agreement tier is published under, by canonical id of
#: the harmonised register (ckanext/odpo/licences/register.yaml).
TIER_LICENCE_IDS = {RESTRICTED_TIER: "odpo-restricted", PAID_TIER: "odpo-paid"}

UPDATE_FREQUENCIES = (
    Term("daily", "毎日", "Daily"),
    Term("weekly", "毎週", "Weekly"),
    Term("monthly", "毎月", "Monthly"),
    Term("quarterly", "四半期ごと", "Quarterly"),
    Term("semiannual", "半年ごと", "Twice a year"),
    Term("annual", "毎年", "Annual"),
    Term("irregular", "不定期", "Irregular"),
    Term("continuous", "随時（リアルタイム）", "Continuous"),
)

EU_FREQUENCY_BASE = "http://publications.europa.eu/resource/authority/frequency/"

#: update frequency -> EU frequency authority URI (dct:accrualPeriodicity)
UPDATE_FREQUENCY_DCAT: dict[str, str] = {
    "daily": EU_FREQUENCY_BASE + "DAILY",
    "weekly": EU_FREQUENCY_BASE + "WEEKLY",
    "monthly": EU_FREQUENCY_BASE + "MONTHLY",
    "quarterly": EU_FREQUENCY_BASE + "QUARTERLY",
    "semiannual": EU_FREQUENCY_BASE + "ANNUAL_2",
    "annual": EU_FREQUENCY_BASE + "ANNUAL",
    "irregular": EU_FREQUENCY_BASE + "IRREG",
    "continuous": EU_FREQUENCY_BASE + "CONT",
}

#: How Japanese catalogues (BODIK's 更新頻度, municipal sites) write frequencies.
UPDATE_FREQUENCY_ALIASES: dict[str, str] = {
    "毎日": "daily",
    "日次": "daily",
    "毎週": "weekly",
    "週次": "weekly",
    "毎月": "monthly",
    "月次": "monthly",
    "月1回": "monthly",
    "四半期": "quarterly",
    "四半期ごと": "quarterly",
    "四半期毎": "quarterly",
    "半年": "semiannual",
    "半年ごと": "semiannual",
    "半年毎": "semiannual",
    "年2回": "semiannual",
    "毎年": "annual",
    "年次": "annual",
    "年1回": "annual",
    "毎年度": "annual",
    "不定期": "irregular",
    "随時": "continuous",
    "リアルタイム": "continuous",
    "常時": "continuous",
}


def update_frequency_for(text: str) -> str | None:
    """The ODPO update frequency a catalogue's wording denotes, if any
    (``"月次"`` -> ``"monthly"``, ``"MONTHLY"`` -> ``"monthly"``)."""
    cleaned = "".join(text.split())
    if cleaned.lower() in UPDATE_FREQUENCY_DCAT:
        return cleaned.lower()
    for value, uri in UPDATE_FREQUENCY_DCAT.items():
        if cleaned == uri or cleaned.upper() == uri.rsplit("/", 1)[1]:
            return value
    return UPDATE_FREQUENCY_ALIASES.get(cleaned)


THEMES = (
    Term("administration", "行政・財政", "Administration and finance"),
    Term("population", "人口・世帯", "Population and households"),
    Term("disaster_prevention", "防災・安全", "Disaster prevention and safety"),
    Term("health_welfare", "健康・福祉", "Health and welfare"),
    Term("childcare_education", "子育て・教育", "Childcare and education"),
    Term("tourism_culture", "観光・文化", "Tourism and culture"),
    Term("transport", "交通", "Transport"),
    Term("environment", "環境", "Environment"),
    Term("industry_economy", "産業・経済", "Industry and economy"),
    Term("infrastructure", "都市基盤・インフラ", "Urban infrastructure"),
    Term("weather", "気象", "Weather"),
    Term("public_facilities", "公共施設", "Public facilities"),
    Term("daily_life", "くらし・生活", "Daily life"),
    Term("employment", "雇用・労働", "Employment and labour"),
    Term("agriculture", "農林水産", "Agriculture, forestry and fisheries"),
    Term("housing_land", "住宅・土地", "Housing and land"),
)

EU_DATA_THEME_BASE = "http://publications.europa.eu/resource/authority/data-theme/"

#: ODPO theme -> EU data theme URI (dcat:theme), the closest of the 13.
THEME_EU_DATA_THEME: dict[str, str] = {
    "administration": EU_DATA_THEME_BASE + "GOVE",
    "population": EU_DATA_THEME_BASE + "SOCI",
    "disaster_prevention": EU_DATA_THEME_BASE + "JUST",
    "health_welfare": EU_DATA_THEME_BASE + "HEAL",
    "childcare_education": EU_DATA_THEME_BASE + "EDUC",
    "tourism_culture": EU_DATA_THEME_BASE + "EDUC",
    "transport": EU_DATA_THEME_BASE + "TRAN",
    "environment": EU_DATA_THEME_BASE + "ENVI",
    "industry_economy": EU_DATA_THEME_BASE + "ECON",
    "infrastructure": EU_DATA_THEME_BASE + "REGI",
    "weather": EU_DATA_THEME_BASE + "ENVI",
    "public_facilities": EU_DATA_THEME_BASE + "GOVE",
    "daily_life": EU_DATA_THEME_BASE + "SOCI",
    "employment": EU_DATA_THEME_BASE + "ECON",
    "agriculture": EU_DATA_THEME_BASE + "AGRI",
    "housing_land": EU_DATA_THEME_BASE + "REGI",
}

#: 自治体標準オープンデータセット (Digital Agency): number -> item. Numbers
#: 18 to 21 are not used by the standard.
STANDARD_DATASETS = (
    Term("01", "公共施設一覧", "Public facilities"),
    Term("02", "文化財一覧", "Cultural properties"),
    Term("03", "指定緊急避難場所一覧", "Designated emergency evacuation sites"),
    Term("04", "地域・年齢別人口", "Population by area and age"),
    Term("05", "子育て施設一覧", "Childcare facilities"),
    Term("06", "オープンデータ一覧", "Open data list"),
    Term("07", "公衆無線LANアクセスポイント一覧", "Public wireless LAN access points"),
    Term("08", "AED設置箇所一覧", "AED locations"),
    Term("09", "介護サービス事業所一覧", "Long-term care service providers"),
    Term("10", "医療機関一覧", "Medical institutions"),
    Term("11", "観光施設一覧", "Tourist facilities"),
    Term("12", "イベント一覧", "Events"),
    Term("13", "公衆トイレ一覧", "Public toilets"),
    Term("14", "消防水利施設一覧", "Fire-fighting water sources"),
    Term("15", "食品等営業許可・届出一覧", "Food business permits and notifications"),
    Term("16", "学校給食献立情報", "School lunch menus"),
    Term("17", "小中学校通学区域情報", "School districts"),
    Term("22", "支援制度情報", "Support programmes"),
    Term("23", "防災行政無線情報", "Disaster-prevention radio"),
    Term("24", "教育機関一覧", "Educational institutions"),
    Term("25", "公営駐車場情報", "Public car parks"),
    Term("26", "公営駐輪場情報", "Public bicycle parking"),
    Term("27", "投票所一覧", "Polling places"),
    Term("28", "ゴミ分別辞典", "Waste sorting guide"),
    Term("29", "赤ちゃんの駅一覧", "Baby stations"),
    Term("30", "ゴミ集積場所一覧", "Waste collection points"),
    Term("31", "観光ポイント一覧", "Tourist spots"),
)

PERSONAL_DATA_CLASSES = (
    Term("none", "個人に関する情報を含まない", "No personal data"),
    Term("anonymised", "匿名加工・統計処理済み", "Anonymised or aggregated"),
    Term("personal", "個人情報を含む（掲載不可）", "Personal data (not accepted)"),
)
#: ODPO carries no personal data (ORDEN governance): this class is refused.
PERSONAL_DATA = "personal"

SECONDARY_DISTRIBUTION = (
    Term("allowed", "許可", "Allowed"),
    Term("prohibited", "禁止", "Prohibited"),
)
DISTRIBUTION_ALLOWED = "allowed"
DISTRIBUTION_PROHIBITED = "prohibited"

PRICE_PERIODS = (
    Term("one-off", "一括（買い切り）", "One-off"),
    Term("monthly", "月額", "Monthly"),
    Term("yearly", "年額", "Yearly"),
)

DELIVERY_METHODS = (
    Term("file", "ファイル", "File"),
    Term("api", "API", "API"),
)

# --- resources -----------------------------------------------------------------

ENCODINGS = (
    Term("UTF-8", "UTF-8", "UTF-8"),
    Term("UTF-8 (BOM)", "UTF-8（BOM付き）", "UTF-8 with BOM"),
    Term("Shift_JIS", "Shift_JIS", "Shift_JIS"),
    Term("CP932", "CP932（Windows-31J）", "CP932 (Windows-31J)"),
    Term("EUC-JP", "EUC-JP", "EUC-JP"),
    Term("other", "その他", "Other"),
)

#: resource encoding -> Python codec (``other`` has none)
ENCODING_CODECS: dict[str, str] = {
    "UTF-8": "utf-8",
    "UTF-8 (BOM)": "utf-8-sig",
    "Shift_JIS": "shift_jis",
    "CP932": "cp932",
    "EUC-JP": "euc_jp",
}

#: Spellings seen in catalogues, lower case and without spaces, hyphens and
#: underscores -> encoding value.
ENCODING_ALIASES: dict[str, str] = {
    "utf8": "UTF-8",
    "utf8bom": "UTF-8 (BOM)",
    "utf8(bom)": "UTF-8 (BOM)",
    "utf8sig": "UTF-8 (BOM)",
    "utf8withbom": "UTF-8 (BOM)",
    "utf8bom付き": "UTF-8 (BOM)",
    "utf8(bom付き)": "UTF-8 (BOM)",
    "shiftjis": "Shift_JIS",
    "sjis": "Shift_JIS",
    "cp932": "CP932",
    "windows31j": "CP932",
    "ms932": "CP932",
    "eucjp": "EUC-JP",
    "other": "other",
    "その他": "other",
}


def encoding_for(text: str) -> str | None:
    """The encoding value a spelling denotes (``"sjis"`` -> ``"Shift_JIS"``)."""
    key = "".join(text.split()).replace("-", "").replace("_", "").lower()
    key = key.replace("（", "(").replace("）", ")")
    return ENCODING_ALIASES.get(key)


# --- organisations ----------------------------------------------------------------

PROVIDER_TYPES = (
    Term("prefecture", "都道府県", "Prefecture"),
    Term("municipality", "市区町村", "Municipality"),
    Term("other_public", "その他公的機関", "Other public body"),
    Term("company", "民間企業", "Company"),
    Term("university", "大学・研究機関", "University or research institute"),
)
PREFECTURE_PROVIDER = "prefecture"
MUNICIPALITY_PROVIDER = "municipality"
#: Provider types identified by their own 全国地方公共団体コード.
LOCAL_GOVERNMENT_PROVIDER_TYPES = frozenset({PREFECTURE_PROVIDER, MUNICIPALITY_PROVIDER})

#: Every vocabulary by the name validators refer to it with
#: (``odpo_one_of(access_tiers)`` in the schema YAML).
VOCABULARIES: Mapping[str, tuple[Term, ...]] = {
    "access_tiers": ACCESS_TIERS,
    "update_frequencies": UPDATE_FREQUENCIES,
    "themes": THEMES,
    "standard_datasets": STANDARD_DATASETS,
    "personal_data_classes": PERSONAL_DATA_CLASSES,
    "secondary_distribution": SECONDARY_DISTRIBUTION,
    "price_periods": PRICE_PERIODS,
    "delivery_methods": DELIVERY_METHODS,
    "encodings": ENCODINGS,
    "provider_types": PROVIDER_TYPES,
}
