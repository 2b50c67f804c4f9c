"""The measured part of benchmarks/harvest.py (run through CKAN's pytest
plugin for its app and database fixtures; not part of the test suite)."""
from __future__ import annotations

import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests" / "harvest"), str(ROOT / "tests")]

from harvest_support import (  # noqa: E402  (tests/harvest: source site helpers)
    HARVEST_PLUGINS,
    bodik_organisation,
    harvest_source,
    run_job,
)

pytest_plugins = ["harvest_fixtures"]
DATASETS = int(os.environ.get("ODPO_HARVEST_BENCH_DATASETS", "1000"))
SUITA = "272051"


def remote_dataset(number: int) -> dict:
    return {
        "name": f"{SUITA}_bench_{number:05d}", "title": f"吹田市 ベンチマーク データ {number}",
        "owner_org": SUITA, "notes": "ベンチマーク用のデータセットです。" * 5,
        "license_id": "cc-by-4.0", "tags": [{"name": "ベンチマーク"}, {"name": f"tag{number % 50}"}],
        "resources": [{"name": "CSV", "url": f"https://example.jp/{number}.csv", "format": "CSV"}],
    }


@pytest.fixture(scope="module")
def filled_source(remote):
    bodik_organisation(remote, SUITA, "吹田市", "https://www.city.suita.osaka.jp/")
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda number: remote.call("package_create", **remote_dataset(number)), range(DATASETS)))
    print(f"\nsource: {DATASETS} datasets created through the API in {time.monotonic() - started:.1f} s")
    return remote


def pooled_engine() -> None:
    """Bind CKAN's model to an engine made as CKAN makes it when it starts.

    ``reset_db`` runs CKAN's migrations, whose alembic environment rebinds the
    model to a ``NullPool`` engine (ckan/migration/env.py): every transaction
    then opens a new PostgreSQL connection, which a running CKAN (web or
    harvest consumers) never does. Both harvesters are measured on this engine.
    """
    import ckan.model as model
    from ckan.common import config
    from sqlalchemy import engine_from_config

    model.init_model(engine_from_config(dict(config)))


@pytest.mark.ckan_config("ckan.plugins", HARVEST_PLUGINS + " ckan_harvester")
@pytest.mark.usefixtures("with_plugins")
def test_harvest_speed(filled_source, reset_db):
    from ckan.lib import search
    from ckan.tests import factories
    from tests_conftest import upgrade_plugin_tables

    def fresh() -> None:
        reset_db()
        upgrade_plugin_tables()
        search.clear_all()  # reset_db keeps the index table: the other run's documents
        if not os.environ.get("ODPO_HARVEST_BENCH_NULLPOOL"):
            pooled_engine()

    fresh()
    source = harvest_source(filled_source.base_url, "odpo_bodik", {"organisation_codes": [SUITA]}, name="ours")
    started = time.monotonic()
    if os.environ.get("ODPO_HARVEST_BENCH_PROFILE"):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        ours = profiler.runcall(run_job, source["id"], "odpo_bodik")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        if os.environ.get("ODPO_HARVEST_BENCH_PROFILE_FILE"):
            profiler.dump_stats(os.environ["ODPO_HARVEST_BENCH_PROFILE_FILE"])
    else:
        ours = run_job(source["id"], "odpo_bodik")
    ours_time = time.monotonic() - started
    ours_ok = sum(1 for item in ours["objects"].values() if item["state"] == "COMPLETE")
    started = time.monotonic()
    again = run_job(source["id"], "odpo_bodik")
    incremental_time = time.monotonic() - started

    fresh()
    organisation = factories.Organization(provider_type="company")
    stock_source = harvest_source(filled_source.base_url, "ckan", name="stock")
    from ckanext.harvest.model import HarvestSource
    record = HarvestSource.get(stock_source["id"])
    record.config, record.publisher_id = "{}", organisation["id"]
    record.save()
    started = time.monotonic()
    stock = run_job(stock_source["id"], "ckan")
    stock_time = time.monotonic() - started
    stock_ok = sum(1 for item in stock["objects"].values() if item["state"] == "COMPLETE")

    ours_rate, stock_rate = ours_ok / ours_time, stock_ok / stock_time
    print(f"ODPO BODIK harvester : {ours_ok}/{DATASETS} imported in {ours_time:.1f} s = {ours_rate:.1f} datasets/s")
    print(f"stock ckan_harvester : {stock_ok}/{DATASETS} imported in {stock_time:.1f} s = {stock_rate:.1f} datasets/s")
    print(f"ratio ours/stock     : {ours_rate / stock_rate:.2f}x (target >= 3x)")
    print(f"incremental, nothing changed: {incremental_time:.2f} s = "
          f"{incremental_time / ours_time:.1%} of the full harvest (target < 5%), "
          f"{len(again['objects'])} objects")
