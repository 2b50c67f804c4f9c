"""Benchmark of cross-prefecture sharing (``ckanext.odpo.sharing``).

    .venv/bin/python benchmarks/sharing.py [--sizes 3000,10000] [--db-url URL] [--redis-url URL]

For every size it loads that many synthetic datasets (``_synthetic.py``: rows
in CKAN's ``package`` table and documents in the search index, exactly what
both DCAT endpoints read), starts a real CKAN web server (``ckan run``) with
ODPO's plugins and measures, over HTTP:

- the whole catalogue as Turtle from ODPO's ``/sharing/catalog.ttl``, cold
  (every dataset rendered) and warm (stored fragments);
- paging through it (``?page=N&page_size=1000``);
- paging through ckanext-dcat's stock ``/catalog.ttl`` (same profile,
  ``ckanext.dcat.datasets_per_page`` = 100, CKAN's default) in the same run,
  and the ratio of the two;
- the partner change feed: one change per dataset, paged through with a
  partner token (1,000 per page).

The database (default ``odpo_bench_sharing`` on ``make services``' cluster)
is created when missing; its name must contain ``bench`` (tables are emptied).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _synthetic import SyntheticCatalogue, index_document
from search import ckan_server, ensure_database, free_port, run_ckan, say, stop_process_group  # noqa: F401

DEFAULT_DB_URL = "postgresql://odpo:odpo@127.0.0.1:54329/odpo_bench_sharing"
DEFAULT_REDIS_URL = "redis://127.0.0.1:63799/4"
SITE_ID = "odpo-bench"
TARGET_SECONDS = 10.0  # the whole 10,000-dataset catalogue
TARGET_RATIO = 2.0  # at least twice as fast as the stock endpoint
PLUGINS = "odpo_search odpo scheming_datasets scheming_organizations dcat odpo_sharing"

INI_TEMPLATE = """\
# Written by benchmarks/sharing.py for one run; deleted afterwards.
[DEFAULT]
debug = false

[app:main]
use = egg:ckan
sqlalchemy.url = {db_url}
ckan.redis.url = {redis_url}
solr_url = http://127.0.0.1:8983/solr/ckan
ckan.site_id = {site_id}
ckan.site_url = http://127.0.0.1:{port}
ckan.storage_path = {workdir}/storage
cache_dir = {workdir}/cache
odpo.search.backend = postgres
ckan.plugins = {plugins}
scheming.dataset_schemas = ckanext.odpo_schemas:dataset.yaml
scheming.organization_schemas = ckanext.odpo_schemas:organization.yaml
ckanext.dcat.rdf.profiles = odpo_dcat_ap3
ckanext.dcat.datasets_per_page = 100
ckanext.dcat.enable_content_negotiation = false
odpo.sharing.partner_rate_limit = 100000
ckan.locale_default = ja
ckan.locales_offered = ja en
SECRET_KEY = odpo-bench-secret-key
WTF_CSRF_ENABLED = false

