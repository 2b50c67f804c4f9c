"""The alembic environment shared by the plugins of ckanext-odpo.

Each plugin's ``migration/<plugin>/env.py`` calls :func:`run_plugin_migrations`
with its own path; the version table is ``<plugin>_alembic_version``, as CKAN
expects for plugin migrations. Logging stays CKAN's (no ``fileConfig``).
"""
from __future__ import annotations

import os

from alembic import context
from sqlalchemy import engine_from_config, pool


def version_table(env_file: str) -> str:
    """``<plugin>_alembic_version`` for ``.../migration/<plugin>/env.py``."""
    return f"{os.path.basename(os.path.dirname(os.path.abspath(env_file)))}_alembic_version"


def run_plugin_migrations(env_file: str) -> None:
    """Run the migrations alembic asked for, offline (SQL) or online."""
    config = context.config
    table = version_table(env_file)
    if context.is_offline_mode():
        context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True,
                          version_table=table)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = engine_from_config(config.get_section(config.config_ini_section) or {},
                                prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, version_table=table)
        with context.begin_transaction():
            context.run_migrations()
