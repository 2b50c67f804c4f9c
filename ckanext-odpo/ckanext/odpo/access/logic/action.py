"""Actions of odpo_access (registered by the plugin: the names in ``__all__``).

The request flow: a user asks (``odpo_access_request_create``), the provider
approves with an expiry date or rejects with a reason, the user is told by
e-mail and on their dashboard; an approved request is the user's grant (for
paid data: the contract) until it expires or is revoked.
"""
from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import sqlalchemy as sa

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context, DataDict
from ckanext.odpo.access import config, notify
from ckanext.odpo.access.logic import schema
from ckanext.odpo.access.logic.entitlement import (
    PAID,
    REQUESTABLE_TIERS,
    active_grant,
    dataset_tier,
)
from ckanext.odpo.access.model import (
    APPROVED,
    CANCELLED,
    REJECTED,
    REQUESTED,
    REVOKED,
    AccessRequest,
    DownloadRecord,
    utcnow,
)

__all__ = [
    "odpo_access_request_create",
    "odpo_access_request_list",
    "odpo_access_request_show",
    "odpo_access_request_approve",
    "odpo_access_request_reject",
    "odpo_access_request_cancel",
    "odpo_grant_list",
    "odpo_grant_revoke",
    "odpo_grant_expire",
    "odpo_contract_export",
    "odpo_download_log_list",
    "odpo_download_stats",
]

CONTRACT_COLUMNS = (
    "contract_number", "dataset", "user", "email", "plan_name", "plan_price_jpy", "plan_period",
    "contract_status", "created", "decided_at", "starts_at", "expires_at", "revoked_at",
)


def _validate(data_dict: DataDict, action_schema: dict[str, Any], context: Context) -> dict[str, Any]:
    data, errors = tk.navl_validate(dict(data_dict or {}), action_schema, context)
    if errors:
        raise tk.ValidationError(errors)
    return data


def _user(context: Context) -> model.User:
    user = context.get("auth_user_obj")
    if isinstance(user, model.User):
        return user
    found = model.User.get(context.get("user") or "")
    if found is None:
        raise tk.NotAuthorized(tk._("Sign in to request access."))
    return found


def _dataset(package_id: str) -> dict[str, Any]:
    """The dataset with its schema fields (read as the site, not withheld)."""
    return tk.get_action("package_show")({"ignore_auth": True}, {"id": package_id})


def _get_request(request_id: str) -> AccessRequest:
    request = model.Session.get(AccessRequest, request_id)
    if request is None:
        raise tk.ObjectNotFound(tk._("Access request not found"))
    return request


def _plan(dataset: dict[str, Any], plan_name: str | None) -> dict[str, Any]:
    plans = dataset.get("price_plans") or []
    for plan in plans:
        if plan.get("name") == plan_name:
            return plan
    names = ", ".join(str(plan.get("name")) for plan in plans)
    raise tk.ValidationError({"plan_name": [tk._("Choose one of the price plans: {plans}").format(plans=names)]})


def _terms(user: model.User, dataset: dict[str, Any], terms_accepted: bool) -> str | None:
    """The consent plugin's terms version, or this request's own acceptance."""
    if p.plugin_loaded("orden_consent"):
        from ckanext.orden_consent.shared import check_dataset_consent, dataset_terms_version

        decision = check_dataset_consent(user.id, dataset)
        if not decision.allowed:
            raise tk.ValidationError({"consent": [decision.message], "consent_url": [decision.consent_url or ""],
                                      "reason": [decision.reason]})
        accepted = dataset_terms_version(dataset)
        return str(accepted["id"]) if accepted else decision.terms_version_id
    if not terms_accepted:
        raise tk.ValidationError({"terms_accepted": [tk._("Accept the dataset's terms of use to continue.")]})
    return None


