"""programme monitoring tables

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "programme_programmes",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("info", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "programme_action_lines",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("programme_id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["programme_id"], ["programme_programmes.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_programme_action_lines_programme_id", "programme_action_lines", ["programme_id"]
    )
    op.create_table(
        "programme_measures",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("action_line_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=300), nullable=True),
        sa.Column("partners", sa.JSON(), nullable=False),
        sa.Column("start", sa.Date(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("goals", sa.JSON(), nullable=False),
        sa.Column("milestones", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["action_line_id"], ["programme_action_lines.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_programme_measures_action_line_id", "programme_measures", ["action_line_id"]
    )
    op.create_table(
        "programme_status_history",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("measure_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("effective", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["measure_id"], ["programme_measures.id"]),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_index(
        "ix_programme_status_history_measure_id", "programme_status_history", ["measure_id"]
    )


def downgrade() -> None:
    op.drop_table("programme_status_history")
    op.drop_table("programme_measures")
    op.drop_table("programme_action_lines")
    op.drop_table("programme_programmes")
