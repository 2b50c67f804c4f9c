"""A deterministic synthetic catalogue modelled on Osaka open data.

Shared by the benchmarks: ``SyntheticCatalogue(seed).package(i)`` is the
``package_show`` dictionary of dataset ``i`` and ``index_document(i)`` the
search-index document CKAN's ``PackageSearchIndex.index_package`` builds from
it (CKAN 2.12). Dataset ``i`` depends only on the seed and ``i``, so the first
10,000 datasets of the 100,000 are the 10,000 of the smaller run.

The catalogue has about 100 organisations (大阪府, the 43 municipalities of the
prefecture and fictional companies), a vocabulary of about 200 tags used with a
Zipf-like distribution, 1-6 resources per dataset (CSV, XLSX, JSON, PDF, API),
and a mix of public, private and draft datasets with CKAN's permission labels.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import itertools
import json
import random
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from ckanext.odpo.municipality import municipality_check_digit

NAMESPACE = uuid.UUID("6f3c1d52-8a4e-4f0b-9d7e-0b1e2a5c9e11")
EPOCH = dt.datetime(2019, 4, 1)
CATALOGUE_DAYS = 6 * 365

# -- organisations -------------------------------------------------------------

#: (slug, title, 全国地方公共団体コード without check digit, relative size)
PUBLIC_BODIES: tuple[tuple[str, str, str, int], ...] = (
    ("osaka-pref", "大阪府", "27000", 220), ("osaka-city", "大阪市", "27100", 160),
    ("sakai-city", "堺市", "27140", 70), ("kishiwada-city", "岸和田市", "27202", 18),
    ("toyonaka-city", "豊中市", "27203", 30), ("ikeda-city", "池田市", "27204", 10),
    ("suita-city", "吹田市", "27205", 32), ("izumiotsu-city", "泉大津市", "27206", 8),
    ("takatsuki-city", "高槻市", "27207", 28), ("kaizuka-city", "貝塚市", "27208", 8),
    ("moriguchi-city", "守口市", "27209", 10), ("hirakata-city", "枚方市", "27210", 30),
    ("ibaraki-city", "茨木市", "27211", 22), ("yao-city", "八尾市", "27212", 20),
    ("izumisano-city", "泉佐野市", "27213", 12), ("tondabayashi-city", "富田林市", "27214", 10),
    ("neyagawa-city", "寝屋川市", "27215", 18), ("kawachinagano-city", "河内長野市", "27216", 8),
    ("matsubara-city", "松原市", "27217", 8), ("daito-city", "大東市", "27218", 10),
    ("izumi-city", "和泉市", "27219", 12), ("minoh-city", "箕面市", "27220", 14),
    ("kashiwara-city", "柏原市", "27221", 6), ("habikino-city", "羽曳野市", "27222", 8),
    ("kadoma-city", "門真市", "27223", 10), ("settsu-city", "摂津市", "27224", 8),
    ("takaishi-city", "高石市", "27225", 5), ("fujiidera-city", "藤井寺市", "27226", 5),
    ("higashiosaka-city", "東大阪市", "27227", 30), ("sennan-city", "泉南市", "27228", 5),
    ("shijonawate-city", "四條畷市", "27229", 5), ("katano-city", "交野市", "27230", 6),
    ("osakasayama-city", "大阪狭山市", "27231", 5), ("hannan-city", "阪南市", "27232", 4),
    ("shimamoto-town", "島本町", "27301", 3), ("toyono-town", "豊能町", "27321", 2),
    ("nose-town", "能勢町", "27322", 2), ("tadaoka-town", "忠岡町", "27341", 2),
    ("kumatori-town", "熊取町", "27361", 3), ("tajiri-town", "田尻町", "27362", 2),
    ("misaki-town", "岬町", "27366", 2), ("taishi-town", "太子町", "27381", 2),
    ("kanan-town", "河南町", "27382", 2), ("chihayaakasaka-village", "千早赤阪村", "27383", 2),
)

COMPANY_PLACES: tuple[tuple[str, str], ...] = (
    ("naniwa", "なにわ"), ("yodogawa", "淀川"), ("midosuji", "御堂筋"), ("tenma", "天満"),
    ("namba", "難波"), ("umeda", "梅田"), ("senri", "千里"), ("senshu", "泉州"),
    ("kawachi", "河内"), ("hokusetsu", "北摂"), ("nanko", "南港"), ("nakanoshima", "中之島"),
    ("tennoji", "天王寺"), ("dojima", "堂島"),
)
COMPANY_TRADES: tuple[tuple[str, str], ...] = (
    ("mobility", "モビリティ株式会社"), ("realestate", "不動産株式会社"),
    ("energy", "エネルギー株式会社"), ("logistics", "物流株式会社"),
    ("tourism", "観光データ株式会社"), ("weather", "気象サービス株式会社"),
    ("health", "ヘルスケア研究所"), ("retail", "リテール株式会社"),
)
COMPANY_COUNT = 56

# -- themes ----------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Theme:
    """A kind of dataset: its title, English name, core tags and first sentence."""

    key: str
    title: str
    english: str
    tags: tuple[str, ...]
    sentence: str
    style: str = "list"  # list | statistics | monthly | realtime | document
    public: bool = True


def _theme(key: str, title: str, english: str, tags: str, sentence: str,
           style: str = "list", public: bool = True) -> Theme:
    return Theme(key, title, english, tuple(tags.split()), sentence, style, public)


THEMES: tuple[Theme, ...] = (
    _theme("public-toilet", "公衆トイレ一覧", "Public toilets", "公衆トイレ トイレ 観光",
           "{body}が管理する公衆トイレの名称、所在地、緯度経度、利用可能時間、"
           "多機能トイレの有無をまとめた一覧です。"),
    _theme("aed", "AED設置箇所一覧", "AED locations", "AED 防災 医療",
           "{body}内の公共施設等に設置されたAED（自動体外式除細動器）"
           "の設置場所と利用可能時間を掲載しています。"),
    _theme("evacuation-space", "指定緊急避難場所一覧", "Designated emergency evacuation sites",
           "防災 避難場所 災害",
           "災害対策基本法に基づき{body}が指定した緊急避難場所の一覧です。洪水、土砂災害、地震、"
           "津波などの災害種別ごとの対応可否を含みます。"),
    _theme("shelter", "指定避難所一覧", "Designated shelters", "防災 避難所 災害",
           "{body}が指定する避難所の名称、所在地、収容人数、"
           "バリアフリー対応の状況をまとめています。"),
    _theme("public-facility", "公共施設一覧", "Public facilities", "公共施設 施設",
           "{body}が所有・管理する公共施設の名称、種別、所在地、連絡先をまとめています。"),
    _theme("childcare", "子育て施設一覧", "Childcare facilities", "子育て 保育 施設",
           "{body}内の保育所、認定こども園、"
           "地域子育て支援拠点など子育て施設の所在地と定員を掲載しています。"),
    _theme("nursery-vacancy", "保育所等入所待ち状況", "Nursery school vacancies",
           "子育て 保育 待機児童",
           "{body}の保育所等の年齢別の入所待ち児童数と空き状況です。", "monthly"),
    _theme("medical", "医療機関一覧", "Medical institutions", "医療 病院 健康",
           "{body}内の病院、診療所、歯科診療所の名称、診療科目、所在地を掲載しています。"),
    _theme("care-service", "介護サービス事業所一覧", "Long-term care providers", "介護 福祉 高齢者",
           "{body}内の介護サービス事業所の名称、サービス種別、所在地、定員をまとめています。"),
    _theme("cultural-property", "指定文化財一覧", "Designated cultural properties",
           "文化財 歴史 観光",
           "{body}の指定・登録文化財の名称、種別、所在地、指定年月日を掲載しています。"),
    _theme("tourist-spot", "観光施設一覧", "Tourist attractions", "観光 インバウンド 施設",
           "{body}の主な観光施設の名称、概要、所在地、営業時間を多言語で掲載しています。"),
    _theme("event", "イベント一覧", "Events", "イベント 観光 文化",
           "{body}が主催・共催するイベントの名称、開催日時、会場、対象者の一覧です。", "monthly"),
    _theme("wifi", "公衆無線LANアクセスポイント一覧", "Public Wi-Fi access points",
           "Wi-Fi 観光 通信",
           "{body}が提供する公衆無線LAN（Wi-Fi）のアクセスポイントの設置場所とSSIDです。"),
    _theme("fire-water", "消防水利施設一覧", "Fire hydrants and water tanks", "消防 防災 水利",
           "{body}内の消火栓、防火水槽などの消防水利施設の位置を掲載しています。"),
    _theme("food-permit", "食品等営業許可・届出一覧", "Food business permits", "食品 衛生 飲食店",
           "{body}が許可した食品等の営業施設の名称、所在地、業種、許可期限をまとめています。"
           "monthly"),
    _theme("school-lunch", "学校給食献立情報", "School lunch menus", "学校 給食 食育 子ども",
           "{body}立小学校・中学校の学校給食の献立、使用食材、栄養価を月ごとに公開しています。"
           "monthly"),
    _theme("school-district", "小中学校通学区域情報", "School districts", "学校 教育 通学区域",
           "{body}立小学校・中学校の通学区域を町丁目単位で示したデータです。"),
    _theme("population", "地域・年齢別人口", "Population by area and age", "人口 統計 年齢",
           "{body}の町丁目別、年齢別（5歳階級）の住民基本台帳人口です。", "statistics"),
    _theme("vital-statistics", "人口動態統計", "Vital statistics", "人口 統計 出生 死亡",
           "{body}の出生、死亡、転入、転出の件数を月別に集計した人口動態統計です。", "statistics"),
    _theme("households", "世帯数の推移", "Number of households", "世帯 人口 統計",
           "{body}の世帯数と一世帯当たり人員の推移をまとめた統計表です。", "statistics"),
    _theme("air-quality", "大気環境観測データ", "Air quality monitoring", "大気 環境 観測",
           "{body}の大気汚染常時監視測定局で観測した二酸化窒素、光化学オキシダント、"
           "PM2.5の時間値です。", "realtime"),
    _theme("river-water", "河川水質調査結果", "River water quality surveys", "水質 環境 河川",
           "{body}内の河川で実施した水質調査（BOD、COD、SS、大腸菌数など）の結果です。"
           "statistics"),
    _theme("noise", "騒音・振動測定結果", "Noise and vibration measurements", "騒音 環境 道路",
           "{body}が実施した道路交通騒音と振動の測定結果を地点別にまとめています。", "statistics"),
    _theme("waste-amount", "ごみ収集量", "Waste collection amounts", "ごみ リサイクル 環境",
           "{body}が収集した家庭ごみ、粗大ごみ、資源ごみの量を月別に集計しています。"
           "statistics"),
    _theme("waste-sorting", "ごみ分別辞典", "Waste sorting dictionary", "ごみ 分別 リサイクル",
           "{body}のごみの品目ごとの分別区分と出し方をまとめた辞典です。"),
    _theme("parking", "公営駐車場情報", "Public car parks", "駐車場 交通",
           "{body}が管理する公営駐車場の所在地、収容台数、料金、営業時間です。"),
    _theme("bicycle-parking", "公営駐輪場情報", "Public bicycle parking", "自転車 駐輪場 交通",
           "{body}が管理する駐輪場の所在地、収容台数、利用料金をまとめています。"),
    _theme("bicycle-removal", "放置自転車撤去台数", "Abandoned bicycle removals",
           "自転車 交通 安全",
           "{body}が駅周辺で撤去した放置自転車の台数を地区別、月別に集計しています。"
           "statistics"),
    _theme("traffic-accident", "交通事故発生状況", "Traffic accidents", "交通事故 安全 交通",
           "{body}内で発生した人身交通事故の件数、死傷者数を町丁目別に集計しています。"
           "statistics"),
    _theme("crime", "街頭犯罪発生状況", "Street crime", "防犯 安全 犯罪",
           "{body}内で発生したひったくり、自転車盗などの街頭犯罪の件数を地域別に掲載しています。"
           "statistics"),
    _theme("fire", "火災発生状況", "Fires", "消防 火災 防災",
           "{body}の火災の発生件数、原因、損害額を年別に集計しています。", "statistics"),
    _theme("ambulance", "救急出動件数", "Ambulance dispatches", "救急 消防 医療",
           "{body}の救急出動件数と搬送人員を月別、事故種別ごとに集計しています。", "statistics"),
    _theme("polling-station", "投票所一覧", "Polling stations", "選挙 投票所",
           "{body}の選挙の投票所と期日前投票所の名称、所在地、投票時間です。"),
    _theme("election", "選挙結果", "Election results", "選挙 行政",
           "{body}で執行された選挙の投票率と候補者別の得票数です。", "statistics"),
    _theme("budget", "予算書", "Budget", "財政 予算 行政",
           "{body}の一般会計・特別会計の当初予算と補正予算の内訳です。", "document"),
    _theme("settlement", "決算書", "Financial statements", "財政 決算 行政",
           "{body}の一般会計・特別会計の歳入歳出決算の内訳です。", "document"),
    _theme("tender", "入札結果", "Procurement results", "入札 契約 行政",
           "{body}が実施した工事・委託の入札結果（落札者、落札金額）です。", "monthly"),
    _theme("park", "公園一覧", "Parks", "公園 施設 緑化",
           "{body}が管理する公園の名称、所在地、面積、遊具やトイレの有無です。"),
    _theme("library", "図書館蔵書・貸出統計", "Library statistics", "図書館 教育 文化",
           "{body}立図書館の蔵書数、貸出冊数、利用者数を館別にまとめています。", "statistics"),
    _theme("public-housing", "公営住宅一覧", "Public housing", "住宅 福祉",
           "{body}が管理する公営住宅の団地名、所在地、戸数、建設年度です。"),
    _theme("road-works", "道路工事情報", "Road works", "道路 工事 交通",
           "{body}が管理する道路で予定されている工事の場所、期間、規制内容です。", "monthly"),
    _theme("bus-stop", "バス停留所一覧", "Bus stops", "バス 交通 GTFS",
           "{body}内のバス停留所の名称、位置、系統をGTFS形式でも提供しています。"),
    _theme("flood-risk", "洪水浸水想定区域", "Flood inundation zones",
           "浸水 洪水 防災 ハザードマップ",
           "{body}内の河川が氾濫した場合に想定される浸水の区域と深さを示したデータです。"),
    _theme("landslide", "土砂災害警戒区域", "Landslide warning zones",
           "土砂災害 防災 ハザードマップ",
           "{body}内の土砂災害警戒区域と特別警戒区域の範囲です。"),
    _theme("tsunami", "津波浸水想定", "Tsunami inundation", "津波 防災 南海トラフ",
           "南海トラフ巨大地震で想定される{body}内の津波浸水の範囲と到達時間です。"),
    _theme("land-price", "地価調査結果", "Land prices", "地価 不動産 統計",
           "{body}内の基準地の価格と対前年変動率をまとめています。", "statistics"),
    _theme("tourist-count", "観光入込客数", "Tourist arrivals", "観光 インバウンド 統計",
           "{body}の主要観光地の観光入込客数を月別、国籍別に集計しています。", "statistics"),
    _theme("expo", "大阪・関西万博関連施設情報", "Expo 2025 related facilities",
           "万博 観光 イベント",
           "大阪・関西万博の開催に関連して{body}が整備した施設やアクセス情報をまとめています。"),
    # private sector (companies)
    _theme("people-flow", "人流データ", "People flow data", "人流 モビリティ 位置情報",
           "{body}が携帯端末の位置情報から推計したエリア別、時間帯別の滞在人口です。"
           "realtime", False),
    _theme("parking-occupancy", "駐車場満空情報", "Car park occupancy", "駐車場 リアルタイム 交通",
           "{body}が運営する駐車場の満空状況を5分ごとに配信します。", "realtime", False),
    _theme("bike-share", "シェアサイクル利用実績", "Bike sharing trips",
           "自転車 モビリティ シェアサイクル",
           "{body}のシェアサイクルのポート別の貸出・返却件数です。", "statistics", False),
    _theme("power-demand", "地区別電力使用量", "Electricity demand by district",
           "電力 エネルギー 統計",
           "{body}が集計した地区別、時間帯別の電力使用量です。", "statistics", False),
    _theme("store-visits", "店舗別来店者数", "Store visits", "小売 商業 POS",
           "{body}の店舗別、時間帯別の来店者数を匿名化して集計しています。", "statistics", False),
    _theme("rent", "賃貸物件賃料相場", "Rent levels", "不動産 住宅 地価",
           "{body}が集計した駅別、間取り別の賃貸物件の賃料相場です。", "statistics", False),
    _theme("weather-mesh", "気温・降水量メッシュ予測", "Gridded weather forecasts", "気象 予測 IoT",
           "{body}が提供する250mメッシュの気温・降水量の予測値です。", "realtime", False),
    _theme("traffic-volume", "道路交通量", "Road traffic volumes", "道路 交通 センサー",
           "{body}の感知器で計測した主要道路の断面交通量です。", "realtime", False),
    _theme("hotel-occupancy", "宿泊施設稼働率", "Hotel occupancy", "宿泊 観光 インバウンド",
           "{body}が集計したエリア別の宿泊施設の客室稼働率です。", "statistics", False),
    _theme("ev-charger", "EV充電スポット一覧", "EV charging spots",
           "電気自動車 エネルギー モビリティ",
           "{body}が運営するEV充電スポットの位置、出力、利用可能時間です。", "list", False),
)

#: General tags, most used first (the core tags of the themes come after them).
GENERAL_TAGS = (
    "オープンデータ 統計 施設 防災 位置情報 大阪府 観光 自治体標準ODS 地図 子育て 環境 交通 "
    "安全 福祉 教育 健康 行政 医療 災害 API リアルタイム 多言語 English 人口 高齢者 "
    "障がい者 都市計画 経済 産業 商業 農業 雇用 税金 水道 下水道 エネルギー 気象 "
    "スポーツ 文化 歴史 国際 外国人 2025 うめきた 御堂筋 大阪城 道頓堀 淀川 大和川 "
    "中之島 天王寺 咲洲 夢洲 関西国際空港 鉄道 地下鉄 タクシー 自動運転 スマートシティ "
    "データ連携 ORDEN IoT センサー 衛星 ドローン 3D都市モデル PLATEAU 防犯カメラ "
    "空き家 ふるさと納税 子ども食堂 妊娠出産 健診 予防接種 感染症 熱中症 花粉 "
    "農産物 漁業 林業 工場 中小企業 創業支援 補助金 助成金 求人 ハローワーク "
    "商店街 市場 小売 飲食店 宿泊 祭り だんじり 花火 桜の名所 紅葉 ハイキング 公衆衛生 "
    "動物 ペット 犬の登録 猫の譲渡 騒音 振動 悪臭 土壌 地下水 緑化 街路樹 河川 港湾 ため池 "
    "ダム 橋梁 トンネル 歩道 バリアフリー 点字ブロック エレベーター 授乳室 おむつ替え "
    "赤ちゃんの駅 児童館 放課後児童クラブ 学童保育 幼稚園 小学校 中学校 高校 大学 "
    "生涯学習 公民館 体育館 プール 運動場 ボランティア NPO 自治会 消防団 防災訓練"
)


def tag_vocabulary() -> tuple[str, ...]:
    """About 200 distinct tags: the general ones first, then the themes' own."""
    seen: dict[str, None] = {}
    for tag in GENERAL_TAGS.split():
        seen.setdefault(tag, None)
    for theme in THEMES:
        for tag in theme.tags:
            seen.setdefault(tag, None)
    return tuple(seen)


