"""The ``orden_consent`` plugin: wiring only; the logic lives in the modules
it points to."""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation


@tk.blanket.actions
@tk.blanket.auth_functions
@tk.blanket.blueprints
@tk.blanket.config_declarations
@tk.blanket.helpers
@tk.blanket.validators
@tk.blanket.cli
class OrdenConsentPlugin(p.SingletonPlugin, DefaultTranslation):
    """Two-stage consent, re-consent, consent ledger and privacy center."""

    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)

    def update_config(self, config: Any) -> None:
        tk.add_template_directory(config, "templates")
