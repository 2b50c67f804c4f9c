"""A real CKAN web server with a small demo catalogue, for browser tests.

The server runs ``ckan run`` on a free loopback port, in a subprocess, against
its own database (``<test database>_browser``), configured from the ini given
to pytest (``--ckan-ini``) with ODPO's plugins and Japanese as the default
language. The database is created, migrated and filled with
``ckan odpo demo load`` once per session, and dropped at the end.
"""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ckan_sites import CkanSite, running_site

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

PLUGINS = "odpo_search odpo scheming_datasets scheming_organizations"


@pytest.fixture(scope="session")
def demo_scale() -> float:
    """The share of the full demo catalogue the site is loaded with."""
    return DEMO_SCALE


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM_PATH.is_file() or shutil.which(str(CHROMIUM_PATH)) is None:
        pytest.skip(f"Debian chromium is not installed at {CHROMIUM_PATH} (apt-get install chromium)")
    return CHROMIUM_PATH


@pytest.fixture(scope="module")
def page(catalogue_site: CkanSite, chromium_path: Path) -> Iterator[Any]:
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
) -> Iterator[CkanSite]:
    """A running CKAN with the demo catalogue at scale 0.05."""
    test_ini = Path(request.config.getoption("ckan_ini")).resolve()
    with running_site(
        test_ini,
        tmp_path_factory.mktemp("browser-site"),
        name="browser",
        plugins=PLUGINS,
        setup=[("odpo", "demo", "load", "--scale", str(DEMO_SCALE))],
    ) as site:
        yield site
