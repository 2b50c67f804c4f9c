"""Remote catalogue records -> ODPO dataset dicts.

Plain functions, no database: :func:`map_ckan_package` turns a CKAN
``package_show`` dict (BODIK, municipal CKANs) into the ``package_create``
payload of the ODPO schema; :class:`HarvestedDataset` is what every
harvester (CKAN, DCAT, CSV list) fills before that payload is built, so
licences, frequencies, spatial coverage and standard types go through one
set of rules.
"""
from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ckanext.odpo import vocabularies as vocab
from ckanext.odpo.licences.normaliser import LicenceMatch, normalise_licence_fields
from ckanext.odpo.municipality import LOCAL_GOVERNMENTS, municipality_code_is_valid

#: Longest text ODPO accepts from a source, per field (characters).
FIELD_LIMITS = {"title": 500, "notes": 100_000, "url": 2_000, "name": 100}
RESOURCE_FIELD_LIMITS = {"url": 2_000, "name": 500, "description": 20_000}
MAX_RESOURCES = 500

#: Extras keys (folded: NFKC, lower case, no spaces) read for each ODPO field.
FREQUENCY_KEYS = ("更新頻度", "frequency", "update_frequency", "accrualperiodicity")
SPATIAL_KEYS = ("地域", "spatial", "対象地域", "地域コード")
LANGUAGE_KEYS = ("言語", "language")
RIGHTS_KEYS = ("コピーライト", "copyright", "rights", "著作権者")
CONTACT_KEYS = ("問い合わせ先", "連絡先", "contact", "contact_point")
ENCODING_KEYS = ("encoding", "文字コード", "charset")
#: Tags that mark a dataset as following a standard definition.
STANDARD_TAGS = ("自治体標準ods", "自治体標準オープンデータセット", "推奨データセット")
ENGLISH_WORDS = ("英語", "english", "en", "eng")

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_CODE_IN_TEXT = re.compile(r"(?<![0-9])([0-9]{6})(?![0-9])")
_NAME_CHARS = re.compile(r"[^a-z0-9_-]+")


class MappingError(ValueError):
    """A record that cannot become an ODPO dataset (the message says why)."""


@dataclass
class HarvestedDataset:
    """What a harvester read about one dataset, before the ODPO mapping."""

    title: str
    name: str = ""
    notes: str = ""
    url: str = ""
    tags: list[str] = field(default_factory=list)
    licence_texts: tuple[str | None, ...] = ()
    frequency: str = ""
    spatial: str = ""
    language: str = ""
    rights: str = ""
    contact_name: str = ""
    contact_email: str = ""
    organisation_code: str = ""
    last_data_update: str = ""
    resources: list[dict[str, Any]] = field(default_factory=list)


def fold_key(key: str) -> str:
    return "".join(unicodedata.normalize("NFKC", key).lower().split())


def extras_of(package: Mapping[str, Any]) -> dict[str, str]:
    """A CKAN package's extras as ``{folded key: text}`` (list or dict form)."""
    raw = package.get("extras") or []
    pairs = raw.items() if isinstance(raw, Mapping) else (
        (item.get("key"), item.get("value")) for item in raw if isinstance(item, Mapping)
    )
    return {fold_key(str(key)): _text(value) for key, value in pairs if key}


def first_of(values: Mapping[str, str], keys: Iterable[str]) -> str:
    for key in keys:
        value = values.get(fold_key(key))
        if value:
            return value
    return ""


