"""The tables of partner sharing (created by the ``odpo_sharing`` migrations;
see ``ckanext/odpo/migration/odpo_sharing``)."""
from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

change_table = sa.Table(
    "odpo_sharing_change", metadata,
    sa.Column("id", sa.BigInteger, primary_key=True),
    sa.Column("xid", sa.BigInteger),
    sa.Column("dataset_id", sa.UnicodeText),
    sa.Column("dataset_name", sa.UnicodeText),
    sa.Column("change_type", sa.UnicodeText),
    sa.Column("changed_at", sa.DateTime(timezone=True)),
)

partner_table = sa.Table(
    "odpo_sharing_partner", metadata,
    sa.Column("id", sa.UnicodeText, primary_key=True),
    sa.Column("name", sa.UnicodeText),
    sa.Column("title", sa.UnicodeText),
    sa.Column("token_hash", sa.UnicodeText),
    sa.Column("token_expires_at", sa.DateTime(timezone=True)),
    sa.Column("active", sa.Boolean),
    sa.Column("created_at", sa.DateTime(timezone=True)),
    sa.Column("last_pull_at", sa.DateTime(timezone=True)),
    sa.Column("last_cursor", sa.UnicodeText),
    sa.Column("pull_count", sa.Integer),
    sa.Column("changes_served", sa.BigInteger),
)

pull_log_table = sa.Table(
    "odpo_sharing_pull_log", metadata,
    sa.Column("id", sa.BigInteger, primary_key=True),
    sa.Column("partner_id", sa.UnicodeText),
    sa.Column("pulled_at", sa.DateTime(timezone=True)),
    sa.Column("cursor_from", sa.UnicodeText),
    sa.Column("cursor_to", sa.UnicodeText),
    sa.Column("changes", sa.Integer),
    sa.Column("remote_addr", sa.UnicodeText),
)

subscription_table = sa.Table(
    "odpo_sharing_subscription", metadata,
    sa.Column("source_url", sa.UnicodeText, primary_key=True),
    sa.Column("cursor", sa.UnicodeText),
    sa.Column("last_pull_at", sa.DateTime(timezone=True)),
    sa.Column("created", sa.Integer),
    sa.Column("updated", sa.Integer),
    sa.Column("deleted", sa.Integer),
)

dcat_fragment_table = sa.Table(
    "odpo_sharing_dcat_fragment", metadata,
    sa.Column("dataset_id", sa.UnicodeText, primary_key=True),
    sa.Column("metadata_modified", sa.UnicodeText),
    sa.Column("ntriples", sa.UnicodeText),
)