OSAKA_WARDS = (
    "北区", "都島区", "福島区", "此花区", "中央区", "西区", "港区", "大正区", "天王寺区",
    "浪速区", "西淀川区", "淀川区", "東淀川区", "東成区", "生野区", "旭区", "城東区", "鶴見区",
    "阿倍野区", "住之江区", "住吉区", "東住吉区", "平野区", "西成区",
)
AREAS = ("梅田", "難波", "天王寺", "京橋", "本町", "心斎橋", "新大阪", "弁天町", "堺東", "千里中央",
         "江坂", "枚方市駅", "高槻", "茨木", "布施", "なんば", "夢洲", "りんくうタウン")

SENTENCES = (
    "データは毎年4月1日時点の情報です。",
    "緯度経度は世界測地系（JGD2011）で記載しています。",
    "CSV形式の文字コードはUTF-8です。",
    "自治体標準オープンデータセットの項目定義に準拠しています。",
    "利用にあたっては出典を明記してください。",
    "個人情報に該当する項目は含みません。",
    "更新は原則として毎月上旬に行います。",
    "過去の年度のデータは関連データセットを参照してください。",
    "APIを利用するとJSON形式で取得できます。",
    "数値は速報値であり、確定値は後日公表します。",
    "施設の休止や廃止により内容が変わることがあります。",
    "地図上での表示にはGeoJSON形式のファイルをご利用ください。",
    "項目の定義はデータ項目定義書（PDF）をご覧ください。",
    "外国語版の施設名称は機械翻訳を含みます。",
    "データの二次利用は利用規約の範囲で自由に行えます。",
    "有償データの利用には別途契約が必要です。",
)

