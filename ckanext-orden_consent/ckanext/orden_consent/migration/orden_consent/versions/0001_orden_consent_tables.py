"""Terms versions and the consent ledger.

Revision ID: 0001_orden_consent
Revises:
Create Date: 2026-11-22
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_orden_consent"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "orden_consent_terms_version",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("kind", sa.UnicodeText, nullable=False),
        sa.Column("scope_type", sa.UnicodeText, nullable=False),
        sa.Column("scope_id", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("change_kind", sa.UnicodeText, nullable=False),
        sa.Column("change_summary", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("title", sa.UnicodeText, nullable=False),
        sa.Column("body", sa.UnicodeText, nullable=False),
        sa.Column("purpose", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("secondary_distribution", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("retention_period", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("deletion_method", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("content_hash", sa.UnicodeText, nullable=False),
        sa.Column("published_at", sa.DateTime, nullable=False),
        sa.Column("published_by", sa.UnicodeText, nullable=False, server_default=""),
        sa.UniqueConstraint("kind", "scope_type", "scope_id", "version",
                            name="orden_consent_terms_version_number"),
    )
    op.create_table(
        "orden_consent_event",
        sa.Column("position", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("id", sa.UnicodeText, nullable=False, unique=True),
        sa.Column("event_type", sa.UnicodeText, nullable=False),
        sa.Column("user_id", sa.UnicodeText, nullable=False),
        sa.Column("scope", sa.UnicodeText, nullable=False),
        sa.Column("dataset_id", sa.UnicodeText, nullable=True),
        sa.Column("terms_version_id", sa.UnicodeText, nullable=True),
        sa.Column("terms_content_hash", sa.UnicodeText, nullable=True),
        sa.Column("channel", sa.UnicodeText, nullable=False),
        sa.Column("note", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("form_token", sa.UnicodeText, nullable=True, unique=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("previous_hash", sa.UnicodeText, nullable=False),
        sa.Column("record_hash", sa.UnicodeText, nullable=False),
    )
    op.create_index("orden_consent_event_user_scope", "orden_consent_event",
                    ["user_id", "scope", "position"])
    op.create_index("orden_consent_event_dataset", "orden_consent_event", ["dataset_id", "position"])


def downgrade() -> None:
    op.drop_table("orden_consent_event")
    op.drop_table("orden_consent_terms_version")
