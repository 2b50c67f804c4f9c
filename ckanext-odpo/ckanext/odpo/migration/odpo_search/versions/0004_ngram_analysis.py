"""The text analysis version of each row of the text table, and of the index.

Version 2 indexes the 3- to 6-grams of CJK runs beside their bigrams
(``analysis.NGRAM_MAX``). Rows written before carry version 1, and queries
keep to phrases of bigrams, which both versions match alike, until no row of
version 1 is left (``ckan search-index rebuild`` rewrites them; writes and
deletions check, see ``store.MARK_ANALYSIS_CURRENT``). An index that is
empty now is current at once.

Revision ID: 0004_odpo_search
Revises: 0003_odpo_search
Create Date: 2026-11-22
"""
from __future__ import annotations

from alembic import op

revision = "0004_odpo_search"
down_revision = "0003_odpo_search"
branch_labels = None
depends_on = None

TEXT = "odpo_search_text"
META = "odpo_search_meta"


def upgrade() -> None:
    op.execute(f"ALTER TABLE {TEXT} ADD COLUMN analysis smallint NOT NULL DEFAULT 1")
    # small once every row is current: the check after each write reads it
    op.execute(f"CREATE INDEX {TEXT}_old_analysis_idx ON {TEXT} (indexed_seq) "
               "WHERE analysis < 2")
    op.execute(f"CREATE TABLE {META} (key text PRIMARY KEY, value text NOT NULL)")
    op.execute(f"INSERT INTO {META} (key, value) SELECT 'analysis', "
               f"CASE WHEN EXISTS (SELECT 1 FROM {TEXT}) THEN '1' ELSE '2' END")


def downgrade() -> None:
    op.execute(f"DROP TABLE {META}")
    op.execute(f"ALTER TABLE {TEXT} DROP COLUMN analysis")
