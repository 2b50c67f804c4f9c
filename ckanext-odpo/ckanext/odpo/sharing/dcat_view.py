"""What ODPO publishes about a dataset to other catalogues.

Plain functions over a dataset dict (as ``package_show`` returns it), shared
by the DCAT profile, the partner change feed and the API guard:

- which resources of a dataset may be handed out with their URL
  (:func:`resource_is_public`) and the dataset with the others taken out
  (:func:`public_copy`);
- the values ckanext-dcat's DCAT-AP 3 profile reads, named as it names them
  (:func:`dcat_fields`).
"""
from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from ckanext.odpo import vocabularies as vocab
from ckanext.odpo.licences.register import load_register

#: The standard the 自治体標準オープンデータセット items are defined in.
STANDARD_DATASETS_URL = "https://www.digital.go.jp/resources/open_data/municipal-standard-data-set-test"
EU_ACCESS_RIGHT_BASE = "http://publications.europa.eu/resource/authority/access-right/"
#: access tier -> EU access right (DCAT-AP's controlled vocabulary)
TIER_EU_ACCESS_RIGHT = {
    vocab.OPEN_TIER: EU_ACCESS_RIGHT_BASE + "PUBLIC",
    vocab.REGISTERED_TIER: EU_ACCESS_RIGHT_BASE + "RESTRICTED",
    vocab.RESTRICTED_TIER: EU_ACCESS_RIGHT_BASE + "RESTRICTED",
    vocab.PAID_TIER: EU_ACCESS_RIGHT_BASE + "RESTRICTED",
}
_TIER_LABELS = {term.value: term for term in vocab.ACCESS_TIERS}
_STANDARD_LABELS = {term.value: term for term in vocab.STANDARD_DATASETS}


def access_tier(dataset: Mapping[str, Any]) -> str:
    return str(dataset.get("access_tier") or vocab.OPEN_TIER)


def resource_is_sample(resource: Mapping[str, Any]) -> bool:
    return str(resource.get("is_sample", "")).lower() in {"true", "1", "yes"}


def resource_is_public(dataset: Mapping[str, Any], resource: Mapping[str, Any]) -> bool:
    """Whether anyone may have the resource's URL: resources of open
    datasets and public samples; never the data of the other tiers."""
    return access_tier(dataset) == vocab.OPEN_TIER or resource_is_sample(resource)


def dataset_page_url(site_url: str, dataset: Mapping[str, Any]) -> str:
    """The dataset's page, where access to non-open data is requested."""
    return f"{site_url.rstrip('/')}/dataset/{dataset.get('name') or dataset.get('id')}"


