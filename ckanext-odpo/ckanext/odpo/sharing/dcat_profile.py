"""ODPO's DCAT profile (``odpo_dcat_ap3``), on top of ckanext-dcat's DCAT-AP 3.

Enable with ``ckanext.dcat.rdf.profiles = odpo_dcat_ap3``. What it adds to the
stock profile (which it feeds ODPO's fields through
:func:`ckanext.odpo.sharing.dcat_view.dcat_fields`):

- the publisher with its local government code (``dct:identifier``);
- ``dct:spatial``: one ``dct:Location`` per municipality code;
- ``dct:license``: the canonical URI of the harmonised licence register;
- ``dct:accessRights``: ODPO's access tier as a labelled ``dct:RightsStatement``
  (also ``odpo:accessTier`` plain value for tools that keep literals only);
- ``dct:conformsTo`` for the standard municipal datasets, frequency, contact;
- the English title and description tagged ``@en`` (and, where a dataset has
  no English title, its ASCII identifier as ``@en`` title, so that partners
  whose harvester derives dataset names from titles get readable names);
- for non-open tiers, distributions without ``dcat:downloadURL``: their
  ``dcat:accessURL`` is the dataset page where access is requested. Public
  samples (``is_sample``) keep their URLs and are listed as ``adms:sample``;
- paid plans as ODRL offers (``odrl:hasPolicy``), one per plan, with the
  price as a ``odrl:compensate`` duty in JPY.
"""
from __future__ import annotations

from typing import Any

from ckanext.dcat.profiles import EuropeanDCATAP3Profile
from ckanext.dcat.utils import resource_uri
from ckanext.odpo.municipality import LOCAL_GOVERNMENTS
from ckanext.odpo.sharing import dcat_view
from ckanext.odpo.sharing.organisations import organisation_fields
from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

import ckan.plugins.toolkit as tk

ODRL = Namespace("http://www.w3.org/ns/odrl/2/")
ADMS = Namespace("http://www.w3.org/ns/adms#")
JPY = URIRef("http://dbpedia.org/resource/Japanese_yen")


def odpo_namespace() -> Namespace:
    return Namespace(f"{site_url()}/sharing/ns#")


def site_url() -> str:
    return str(tk.config.get("ckanext.dcat.base_uri") or tk.config.get("ckan.site_url") or "").rstrip("/")


