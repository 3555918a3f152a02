"""encoding schema 3.0: name-keyed date-part and place tokens replace the stand-alone ones

The stand-alone year, month, day and place tokens of schema 2.0 could be decoded by frequency
(docs/attacks.md). Schema 3.0 rows carry the name key with them instead. Old tokens cannot be
converted (the hub never holds the key or the clear values): a store moving to 3.0 needs every
organisation to re-encode, as for a key rotation, so the old columns are dropped, not renamed.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_TABLES = ("registrations", "register_events")
_OLD = ("tok_yob", "tok_mob", "tok_dob_day", "tok_pob")
_NEW = ("tok_name_ym", "tok_name_yd", "tok_name_md", "tok_name_pob", "tok_pob_dob")


def _swap(drop: tuple[str, ...], add: tuple[str, ...]) -> None:
    for table in _TABLES:
        # batch mode: SQLite cannot drop columns in place on every version we support
        with op.batch_alter_table(table) as batch:
            for column in drop:
                batch.drop_column(column)
            for column in add:
                batch.add_column(sa.Column(column, sa.LargeBinary(), nullable=True))


def upgrade() -> None:
    _swap(_OLD, _NEW)


def downgrade() -> None:
    _swap(_NEW, _OLD)
