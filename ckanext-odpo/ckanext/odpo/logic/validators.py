"""Validators of the ODPO dataset and organisation schemas.

Every public function here is registered as a CKAN validator by
``tk.blanket.validators`` on the ``odpo`` plugin, under its own name; the
scheming YAML in ``schemas/`` refers to them. Helpers stay private (``_``).

Messages say what to enter instead. They are English msgids translated with
``tk._``; the Japanese users see (the catalogue's first language) ships in
``i18n/ja/LC_MESSAGES/ckanext-odpo.po``.

Dataset rules that involve several fields (:func:`odpo_dataset_rules`, run
after the field validators; each problem is reported on the field to change):

Access tier and price plans
    ``paid`` needs at least one price plan; the other tiers carry none. The
    error is reported on ``access_tier``: scheming's form lists errors of
    ``price_plans`` per plan only.
Access tier and licence
    ``restricted`` and ``paid`` need a licence. ``paid`` data uses ODPO's
    terms for paid data (``odpo-paid``) whenever the configured licence
    register has them, otherwise a licence that is not open. ``restricted``
    data may not carry an open licence (anyone could pass it on);
    ``odpo-restricted`` is the usual choice. The two ODPO terms belong to
    their tier only.
Secondary distribution (データの２次流通)
    ``restricted`` and ``paid`` data is ``prohibited`` (ORDEN governance bans
    passing such data on). Otherwise the licence decides: ``allowed`` is
    refused under a licence that forbids redistribution, and ``open`` data
    under a licence that permits it must be ``allowed``. When the field is
    left empty it defaults to what the tier and licence imply.
Personal data
    ``personal`` is refused on any tier: ODPO carries no personal data.
Temporal coverage
    ``temporal_end`` is not before ``temporal_start``.
Samples
    ``sample_of`` names (by id or name) another resource of the same
    dataset, and only a resource marked ``is_sample`` may carry it. On
    update, CKAN validates only the resources that change, so the resources
    the dataset already has count as well.

The licence register is CKAN's configured one
(``model.Package.get_license_register()``), so whatever register the site
configures wins; the licences of ODPO's harmonised register bring their
``redistribution`` flag along.
"""
from __future__ import annotations

import datetime
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlparse

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey, Validator
from ckanext.odpo import vocabularies as vocab
from ckanext.odpo.municipality import (
    CodeDefect,
    is_prefecture_code,
    municipality_check_digit,
    municipality_code_defect,
)

_EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LIST_SEPARATORS = re.compile(r"[\s,、，]+")
#: Dates up to this many days ahead count as today (time zones differ).
_TODAY_TOLERANCE = datetime.timedelta(days=1)


# --- values -----------------------------------------------------------------------


def odpo_required(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                  context: Context) -> None:
    """Stop with 「入力してください」 when the value is missing or empty."""
    if _is_empty(data.get(key)):
        errors[key].append(tk._("This field is required. Enter or choose a value."))
        raise tk.StopOnError


def odpo_one_of(vocabulary: str) -> Validator:
    """The value must be one of the vocabulary ``vocabulary`` (see
    :data:`ckanext.odpo.vocabularies.VOCABULARIES`)."""
    terms = vocab.VOCABULARIES[vocabulary]

    def validator(value: Any, context: Context) -> Any:
        if _is_empty(value):
            return value
        text = _clean_text(value)
        if text not in vocab.values_of(terms):
            raise tk.Invalid(_unknown_choice_message(text, terms))
        return text

    return validator


def odpo_many_of(vocabulary: str) -> Validator:
    """Zero or more values of ``vocabulary``, given as a list, a JSON list or
    a comma-separated string; stored as a JSON list in vocabulary order."""
    terms = vocab.VOCABULARIES[vocabulary]

    def validator(value: Any, context: Context) -> Any:
        chosen = set(_as_list(value))
        unknown = sorted(chosen - set(vocab.values_of(terms)))
        if unknown:
            raise tk.Invalid(_unknown_choice_message("」「".join(unknown), terms))
        return json.dumps([term.value for term in terms if term.value in chosen])

    return validator


