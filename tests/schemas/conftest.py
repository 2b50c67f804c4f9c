"""Fixtures of the schema tests: validation in the user's language.

CKAN translates a validation message when the validator runs, with the
language of the current request (``ckan.locale_default`` when the URL names
none). Outside a request ``tk._`` returns the English msgid, so the tests of
what users read run inside a request of the Flask app, which has ODPO's
translations loaded (``with_plugins`` first: the app is built with the
plugins' translation directories).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest


@pytest.fixture
def in_language(
    with_plugins: None, app: Any, ckan_config: Any, monkeypatch: pytest.MonkeyPatch
) -> Callable[[str], AbstractContextManager[None]]:
    """``with in_language("en"): ...`` runs the block in a request in that language."""

    @contextmanager
    def request_in(language: str) -> Iterator[None]:
        monkeypatch.setitem(ckan_config, "ckan.locale_default", language)
        with app.flask_app.test_request_context():
            yield

    return request_in


@pytest.fixture
def japanese(in_language: Callable[[str], AbstractContextManager[None]]) -> Iterator[None]:
    """The test runs in a request in Japanese, the catalogue's default language."""
    with in_language("ja"):
        yield
