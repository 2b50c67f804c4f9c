"""What users see of the catalogue: vocabularies, their labels and the template
helpers (registered with ``tk.blanket.helpers``: the names in ``__all__``).

The plain functions (``field_value``, ``provider_type_code``, ``licence_terms``,
...) take dicts and return dicts or strings, so they are testable without a
request; the ``odpo_*`` helpers wrap them for templates.

Dataset and organisation fields are read with :func:`field_value`, which finds
a field whether ckanext-scheming made it a top-level key or it is still an
extra (``extras`` as CKAN's list of ``{"key", "value"}`` or as a dict).
"""
from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckanext.odpo import freshness, vocabularies
from ckanext.odpo.licences import Exactness, Licence, load_register, normalise_licence
from flask import has_request_context

__all__ = [
    "odpo_access_tier",
    "odpo_catalogue_statistics",
    "odpo_field",
    "odpo_freshness",
    "odpo_licence",
    "odpo_provider_type",
    "odpo_recent_datasets",
    "odpo_sample_previews",
    "odpo_sample_status",
    "odpo_samples_missing_count",
    "odpo_standard_label",
    "odpo_update_frequency_label",
]


def N_(message: str) -> str:
    """Mark ``message`` for translation; it is translated where it is shown."""
    return message


# --- vocabularies ------------------------------------------------------------
# Values and their form labels come from :mod:`ckanext.odpo.vocabularies` (the
# schema's vocabularies, labelled in Japanese and English). Badges and figures
# use the shorter translatable labels below.

ACCESS_TIERS = vocabularies.values_of(vocabularies.ACCESS_TIERS)
#: Badge labels (公開 / 登録ユーザー限定 / 限定公開 / 有償).
ACCESS_TIER_LABELS = {
    "open": N_("Open access"),
    "registered": N_("Registered users only"),
    "restricted": N_("Restricted access"),
    "paid": N_("Paid data"),
}
ACCESS_TIER_DESCRIPTIONS = {
    "open": N_("Anyone may use this data."),
    "registered": N_("Users registered with ODPO may use this data."),
    "restricted": N_("Only users approved by the provider may use this data."),
    "paid": N_("This data is sold under a price plan; its sample is free."),
}

PROVIDER_TYPES = vocabularies.values_of(vocabularies.PROVIDER_TYPES)
#: Japanese labels some records store instead of the code (older demo data).
PROVIDER_TYPE_ALIASES = {
    **{term.ja: term.value for term in vocabularies.PROVIDER_TYPES},
    "市町村": "municipality",
    "企業": "company",
    "大学": "university",
}
#: Providers whose data counts as private-sector data; every other is public.
PRIVATE_PROVIDER_TYPES = frozenset({"company"})

PUBLIC_SECTOR = "public"
PRIVATE_SECTOR = "private"
SECTORS = (PUBLIC_SECTOR, PRIVATE_SECTOR)
SECTOR_LABELS = {PUBLIC_SECTOR: N_("Public sector"), PRIVATE_SECTOR: N_("Private sector")}

FRESHNESS_LABELS = {
    freshness.FRESH: N_("Up to date"),
    freshness.DUE: N_("Update due"),
    freshness.STALE: N_("Update overdue"),
    freshness.IRREGULAR: N_("Updated irregularly"),
    freshness.UNKNOWN: N_("Update status unknown"),
}

#: Licence flags shown on the dataset page, in this order.
LICENCE_FLAG_LABELS = {
    "commercial_use": N_("Commercial use"),
    "redistribution": N_("Redistribution"),
    "derivative_works": N_("Publishing edited data"),
    "attribution_required": N_("Credit the source"),
    "cc_by_4_compatible": N_("Compatible with CC BY 4.0"),
}
#: How a flag's value reads: (true, false); ``None`` reads "the provider's terms decide".
LICENCE_FLAG_VALUE_LABELS = {
    "attribution_required": (N_("Credit required"), N_("Credit not required")),
    "cc_by_4_compatible": (N_("Compatible"), N_("Not compatible")),
}
DEFAULT_FLAG_VALUE_LABELS = (N_("Allowed"), N_("Not allowed"))


# --- reading fields ----------------------------------------------------------


