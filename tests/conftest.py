"""Shared fixtures of the ODPO test suite (run with CKAN's pytest plugin:
``pytest --ckan-ini test.ini tests``)."""
from __future__ import annotations

import inspect
import os
from importlib.metadata import entry_points

import pytest

# the factories' random text seeded per test (see the module)
from ckan_core.odpo_core_seed import pytest_runtest_setup  # noqa: F401

# Plugins whose tables come from their own alembic migrations, in the order
# they are applied. CKAN's ``reset_db`` drops every table of the database,
# these included; ``clean_db`` puts them back.
PLUGINS_WITH_TABLES = (
    "odpo_search",
    "harvest",
    "orden_consent",
    "odpo_access",
    "odpo_sharing",
)


def plugin_migration_folder(plugin: str) -> str | None:
    """The alembic folder of ``plugin``, found as ``ckan db upgrade -p`` does.

    ``None`` when the plugin is not installed or has no migrations.
    """
    found = [ep for ep in entry_points(group="ckan.plugins") if ep.name == plugin]
    if not found:
        return None
    try:
        plugin_class = found[0].load()
    except ImportError:
        return None
    plugin_dir = os.path.dirname(inspect.getsourcefile(plugin_class) or "")
    start = plugin_dir.rfind("/ckanext/") + len("/ckanext/")
    end = plugin_dir.find("/", start)
    if end != -1:
        plugin_dir = plugin_dir[:end]
    folder = os.path.join(plugin_dir, "migration", plugin)
    return folder if os.path.isfile(os.path.join(folder, "alembic.ini")) else None


def upgrade_plugin_tables(plugins: tuple[str, ...] = PLUGINS_WITH_TABLES) -> None:
    """Run each plugin's migrations to head (``ckan db upgrade -p <plugin>``),
    whether or not the plugin is loaded."""
    from alembic import command
    from alembic.config import Config
    from ckan.common import config

    for plugin in plugins:
        folder = plugin_migration_folder(plugin)
        if folder is None:
            continue
        alembic_config = Config(os.path.join(folder, "alembic.ini"))
        alembic_config.set_main_option("script_location", folder)
        alembic_config.set_main_option("sqlalchemy.url", config["sqlalchemy.url"])
        command.upgrade(alembic_config, "head")


_POOLED_ENGINES: dict[str, object] = {}


def pooled_engine() -> None:
    """Bind CKAN's model to a pooled engine, as a running CKAN has.

    CKAN's migrations (run by ``reset_db``) leave the model on a ``NullPool``
    engine (ckan/migration/env.py), which opens a new PostgreSQL connection for
    every transaction. One pooled engine per database URL is kept for the run.
    """
    import ckan.model as model
    from ckan.common import config
    from sqlalchemy import engine_from_config

    url = config["sqlalchemy.url"]
    engine = _POOLED_ENGINES.get(url)
    if engine is None:
        engine = _POOLED_ENGINES[url] = engine_from_config(dict(config))
    model.init_model(engine)


@pytest.fixture
def clean_db(reset_db):
    """CKAN's ``clean_db``, plus the migrations of our plugins' tables."""
    reset_db()
    upgrade_plugin_tables()
    pooled_engine()
