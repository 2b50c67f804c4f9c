"""ODPO's harmonised licence register and the normaliser of licence strings.

* :mod:`.register`: the register (``register.yaml``) as typed objects;
* :mod:`.normaliser`: raw licence strings of harvested records -> register ids;
* :mod:`.ckan_list`: the register as CKAN's licence list (``config/licences.json``)
  and ``register_licences()``, which points CKAN at it.
"""
from __future__ import annotations

from .normaliser import (
    Exactness,
    LicenceMatch,
    NormalisationReport,
    normalise_licence,
    normalise_licence_fields,
    normalise_many,
)
from .register import Licence, LicenceFlags, LicenceRegister, load_register

__all__ = [
    "Exactness",
    "Licence",
    "LicenceFlags",
    "LicenceMatch",
    "LicenceRegister",
    "NormalisationReport",
    "load_register",
    "normalise_licence",
    "normalise_licence_fields",
    "normalise_many",
]