def field_value(entity: Mapping[str, Any] | None, key: str) -> Any:
    """A dataset or organisation field, top-level (scheming) or among ``extras``.

    Args:
        entity: a dataset or organisation dict (``None`` is allowed).
        key: the field name, e.g. ``access_tier``.

    Returns:
        The value, or ``None`` when the field is missing or empty.
    """
    if not entity:
        return None
    value = entity.get(key)
    if value not in (None, ""):
        return value
    extras = entity.get("extras")
    if isinstance(extras, Mapping):
        return extras.get(key) or None
    for extra in extras or ():
        if isinstance(extra, Mapping) and extra.get("key") == key:
            return extra.get("value") or None
    return None


def provider_type_code(value: object) -> str | None:
    """The provider-type code of a stored value (code or Japanese label)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text in PROVIDER_TYPES:
        return text
    return PROVIDER_TYPE_ALIASES.get(text)


def sector_of(provider_type: str | None) -> str:
    """``private`` for companies, ``public`` for every other provider."""
    return PRIVATE_SECTOR if provider_type in PRIVATE_PROVIDER_TYPES else PUBLIC_SECTOR


def organisation_provider_type(organisation_id: str) -> str | None:
    """The provider-type code stored on an organisation, read from the database."""
    group = model.Group.get(organisation_id)
    if group is None:
        return None
    return provider_type_code((group.extras or {}).get("provider_type"))


def dataset_provider_type(dataset: Mapping[str, Any]) -> str | None:
    """The provider-type code of the organisation publishing ``dataset``."""
    organisation = dataset.get("organization")
    code = provider_type_code(field_value(organisation, "provider_type"))
    if code is not None:
        return code
    organisation_id = (organisation or {}).get("id") or dataset.get("owner_org")
    return organisation_provider_type(organisation_id) if organisation_id else None


# --- labels --------------------------------------------------------------------


def current_language() -> str:
    """``ja`` or ``en``: the request's language, else the site's default."""
    language = tk.h.lang() if has_request_context() else None
    language = language or tk.config.get("ckan.locale_default") or "ja"
    return "en" if str(language).startswith("en") else "ja"


def term_label(terms: Iterable[vocabularies.Term], value: str | None) -> str:
    """The label of ``value`` in a vocabulary, in the current language."""
    if not value:
        return tk._("Not set")
    for term in terms:
        if term.value == value:
            return term.en if current_language() == "en" else term.ja
    return value


def _label(labels: Mapping[str, str], code: str | None) -> str:
    if not code:
        return tk._("Not set")
    return tk._(labels[code]) if code in labels else code


def access_tier_label(code: str | None) -> str:
    return _label(ACCESS_TIER_LABELS, code)


def provider_type_label(code: str | None) -> str:
    return term_label(vocabularies.PROVIDER_TYPES, code)


def sector_label(code: str | None) -> str:
    return _label(SECTOR_LABELS, code)


def update_frequency_label(code: str | None) -> str:
    return term_label(vocabularies.UPDATE_FREQUENCIES, code)


def freshness_label(status: str | None) -> str:
    return _label(FRESHNESS_LABELS, status)


def standard_label(code: str | None) -> str:
    """「13 公衆トイレ一覧」: number and name of a 自治体標準オープンデータセット."""
    if not code:
        return tk._("Not a standard dataset")
    return f"{code} {term_label(vocabularies.STANDARD_DATASETS, str(code))}"


# --- access tier, freshness, licence ----------------------------------------


def access_tier_info(dataset: Mapping[str, Any]) -> dict[str, str] | None:
    """Code, label and description of a dataset's access tier (``None``: not set)."""
    code = field_value(dataset, "access_tier")
    if not code:
        return None
    return {
        "code": code,
        "label": access_tier_label(code),
        "description": tk._(ACCESS_TIER_DESCRIPTIONS[code]) if code in ACCESS_TIER_DESCRIPTIONS else "",
    }


def freshness_info(
    dataset: Mapping[str, Any], reference_date: datetime.date | None = None
) -> dict[str, Any]:
    """A dataset's freshness with the texts a page shows.

    Returns:
        ``status``, ``label`` (e.g. 「更新遅れ」), ``detail`` (e.g.
        「最終更新 2025-09-01（81日前）」), ``frequency_label`` and the figures of
        :class:`ckanext.odpo.freshness.Freshness`.
    """
    assessed = freshness.assess_freshness(
        field_value(dataset, "last_data_update"),
        field_value(dataset, "update_frequency"),
        reference_date,
    )
    return {
        **assessed.as_dict(),
        "label": freshness_label(assessed.status),
        "detail": freshness_detail(assessed),
        "frequency_label": update_frequency_label(assessed.update_frequency)
        if assessed.update_frequency
        else "",
    }


