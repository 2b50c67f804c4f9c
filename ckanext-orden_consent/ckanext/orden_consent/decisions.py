""""May this user use this dataset now?" — stage 1 (platform terms and privacy
policy), stage 2 (the dataset's data terms), re-consent and withdrawal.

Rules:
- A dataset whose tier is open (or unset) needs nothing, not even a login.
- Any other tier needs stage 1; tiers listed in
  ``orden_consent.consent_required_values`` also need stage 2.
- Anonymous users get ``platform_consent_required`` (the consent page asks
  them to log in first).
- Sysadmins, and users who may edit the dataset (its provider), pass.
- A consent stays valid across minor versions; a material version published
  after the accepted one requires re-consent. A withdrawn consent blocks until
  the user consents again.
- A dataset needing stage 2 whose terms are not published yet is blocked
  (``dataset_consent_required`` without a version).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa

from ckanext.orden_consent import terms
from ckanext.orden_consent.model import (
    CONSENT_STATE_EVENTS,
    CONSENT_WITHDRAWN,
    ConsentEvent,
    TermsVersion,
)

PLATFORM_CONSENT_REQUIRED = "platform_consent_required"
DATASET_CONSENT_REQUIRED = "dataset_consent_required"
RECONSENT_REQUIRED = "reconsent_required"
CONSENT_WITHDRAWN_REASON = "consent_withdrawn"
OPEN_TIERS = frozenset({"", "open"})


@dataclass(frozen=True)
class ConsentDecision:
    """The answer to "may this user use this now?"."""

    allowed: bool
    reason: str | None
    consent_url: str | None
    terms_version_id: str | None
    message: str

    def as_error_dict(self) -> dict[str, Any]:
        """The machine-readable part of a 403 answer."""
        return {
            "reason": self.reason, "consent_url": self.consent_url,
            "terms_version_id": self.terms_version_id, "message": self.message,
        }


ALLOWED = ConsentDecision(True, None, None, None, "")


def dataset_scope(dataset_id: str) -> str:
    return f"dataset:{dataset_id}"


def _messages() -> dict[str, str]:
    return {
        PLATFORM_CONSENT_REQUIRED: tk._(
            "Please log in and accept the platform terms of use and the privacy policy "
            "before using this data."
        ),
        DATASET_CONSENT_REQUIRED: tk._(
            "Please read and accept the terms of use of this dataset before using it."
        ),
        RECONSENT_REQUIRED: tk._(
            "The terms have changed materially since you accepted them. Please read the "
            "new version and accept it to continue."
        ),
        CONSENT_WITHDRAWN_REASON: tk._(
            "You withdrew your consent to these terms. Accept them again to use this data."
        ),
    }


def _url(endpoint: str, fallback: str, **values: str) -> str:
    try:
        return tk.url_for(endpoint, **values)
    except Exception:  # no application context (CLI, jobs)
        return fallback


def platform_consent_url() -> str:
    return _url("orden_consent.platform_consent", "/consent/platform")


def my_consents_url() -> str:
    return _url("orden_consent.my_consents", "/user/consents")


def dataset_consent_url(dataset: dict[str, Any]) -> str:
    name = str(dataset.get("name") or dataset.get("id") or "")
    return _url("orden_consent.dataset_consent", f"/dataset/consent/{name}", id=name)


def _denied(reason: str, url: str, version_id: str | None, message: str = "") -> ConsentDecision:
    return ConsentDecision(False, reason, url, version_id, message or _messages()[reason])


def resolve_user(user_id: str | None) -> model.User | None:
    if not user_id:
        return None
    user = model.User.get(user_id)
    return user if user is not None and user.state == "active" else None


def latest_state(user_id: str, scope: str) -> ConsentEvent | None:
    """The user's last grant, re-consent or withdrawal for ``scope``."""
    return model.Session.scalars(
        sa.select(ConsentEvent)
        .where(ConsentEvent.user_id == user_id, ConsentEvent.scope == scope,
               ConsentEvent.event_type.in_(CONSENT_STATE_EVENTS))
        .order_by(ConsentEvent.position.desc()).limit(1)
    ).first()


def latest_states(user_id: str, scopes: list[str]) -> dict[str, ConsentEvent]:
    """:func:`latest_state` of several scopes in one query."""
    statement = (
        sa.select(ConsentEvent)
        .where(ConsentEvent.user_id == user_id, ConsentEvent.scope.in_(scopes),
               ConsentEvent.event_type.in_(CONSENT_STATE_EVENTS))
        .order_by(ConsentEvent.scope, ConsentEvent.position.desc())
        .distinct(ConsentEvent.scope)
    )
    return {state.scope: state for state in model.Session.scalars(statement)}


