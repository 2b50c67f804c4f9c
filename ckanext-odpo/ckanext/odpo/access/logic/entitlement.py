"""Who may use the data of a dataset, now.

Tiers (the dataset's ``access_tier``): ``open`` — anyone; ``registered`` — any
signed-in user with an active account; ``restricted`` — users with an active
grant (an approved access request); ``paid`` — users with an active contract.
Sysadmins, members of the provider organisation and the dataset's
collaborators are always entitled. When the ``orden_consent`` plugin is
loaded, a user entitled by tier must also hold the consents it asks for: a
withdrawn or outdated consent pauses access.

Samples (resources with ``is_sample: true``) are downloadable by anyone.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

import ckan.authz as authz
import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import model
from ckanext.odpo.access.model import APPROVED, AccessRequest, utcnow

OPEN = "open"
REGISTERED = "registered"
RESTRICTED = "restricted"
PAID = "paid"
TIERS = (OPEN, REGISTERED, RESTRICTED, PAID)
#: Tiers reached through an access request or a contract.
REQUESTABLE_TIERS = (RESTRICTED, PAID)

# reasons of a decision
OPEN_DATA = "open_data"
PROVIDER = "provider"
SYSADMIN = "sysadmin"
REGISTERED_USER = "registered_user"
GRANT = "grant"
LOGIN_REQUIRED = "login_required"
REQUEST_REQUIRED = "request_required"
REQUEST_PENDING = "request_pending"
GRANT_EXPIRED = "grant_expired"
GRANT_REVOKED = "grant_revoked"


@dataclass(frozen=True)
class Entitlement:
    """Whether a user may use a dataset's data, and if not, how to get access."""

    allowed: bool
    reason: str
    grant_id: str | None = None
    request_url: str | None = None
    message: str = ""

    def as_error_dict(self) -> dict[str, Any]:
        """The machine-readable part of a 403 answer."""
        return {
            "reason": self.reason,
            "request_url": self.request_url,
            "message": self.message,
        }


def dataset_tier(dataset: dict[str, Any]) -> str:
    tier = dataset.get("access_tier") or OPEN
    return tier if tier in TIERS else OPEN


def request_url(dataset: dict[str, Any]) -> str:
    """The dataset's request-access page (absolute URL)."""
    return tk.url_for("odpo_access.request", id=dataset.get("name") or dataset["id"], _external=True)


def dataset_facts(package: model.Package) -> dict[str, Any]:
    """What entitlement depends on, read from the dataset as it is now."""
    return {"id": package.id, "name": package.name, "title": package.title, "owner_org": package.owner_org,
            "access_tier": package.extras.get("access_tier")}


