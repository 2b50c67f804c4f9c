"""The restricted flow in a browser, on a real CKAN site:
request → the provider approves → the download works → the grant expires →
the download is refused.

The site runs ``ckan odpo-access demo --no-pending-request`` (demo users, a
provider and a restricted dataset with an uploaded CSV).
"""
from __future__ import annotations

import datetime
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from ckan_sites import CkanSite, running_site

from ckanext.odpo.access.cli import DEMO_CSV, DEMO_DATASET, DEMO_ORGANIZATION, DEMO_PASSWORD, DEMO_RESOURCE

CHROMIUM_PATH = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PLUGINS = "odpo_search odpo scheming_datasets scheming_organizations odpo_access"


@pytest.fixture(scope="module")
def access_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CkanSite]:
    if not CHROMIUM_PATH.is_file() or shutil.which(str(CHROMIUM_PATH)) is None:
        pytest.skip(f"Debian chromium is not installed at {CHROMIUM_PATH}")
    test_ini = Path(request.config.getoption("ckan_ini")).resolve()
    with running_site(
        test_ini, tmp_path_factory.mktemp("access-site"), name="access_browser", plugins=PLUGINS,
        migrate=("odpo_search", "odpo_access"),
        setup=[("odpo-access", "demo", "--no-pending-request")],
        options={"licenses_group_url": "", "smtp.test_server": "127.0.0.1:9"},
    ) as site:
        yield site


@pytest.fixture(scope="module")
def browser(access_site: CkanSite) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM_PATH), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def signed_in(browser: Any, site: CkanSite, user: str) -> Any:
    """A new page of a browser context signed in as ``user``."""
    context = browser.new_context(base_url=site.base_url, locale="ja-JP")
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto("/user/login")
    page.fill("#field-login", user)
    page.fill("#field-password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.press("#field-password", "Enter")
    return page


def download_url(site: CkanSite) -> str:
    engine = sa.create_engine(site.database_url)
    with engine.connect() as connection:
        resource_id = connection.execute(sa.text(
            "SELECT r.id FROM resource r JOIN package p ON p.id = r.package_id "
            "WHERE p.name = :name AND r.name = :resource AND r.state = 'active'"),
            {"name": DEMO_DATASET, "resource": DEMO_RESOURCE}).scalar_one()
    engine.dispose()
    return f"/dataset/{DEMO_DATASET}/resource/{resource_id}/download/speed.csv"


def expire_grants(site: CkanSite) -> None:
    """The grant's end date passes (as it would after the approved period)."""
    engine = sa.create_engine(site.database_url)
    with engine.begin() as connection:
        connection.execute(sa.text(
            "UPDATE odpo_access_request SET expires_at = now() AT TIME ZONE 'utc' - interval '1 second' "
            "WHERE status = 'approved'"))
    engine.dispose()


def test_request_approve_download_expire(access_site: CkanSite, browser: Any) -> None:
    url = download_url(access_site)
    user = signed_in(browser, access_site, "demo-user")
    refused = user.request.get(url)
    assert refused.status == 403
    assert DEMO_CSV.splitlines()[1] not in refused.text()

    user.goto(f"/dataset/{DEMO_DATASET}/access")
    user.fill("#field-purpose", "通勤時間帯の渋滞分析")
    user.fill("#field-intended_use", "社内の配送計画")
    user.check("#field-terms_accepted")
    user.click("#odpo-access-submit")
    assert user.locator(".odpo-access-status").get_attribute("data-reason") == "request_pending"

    provider = signed_in(browser, access_site, "demo-provider")
    provider.goto(f"/organization/{DEMO_ORGANIZATION}/access")
    row = provider.locator("#odpo-access-pending tr[data-request-id]")
    assert "通勤時間帯の渋滞分析" in row.inner_text()
    until = (datetime.date.today() + datetime.timedelta(days=7)).isoformat()
    row.locator("form.odpo-access-approve input[name=expires_at]").fill(until)
    row.locator("form.odpo-access-approve button").click()
    provider.wait_for_load_state()
    assert provider.locator("#odpo-access-grants tr[data-status=active]").count() == 1

    granted = user.request.get(url)
    assert granted.status == 200
    assert granted.text() == DEMO_CSV
    user.goto("/dashboard/access")
    assert user.locator("#odpo-access-my-requests tr[data-status=active]").count() == 1
    assert user.locator("#odpo-access-my-downloads tbody tr").count() == 1

    expire_grants(access_site)
    expired = user.request.get(url)
    assert expired.status == 403
    assert DEMO_CSV.splitlines()[1] not in expired.text()
    user.goto(url.rsplit("/download", 1)[0])
    assert user.locator("#odpo-access-request-link").count() == 1