#: CKAN licence id -> (title, url, open?)
LICENCES: dict[str, tuple[str, str, bool]] = {
    "cc-by": ("Creative Commons Attribution", "http://www.opendefinition.org/licenses/cc-by", True),
    "cc-zero": ("Creative Commons CCZero", "http://www.opendefinition.org/licenses/cc-zero", True),
    "odc-odbl": ("Open Data Commons Open Database License (ODbL)",
                 "http://www.opendefinition.org/licenses/odc-odbl", True),
    "other-at": ("Other (Attribution)", "", True),
    "other-closed": ("Other (Not Open)", "", False),
}

#: format -> (extension, relative frequency, resource-name suffix)
FORMATS: dict[str, tuple[str, int, str]] = {
    "CSV": ("csv", 50, "（CSV）"),
    "XLSX": ("xlsx", 20, "（Excel）"),
    "JSON": ("json", 12, "（JSON）"),
    "PDF": ("pdf", 14, "（PDF）"),
    "API": ("", 4, "（API）"),
}

SECTIONS = ("情報政策課", "デジタル統括室", "データ推進課", "企画課")
UPDATE_FREQUENCIES = ("annual", "quarterly", "monthly", "irregular", "daily", "realtime")


@dataclasses.dataclass(frozen=True)
class Organisation:
    id: str
    name: str
    title: str
    description: str
    public: bool
    municipality_code: str | None
    weight: int
    created: str