def odpo_access_request_create(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Ask for access to a restricted dataset, or apply for a paid contract.

    Args:
        package_id: the dataset (id or name).
        purpose: why the data is needed (restricted data: required).
        intended_use: what will be done with it (restricted data: required).
        plan_name: the chosen price plan (paid data: required).
        terms_accepted: the user accepts the dataset's terms (required unless
            the consent plugin records the acceptance).

    Returns:
        the request (``status: requested``).
    """
    tk.check_access("odpo_access_request_create", context, data_dict)
    data = _validate(data_dict, schema.access_request_create(), context)
    user = _user(context)
    dataset = _dataset(data["package_id"])
    tier = dataset_tier(dataset)
    if tier not in REQUESTABLE_TIERS:
        raise tk.ValidationError({"package_id": [tk._("This dataset does not need an access request.")]})
    errors: dict[str, list[str]] = {}
    plan: dict[str, Any] = {}
    if tier == PAID:
        plan = _plan(dataset, data.get("plan_name"))
    else:
        for field in ("purpose", "intended_use"):
            if not data.get(field):
                errors[field] = [tk._("Missing value")]
    if errors:
        raise tk.ValidationError(errors)
    terms_version_id = _terms(user, dataset, data["terms_accepted"])
    pending = model.Session.query(AccessRequest).filter_by(
        user_id=user.id, package_id=dataset["id"], status=REQUESTED).first()
    if pending is not None:
        raise tk.ValidationError({"package_id": [tk._("You already have a request waiting for a decision.")]})
    if active_grant(user.id, dataset["id"]) is not None:
        raise tk.ValidationError({"package_id": [tk._("You already have access to this data.")]})
    request = AccessRequest(
        package_id=dataset["id"], user_id=user.id, tier=tier,
        purpose=data.get("purpose") or "", intended_use=data.get("intended_use") or "",
        plan_name=plan.get("name"), plan_price_jpy=_int(plan.get("price_jpy")), plan_period=plan.get("period"),
        terms_accepted=True, terms_version_id=terms_version_id, status=REQUESTED,
    )
    model.Session.add(request)
    model.Session.commit()
    notify.request_created(request, dataset)
    return request.as_dict()


def _organization(organization_id: str) -> model.Group:
    organization = model.Group.get(organization_id)
    if organization is None:
        raise tk.ObjectNotFound(tk._("Organization not found"))
    return organization


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _scope(query: Any, entity: Any, context: Context, data: dict[str, Any]) -> Any:
    """Limit a listing to a dataset, an organisation's datasets or the user's own rows."""
    if data.get("package_id"):
        package = model.Package.get(data["package_id"])
        return query.filter(entity.package_id == (package.id if package else data["package_id"]))
    if data.get("organization_id"):
        organization = model.Group.get(data["organization_id"])
        tk.check_access("odpo_contract_export", context, {"organization_id": data["organization_id"]})
        packages = sa.select(model.Package.id).where(
            model.Package.owner_org == (organization.id if organization else data["organization_id"]))
        return query.filter(entity.package_id.in_(packages))
    return query.filter(entity.user_id == _user(context).id)


def odpo_access_request_list(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """Access requests: the user's own, or (providers) a dataset's or an organisation's.

    Args:
        package_id: only this dataset's requests (providers).
        organization_id: the requests of the organisation's datasets (providers).
        status: ``requested``, ``approved``, ``rejected``, ``cancelled`` or ``revoked``.
        limit, offset: paging (default 100, 0).

    Returns:
        the requests, newest first, each with its ``contract_status``.
    """
    tk.check_access("odpo_access_request_list", context, data_dict)
    data = _validate(data_dict, schema.listing(), context)
    query = _scope(model.Session.query(AccessRequest), AccessRequest, context, data)
    if data.get("status"):
        query = query.filter(AccessRequest.status == data["status"])
    rows = query.order_by(AccessRequest.created.desc()).offset(data["offset"]).limit(data["limit"]).all()
    return [_with_names(row.as_dict()) for row in rows]


def _with_names(row: dict[str, Any]) -> dict[str, Any]:
    package = model.Package.get(row["package_id"])
    user = model.User.get(row["user_id"]) if row.get("user_id") else None
    row["package_name"] = package.name if package else None
    row["package_title"] = package.title if package else None
    row["user_name"] = user.name if user else None
    return row


def odpo_access_request_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """One access request (requester and provider).

    Args:
        id: the request's id.

    Returns:
        the request.
    """
    tk.check_access("odpo_access_request_show", context, data_dict)
    data = _validate(data_dict, schema.by_id(), context)
    return _with_names(_get_request(data["id"]).as_dict())


def _end_of_day(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.max).replace(microsecond=0)


def _pending(request: AccessRequest) -> None:
    if request.status != REQUESTED:
        raise tk.ValidationError({"id": [tk._("This request has already been decided.")]})


def odpo_access_request_approve(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Approve a request: the user may use the data until the expiry date.

    Args:
        id: the request.
        expires_at: last day of access (ISO date; default: today plus
            ``odpo.access.default_grant_days``).
        starts_at: first day (ISO date; default: now).
        contract_number: for paid data (default: generated).

    Returns:
        the grant (the approved request).
    """
    tk.check_access("odpo_access_request_approve", context, data_dict)
    data = _validate(data_dict, schema.access_request_approve(), context)
    request = _get_request(data["id"])
    _pending(request)
    now = utcnow()
    expires = data.get("expires_at")
    expires_at = (_end_of_day(expires.date()) if expires is not None
                  else now + datetime.timedelta(days=config.default_grant_days()))
    if expires_at <= now:
        raise tk.ValidationError({"expires_at": [tk._("The expiry date must be in the future.")]})
    request.status = APPROVED
    request.decided_at = now
    request.decided_by = _user(context).id
    request.starts_at = data["starts_at"] if data.get("starts_at") else now
    request.expires_at = expires_at
    if request.tier == PAID:
        request.contract_number = data.get("contract_number") or _contract_number(request, now)
    model.Session.commit()
    notify.request_decided(request)
    return request.as_dict()