def accepted_version(state: ConsentEvent | None) -> TermsVersion | None:
    if state is None or state.event_type == CONSENT_WITHDRAWN or not state.terms_version_id:
        return None
    return terms.get_version(state.terms_version_id)


def _check_document(
    state: ConsentEvent | None, current: TermsVersion, initial_reason: str, url: str,
) -> ConsentDecision | None:
    """A refusal when ``state`` (the user's latest consent event of the
    document's scope) is not a valid consent to ``current``, else None."""
    if state is None:
        return _denied(initial_reason, url, current.id)
    if state.event_type == CONSENT_WITHDRAWN:
        return _denied(CONSENT_WITHDRAWN_REASON, url, current.id)
    accepted = accepted_version(state)
    if accepted is None:
        return _denied(initial_reason, url, current.id)
    if accepted.id != current.id and terms.material_change_since(accepted, current):
        return _denied(RECONSENT_REQUIRED, url, current.id)
    return None


def check_platform_consent(user_id: str | None) -> ConsentDecision:
    """Stage 1: the current platform terms of use and privacy policy."""
    url = platform_consent_url()
    user = resolve_user(user_id)
    if user is None:
        first = terms.current_platform_versions()
        return _denied(PLATFORM_CONSENT_REQUIRED, url, first[0].id if first else None)
    if user.sysadmin:
        return ALLOWED
    currents = terms.current_platform_versions()
    states = latest_states(user.id, [current.kind for current in currents]) if currents else {}
    for current in currents:
        refusal = _check_document(states.get(current.kind), current, PLATFORM_CONSENT_REQUIRED, url)
        if refusal is not None:
            return refusal
    return ALLOWED


def is_provider(user: model.User, dataset: dict[str, Any]) -> bool:
    """Sysadmins and users who may edit the dataset."""
    if user.sysadmin:
        return True
    if dataset.get("creator_user_id") == user.id and not dataset.get("owner_org"):
        return True
    owner_org = dataset.get("owner_org")
    return bool(owner_org) and authz.has_user_permission_for_group_or_org(
        owner_org, user.name, "update_dataset"
    )


def consent_required_for(dataset: dict[str, Any]) -> bool:
    """Whether a stage-2 consent is needed for ``dataset`` (its tier is one of
    ``orden_consent.consent_required_values``)."""
    return terms.consent_required_for(dataset)


def check_dataset_consent(user_id: str | None, dataset: dict[str, Any]) -> ConsentDecision:
    """Stage 1 and, for restricted/paid data, stage 2 (see module rules)."""
    if terms.dataset_tier(dataset) in OPEN_TIERS:
        return ALLOWED
    user = resolve_user(user_id)
    if user is not None and is_provider(user, dataset):
        return ALLOWED
    stage_one = check_platform_consent(user_id)
    if not stage_one.allowed or user is None:
        return stage_one
    if not consent_required_for(dataset):
        return ALLOWED
    url = dataset_consent_url(dataset)
    current = terms.dataset_terms(dataset)
    if current is None:
        return _denied(DATASET_CONSENT_REQUIRED, url, None, tk._(
            "The provider has not published terms of use for this dataset yet, so it "
            "cannot be used."
        ))
    state = latest_state(user.id, dataset_scope(str(dataset["id"])))
    refusal = _check_document(state, current, DATASET_CONSENT_REQUIRED, url)
    return refusal or ALLOWED


def dataset_terms_version(dataset: dict[str, Any]) -> dict[str, Any] | None:
    """The current data terms applying to ``dataset``, as a dict."""
    current = terms.dataset_terms(dataset)
    return current.as_dict() if current is not None else None


def dataset_dict(dataset_id: str) -> dict[str, Any] | None:
    """A light dataset dict (id, name, title, owner_org, extras) from the model,
    enough for the checks above."""
    package = model.Package.get(dataset_id)
    if package is None:
        return None
    found: dict[str, Any] = dict(package.extras)
    found.update({
        "id": package.id, "name": package.name, "title": package.title or package.name,
        "owner_org": package.owner_org, "creator_user_id": package.creator_user_id,
        "state": package.state,
    })
    return found
