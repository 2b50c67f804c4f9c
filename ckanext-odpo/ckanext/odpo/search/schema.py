"""The field model of CKAN's Solr schema (``ckan-2.12``), as the embedded
backend applies it.

Each indexed field has a kind:

* ``string``: exact, case-sensitive match of the whole value (Solr ``StrField``);
* ``text``: analysed (see :mod:`.analysis`), stemmed like CKAN's ``text`` type;
* ``text_general``: analysed, not stemmed;
* ``ngram``: the autocomplete fields ``title_ngram`` / ``name_ngram``;
* ``date``, ``int``, ``float``, ``boolean``: typed values for ranges and sorting.

Copy fields feed the catch-all ``text`` field (the default search field) and
the autocomplete fields, as ``copyField`` does in the Solr schema.
"""
from __future__ import annotations

from typing import Literal

FieldKind = Literal["string", "text", "text_general", "ngram", "date", "int", "float", "boolean"]

FIELD_KINDS: dict[str, FieldKind] = {
    "index_id": "string",
    "id": "string",
    "site_id": "string",
    "title": "text",
    "title_ngram": "ngram",
    "entity_type": "string",
    "dataset_type": "string",
    "state": "string",
    "name": "string",
    "name_ngram": "ngram",
    "revision_id": "string",
    "version": "string",
    "url": "string",
    "ckan_url": "string",
    "download_url": "string",
    "notes": "text",
    "author": "text_general",
    "author_email": "text_general",
    "maintainer": "text_general",
    "maintainer_email": "text_general",
    "license": "string",
    "license_id": "string",
    "tags": "string",
    "groups": "string",
    "organization": "string",
    "capacity": "string",
    "permission_labels": "string",
    "res_name": "text_general",
    "res_description": "text_general",
    "res_format": "string",
    "res_url": "string",
    "res_type": "string",
    "text": "text",
    "urls": "text",
    "depends_on": "text",
    "dependency_of": "text",
    "derives_from": "text",
    "has_derivation": "text",
    "links_to": "text",
    "linked_from": "text",
    "child_of": "text",
    "parent_of": "text",
    "views_total": "int",
    "views_recent": "int",
    "resources_accessed_total": "int",
    "resources_accessed_recent": "int",
    "metadata_created": "date",
    "metadata_modified": "date",
    "indexed_ts": "date",
    "title_string": "string",
    "data_dict": "string",
    "validated_data_dict": "string",
    "_version_": "string",
    # not declared in CKAN's schema (they fall to the "*" string rule there),
    # but numeric in every document CKAN builds: typed so ranges work.
    "num_resources": "int",
    "num_tags": "int",
}

#: Fields stored but not searchable (Solr ``indexed="false"``).
UNINDEXED_FIELDS = frozenset({"data_dict", "validated_data_dict"})

#: Fields not returned in results (Solr ``stored="false"``).
UNSTORED_FIELDS = frozenset(
    {
        "permission_labels",
        "text",
        "urls",
        "title_string",
        "views_total",
        "views_recent",
        "resources_accessed_total",
        "resources_accessed_recent",
        "depends_on",
        "dependency_of",
        "derives_from",
        "has_derivation",
        "links_to",
        "linked_from",
        "child_of",
        "parent_of",
    }
)

#: copyField rules: the catch-all ``text`` field receives these fields.
TEXT_SOURCES = (
    "name",
    "title",
    "text",
    "license",
    "notes",
    "tags",
    "groups",
    "organization",
    "res_name",
    "res_description",
    "maintainer",
    "author",
    "urls",
)
TEXT_SOURCE_PREFIXES = ("extras_", "res_extras_", "vocab_")
URL_SOURCES = ("url", "ckan_url", "download_url", "res_url")
NGRAM_SOURCES = {"title_ngram": "title", "name_ngram": "name"}

#: Relevance weight class of each field in the catch-all index: title matches
#: rank above description matches, which rank above resource and tag matches.
WEIGHT_CLASSES: dict[str, str] = {
    "title": "A",
    "name": "A",
    "notes": "B",
    "tags": "C",
    "res_name": "C",
    "res_description": "C",
    "groups": "C",
    "organization": "C",
}


def field_kind(name: str) -> FieldKind:
    """The kind of ``name``, applying the dynamic-field rules of the schema."""
    kind = FIELD_KINDS.get(name)
    if kind is not None:
        return kind
    if name.endswith("_date"):
        return "date"
    if name.startswith(("extras_", "res_extras_")):
        return "text"
    return "string"


def is_text(name: str) -> bool:
    return field_kind(name) in ("text", "text_general")


def is_stemmed(name: str) -> bool:
    return field_kind(name) == "text"


def feeds_text(name: str) -> bool:
    """Whether ``copyField`` copies ``name`` into the catch-all ``text`` field."""
    return name in TEXT_SOURCES or name.startswith(TEXT_SOURCE_PREFIXES)