@dataclasses.dataclass(frozen=True)
class User:
    id: str
    name: str


def stable_id(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(part) for part in parts)))


def build_organisations() -> tuple[Organisation, ...]:
    organisations = []
    for slug, title, body, weight in PUBLIC_BODIES:
        organisations.append(Organisation(
            id=stable_id("organization", slug), name=slug, title=title,
            description=f"{title}が公開するオープンデータです。施設情報、統計、子育て、防災などのデータを提供しています。",
            public=True, municipality_code=body + municipality_check_digit(body), weight=weight,
            created="2019-04-01T00:00:00"))
    combos = itertools.islice(itertools.product(COMPANY_TRADES, COMPANY_PLACES), COMPANY_COUNT)
    for index, ((trade_slug, trade), (place_slug, place)) in enumerate(combos):
        slug = f"{place_slug}-{trade_slug}"
        title = f"{place}{trade}"
        organisations.append(Organisation(
            id=stable_id("organization", slug), name=slug, title=title,
            description=f"{title}（ORDEN登録事業者）が提供するデータです。",
            public=False, municipality_code=None, weight=2 + (index * 7) % 9,
            created="2021-10-01T00:00:00"))
    return tuple(organisations)


class SyntheticCatalogue:
    """Dataset ``i`` of a seeded synthetic catalogue, as CKAN shows and indexes it."""

    def __init__(self, seed: int = 20251001, site_id: str = "odpo-bench",
                 users_per_organisation: int = 2) -> None:
        self.seed = seed
        self.site_id = site_id
        self.organisations = build_organisations()
        self.public_bodies = [org for org in self.organisations if org.public]
        self.companies = [org for org in self.organisations if not org.public]
        self.users = {
            org.id: tuple(User(stable_id("user", org.name, n), f"{org.name}-editor{n}")
                          for n in range(users_per_organisation))
            for org in self.organisations
        }
        self.tags = tag_vocabulary()
        self._tag_weights = list(itertools.accumulate(
            1.0 / (rank + 1) ** 1.07 for rank in range(len(self.tags))))
        self._public_weights = list(itertools.accumulate(org.weight for org in self.public_bodies))
        self._company_weights = list(itertools.accumulate(org.weight for org in self.companies))
        self._public_themes = [theme for theme in THEMES if theme.public]
        self._company_themes = [theme for theme in THEMES if not theme.public]
        formats = list(FORMATS)
        self._formats = formats
        self._format_weights = list(itertools.accumulate(FORMATS[f][1] for f in formats))

    # -- public interface ----------------------------------------------------

    def rng(self, index: int, purpose: str = "dataset") -> random.Random:
        return random.Random(f"{self.seed}:{purpose}:{index}")

    def package(self, index: int) -> dict[str, Any]:
        """The ``package_show`` dictionary of dataset ``index``."""
        return _PackageBuilder(self, index).build()

    def index_document(self, index: int) -> dict[str, Any]:
        """The index document CKAN builds for dataset ``index``."""
        return index_document(self.package(index), self.site_id)

    def index_documents(self, count: int, start: int = 0) -> Iterator[dict[str, Any]]:
        for index in range(start, start + count):
            yield self.index_document(index)

    def pick_tags(self, rng: random.Random, count: int) -> list[str]:
        return rng.choices(self.tags, cum_weights=self._tag_weights, k=count)

    def organisation_by_name(self, name: str) -> Organisation:
        return next(org for org in self.organisations if org.name == name)


