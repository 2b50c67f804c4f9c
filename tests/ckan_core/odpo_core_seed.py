"""Pytest plugin: every test draws the same random data on every run.
``make test`` loads it with ``-p`` for CKAN's own suites; ``tests/conftest.py``
imports its hook for ours.

CKAN's factories fill titles and descriptions with random English text
(``ckan.tests.factories.fake``, never seeded). A search test can then find
its word in another dataset by chance: ``TestSearch.test_search_page_results``
searches "One" among "Dataset One", "Dataset Two" and "Dataset Three", whose
descriptions are random sentences such as "Piece on artist one anyone.", and
finds two datasets in about one run of a hundred (Solr's catch-all field
holds the descriptions as ours does). Seeding Faker from the test's node id
makes each test's data independent of the tests run before it, and the same
from run to run; ``ODPO_CORE_SEED`` changes the seeds (to look for such
tests on purpose).
"""
from __future__ import annotations

import os
import zlib

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    from ckan.tests import factories

    salt = os.environ.get("ODPO_CORE_SEED", "")
    factories.fake.seed_instance(zlib.crc32(f"{salt}{item.nodeid}".encode()))
