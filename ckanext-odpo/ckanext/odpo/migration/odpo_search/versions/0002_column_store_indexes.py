"""Indexes for the column store of each process: the index order (it reads
the rows written since its last look, ``indexed_seq`` above the highest it
holds), and the description vector (which documents a term matches there,
for relevance).

Revision ID: 0002_odpo_search
Revises: 0001_odpo_search
Create Date: 2026-11-22
"""
from __future__ import annotations

from alembic import op

revision = "0002_odpo_search"
down_revision = "0001_odpo_search"
branch_labels = None
depends_on = None

TABLE = "odpo_search_document"


def upgrade() -> None:
    op.create_index(f"{TABLE}_indexed_seq_idx", TABLE, ["indexed_seq"], unique=True)
    op.create_index(f"{TABLE}_notes_tsv_idx", TABLE, ["notes_tsv"], postgresql_using="gin")


def downgrade() -> None:
    op.drop_index(f"{TABLE}_notes_tsv_idx", table_name=TABLE)
    op.drop_index(f"{TABLE}_indexed_seq_idx", table_name=TABLE)
