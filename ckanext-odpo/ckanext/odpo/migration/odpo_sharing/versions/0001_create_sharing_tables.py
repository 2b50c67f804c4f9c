"""Create the tables of partner sharing: change feed, partners, pull log,
subscriptions of the pull client and the DCAT fragment cache.

Revision ID: 0001_odpo_sharing
Revises:
Create Date: 2026-11-22
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_odpo_sharing"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # One row per dataset change. ``xid`` is the writing transaction's id
    # (xid8): the feed serves only rows of transactions older than every
    # transaction still running, so a cursor never skips a late commit.
    op.create_table(
        "odpo_sharing_change",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("xid", sa.BigInteger, nullable=False,
                  server_default=sa.text("pg_current_xact_id()::text::bigint")),
        sa.Column("dataset_id", sa.UnicodeText, nullable=False),
        sa.Column("dataset_name", sa.UnicodeText, nullable=False),
        sa.Column("change_type", sa.UnicodeText, nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
    )
    op.create_index("odpo_sharing_change_order", "odpo_sharing_change", ["xid", "id"])

    op.create_table(
        "odpo_sharing_partner",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("name", sa.UnicodeText, nullable=False, unique=True),
        sa.Column("title", sa.UnicodeText, nullable=False),
        sa.Column("token_hash", sa.UnicodeText, nullable=False, unique=True),
        sa.Column("token_expires_at", sa.DateTime(timezone=True)),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("last_pull_at", sa.DateTime(timezone=True)),
        sa.Column("last_cursor", sa.UnicodeText),
        sa.Column("pull_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("changes_served", sa.BigInteger, nullable=False, server_default="0"),
    )

    op.create_table(
        "odpo_sharing_pull_log",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("partner_id", sa.UnicodeText,
                  sa.ForeignKey("odpo_sharing_partner.id", ondelete="CASCADE"), nullable=False),
        sa.Column("pulled_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("cursor_from", sa.UnicodeText),
        sa.Column("cursor_to", sa.UnicodeText),
        sa.Column("changes", sa.Integer, nullable=False),
        sa.Column("remote_addr", sa.UnicodeText),
    )
    op.create_index("odpo_sharing_pull_log_partner", "odpo_sharing_pull_log",
                    ["partner_id", "pulled_at"])

    # The pull client's side: where it pulls from and how far it got.
    op.create_table(
        "odpo_sharing_subscription",
        sa.Column("source_url", sa.UnicodeText, primary_key=True),
        sa.Column("cursor", sa.UnicodeText),
        sa.Column("last_pull_at", sa.DateTime(timezone=True)),
        sa.Column("created", sa.Integer, nullable=False, server_default="0"),
        sa.Column("updated", sa.Integer, nullable=False, server_default="0"),
        sa.Column("deleted", sa.Integer, nullable=False, server_default="0"),
    )

    # The DCAT description of each dataset as N-Triples, keyed by the
    # dataset's metadata_modified: the full catalogue is served from here.
    op.create_table(
        "odpo_sharing_dcat_fragment",
        sa.Column("dataset_id", sa.UnicodeText, primary_key=True),
        sa.Column("metadata_modified", sa.UnicodeText, nullable=False),
        sa.Column("ntriples", sa.UnicodeText, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("odpo_sharing_dcat_fragment")
    op.drop_table("odpo_sharing_subscription")
    op.drop_index("odpo_sharing_pull_log_partner", table_name="odpo_sharing_pull_log")
    op.drop_table("odpo_sharing_pull_log")
    op.drop_table("odpo_sharing_partner")
    op.drop_index("odpo_sharing_change_order", table_name="odpo_sharing_change")
    op.drop_table("odpo_sharing_change")
