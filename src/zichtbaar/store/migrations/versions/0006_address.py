"""encoding schema 3.2: the address token and the address filter

Both are optional: rows of organisations that hold no address leave them empty, so the columns
are added without touching existing rows (no re-encoding needed to move to 3.2 of the store;
the hub accepts packages of the current schema only, docs/encoding.md).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_TABLES = ("registrations", "register_events")
_COLUMNS = ("tok_address", "bloom_address")


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            for column in _COLUMNS:
                batch.add_column(sa.Column(column, sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    for table in _TABLES:
        # batch mode: SQLite cannot drop columns in place on every version we support
        with op.batch_alter_table(table) as batch:
            for column in _COLUMNS:
                batch.drop_column(column)
