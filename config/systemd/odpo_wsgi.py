"""WSGI entry point of the ODPO web service (odpo-web.service).

The CKAN 2.12 wheel ships no WSGI script, so gunicorn loads this module::

    gunicorn --pythonpath /opt/odpo/src/config/systemd odpo_wsgi:application

The configuration file is taken from ``$CKAN_INI`` (default
``/etc/odpo/production.ini``); its ``[logger_*]`` sections set up logging.
Each worker warms the embedded search backend's in-memory columns at start.
"""

from __future__ import annotations

import os
from logging.config import fileConfig

from ckan.cli import CKANConfigLoader
from ckan.config.middleware import make_app
from ckanext.odpo.search.columns import start_warming

DEFAULT_CONFIG_PATH = "/etc/odpo/production.ini"

config_path = os.environ.get("CKAN_INI", DEFAULT_CONFIG_PATH)
if not os.path.isfile(config_path):
    raise RuntimeError(f"CKAN configuration file not found: {config_path}")

fileConfig(config_path, disable_existing_loggers=False)
application = make_app(CKANConfigLoader(config_path).get_config())
# each worker loads the search columns and the popular text matches in the
# background, rather than on its first search
start_warming()