def odpo_text_list_output(value: Any, context: Context) -> list[str]:
    """A stored JSON list back as a list (a bare string as a list of one)."""
    if isinstance(value, list):
        return value
    if _is_empty(value):
        return []
    try:
        loaded = json.loads(value)
    except (TypeError, ValueError):
        return [str(value)]
    return loaded if isinstance(loaded, list) else [str(loaded)]


def odpo_date(value: Any, context: Context) -> Any:
    """A calendar date, stored as ``YYYY-MM-DD``; ``2025/4/1`` and ISO
    date-times are accepted."""
    if _is_empty(value):
        return value
    parsed = _parse_date(value)
    if parsed is None:
        raise tk.Invalid(
            tk._("Enter the date as year-month-day, e.g. \"2025-04-01\" "
                 "(you entered: {value}).").format(value=value)
        )
    return parsed.isoformat()


def odpo_not_future(value: Any, context: Context) -> Any:
    """A date (already ``YYYY-MM-DD``) that is not in the future."""
    if _is_empty(value):
        return value
    if datetime.date.fromisoformat(value) > datetime.date.today() + _TODAY_TOLERANCE:
        raise tk.Invalid(
            tk._("The date {value} is in the future. Enter the date the data was actually "
                 "updated.")
            .format(value=value)
        )
    return value


def odpo_email(value: Any, context: Context) -> Any:
    if _is_empty(value):
        return value
    text = _clean_text(value)
    if not _EMAIL_PATTERN.fullmatch(text):
        raise tk.Invalid(
            tk._("The email address is not valid (you entered: {value}). Enter it like "
                 "\"opendata@example.jp\".").format(value=text)
        )
    return text


def odpo_url(value: Any, context: Context) -> Any:
    if _is_empty(value):
        return value
    text = _clean_text(value)
    parsed = urlparse(text)
    if parsed.scheme not in {"http", "https"} or not parsed.netloc:
        raise tk.Invalid(
            tk._("Enter a URL starting with http:// or https://, e.g. "
                 "\"https://www.example.jp/\" (you entered: {value}).").format(value=text)
        )
    return text


def odpo_price_jpy(value: Any, context: Context) -> Any:
    """A price in yen: an integer of at least 0 (``"1,000円"`` is read as 1000)."""
    if _is_empty(value):
        return value
    price = _parse_count(value, strip="円")
    if price is None:
        raise tk.Invalid(
            tk._("Enter the price as a whole number of yen, 0 or more (you entered: "
                 "{value}). A free plan costs 0.").format(value=value)
        )
    return price


def odpo_resource_size(value: Any, context: Context) -> Any:
    """A file size in bytes: an integer of at least 0."""
    if _is_empty(value):
        return value
    size = _parse_count(value)
    if size is None:
        raise tk.Invalid(
            tk._("Enter the size as a whole number of bytes, 0 or more (you entered: "
                 "{value}).")
            .format(value=value)
        )
    return size


def odpo_encoding(value: Any, context: Context) -> Any:
    """A character encoding of the vocabulary; common spellings (``sjis``,
    ``utf8``, ``Windows-31J``) are stored as their vocabulary value."""
    if _is_empty(value):
        return value
    text = _clean_text(value)
    if text in vocab.values_of(vocab.ENCODINGS):
        return text
    encoding = vocab.encoding_for(text)
    if encoding is None:
        raise tk.Invalid(_unknown_choice_message(text, vocab.ENCODINGS))
    return encoding


def odpo_standard_dataset(value: Any, context: Context) -> Any:
    """Number of a 自治体標準オープンデータセット item, as two digits ("5" -> "05")."""
    if _is_empty(value):
        return value
    text = _clean_text(value)
    number = text.zfill(2) if text.isdigit() else text
    if number not in vocab.values_of(vocab.STANDARD_DATASETS):
        raise tk.Invalid(
            tk._("Give the number of the standard municipal open dataset as two digits, "
                 "01-17 or 22-31 (you entered: {value}). Leave it empty if none "
                 "applies.").format(value=text)
        )
    return number


