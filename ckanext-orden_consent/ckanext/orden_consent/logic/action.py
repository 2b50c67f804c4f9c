"""Actions of ckanext-orden_consent (registered with ``tk.blanket.actions``:
the names in ``__all__``). Each validates its input, then checks access."""
from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.logic import validate
from ckan.types import Context, DataDict

from ckanext.orden_consent import consents, decisions, ledger, notices, terms
from ckanext.orden_consent.logic import schema
from ckanext.orden_consent.model import (
    CHANGE_MINOR,
    PLATFORM_KINDS,
    SCOPE_DATASET,
    SCOPE_ORGANIZATION,
    SCOPE_PLATFORM,
    SCOPE_TIER,
)

__all__ = [
    "orden_consent_terms_publish",
    "orden_consent_terms_show",
    "orden_consent_terms_list",
    "orden_consent_dataset_terms_show",
    "orden_consent_record_create",
    "orden_consent_withdraw",
    "orden_consent_deletion_confirm",
    "orden_consent_status",
    "orden_consent_pending_list",
    "orden_consent_event_list",
    "orden_consent_deletion_outstanding_list",
    "orden_consent_ledger_verify",
]


def _channel(context: Context) -> str:
    return str(context.get("orden_consent_channel") or "api")  # type: ignore[arg-type]


def _user_id(context: Context) -> str | None:
    user = model.User.get(context.get("user") or "") if context.get("user") else None
    return user.id if user is not None else None


def _dataset(dataset_ref: str) -> dict[str, Any]:
    dataset = decisions.dataset_dict(dataset_ref)
    if dataset is None:
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    return dataset


def _consent_error(error: consents.ConsentRequestError | terms.TermsError) -> tk.ValidationError:
    return tk.ValidationError({error.field: [error.message]})


def _normalise_scope(data_dict: DataDict) -> None:
    """Check kind/scope pairs; turn dataset and organisation names into ids."""
    kind, scope_type = data_dict["kind"], data_dict["scope_type"]
    if (kind in PLATFORM_KINDS) != (scope_type == SCOPE_PLATFORM):
        raise tk.ValidationError({"scope_type": [tk._(
            "Platform terms and the privacy policy apply to the platform; data terms to a "
            "tier, a provider or a dataset."
        )]})
    scope_id = data_dict.get("scope_id") or ""
    if scope_type == SCOPE_PLATFORM:
        data_dict["scope_id"] = ""
    elif scope_type == SCOPE_DATASET:
        package = model.Package.get(scope_id)
        if package is None:
            raise tk.ValidationError({"scope_id": [tk._("Dataset not found")]})
        data_dict["scope_id"] = package.id
    elif scope_type == SCOPE_ORGANIZATION:
        group = model.Group.get(scope_id)
        if group is None or not group.is_organization:
            raise tk.ValidationError({"scope_id": [tk._("Organization not found")]})
        data_dict["scope_id"] = group.id
    elif scope_type == SCOPE_TIER and not scope_id:
        raise tk.ValidationError({"scope_id": [tk._("Missing value")]})


