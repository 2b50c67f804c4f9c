"""``/dashboard/samples``: the provider's non-open datasets that have no sample."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from flask import Blueprint

from . import display

odpo_samples = Blueprint("odpo_samples", __name__)


@odpo_samples.route("/dashboard/samples")
def missing() -> str:
    """Datasets of the registered, restricted and paid tiers without samples,
    in the organisations the user may edit (``?organization=`` narrows to one)."""
    if not tk.current_user or not tk.current_user.is_authenticated:
        tk.abort(403, tk._("Sign in to see the datasets of your organisations that need samples."))
    organisation = tk.request.args.get("organization") or None
    datasets = display.datasets_without_samples(tk.current_user.name, organisation)
    return tk.render(
        "odpo/samples_missing.html", extra_vars={"datasets": datasets, "organization": organisation}
    )
