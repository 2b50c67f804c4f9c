"""Access requests and grants, and the append-only download log.

Revision ID: 0001_odpo_access
Revises:
Create Date: 2026-11-22
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_odpo_access"
down_revision = None
branch_labels = None
depends_on = None

REQUEST = "odpo_access_request"
DOWNLOAD = "odpo_access_download"


def upgrade() -> None:
    op.create_table(
        REQUEST,
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("user_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("tier", sa.UnicodeText, nullable=False),
        sa.Column("purpose", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("intended_use", sa.UnicodeText, nullable=False, server_default=""),
        sa.Column("plan_name", sa.UnicodeText),
        sa.Column("plan_price_jpy", sa.Integer),
        sa.Column("plan_period", sa.UnicodeText),
        sa.Column("terms_accepted", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("terms_version_id", sa.UnicodeText),
        sa.Column("status", sa.UnicodeText, nullable=False, server_default="requested"),
        sa.Column("contract_number", sa.UnicodeText, unique=True),
        sa.Column("created", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.Column("decided_at", sa.DateTime),
        sa.Column("decided_by", sa.UnicodeText),
        sa.Column("reject_reason", sa.UnicodeText),
        sa.Column("starts_at", sa.DateTime),
        sa.Column("expires_at", sa.DateTime),
        sa.Column("revoked_at", sa.DateTime),
        sa.Column("revoked_by", sa.UnicodeText),
        sa.Column("revoke_reason", sa.UnicodeText),
        sa.CheckConstraint(
            "status IN ('requested', 'approved', 'rejected', 'cancelled', 'revoked')",
            name="odpo_access_request_status",
        ),
    )
    op.create_table(
        DOWNLOAD,
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.UnicodeText, index=True),
        sa.Column("package_id", sa.UnicodeText, nullable=False, index=True),
        sa.Column("resource_id", sa.UnicodeText),
        sa.Column("grant_id", sa.UnicodeText),
        sa.Column("channel", sa.UnicodeText, nullable=False),
        sa.Column("bytes", sa.BigInteger),
        sa.Column("created", sa.DateTime, nullable=False, server_default=sa.func.now(), index=True),
        sa.CheckConstraint("channel IN ('web', 'api')", name="odpo_access_download_channel"),
    )
    # the log is an audit trail: rows are added, never changed or removed
    op.execute(
        f"""
        CREATE OR REPLACE FUNCTION {DOWNLOAD}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the download log is append-only (% refused)', TG_OP;
        END $$;
        CREATE TRIGGER {DOWNLOAD}_append_only
            BEFORE UPDATE OR DELETE ON {DOWNLOAD}
            FOR EACH ROW EXECUTE FUNCTION {DOWNLOAD}_append_only();
        """
    )


def downgrade() -> None:
    op.execute(f"DROP TRIGGER IF EXISTS {DOWNLOAD}_append_only ON {DOWNLOAD}")
    op.execute(f"DROP FUNCTION IF EXISTS {DOWNLOAD}_append_only()")
    op.drop_table(DOWNLOAD)
    op.drop_table(REQUEST)
