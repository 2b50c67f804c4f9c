"""Harvester for DCAT/RDF catalogues (Turtle, RDF/XML, JSON-LD).

The document is read with ckanext-dcat's RDF parser and its DCAT-AP
profile; each ``dcat:Dataset`` then goes through the same ODPO mapping,
organisation and withdrawal machinery as the CKAN harvesters (a dataset
missing from the catalogue is withdrawn, not left behind).
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

from ckanext.harvest.model import HarvestJob

from .base import GatherFailure, Listing, OdpoHarvesterBase, SourceSettings
from .mapping import HarvestedDataset, extras_of, from_ckan_package

RDF_FORMATS = {"turtle": "turtle", "ttl": "turtle", "n3": "n3", "xml": "xml", "rdf+xml": "xml",
               "json-ld": "json-ld", "ld+json": "json-ld"}
DCAT_PROFILES = ["euro_dcat_ap_3"]


def rdf_format(url: str, content_type: str) -> str | None:
    """The rdflib format of a document, from its Content-Type or file suffix."""
    lowered = content_type.split(";")[0].strip().lower()
    for marker, parser_format in RDF_FORMATS.items():
        if lowered.endswith(marker):
            return parser_format
    suffix = url.lower().rsplit(".", 1)[-1]
    return {"ttl": "turtle", "rdf": "xml", "xml": "xml", "jsonld": "json-ld", "n3": "n3"}.get(suffix)


def parse_catalogue(body: bytes, parser_format: str | None) -> list[dict[str, Any]]:
    """The catalogue's datasets as CKAN dicts (ckanext-dcat's DCAT-AP profile)."""
    from ckanext.dcat.exceptions import RDFParserException
    from ckanext.dcat.processors import RDFParser

    parser = RDFParser(profiles=DCAT_PROFILES)
    try:
        parser.parse(body, _format=parser_format)
    except RDFParserException as error:
        raise GatherFailure(f"the RDF document cannot be parsed: {str(error)[:300]}") from error
    return list(parser.datasets())


class OdpoDcatHarvester(OdpoHarvesterBase):
    """A DCAT catalogue document at the source URL."""

    NAME = "odpo_dcat"
    TITLE = "DCAT/RDF (ODPO)"
    DESCRIPTION = "A DCAT catalogue (Turtle, RDF/XML, JSON-LD), mapped to the ODPO schema."

    def list_records(self, job: HarvestJob, settings: SourceSettings) -> Listing:
        body, content_type = settings.client().get_bytes(job.source.url)
        datasets = parse_catalogue(body, rdf_format(job.source.url, content_type))
        if not datasets:
            raise GatherFailure(f"{job.source.url}: no dcat:Dataset in the document")
        listing = Listing()
        for dataset in datasets:
            extras = extras_of(dataset)
            guid = extras.get("uri") or extras.get("identifier") or dataset.get("title") or ""
            encoded = json.dumps(dataset, sort_keys=True, ensure_ascii=False, default=str)
            listing.add(guid, hashlib.sha1(encoded.encode()).hexdigest(), json.loads(encoded))
        return listing

    def read_record(self, content: dict[str, Any], settings: SourceSettings) -> tuple[HarvestedDataset, Any]:
        harvested = from_ckan_package(content, settings.organisation_code)
        extras = extras_of(content)
        licences = [resource.get("license") for resource in content.get("resources") or []]
        harvested.licence_texts = (*harvested.licence_texts, extras.get("license"), *licences)
        harvested.frequency = harvested.frequency or extras.get("frequency", "")
        # ckanext-dcat gives the contact point as extras, or as a "contact"
        # list when ckanext-scheming is loaded
        contacts = [item for item in content.get("contact") or [] if isinstance(item, dict)]
        contact = contacts[0] if contacts else {"name": extras.get("contact_name", ""),
                                                "email": extras.get("contact_email", "")}
        harvested.contact_email = harvested.contact_email or str(contact.get("email") or "").removeprefix("mailto:")
        harvested.contact_name = harvested.contact_name or str(contact.get("name") or "")
        harvested.url = harvested.url or extras.get("landing_page", "") or extras.get("uri", "")
        return harvested, None