class OdpoDcatProfile(EuropeanDCATAP3Profile):
    """DCAT-AP 3 with ODPO's tiers, codes, licences and withheld data."""

    def graph_from_dataset(self, dataset_dict: dict[str, Any], dataset_ref: Any) -> None:
        base = site_url()
        organisation = organisation_fields(dataset_dict.get("owner_org") or "")
        view = dcat_view.dcat_fields(dataset_dict, organisation, base)
        super().graph_from_dataset(view, dataset_ref)
        self.g.bind("odrl", ODRL)
        self.g.bind("odpo", odpo_namespace())
        self._add_english(dataset_dict, dataset_ref)
        self._add_spatial_codes(dataset_dict, dataset_ref)
        self._add_access_tier(dataset_dict, dataset_ref, base)
        self._add_standard_labels(dataset_dict)
        self._add_samples(dataset_dict, dataset_ref)
        self._add_price_plans(dataset_dict, dataset_ref)

    def _add_english(self, dataset: dict[str, Any], dataset_ref: Any) -> None:
        language = "ja"  # ODPO titles and descriptions are Japanese whatever the site locale
        for predicate, field in ((DCTERMS.title, "title"), (DCTERMS.description, "notes")):
            value = dataset.get(field)
            if value:
                # the stock profile writes untagged literals: tag them
                self.g.remove((dataset_ref, predicate, Literal(value)))
                self.g.add((dataset_ref, predicate, Literal(value, lang=language)))
        title_en = dataset.get("title_en") or dataset.get("name")
        if title_en:
            self.g.add((dataset_ref, DCTERMS.title, Literal(title_en, lang="en")))
        if dataset.get("notes_en"):
            self.g.add((dataset_ref, DCTERMS.description, Literal(dataset["notes_en"], lang="en")))

    def _add_spatial_codes(self, dataset: dict[str, Any], dataset_ref: Any) -> None:
        for code in dcat_view._as_list(dataset.get("spatial_municipality_codes")):
            location = BNode()
            self.g.add((dataset_ref, DCTERMS.spatial, location))
            self.g.add((location, RDF.type, DCTERMS.Location))
            self.g.add((location, DCTERMS.identifier, Literal(code)))
            government = LOCAL_GOVERNMENTS.get(code)
            if government:
                self.g.add((location, SKOS.prefLabel, Literal(government.name, lang="ja")))
                self.g.add((location, SKOS.prefLabel, Literal(government.name_en, lang="en")))

    def _add_access_tier(self, dataset: dict[str, Any], dataset_ref: Any, base: str) -> None:
        tier = dcat_view.access_tier(dataset)
        statement = URIRef(dcat_view.tier_uri(base, tier))
        label_ja, label_en = dcat_view.tier_label(tier)
        self.g.add((statement, RDFS.label, Literal(label_ja, lang="ja")))
        self.g.add((statement, RDFS.label, Literal(label_en, lang="en")))
        self.g.add((statement, DCTERMS.type, URIRef(dcat_view.TIER_EU_ACCESS_RIGHT[tier])))
        self.g.add((dataset_ref, odpo_namespace().accessTier, Literal(tier)))

    def _add_standard_labels(self, dataset: dict[str, Any]) -> None:
        number = dataset.get("conforms_to")
        labels = standard = None
        if number:
            standard = URIRef(dcat_view.standard_uri(number))
            labels = dcat_view.standard_label(number)
        if standard is not None and labels:
            self.g.add((standard, RDFS.label, Literal(labels[0], lang="ja")))
            self.g.add((standard, RDFS.label, Literal(labels[1], lang="en")))

    def _add_samples(self, dataset: dict[str, Any], dataset_ref: Any) -> None:
        for resource in dataset.get("resources") or []:
            if dcat_view.resource_is_sample(resource):
                self.g.add((dataset_ref, ADMS.sample, URIRef(resource_uri(resource))))

    def _add_price_plans(self, dataset: dict[str, Any], dataset_ref: Any) -> None:
        if dcat_view.access_tier(dataset) != "paid":
            return
        for plan in dataset.get("price_plans") or []:
            offer, permission, duty, price = BNode(), BNode(), BNode(), BNode()
            self.g.add((dataset_ref, ODRL.hasPolicy, offer))
            self.g.add((offer, RDF.type, ODRL.Offer))
            self.g.add((offer, RDFS.label, Literal(str(plan.get("name") or ""), lang="ja")))
            self.g.add((offer, ODRL.target, dataset_ref))
            self.g.add((offer, ODRL.permission, permission))
            self.g.add((permission, ODRL.action, ODRL.use))
            self.g.add((permission, ODRL.duty, duty))
            self.g.add((duty, ODRL.action, ODRL.compensate))
            self.g.add((duty, ODRL.constraint, price))
            self.g.add((price, ODRL.leftOperand, ODRL.payAmount))
            self.g.add((price, ODRL.operator, ODRL.eq))
            self.g.add((price, ODRL.rightOperand, Literal(str(plan.get("price_jpy") or 0),
                                                          datatype=XSD.decimal)))
            self.g.add((price, ODRL.unit, JPY))
            odpo = odpo_namespace()
            self.g.add((offer, odpo.pricePeriod, Literal(str(plan.get("period") or ""))))
            self.g.add((offer, odpo.delivery, Literal(str(plan.get("delivery") or ""))))


__all__ = ["OdpoDcatProfile"]
