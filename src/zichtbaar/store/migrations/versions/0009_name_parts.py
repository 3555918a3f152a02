"""encoding schema 3.3: the filters of the given names and of the surname

Both are optional: rows stored under schema 3.2 leave them empty and link by the whole-name
filter (``link/comparisons.py`` falls back to it for any pair lacking the parts), so the
columns are added without touching existing rows. Re-encoding an organisation's file under 3.3
gives its rows the per-part evidence (docs/encoding.md).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_TABLES = ("registrations", "register_events")
_COLUMNS = ("bloom_given", "bloom_surname")


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