def resource_facts(resource_id: str | None) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(resource, dataset) facts of an active resource of an active public
    dataset; ``None`` otherwise (CKAN's own checks decide then)."""
    resource = model.Resource.get(resource_id) if resource_id else None
    if resource is None or resource.state != "active" or resource.package is None:
        return None
    package = resource.package
    if package.private or package.state != "active":
        return None
    return {"id": resource.id, "is_sample": resource.extras.get("is_sample")}, dataset_facts(package)


def resolve_user(user_id: str | None) -> model.User | None:
    """The active user named by id or name, else ``None`` (anonymous)."""
    if not user_id:
        return None
    user = model.User.get(user_id)
    if user is None or user.state != "active":
        return None
    return user


def is_privileged(user: model.User, dataset: dict[str, Any]) -> bool:
    """Sysadmin, member of the provider organisation or dataset collaborator."""
    if user.sysadmin:
        return True
    owner_org = dataset.get("owner_org") or (dataset.get("organization") or {}).get("id")
    if owner_org and authz.has_user_permission_for_group_or_org(owner_org, user.name, "read"):
        return True
    dataset_id = dataset.get("id")
    return bool(dataset_id) and authz.user_is_collaborator_on_dataset(user.id, dataset_id)


def user_requests(user_id: str, package_id: str) -> list[AccessRequest]:
    """The user's requests for a dataset, newest first."""
    return (
        model.Session.query(AccessRequest)
        .filter(AccessRequest.user_id == user_id, AccessRequest.package_id == package_id)
        .order_by(AccessRequest.created.desc())
        .all()
    )


def active_grant(user_id: str, package_id: str, now: datetime.datetime | None = None) -> AccessRequest | None:
    """The user's grant for a dataset that is in force now, if any."""
    now = now or utcnow()
    return (
        model.Session.query(AccessRequest)
        .filter(
            AccessRequest.user_id == user_id,
            AccessRequest.package_id == package_id,
            AccessRequest.status == APPROVED,
            sa.or_(AccessRequest.expires_at.is_(None), AccessRequest.expires_at > now),
            sa.or_(AccessRequest.starts_at.is_(None), AccessRequest.starts_at <= now),
        )
        .order_by(AccessRequest.expires_at.desc().nulls_first())
        .first()
    )


def _denied(reason: str, dataset: dict[str, Any], message: str) -> Entitlement:
    return Entitlement(False, reason, request_url=request_url(dataset), message=message)


def _without_grant(user_id: str, dataset: dict[str, Any]) -> Entitlement:
    """Why a signed-in user without an active grant is refused."""
    history = user_requests(user_id, dataset["id"])
    latest = history[0] if history else None
    status = latest.contract_status() if latest else None
    if status == "requested":
        return _denied(REQUEST_PENDING, dataset,
                       tk._("Your request for this data is waiting for the provider's decision."))
    if status == "expired":
        return _denied(GRANT_EXPIRED, dataset,
                       tk._("Your access to this data has expired. You can ask for it again."))
    if latest is not None and latest.status == "revoked":
        return _denied(GRANT_REVOKED, dataset,
                       tk._("The provider has revoked your access to this data."))
    if dataset_tier(dataset) == PAID:
        return _denied(REQUEST_REQUIRED, dataset,
                       tk._("This is paid data: choose a price plan and apply for a contract."))
    return _denied(REQUEST_REQUIRED, dataset,
                   tk._("This data is restricted: ask the provider for access."))


def _consent(user: model.User, dataset: dict[str, Any], granted: Entitlement) -> Entitlement:
    """``granted``, unless the consent plugin asks for a consent first."""
    if not p.plugin_loaded("orden_consent"):
        return granted
    from ckanext.orden_consent.shared import check_dataset_consent

    decision = check_dataset_consent(user.id, dataset)
    if decision.allowed:
        return granted
    return Entitlement(False, decision.reason, grant_id=granted.grant_id,
                       request_url=decision.consent_url, message=decision.message)


def user_entitlement(user_id: str | None, dataset: dict[str, Any]) -> Entitlement:
    """May the user (id or name; ``None`` for anonymous) use the dataset's data now?"""
    tier = dataset_tier(dataset)
    if tier == OPEN:
        return Entitlement(True, OPEN_DATA)
    user = resolve_user(user_id)
    if user is None:
        return _denied(LOGIN_REQUIRED, dataset, tk._("Sign in to use this data."))
    if user.sysadmin:
        return Entitlement(True, SYSADMIN)
    if is_privileged(user, dataset):
        return Entitlement(True, PROVIDER)
    if tier == REGISTERED:
        return _consent(user, dataset, Entitlement(True, REGISTERED_USER))
    grant = active_grant(user.id, dataset["id"])
    if grant is None:
        return _without_grant(user.id, dataset)
    return _consent(user, dataset, Entitlement(True, GRANT, grant_id=grant.id))


def resource_is_sample(resource: dict[str, Any]) -> bool:
    return tk.asbool(resource.get("is_sample") or False)


def resource_is_withheld(user_id: str | None, dataset: dict[str, Any], resource: dict[str, Any]) -> bool:
    """Is this resource's data kept from the user (never for a sample)?"""
    if resource_is_sample(resource):
        return False
    return not user_entitlement(user_id, dataset).allowed
