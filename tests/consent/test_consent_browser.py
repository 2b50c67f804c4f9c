"""The consent journey in a real browser (Debian chromium driven by
Playwright) against a real CKAN server running ``orden_consent`` with the
ODPO schemas: a visitor registers, accepts the platform terms (stage 1),
accepts the terms of a restricted dataset (stage 2) and downloads it; the
provider publishes a material change of the dataset's terms; the download is
blocked until the user accepts the new version, then works again."""
from __future__ import annotations

import json
import re
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ckan_sites import CkanSite, ckan_command, running_site

pytestmark = pytest.mark.ckan_config("ckan.plugins", "odpo_search")

PLUGINS = "odpo_search odpo orden_consent scheming_datasets scheming_organizations"
ADMIN, PROVIDER = "odpo_admin", "provider_admin"
PASSWORD = "Consent-Journey-2026"
DATASET_TERMS_TITLE = "プローブカー区間速度データ利用規約"
CSV_CONTENT = "時刻,区間,平均速度\n2026-11-01T08:00,梅田-難波,18.5\n"


def api(site: CkanSite, token: str, action: str, data: dict[str, Any] | None = None,
        files: dict[str, tuple[str, bytes]] | None = None) -> Any:
    import requests

    url = f"{site.base_url}/api/3/action/{action}"
    if files:
        reply = requests.post(url, data=data, files=files, headers={"Authorization": token}, timeout=60)
    else:
        reply = requests.post(url, json=data or {}, headers={"Authorization": token}, timeout=60)
    body = reply.json()
    assert body["success"], body
    return body["result"]


def api_token(site: CkanSite, user: str) -> str:
    completed = subprocess.run(
        ckan_command(site.ini_path, "user", "token", "add", user, "journey"),
        capture_output=True, text=True, env=dict(site.environment), check=True)
    return completed.stdout.strip().splitlines()[-1].strip()


@pytest.fixture(scope="module")
def consent_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                 chromium_path: Path) -> Iterator[dict[str, Any]]:
    """A running portal with the default terms, a provider organisation and
    one restricted dataset with an uploaded CSV file."""
    test_ini = Path(request.config.getoption("ckan_ini")).resolve()
    with running_site(
        test_ini, tmp_path_factory.mktemp("consent-site"), name="consent", plugins=PLUGINS,
        migrate=("odpo_search", "orden_consent"),
        setup=[("orden-consent", "seed"),
               ("sysadmin", "add", ADMIN, "--create", "email=admin@odpo.example.jp",
                f"password={PASSWORD}")],
        options={"orden_consent.notify_by_email": "false"},
    ) as site:
        token = api_token(site, ADMIN)
        api(site, token, "user_create", {"name": PROVIDER, "email": "provider@odpo.example.jp",
                                         "password": PASSWORD})
        organization = api(site, token, "organization_create", {
            "name": "osaka-mobility", "title": "大阪モビリティ株式会社", "provider_type": "company",
            "users": [{"name": PROVIDER, "capacity": "admin"}]})
        dataset = api(site, token, "package_create", {
            "name": "probe-car-speed", "title": "プローブカー区間速度データ",
            "owner_org": organization["id"], "access_tier": "restricted",
            "license_id": "odpo-restricted", "personal_data_class": "anonymised",
            "notes": "主要区間の平均速度（匿名加工済み）"})
        resource = api(site, token, "resource_create",
                       {"package_id": dataset["id"], "name": "区間速度", "format": "CSV"},
                       files={"upload": ("speed.csv", CSV_CONTENT.encode("utf-8"))})
        api(site, token, "orden_consent_terms_publish", {
            "kind": "data_terms", "scope_type": "dataset", "scope_id": dataset["id"],
            "title": DATASET_TERMS_TITLE, "body": "交通分析の目的に限り利用できます。",
            "purpose": "交通分析", "secondary_distribution": "禁止します。",
            "deletion_method": "利用終了後30日以内に削除し、削除を報告してください。"})
        yield {"site": site, "dataset": dataset, "resource": resource, "admin_token": token}


@pytest.fixture(scope="module")
def browser(consent_site: dict[str, Any], chromium_path: Path) -> Iterator[Any]:
    from browser.conftest import CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    from browser.conftest import CHROMIUM_PATH

    if not CHROMIUM_PATH.is_file():
        pytest.skip(f"Debian chromium is not installed at {CHROMIUM_PATH}")
    return CHROMIUM_PATH


