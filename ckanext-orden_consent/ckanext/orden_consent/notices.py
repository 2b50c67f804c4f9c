"""E-mail notices (CKAN's mailer): re-consent requests, withdrawal notices to
providers, deletion reminders. Sending failures are logged, never raised:
the consent event is already recorded."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import mailer

from ckanext.orden_consent import config, terms

if TYPE_CHECKING:
    from ckanext.orden_consent.model import ConsentEvent, TermsVersion

log = logging.getLogger(__name__)


def _site_url(path: str) -> str:
    return str(tk.config.get("ckan.site_url") or "").rstrip("/") + path


def _send(user: model.User, subject: str, body: str) -> bool:
    if not config.notify_by_email() or not user.email:
        return False
    try:
        mailer.mail_user(user, subject, body)
    except Exception:
        log.exception("could not send the consent notice %r to user %s", subject, user.name)
        return False
    return True


def reconsent_notices(version: TermsVersion, affected: list[ConsentEvent]) -> int:
    """Tell each user whose consent a material version paused; returns the
    number of e-mails sent."""
    from ckanext.orden_consent import decisions

    sent = 0
    for user_id in sorted({event.user_id for event in affected}):
        user = model.User.get(user_id)
        if user is None or user.state != "active":
            continue
        scopes = [event for event in affected if event.user_id == user_id]
        lines = []
        for event in scopes:
            dataset = decisions.dataset_dict(event.dataset_id) if event.dataset_id else None
            if dataset is not None:
                lines.append(f"- {dataset['title']}: {_site_url(decisions.dataset_consent_url(dataset))}")
            else:
                lines.append(f"- {version.title}: {_site_url(decisions.platform_consent_url())}")
        body = "\n".join([
            tk._("The terms you accepted have changed materially:"),
            f"{version.title} ({tk._('version')} {version.version})",
            "",
            tk._("What changed:"),
            version.change_summary,
            "",
            tk._("Until you accept the new version, your use of the following is paused:"),
            *lines,
        ])
        sent += _send(user, tk._("[ODPO] Please review the changed terms"), body)
    return sent


def _deletion_reminder(first_line: str, version_id: str | None) -> str:
    from ckanext.orden_consent import decisions

    version = terms.get_version(version_id or "")
    method = version.deletion_method if version is not None and version.deletion_method else ""
    reminder = [
        first_line,
        tk._("Please delete the data you obtained from it and record the deletion on your "
             "consents page:"),
        _site_url(decisions.my_consents_url()),
    ]
    if method:
        reminder += ["", tk._("Deletion method:"), method]
    return "\n".join(reminder)


def use_ended_notice(user: model.User, dataset_id: str, version_id: str | None) -> None:
    """Remind the user of the deletion obligation when a grant ended."""
    from ckanext.orden_consent import decisions

    dataset = decisions.dataset_dict(dataset_id)
    if dataset is None:
        return
    first = tk._("Your use of the dataset \"{title}\" has ended.").format(title=dataset["title"])
    _send(user, tk._("[ODPO] Your use ended: please delete the data"),
          _deletion_reminder(first, version_id))


def withdrawal_notices(user: model.User, dataset_id: str, version_id: str | None) -> None:
    """Remind the user of the deletion obligation; tell the provider's admins."""
    from ckanext.orden_consent import decisions

    dataset = decisions.dataset_dict(dataset_id)
    if dataset is None:
        return
    first = tk._("You withdrew your consent to the terms of the dataset \"{title}\".").format(
        title=dataset["title"])
    _send(user, tk._("[ODPO] Consent withdrawn: please delete the data"),
          _deletion_reminder(first, version_id))
    if not dataset.get("owner_org"):
        return
    admins = (
        model.Session.query(model.User)
        .join(model.Member, model.Member.table_id == model.User.id)
        .filter(model.Member.group_id == dataset["owner_org"], model.Member.state == "active",
                model.Member.table_name == "user", model.Member.capacity == "admin")
        .all()
    )
    body = tk._(
        "User {user} withdrew their consent to the terms of the dataset \"{title}\". "
        "Their access depending on it is suspended; a deletion confirmation is outstanding."
    ).format(user=user.display_name, title=dataset["title"])
    for admin in admins:
        _send(admin, tk._("[ODPO] A user withdrew consent"), body)
