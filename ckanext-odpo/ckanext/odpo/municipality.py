"""全国地方公共団体コード (local government codes).

A code has six digits: two for the prefecture, three for the municipality
(``000`` for the prefecture itself) and a check digit computed over the
first five with the weights 6, 5, 4, 3, 2 (modulus 11):

    check = (11 - (sum(d_i * w_i) mod 11)) mod 10

e.g. 大阪府 ``270008``, 大阪市 ``271004``, 吹田市 ``272051``.

The check catches every wrong check digit and every single wrong digit among
the first five, except one kind: the remainders 0 and 10 both give the check
digit 1, so a slip that moves the weighted sum between them goes unnoticed
(埼玉県 ``110001`` and 東京都 ``130001`` differ in one digit and are both
valid). That is a property of the official scheme, not of this code.

:data:`PREFECTURES` and :data:`OSAKA_MUNICIPALITIES` name the codes ODPO
shows with a label; any other valid code is accepted as well.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

CHECK_DIGIT_WEIGHTS = (6, 5, 4, 3, 2)
PREFECTURE_COUNT = 47

_CODE_PATTERN = re.compile(r"[0-9]{6}")


def municipality_check_digit(base_code: str) -> str:
    """Return the check digit of a five-digit code body (``"27100"`` -> ``"4"``)."""
    if len(base_code) != len(CHECK_DIGIT_WEIGHTS) or not base_code.isdigit():
        raise ValueError(f"expected five digits, got {base_code!r}")
    weighted_sum = sum(
        int(digit) * weight for digit, weight in zip(base_code, CHECK_DIGIT_WEIGHTS, strict=True)
    )
    return str((11 - weighted_sum % 11) % 10)


def municipality_code_is_valid(code: object) -> bool:
    """Tell whether ``code`` is a well-formed six-digit code with a correct check digit."""
    return municipality_code_defect(code) is None


class CodeDefect(Enum):
    """What is wrong with a code that fails :func:`municipality_code_is_valid`."""

    FORMAT = "format"  # not six ASCII digits
    PREFECTURE = "prefecture"  # the first two digits are not 01 to 47
    CHECK_DIGIT = "check_digit"  # the sixth digit does not match the first five


def municipality_code_defect(code: object) -> CodeDefect | None:
    """Why ``code`` is not a valid code, or ``None`` when it is."""
    if not isinstance(code, str) or not _CODE_PATTERN.fullmatch(code):
        return CodeDefect.FORMAT
    if not 1 <= int(code[:2]) <= PREFECTURE_COUNT:
        return CodeDefect.PREFECTURE
    if municipality_check_digit(code[:5]) != code[5]:
        return CodeDefect.CHECK_DIGIT
    return None


def is_prefecture_code(code: str) -> bool:
    """A prefecture's own code has ``000`` as its municipality part (``270008``)."""
    return code[2:5] == "000"


def prefecture_code_of(code: str) -> str:
    """The code of the prefecture ``code`` lies in (``272051`` -> ``270008``)."""
    body = code[:2] + "000"
    return body + municipality_check_digit(body)


@dataclass(frozen=True)
class LocalGovernment:
    """A prefecture or municipality and its 全国地方公共団体コード."""

    code: str
    name: str
    name_en: str

    @property
    def is_prefecture(self) -> bool:
        return is_prefecture_code(self.code)


def _prefecture(number: int, name: str, name_en: str) -> LocalGovernment:
    return LocalGovernment(prefecture_code_of(f"{number:02d}0000"), name, name_en)


#: The 47 prefectures, in code order.
PREFECTURES: tuple[LocalGovernment, ...] = tuple(
    _prefecture(number, name, name_en)
    for number, (name, name_en) in enumerate(
        (
            ("北海道", "Hokkaido"),
            ("青森県", "Aomori Prefecture"),
            ("岩手県", "Iwate Prefecture"),
            ("宮城県", "Miyagi Prefecture"),
            ("秋田県", "Akita Prefecture"),
            ("山形県", "Yamagata Prefecture"),
            ("福島県", "Fukushima Prefecture"),
            ("茨城県", "Ibaraki Prefecture"),
            ("栃木県", "Tochigi Prefecture"),
            ("群馬県", "Gunma Prefecture"),
            ("埼玉県", "Saitama Prefecture"),
            ("千葉県", "Chiba Prefecture"),
            ("東京都", "Tokyo Metropolis"),
            ("神奈川県", "Kanagawa Prefecture"),
            ("新潟県", "Niigata Prefecture"),
            ("富山県", "Toyama Prefecture"),
            ("石川県", "Ishikawa Prefecture"),
            ("福井県", "Fukui Prefecture"),
            ("山梨県", "Yamanashi Prefecture"),
            ("長野県", "Nagano Prefecture"),
            ("岐阜県", "Gifu Prefecture"),
            ("静岡県", "Shizuoka Prefecture"),
            ("愛知県", "Aichi Prefecture"),
            ("三重県", "Mie Prefecture"),
            ("滋賀県", "Shiga Prefecture"),
            ("京都府", "Kyoto Prefecture"),
            ("大阪府", "Osaka Prefecture"),
            ("兵庫県", "Hyogo Prefecture"),
            ("奈良県", "Nara Prefecture"),
            ("和歌山県", "Wakayama Prefecture"),
            ("鳥取県", "Tottori Prefecture"),
            ("島根県", "Shimane Prefecture"),
            ("岡山県", "Okayama Prefecture"),
            ("広島県", "Hiroshima Prefecture"),
            ("山口県", "Yamaguchi Prefecture"),
            ("徳島県", "Tokushima Prefecture"),
            ("香川県", "Kagawa Prefecture"),
            ("愛媛県", "Ehime Prefecture"),
            ("高知県", "Kochi Prefecture"),
            ("福岡県", "Fukuoka Prefecture"),
            ("佐賀県", "Saga Prefecture"),
            ("長崎県", "Nagasaki Prefecture"),
            ("熊本県", "Kumamoto Prefecture"),
            ("大分県", "Oita Prefecture"),
            ("宮崎県", "Miyazaki Prefecture"),
            ("鹿児島県", "Kagoshima Prefecture"),
            ("沖縄県", "Okinawa Prefecture"),
        ),
        start=1,
    )
)

