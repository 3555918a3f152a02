"""one current version per record; server-side web sessions

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_KEYS = {"registrations": "record_id", "register_events": "record_id", "suspects": "case_id"}


def upgrade() -> None:
    where = sa.text('"current"')
    for table, key in _KEYS.items():
        # Partial unique index: SQLite (>= 3.8) and PostgreSQL both enforce it.
        op.create_index(
            f"uq_{table}_one_current",
            table,
            ["org_id", key],
            unique=True,
            sqlite_where=where,
            postgresql_where=where,
        )
    op.create_table(
        "web_sessions",
        sa.Column("sid_sha256", sa.String(length=64), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("sid_sha256"),
    )
    op.create_index("ix_web_sessions_username", "web_sessions", ["username"])


def downgrade() -> None:
    op.drop_index("ix_web_sessions_username", table_name="web_sessions")
    op.drop_table("web_sessions")
    for table in _KEYS:
        op.drop_index(f"uq_{table}_one_current", table_name=table)
