"""ODPO: the Open Data Platform in Osaka, as CKAN extensions.

The top-level folders are importable packages under the ``ckanext`` namespace:

    ckanext-odpo/ckanext/odpo/                    -> ckanext.odpo
        catalogue features and the embedded search backend
    ckanext-orden_consent/ckanext/orden_consent/  -> ckanext.orden_consent
        consent management
    harvesters/ckanext/odpo_harvesters/           -> ckanext.odpo_harvesters
        BODIK and municipal harvesters
    schemas/                                      -> ckanext.odpo_schemas
        ckanext-scheming YAML (data only)

Each extension keeps CKAN's usual ``ckanext/<name>/`` layout inside its
folder, which CKAN relies on to find a plugin's migrations.
"""
from __future__ import annotations

from setuptools import setup

PACKAGE_DIRS = {
    "ckanext.odpo": "ckanext-odpo/ckanext/odpo",
    "ckanext.orden_consent": "ckanext-orden_consent/ckanext/orden_consent",
    "ckanext.odpo_harvesters": "harvesters/ckanext/odpo_harvesters",
    "ckanext.odpo_schemas": "schemas",
}


def _subpackages(package: str, folder: str) -> dict[str, str]:
    """Map every sub-folder holding an ``__init__.py`` to its dotted name."""
    import os

    found = {}
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith((".", "__"))]
        if os.path.islink(root):
            continue
        if "__init__.py" in files:
            rel = os.path.relpath(root, folder)
            name = package if rel == "." else package + "." + rel.replace(os.sep, ".")
            found[name] = root
    return found


package_dir: dict[str, str] = {}
for _package, _folder in PACKAGE_DIRS.items():
    package_dir.update(_subpackages(_package, _folder))

setup(
    name="ckanext-odpo",
    version="0.1.0",
    description="ODPO - Open Data Platform in Osaka (ORDEN data catalogue)",
    license="AGPL-3.0-or-later",
    python_requires=">=3.10",
    packages=sorted(package_dir),
    package_dir=package_dir,
    include_package_data=True,
    package_data={"": ["*.yaml", "*.json", "*.html", "*.txt", "*.csv", "*.mo", "*.po",
                       "*.ini", "*.mako", "*.js", "*.css", "*.svg", "migration/*/*.py",
                       "migration/*/versions/*.py", "templates/**/*", "assets/**/*", "public/**/*"]},
    install_requires=["luqum==1.0.0", "numpy==2.2.6", "snowballstemmer==3.1.1"],
    entry_points={
        "ckan.plugins": [
            "odpo = ckanext.odpo.plugin:OdpoPlugin",
            "odpo_search = ckanext.odpo.plugin:OdpoSearchPlugin",
            "odpo_access = ckanext.odpo.access.plugin:OdpoAccessPlugin",
            "odpo_sharing = ckanext.odpo.sharing.plugin:OdpoSharingPlugin",
            "orden_consent = ckanext.orden_consent.plugin:OrdenConsentPlugin",
            "odpo_bodik_harvester = ckanext.odpo_harvesters.bodik:BodikHarvester",
            "odpo_ckan_harvester = ckanext.odpo_harvesters.ckan_site:CkanSiteHarvester",
            "odpo_dcat_harvester = ckanext.odpo_harvesters.dcat:OdpoDcatHarvester",
            "odpo_opendata_list_harvester = ckanext.odpo_harvesters.opendata_list:OpendataListHarvester",
        ],
        "ckan.rdf.profiles": [
            "odpo_dcat_ap3 = ckanext.odpo.sharing.dcat_profile:OdpoDcatProfile",
        ],
    },
)