def odpo_personal_data_class(value: Any, context: Context) -> Any:
    """Refuse ``personal``: ODPO is a platform without personal data."""
    if value == vocab.PERSONAL_DATA:
        raise tk.Invalid(
            tk._("ODPO cannot publish data that contains personal information. Remove or "
                 "anonymise the items that identify a person, such as names, then choose "
                 "\"Anonymised or aggregated\" or \"No personal data\".")
        )
    return value


def odpo_license_id(value: Any, context: Context) -> Any:
    """The licence must be in CKAN's configured licence register."""
    if _is_empty(value):
        return value
    text = _clean_text(value)
    if _licence(text) is None:
        raise tk.Invalid(
            tk._("The licence \"{value}\" is not in ODPO's list of licences. Choose one "
                 "from the list.")
            .format(value=text)
        )
    return text


# --- 全国地方公共団体コード ------------------------------------------------------


def odpo_municipality_code(value: Any, context: Context) -> Any:
    """A 全国地方公共団体コード with a correct check digit (full-width digits
    are accepted and stored as ASCII)."""
    if _is_empty(value):
        return value
    code = _clean_text(value)
    problem = _municipality_code_problem(code)
    if problem:
        raise tk.Invalid(problem)
    return code


def odpo_municipality_code_list(key: FlattenKey, data: FlattenDataDict,
                                errors: FlattenErrorDict, context: Context) -> None:
    """A list of codes (list, JSON list or separated by commas or spaces),
    each checked like :func:`odpo_municipality_code`; stored as a JSON list
    without duplicates."""
    codes = list(dict.fromkeys(_clean_text(code) for code in _as_list(data.get(key))))
    problems = [problem for problem in map(_municipality_code_problem, codes) if problem]
    if problems:
        errors[key].extend(problems)
        raise tk.StopOnError
    data[key] = json.dumps(codes)


def _municipality_code_problem(code: str) -> str | None:
    defect = municipality_code_defect(code)
    if defect is CodeDefect.FORMAT:
        return tk._("Enter the local government code as 6 digits (e.g. 271004 for Osaka "
                    "City). \"{code}\" is not 6 digits.").format(code=code)
    if defect is CodeDefect.PREFECTURE:
        return tk._("The first two digits of the local government code \"{code}\" (the "
                    "prefecture number) must be 01 to 47. Check the code.").format(code=code)
    if defect is CodeDefect.CHECK_DIGIT:
        base = code[:5]
        return tk._("The sixth digit (check digit) of the local government code \"{code}\" "
                    "is wrong: after \"{base}\" the sixth digit is \"{digit}\". Check the "
                    "code.").format(code=code, base=base, digit=municipality_check_digit(base))
    return None


# --- rules across fields --------------------------------------------------------------


def odpo_secondary_distribution_default(key: FlattenKey, data: FlattenDataDict,
                                        errors: FlattenErrorDict, context: Context) -> None:
    """Fill an empty ``secondary_distribution`` from the tier and the licence."""
    if not _is_empty(data.get(key)):
        return
    tier = _clean_text(data.get(("access_tier",))) or vocab.OPEN_TIER
    licence_id = _clean_text(data.get(("license_id",)))
    prohibited = tier in vocab.AGREEMENT_TIERS or _redistribution(licence_id) is False
    data[key] = vocab.DISTRIBUTION_PROHIBITED if prohibited else vocab.DISTRIBUTION_ALLOWED


def odpo_dataset_rules(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                       context: Context) -> None:
    """The dataset rules across fields (see the module docstring); each
    problem is reported on the field to change."""
    problems = [*_temporal_problems(data), *_sample_problems(data, context)]
    if not _has_errors(errors, ("access_tier",), ("license_id",)):
        problems += [
            *_price_plan_problems(data),
            *_licence_problems(data),
            *_distribution_problems(data),
        ]
    for field_key, message in problems:
        if not errors.get(field_key):
            errors.setdefault(field_key, []).append(message)


