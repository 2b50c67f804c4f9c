"""Fixtures of the sharing tests; they and the helpers the test modules import
live in sharing_support.py (a module name of its own: every test folder has a
conftest.py)."""
from sharing_support import sharing_config, clean_sharing  # noqa: F401
