"""Auth functions of ckanext-odpo (registered with ``tk.blanket.auth_functions``:
the names in ``__all__``); each has the name of the action it guards."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict

__all__ = ["odpo_catalogue_statistics"]


@tk.auth_allow_anonymous_access
def odpo_catalogue_statistics(context: Context, data_dict: DataDict | None) -> AuthResult:
    """Anyone, signed in or not, may read the catalogue's figures: they only
    count what the public catalogue already lists.

    Args:
        context: the action context.
        data_dict: the action's parameters (not used).

    Returns:
        ``{"success": True}``.
    """
    return {"success": True}
