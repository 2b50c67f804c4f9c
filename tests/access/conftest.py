"""Fixtures of the access tests (the catalogue they build is in access_world.py)."""
from __future__ import annotations

from access_world import access_world

__all__ = ["access_world"]
