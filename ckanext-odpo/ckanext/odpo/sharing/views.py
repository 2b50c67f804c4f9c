"""Pages and endpoints of partner sharing.

- ``/sharing/catalog.ttl``: the whole public catalogue as Turtle (ODPO's DCAT
  profile), optionally ``?page=N&page_size=M`` and ``?modified_since=ISO``;
- ``/sharing/access-tier/<tier>``: the access tiers the DCAT output points to;
- ``/ckan-admin/sharing``: partner prefectures, their tokens and sync status
  (sysadmins).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from ckanext.odpo.sharing import catalogue, dcat_view, partners
from flask import Blueprint, Response, stream_with_context

import ckan.plugins.toolkit as tk

odpo_sharing = Blueprint("odpo_sharing", __name__)

MAX_PAGE_SIZE = 10000


def catalogue_turtle() -> Response:
    args = tk.request.args
    try:
        page = int(args["page"]) if args.get("page") else None
        page_size = min(int(args.get("page_size") or 1000), MAX_PAGE_SIZE)
        modified_since = dt.datetime.fromisoformat(args["modified_since"]) if args.get(
            "modified_since") else None
        if (page is not None and page < 1) or page_size < 1:
            raise ValueError
    except ValueError:
        return Response(tk._("page and page_size must be positive whole numbers and modified_since "
                             "an ISO date."), status=400, mimetype="text/plain")
    if modified_since is not None and modified_since.tzinfo is not None:
        modified_since = modified_since.astimezone(dt.timezone.utc).replace(tzinfo=None)
    chunks = catalogue.catalogue_ntriples(page=page, page_size=page_size, modified_since=modified_since)
    return Response(stream_with_context(chunks), mimetype="text/turtle")


def access_tier(tier: str) -> Response:
    if tier not in dcat_view.TIER_EU_ACCESS_RIGHT:
        return tk.abort(404, tk._("No such access tier"))
    label_ja, label_en = dcat_view.tier_label(tier)
    uri = dcat_view.tier_uri(tk.config.get("ckan.site_url") or "", tier)
    body = (
        "@prefix dct: <http://purl.org/dc/terms/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f'<{uri}> a dct:RightsStatement ; rdfs:label "{label_ja}"@ja, "{label_en}"@en ;\n'
        f"  dct:type <{dcat_view.TIER_EU_ACCESS_RIGHT[tier]}> .\n"
    )
    return Response(body, mimetype="text/turtle")


def partner_admin() -> Any:
    context: dict[str, Any] = {"user": tk.current_user.name if tk.current_user else ""}
    try:
        tk.check_access("odpo_sharing_partner_list", context, {})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only sysadmins manage partner prefectures."))
    issued: dict[str, Any] | None = None
    errors: dict[str, Any] = {}
    form = tk.request.form
    if tk.request.method == "POST":
        try:
            if form.get("reset_token"):
                issued = tk.get_action("odpo_sharing_partner_token_reset")(
                    dict(context), {"id": form["reset_token"], "valid_days": form.get("valid_days")})
            elif form.get("toggle"):
                record = partners.partner_record(form["toggle"]) or {}
                tk.get_action("odpo_sharing_partner_update")(
                    dict(context), {"id": form["toggle"], "active": not record.get("active")})
            else:
                issued = tk.get_action("odpo_sharing_partner_create")(dict(context), {
                    "name": form.get("name", ""), "title": form.get("title", ""),
                    "valid_days": form.get("valid_days", ""),
                })
        except tk.ValidationError as error:
            errors = error.error_dict
        except tk.ObjectNotFound as error:
            errors = {"id": [str(error)]}
    partner_rows = tk.get_action("odpo_sharing_partner_list")(dict(context), {})
    return tk.render("odpo/sharing/partners.html", {
        "partners": partner_rows, "issued": issued, "errors": errors, "form": form,
        "token_header": partners.TOKEN_HEADER,
    })


odpo_sharing.add_url_rule("/sharing/catalog.ttl", view_func=catalogue_turtle)
odpo_sharing.add_url_rule("/sharing/access-tier/<tier>", view_func=access_tier)
odpo_sharing.add_url_rule("/ckan-admin/sharing", view_func=partner_admin, methods=["GET", "POST"])


def get_blueprints() -> list[Blueprint]:
    return [odpo_sharing]