class _PackageBuilder:
    """Builds one dataset; every random choice comes from the dataset's own RNG."""

    def __init__(self, catalogue: SyntheticCatalogue, index: int) -> None:
        self.c = catalogue
        self.index = index
        self.rng = catalogue.rng(index)
        self.id = stable_id("dataset", catalogue.seed, index)

    def build(self) -> dict[str, Any]:
        rng = self.rng
        company = rng.random() < 0.22
        org = self._organisation(company)
        theme = rng.choice(self.c._company_themes if company else self.c._public_themes)
        title, variant = self._title(org, theme)
        created = EPOCH + dt.timedelta(microseconds=rng.randrange(CATALOGUE_DAYS * 86400 * 10**6))
        age = dt.timedelta(microseconds=int(rng.expovariate(1 / (200 * 86400 * 10**6))))
        modified = min(created + age, EPOCH + dt.timedelta(days=CATALOGUE_DAYS))
        state, private, owned = self._visibility(company)
        creator = rng.choice(self.c.users[org.id])
        licence = self._licence(company, private)
        name = f"{org.name}-{theme.key}-{self.index:06d}"
        tags = self._tags(theme)
        resources = self._resources(theme, title, name, created, modified)
        extras = self._extras(org, theme, modified, private)
        licence_title, licence_url, is_open = LICENCES[licence]
        return {
            "author": None, "author_email": None,
            "creator_user_id": creator.id,
            "id": self.id,
            "isopen": is_open,
            "license_id": licence, "license_title": licence_title,
            **({"license_url": licence_url} if licence_url else {}),
            "maintainer": f"{org.title} {rng.choice(SECTIONS)}",
            "maintainer_email": f"opendata@{org.name}.example.jp",
            "metadata_created": _iso(created),
            "metadata_modified": _iso(modified),
            "name": name,
            "notes": self._notes(org, theme, variant),
            "num_resources": len(resources),
            "num_tags": len(tags),
            "organization": _organisation_dict(org) if owned else None,
            "owner_org": org.id if owned else None,
            "private": private,
            "state": state,
            "title": title,
            "type": "dataset",
            "url": f"https://www.{org.name}.example.jp/opendata/{theme.key}.html",
            "version": None,
            "extras": extras,
            "resources": resources,
            "tags": [_tag_dict(tag) for tag in tags],
            "groups": [],
            "relationships_as_subject": [],
            "relationships_as_object": [],
        }

    def _organisation(self, company: bool) -> Organisation:
        if company:
            return self.rng.choices(self.c.companies, cum_weights=self.c._company_weights)[0]
        return self.rng.choices(self.c.public_bodies, cum_weights=self.c._public_weights)[0]

    def _title(self, org: Organisation, theme: Theme) -> tuple[str, str]:
        rng = self.rng
        roll = rng.random()
        variant = ""
        if theme.style in ("statistics", "document") and roll < 0.7:
            year = rng.randrange(2015, 2026)
            variant = f"（{japanese_era(year)}年度）"
        elif theme.style in ("monthly", "realtime") and roll < 0.5:
            variant = f"（{rng.choice(AREAS)}エリア）"
        elif org.name == "osaka-city" and roll < 0.6:
            variant = f"（{rng.choice(OSAKA_WARDS)}）"
        elif roll < 0.15:
            variant = f"（{rng.randrange(2015, 2026)}年版）"
        return f"{org.title} {theme.title}{variant}", variant

    def _visibility(self, company: bool) -> tuple[str, bool, bool]:
        """(state, private, has an owner organisation)."""
        roll = self.rng.random()
        if roll < 0.04:
            return "draft", False, True
        if roll < 0.05:
            return "draft", False, False  # unowned draft: label creator-<user id>
        private_share = 0.35 if company else 0.05
        return "active", self.rng.random() < private_share, True

    def _licence(self, company: bool, private: bool) -> str:
        if private:
            return "other-closed"
        if company:
            return self.rng.choice(("cc-by", "other-at", "other-at", "odc-odbl"))
        return self.rng.choices(("cc-by", "cc-zero", "other-at"), weights=(85, 10, 5))[0]

    def _tags(self, theme: Theme) -> list[str]:
        tags = dict.fromkeys(theme.tags)
        extra = self.c.pick_tags(self.rng, self.rng.randrange(0, 6))
        tags.update(dict.fromkeys(extra))
        return list(tags)[:8]

    def _notes(self, org: Organisation, theme: Theme, variant: str) -> str:
        rng = self.rng
        sentences = [theme.sentence.format(body=org.title)]
        if variant:
            sentences[0] = sentences[0].rstrip("。") + f"{variant}。"
        sentences += rng.sample(SENTENCES, rng.randrange(1, 4))
        if rng.random() < 0.25:
            sentences.append(f"{theme.english} published by {org.name.replace('-', ' ').title()}.")
        return "".join(sentences[:4])

    def _resources(self, theme: Theme, title: str, name: str, created: dt.datetime,
                   modified: dt.datetime) -> list[dict[str, Any]]:
        rng = self.rng
        count = min(6, 1 + int(rng.expovariate(1 / 1.6)))
        formats = rng.choices(self.c._formats, cum_weights=self.c._format_weights, k=count)
        if "CSV" not in formats and rng.random() < 0.6:
            formats[0] = "CSV"
        resources = []
        for position, fmt in enumerate(formats):
            extension, _, suffix = FORMATS[fmt]
            if theme.style == "monthly" and fmt in ("CSV", "XLSX"):
                label = f"{theme.title}（{1 + (position * 5) % 12}月分）"
            elif fmt == "PDF" and position > 0:
                label = "データ項目定義書"
            else:
                label = theme.title + suffix
            url = (f"https://api.example.jp/v1/{name}" if fmt == "API"
                   else f"https://data.example.jp/files/{name}/{position + 1:02d}.{extension}")
            resources.append({
                "cache_last_updated": None, "cache_url": None,
                "created": _iso(created + dt.timedelta(seconds=position)),
                "description": _resource_description(fmt, title),
                "format": fmt, "hash": "",
                "id": stable_id("resource", self.id, position),
                "last_modified": None,
                "metadata_modified": _iso(modified),
                "mimetype": None, "mimetype_inner": None,
                "name": label, "package_id": self.id, "position": position,
                "resource_type": None, "size": None, "state": "active",
                "url": url, "url_type": None,
            })
        return resources

    def _extras(self, org: Organisation, theme: Theme, modified: dt.datetime,
                private: bool) -> list[dict[str, str]]:
        tier = ("paid" if self.rng.random() < 0.5 else "restricted") if private else "open"
        frequency = ("realtime" if theme.style == "realtime"
                     else self.rng.choice(UPDATE_FREQUENCIES[:4]))
        extras = [
            {"key": "access_tier", "value": tier},
            {"key": "update_frequency", "value": frequency},
            {"key": "last_data_update", "value": modified.date().isoformat()},
        ]
        if org.municipality_code:
            extras.append({"key": "municipality_code", "value": org.municipality_code})
        return extras


