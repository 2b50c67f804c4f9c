"""Default terms for a new portal (``ckan orden-consent seed``)."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import ckan.model as model
import yaml

from ckanext.orden_consent import terms

DEFAULT_TERMS_FILE = Path(__file__).with_name("default_terms.yaml")


def seed_default_terms() -> Iterator[str]:
    """Publish each default document that has no version yet; yields one line
    per document. Running it again changes nothing."""
    documents = yaml.safe_load(DEFAULT_TERMS_FILE.read_text(encoding="utf-8"))
    for document in documents:
        key = (document["kind"], document["scope_type"], document.get("scope_id") or "")
        existing = terms.current(*key)
        if existing is not None:
            yield f"kept      {document['title']} (version {existing.version})"
            continue
        version = terms.publish(
            kind=key[0], scope_type=key[1], scope_id=key[2], title=document["title"],
            body=document["body"], purpose=document.get("purpose", ""),
            secondary_distribution=document.get("secondary_distribution", ""),
            retention_period=document.get("retention_period", ""),
            deletion_method=document.get("deletion_method", ""), published_by="seed",
        )
        model.Session.commit()
        yield f"published {version.title} (version {version.version})"
