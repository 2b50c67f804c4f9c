"""Validators of the sharing actions."""
from __future__ import annotations

from typing import Any

from ckanext.odpo.sharing.feed import Cursor, CursorError

import ckan.plugins.toolkit as tk


def odpo_sharing_cursor(value: Any) -> Any:
    """A cursor handed out by the change feed (``<xid>-<row id>``) or empty."""
    try:
        Cursor.parse(value)
    except CursorError:
        raise tk.Invalid(tk._("Not a cursor of this change feed: use the next_cursor of a page.")) from None
    return value
