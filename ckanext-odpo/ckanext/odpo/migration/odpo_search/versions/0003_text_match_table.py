"""A narrow table of the text vectors, for finding which documents a term
matches: rows of about a hundred bytes (the vectors are kept out of line), so
visiting tens of thousands of matches reads about a thousand pages instead of
the ~20,000 of the index table, whose rows carry the stored document and
field maps. Written and deleted with the index table.

Revision ID: 0003_odpo_search
Revises: 0002_odpo_search
Create Date: 2026-11-22
"""
from __future__ import annotations

from alembic import op

revision = "0003_odpo_search"
down_revision = "0002_odpo_search"
branch_labels = None
depends_on = None

TABLE = "odpo_search_document"
TEXT = "odpo_search_text"
VECTORS = ("search_tsv", "title_tsv", "notes_tsv", "field_tsv")


def upgrade() -> None:
    # lz4 (when PostgreSQL has it) decompresses fast enough for the phrase
    # checks that read the vectors; out of line, the rows stay narrow
    lz4 = op.get_bind().exec_driver_sql(
        "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
    ).scalar()
    compression = " COMPRESSION lz4" if lz4 else ""
    vectors = ", ".join(f"{name} tsvector{compression} NOT NULL DEFAULT ''" for name in VECTORS)
    op.execute(f"CREATE TABLE {TEXT} (index_id text PRIMARY KEY, indexed_seq bigint NOT NULL, "
               f"{vectors}) WITH (toast_tuple_target = 128)")
    columns = ", ".join(("index_id", "indexed_seq", *VECTORS))
    op.execute(f"INSERT INTO {TEXT} ({columns}) SELECT {columns} FROM {TABLE}")
    op.create_index(f"{TEXT}_indexed_seq_idx", TEXT, ["indexed_seq"], unique=True)
    for name in VECTORS:
        op.create_index(f"{TEXT}_{name}_idx", TEXT, [name], postgresql_using="gin")
    # the relevance vectors are searched here now
    op.drop_index(f"{TABLE}_notes_tsv_idx", table_name=TABLE)
    op.drop_index(f"{TABLE}_title_tsv_idx", table_name=TABLE)


def downgrade() -> None:
    op.create_index(f"{TABLE}_title_tsv_idx", TABLE, ["title_tsv"], postgresql_using="gin")
    op.create_index(f"{TABLE}_notes_tsv_idx", TABLE, ["notes_tsv"], postgresql_using="gin")
    op.drop_table(TEXT)
