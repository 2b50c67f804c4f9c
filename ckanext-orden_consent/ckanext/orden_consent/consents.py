"""Recording consent events: giving (and re-giving) consent, withdrawing it,
confirming deletion. Every check that protects against forged or stale
requests happens here, for the web forms and the API alike."""
from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from typing import Any

import ckan.model as model
import ckan.plugins as p
import ckan.plugins.toolkit as tk
import sqlalchemy as sa

from ckanext.orden_consent import decisions, ledger, notices, terms
from ckanext.orden_consent.interfaces import IConsentEvents
from ckanext.orden_consent.model import (
    CONSENT_GIVEN,
    CONSENT_WITHDRAWN,
    DELETION_CONFIRMED,
    PLATFORM_KINDS,
    RECONSENT_GIVEN,
    SCOPE_DATASET,
    SCOPE_ORGANIZATION,
    SCOPE_PLATFORM,
    USE_ENDED,
    ConsentEvent,
    TermsVersion,
)

log = logging.getLogger(__name__)


class ConsentRequestError(ValueError):
    """A consent request that cannot be recorded; ``field`` names the input."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


# --- form tokens: one per rendered form, bound to user, scope and versions ---

def _token_secret() -> bytes:
    secret = tk.config.get("SECRET_KEY") or tk.config.get("beaker.session.secret") or ""
    return ("orden_consent:" + str(secret)).encode("utf-8")


def _token_signature(nonce: str, user_id: str, scope: str, version_ids: list[str]) -> str:
    message = "|".join([nonce, user_id, scope, *sorted(version_ids)]).encode("utf-8")
    return hmac.new(_token_secret(), message, hashlib.sha256).hexdigest()[:32]


def issue_form_token(user_id: str, scope: str, version_ids: list[str]) -> str:
    nonce = secrets.token_hex(12)
    return f"{nonce}.{_token_signature(nonce, user_id, scope, version_ids)}"


def check_form_token(token: str, user_id: str, scope: str, version_ids: list[str]) -> None:
    nonce, _, signature = (token or "").partition(".")
    expected = _token_signature(nonce, user_id, scope, version_ids) if nonce else ""
    if not signature or not hmac.compare_digest(signature, expected):
        raise ConsentRequestError("form_token", tk._(
            "This consent form is not valid for you or for these terms. Please open the "
            "consent page again."
        ))


# --- validation of the versions a request claims to accept ---

def _stale_or_foreign(version: TermsVersion | None, current: TermsVersion | None) -> None:
    if version is None:
        raise ConsentRequestError("terms_version_id", tk._("Unknown terms version."))
    if current is None or version.chain_key != current.chain_key:
        raise ConsentRequestError("terms_version_id", tk._(
            "This terms version does not apply here (it belongs to another dataset, "
            "provider or document)."
        ))
    if version.id != current.id:
        raise ConsentRequestError("terms_version_id", tk._(
            "These terms have been replaced by a newer version (version {current}) since "
            "the page was opened. Please read the current version and accept it."
        ).format(current=current.version))


@dataclass(frozen=True)
class ConsentOutcome:
    events: list[ConsentEvent]
    already_consented: bool


def _event_type_for(user_id: str, scope: str) -> str:
    state = decisions.latest_state(user_id, scope)
    if state is not None and state.event_type != CONSENT_WITHDRAWN:
        return RECONSENT_GIVEN
    return CONSENT_GIVEN


def _commit_and_announce(events: list[ConsentEvent]) -> None:
    model.Session.commit()
    for event in events:
        payload = event.as_dict()
        for plugin in p.PluginImplementations(IConsentEvents):
            try:
                plugin.after_consent_event(dict(payload))
            except Exception:  # one listener must not undo a recorded consent
                log.exception("IConsentEvents listener %r failed", plugin)


def _append_consents(
    user: model.User, scopes_and_versions: list[tuple[str, TermsVersion, str | None]],
    channel: str, form_token: str | None,
) -> ConsentOutcome:
    pending = [(scope, version, dataset_id) for scope, version, dataset_id in scopes_and_versions
               if decisions.accepted_version(decisions.latest_state(user.id, scope)) != version]
    if not pending:
        return ConsentOutcome([], True)
    events = []
    try:
        for index, (scope, version, dataset_id) in enumerate(pending):
            events.append(ledger.append(
                event_type=_event_type_for(user.id, scope), user_id=user.id, scope=scope,
                channel=channel, dataset_id=dataset_id, terms_version_id=version.id,
                terms_content_hash=version.content_hash,
                form_token=f"{form_token}#{index}" if form_token else None,
            ))
    except ledger.DuplicateFormToken:
        model.Session.rollback()
        raise ConsentRequestError("form_token", tk._(
            "This consent form was already submitted. Your consent is recorded once; "
            "open the consent page again if you need to consent anew."
        )) from None
    _commit_and_announce(events)
    return ConsentOutcome(events, False)


def _user(user_id: str) -> model.User:
    user = decisions.resolve_user(user_id)
    if user is None:
        raise ConsentRequestError("user", tk._("Please log in to give your consent."))
    return user


def give_platform_consent(
    user_id: str, version_ids: list[str], *, channel: str, form_token: str | None = None,
) -> ConsentOutcome:
    """Stage 1: accept exactly the current platform terms and privacy policy."""
    user = _user(user_id)
    currents = terms.current_platform_versions()
    if not currents:
        raise ConsentRequestError("terms_version_id", tk._("No platform terms are published yet."))
    if form_token is not None:
        check_form_token(form_token, user.id, SCOPE_PLATFORM, version_ids)
    by_kind = {}
    for version_id in version_ids:
        version = terms.get_version(version_id)
        if version is None:
            raise ConsentRequestError("terms_version_id", tk._("Unknown terms version."))
        if version.kind not in PLATFORM_KINDS or version.scope_type != SCOPE_PLATFORM:
            _stale_or_foreign(version, None)
        by_kind[version.kind] = version
    to_record = []
    for current in currents:
        if current.kind not in by_kind:
            raise ConsentRequestError("terms_version_id", tk._(
                "Please accept both the terms of use and the privacy policy."
            ))
        _stale_or_foreign(by_kind[current.kind], current)
        to_record.append((current.kind, current, None))
    return _append_consents(user, to_record, channel, form_token)


def give_dataset_consent(
    user_id: str, dataset: dict[str, Any], version_id: str, *, channel: str,
    form_token: str | None = None,
) -> ConsentOutcome:
    """Stage 2: accept the current data terms of ``dataset``. Stage 1 must be
    satisfied first."""
    user = _user(user_id)
    if not decisions.consent_required_for(dataset):
        raise ConsentRequestError("dataset_id", tk._("This dataset does not need a consent."))
    stage_one = decisions.check_platform_consent(user.id)
    if not stage_one.allowed:
        raise ConsentRequestError("platform", stage_one.message)
    scope = decisions.dataset_scope(str(dataset["id"]))
    if form_token is not None:
        check_form_token(form_token, user.id, scope, [version_id])
    current = terms.dataset_terms(dataset)
    _stale_or_foreign(terms.get_version(version_id), current)
    assert current is not None
    return _append_consents(user, [(scope, current, str(dataset["id"]))], channel, form_token)


def withdraw(user_id: str, scope: str, *, channel: str, note: str = "") -> ConsentEvent:
    """Withdraw the user's consent for ``scope`` (a platform kind or
    ``dataset:<id>``); providers of a dataset are notified."""
    user = _user(user_id)
    state = decisions.latest_state(user.id, scope)
    if state is None or state.event_type == CONSENT_WITHDRAWN:
        raise ConsentRequestError("scope", tk._("There is no consent to withdraw here."))
    event = ledger.append(
        event_type=CONSENT_WITHDRAWN, user_id=user.id, scope=scope, channel=channel,
        dataset_id=state.dataset_id, terms_version_id=state.terms_version_id,
        terms_content_hash=state.terms_content_hash, note=note,
    )
    _commit_and_announce([event])
    if state.dataset_id:
        notices.withdrawal_notices(user, state.dataset_id, state.terms_version_id)
    return event


def outstanding_deletions(
    *, user_id: str | None = None, dataset_ids: list[str] | None = None,
) -> list[ConsentEvent]:
    """Ends of use (withdrawals, ended grants) not yet followed by a deletion
    confirmation of the same user and dataset."""
    statement = sa.select(ConsentEvent).where(
        ConsentEvent.dataset_id.isnot(None),
        ConsentEvent.event_type.in_((CONSENT_WITHDRAWN, USE_ENDED, DELETION_CONFIRMED)),
    ).order_by(ConsentEvent.position)
    if user_id:
        statement = statement.where(ConsentEvent.user_id == user_id)
    if dataset_ids is not None:
        statement = statement.where(ConsentEvent.dataset_id.in_(dataset_ids))
    open_obligations: dict[tuple[str, str], ConsentEvent] = {}
    for event in model.Session.scalars(statement):
        key = (event.user_id, str(event.dataset_id))
        if event.event_type in (CONSENT_WITHDRAWN, USE_ENDED):
            open_obligations[key] = event
        elif event.event_type == DELETION_CONFIRMED:
            open_obligations.pop(key, None)
    return list(open_obligations.values())


def record_use_ended(
    user_id: str, dataset_id: str, *, channel: str = "system", note: str = "",
) -> ConsentEvent:
    """Record that the user's use of ``dataset_id`` ended (a grant expired or
    was revoked): the user is reminded to delete the data, and the provider
    sees the deletion confirmation as outstanding."""
    user = _user(user_id)
    state = decisions.latest_state(user.id, decisions.dataset_scope(dataset_id))
    event = ledger.append(
        event_type=USE_ENDED, user_id=user.id, scope=decisions.dataset_scope(dataset_id),
        channel=channel, dataset_id=dataset_id,
        terms_version_id=state.terms_version_id if state else None,
        terms_content_hash=state.terms_content_hash if state else None, note=note,
    )
    _commit_and_announce([event])
    notices.use_ended_notice(user, dataset_id, state.terms_version_id if state else None)
    return event


def confirm_deletion(user_id: str, dataset_id: str, *, channel: str, note: str = "") -> ConsentEvent:
    """Record that the user deleted the data of ``dataset_id`` they held."""
    user = _user(user_id)
    if not outstanding_deletions(user_id=user.id, dataset_ids=[dataset_id]):
        raise ConsentRequestError("dataset_id", tk._(
            "There is no outstanding deletion obligation for this dataset."
        ))
    state = decisions.latest_state(user.id, decisions.dataset_scope(dataset_id))
    event = ledger.append(
        event_type=DELETION_CONFIRMED, user_id=user.id, scope=decisions.dataset_scope(dataset_id),
        channel=channel, dataset_id=dataset_id,
        terms_version_id=state.terms_version_id if state else None,
        terms_content_hash=state.terms_content_hash if state else None, note=note,
    )
    _commit_and_announce([event])
    return event


def pending_reconsents(user_id: str) -> list[dict[str, Any]]:
    """The documents the user accepted whose terms changed materially since:
    what the dashboard notice lists."""
    latest = (
        sa.select(ConsentEvent.scope, sa.func.max(ConsentEvent.position).label("position"))
        .where(ConsentEvent.user_id == user_id,
               ConsentEvent.event_type.in_((CONSENT_GIVEN, RECONSENT_GIVEN, CONSENT_WITHDRAWN)))
        .group_by(ConsentEvent.scope).subquery()
    )
    states = model.Session.scalars(
        sa.select(ConsentEvent).join(latest, ConsentEvent.position == latest.c.position)
    )
    found = []
    for state in states:
        accepted = decisions.accepted_version(state)
        if accepted is None:
            continue
        if state.dataset_id:
            dataset = decisions.dataset_dict(state.dataset_id)
            if dataset is None or dataset.get("state") != "active":
                continue
            current = terms.dataset_terms(dataset)
            url, title = decisions.dataset_consent_url(dataset), dataset["title"]
        else:
            current = terms.current(accepted.kind, SCOPE_PLATFORM)
            url, title = decisions.platform_consent_url(), accepted.title
        if current is not None and current.id != accepted.id and terms.material_change_since(
            accepted, current
        ):
            found.append({"title": title, "url": url, "terms_version_id": current.id,
                          "change_summary": current.change_summary, "scope": state.scope})
    return found


def _current_consents() -> sa.Select[tuple[ConsentEvent]]:
    """Each user's latest grant or re-consent per scope (withdrawn ones left out)."""
    latest = (
        sa.select(ConsentEvent.user_id, ConsentEvent.scope,
                  sa.func.max(ConsentEvent.position).label("position"))
        .where(ConsentEvent.event_type.in_((CONSENT_GIVEN, RECONSENT_GIVEN, CONSENT_WITHDRAWN)))
        .group_by(ConsentEvent.user_id, ConsentEvent.scope).subquery()
    )
    return (sa.select(ConsentEvent).join(latest, ConsentEvent.position == latest.c.position)
            .where(ConsentEvent.event_type != CONSENT_WITHDRAWN))


def affected_by_new_version(version: TermsVersion) -> list[ConsentEvent]:
    """Current consents that ``version`` makes outdated: consents to earlier
    versions of its document and, when a provider or dataset publishes its
    own first version, consents its datasets had under the tier's or
    provider's terms (a different document now applies to them)."""
    earlier = [v.id for v in terms.chain(*version.chain_key) if v.version < version.version]
    found = list(model.Session.scalars(
        _current_consents().where(ConsentEvent.terms_version_id.in_(earlier)))) if earlier else []
    if version.version == 1 and version.scope_type in (SCOPE_DATASET, SCOPE_ORGANIZATION):
        if version.scope_type == SCOPE_DATASET:
            dataset_ids = [version.scope_id]
        else:
            dataset_ids = [package_id for (package_id,) in model.Session.query(model.Package.id)
                           .filter(model.Package.owner_org == version.scope_id)]
        for event in model.Session.scalars(
            _current_consents().where(ConsentEvent.dataset_id.in_(dataset_ids))
        ):
            dataset = decisions.dataset_dict(str(event.dataset_id))
            current = terms.dataset_terms(dataset) if dataset else None
            if current is not None and current.id == version.id and event.terms_version_id != version.id:
                found.append(event)
    return found