def public_copy(dataset: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of the dataset without the resources whose data is not
    public (their URLs and rows are not handed out)."""
    shared = copy.deepcopy(dict(dataset))
    resources = shared.get("resources") or []
    withheld = {str(resource.get(key)) for resource in resources if not resource_is_public(dataset, resource)
                for key in ("id", "name") if resource.get(key)}
    shared["resources"] = [resource for resource in resources if resource_is_public(dataset, resource)]
    for resource in shared["resources"]:
        if resource.get("sample_of") in withheld:
            # a sample of withheld data: which resource it shows is not shared
            resource.pop("sample_of")
    shared["num_resources"] = len(shared["resources"])
    return shared


def tier_uri(site_url: str, tier: str) -> str:
    """ODPO's URI of an access tier (a ``dct:RightsStatement``)."""
    return f"{site_url.rstrip('/')}/sharing/access-tier/{tier}"


def tier_label(tier: str) -> tuple[str, str]:
    term = _TIER_LABELS.get(tier) or _TIER_LABELS[vocab.OPEN_TIER]
    return term.ja, term.en


def standard_uri(number: str) -> str:
    return f"{STANDARD_DATASETS_URL}#{number}"


def standard_label(number: str) -> tuple[str, str] | None:
    term = _STANDARD_LABELS.get(number)
    return (term.ja, term.en) if term else None


def licence_uri(site_url: str, licence_id: str | None) -> str | None:
    """Canonical URI of a licence of the harmonised register (absolute)."""
    if not licence_id:
        return None
    register = load_register()
    if licence_id not in register:
        return None
    url = register[licence_id].url
    return f"{site_url.rstrip('/')}{url}" if url.startswith("/") else url


def dcat_fields(dataset: Mapping[str, Any], organisation: Mapping[str, Any], site_url: str) -> dict[str, Any]:
    """The dataset as ckanext-dcat's DCAT-AP 3 profile reads it.

    ``organisation`` is the owner's ``organization_show`` dict (with the
    scheming fields ``municipality_code``, ``contact_email``, ``website``).
    Resources whose data is not public keep their description but lose their
    URLs: their access URL is the dataset page, where access is requested.
    """
    view = dict(dataset)
    tier = access_tier(dataset)
    page = dataset_page_url(site_url, dataset)
    view["identifier"] = dataset.get("name") or dataset.get("id")
    view["url"] = dataset.get("url") or page
    view["frequency"] = vocab.UPDATE_FREQUENCY_DCAT.get(str(dataset.get("update_frequency") or ""))
    view["theme"] = [
        vocab.THEME_EU_DATA_THEME[theme] for theme in _as_list(dataset.get("theme"))
        if theme in vocab.THEME_EU_DATA_THEME
    ]
    view["conforms_to"] = [standard_uri(dataset["conforms_to"])] if dataset.get("conforms_to") else []
    view["access_rights"] = tier_uri(site_url, tier)
    view["license_url"] = licence_uri(site_url, dataset.get("license_id"))
    view.pop("license_id", None)  # the profile would emit the bare id as a URI
    view["language"] = ["http://publications.europa.eu/resource/authority/language/JPN"]
    view["contact"] = [_contact(dataset, organisation)] if _contact(dataset, organisation) else []
    view["publisher"] = [_publisher(organisation, site_url)] if organisation else []
    view.pop("organization", None)
    view["resources"] = [_distribution(dataset, resource, page, view["license_url"])
                         for resource in dataset.get("resources") or []]
    return view


def _contact(dataset: Mapping[str, Any], organisation: Mapping[str, Any]) -> dict[str, str]:
    contact = {
        "name": dataset.get("contact_name") or organisation.get("title") or "",
        "email": dataset.get("contact_email") or organisation.get("contact_email") or "",
    }
    return {key: value for key, value in contact.items() if value}


def _publisher(organisation: Mapping[str, Any], site_url: str) -> dict[str, str]:
    publisher = {
        "uri": f"{site_url.rstrip('/')}/organization/{organisation.get('name') or organisation.get('id')}",
        "name": organisation.get("title") or organisation.get("name") or "",
        "email": organisation.get("contact_email") or "",
        "url": organisation.get("website") or "",
        "identifier": organisation.get("municipality_code") or "",
        "type": "http://purl.org/adms/publishertype/LocalAuthority"
        if organisation.get("municipality_code") else "",
    }
    return {key: value for key, value in publisher.items() if value}


def _distribution(
    dataset: Mapping[str, Any], resource: Mapping[str, Any], page: str, licence: str | None
) -> dict[str, Any]:
    distribution = {
        key: value for key, value in resource.items()
        if key not in {"url", "access_url", "download_url", "url_type"}
    }
    distribution["license"] = licence
    distribution["format"] = format_uri(resource.get("format"))
    if resource_is_public(dataset, resource):
        distribution["url"] = resource.get("url")
        distribution["download_url"] = resource.get("url")
        distribution["access_url"] = resource.get("url")
    else:
        distribution["access_url"] = page
    return distribution


EU_FILE_TYPE_BASE = "http://publications.europa.eu/resource/authority/file-type/"
#: ODPO/CKAN format names whose EU file-type code differs
_FILE_TYPE_CODES = {"GEOJSON": "GEOJSON", "XLS": "XLS", "XLSX": "XLSX", "TEXT": "TXT", "SHP": "SHP",
                    "API": "", "WEB PAGE": "HTML"}


def format_uri(fmt: object) -> str | None:
    """The EU file-type authority URI of a resource format (``CSV`` ->
    ``.../file-type/CSV``); ``None`` where there is none (e.g. ``API``)."""
    name = str(fmt or "").strip().upper()
    code = _FILE_TYPE_CODES.get(name, name)
    if not code or not code.replace("_", "").isalnum():
        return None
    return EU_FILE_TYPE_BASE + code


def _as_list(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [part for part in value.replace(",", " ").split() if part]
    return [str(part) for part in value]