def from_ckan_package(package: Mapping[str, Any], organisation_code: str = "") -> HarvestedDataset:
    """Read a CKAN ``package_show`` dict (BODIK's free-form extras included)."""
    if not isinstance(package, Mapping):
        raise MappingError("the record is not a JSON object")
    extras = extras_of(package)
    title = _text(package.get("title")) or _text(package.get("name"))
    if not title:
        raise MappingError("the record has neither a title nor a name")
    return HarvestedDataset(
        title=title,
        name=_text(package.get("name")),
        notes=_text(package.get("notes")),
        url=_text(package.get("url")),
        tags=[_text(tag.get("name") if isinstance(tag, Mapping) else tag) for tag in package.get("tags") or []],
        licence_texts=(
            _text(package.get("license_id")) or None,
            _text(package.get("license_title")) or None,
            _text(package.get("license_url")) or None,
        ),
        frequency=first_of(extras, FREQUENCY_KEYS),
        spatial=first_of(extras, SPATIAL_KEYS),
        language=first_of(extras, LANGUAGE_KEYS),
        rights=first_of(extras, RIGHTS_KEYS),
        contact_name=first_of(extras, CONTACT_KEYS) or _text(package.get("maintainer")),
        contact_email=_text(package.get("maintainer_email")) or _text(package.get("author_email")),
        organisation_code=organisation_code,
        last_data_update=_latest_date(
            resource.get("last_modified") for resource in package.get("resources") or []
            if isinstance(resource, Mapping)
        ),
        resources=[_ckan_resource(resource) for resource in package.get("resources") or []
                   if isinstance(resource, Mapping)],
    )


def _ckan_resource(resource: Mapping[str, Any]) -> dict[str, Any]:
    extras = {fold_key(str(key)): _text(value) for key, value in resource.items() if isinstance(key, str)}
    return {
        "name": _text(resource.get("name")),
        "url": _text(resource.get("url")),
        "format": _text(resource.get("format")),
        "description": _text(resource.get("description")),
        "encoding": first_of(extras, ENCODING_KEYS),
    }


def to_odpo_dataset(harvested: HarvestedDataset, owner_org: str) -> tuple[dict[str, Any], LicenceMatch]:
    """The ``package_create`` payload of the ODPO schema and the licence verdict.

    Raises :class:`MappingError` for oversized fields.
    """
    _check_limits(harvested)
    licence = normalise_licence_fields(*harvested.licence_texts)
    source_licence = " / ".join(dict.fromkeys(text for text in harvested.licence_texts if text))
    standard = standard_dataset_for(harvested.title, harvested.tags)
    dataset: dict[str, Any] = {
        "title": harvested.title,
        "notes": harvested.notes,
        "owner_org": owner_org,
        "access_tier": vocab.OPEN_TIER,
        "personal_data_class": "none",
        "license_id": licence.licence_id or "",
        "source_licence": source_licence,
        "licence_unmapped": "" if licence.is_mapped or not source_licence else "true",
        "source_rights": harvested.rights,
        "update_frequency": vocab.update_frequency_for(harvested.frequency) or "" if harvested.frequency else "",
        "spatial_municipality_codes": spatial_codes_for(harvested.spatial, harvested.organisation_code),
        "conforms_to": standard or "",
        "tags": [{"name": tag} for tag in clean_tags(harvested.tags)],
        "contact_name": harvested.contact_name[:200],
        "contact_email": harvested.contact_email if _EMAIL.fullmatch(harvested.contact_email) else "",
        "url": harvested.url if harvested.url.startswith(("http://", "https://")) else "",
        "last_data_update": harvested.last_data_update,
        "withdrawn_at": "",
        "withdrawal_reason": "",
        "resources": [resource for resource in map(_odpo_resource, harvested.resources) if resource],
    }
    if fold_key(harvested.language) in ENGLISH_WORDS:
        dataset["title_en"], dataset["notes_en"] = harvested.title, harvested.notes
    return dataset, licence


def _odpo_resource(resource: Mapping[str, Any]) -> dict[str, Any] | None:
    url = _text(resource.get("url"))
    if not url:
        return None
    return {
        "name": _text(resource.get("name")) or url.rsplit("/", 1)[-1][:200],
        "url": url,
        "format": _text(resource.get("format")).upper().lstrip("."),
        "description": _text(resource.get("description")),
        "encoding": vocab.encoding_for(_text(resource.get("encoding"))) or "" if resource.get("encoding") else "",
        "is_sample": False,
    }


