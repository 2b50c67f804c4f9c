"""Fixtures of benchmarks/_harvest_run.py: the harvest tests' source site."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("tests_conftest", ROOT / "tests" / "conftest.py")
tests_conftest = importlib.util.module_from_spec(_spec)
sys.modules["tests_conftest"] = tests_conftest
_spec.loader.exec_module(tests_conftest)

from conftest import bodik_site, remote, web_server  # noqa: E402,F401  (fixtures)