@validate(schema.terms_publish)
def orden_consent_terms_publish(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Publish the next version of a terms document (immutable once published).

    Args:
        kind: ``platform_terms``, ``privacy_policy`` or ``data_terms``.
        scope_type: ``platform`` (platform documents); ``tier``, ``organization``
            or ``dataset`` (data terms).
        scope_id: the tier value, organisation or dataset id/name.
        title, body: the text users read and accept.
        change_kind: ``material`` (users must re-consent) or ``minor`` (notice
            only); required from the second version on.
        change_summary: what changed, in Japanese; required from the second
            version on.
        purpose, secondary_distribution, retention_period, deletion_method:
            the data-handling rules of data terms (optional texts).

    Returns:
        ``{"version": <terms version>, "affected_users": n, "notices_sent": n}``:
        the users whose use the new version pauses (a material change, or a
        provider's or dataset's first own terms replacing the tier's) and the
        e-mails sent to them.
    """
    _normalise_scope(data_dict)
    tk.check_access("orden_consent_terms_publish", context, data_dict)
    try:
        version = terms.publish(
            kind=data_dict["kind"], scope_type=data_dict["scope_type"],
            scope_id=data_dict["scope_id"], title=data_dict["title"], body=data_dict["body"],
            change_kind=data_dict.get("change_kind"), change_summary=data_dict["change_summary"],
            purpose=data_dict["purpose"], secondary_distribution=data_dict["secondary_distribution"],
            retention_period=data_dict["retention_period"],
            deletion_method=data_dict["deletion_method"], published_by=_user_id(context) or "",
        )
    except terms.TermsError as error:
        model.Session.rollback()
        raise _consent_error(error) from None
    model.Session.commit()
    # a minor version pauses nobody; a material one, or a provider's or
    # dataset's first own terms replacing the tier's, pauses the users of the old
    paused = [] if version.change_kind == CHANGE_MINOR else consents.affected_by_new_version(version)
    sent = notices.reconsent_notices(version, paused) if paused else 0
    return {"version": version.as_dict(), "affected_users": len({e.user_id for e in paused}),
            "notices_sent": sent}


@tk.side_effect_free
@validate(schema.terms_show)
def orden_consent_terms_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """One terms version.

    Args:
        id: the version id.

    Returns:
        the version (texts, version number, change kind and summary, content hash).
    """
    tk.check_access("orden_consent_terms_show", context, data_dict)
    version = terms.get_version(data_dict["id"])
    if version is None:
        raise tk.ObjectNotFound(tk._("Unknown terms version."))
    return version.as_dict()


@tk.side_effect_free
@validate(schema.terms_list)
def orden_consent_terms_list(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """Published terms versions, oldest first, optionally of one document.

    Args:
        kind, scope_type, scope_id: filters (all optional).

    Returns:
        a list of terms versions.
    """
    tk.check_access("orden_consent_terms_list", context, data_dict)
    import sqlalchemy as sa

    from ckanext.orden_consent.model import TermsVersion

    statement = sa.select(TermsVersion).order_by(
        TermsVersion.kind, TermsVersion.scope_type, TermsVersion.scope_id, TermsVersion.version)
    for field in ("kind", "scope_type", "scope_id"):
        if field in data_dict:
            statement = statement.where(getattr(TermsVersion, field) == data_dict[field])
    return [version.as_dict() for version in model.Session.scalars(statement)]


@tk.side_effect_free
@validate(schema.dataset_ref)
def orden_consent_dataset_terms_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The data terms applying to a dataset.

    Args:
        id: dataset id or name.

    Returns:
        ``{"consent_required": bool, "current": <version or None>, "history": [...]}``.
    """
    tk.check_access("orden_consent_dataset_terms_show", context, data_dict)
    dataset = _dataset(data_dict["id"])
    current = terms.dataset_terms(dataset)
    history = [v.as_dict() for v in terms.chain(*current.chain_key)] if current else []
    return {"consent_required": decisions.consent_required_for(dataset),
            "current": current.as_dict() if current else None, "history": history}


@validate(schema.record_create)
def orden_consent_record_create(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Record the calling user's consent (stage 1 without ``dataset_id``,
    stage 2 with it). The version ids must be the current ones: stale
    versions, versions of another dataset and replayed forms are refused.

    Args:
        dataset_id: the dataset (stage 2); omit for the platform terms.
        terms_version_ids: the version(s) accepted: both current platform
            documents for stage 1, the dataset's current data terms for stage 2.
        form_token: the token of the web form (web only).

    Returns:
        ``{"recorded": [<ledger records>], "already_consented": bool,
        "status": <decision>}``.
    """
    tk.check_access("orden_consent_record_create", context, data_dict)
    user_id = _user_id(context) or ""
    version_ids = data_dict["terms_version_ids"]
    try:
        if data_dict.get("dataset_id"):
            tk.check_access("package_show", context, {"id": data_dict["dataset_id"]})
            dataset = _dataset(data_dict["dataset_id"])
            if len(version_ids) != 1:
                raise consents.ConsentRequestError(
                    "terms_version_ids", tk._("Accept exactly one version of the dataset's terms."))
            outcome = consents.give_dataset_consent(
                user_id, dataset, version_ids[0], channel=_channel(context),
                form_token=data_dict.get("form_token"))
            status = decisions.check_dataset_consent(user_id, dataset)
        else:
            outcome = consents.give_platform_consent(
                user_id, version_ids, channel=_channel(context),
                form_token=data_dict.get("form_token"))
            status = decisions.check_platform_consent(user_id)
    except consents.ConsentRequestError as error:
        raise _consent_error(error) from None
    return {"recorded": [event.as_dict() for event in outcome.events],
            "already_consented": outcome.already_consented, "status": _decision_dict(status)}


@validate(schema.withdraw)
def orden_consent_withdraw(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Withdraw the calling user's consent to a dataset's terms (or to a
    platform document). Use depending on it is suspended; the provider is told.

    Args:
        dataset_id: the dataset; or
        document: ``platform_terms`` or ``privacy_policy``.
        note: optional reason.

    Returns:
        the ledger record of the withdrawal.
    """
    tk.check_access("orden_consent_withdraw", context, data_dict)
    if data_dict.get("dataset_id"):
        scope = decisions.dataset_scope(_dataset(data_dict["dataset_id"])["id"])
    elif data_dict.get("document"):
        scope = data_dict["document"]
    else:
        raise tk.ValidationError({"dataset_id": [tk._("Missing value")]})
    try:
        event = consents.withdraw(_user_id(context) or "", scope, channel=_channel(context),
                                  note=data_dict["note"])
    except consents.ConsentRequestError as error:
        raise _consent_error(error) from None
    return event.as_dict()


@validate(schema.deletion_confirm)
def orden_consent_deletion_confirm(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Confirm that the calling user deleted the data of a dataset whose use ended.

    Args:
        dataset_id: the dataset.
        note: how the data was deleted (optional).

    Returns:
        the ledger record of the confirmation.
    """
    tk.check_access("orden_consent_deletion_confirm", context, data_dict)
    dataset = _dataset(data_dict["dataset_id"])
    try:
        event = consents.confirm_deletion(_user_id(context) or "", dataset["id"],
                                          channel=_channel(context), note=data_dict["note"])
    except consents.ConsentRequestError as error:
        raise _consent_error(error) from None
    return event.as_dict()


def _decision_dict(decision: decisions.ConsentDecision) -> dict[str, Any]:
    return {"allowed": decision.allowed, **decision.as_error_dict()}


@tk.side_effect_free
@validate(schema.status)
def orden_consent_status(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """May this user use this dataset (or the platform's non-open data) now?

    Args:
        dataset_id: the dataset (optional: without it, stage 1 only).
        user_id: whom to ask about (sysadmins only; default: the caller).

    Returns:
        ``{"allowed", "reason", "consent_url", "terms_version_id", "message",
        "consent_required"}``.
    """
    tk.check_access("orden_consent_status", context, data_dict)
    user = model.User.get(data_dict["user_id"]) if data_dict.get("user_id") else None
    user_id = user.id if user is not None else _user_id(context)
    if data_dict.get("dataset_id"):
        tk.check_access("package_show", context, {"id": data_dict["dataset_id"]})
        dataset = _dataset(data_dict["dataset_id"])
        answer = _decision_dict(decisions.check_dataset_consent(user_id, dataset))
        answer["consent_required"] = decisions.consent_required_for(dataset)
    else:
        answer = _decision_dict(decisions.check_platform_consent(user_id))
        answer["consent_required"] = True
    return answer


@tk.side_effect_free
@validate(schema.empty)
def orden_consent_pending_list(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """The calling user's consents paused by a material change of the terms.

    Returns:
        a list of ``{"title", "url", "terms_version_id", "change_summary", "scope"}``.
    """
    tk.check_access("orden_consent_pending_list", context, data_dict)
    return consents.pending_reconsents(_user_id(context) or "")


@tk.side_effect_free
@validate(schema.event_list)
def orden_consent_event_list(context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    """Consent ledger records, oldest first: the caller's own by default; a
    dataset's (its editors); anyone's or all (sysadmins).

    Args:
        user_id: a user (default: the caller).
        dataset_id: restrict to a dataset.
        all: every record (sysadmins).

    Returns:
        a list of ledger records (with their hashes).
    """
    tk.check_access("orden_consent_event_list", context, data_dict)
    user_id = None
    if data_dict.get("user_id"):
        user_id = model.User.get(data_dict["user_id"]).id  # type: ignore[union-attr]
    elif not data_dict.get("all") and not data_dict.get("dataset_id"):
        user_id = _user_id(context)
    dataset_id = _dataset(data_dict["dataset_id"])["id"] if data_dict.get("dataset_id") else None
    return ledger.export_rows(ledger.events(user_id=user_id, dataset_id=dataset_id))


@tk.side_effect_free
@validate(schema.outstanding_list)
def orden_consent_deletion_outstanding_list(
    context: Context, data_dict: DataDict,
) -> list[dict[str, Any]]:
    """Users whose use of a provider's data ended (withdrawal) and who have not
    confirmed deletion yet.

    Args:
        dataset_id: one dataset; or
        organization_id: all datasets of an organisation.

    Returns:
        a list of ``{"user_id", "user_name", "dataset_id", "dataset_name", "ended_at"}``.
    """
    tk.check_access("orden_consent_deletion_outstanding_list", context, data_dict)
    if data_dict.get("dataset_id"):
        dataset_ids = [_dataset(data_dict["dataset_id"])["id"]]
    elif data_dict.get("organization_id"):
        group = model.Group.get(data_dict["organization_id"])
        dataset_ids = [package_id for (package_id,) in model.Session.query(model.Package.id)
                       .filter(model.Package.owner_org == group.id)]  # type: ignore[union-attr]
    else:
        raise tk.ValidationError({"dataset_id": [tk._("Missing value")]})
    rows = []
    for event in consents.outstanding_deletions(dataset_ids=dataset_ids):
        user = model.User.get(event.user_id)
        package = model.Package.get(str(event.dataset_id))
        rows.append({"user_id": event.user_id, "user_name": user.name if user else "",
                     "dataset_id": event.dataset_id, "dataset_name": package.name if package else "",
                     "ended_at": event.created_at.isoformat()})
    return rows


@tk.side_effect_free
@validate(schema.empty)
def orden_consent_ledger_verify(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Check the hash chain of the consent ledger and the terms' content hashes.

    Returns:
        ``{"ok", "records", "head_hash", "broken_position", "problem",
        "altered_terms_versions"}``.
    """
    tk.check_access("orden_consent_ledger_verify", context, data_dict)
    return verification_report()


def verification_report() -> dict[str, Any]:
    import sqlalchemy as sa

    from ckanext.orden_consent.model import TermsVersion

    result = ledger.verify()
    altered = [v.id for v in model.Session.scalars(sa.select(TermsVersion))
               if not terms.verify_content(v)]
    return {"ok": result.ok and not altered, "records": result.records,
            "head_hash": result.head_hash, "broken_position": result.broken_position,
            "problem": result.problem, "altered_terms_versions": altered}