[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARN
handlers = console

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(asctime)s %(levelname)-5.5s [%(name)s] %(message)s
"""


def shared_package(package: dict[str, Any]) -> dict[str, Any]:
    """A synthetic ``package_show`` dict as ODPO's scheming schema shows it:
    ODPO's fields at the top level instead of extras."""
    shaped = dict(package)
    for extra in shaped.pop("extras", []):
        shaped[extra["key"]] = extra["value"]
    shaped["extras"] = []
    shaped.setdefault("access_tier", "open")
    shaped["share_with_partners"] = True
    return shaped


class Site:
    """The benchmark database, seen from this process."""

    def __init__(self, db_url: str) -> None:
        import sqlalchemy as sa

        self.sa = sa
        self.engine = sa.create_engine(db_url, pool_size=2)

    def execute(self, sql: str, rows: list[dict[str, Any]] | None = None) -> None:
        with self.engine.begin() as conn:
            conn.execute(self.sa.text(sql), rows or {})

    def load(self, catalogue: SyntheticCatalogue, size: int) -> int:
        """Datasets 0..size-1 into ``package`` and the search index; returns
        how many are public."""
        from ckanext.odpo.search.connection import PostgresSearchConnection

        self.execute("TRUNCATE odpo_search_document, odpo_search_text, odpo_sharing_change, odpo_sharing_dcat_fragment,"
                     " odpo_sharing_pull_log RESTART IDENTITY")
        self.execute("DELETE FROM odpo_sharing_partner")
        self.execute("DELETE FROM package")
        connection = PostgresSearchConnection(engine_factory=lambda: self.engine)
        public = 0
        for first in range(0, size, 500):
            packages = [shared_package(catalogue.package(i)) for i in range(first, min(size, first + 500))]
            self.execute(
                "INSERT INTO package (id, name, title, type, state, private, owner_org, license_id,"
                " metadata_created, metadata_modified)"
                " VALUES (:id, :name, :title, 'dataset', :state, :private, :owner_org, :license_id,"
                " :metadata_created, :metadata_modified)",
                [{key: p[key] for key in ("id", "name", "title", "state", "private", "owner_org",
                                          "license_id", "metadata_created", "metadata_modified")}
                 for p in packages])
            connection.add([index_document(p, SITE_ID) for p in packages])
            public += sum(1 for p in packages if p["state"] == "active" and not p["private"])
            say(f"  loaded {min(size, first + 500):>6,}/{size:,}")
        self.execute(
            "INSERT INTO odpo_sharing_change (dataset_id, dataset_name, change_type)"
            " SELECT id, name, 'created' FROM package ORDER BY metadata_modified")
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
        return public

    def organisations(self, catalogue: SyntheticCatalogue) -> None:
        rows = [{"id": org.id, "name": org.name, "title": org.title, "created": org.created}
                for org in catalogue.organisations]
        self.execute(
            "INSERT INTO \"group\" (id, name, title, type, is_organization, state, approval_status,"
            " created, description, image_url) VALUES (:id, :name, :title, 'organization', true, 'active',"
            " 'approved', :created, '', '') ON CONFLICT (id) DO NOTHING", rows)


def fetch(session: Any, url: str, **kwargs: Any) -> tuple[float, bytes]:
    started = time.perf_counter()
    response = session.get(url, timeout=600, **kwargs)
    body = response.content
    if response.status_code != 200:
        raise SystemExit(f"{url}: {response.status_code} {body[:300]!r}")
    return time.perf_counter() - started, body


def count_datasets(body: bytes) -> int:
    return body.count(b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
                      b"<http://www.w3.org/ns/dcat#Dataset>")


def stock_pages(session: Any, base: str, public: int) -> tuple[float, int, int]:
    """Page through ckanext-dcat's ``/catalog.ttl``; (seconds, datasets, pages)."""
    from rdflib import Graph
    from rdflib.namespace import DCAT, RDF

    seconds, datasets, page = 0.0, 0, 0
    while True:
        page += 1
        elapsed, body = fetch(session, f"{base}/catalog.ttl", params={"page": page})
        seconds += elapsed
        found = len(set(Graph().parse(data=body, format="turtle").subjects(RDF.type, DCAT.Dataset)))
        datasets += found
        if found == 0 or datasets >= public:
            return seconds, datasets, page


def feed_pages(session: Any, base: str, token: str) -> tuple[float, int, int]:
    seconds, changes, pages, cursor = 0.0, 0, 0, ""
    while True:
        elapsed, body = fetch(session, f"{base}/api/3/action/odpo_sharing_changes",
                              params={"cursor": cursor, "limit": 1000},
                              headers={"X-ODPO-Partner-Token": token})
        seconds += elapsed
        result = json.loads(body)["result"]
        changes += len(result["changes"])
        pages += 1
        cursor = result["next_cursor"]
        if not result["has_more"]:
            return seconds, changes, pages


def partner_token(ini: Path) -> str:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(str(ini)))
    with app._wsgi_app.test_request_context():
        import ckan.plugins.toolkit as tk
        from ckan import model

        result = tk.get_action("odpo_sharing_partner_create")(
            {"ignore_auth": True}, {"name": f"bench-{int(time.time())}", "title": "Benchmark"})
        model.Session.remove()
    return str(result["token"])


