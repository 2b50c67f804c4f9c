"""The register as the licence list CKAN reads (``licenses_group_url``).

CKAN 2.12 (``ckan.model.license.LicenseRegister``) reads a JSON list of
objects. It needs ``id``, ``title`` and ``url``; ``od_conformance`` /
``osd_conformance`` == ``"approved"`` makes a dataset "open" (``isopen``). It
keeps every other key: a ``License`` exposes them as attributes and
``license_list`` returns them, so the flags, the Japanese summary and the
citation templates travel with each licence.

``licenses_group_url`` accepts ``file://`` URLs: CKAN strips ``file://`` and
opens the rest as a path, so a relative path depends on the working directory
of the process. :func:`register_licences` therefore sets the absolute
``file://`` URL of ``config/licences.json``. The file is written with ASCII
escapes, because CKAN opens it with the locale's default encoding.

The terms ODPO defines itself have site-relative URLs in the file
(``/licences/<id>``, pages of the portal). :func:`register_licences` hands
CKAN the register with those URLs made absolute with ``ckan.site_url``, so
``license_list`` and ``package_show`` (``license_url``) give full URLs.

Regenerate the file after editing ``register.yaml``::

    python -m ckanext.odpo.licences.ckan_list           # write
    python -m ckanext.odpo.licences.ckan_list --check   # exit 1 when stale
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import MutableMapping, Sequence
from pathlib import Path
from typing import Any

from .register import Licence, LicenceRegister, load_register

LICENCES_GROUP_URL_OPTION = "licenses_group_url"

#: ``config/licences.json`` of this checkout (the code is installed with ``pip -e``).
LICENCES_JSON_PATH = Path(__file__).resolve().parents[4] / "config" / "licences.json"


def ckan_licence_entry(licence: Licence) -> dict[str, Any]:
    """One licence in CKAN's licence-list format, with ODPO's extra keys."""
    return {
        "id": licence.id,
        "title": licence.title,
        "url": licence.url,
        "od_conformance": licence.od_conformance,
        "osd_conformance": "not reviewed",
        "status": "active",
        "maintainer": "",
        "family": licence.family,
        "is_generic": licence.id == "municipal-custom",
        "domain_content": licence.family.startswith("cc"),
        "domain_data": True,
        "domain_software": False,
        "title_en": licence.title_en,
        "short_name": licence.short_name,
        **licence.flags.as_dict(),
        "summary_ja": licence.summary_ja,
        "citation_template_ja": licence.citation_template_ja,
        "modified_citation_template_ja": licence.modified_citation_template_ja,
    }


def build_ckan_licence_list(register: LicenceRegister | None = None) -> list[dict[str, Any]]:
    """Every licence of the register, in register order."""
    register = register if register is not None else load_register()
    return [ckan_licence_entry(licence) for licence in register.values()]


def render_ckan_licence_list(register: LicenceRegister | None = None) -> str:
    """The exact text of ``config/licences.json``."""
    return json.dumps(build_ckan_licence_list(register), ensure_ascii=True, indent=2) + "\n"


def write_ckan_licence_list(path: Path = LICENCES_JSON_PATH) -> Path:
    """(Re)write the CKAN licence list from ``register.yaml``."""
    path.write_text(render_ckan_licence_list(), encoding="ascii")
    return path


def ckan_licence_list_is_current(path: Path = LICENCES_JSON_PATH) -> bool:
    """Whether ``path`` holds exactly what ``register.yaml`` generates."""
    return path.is_file() and path.read_text(encoding="ascii") == render_ckan_licence_list()


def licences_group_url(path: Path = LICENCES_JSON_PATH) -> str:
    """The ``file://`` URL CKAN's ``licenses_group_url`` needs for ``path``."""
    return path.resolve().as_uri()


def register_licences(config: MutableMapping[str, Any]) -> None:
    """Make CKAN offer the harmonised register (call from ``update_config``).

    A site that sets ``licenses_group_url`` itself keeps its own list.
    """
    if config.get(LICENCES_GROUP_URL_OPTION):
        return
    if not LICENCES_JSON_PATH.is_file():
        raise FileNotFoundError(f"{LICENCES_JSON_PATH} is missing; run python -m {__name__}")
    config[LICENCES_GROUP_URL_OPTION] = licences_group_url()
    _install_ckan_licence_register(str(config.get("ckan.site_url") or ""))


def ckan_licence_entries_for_site(site_url: str, path: Path = LICENCES_JSON_PATH) -> list[dict[str, Any]]:
    """The entries of ``path`` with site-relative URLs made absolute on ``site_url``
    (left as they are when no site URL is known)."""
    base = site_url.rstrip("/")
    entries: list[dict[str, Any]] = json.loads(path.read_text(encoding="ascii"))
    return [
        {**entry, "url": base + entry["url"]} if base and entry["url"].startswith("/") else entry
        for entry in entries
    ]


def _install_ckan_licence_register(site_url: str) -> None:
    """Give CKAN the register of ``config/licences.json`` with this site's URLs.

    CKAN would read the file on first use and keep the site-relative URLs; the
    register is cached on ``Package``, so it is built once here instead.
    """
    from ckan import model
    from ckan.model.license import License, LicenseRegister

    _forget_cached_licence_register()
    register = LicenseRegister()
    register.licenses = [License(entry) for entry in ckan_licence_entries_for_site(site_url)]
    model.Package._license_register = register


def _forget_cached_licence_register() -> None:
    """CKAN keeps the register it read first on ``Package``; make it read again."""
    from ckan import model

    if "_license_register" in vars(model.Package):
        del model.Package._license_register


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write config/licences.json from register.yaml.")
    parser.add_argument("--check", action="store_true", help="only check that the file is current")
    parser.add_argument("--output", type=Path, default=LICENCES_JSON_PATH, help="file to write or check")
    arguments = parser.parse_args(argv)
    if arguments.check:
        current = ckan_licence_list_is_current(arguments.output)
        print(f"{arguments.output}: {'current' if current else 'stale, regenerate it'}")
        return 0 if current else 1
    print(f"wrote {write_ckan_licence_list(arguments.output)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