def freshness_detail(assessed: freshness.Freshness) -> str:
    """One line on when the data was updated and is next expected."""
    if assessed.last_data_update is None or assessed.age_days is None:
        return tk._("The date of the last update is not known.")
    age = tk.ungettext("{age} day", "{age} days", assessed.age_days).format(age=assessed.age_days)
    if assessed.status == freshness.IRREGULAR:
        return tk._("Irregular ({age} since the last update)").format(age=age)
    detail = tk._("Last updated {date} ({age} ago)").format(
        date=assessed.last_data_update.isoformat(), age=age
    )
    if assessed.due_date is not None and assessed.is_overdue:
        detail += tk._(", next update was expected by {date}").format(
            date=assessed.due_date.isoformat()
        )
    return detail


def find_licence(license_id: str | None) -> tuple[Licence | None, bool]:
    """The register entry of ``license_id`` and whether it had to be inferred.

    Register ids are found directly; other ids (CKAN's ``cc-zero``, BODIK's
    ``cc-by-40-intl``) through the licence normaliser.
    """
    if not license_id:
        return None, False
    register = load_register()
    if license_id in register:
        return register[license_id], False
    match = normalise_licence(license_id)
    if match.licence_id is None or match.licence_id not in register:
        return None, False
    return register[match.licence_id], match.exactness == Exactness.INFERRED


def licence_terms(
    dataset: Mapping[str, Any], provider: str = "", dataset_url: str = ""
) -> dict[str, Any]:
    """What a dataset page says about its licence.

    Args:
        dataset: the dataset dict (``license_id``, ``license_title``,
            ``license_url``, ``title``).
        provider: the publishing organisation's name, for the citation.
        dataset_url: the dataset page's address, for the citation.

    Returns:
        ``id``, ``title`` (in the current language), ``short_name``, ``url``,
        ``summary`` (plain Japanese, empty when the licence is not in the
        register), ``flags`` (``name``,
        ``label``, ``value``: True / False / None, ``value_label``), ``citation``, ``modified_citation``,
        ``in_register`` and ``inferred`` (the register entry was assumed from
        a versionless id such as CKAN's ``cc-by``).
    """
    license_id = dataset.get("license_id") or ""
    licence, inferred = find_licence(license_id)
    if licence is None:
        title = dataset.get("license_title") or license_id or tk._("No licence provided")
        return {
            "id": license_id,
            "title": title,
            "short_name": title,
            "url": dataset.get("license_url") or "",
            "summary": "",
            "flags": [],
            "citation": "",
            "modified_citation": "",
            "in_register": False,
            "inferred": False,
        }
    title = dataset.get("title") or dataset.get("name") or ""
    return {
        "id": licence.id,
        "title": licence.title_en if current_language() == "en" else licence.title,
        "short_name": licence.short_name,
        "url": _licence_url(licence),
        "summary": licence.summary_ja,
        "flags": _licence_flags(licence),
        "citation": licence.citation(provider, title, dataset_url),
        "modified_citation": licence.citation(provider, title, dataset_url, modified=True),
        "in_register": True,
        "inferred": inferred,
    }


def _licence_url(licence: Licence) -> str:
    if licence.is_defined_by_odpo:
        return tk.config.get("ckan.site_url", "").rstrip("/") + licence.url
    return licence.url


def _licence_flags(licence: Licence) -> list[dict[str, Any]]:
    flags = licence.flags.as_dict()
    return [
        {
            "name": name,
            "label": tk._(label),
            "value": flags[name],
            "value_label": licence_flag_value_label(name, flags[name]),
        }
        for name, label in LICENCE_FLAG_LABELS.items()
    ]


def licence_flag_value_label(name: str, value: bool | None) -> str:
    """「可」「不可」「必要」... for one licence flag."""
    if value is None:
        return tk._("Set by the provider's terms")
    if_true, if_false = LICENCE_FLAG_VALUE_LABELS.get(name, DEFAULT_FLAG_VALUE_LABELS)
    return tk._(if_true if value else if_false)


# --- template helpers ----------------------------------------------------------


def odpo_field(entity: Mapping[str, Any] | None, key: str) -> Any:
    """Template access to :func:`field_value`."""
    return field_value(entity, key)


