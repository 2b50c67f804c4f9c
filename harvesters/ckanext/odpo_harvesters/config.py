"""Typed getters for the options of ``config_declaration.yaml``.

Defaults repeat the declared ones so the getters work while the declaring
plugin is not loaded.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckanext.odpo.municipality import LOCAL_GOVERNMENTS

REQUEST_DELAY = "odpo.harvest.request_delay"
RETRIES = "odpo.harvest.retries"
TIMEOUT = "odpo.harvest.timeout"
MAX_WITHDRAWAL_SHARE = "odpo.harvest.max_withdrawal_share"
BODIK_URL = "odpo.harvest.bodik_url"
BODIK_CODES = "odpo.harvest.bodik_codes"
IMPORT_BATCH_SIZE = "odpo.harvest.import_batch_size"

OSAKA_PREFECTURE_CODE = "270008"


def request_delay() -> float:
    return float(tk.config.get(REQUEST_DELAY, 1.0))


def retries() -> int:
    return int(tk.config.get(RETRIES, 3))


def timeout() -> float:
    return float(tk.config.get(TIMEOUT, 30.0))


def max_withdrawal_share() -> float:
    return float(tk.config.get(MAX_WITHDRAWAL_SHARE, 0.5))


def import_batch_size() -> int:
    return max(1, int(tk.config.get(IMPORT_BATCH_SIZE, 100)))


def bodik_url() -> str:
    return str(tk.config.get(BODIK_URL) or "https://data.bodik.jp").rstrip("/")


def bodik_codes() -> list[str]:
    """Codes the BODIK harvester selects by default: the option, or Osaka's."""
    configured = str(tk.config.get(BODIK_CODES) or "").split()
    if configured:
        return configured
    return sorted(code for code in LOCAL_GOVERNMENTS if code.startswith("27"))