def new_page(browser: Any, site: CkanSite) -> Any:
    context = browser.new_context(base_url=site.base_url, locale="ja-JP",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    return context.new_page()


def download(page: Any, url: str) -> Any:
    """Fetch ``url`` with the page's cookies, without following redirects."""
    return page.context.request.get(url, max_redirects=0)


def test_register_consent_change_reconsent(browser: Any, consent_site: dict[str, Any]) -> None:
    from playwright.sync_api import expect

    site, dataset, resource = consent_site["site"], consent_site["dataset"], consent_site["resource"]
    download_path = f"/dataset/{dataset['name']}/resource/{resource['id']}/download"
    user = new_page(browser, site)

    # register: CKAN logs the new user in, and stage 1 comes first
    user.goto("/user/register")
    user.fill("#field-username", "hanako")
    user.fill("#field-fullname", "大阪 花子")
    user.fill("#field-email", "hanako@example.jp")
    user.fill("#field-password", PASSWORD)
    user.fill("#field-confirm-password", PASSWORD)
    user.click("button[name=save]")
    user.wait_for_url(re.compile(r"/consent/platform"))
    expect(user.locator("h1")).to_contain_text("利用規約とプライバシーポリシー")
    expect(user.locator(".orden-consent-terms")).to_have_count(2)
    # browsing is open, the restricted download is not
    assert download(user, download_path).status == 302

    user.check("#orden-consent-agree")
    user.click(".orden-consent-form button[type=submit]")
    expect(user.locator(".flash-messages")).to_contain_text("同意を記録しました")

    # stage 2: the download leads to the dataset's terms
    user.goto(f"/dataset/{dataset['name']}")
    expect(user.locator(".orden-consent-status")).to_contain_text("データの利用規約を読んで同意してください")
    blocked = download(user, download_path)
    assert blocked.status == 302 and f"/dataset/consent/{dataset['name']}" in blocked.headers["location"]
    user.goto(blocked.headers["location"])
    expect(user.locator(".orden-consent-terms h2")).to_contain_text(DATASET_TERMS_TITLE)
    expect(user.locator(".orden-consent-rules")).to_contain_text("二次配布")
    user.check("#orden-consent-agree")
    with user.expect_response(lambda reply: "/download" in reply.url):
        user.click(".orden-consent-form button[type=submit]")
    works = download(user, download_path)
    assert works.status == 200 and works.text() == CSV_CONTENT

    # the provider publishes a material change of this dataset's terms
    provider = new_page(browser, site)
    provider.goto("/user/login")
    provider.fill("#field-login", PROVIDER)
    provider.fill("#field-password", PASSWORD)
    provider.press("#field-password", "Enter")
    provider.wait_for_url(re.compile(r"/dashboard"))
    provider.goto(f"/dataset/consent/{dataset['name']}/terms/new")
    expect(provider.locator("#field-title")).to_have_value(DATASET_TERMS_TITLE)
    provider.fill("#field-body", "交通分析の目的に限り利用できます。分析結果の公表前に提供者へ通知してください。")
    provider.fill("#field-purpose", "交通分析")
    provider.check("#change-material")
    provider.fill("#field-change_summary", "公表前の事前通知を義務化しました。")
    provider.click(".orden-consent-terms-form button[type=submit]")
    expect(provider.locator("body")).to_contain_text("第2版を公開しました")
    expect(provider.locator("table").first).to_contain_text("公表前の事前通知を義務化しました。")

    # the user's download is paused; the notice says why
    paused = download(user, download_path)
    assert paused.status == 302 and f"/dataset/consent/{dataset['name']}" in paused.headers["location"]
    user.goto("/dataset/")
    notice = user.locator(".orden-consent-pending")
    expect(notice).to_contain_text("重要な変更")
    expect(notice).to_contain_text("公表前の事前通知を義務化しました。")
    notice.locator("a").first.click()
    expect(user.locator(".orden-consent-diff")).to_contain_text("分析結果の公表前に提供者へ通知してください。")
    user.check("#orden-consent-agree")
    user.click(".orden-consent-form button[type=submit]")
    works = download(user, download_path)
    assert works.status == 200 and works.text() == CSV_CONTENT

    # the ledger tells the story, and it verifies
    records = json.loads(urllib.request.urlopen(urllib.request.Request(
        f"{site.base_url}/api/3/action/orden_consent_event_list?all=true",
        headers={"Authorization": consent_site["admin_token"]})).read())["result"]
    assert [(r["event_type"], r["channel"]) for r in records] == [
        ("consent_given", "web"), ("consent_given", "web"), ("consent_given", "web"),
        ("reconsent_given", "web")]
    site.ckan("orden-consent", "verify")
