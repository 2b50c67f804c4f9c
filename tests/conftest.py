"""Shared fixtures of the ODPO test suite (run with CKAN's pytest plugin:
``pytest --ckan-ini test.ini tests``)."""
from __future__ import annotations

import pytest


@pytest.fixture
def clean_db(reset_db):
    """CKAN's ``clean_db``, plus the migrations of our plugins' tables.

    ``reset_db`` may drop every table of the database, the search index table
    of ``odpo_search`` included; it is put back by its alembic migration.
    """
    from ckanext.odpo.search.connection import upgrade_index_table

    reset_db()
    upgrade_index_table()