def japanese_era(year: int) -> str:
    """``2023`` -> ``令和5``, ``2017`` -> ``平成29``."""
    return f"令和{year - 2018}" if year >= 2019 else f"平成{year - 1988}"


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="microseconds")


def _resource_description(fmt: str, title: str) -> str:
    return {
        "CSV": "機械判読に適したCSV形式（UTF-8）のデータです。",
        "XLSX": "Excel形式のデータです。",
        "JSON": "JSON形式のデータです。",
        "PDF": f"{title}の説明資料です。",
        "API": "REST APIでJSON形式のデータを取得できます。",
    }[fmt]


def _organisation_dict(org: Organisation) -> dict[str, Any]:
    return {
        "id": org.id, "name": org.name, "title": org.title, "type": "organization",
        "description": org.description, "image_url": "", "created": org.created,
        "is_organization": True, "approval_status": "approved", "state": "active",
    }


def _tag_dict(name: str) -> dict[str, Any]:
    return {"display_name": name, "id": stable_id("tag", name), "name": name,
            "state": "active", "vocabulary_id": None}


# -- CKAN's index document -------------------------------------------------------

#: ckan.lib.search.index.RESERVED_FIELDS
RESERVED_FIELDS = ("entity_type", "res_url", "text", "urls", "indexed_ts", "site_id", "tags",
                   "groups", "res_name", "res_description", "res_format", "res_url", "res_type")
