"""The download log: every download or API read of non-open data."""
from __future__ import annotations

import logging

from ckan import model
from ckanext.odpo.access.model import DownloadRecord

log = logging.getLogger(__name__)


def record_download(
    *, user_id: str | None, package_id: str, resource_id: str | None, grant_id: str | None,
    channel: str, size: int | None,
) -> None:
    """Append one row to the log (in its own transaction)."""
    try:
        model.Session.add(DownloadRecord(user_id=user_id, package_id=package_id, resource_id=resource_id,
                                         grant_id=grant_id, channel=channel, bytes=size))
        model.Session.commit()
    except Exception:  # the download itself must not fail because of the log
        model.Session.rollback()
        log.exception("download of %s not logged", resource_id)
