"""Create the search index table of the embedded backend.

Revision ID: 0001_odpo_search
Revises:
Create Date: 2026-11-22
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001_odpo_search"
down_revision = None
branch_labels = None
depends_on = None

TABLE = "odpo_search_document"
SCALAR_FIELDS = ("name", "state", "capacity", "dataset_type", "entity_type", "organization",
                 "license_id")
ARRAY_FIELDS = ("permission_labels", "tags", "groups", "res_format")


def upgrade() -> None:
    # bumped after every committed index write: lets each process know when
    # its cached search results are out of date
    op.execute(f"CREATE SEQUENCE IF NOT EXISTS {TABLE}_generation")
    op.create_table(
        TABLE,
        sa.Column("index_id", sa.UnicodeText, primary_key=True),
        sa.Column("id", sa.UnicodeText, nullable=False),
        sa.Column("site_id", sa.UnicodeText, nullable=False),
        sa.Column("document", postgresql.JSONB, nullable=False, server_default="{}"),
        sa.Column("strings", postgresql.JSONB, nullable=False, server_default="{}"),
        sa.Column("numbers", postgresql.JSONB, nullable=False, server_default="{}"),
        sa.Column("dates", postgresql.JSONB, nullable=False, server_default="{}"),
        sa.Column("present", postgresql.ARRAY(sa.UnicodeText), nullable=False,
                  server_default="{}"),
        sa.Column("search_tsv", postgresql.TSVECTOR, nullable=False, server_default=""),
        sa.Column("field_tsv", postgresql.TSVECTOR, nullable=False, server_default=""),
        # small vectors for relevance: title and name, description
        sa.Column("title_tsv", postgresql.TSVECTOR, nullable=False, server_default=""),
        sa.Column("notes_tsv", postgresql.TSVECTOR, nullable=False, server_default=""),
        # typed copies of the fields every CKAN search filters or facets on,
        # so the planner has statistics and indexes for them
        *[sa.Column(name, sa.UnicodeText) for name in SCALAR_FIELDS],
        *[sa.Column(name, postgresql.ARRAY(sa.UnicodeText), nullable=False, server_default="{}")
          for name in ARRAY_FIELDS],
        sa.Column("metadata_modified", sa.TIMESTAMP(timezone=True)),
        sa.Column("metadata_created", sa.TIMESTAMP(timezone=True)),
        sa.Column("title_string", sa.UnicodeText),
        # index order: Solr breaks ties by it, and so do we
        sa.Column("indexed_seq", sa.BigInteger, sa.Identity(always=False), nullable=False),
    )
    op.create_index(f"{TABLE}_id_idx", TABLE, ["id"])
    op.create_index(f"{TABLE}_strings_idx", TABLE, ["strings"], postgresql_using="gin",
                    postgresql_ops={"strings": "jsonb_path_ops"})
    op.create_index(f"{TABLE}_present_idx", TABLE, ["present"], postgresql_using="gin")
    op.create_index(f"{TABLE}_search_tsv_idx", TABLE, ["search_tsv"], postgresql_using="gin")
    op.create_index(f"{TABLE}_field_tsv_idx", TABLE, ["field_tsv"], postgresql_using="gin")
    op.create_index(f"{TABLE}_modified_idx", TABLE, ["metadata_modified"])
    op.create_index(f"{TABLE}_title_tsv_idx", TABLE, ["title_tsv"], postgresql_using="gin")
    for name in ("name", "organization", "license_id"):
        op.create_index(f"{TABLE}_{name}_idx", TABLE, [name])
    for name in ARRAY_FIELDS:
        op.create_index(f"{TABLE}_{name}_idx", TABLE, [name], postgresql_using="gin")


def downgrade() -> None:
    op.drop_table(TABLE)
    op.execute(f"DROP SEQUENCE IF EXISTS {TABLE}_generation")