def odpo_organization_rules(key: FlattenKey, data: FlattenDataDict, errors: FlattenErrorDict,
                            context: Context) -> None:
    """Prefectures and municipalities give their own 全国地方公共団体コード:
    a prefecture code (``XX000C``) for a prefecture, a municipality code for
    a municipality. Other providers may leave it empty."""
    code_key = ("municipality_code",)
    if _has_errors(errors, ("provider_type",), code_key):
        return
    problem = _own_code_problem(data.get(("provider_type",)), _clean_text(data.get(code_key)))
    if problem:
        errors.setdefault(code_key, []).append(problem)


def _own_code_problem(provider_type: Any, code: str) -> str | None:
    if provider_type not in vocab.LOCAL_GOVERNMENT_PROVIDER_TYPES:
        return None
    if not code:
        return tk._("Prefectures and municipalities enter their local government code (6 "
                    "digits), e.g. 270008 for Osaka Prefecture, 271004 for Osaka City.")
    if provider_type == vocab.PREFECTURE_PROVIDER and not is_prefecture_code(code):
        return tk._("\"{code}\" is the code of a municipality. For a prefecture, enter a "
                    "prefecture code, whose third to fifth digits are 000 (e.g. 270008 for "
                    "Osaka Prefecture), or set the provider type to "
                    "\"Municipality\".").format(code=code)
    if provider_type == vocab.MUNICIPALITY_PROVIDER and is_prefecture_code(code):
        return tk._("\"{code}\" is the code of a prefecture. Enter the municipality's code "
                    "(e.g. 271004 for Osaka City), or set the provider type to "
                    "\"Prefecture\".").format(code=code)
    return None


Problem = tuple[FlattenKey, str]


def _price_plan_problems(data: FlattenDataDict) -> Iterator[Problem]:
    tier = data.get(("access_tier",))
    has_plans = bool(_price_plan_indexes(data))
    if tier == vocab.PAID_TIER and not has_plans:
        yield ("access_tier",), tk._(
            "A dataset with the access tier \"Paid\" needs a price plan. Add at least one "
            "price plan, or change the access tier if the data is free of charge."
        )
    elif tier != vocab.PAID_TIER and has_plans:
        yield ("access_tier",), tk._(
            "Only datasets with the access tier \"Paid\" have price plans. Set the access "
            "tier to \"Paid\" or delete the price plans."
        )


def _price_plan_indexes(data: FlattenDataDict) -> set[int]:
    """Indexes of the price plans with at least one field filled in."""
    return {
        field_key[1]
        for field_key, value in data.items()
        if len(field_key) == 3 and field_key[0] == "price_plans" and not _is_empty(value)
    }


def _licence_problems(data: FlattenDataDict) -> Iterator[Problem]:
    tier = data.get(("access_tier",))
    licence_id = _clean_text(data.get(("license_id",)))
    field_key = ("license_id",)
    for reserved_tier, reserved_id in vocab.TIER_LICENCE_IDS.items():
        if licence_id == reserved_id and tier != reserved_tier:
            yield field_key, tk._(
                "\"{title}\" is only for datasets with the access tier \"{tier}\". Choose a "
                "licence that suits the access tier."
            ).format(title=_licence_title(licence_id), tier=_tier_label(reserved_tier))
            return
    if tier not in vocab.AGREEMENT_TIERS:
        return
    if not licence_id:
        yield field_key, _missing_tier_licence_message(tier)
    elif tier == vocab.PAID_TIER:
        yield from _paid_licence_problems(licence_id)
    elif _licence_is_open(licence_id):
        yield field_key, tk._(
            "\"{title}\" is an open licence: anyone may redistribute the data, so it cannot "
            "be used for restricted data. Choose a licence that is not open, such as "
            "\"{restricted}\", or review the access tier."
        ).format(title=_licence_title(licence_id),
                 restricted=_licence_title(vocab.TIER_LICENCE_IDS[vocab.RESTRICTED_TIER]))


