"""Pages of ckanext-orden_consent (``tk.blanket.blueprints``: ``__all__``).

- ``/consent/platform``: stage 1, the platform terms of use and privacy policy.
- ``/dataset/consent/<id>``: stage 2, a dataset's data terms (with the diff to
  the version accepted before); ``/dataset/consent/<id>/terms/new`` lets the
  provider publish a new version; ``/dataset/consent/<id>/overview`` shows the
  provider consents and outstanding deletion confirmations.
- ``/consent/terms/<version id>``: any published version, public.
- ``/user/consents``: my consents (withdraw, confirm deletion, export CSV/JSON).
- ``/privacy``: the privacy center (プライバシーセンター), public.

After registration and login (the pages CKAN lands on then: ``/user/me``,
the dashboard), a user who has not accepted the current platform terms is
taken to the stage-1 page first. It also gates resource downloads (``before_app_request``): a user without the
consents a dataset needs is sent to the consent page, an API client gets a
403 with the machine-readable reason.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

import ckan.model as model
import ckan.plugins.toolkit as tk
from flask import Blueprint, Response, jsonify, request

from ckanext.orden_consent import config, consents, decisions, ledger, terms
from ckanext.orden_consent.model import (
    CHANGE_MATERIAL,
    CHANGE_MINOR,
    DATA_TERMS,
    PLATFORM_KINDS,
    SCOPE_DATASET,
    SCOPE_PLATFORM,
    SCOPE_TIER,
)

__all__ = ["orden_consent"]

orden_consent = Blueprint("orden_consent", __name__)

CHANNEL_WEB = {"orden_consent_channel": "web"}


def _context() -> dict[str, Any]:
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else "", **CHANNEL_WEB}


def _user_id() -> str | None:
    return tk.current_user.id if tk.current_user.is_authenticated else None


def _login_redirect() -> Any:
    return tk.redirect_to("user.login", came_from=request.full_path.rstrip("?"))


def _safe_came_from(value: str | None) -> str | None:
    return value if value and value.startswith("/") and not value.startswith("//") else None


def _dataset_or_404(dataset_ref: str) -> dict[str, Any]:
    try:
        tk.check_access("package_show", _context(), {"id": dataset_ref})
    except tk.NotAuthorized:
        tk.abort(404, tk._("Dataset not found"))
    dataset = decisions.dataset_dict(dataset_ref)
    if dataset is None or dataset.get("state") == "deleted":
        tk.abort(404, tk._("Dataset not found"))
    return dataset  # type: ignore[return-value]


def _previous_accepted(user_id: str, scope: str, current: Any) -> Any:
    state = decisions.latest_state(user_id, scope)
    if state is None:
        return None
    accepted = terms.get_version(state.terms_version_id or "")
    return accepted if accepted is not None and accepted.id != current.id else None


# --- stage 1 ---------------------------------------------------------------

@orden_consent.route("/consent/platform", methods=["GET", "POST"])
def platform_consent() -> Any:
    if not tk.current_user.is_authenticated:
        return _login_redirect()
    user_id = str(_user_id())
    came_from = _safe_came_from(request.values.get("came_from"))
    errors: list[str] = []
    if request.method == "POST":
        version_ids = request.form.getlist("terms_version_id")
        if request.form.get("agree") != "yes":
            errors.append(tk._("Please tick the box to confirm that you accept the terms."))
        else:
            try:
                tk.get_action("orden_consent_record_create")(_context(), {
                    "terms_version_ids": version_ids, "form_token": request.form.get("form_token", "")})
            except tk.ValidationError as error:
                errors += [message for messages in error.error_dict.values() for message in messages]
            else:
                tk.h.flash_success(tk._("Thank you. Your consent is recorded."))
                return tk.redirect_to(came_from or "orden_consent.my_consents")
    documents = []
    for current in terms.current_platform_versions():
        previous = _previous_accepted(user_id, current.kind, current)
        documents.append({"version": current, "previous": previous,
                          "diff": terms.diff_lines(previous, current) if previous else None})
    version_ids = [document["version"].id for document in documents]
    decision = decisions.check_platform_consent(user_id)
    return tk.render("orden_consent/platform_consent.html", {
        "documents": documents, "decision": decision, "errors": errors, "came_from": came_from,
        "form_token": consents.issue_form_token(user_id, SCOPE_PLATFORM, version_ids),
    }), (400 if errors else 200)


# --- stage 2 ---------------------------------------------------------------

@orden_consent.route("/dataset/consent/<id>", methods=["GET", "POST"])
def dataset_consent(id: str) -> Any:
    dataset = _dataset_or_404(id)
    if not tk.current_user.is_authenticated:
        return _login_redirect()
    user_id = str(_user_id())
    came_from = _safe_came_from(request.values.get("came_from"))
    stage_one = decisions.check_platform_consent(user_id)
    if not stage_one.allowed:
        tk.h.flash_notice(tk._("First accept the platform terms of use and privacy policy."))
        return tk.redirect_to("orden_consent.platform_consent", came_from=request.path)
    errors: list[str] = []
    if request.method == "POST":
        if request.form.get("agree") != "yes":
            errors.append(tk._("Please tick the box to confirm that you accept the terms."))
        else:
            try:
                tk.get_action("orden_consent_record_create")(_context(), {
                    "dataset_id": dataset["id"],
                    "terms_version_ids": request.form.getlist("terms_version_id"),
                    "form_token": request.form.get("form_token", "")})
            except tk.ValidationError as error:
                errors += [message for messages in error.error_dict.values() for message in messages]
            else:
                tk.h.flash_success(tk._("Thank you. Your consent is recorded."))
                return tk.redirect_to(came_from or tk.url_for("dataset.read", id=dataset["name"]))
    current = terms.dataset_terms(dataset)
    scope = decisions.dataset_scope(dataset["id"])
    previous = _previous_accepted(user_id, scope, current) if current else None
    return tk.render("orden_consent/dataset_consent.html", {
        "dataset": dataset, "version": current, "previous": previous,
        "diff": terms.diff_lines(previous, current) if previous and current else None,
        "decision": decisions.check_dataset_consent(user_id, dataset), "errors": errors,
        "came_from": came_from, "consent_required": decisions.consent_required_for(dataset),
        "form_token": consents.issue_form_token(user_id, scope, [current.id] if current else []),
    }), (400 if errors else 200)


@orden_consent.route("/dataset/consent/<id>/terms/new", methods=["GET", "POST"])
def dataset_terms_new(id: str) -> Any:
    dataset = _dataset_or_404(id)
    if not tk.current_user.is_authenticated:
        return _login_redirect()
    current = terms.dataset_terms(dataset)
    form: dict[str, Any] = current.as_dict() if current else {}
    form.update({"change_kind": "", "change_summary": ""})
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = {key: request.form.get(key, "") for key in (
            "title", "body", "purpose", "secondary_distribution", "retention_period",
            "deletion_method", "change_kind", "change_summary")}
        data = {**form, "kind": DATA_TERMS, "scope_type": SCOPE_DATASET, "scope_id": dataset["id"]}
        if not data["change_kind"]:
            data.pop("change_kind")
        try:
            result = tk.get_action("orden_consent_terms_publish")(_context(), data)
        except tk.NotAuthorized:
            tk.abort(403, tk._("You may not publish these terms."))
        except tk.ValidationError as error:
            errors = error.error_dict  # type: ignore[assignment]
        else:
            tk.h.flash_success(tk._("Version {number} of the terms is published.").format(
                number=result["version"]["version"]))
            return tk.redirect_to("orden_consent.dataset_overview", id=dataset["name"])
    else:
        try:
            tk.check_access("orden_consent_terms_publish", _context(), {
                "scope_type": SCOPE_DATASET, "scope_id": dataset["id"]})
        except tk.NotAuthorized:
            tk.abort(403, tk._("You may not publish these terms."))
    own_terms = terms.current(DATA_TERMS, SCOPE_DATASET, dataset["id"])
    return tk.render("orden_consent/terms_form.html", {
        "dataset": dataset, "current": current, "form": form, "errors": errors,
        "own_terms": own_terms, "change_kinds": [CHANGE_MATERIAL, CHANGE_MINOR]})


@orden_consent.route("/dataset/consent/<id>/overview")
def dataset_overview(id: str) -> Any:
    dataset = _dataset_or_404(id)
    context = _context()
    try:
        outstanding = tk.get_action("orden_consent_deletion_outstanding_list")(
            context, {"dataset_id": dataset["id"]})
        records = tk.get_action("orden_consent_event_list")(context, {"dataset_id": dataset["id"]})
    except tk.NotAuthorized:
        tk.abort(403, tk._("Only the provider sees a dataset's consents."))
    current = terms.dataset_terms(dataset)
    history = terms.chain(*current.chain_key) if current else []
    names = {user.id: user.name for user in model.Session.query(model.User).filter(
        model.User.id.in_({record["user_id"] for record in records}))}
    return tk.render("orden_consent/dataset_overview.html", {
        "dataset": dataset, "current": current, "history": history, "records": records,
        "outstanding": outstanding, "user_names": names})


@orden_consent.route("/consent/terms/<version_id>")
def terms_version(version_id: str) -> Any:
    version = terms.get_version(version_id)
    if version is None:
        tk.abort(404, tk._("Unknown terms version."))
    return tk.render("orden_consent/terms_version.html", {
        "version": version, "history": terms.chain(*version.chain_key)})


# --- my consents -------------------------------------------------------------

def _my_states(user_id: str) -> list[dict[str, Any]]:
    states = []
    scopes = sorted({event.scope for event in ledger.events(user_id=user_id)})
    for scope in scopes:
        state = decisions.latest_state(user_id, scope)
        if state is None:
            continue
        version = terms.get_version(state.terms_version_id or "")
        dataset = decisions.dataset_dict(state.dataset_id) if state.dataset_id else None
        states.append({"scope": scope, "state": state, "version": version, "dataset": dataset})
    return states


@orden_consent.route("/user/consents")
def my_consents() -> Any:
    if not tk.current_user.is_authenticated:
        return _login_redirect()
    user_id = str(_user_id())
    records = ledger.events(user_id=user_id)
    dataset_titles = {}
    for record in records:
        if record.dataset_id and record.dataset_id not in dataset_titles:
            dataset = decisions.dataset_dict(record.dataset_id)
            dataset_titles[record.dataset_id] = dataset["title"] if dataset else record.dataset_id
    versions = {v: terms.get_version(v) for v in {r.terms_version_id for r in records if r.terms_version_id}}
    return tk.render("orden_consent/my_consents.html", {
        "states": _my_states(user_id), "records": records, "versions": versions,
        "dataset_titles": dataset_titles,
        "outstanding": consents.outstanding_deletions(user_id=user_id),
        "pending": consents.pending_reconsents(user_id),
        "platform": decisions.check_platform_consent(user_id)})


@orden_consent.route("/user/consents/withdraw", methods=["POST"])
def withdraw() -> Any:
    if not tk.current_user.is_authenticated:
        return _login_redirect()
    data: dict[str, Any] = {"note": request.form.get("note", "")}
    scope = request.form.get("scope", "")
    if scope.startswith("dataset:"):
        data["dataset_id"] = scope.split(":", 1)[1]
    else:
        data["document"] = scope
    try:
        tk.get_action("orden_consent_withdraw")(_context(), data)
    except tk.ValidationError as error:
        for messages in error.error_dict.values():
            for message in messages:
                tk.h.flash_error(message)
    else:
        tk.h.flash_success(tk._("Your consent is withdrawn."))
    return tk.redirect_to("orden_consent.my_consents")


@orden_consent.route("/user/consents/deletion", methods=["POST"])
def confirm_deletion() -> Any:
    if not tk.current_user.is_authenticated:
        return _login_redirect()
    try:
        tk.get_action("orden_consent_deletion_confirm")(_context(), {
            "dataset_id": request.form.get("dataset_id", ""), "note": request.form.get("note", "")})
    except tk.ValidationError as error:
        for messages in error.error_dict.values():
            for message in messages:
                tk.h.flash_error(message)
    else:
        tk.h.flash_success(tk._("Thank you. Your deletion confirmation is recorded."))
    return tk.redirect_to("orden_consent.my_consents")


@orden_consent.route("/user/consents/export.<fmt>")
def export_my_consents(fmt: str) -> Any:
    if not tk.current_user.is_authenticated:
        return _login_redirect()
    rows = ledger.export_rows(ledger.events(user_id=str(_user_id())))
    if fmt == "csv":
        return Response("\ufeff" + ledger.as_csv(rows), mimetype="text/csv", headers={
            "Content-Disposition": "attachment; filename=my-consents.csv"})
    if fmt == "json":
        return Response(ledger.as_json(rows), mimetype="application/json", headers={
            "Content-Disposition": "attachment; filename=my-consents.json"})
    tk.abort(404)


# --- privacy center ------------------------------------------------------------

@orden_consent.route("/privacy")
def privacy_center() -> Any:
    documents = {version.kind: version for version in terms.current_platform_versions()}
    return tk.render("orden_consent/privacy_center.html", {
        "privacy_policy": documents.get(PLATFORM_KINDS[1]),
        "platform_terms": documents.get(PLATFORM_KINDS[0]),
        "data_terms": _tier_terms(),
        "contact": config.privacy_contact(),
        "ledger_retention_years": config.ledger_retention_years(),
        "log_retention_days": config.log_retention_days(),
        "consent_values": sorted(config.consent_required_values()),
    })


def _tier_terms() -> list[Any]:
    found = []
    for tier in sorted(config.consent_required_values()):
        current = terms.current(DATA_TERMS, SCOPE_TIER, tier)
        if current is not None:
            found.append(current)
    return found


# --- the download gate -----------------------------------------------------------

def _wants_json() -> bool:
    """API clients: they ask for JSON, or authenticate with a token without
    asking for HTML (browsers always ask for HTML)."""
    if request.accept_mimetypes.best == "application/json":
        return True
    return bool(request.headers.get("Authorization")) and not request.accept_mimetypes.accept_html


@orden_consent.before_app_request
def gate_resource_download() -> Any:
    """Resource downloads of datasets needing consent require it."""
    endpoint = request.endpoint or ""
    if not endpoint.endswith("resource.download") or not request.view_args:
        return None
    dataset = decisions.dataset_dict(str(request.view_args.get("id") or ""))
    if dataset is None:
        return None
    decision = decisions.check_dataset_consent(_user_id(), dataset)
    if decision.allowed:
        return None
    if _wants_json():
        body = {"success": False, "error": {"__type": "Authorization Error", **decision.as_error_dict()}}
        return jsonify(body), 403
    tk.h.flash_notice(decision.message)
    target = decision.consent_url or decisions.platform_consent_url()
    separator = "&" if "?" in target else "?"
    return tk.redirect_to(f"{target}{separator}came_from={quote(request.path)}")


#: Where CKAN sends users after registering or logging in.
LANDING_ENDPOINTS = frozenset({"user.me", "dashboard.datasets", "dashboard.groups",
                               "dashboard.organizations"})


@orden_consent.before_app_request
def prompt_platform_consent() -> Any:
    """Stage 1 at registration and first login (and after a material change of
    the platform terms): the landing page becomes the consent page."""
    if request.method != "GET" or request.endpoint not in LANDING_ENDPOINTS:
        return None
    if not tk.current_user.is_authenticated:
        return None
    decision = decisions.check_platform_consent(tk.current_user.id)
    if decision.allowed or decision.terms_version_id is None:
        return None
    return tk.redirect_to("orden_consent.platform_consent", came_from=request.path)