OSAKA_PREFECTURE_CODE = "270008"

#: The 43 municipalities of Osaka Prefecture (33 cities, 9 towns, 1 village),
#: in code order.
OSAKA_MUNICIPALITIES: tuple[LocalGovernment, ...] = (
    LocalGovernment("271004", "大阪市", "Osaka City"),
    LocalGovernment("271403", "堺市", "Sakai City"),
    LocalGovernment("272027", "岸和田市", "Kishiwada City"),
    LocalGovernment("272035", "豊中市", "Toyonaka City"),
    LocalGovernment("272043", "池田市", "Ikeda City"),
    LocalGovernment("272051", "吹田市", "Suita City"),
    LocalGovernment("272060", "泉大津市", "Izumiotsu City"),
    LocalGovernment("272078", "高槻市", "Takatsuki City"),
    LocalGovernment("272086", "貝塚市", "Kaizuka City"),
    LocalGovernment("272094", "守口市", "Moriguchi City"),
    LocalGovernment("272108", "枚方市", "Hirakata City"),
    LocalGovernment("272116", "茨木市", "Ibaraki City"),
    LocalGovernment("272124", "八尾市", "Yao City"),
    LocalGovernment("272132", "泉佐野市", "Izumisano City"),
    LocalGovernment("272141", "富田林市", "Tondabayashi City"),
    LocalGovernment("272159", "寝屋川市", "Neyagawa City"),
    LocalGovernment("272167", "河内長野市", "Kawachinagano City"),
    LocalGovernment("272175", "松原市", "Matsubara City"),
    LocalGovernment("272183", "大東市", "Daito City"),
    LocalGovernment("272191", "和泉市", "Izumi City"),
    LocalGovernment("272205", "箕面市", "Minoh City"),
    LocalGovernment("272213", "柏原市", "Kashiwara City"),
    LocalGovernment("272221", "羽曳野市", "Habikino City"),
    LocalGovernment("272230", "門真市", "Kadoma City"),
    LocalGovernment("272248", "摂津市", "Settsu City"),
    LocalGovernment("272256", "高石市", "Takaishi City"),
    LocalGovernment("272264", "藤井寺市", "Fujiidera City"),
    LocalGovernment("272272", "東大阪市", "Higashiosaka City"),
    LocalGovernment("272281", "泉南市", "Sennan City"),
    LocalGovernment("272299", "四條畷市", "Shijonawate City"),
    LocalGovernment("272302", "交野市", "Katano City"),
    LocalGovernment("272311", "大阪狭山市", "Osakasayama City"),
    LocalGovernment("272329", "阪南市", "Hannan City"),
    LocalGovernment("273015", "島本町", "Shimamoto Town"),
    LocalGovernment("273210", "豊能町", "Toyono Town"),
    LocalGovernment("273228", "能勢町", "Nose Town"),
    LocalGovernment("273414", "忠岡町", "Tadaoka Town"),
    LocalGovernment("273619", "熊取町", "Kumatori Town"),
    LocalGovernment("273627", "田尻町", "Tajiri Town"),
    LocalGovernment("273660", "岬町", "Misaki Town"),
    LocalGovernment("273813", "太子町", "Taishi Town"),
    LocalGovernment("273821", "河南町", "Kanan Town"),
    LocalGovernment("273830", "千早赤阪村", "Chihayaakasaka Village"),
)

#: Every local government ODPO knows by name: the prefectures, then Osaka's
#: municipalities. Other valid codes are accepted too, without a name.
LOCAL_GOVERNMENTS: dict[str, LocalGovernment] = {
    government.code: government for government in PREFECTURES + OSAKA_MUNICIPALITIES
}


def local_government_name(code: str) -> str | None:
    """Japanese name of a known code (``"272051"`` -> ``"吹田市"``)."""
    government = LOCAL_GOVERNMENTS.get(code)
    return government.name if government else None