def _check_limits(harvested: HarvestedDataset) -> None:
    for field_name, limit in FIELD_LIMITS.items():
        length = len(getattr(harvested, field_name))
        if length > limit:
            raise MappingError(f"field {field_name!r} has {length:,} characters (ODPO takes at most {limit:,})")
    if len(harvested.resources) > MAX_RESOURCES:
        raise MappingError(f"{len(harvested.resources):,} resources (ODPO takes at most {MAX_RESOURCES})")
    for position, resource in enumerate(harvested.resources, start=1):
        for field_name, limit in RESOURCE_FIELD_LIMITS.items():
            length = len(_text(resource.get(field_name)))
            if length > limit:
                raise MappingError(
                    f"resource {position}: field {field_name!r} has {length:,} characters "
                    f"(ODPO takes at most {limit:,})"
                )


def clean_tags(tags: Iterable[str]) -> list[str]:
    """Tags CKAN accepts (no commas, 2 to 100 characters), without duplicates."""
    cleaned: dict[str, None] = {}
    for tag in tags:
        text = " ".join(unicodedata.normalize("NFKC", tag).replace(",", " ").split())[:100]
        if len(text) >= 2:
            cleaned[text] = None
    return list(cleaned)


def standard_dataset_for(title: str, tags: Iterable[str]) -> str | None:
    """The 自治体標準オープンデータセット number a dataset follows, if any.

    The number is the standard item whose name is in the title or a tag,
    taken only when a tag marks the dataset as standard (自治体標準ODS,
    推奨データセット) or a tag names the item itself.
    """
    folded_tags = [fold_key(tag) for tag in tags]
    marked = any(tag in STANDARD_TAGS for tag in folded_tags)
    folded_title = fold_key(title)
    for term in vocab.STANDARD_DATASETS:
        item = fold_key(term.ja)
        if item in folded_tags or (marked and (item in folded_title or any(item in t for t in folded_tags))):
            return term.value
    return None


def spatial_codes_for(text: str, organisation_code: str = "") -> list[str]:
    """Local government codes named in a free-form 地域 value (codes or names);
    the organisation's own code when the value names none."""
    codes = [code for code in _CODE_IN_TEXT.findall(text) if municipality_code_is_valid(code)]
    folded = fold_key(text)
    if not codes and folded:
        names = sorted(LOCAL_GOVERNMENTS.values(), key=lambda government: -len(government.name))
        for government in names:
            if government.name in folded and not government.is_prefecture:
                folded = folded.replace(government.name, "")
                codes.append(government.code)
        if not codes:
            codes = [government.code for government in names if government.name in folded]
    if not codes and organisation_code:
        codes = [organisation_code]
    return list(dict.fromkeys(codes))


def dataset_name(remote_name: str, title: str, code: str = "") -> str:
    """A CKAN name for a harvested dataset: the remote one when it fits, else
    ``{code}_{...}`` or a name made from the title (caller makes it unique)."""
    name = _NAME_CHARS.sub("-", remote_name.lower()).strip("-_")
    if len(name) >= 2:
        return name[:90]
    base = _NAME_CHARS.sub("-", unicodedata.normalize("NFKC", title).lower()).strip("-_")
    return (f"{code}_{base}" if code else base or "dataset")[:90].strip("-_") or "dataset"


def organisation_code_of(organisation: Mapping[str, Any] | None, package_name: str = "") -> str:
    """The 全国地方公共団体コード of a remote organisation: its name when that is a
    code (BODIK's style), a code extra, a leading code in its title, or the
    ``{code}_`` prefix of the dataset name."""
    candidates: list[str] = []
    if organisation:
        candidates.append(_text(organisation.get("name")))
        extras = extras_of(organisation)
        candidates += [extras.get(key, "") for key in ("municipality_code", "地方公共団体コード", "code")]
        candidates += _CODE_IN_TEXT.findall(_text(organisation.get("title")))
    candidates += _CODE_IN_TEXT.findall(package_name.split("_", 1)[0])
    for candidate in candidates:
        if municipality_code_is_valid(candidate):
            return candidate
    return ""


def _latest_date(values: Iterable[Any]) -> str:
    today = datetime.date.today()
    dates = []
    for value in values:
        text = _text(value)[:10]
        try:
            day = datetime.date.fromisoformat(text)
        except ValueError:
            continue
        if day <= today:
            dates.append(day)
    return max(dates).isoformat() if dates else ""


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()