def _contract_number(request: AccessRequest, now: datetime.datetime) -> str:
    return f"ODPO-{now:%Y%m%d}-{request.id[:8].upper()}"


def odpo_access_request_reject(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Reject a request, saying why.

    Args:
        id: the request.
        reason: shown to the user (required).

    Returns:
        the request.
    """
    tk.check_access("odpo_access_request_reject", context, data_dict)
    data = _validate(data_dict, schema.with_reason(True), context)
    request = _get_request(data["id"])
    _pending(request)
    request.status = REJECTED
    request.reject_reason = data["reason"]
    request.decided_at = utcnow()
    request.decided_by = _user(context).id
    model.Session.commit()
    notify.request_decided(request)
    return request.as_dict()


def odpo_access_request_cancel(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Withdraw a request that is still waiting for a decision.

    Args:
        id: the request.

    Returns:
        the request (``status: cancelled``).
    """
    tk.check_access("odpo_access_request_cancel", context, data_dict)
    data = _validate(data_dict, schema.by_id(), context)
    request = _get_request(data["id"])
    _pending(request)
    request.status = CANCELLED
    request.decided_at = utcnow()
    request.decided_by = _user(context).id
    model.Session.commit()
    return request.as_dict()


def odpo_grant_list(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """Grants and contracts (approved requests, also expired or revoked ones).

    Args: as ``odpo_access_request_list``; ``status`` filters the
        ``contract_status`` (``active``, ``approved``, ``expired``, ``cancelled``).

    Returns:
        the grants, newest first.
    """
    tk.check_access("odpo_grant_list", context, data_dict)
    data = _validate(data_dict, schema.listing(), context)
    query = _scope(model.Session.query(AccessRequest), AccessRequest, context, data)
    query = query.filter(AccessRequest.status.in_((APPROVED, REVOKED)))
    rows = [_with_names(row.as_dict()) for row in query.order_by(AccessRequest.decided_at.desc()).all()]
    if data.get("status"):
        rows = [row for row in rows if row["contract_status"] == data["status"]]
    return rows[data["offset"]:data["offset"] + data["limit"]]


def odpo_grant_revoke(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Revoke a grant: the user loses access at once.

    Args:
        id: the grant (approved request).
        reason: shown to the user (optional).

    Returns:
        the grant (``contract_status: cancelled``).
    """
    tk.check_access("odpo_grant_revoke", context, data_dict)
    data = _validate(data_dict, schema.with_reason(False), context)
    request = _get_request(data["id"])
    if request.status != APPROVED:
        raise tk.ValidationError({"id": [tk._("Only an approved grant can be revoked.")]})
    request.status = REVOKED
    request.revoked_at = utcnow()
    request.revoked_by = _user(context).id
    request.revoke_reason = data.get("reason")
    request.use_ended_at = request.revoked_at
    model.Session.commit()
    notify.grant_revoked(request)
    _tell_use_ended(request, request.revoke_reason or "")
    return request.as_dict()


def odpo_grant_expire(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """End the use of grants whose access period is over (run by cron through
    ``ckan odpo-access expire``).

    Access stops at the expiry instant whether or not this runs; this tells
    the consent ledger, once per grant, that the use ended, so the user is
    reminded to delete the data and the provider sees the deletion as
    outstanding.

    Returns:
        ``{"ended": [grant, ...], "count": n}``.
    """
    tk.check_access("odpo_grant_expire", context, data_dict)
    now = utcnow()
    expired = (
        model.Session.query(AccessRequest)
        .filter(AccessRequest.status == APPROVED, AccessRequest.expires_at <= now,
                AccessRequest.use_ended_at.is_(None))
        .order_by(AccessRequest.expires_at)
        .all()
    )
    ended = []
    for request in expired:
        # committed with the ledger record (one transaction): a failure leaves
        # the grant to the next run, never without its record
        request.use_ended_at = now
        _tell_use_ended(request, tk._("The access period ended on {date}.").format(
            date=request.expires_at.date().isoformat()))
        model.Session.commit()
        ended.append(request.as_dict())
    return {"ended": ended, "count": len(ended)}


def _tell_use_ended(request: AccessRequest, note: str) -> None:
    if p.plugin_loaded("orden_consent"):
        # the consent ledger reminds the user to delete the data they hold
        from ckanext.orden_consent.shared import record_use_ended

        record_use_ended(request.user_id, request.package_id, note=note)


def odpo_contract_export(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The paid contracts of an organisation's datasets, as CSV (UTF-8) for invoicing.

    Args:
        organization_id: the provider organisation (id or name).

    Returns:
        ``{"filename": ..., "csv": ..., "count": ...}``.
    """
    tk.check_access("odpo_contract_export", context, data_dict)
    data = _validate(data_dict, schema.organization(), context)
    organization = _organization(data["organization_id"])
    rows = (
        model.Session.query(AccessRequest, model.Package, model.User)
        .join(model.Package, model.Package.id == AccessRequest.package_id)
        .join(model.User, model.User.id == AccessRequest.user_id)
        .filter(model.Package.owner_org == organization.id, AccessRequest.tier == PAID)
        .order_by(AccessRequest.created)
        .all()
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CONTRACT_COLUMNS)
    for request, package, user in rows:
        record = request.as_dict()
        record.update(dataset=package.name, user=user.name, email=user.email or "")
        writer.writerow([record.get(column) if record.get(column) is not None else "" for column in CONTRACT_COLUMNS])
    return {"filename": f"contracts-{organization.name}-{utcnow():%Y%m%d}.csv", "csv": buffer.getvalue(),
            "count": len(rows)}


def odpo_download_log_list(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """Downloads and API reads of non-open data: the user's own, or (providers)
    a dataset's or an organisation's.

    Args: ``package_id``, ``organization_id``, ``limit``, ``offset``.

    Returns:
        log rows, newest first.
    """
    tk.check_access("odpo_download_log_list", context, data_dict)
    data = _validate(data_dict, schema.listing(), context)
    query = _scope(model.Session.query(DownloadRecord), DownloadRecord, context, data)
    rows = query.order_by(DownloadRecord.created.desc(), DownloadRecord.id.desc())
    return [_with_names(row.as_dict()) for row in rows.offset(data["offset"]).limit(data["limit"]).all()]


def odpo_download_stats(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """Download counts per dataset of an organisation (for its chart).

    Args:
        organization_id: the provider organisation.

    Returns:
        ``[{"package_id", "name", "title", "downloads", "users", "bytes"}]``, most downloaded first.
    """
    tk.check_access("odpo_download_stats", context, data_dict)
    data = _validate(data_dict, schema.organization(), context)
    organization = _organization(data["organization_id"])
    rows = (
        model.Session.query(
            model.Package.id, model.Package.name, model.Package.title,
            sa.func.count(DownloadRecord.id), sa.func.count(sa.distinct(DownloadRecord.user_id)),
            sa.func.coalesce(sa.func.sum(DownloadRecord.bytes), 0),
        )
        .join(DownloadRecord, DownloadRecord.package_id == model.Package.id)
        .filter(model.Package.owner_org == organization.id)
        .group_by(model.Package.id, model.Package.name, model.Package.title)
        .order_by(sa.func.count(DownloadRecord.id).desc(), model.Package.name)
        .all()
    )
    return [{"package_id": row[0], "name": row[1], "title": row[2] or row[1], "downloads": row[3],
             "users": row[4], "bytes": int(row[5])} for row in rows]
