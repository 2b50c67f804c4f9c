"""The catalogue's figures (``statistics.py``) and the action
``odpo_catalogue_statistics``, on a small demo catalogue."""
from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from ckanext.odpo.demo import CataloguePlan, DatasetPlan
from ckanext.odpo.demo.drafting import REFERENCE_DATE
from ckanext.odpo.demo.plan import PRIVATE_SECTOR, PUBLIC_SECTOR
from ckanext.odpo.freshness import FRESHNESS_STATUSES, assess_freshness
from ckanext.odpo.helpers import provider_type_code
from ui_support import UI_PLUGINS

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", UI_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


def _statistics(**data_dict: Any) -> dict[str, Any]:
    from ckan.tests.helpers import call_action

    return call_action("odpo_catalogue_statistics", **data_dict)


def _by_sector(items: Iterable[Any], key: Callable[[Any], str | None]) -> dict[str, dict[str, int]]:
    """``{key: {"total", "public", "private"}}`` of planned items."""
    counts: dict[str, Counter[str]] = {}
    for item in items:
        counts.setdefault(key(item) or "", Counter())[item.sector] += 1
    return {
        name: {
            "total": sum(sectors.values()),
            "public": sectors[PUBLIC_SECTOR],
            "private": sectors[PRIVATE_SECTOR],
        }
        for name, sectors in counts.items()
    }


def _rows(figures: dict[str, Any], breakdown: str) -> dict[str, dict[str, int]]:
    return {
        row["key"]: {"total": row["total"], "public": row["public"], "private": row["private"]}
        for row in figures[breakdown]
        if row["total"]
    }


def _sector_counts(plan_total: int, public: int, private: int) -> dict[str, int]:
    assert plan_total == public + private
    return {"total": plan_total, "public": public, "private": private}


def test_totals_equal_the_planned_catalogue(demo_catalogue: CataloguePlan) -> None:
    plan = demo_catalogue
    totals = _statistics()["totals"]
    assert totals["organisations"] == _sector_counts(
        len(plan.organisations),
        len(plan.organisations_of(PUBLIC_SECTOR)),
        len(plan.organisations_of(PRIVATE_SECTOR)),
    )
    assert totals["datasets"] == _sector_counts(
        len(plan.datasets), len(plan.datasets_of(PUBLIC_SECTOR)), len(plan.datasets_of(PRIVATE_SECTOR))
    )
    assert totals["resources"] == _sector_counts(
        plan.resource_count(), plan.resource_count(PUBLIC_SECTOR), plan.resource_count(PRIVATE_SECTOR)
    )


def test_breakdowns_equal_the_planned_catalogue(demo_catalogue: CataloguePlan) -> None:
    plan = demo_catalogue
    figures = _statistics()
    assert _rows(figures, "datasets_by_access_tier") == _by_sector(plan.datasets, lambda d: d.access_tier)
    assert _rows(figures, "datasets_by_licence") == _by_sector(plan.datasets, lambda d: d.license_id)
    assert _rows(figures, "datasets_by_standard") == _by_sector(plan.datasets, lambda d: d.conforms_to)
    assert _rows(figures, "organisations_by_provider_type") == _by_sector(
        plan.organisations, lambda o: provider_type_code(o.provider_type)
    )


def test_freshness_is_judged_on_the_reference_date(demo_catalogue: CataloguePlan) -> None:
    def status(dataset: DatasetPlan) -> str:
        return assess_freshness(dataset.last_data_update, dataset.update_frequency, REFERENCE_DATE).status

    figures = _statistics(reference_date=REFERENCE_DATE.isoformat())
    assert figures["reference_date"] == REFERENCE_DATE.isoformat()
    assert [row["key"] for row in figures["datasets_by_freshness"]] == list(FRESHNESS_STATUSES)
    assert _rows(figures, "datasets_by_freshness") == _by_sector(demo_catalogue.datasets, status)
    # The demo's dates lie before its reference date: most data was fresh then.
    fresh = next(row for row in figures["datasets_by_freshness"] if row["key"] == "fresh")
    assert fresh["total"] > len(demo_catalogue.datasets) / 2


def test_freshness_defaults_to_today(demo_catalogue: CataloguePlan) -> None:
    assert _statistics()["reference_date"] == datetime.date.today().isoformat()


def test_every_row_is_labelled(demo_catalogue: CataloguePlan) -> None:
    figures = _statistics()
    for name in (
        "organisations_by_provider_type",
        "datasets_by_access_tier",
        "datasets_by_licence",
        "datasets_by_standard",
        "datasets_by_freshness",
    ):
        for row in figures[name]:
            assert row["label"], (name, row)
            assert row["total"] == row["public"] + row["private"]


def test_only_the_published_catalogue_is_counted(demo_catalogue: CataloguePlan) -> None:
    """Deleted and private datasets, deleted resources and datasets of other
    types (harvest sources) are not part of the catalogue."""
    from ckan import model
    from ckan.tests.helpers import call_action

    before = _statistics()["totals"]
    public_datasets = [d for d in demo_catalogue.datasets if d.sector == PUBLIC_SECTOR]
    deleted, made_private, harvest_source = public_datasets[:3]
    trimmed = next(d for d in public_datasets[3:] if len(d.resources) > 1)
    call_action("package_delete", id=deleted.name)
    for name, changes in ((made_private.name, {"private": True}), (harvest_source.name, {"type": "harvest"})):
        model.Session.query(model.Package).filter_by(name=name).update(changes)
    model.Session.commit()
    call_action("resource_delete", id=call_action("package_show", id=trimmed.name)["resources"][0]["id"])
    after = _statistics()["totals"]
    removed = (deleted, made_private, harvest_source)
    assert after["datasets"]["public"] == before["datasets"]["public"] - 3
    assert after["resources"]["public"] == before["resources"]["public"] - 1 - sum(
        len(d.resources) for d in removed
    )
    assert after["datasets"]["private"] == before["datasets"]["private"]
    assert after["organisations"] == before["organisations"]


def test_a_deleted_organisation_is_not_counted(demo_catalogue: CataloguePlan) -> None:
    from ckan import model

    company = demo_catalogue.organisations_of(PRIVATE_SECTOR)[-1]
    model.Session.query(model.Group).filter_by(name=company.name).update({"state": "deleted"})
    model.Session.commit()
    organisations = _statistics()["totals"]["organisations"]
    assert organisations["private"] == len(demo_catalogue.organisations_of(PRIVATE_SECTOR)) - 1


def test_an_empty_catalogue_counts_zero() -> None:
    figures = _statistics()
    assert figures["totals"] == {
        name: {"total": 0, "public": 0, "private": 0}
        for name in ("organisations", "datasets", "resources")
    }
    assert [row["total"] for row in figures["datasets_by_freshness"]] == [0] * len(FRESHNESS_STATUSES)
    assert figures["datasets_by_access_tier"] == []


def test_anyone_may_read_the_figures() -> None:
    from ckan import model
    from ckan.tests.helpers import call_auth

    assert call_auth("odpo_catalogue_statistics", {"user": "", "model": model})


def test_the_figures_are_served_by_the_api_to_anonymous_users(app: Any) -> None:
    response = app.get("/api/3/action/odpo_catalogue_statistics")
    assert response.status_code == 200
    result = response.json["result"]
    assert set(result["totals"]) == {"organisations", "datasets", "resources"}


def test_a_malformed_reference_date_is_refused() -> None:
    import ckan.plugins.toolkit as tk

    with pytest.raises(tk.ValidationError) as error:
        _statistics(reference_date="yesterday")
    assert "reference_date" in error.value.error_dict
