"""The whole public catalogue as Turtle, fast.

ckanext-dcat renders every dataset of every request through rdflib. Here each
public dataset's DCAT description (ODPO's profile) is rendered once, as
N-Triples, and kept in ``odpo_sharing_dcat_fragment`` with the dataset's
``metadata_modified``; a request streams the stored fragments and renders only
datasets changed since. N-Triples is a subset of Turtle, so the fragments are
concatenated as they are.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from ckan import model
from ckanext.dcat.processors import RDFSerializer
from ckanext.dcat.utils import catalog_uri, dataset_uri
from ckanext.odpo.sharing.model import dcat_fragment_table
from ckanext.odpo.sharing.organisations import organisation_fields
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

import ckan.plugins.toolkit as tk

PROFILE = "odpo_dcat_ap3"
#: Part of every fragment's key: bump when the profile's output changes.
PROFILE_VERSION = "1"
RENDER_BATCH = 100


def fragment_key(metadata_modified: dt.datetime | str, owner_org: str | None = None) -> str:
    """The key a fragment is stored under: the dataset's metadata_modified
    (to the microsecond, whether it comes as a datetime or as ISO text), the
    profile version and a digest of the publisher's fields (a retitled
    organisation does not change its datasets' metadata_modified)."""
    if isinstance(metadata_modified, str):
        metadata_modified = dt.datetime.fromisoformat(metadata_modified.rstrip("Z"))
    digest = publisher_digest(owner_org or "")
    return f"{metadata_modified.replace(tzinfo=None):%Y-%m-%dT%H:%M:%S.%f}|{PROFILE_VERSION}|{digest}"


_digests: dict[str, tuple[dict[str, Any], str]] = {}


def publisher_digest(owner_org: str) -> str:
    """A digest of the publisher's fields, computed again only when the
    organisation's cached fields are read afresh (a catalogue has thousands
    of datasets and about a hundred publishers)."""
    fields = organisation_fields(owner_org)
    known = _digests.get(owner_org)
    if known is None or known[0] is not fields:
        text = json.dumps(fields, sort_keys=True, default=str)
        known = _digests[owner_org] = (fields, hashlib.sha256(text.encode("utf-8")).hexdigest()[:16])
    return known[1]


def render_dataset(dataset: dict[str, Any], serializer: RDFSerializer | None = None) -> str:
    """One dataset's DCAT description (ODPO profile) as N-Triples."""
    serializer = serializer or RDFSerializer(profiles=[PROFILE])
    serializer.g = Graph()
    serializer.graph_from_dataset(dataset)
    return serializer.g.serialize(format="nt")


def public_datasets(modified_since: dt.datetime | None = None) -> list[Any]:
    """``(id, metadata_modified, owner_org)`` of every active public dataset, newest first."""
    query = sa.select(model.package_table.c.id, model.package_table.c.metadata_modified,
                      model.package_table.c.owner_org).where(
        model.package_table.c.state == "active",
        model.package_table.c.private.is_(False),
        model.package_table.c.type == "dataset",
    )
    if modified_since is not None:
        query = query.where(model.package_table.c.metadata_modified > modified_since)
    query = query.order_by(model.package_table.c.metadata_modified.desc(), model.package_table.c.id)
    return list(model.Session.execute(query))


def stored_fragments(dataset_ids: list[str]) -> dict[str, tuple[str, str]]:
    rows = model.Session.execute(sa.select(dcat_fragment_table).where(
        dcat_fragment_table.c.dataset_id.in_(dataset_ids)
    ))
    return {row.dataset_id: (row.metadata_modified, row.ntriples) for row in rows}


def render_and_store(dataset_ids: list[str]) -> dict[str, str]:
    """Render the datasets (read from the search index in batches) and keep
    their fragments; returns ``{id: ntriples}``."""
    rendered: dict[str, str] = {}
    search = tk.get_action("package_search")
    serializer = RDFSerializer(profiles=[PROFILE])  # loading the profiles is costly: once
    for start in range(0, len(dataset_ids), RENDER_BATCH):
        batch = dataset_ids[start:start + RENDER_BATCH]
        found = search({"ignore_auth": True}, {
            "fq": "id:(" + " OR ".join(f'"{dataset_id}"' for dataset_id in batch) + ")",
            "rows": len(batch), "include_private": False,
        })
        for dataset in found["results"]:
            ntriples = render_dataset(dataset, serializer)
            rendered[dataset["id"]] = ntriples
            statement = sa.dialects.postgresql.insert(dcat_fragment_table).values(
                dataset_id=dataset["id"],
                metadata_modified=fragment_key(dataset["metadata_modified"], dataset.get("owner_org")),
                ntriples=ntriples,
            )
            model.Session.execute(statement.on_conflict_do_update(
                index_elements=["dataset_id"],
                set_={"metadata_modified": statement.excluded.metadata_modified,
                      "ntriples": statement.excluded.ntriples},
            ))
        model.Session.commit()
    return rendered


def catalogue_header(dataset_ids: list[str], page: int | None, page_size: int, total: int) -> str:
    """The catalogue record (and paging) as N-Triples."""
    graph = Graph()
    catalogue = URIRef(catalog_uri())
    graph.add((catalogue, RDF.type, DCAT.Catalog))
    title = tk.config.get("ckan.site_title") or "ODPO"
    graph.add((catalogue, DCTERMS.title, Literal(title)))
    graph.add((catalogue, DCTERMS.description,
               Literal(tk.config.get("ckan.site_description") or title)))
    publisher = URIRef(catalog_uri() + "#publisher")
    graph.add((catalogue, DCTERMS.publisher, publisher))
    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, FOAF.name, Literal(title)))
    if page is not None:
        hydra = "http://www.w3.org/ns/hydra/core#"
        graph.add((catalogue, URIRef(hydra + "totalItems"), Literal(total)))
        graph.add((catalogue, URIRef(hydra + "itemsPerPage"), Literal(page_size)))
    # one line per dataset, written directly (dataset ids are UUIDs: no escaping)
    dataset_base = dataset_uri({"id": "-"})[:-1]
    links = "".join(f"<{catalogue}> <{DCAT.dataset}> <{dataset_base}{dataset_id}> .\n"
                    for dataset_id in dataset_ids)
    return graph.serialize(format="nt") + links


def catalogue_ntriples(
    page: int | None = None, page_size: int = 1000, modified_since: dt.datetime | None = None
) -> Iterator[str]:
    """The catalogue (or one page of it) as chunks of N-Triples (= Turtle)."""
    rows = public_datasets(modified_since)
    total = len(rows)
    if page is not None:
        rows = rows[(page - 1) * page_size:page * page_size]
    ids = [row.id for row in rows]
    yield catalogue_header(ids, page, page_size, total)
    for start in range(0, len(rows), RENDER_BATCH * 10):
        chunk = rows[start:start + RENDER_BATCH * 10]
        stored = stored_fragments([row.id for row in chunk])
        stale = [row.id for row in chunk
                 if stored.get(row.id, ("", ""))[0] != fragment_key(row.metadata_modified, row.owner_org)]
        fresh = render_and_store(stale) if stale else {}
        parts = [fresh.get(row.id) or stored.get(row.id, ("", ""))[1] for row in chunk]
        yield "".join(parts)