KEY_CHARS = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-")
RESOURCE_FIELDS = (("name", "res_name"), ("description", "res_description"),
                   ("format", "res_format"), ("url", "res_url"), ("resource_type", "res_type"))


def permission_labels(package: dict[str, Any]) -> list[str]:
    """``DefaultPermissionLabels.get_dataset_labels`` (no collaborators)."""
    if package["state"] == "active" and not package["private"]:
        return ["public"]
    if package.get("owner_org"):
        return [f"member-{package['owner_org']}"]
    return [f"creator-{package['creator_user_id']}"]


def index_document(package: dict[str, Any], site_id: str) -> dict[str, Any]:
    """What ``PackageSearchIndex.index_package`` sends to the search backend for a
    ``package_show`` dictionary (no vocabulary tags, relationships or plugins)."""
    pkg = dict(package)
    pkg["data_dict"] = json.dumps(package)
    pkg["validated_data_dict"] = json.dumps(package)
    if pkg.get("title"):
        pkg["title_string"] = pkg["title"]
    index_fields = set(RESERVED_FIELDS) | set(pkg)
    for extra in pkg.pop("extras", []):
        key = "".join(char for char in extra["key"] if char in KEY_CHARS)
        pkg["extras_" + key] = extra["value"]
        if key not in index_fields:
            pkg[key] = extra["value"]
    pkg["tags"] = [tag["name"] for tag in pkg.pop("tags", [])]
    pkg["capacity"] = "private" if pkg["private"] else "public"
    pkg["groups"] = [group["name"] for group in pkg.pop("groups", [])]
    pkg["organization"] = pkg["organization"]["name"] if pkg.get("organization") else None
    for resource in pkg.get("resources", []):
        for source, target in RESOURCE_FIELDS:
            pkg[target] = pkg.get(target, []) + [resource.get(source, "")]
    pkg.pop("resources", None)
    pkg.pop("relationships_as_subject", None)
    pkg.pop("relationships_as_object", None)
    pkg["entity_type"] = "package"
    pkg["dataset_type"] = pkg["type"]
    pkg["metadata_created"] += "Z"
    pkg["metadata_modified"] += "Z"
    pkg["site_id"] = site_id
    pkg["index_id"] = hashlib.md5(f"{pkg['id']}{site_id}".encode()).hexdigest()
    pkg["permission_labels"] = permission_labels(package)
    return pkg


def title_fragments(titles: Sequence[str], rng: random.Random, count: int,
                    lengths: Sequence[int] = (2, 3, 4, 5, 6)) -> list[str]:
    """``count`` substrings (CJK runs only) of the given titles, for queries."""
    from ckanext.odpo.search.analysis import is_cjk

    fragments: list[str] = []
    while len(fragments) < count:
        title = rng.choice(titles)
        runs = ["".join(group) for cjk, group in itertools.groupby(title, is_cjk) if cjk]
        runs = [run for run in runs if len(run) >= 2]
        if not runs:
            continue
        run = rng.choice(runs)
        length = min(rng.choice(lengths), len(run))
        start = rng.randrange(0, len(run) - length + 1)
        fragments.append(run[start:start + length])
    return fragments
