"""全国地方公共団体コード (local government codes).

A code has six digits: two for the prefecture, three for the municipality
(``000`` for the prefecture itself) and a check digit computed over the
first five with the weights 6, 5, 4, 3, 2 (modulus 11):

    check = (11 - (sum(d_i * w_i) mod 11)) mod 10

e.g. 大阪府 ``270008``, 大阪市 ``271004``, 吹田市 ``272051``.
"""
from __future__ import annotations

import re

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
    if not isinstance(code, str) or not _CODE_PATTERN.fullmatch(code):
        return False
    if not 1 <= int(code[:2]) <= PREFECTURE_COUNT:
        return False
    return municipality_check_digit(code[:5]) == code[5]
