"""Pages of odpo_access and the checks on CKAN's own resource pages.

* ``/dataset/<id>/access`` — request access / apply for a contract, and the
  user's requests for that dataset.
* ``/dashboard/access`` — the user's requests, grants and download history.
* ``/organization/<id>/access`` — the provider's pending requests (approve with
  an expiry date, reject with a reason), grants (revoke), the contracts CSV
  and the download chart per dataset.

CKAN's resource pages (download, resource page, view) are checked before they
run: a withheld resource gets a 403 page that says how to get access, and
every served download of non-open data is logged.
"""
from __future__ import annotations

import datetime
from typing import Any

from flask import Blueprint, Response, g, request

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckanext.odpo.access import audit
from ckanext.odpo.access.logic.entitlement import (
    PAID,
    REQUESTABLE_TIERS,
    dataset_tier,
    resource_facts,
    resource_is_sample,
    user_entitlement,
    user_requests,
)
from ckanext.odpo.views import bar_chart

odpo_access = Blueprint("odpo_access", __name__)

#: Endpoint names (after the blueprint) of CKAN's resource pages that carry data.
DATA_ENDPOINTS = ("download", "read", "view")


def _context() -> dict[str, Any]:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else "",
            "auth_user_obj": tk.current_user if tk.current_user.is_authenticated else None}


def _user_id() -> str | None:
    return tk.current_user.id if tk.current_user.is_authenticated else None


def _channel() -> str:
    return "api" if request.headers.get("Authorization") or request.path.startswith("/api/") else "web"


def _is_resource_data_endpoint() -> bool:
    endpoint = request.endpoint or ""
    blueprint, _, name = endpoint.rpartition(".")
    return blueprint.endswith("resource") and name in DATA_ENDPOINTS


@odpo_access.before_app_request
def refuse_withheld_resource() -> Any:
    """403 with the way to get access, before CKAN serves a withheld resource."""
    if not _is_resource_data_endpoint():
        return None
    facts = resource_facts((request.view_args or {}).get("resource_id", ""))
    if facts is None:
        return None
    resource, dataset = facts
    if resource_is_sample(resource):
        return None
    entitlement = user_entitlement(_user_id(), dataset)
    g.odpo_access_download = (dataset, resource, entitlement)
    if entitlement.allowed:
        return None
    body = tk.render("odpo/access/denied.html", {"dataset": dataset, "entitlement": entitlement})
    return Response(body, status=403, mimetype="text/html")


@odpo_access.after_app_request
def log_download(response: Response) -> Response:
    """Log served downloads of non-open data (not samples, not open data)."""
    found = g.get("odpo_access_download")
    endpoint = request.endpoint or ""
    if not found or not endpoint.endswith(".download") or response.status_code >= 400:
        return response
    dataset, resource, entitlement = found
    if dataset_tier(dataset) == "open":
        return response
    size = response.content_length if response.status_code == 200 else 0
    audit.record_download(user_id=_user_id(), package_id=dataset["id"], resource_id=resource["id"],
                          grant_id=entitlement.grant_id, channel=_channel(), size=size)
    return response


def log_api_read(user_id: str | None, resource_id: str | None, size: int | None) -> None:
    """Log a DataStore read of non-open data made through the API."""
    facts = resource_facts(resource_id or "")
    if facts is None:
        return
    resource, dataset = facts
    if dataset_tier(dataset) == "open" or resource_is_sample(resource):
        return
    entitlement = user_entitlement(user_id, dataset)
    audit.record_download(user_id=user_id, package_id=dataset["id"], resource_id=resource["id"],
                          grant_id=entitlement.grant_id, channel="api", size=size)


