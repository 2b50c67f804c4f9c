"""Harvester for BODIK ODCS (https://data.bodik.jp): the CKAN harvester with
BODIK's defaults — its URL, and Osaka Prefecture's bodies selected by
全国地方公共団体コード. This plugin also carries the harvesters' pages,
translations, configuration and ``ckan odpo harvest`` support."""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation
from ckanext.harvest.model import HarvestJob

from . import config as harvest_config
from . import helpers
from .ckan_site import CkanSiteHarvester


@tk.blanket.config_declarations
@tk.blanket.helpers(helpers.get_helpers)
class BodikHarvester(CkanSiteHarvester, DefaultTranslation):
    """BODIK ODCS, Osaka's local governments by default."""

    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)

    NAME = "odpo_bodik"
    TITLE = "BODIK ODCS (ODPO)"
    DESCRIPTION = ("BODIK's CKAN API: organisations selected by local government code, licences "
                   "normalised, withdrawals propagated.")

    def default_settings(self) -> dict[str, Any]:
        return {"organisation_codes": harvest_config.bodik_codes()}

    def source_url(self, job: HarvestJob) -> str:
        return (job.source.url or "").strip() or harvest_config.bodik_url()

    # IConfigurer

    def update_config(self, config: Any) -> None:
        tk.add_template_directory(config, "templates")

    # ITranslation

    def i18n_domain(self) -> str:
        return "ckanext-odpo_harvesters"
