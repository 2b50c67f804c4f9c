"""Fixtures of the consent tests; they and the helpers the test modules import
live in consent_support.py (a module name of its own: every test folder has a
conftest.py)."""
from consent_support import seeded_terms, provider, restricted_dataset, other_restricted_dataset, user  # noqa: F401