def measure(ini: Path, port: int, workdir: Path, public: int) -> dict[str, Any]:
    import requests

    session = requests.Session()
    figures: dict[str, Any] = {"public_datasets": public}
    token = partner_token(ini)
    with ckan_server(ini, port, workdir / "ckan-run.log") as base:
        say("  ODPO /sharing/catalog.ttl, cold (renders every dataset)")
        cold, body = fetch(session, f"{base}/sharing/catalog.ttl")
        figures.update(cold_seconds=cold, turtle_bytes=len(body), turtle_datasets=count_datasets(body))
        say("  ODPO /sharing/catalog.ttl, warm")
        figures["warm_seconds"], body = fetch(session, f"{base}/sharing/catalog.ttl")
        assert count_datasets(body) == public, (count_datasets(body), public)
        say("  ODPO /sharing/catalog.ttl?page=N&page_size=1000")
        paged, pages, page = 0.0, 0, 0
        while page * 1000 < public:
            page += 1
            elapsed, body = fetch(session, f"{base}/sharing/catalog.ttl",
                                  params={"page": page, "page_size": 1000})
            paged, pages = paged + elapsed, pages + 1
        figures.update(paged_seconds=paged, paged_pages=pages)
        say("  stock /catalog.ttl?page=N (100 per page)")
        stock, stock_datasets, stock_page_count = stock_pages(session, base, public)
        figures.update(stock_seconds=stock, stock_datasets=stock_datasets, stock_pages=stock_page_count)
        say("  change feed, 1000 per page")
        feed, changes, feed_page_count = feed_pages(session, base, token)
        figures.update(feed_seconds=feed, feed_changes=changes, feed_pages=feed_page_count)
    return figures


def report(size: int, f: dict[str, Any]) -> None:
    ratio_warm = f["stock_seconds"] / f["warm_seconds"]
    ratio_cold = f["stock_seconds"] / f["cold_seconds"]
    print(f"\n== {size:,} datasets ({f['public_datasets']:,} public) ==")
    print(f"ODPO full catalogue (Turtle), cold : {f['cold_seconds']:7.2f} s "
          f"({f['turtle_bytes'] / 1e6:.1f} MB, {f['turtle_datasets']:,} datasets)")
    print(f"ODPO full catalogue (Turtle), warm : {f['warm_seconds']:7.2f} s")
    print(f"ODPO paged, 1000 per page          : {f['paged_seconds']:7.2f} s ({f['paged_pages']} pages)")
    print(f"stock ckanext-dcat, 100 per page   : {f['stock_seconds']:7.2f} s "
          f"({f['stock_pages']} pages, {f['stock_datasets']:,} datasets)")
    print(f"ratio stock / ODPO warm            : {ratio_warm:7.1f}x")
    print(f"ratio stock / ODPO cold            : {ratio_cold:7.1f}x")
    print(f"change feed                        : {f['feed_changes'] / f['feed_seconds']:7.0f} changes/s "
          f"({f['feed_changes']:,} changes, {f['feed_pages']} pages, {f['feed_seconds']:.2f} s)")
    if size >= 10_000:
        ok = f["warm_seconds"] < TARGET_SECONDS and ratio_warm >= TARGET_RATIO
        print(f"target (< {TARGET_SECONDS:.0f} s, >= {TARGET_RATIO:.0f}x stock): {'met' if ok else 'NOT met'}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="3000,10000",
                        type=lambda text: [int(part) for part in text.split(",")])
    parser.add_argument("--db-url", default=DEFAULT_DB_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument("--seed", type=int, default=20251001)
    args = parser.parse_args(argv)
    ensure_database(args.db_url, False)
    workdir = Path(tempfile.mkdtemp(prefix="odpo-bench-sharing-"))
    started = time.perf_counter()
    try:
        port = free_port()
        ini = workdir / "bench.ini"
        ini.write_text(INI_TEMPLATE.format(db_url=args.db_url, redis_url=args.redis_url, site_id=SITE_ID,
                                           port=port, workdir=workdir, plugins=PLUGINS), encoding="utf-8")
        say("ckan db init; ckan db upgrade -p odpo_search / odpo_sharing")
        log = workdir / "ckan-db.log"
        run_ckan(ini, "db", "init", log=log)
        for plugin in ("odpo_search", "odpo_sharing"):
            run_ckan(ini, "db", "upgrade", "-p", plugin, log=log)
        catalogue = SyntheticCatalogue(seed=args.seed, site_id=SITE_ID)
        site = Site(args.db_url)
        site.organisations(catalogue)
        print(f"benchmarks/sharing.py, {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC, "
              f"Python {sys.version.split()[0]}")
        for size in args.sizes:
            say(f"loading {size:,} synthetic datasets")
            public = site.load(catalogue, size)
            report(size, measure(ini, port, workdir, public))
        site.engine.dispose()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    say(f"done in {(time.perf_counter() - started) / 60:.1f} min")


if __name__ == "__main__":
    main()
