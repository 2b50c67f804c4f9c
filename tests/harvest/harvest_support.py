"""Helpers of the harvester tests (imported by tests and benchmarks/harvest.py):
a remote CKAN driven through its API, BODIK-shaped records, a scriptable web
server's answers, and synchronous harvest runs."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

# odpo_bodik_harvester before harvest: its source page template must win over
# ckanext-harvest's (plugins listed first take precedence for templates).
HARVEST_PLUGINS = ("odpo_search odpo odpo_bodik_harvester harvest odpo_ckan_harvester "
                   "odpo_opendata_list_harvester odpo_dcat_harvester "
                   "scheming_datasets scheming_organizations")


@dataclass
class RemoteCatalogue:
    """A CKAN site driven through its Action API, as a sysadmin."""

    base_url: str
    token: str

    def call(self, action: str, **data: Any) -> Any:
        request = urllib.request.Request(
            f"{self.base_url}/api/3/action/{action}",
            data=json.dumps(data).encode("utf-8"),
            headers={"Authorization": self.token, "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as reply:
            return json.load(reply)["result"]


def bodik_organisation(remote: RemoteCatalogue, code: str, title: str, website: str) -> dict[str, Any]:
    """An organisation as BODIK names them: the code is the name."""
    try:
        return remote.call("organization_show", id=code)
    except urllib.error.HTTPError:
        return remote.call("organization_create", name=code, title=title, description=website)


def bodik_dataset(remote: RemoteCatalogue, code: str, number: str, **overrides: Any) -> dict[str, Any]:
    """A dataset shaped like BODIK's (and the Tokyo/Kobe samples): name
    ``{code}_{number}``, free-form extras, licence id and title of BODIK's
    licence register, CSV resources."""
    data: dict[str, Any] = {
        "name": f"{code}_{number}",
        "title": f"公衆トイレ一覧 {code}-{number}",
        "owner_org": code,
        "notes": "市内の公衆トイレの一覧です。\r\n自治体標準オープンデータセットの項目定義に準拠しています。",
        "license_id": "cc-by-40-intl",
        "license_title": "クリエイティブ・コモンズ 表示 4.0 国際",
        "maintainer": "総務部 情報政策課",
        "maintainer_email": "opendata@city.example.jp",
        "url": f"https://www.city.example.jp/opendata/{number}.html",
        "tags": [{"name": "自治体標準ODS"}, {"name": "公衆トイレ一覧"}, {"name": "トイレ"}],
        "extras": [{"key": "更新頻度", "value": "月次"}, {"key": "言語", "value": "日本語"},
                   {"key": "地域", "value": "大阪府吹田市"}, {"key": "コピーライト", "value": "吹田市"}],
        "resources": [{"name": "公衆トイレ一覧（CSV）", "url": f"https://www.city.example.jp/{number}.csv",
                       "format": "CSV", "encoding": "Shift_JIS",
                       "last_modified": "2025-04-01T00:00:00"}],
    }
    data.update(overrides)
    return remote.call("package_create", **data)


# --- a local HTTP server for DCAT, CSV and faults ------------------------------------------------

@dataclass
class Answer:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class WebServer:
    """Answers per path; each path's answers are used in turn, the last repeats."""

    base_url: str
    routes: dict[str, list[Answer]] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)

    def serve(self, path: str, *answers: Answer) -> str:
        self.routes[path] = list(answers)
        self.hits[path] = 0
        return self.base_url + path


# --- running harvests in-process --------------------------------------------------------------

def harvest_source(url: str, source_type: str, config: dict[str, Any] | None = None,
                   name: str = "source") -> dict[str, Any]:
    import ckan.plugins.toolkit as tk
    from ckan.tests import factories

    sysadmin = factories.Sysadmin()
    return tk.get_action("harvest_source_create")(
        {"user": sysadmin["name"]},
        {"url": url, "name": name, "title": f"Harvest source {name}", "source_type": source_type,
         "config": json.dumps({"request_delay": 0, **(config or {})}), "frequency": "MANUAL"},
    )


def run_job(source_id: str, source_type: str) -> dict[str, Any]:
    """One harvest job of a source, run synchronously (gather, fetch, import)."""
    import ckan.plugins as p
    from ckanext.harvest.interfaces import IHarvester
    from ckanext.harvest.model import HarvestJob, HarvestSource
    from ckanext.harvest.tests.lib import run_harvest_job

    harvester = next(plugin for plugin in p.PluginImplementations(IHarvester)
                     if plugin.info()["name"] == source_type)
    source = HarvestSource.get(source_id)
    job = HarvestJob(source=source)
    job.save()
    results = run_harvest_job(job, harvester)
    return {"job": HarvestJob.get(job.id), "objects": results}


def gather_errors(job: Any) -> list[str]:
    from ckanext.harvest.model import HarvestGatherError

    return [error.message for error in HarvestGatherError.filter(harvest_job_id=job.id).all()]


def object_errors(result: dict[str, Any]) -> list[str]:
    return [error.message for item in result["objects"].values() for error in item["errors"]]


def harvested(source_id: str) -> dict[str, dict[str, Any]]:
    """Datasets of a source by their source record id (withdrawn ones included)."""
    import ckan.model as model
    import ckan.plugins.toolkit as tk
    from ckanext.harvest.model import HarvestObject

    rows = (model.Session.query(HarvestObject.guid, HarvestObject.package_id)
            .filter(HarvestObject.harvest_source_id == source_id, HarvestObject.package_id.isnot(None))
            .distinct().all())
    return {guid: tk.get_action("package_show")({"ignore_auth": True}, {"id": package_id})
            for guid, package_id in rows}