def _missing_tier_licence_message(tier: str) -> str:
    tier_licence_id = vocab.TIER_LICENCE_IDS[tier]
    if _licence(tier_licence_id) is not None:
        return tk._(
            "A dataset with the access tier \"{tier}\" needs a licence (terms of use). "
            "Choose \"{title}\"."
        ).format(tier=_tier_label(tier), title=_licence_title(tier_licence_id))
    return tk._(
        "A dataset with the access tier \"{tier}\" needs a licence (terms of use). "
        "Choose terms that are not open."
    ).format(tier=_tier_label(tier))


def _paid_licence_problems(licence_id: str) -> Iterator[Problem]:
    paid_id = vocab.TIER_LICENCE_IDS[vocab.PAID_TIER]
    if _licence(paid_id) is not None:
        if licence_id != paid_id:
            yield ("license_id",), tk._(
                "Paid data uses the licence \"{title}\"."
            ).format(title=_licence_title(paid_id))
    elif _licence_is_open(licence_id):
        yield ("license_id",), tk._(
            "\"{title}\" is an open licence, so it cannot be used for paid data. Choose "
            "terms that are not open."
        ).format(title=_licence_title(licence_id))


def _distribution_problems(data: FlattenDataDict) -> Iterator[Problem]:
    field_key = ("secondary_distribution",)
    distribution = data.get(field_key)
    tier = data.get(("access_tier",))
    licence_id = _clean_text(data.get(("license_id",)))
    redistribution = _redistribution(licence_id)
    if distribution == vocab.DISTRIBUTION_ALLOWED and tier in vocab.AGREEMENT_TIERS:
        yield field_key, tk._(
            "Set secondary distribution to \"Prohibited\" for data with the access tier "
            "\"{tier}\" (ORDEN's governance prohibits passing such data on)."
        ).format(tier=_tier_label(tier))
    elif distribution == vocab.DISTRIBUTION_ALLOWED and redistribution is False:
        yield field_key, tk._(
            "The licence \"{title}\" does not allow redistribution. Set secondary "
            "distribution to \"Prohibited\" or change the licence."
        ).format(title=_licence_title(licence_id))
    elif (
        distribution == vocab.DISTRIBUTION_PROHIBITED
        and tier == vocab.OPEN_TIER
        and redistribution is True
    ):
        yield field_key, tk._(
            "The licence \"{title}\" allows redistribution, so secondary distribution of "
            "open data cannot be prohibited. Set secondary distribution to \"Allowed\" "
            "or choose a licence that does not allow redistribution."
        ).format(title=_licence_title(licence_id))


def _temporal_problems(data: FlattenDataDict) -> Iterator[Problem]:
    start = data.get(("temporal_start",))
    end = data.get(("temporal_end",))
    if not (_is_iso_date(start) and _is_iso_date(end)):
        return  # missing, or already reported as unreadable
    if end < start:
        yield ("temporal_end",), tk._(
            "The end of the temporal coverage ({end}) is before its start ({start}). The "
            "end date must be on or after the start date."
        ).format(start=start, end=end)


def _sample_problems(data: FlattenDataDict, context: Context) -> Iterator[Problem]:
    resources = _resources(data)
    stored = _stored_resources(context)
    for index, resource in resources.items():
        target = _clean_text(resource.get("sample_of"))
        if not target:
            continue
        field_key: FlattenKey = ("resources", index, "sample_of")
        others = [other for other_index, other in resources.items() if other_index != index]
        others += [other for other in stored if other["id"] != resource.get("id")]
        if not resource.get("is_sample"):
            yield field_key, tk._(
                "Only a sample resource has \"Sample of\". Set \"Sample\" to \"Yes\" or "
                "leave \"Sample of\" empty."
            )
        elif _refers_to(target, resource):
            yield field_key, tk._(
                "A sample cannot be a sample of itself. Give the ID or name of the other "
                "resource the sample shows."
            )
        elif not any(_refers_to(target, other) for other in others):
            yield field_key, tk._(
                "\"{target}\" is neither the ID nor the name of a resource of this dataset. "
                "Give the ID or name of the resource the sample shows."
            ).format(target=resource.get("sample_of"))