def odpo_access_tier(dataset: Mapping[str, Any]) -> dict[str, str] | None:
    """The access-tier badge of a dataset (``None`` when not set)."""
    return access_tier_info(dataset)


def odpo_provider_type(entity: Mapping[str, Any]) -> dict[str, str] | None:
    """Provider type (code, label, sector) of an organisation or of a dataset's
    organisation; ``None`` when not recorded."""
    if "owner_org" in entity or "organization" in entity:
        code = dataset_provider_type(entity)
    else:
        code = provider_type_code(field_value(entity, "provider_type"))
        if code is None and entity.get("id"):
            code = organisation_provider_type(entity["id"])
    if code is None:
        return None
    return {"code": code, "label": provider_type_label(code), "sector": sector_of(code)}


def odpo_freshness(dataset: Mapping[str, Any]) -> dict[str, Any]:
    """Freshness of a dataset today (see :func:`freshness_info`)."""
    return freshness_info(dataset)


def odpo_licence(dataset: Mapping[str, Any]) -> dict[str, Any]:
    """Licence terms of a dataset with its citation example (see :func:`licence_terms`)."""
    organisation = dataset.get("organization") or {}
    provider = organisation.get("title") or organisation.get("name") or ""
    url = tk.url_for(
        f"{dataset.get('type') or 'dataset'}.read",
        id=dataset.get("name"),
        _external=True,
        locale="default",  # the citation names the page, not a language version
    )
    return licence_terms(dataset, provider, url)


def odpo_standard_label(code: str | None) -> str:
    return standard_label(code)


def odpo_update_frequency_label(code: str | None) -> str:
    return update_frequency_label(code)


def odpo_catalogue_statistics() -> dict[str, Any]:
    """The figures of the statistics page (action ``odpo_catalogue_statistics``),
    computed once per request."""
    figures = getattr(tk.g, "odpo_catalogue_statistics", None)
    if figures is None:
        figures = tk.get_action("odpo_catalogue_statistics")({}, {})
        tk.g.odpo_catalogue_statistics = figures
    return figures


def odpo_recent_datasets(limit: int = 5) -> list[dict[str, Any]]:
    """The most recently changed public datasets, for the home page."""
    result = tk.get_action("package_search")(
        {}, {"q": "*:*", "rows": limit, "sort": "metadata_modified desc"}
    )
    return result["results"]


# Samples (ckanext.odpo.samples imports this module, so it is imported late).


def odpo_sample_previews(dataset: Mapping[str, Any]) -> list[Any]:
    """The dataset's samples with their first rows (``SamplePreview``)."""
    from ckanext.odpo.samples import display

    return display.sample_previews(dataset)


def odpo_sample_status(dataset: Mapping[str, Any]) -> Any:
    """What the provider is asked to do about the dataset's samples (``SampleStatus``)."""
    from ckanext.odpo.samples import display

    return display.sample_status(dataset)


def odpo_samples_missing_count(organisation_id: str) -> int:
    """How many non-open datasets of the organisation the current user may edit lack samples."""
    from ckanext.odpo.samples import display

    user_name = getattr(tk.current_user, "name", None)
    if not user_name:
        return 0
    return len(display.datasets_without_samples(user_name, organisation_id))


# --- search facets ---------------------------------------------------------------

#: Facets of the dataset search page, with their titles.
DATASET_FACETS = {
    "access_tier": N_("Access tier"),
    "license_id": N_("Licence"),
    "conforms_to": N_("Standard dataset type"),
}


def label_search_facets(search_facets: dict[str, Any]) -> dict[str, Any]:
    """Give the items of ODPO's facets readable names (in place, and returned).

    Access tiers and standard types get their labels; licences the short name
    of the register entry (CKAN names only licences of its own list).
    """
    labellers = {
        "access_tier": access_tier_label,
        "conforms_to": standard_label,
        "license_id": _licence_facet_label,
    }
    for facet, label in labellers.items():
        for item in (search_facets.get(facet) or {}).get("items", []):
            item["display_name"] = label(item["name"]) or item["display_name"]
    return search_facets


def _licence_facet_label(license_id: str) -> str:
    licence, inferred = find_licence(license_id)
    return licence.short_name if licence is not None and not inferred else ""


def add_dataset_facets(facets_dict: dict[str, Any]) -> dict[str, Any]:
    """CKAN's dataset facets plus ODPO's (the licence facet is retitled)."""
    for name, title in DATASET_FACETS.items():
        facets_dict[name] = tk._(title)
    return facets_dict
