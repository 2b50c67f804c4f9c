"""Fixtures of the tests of what users see: a small demo catalogue."""
from __future__ import annotations

import pytest
from ckanext.odpo.demo import CataloguePlan, build_catalogue_plan
from ui_support import DEMO_SCALE


@pytest.fixture(scope="session")
def demo_plan() -> CataloguePlan:
    return build_catalogue_plan(scale=DEMO_SCALE)


@pytest.fixture
def demo_catalogue(demo_plan: CataloguePlan) -> CataloguePlan:
    """The demo catalogue at :data:`ui_support.DEMO_SCALE`, loaded through
    CKAN's actions (needs ``with_plugins`` and ``clean_db`` first)."""
    from ckanext.odpo.demo.loader import CatalogueLoader

    CatalogueLoader().load(demo_plan)
    return demo_plan
