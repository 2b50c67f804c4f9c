"""Template helpers of odpo_access."""
from __future__ import annotations

import ckan.plugins.toolkit as tk


def odpo_access_status_label(status: str) -> str:
    """The user-facing name of a request's or contract's status."""
    labels = {
        "requested": tk._("Waiting for decision"),
        "approved": tk._("Approved (not started)"),
        "active": tk._("Active"),
        "expired": tk._("Expired"),
        "cancelled": tk._("Cancelled"),
        "rejected": tk._("Rejected"),
    }
    return labels.get(status, status)
