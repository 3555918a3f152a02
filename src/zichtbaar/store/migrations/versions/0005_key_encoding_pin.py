"""one encoding per linkage key: the first package under a key id pins its encoding settings

Filters made with other settings (another flip rate, other bits per bigram) under the same key
compare as strangers: a reporter still on an older encoding would silently stop linking. The
hub now records the fingerprint of the first encoding it sees under each key id and refuses a
package whose encoding differs; new settings come with a new key id, as a rotation does.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("key_ids") as batch:
        batch.add_column(sa.Column("encoding_sha256", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("key_ids") as batch:
        batch.drop_column("encoding_sha256")
