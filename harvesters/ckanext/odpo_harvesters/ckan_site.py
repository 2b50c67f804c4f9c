"""Harvester for CKAN catalogues (municipal CKAN sites; BODIK builds on it).

Listing: ``package_search`` asking only for ``id`` and ``metadata_modified``
(1,000 per page), restricted to the organisations whose 全国地方公共団体コード
is selected; contents: full ``package_search`` pages of the records modified
since the oldest changed one. An unchanged catalogue costs one request per
1,000 datasets, plus one for the organisations.
"""
from __future__ import annotations

from typing import Any

from ckanext.harvest.model import HarvestJob

from .base import GatherFailure, Listing, OdpoHarvesterBase, SourceSettings
from .mapping import HarvestedDataset, from_ckan_package, organisation_code_of
from .remote import PoliteClient, RemoteError


def action_url(base_url: str, action: str) -> str:
    """``{base}/api/3/action/{action}``; a base that already ends in an API
    root (``.../api/3/action``, as some Japanese sites publish) is kept."""
    base = base_url.strip().rstrip("/")
    if base.endswith("/api/3/action") or base.endswith("/api/action"):
        return f"{base}/{action}"
    if base.endswith("/api/3") or base.endswith("/api"):
        return f"{base}/action/{action}" if base.endswith("/api/3") else f"{base}/3/action/{action}"
    return f"{base}/api/3/action/{action}"


def call_action(client: PoliteClient, base_url: str, action: str, params: dict[str, Any]) -> Any:
    """The ``result`` of a CKAN action, or :class:`RemoteError`."""
    url = action_url(base_url, action)
    reply = client.get_json(url, params)
    if not isinstance(reply, dict) or "result" not in reply:
        raise RemoteError(f"{url}: not a CKAN API answer (no 'result')")
    if reply.get("success") is False:
        raise RemoteError(f"{url}: the API reported an error: {reply.get('error')}")
    return reply["result"]


class CkanSiteHarvester(OdpoHarvesterBase):
    """A municipal CKAN catalogue: every organisation of the site (or those
    whose code is in ``organisation_codes``)."""

    NAME = "odpo_ckan"
    TITLE = "CKAN (ODPO)"
    DESCRIPTION = "A CKAN catalogue, mapped to the ODPO schema, with withdrawals."

    def source_url(self, job: HarvestJob) -> str:
        return job.source.url

    def list_records(self, job: HarvestJob, settings: SourceSettings) -> Listing:
        client = settings.client()
        base = self.source_url(job)
        job_state = self._job_state(job)
        job_state["client"] = client
        job_state["organisations"] = organisations = self._organisations(client, base, settings)
        job_state["filter"] = search_filter = self._organisation_filter(organisations, settings)
        listing = Listing()
        for package in self._search(client, base, search_filter, settings, fields="id,metadata_modified"):
            guid = str(package.get("id") or "")
            if not guid:
                raise GatherFailure(f"{base}: a search result has no id")
            listing.add(guid, str(package.get("metadata_modified") or ""))
        return listing

    def fetch_contents(self, job: HarvestJob, settings: SourceSettings, listing: Listing,
                       guids: list[str]) -> dict[str, dict[str, Any]]:
        job_state = self._job_state(job)
        wanted = set(guids)
        oldest = min((listing.versions[guid] for guid in guids if listing.versions[guid]), default="")
        search_filter = job_state["filter"]
        if oldest and len(wanted) < len(listing.versions):
            since = f"metadata_modified:[{oldest}Z TO *]" if not oldest.endswith("Z") else \
                f"metadata_modified:[{oldest} TO *]"
            search_filter = f"{search_filter} {since}".strip()
        contents: dict[str, dict[str, Any]] = {}
        organisations = job_state["organisations"]
        for package in self._search(job_state["client"], self.source_url(job), search_filter, settings):
            guid = str(package.get("id") or "")
            if guid in wanted:
                organisation = organisations.get(str(package.get("owner_org") or "")) \
                    or package.get("organization")
                contents[guid] = {"package": package, "organisation": organisation}
        return contents

    def read_record(self, content: dict[str, Any], settings: SourceSettings) -> tuple[HarvestedDataset, Any]:
        package = content.get("package") or {}
        organisation = content.get("organisation") or package.get("organization")
        code = settings.organisation_code or organisation_code_of(organisation, str(package.get("name") or ""))
        return from_ckan_package(package, code), organisation

    # --- remote calls -----------------------------------------------------------------

    def _job_state(self, job: HarvestJob) -> dict[str, Any]:
        states = self.__dict__.setdefault("_job_states", {})
        if job.id not in states:
            states.clear()
            states[job.id] = {}
        return states[job.id]

    def _organisations(self, client: PoliteClient, base: str,
                       settings: SourceSettings) -> dict[str, dict[str, Any]]:
        """Remote organisations by id, with their code (only the selected
        codes, when ``organisation_codes`` is set)."""
        if not settings.organisation_codes:
            return {}
        result = call_action(client, base, "organization_list",
                             {"all_fields": "true", "include_extras": "true", "limit": 1000})
        if not isinstance(result, list):
            raise GatherFailure(f"{base}: organization_list did not return a list")
        selected = set(settings.organisation_codes)
        organisations = {}
        for organisation in result:
            if isinstance(organisation, dict) and organisation_code_of(organisation) in selected:
                organisations[str(organisation.get("id"))] = organisation
        if not organisations:
            raise GatherFailure(f"{base}: none of the {len(selected)} selected organisation codes "
                                f"matches an organisation of the site")
        return organisations

    @staticmethod
    def _organisation_filter(organisations: dict[str, dict[str, Any]], settings: SourceSettings) -> str:
        if not settings.organisation_codes:
            return ""
        names = sorted(str(organisation.get("name")) for organisation in organisations.values())
        return "organization:(" + " OR ".join(names) + ")"

    def _search(self, client: PoliteClient, base: str, search_filter: str, settings: SourceSettings,
                fields: str | None = None) -> list[dict[str, Any]]:
        """Every search result, page by page; the count must add up."""
        results: list[dict[str, Any]] = []
        start, expected = 0, None
        while expected is None or start < expected:
            params: dict[str, Any] = {"q": "*:*", "rows": settings.page_size, "start": start,
                                      "sort": "metadata_modified asc, id asc"}
            if search_filter:
                params["fq"] = search_filter
            if fields:
                params["fl"] = fields
            page = call_action(client, base, "package_search", params)
            if not isinstance(page, dict) or not isinstance(page.get("results"), list) \
                    or not isinstance(page.get("count"), int):
                raise GatherFailure(f"{base}: package_search did not return a result list and count")
            expected = page["count"] if expected is None else expected
            results += [item for item in page["results"] if isinstance(item, dict)]
            if not page["results"]:
                break
            start += settings.page_size
        if len(results) < expected:
            raise GatherFailure(f"{base}: the search announced {expected} datasets but gave {len(results)}; "
                                f"the listing is incomplete, so nothing is changed")
        return results