def _refers_to(target: str, resource: dict[str, Any]) -> bool:
    """Whether ``target`` (already cleaned) is the id or the name of ``resource``."""
    return target in {_clean_text(resource.get("id")), _clean_text(resource.get("name"))} - {""}


def _stored_resources(context: Context) -> list[dict[str, Any]]:
    """The resources the dataset already has (on update).

    ``package_update`` validates only the resources that change, so a sample
    added to a dataset may name one that is not in the data validated.
    """
    package = context.get("package")
    if not isinstance(package, model.Package):
        return []
    return [{"id": resource.id, "name": resource.name} for resource in package.resources]


def _resources(data: FlattenDataDict) -> dict[int, dict[str, Any]]:
    resources: dict[int, dict[str, Any]] = {}
    for field_key, value in data.items():
        if len(field_key) == 3 and field_key[0] == "resources" and value is not tk.missing:
            resources.setdefault(field_key[1], {})[field_key[2]] = value
    return resources


# --- licences ----------------------------------------------------------------------


def _licence(licence_id: str) -> Any:
    """The CKAN licence object of ``licence_id`` in the configured register."""
    if not licence_id:
        return None
    return model.Package.get_license_register().get(licence_id)


def _licence_title(licence_id: str) -> str:
    licence = _licence(licence_id)
    return str(licence.title) if licence is not None else licence_id


def _licence_is_open(licence_id: str) -> bool:
    licence = _licence(licence_id)
    return bool(licence is not None and licence.isopen())


def _redistribution(licence_id: str) -> bool | None:
    """Whether the licence lets anyone pass the data on (``None``: the
    provider's own terms decide, or nothing is known).

    Licences of ODPO's harmonised register carry a ``redistribution`` flag
    into CKAN's register; for others an open licence is taken to allow it.
    """
    licence = _licence(licence_id)
    if licence is None:
        return None
    if hasattr(licence, "redistribution"):
        return licence.redistribution
    return True if licence.isopen() else None


# --- helpers -------------------------------------------------------------------------


def _tier_label(tier: str) -> str:
    return vocab.labels_of(vocab.ACCESS_TIERS).get(tier, tier)


def _unknown_choice_message(value: str, terms: Iterable[vocab.Term]) -> str:
    choices = "、".join(f"{term.value}（{term.ja}）" for term in terms)
    return tk._("\"{value}\" is not one of the choices. Use one of: {choices}").format(
        value=value, choices=choices
    )


def _has_errors(errors: FlattenErrorDict, *keys: FlattenKey) -> bool:
    return any(errors.get(field_key) for field_key in keys)


def _is_empty(value: Any) -> bool:
    return value is tk.missing or value is None or value == "" or value == []


def _clean_text(value: Any) -> str:
    """Text with full-width letters and digits folded to ASCII, trimmed."""
    if _is_empty(value):
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()


def _as_list(value: Any) -> list[str]:
    """A list of non-empty strings from a list, a JSON list or a string
    separated by commas, 「、」 or spaces."""
    if _is_empty(value):
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except ValueError:
                value = _LIST_SEPARATORS.split(text.strip("[]"))
        else:
            value = _LIST_SEPARATORS.split(text)
    if not isinstance(value, list | tuple):
        value = [value]
    return [_clean_text(item) for item in value if not _is_empty(_clean_text(item))]


def _is_iso_date(value: Any) -> bool:
    return isinstance(value, str) and _ISO_DATE.fullmatch(value) is not None


def _parse_date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _clean_text(value).replace("/", "-")
    date_part = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[T ])", text)
    if not date_part:
        return None
    try:
        return datetime.date(*(int(part) for part in date_part.groups()))
    except ValueError:
        return None


def _parse_count(value: Any, strip: str = "") -> int | None:
    """A non-negative integer from an int or a text such as ``"1,000円"``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    text = _clean_text(value).replace(",", "")
    if strip and text.endswith(strip):
        text = text[: -len(strip)].strip()
    return int(text) if text.isdigit() and text.isascii() else None
