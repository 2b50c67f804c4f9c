"""When a grant's use ended (revoked, or expired and noticed by
``ckan odpo-access expire``): the consent ledger is told once.

Revision ID: 0002_odpo_access
Revises: 0001_odpo_access
Create Date: 2026-11-22
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_odpo_access"
down_revision = "0001_odpo_access"
branch_labels = None
depends_on = None

REQUEST = "odpo_access_request"


def upgrade() -> None:
    op.add_column(REQUEST, sa.Column("use_ended_at", sa.DateTime, nullable=True))
    # revoked grants ended when they were revoked
    op.execute(f"UPDATE {REQUEST} SET use_ended_at = revoked_at WHERE status = 'revoked'")


def downgrade() -> None:
    op.drop_column(REQUEST, "use_ended_at")
