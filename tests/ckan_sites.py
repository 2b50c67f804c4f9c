"""Real CKAN web servers for tests that need one: the portal under a browser,
a remote catalogue to harvest, a partner prefecture.

:func:`running_site` starts ``ckan run`` on a free loopback port, in a
subprocess, against its own database (``<test database>_<name>``), configured
from the ini given to pytest (``--ckan-ini``) with the plugins and options the
test asks for. The database is created and migrated (CKAN core plus the
plugins listed in ``migrate``), ``setup`` commands run (e.g. ``odpo demo
load``), and everything is dropped when the context ends.

Importable from any test module (``from ckan_sites import running_site``):
pytest puts ``tests/`` on ``sys.path`` for ``tests/conftest.py``.
"""
from __future__ import annotations

import configparser
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

SERVER_START_TIMEOUT = 90.0
SCHEMING_OPTIONS = {
    "scheming.dataset_schemas": "ckanext.odpo_schemas:dataset.yaml",
    "scheming.organization_schemas": "ckanext.odpo_schemas:organization.yaml",
}


@dataclass(frozen=True)
class CkanSite:
    """A running CKAN: where it answers, its config, its log and database."""

    base_url: str
    ini_path: Path
    log_path: Path
    database_url: str
    environment: Mapping[str, str]

    def ckan(self, *arguments: str) -> None:
        """Run a ``ckan`` CLI command against this site (raises on failure)."""
        run_ckan(self.ini_path, *arguments, log_path=self.log_path, environment=self.environment)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def site_database_url(name: str) -> str:
    """The test database's URL (as CKAN runs it: environment overrides
    included) with ``_<name>`` appended to the database name."""
    from ckan.common import config

    url = make_url(config["sqlalchemy.url"])
    return url.set(database=f"{url.database}_{name}").render_as_string(hide_password=False)


def write_ini(
    source: Path, target: Path, *, database_url: str, port: int, plugins: str,
    options: Mapping[str, str], locale: str,
) -> None:
    parser = configparser.RawConfigParser(strict=False)
    parser.optionxform = str  # keep option names as written (SECRET_KEY)
    parser.read(source, encoding="utf-8")
    main = parser["app:main"]
    main["sqlalchemy.url"] = database_url
    main["ckan.plugins"] = plugins
    main["ckan.site_url"] = f"http://127.0.0.1:{port}"
    main["ckan.locale_default"] = locale
    main["ckan.locale_order"] = "ja en" if locale == "ja" else "en ja"
    main["ckan.locales_offered"] = "ja en"
    main["debug"] = "false"
    main["ckan.storage_path"] = str(target.parent / "storage")
    main["cache_dir"] = str(target.parent / "cache")
    for key, value in SCHEMING_OPTIONS.items():
        main.setdefault(key, value)
    for key, value in options.items():
        main[key] = value
    with target.open("w", encoding="utf-8") as ini_file:
        parser.write(ini_file)


def server_environment(database_url: str, base_url: str) -> dict[str, str]:
    """The environment of the ``ckan`` subprocesses: CKAN lets some variables
    override the ini (``CKAN_SQLALCHEMY_URL``, ...), so they must agree with it."""
    environment = {key: value for key, value in os.environ.items() if key != "CKAN_INI"}
    environment["CKAN_SQLALCHEMY_URL"] = database_url
    environment["CKAN_SITE_URL"] = base_url
    return environment


def recreate_database(database_url: str, drop_only: bool = False) -> None:
    url = make_url(database_url)
    engine = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
            if not drop_only:
                connection.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
    finally:
        engine.dispose()


def ckan_command(ini_path: Path, *arguments: str) -> list[str]:
    return [str(Path(sys.executable).with_name("ckan")), "-c", str(ini_path), *arguments]


def run_ckan(ini_path: Path, *arguments: str, log_path: Path, environment: Mapping[str, str]) -> None:
    command = ckan_command(ini_path, *arguments)
    with log_path.open("a", encoding="utf-8") as log:
        log.write(f"$ {' '.join(command)}\n")
        log.flush()
        completed = subprocess.run(
            command, stdout=log, stderr=subprocess.STDOUT, env=dict(environment), check=False
        )
    if completed.returncode != 0:
        raise RuntimeError(f"ckan {' '.join(arguments)} failed; see {log_path}")


def wait_until_ready(base_url: str, server: subprocess.Popen[bytes], log_path: Path) -> None:
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


@contextmanager
def running_site(
    test_ini: Path,
    workdir: Path,
    *,
    name: str,
    plugins: str,
    migrate: Sequence[str] = ("odpo_search",),
    setup: Sequence[Sequence[str]] = (),
    options: Mapping[str, str] | None = None,
    locale: str = "ja",
) -> Iterator[CkanSite]:
    """Serve a CKAN site named ``name`` until the context ends.

    ``plugins`` is the ``ckan.plugins`` line; ``migrate`` the plugins whose
    migrations run after ``ckan db init``; ``setup`` further ``ckan``
    commands (argument lists) run before the server starts; ``options`` extra
    ini options.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    ini_path, log_path = workdir / f"{name}.ini", workdir / f"{name}.log"
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    database_url = site_database_url(name)
    environment = server_environment(database_url, base_url)
    write_ini(
        test_ini, ini_path, database_url=database_url, port=port, plugins=plugins,
        options=options or {}, locale=locale,
    )
    recreate_database(database_url)
    steps: list[Sequence[str]] = [("db", "init")]
    steps += [("db", "upgrade", "-p", plugin) for plugin in migrate]
    steps += list(setup)
    for step in steps:
        run_ckan(ini_path, *step, log_path=log_path, environment=environment)
    command = ckan_command(
        ini_path, "run", "--host", "127.0.0.1", "--port", str(port), "--disable-reloader", "--threaded"
    )
    with log_path.open("a", encoding="utf-8") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=environment)
    try:
        wait_until_ready(base_url, server, log_path)
        yield CkanSite(
            base_url=base_url, ini_path=ini_path, log_path=log_path,
            database_url=database_url, environment=environment,
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        recreate_database(database_url, drop_only=True)
