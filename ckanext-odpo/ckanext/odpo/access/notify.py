"""E-mails of the access flow (CKAN's mailer). A failing mail server is logged,
never lost data: the request or decision is already stored."""
from __future__ import annotations

import logging
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import mailer
from ckanext.odpo.access import config
from ckanext.odpo.access.model import AccessRequest

log = logging.getLogger(__name__)


def _send(user: model.User | None, subject: str, body: str) -> None:
    if user is None or not user.email:
        return
    try:
        mailer.mail_user(user, subject, body)
    except mailer.MailerException as error:
        log.warning("access e-mail to %s not sent: %s", user.name, error)


def _dataset_url(package: model.Package) -> str:
    return tk.url_for("dataset.read", id=package.name, _external=True)


def request_created(request: AccessRequest, dataset: dict[str, Any]) -> None:
    """Tell the provider's editors and admins that a request waits for them."""
    if not config.notify_providers() or not dataset.get("owner_org"):
        return
    organization = model.Group.get(dataset["owner_org"])
    requester = model.User.get(request.user_id)
    if organization is None or requester is None:
        return
    subject = tk._("[ODPO] New access request: {dataset}").format(dataset=dataset.get("title") or dataset["name"])
    body = tk._(
        "{user} asks for access to {dataset}.\n\nDecide on the request here:\n{url}\n"
    ).format(user=requester.display_name, dataset=dataset.get("title") or dataset["name"],
             url=tk.url_for("odpo_access.provider_requests", id=organization.name, _external=True))
    for member in organization.member_all:
        if member.table_name == "user" and member.state == "active" and member.capacity in ("admin", "editor"):
            _send(model.User.get(member.table_id), subject, body)


def request_decided(request: AccessRequest) -> None:
    """Tell the requester about the approval or rejection."""
    package = model.Package.get(request.package_id)
    user = model.User.get(request.user_id)
    if package is None:
        return
    title = package.title or package.name
    if request.status == "approved":
        subject = tk._("[ODPO] Access approved: {dataset}").format(dataset=title)
        body = tk._("Your request for {dataset} has been approved. Access ends on {expires}.\n\n{url}\n").format(
            dataset=title, expires=request.expires_at.date().isoformat() if request.expires_at else "-",
            url=_dataset_url(package))
    else:
        subject = tk._("[ODPO] Access request rejected: {dataset}").format(dataset=title)
        body = tk._("Your request for {dataset} has been rejected.\nReason: {reason}\n\n{url}\n").format(
            dataset=title, reason=request.reject_reason or "", url=_dataset_url(package))
    _send(user, subject, body)


def grant_revoked(request: AccessRequest) -> None:
    package = model.Package.get(request.package_id)
    if package is None:
        return
    title = package.title or package.name
    subject = tk._("[ODPO] Access revoked: {dataset}").format(dataset=title)
    body = tk._("The provider has revoked your access to {dataset}.\nReason: {reason}\n").format(
        dataset=title, reason=request.revoke_reason or "")
    _send(model.User.get(request.user_id), subject, body)
