"""Benchmark of the consent plugin (``ckanext.orden_consent``).

    .venv/bin/python benchmarks/consent.py [--events 20000] [--users 2000]
        [--datasets 200] [--checks 2000] [--db-url URL] [--redis-url URL]

It creates (or empties) a database whose name contains ``bench``, runs
``ckan db init`` and ``ckan db upgrade -p orden_consent``, seeds the default
terms, then measures, in this process:

- appending consent events to the hash-chained ledger (``ledger.append`` +
  commit, one transaction per event, as the web and API do);
- ``shared.check_dataset_consent`` (what the download gate and the access
  plugin ask on every request) and ``check_platform_consent`` latency,
  with that ledger in place;
- ``ckan orden-consent verify`` speed (records per second).
"""
from __future__ import annotations

import argparse
import configparser
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def say(message: str) -> None:
    print(message, flush=True)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def latency_line(name: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (f"{name}: n={len(ms)} mean={statistics.mean(ms):.2f} ms p50={percentile(ms, .5):.2f} "
            f"p95={percentile(ms, .95):.2f} p99={percentile(ms, .99):.2f} max={max(ms):.2f}")


def prepare_database(db_url: str) -> None:
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    url = make_url(db_url)
    if "bench" not in (url.database or ""):
        raise SystemExit("the database name must contain 'bench' (it is dropped and recreated)")
    engine = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
    engine.dispose()


def write_ini(workdir: Path, db_url: str, redis_url: str) -> Path:
    parser = configparser.RawConfigParser(strict=False)
    parser.optionxform = str
    parser.read(ROOT / "test.ini", encoding="utf-8")
    main = parser["app:main"]
    main["sqlalchemy.url"] = db_url
    main["ckan.redis.url"] = redis_url
    main["ckan.plugins"] = "odpo_search orden_consent"
    main["ckan.storage_path"] = str(workdir / "storage")
    main["cache_dir"] = str(workdir / "cache")
    main["orden_consent.notify_by_email"] = "false"
    ini = workdir / "consent-bench.ini"
    with ini.open("w", encoding="utf-8") as handle:
        parser.write(handle)
    return ini


def run_ckan(ini: Path, *args: str) -> str:
    command = [str(Path(sys.executable).with_name("ckan")), "-c", str(ini), *args]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"`ckan {' '.join(args)}` failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return result.stdout + result.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--datasets", type=int, default=200)
    parser.add_argument("--checks", type=int, default=2000)
    parser.add_argument("--db-url", default="postgresql://odpo:odpo@127.0.0.1:54329/odpo_consent_bench")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:63799/4")
    options = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="consent-bench-"))
    say(f"database {options.db_url}; work directory {workdir}")
    prepare_database(options.db_url)
    ini = write_ini(workdir, options.db_url, options.redis_url)
    say("ckan db init; ckan db upgrade -p orden_consent; ckan orden-consent seed")
    run_ckan(ini, "db", "init")
    run_ckan(ini, "db", "upgrade", "-p", "orden_consent")
    run_ckan(ini, "orden-consent", "seed")

    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(str(ini)))
    with app._wsgi_app.test_request_context():
        measure(options, ini)


def measure(options: argparse.Namespace, ini: Path) -> None:
    import ckan.model as model

    from ckanext.orden_consent import decisions, ledger, shared, terms
    from ckanext.orden_consent.model import CONSENT_GIVEN, CONSENT_WITHDRAWN, PLATFORM_KINDS

    rng = random.Random(20261122)
    say(f"creating {options.users} users")
    users = []
    for index in range(options.users):
        # no password: hashing one takes longer than everything measured here
        user = model.User(name=f"bench-user-{index:05d}", email=f"u{index}@bench.example.jp")
        model.Session.add(user)
        users.append(user)
    model.Session.commit()
    user_ids = [user.id for user in users]
    datasets = [{"id": str(uuid.uuid4()), "name": f"bench-dataset-{i}", "title": f"データ{i}",
                 "owner_org": None, "access_tier": rng.choice(["restricted", "paid", "registered"])}
                for i in range(options.datasets)]
    platform = {kind: terms.current(kind, "platform") for kind in PLATFORM_KINDS}
    data_terms = {dataset["id"]: terms.dataset_terms(dataset) for dataset in datasets}

    say(f"appending {options.events} ledger events (one transaction each)")
    durations = []
    started = time.perf_counter()
    for index in range(options.events):
        user_id, dataset = rng.choice(user_ids), rng.choice(datasets)
        version = data_terms[dataset["id"]]
        begin = time.perf_counter()
        if index % 5 == 0:
            version = platform[PLATFORM_KINDS[index % 2]]
            ledger.append(event_type=CONSENT_GIVEN, user_id=user_id, scope=version.kind, channel="web",
                          terms_version_id=version.id, terms_content_hash=version.content_hash)
        else:
            kind = CONSENT_WITHDRAWN if index % 23 == 0 else CONSENT_GIVEN
            ledger.append(event_type=kind, user_id=user_id, scope=decisions.dataset_scope(dataset["id"]),
                          channel="api", dataset_id=dataset["id"],
                          terms_version_id=version.id if version else None,
                          terms_content_hash=version.content_hash if version else None)
        model.Session.commit()
        durations.append(time.perf_counter() - begin)
        if (index + 1) % 5000 == 0:
            say(f"  {index + 1} events, {(index + 1) / (time.perf_counter() - started):.0f}/s")
    total = time.perf_counter() - started
    say(f"ledger append: {options.events / total:.0f} events/s")
    say(latency_line("ledger append (per event)", durations))

    say(f"checking {options.checks} (user, dataset) pairs")
    dataset_checks, platform_checks, allowed = [], [], 0
    for _ in range(options.checks):
        user_id, dataset = rng.choice(user_ids), rng.choice(datasets)
        begin = time.perf_counter()
        decision = shared.check_dataset_consent(user_id, dataset)
        dataset_checks.append(time.perf_counter() - begin)
        allowed += decision.allowed
        begin = time.perf_counter()
        shared.check_platform_consent(user_id)
        platform_checks.append(time.perf_counter() - begin)
        model.Session.remove()
    say(latency_line("check_dataset_consent", dataset_checks))
    say(latency_line("check_platform_consent", platform_checks))
    say(f"  ({allowed} of {options.checks} checks allowed)")

    begin = time.perf_counter()
    output = run_ckan(ini, "orden-consent", "verify")
    elapsed = time.perf_counter() - begin
    say(f"ckan orden-consent verify: {elapsed:.1f} s for {options.events} records "
        f"(including CLI start-up): {output.strip().splitlines()[-1]}")
    begin = time.perf_counter()
    result = ledger.verify()
    elapsed = time.perf_counter() - begin
    say(f"ledger.verify in process: {result.records / elapsed:.0f} records/s (ok={result.ok})")


if __name__ == "__main__":
    main()
