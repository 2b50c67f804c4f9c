"""A real CKAN web server with a small demo catalogue, for browser tests.

The server runs ``ckan run`` on a free loopback port, in a subprocess, against
its own database (``<test database>_browser``), configured from the ini given
to pytest (``--ckan-ini``) with ODPO's plugins and Japanese as the default
language. The database is created, migrated and filled with
``ckan odpo demo load`` once per session, and dropped at the end.
"""
from __future__ import annotations

import configparser
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

#: Debian's chromium; Playwright's own browser download is never used.
CHROMIUM_PATH = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_SCALE = 0.05
SERVER_START_TIMEOUT = 90.0
REPOSITORY = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class CatalogueSite:
    base_url: str
    ini_path: Path
    log_path: Path
    demo_scale: float = DEMO_SCALE


def _plugins() -> str:
    """ODPO's plugins, with the scheming schemas once the repository has them."""
    if (REPOSITORY / "schemas" / "dataset.yaml").is_file():
        return "odpo_search odpo scheming_datasets scheming_organizations"
    return "odpo_search odpo"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _write_ini(source: Path, target: Path, database_url: str, port: int) -> None:
    parser = configparser.RawConfigParser(strict=False)
    parser.optionxform = str  # keep option names as written (SECRET_KEY)
    parser.read(source, encoding="utf-8")
    main = parser["app:main"]
    main["sqlalchemy.url"] = database_url
    main["ckan.plugins"] = _plugins()
    main["ckan.site_url"] = f"http://127.0.0.1:{port}"
    main["ckan.locale_default"] = "ja"
    main["ckan.locale_order"] = "ja en"
    main["ckan.locales_offered"] = "ja en"
    main["debug"] = "false"
    main.setdefault("scheming.dataset_schemas", "ckanext.odpo_schemas:dataset.yaml")
    main.setdefault("scheming.organization_schemas", "ckanext.odpo_schemas:organization.yaml")
    with target.open("w", encoding="utf-8") as ini_file:
        parser.write(ini_file)


def _browser_database_url() -> str:
    """The test database's URL (as CKAN runs it: environment overrides
    included) with ``_browser`` appended to the database name."""
    from ckan.common import config

    url = make_url(config["sqlalchemy.url"])
    return url.set(database=f"{url.database}_browser").render_as_string(hide_password=False)


def _server_environment(database_url: str, base_url: str) -> dict[str, str]:
    """The environment of the ``ckan`` subprocesses: CKAN lets some variables
    override the ini (``CKAN_SQLALCHEMY_URL``, ...), so they must agree with it."""
    environment = {key: value for key, value in os.environ.items() if key != "CKAN_INI"}
    environment["CKAN_SQLALCHEMY_URL"] = database_url
    environment["CKAN_SITE_URL"] = base_url
    return environment


def _recreate_database(database_url: str, drop_only: bool = False) -> None:
    url = make_url(database_url)
    engine = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
            if not drop_only:
                connection.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
    finally:
        engine.dispose()


def _ckan_command(ini_path: Path, *arguments: str) -> list[str]:
    return [str(Path(sys.executable).with_name("ckan")), "-c", str(ini_path), *arguments]


def _ckan(ini_path: Path, *arguments: str, log_path: Path, environment: dict[str, str]) -> None:
    command = _ckan_command(ini_path, *arguments)
    with log_path.open("a", encoding="utf-8") as log:
        log.write(f"$ {' '.join(command)}\n")
        log.flush()
        completed = subprocess.run(
            command, stdout=log, stderr=subprocess.STDOUT, env=environment, check=False
        )
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(arguments)} failed; see {log_path}")


def _wait_until_ready(base_url: str, server: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the CKAN server exited early; see {log_path}")
        try:
            with urllib.request.urlopen(f"{base_url}/api/3/action/status_show", timeout=5) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the CKAN server did not answer within {SERVER_START_TIMEOUT} s; see {log_path}")


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM_PATH.is_file() or shutil.which(str(CHROMIUM_PATH)) is None:
        pytest.skip(f"Debian chromium is not installed at {CHROMIUM_PATH} (apt-get install chromium)")
    return CHROMIUM_PATH


@pytest.fixture(scope="module")
def page(catalogue_site: CatalogueSite, chromium_path: Path) -> Iterator[Any]:
    """A chromium page on the catalogue site, in Japanese (``ja-JP``)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(
            base_url=catalogue_site.base_url,
            locale="ja-JP",
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(30_000)
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


@pytest.fixture(scope="session")
def catalogue_site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, chromium_path: Path
) -> Iterator[CatalogueSite]:
    """A running CKAN with the demo catalogue at scale 0.05."""
    test_ini = Path(request.config.getoption("ckan_ini")).resolve()
    workdir = tmp_path_factory.mktemp("browser-site")
    ini_path, log_path = workdir / "browser.ini", workdir / "server.log"
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    database_url = _browser_database_url()
    environment = _server_environment(database_url, base_url)
    _write_ini(test_ini, ini_path, database_url, port)
    _recreate_database(database_url)
    for step in (
        ("db", "init"),
        ("db", "upgrade", "-p", "odpo_search"),
        ("odpo", "demo", "load", "--scale", str(DEMO_SCALE)),
    ):
        _ckan(ini_path, *step, log_path=log_path, environment=environment)
    command = _ckan_command(
        ini_path, "run", "--host", "127.0.0.1", "--port", str(port), "--disable-reloader", "--threaded"
    )
    with log_path.open("a", encoding="utf-8") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=environment)
    try:
        _wait_until_ready(base_url, server, log_path)
        yield CatalogueSite(base_url=base_url, ini_path=ini_path, log_path=log_path)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        _recreate_database(database_url, drop_only=True)