def _dataset_or_404(dataset_id: str) -> dict[str, Any]:
    try:
        return tk.get_action("package_show")(_context(), {"id": dataset_id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return tk.abort(404, tk._("Dataset not found"))


def request_access(id: str) -> Any:
    """The request-access page of a dataset (the URL withheld resources point to)."""
    dataset = _dataset_or_404(id)
    errors: dict[str, Any] = {}
    form: dict[str, Any] = {}
    if request.method == "POST":
        if not tk.current_user.is_authenticated:
            return tk.redirect_to("user.login", came_from=tk.url_for("odpo_access.request", id=id))
        form = {
            "package_id": dataset["id"],
            "purpose": request.form.get("purpose", ""),
            "intended_use": request.form.get("intended_use", ""),
            "plan_name": request.form.get("plan_name", ""),
            "terms_accepted": request.form.get("terms_accepted") == "on",
        }
        try:
            tk.get_action("odpo_access_request_create")(_context(), form)
        except tk.ValidationError as error:
            errors = error.error_dict
        else:
            tk.h.flash_success(tk._("Your request has been sent to the provider."))
            return tk.redirect_to("odpo_access.request", id=dataset["name"])
    entitlement = user_entitlement(_user_id(), dataset)
    return tk.render("odpo/access/request.html", {
        "dataset": dataset,
        "pkg_dict": dataset,
        "tier": dataset_tier(dataset),
        "requestable": dataset_tier(dataset) in REQUESTABLE_TIERS,
        "paid": dataset_tier(dataset) == PAID,
        "entitlement": entitlement,
        "history": [row.as_dict() for row in user_requests(_user_id(), dataset["id"])] if _user_id() else [],
        "consent_loaded": p.plugin_loaded("orden_consent"),
        "errors": errors,
        "form": form,
    })


odpo_access.add_url_rule("/dataset/<id>/access", endpoint="request", view_func=request_access,
                         methods=["GET", "POST"])


@odpo_access.route("/dashboard/access")
def mine() -> Any:
    """The user's requests, grants and download history."""
    if not tk.current_user.is_authenticated:
        return tk.redirect_to("user.login", came_from=tk.url_for("odpo_access.mine"))
    context = _context()
    return tk.render("odpo/access/mine.html", {
        "requests": tk.get_action("odpo_access_request_list")(context, {}),
        "downloads": tk.get_action("odpo_download_log_list")(context, {"limit": 50}),
    })


def _organization_or_403(id: str) -> dict[str, Any]:
    try:
        organization = tk.get_action("organization_show")(_context(), {"id": id, "include_datasets": False})
        tk.check_access("odpo_contract_export", _context(), {"organization_id": organization["id"]})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Organization not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only the provider's editors and admins see its access requests."))
    return organization


@odpo_access.route("/organization/<id>/access")
def provider_requests(id: str) -> Any:
    """The provider's dashboard of requests, grants and downloads."""
    organization = _organization_or_403(id)
    context = _context()
    scope = {"organization_id": organization["id"]}
    requests = tk.get_action("odpo_access_request_list")(context, dict(scope, limit=1000))
    stats = tk.get_action("odpo_download_stats")(context, scope)
    chart = bar_chart("odpo-access-downloads", tk._("Downloads per dataset"),
                      [{"key": row["name"], "label": row["title"], "total": row["downloads"]} for row in stats])
    return tk.render("odpo/access/provider.html", {
        "organization": organization,
        "group_dict": organization,
        "pending": [row for row in requests if row["status"] == "requested"],
        "grants": [row for row in requests if row["status"] in ("approved", "revoked")],
        "decided": [row for row in requests if row["status"] in ("rejected", "cancelled")],
        "stats": stats,
        "chart": chart,
        "default_expiry": (datetime.date.today() + datetime.timedelta(days=90)).isoformat(),
    })


DECISIONS = {
    "approve": "odpo_access_request_approve",
    "reject": "odpo_access_request_reject",
    "revoke": "odpo_grant_revoke",
    "cancel": "odpo_access_request_cancel",
}


@odpo_access.route("/access/request/<request_id>/<decision>", methods=["POST"])
def decide(request_id: str, decision: str) -> Any:
    """Approve, reject, revoke or cancel (form posts of the dashboards)."""
    if decision not in DECISIONS:
        return tk.abort(404)
    data = {"id": request_id, "expires_at": request.form.get("expires_at") or None,
            "reason": request.form.get("reason", "")}
    data = {key: value for key, value in data.items() if value is not None}
    try:
        tk.get_action(DECISIONS[decision])(_context(), data)
    except tk.NotAuthorized as error:
        return tk.abort(403, str(error))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Access request not found"))
    except tk.ValidationError as error:
        tk.h.flash_error("; ".join(f"{key}: {', '.join(map(str, value))}" if isinstance(value, list)
                                   else str(value) for key, value in error.error_dict.items()))
    else:
        tk.h.flash_success(tk._("Saved."))
    came_from = request.form.get("came_from") or ""
    return tk.redirect_to(came_from if came_from.startswith("/") else tk.url_for("odpo_access.mine"))


@odpo_access.route("/organization/<id>/contracts.csv")
def contracts_csv(id: str) -> Any:
    """The organisation's paid contracts as CSV (UTF-8 with BOM, for spreadsheets)."""
    organization = _organization_or_403(id)
    export = tk.get_action("odpo_contract_export")(_context(), {"organization_id": organization["id"]})
    return Response("\ufeff" + export["csv"], mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{export["filename"]}"'})
