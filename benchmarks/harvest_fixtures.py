"""Fixtures of benchmarks/_harvest_run.py: those of the harvest tests (the
source CKAN site), and the project's ``clean_db`` helpers."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


tests_conftest = _load("tests_conftest", ROOT / "tests" / "conftest.py")
_harvest_fixtures = _load("harvest_tests_conftest", ROOT / "tests" / "harvest" / "conftest.py")
bodik_site = _harvest_fixtures.bodik_site
remote = _harvest_fixtures.remote
web_server = _harvest_fixtures.web_server
