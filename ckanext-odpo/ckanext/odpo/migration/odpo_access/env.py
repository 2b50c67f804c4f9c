"""Alembic environment of the odpo_access plugin's tables (version table
``odpo_access_alembic_version``); the steps are shared: ckanext.odpo.alembic_env."""
from ckanext.odpo.alembic_env import run_plugin_migrations

run_plugin_migrations(__file__)
