"""Fixtures of the sharing tests: an ODPO catalogue with datasets of every
access tier, created through CKAN's actions."""
from __future__ import annotations

from typing import Any

import pytest

SHARING_PLUGINS = "odpo_search odpo scheming_datasets scheming_organizations dcat odpo_sharing"
SHARING_OPTIONS = {
    "ckanext.dcat.rdf.profiles": "odpo_dcat_ap3",
    "ckanext.dcat.enable_content_negotiation": "false",
}


def organisation(name: str = "suita-city", **fields: Any) -> dict[str, Any]:
    from ckan.tests import factories

    values = {"name": name, "title": "吹田市", "provider_type": "municipality",
              "municipality_code": "272051", "contact_email": "opendata@city.suita.example",
              "website": "https://www.city.suita.example/"}
    values.update(fields)
    return factories.Organization(**values)


def dataset(org: dict[str, Any], name: str, tier: str = "open", **fields: Any) -> dict[str, Any]:
    """A dataset of ``org`` with one data resource and, for non-open tiers,
    one public sample."""
    import ckan.plugins.toolkit as tk

    resources = [{"name": "データ", "url": f"https://files.example/{name}/data.csv", "format": "CSV"}]
    if tier != "open":
        resources.append({"name": "サンプル", "url": f"https://files.example/{name}/sample.csv",
                          "format": "CSV", "is_sample": True, "sample_of": "データ"})
    values: dict[str, Any] = {
        "name": name, "title": f"吹田市 {name}", "owner_org": org["id"], "access_tier": tier,
        "notes": "説明", "resources": resources, "personal_data_class": "none",
    }
    if tier == "restricted":
        values["license_id"] = "odpo-restricted"
    elif tier == "paid":
        values["license_id"] = "odpo-paid"
        values["price_plans"] = [{"name": "月額", "price_jpy": 1000, "period": "monthly", "delivery": "file"}]
    else:
        values["license_id"] = "cc-by-4.0"
    values.update(fields)
    return tk.get_action("package_create")({"ignore_auth": True, "user": _site_user()}, values)


def _site_user() -> str:
    import ckan.plugins.toolkit as tk

    return tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]


@pytest.fixture
def sharing_config(ckan_config: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in SHARING_OPTIONS.items():
        monkeypatch.setitem(ckan_config, key, value)


SHARING_TABLES = ("odpo_sharing_pull_log", "odpo_sharing_partner", "odpo_sharing_change",
                  "odpo_sharing_subscription", "odpo_sharing_dcat_fragment")


@pytest.fixture
def clean_sharing(clean_db: None) -> None:
    """Empty the sharing tables (CKAN's ``reset_db`` keeps plugin tables)."""
    import sqlalchemy as sa
    from ckan import model

    model.Session.execute(sa.text(f"TRUNCATE {', '.join(SHARING_TABLES)} RESTART IDENTITY"))
    model.Session.commit()
