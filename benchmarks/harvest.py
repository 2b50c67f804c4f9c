"""Harvest benchmark: ODPO's BODIK harvester against ckanext-harvest's stock
``ckan_harvester``, on the same local CKAN source of N datasets.

    .venv/bin/python benchmarks/harvest.py [--datasets 1000]

Needs the services of ``make services`` (CKAN_SQLALCHEMY_URL / CKAN_REDIS_URL
as for the tests). A real CKAN source site is started (tests/ckan_sites.py),
filled through its API, then each harvester runs a full harvest into a
freshly reset ODPO database (politeness delay 0) and the BODIK harvester a
second, incremental run with nothing changed. Prints datasets/s, the ratio
and the incremental time as a share of the full harvest.
ODPO_HARVEST_BENCH_PROFILE=1 prints a cProfile of the BODIK harvest (and
ODPO_HARVEST_BENCH_PROFILE_FILE=path keeps it for pstats).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=1000)
    arguments = parser.parse_args()
    environment = {**os.environ, "ODPO_HARVEST_BENCH_DATASETS": str(arguments.datasets)}
    command = [sys.executable, "-m", "pytest", "--ckan-ini", str(ROOT / "test.ini"), "-q", "-s",
               "-p", "no:cacheprovider", "-p", "no:warnings", "--rootdir", str(ROOT),
               str(ROOT / "benchmarks" / "_harvest_run.py")]
    return subprocess.call(command, env=environment, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main())
