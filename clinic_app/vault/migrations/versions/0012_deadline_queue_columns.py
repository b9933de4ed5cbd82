"""Deadline rows keep what Today's queue needs (agency letter, matter inactive, merged pair),
and the open-deadline index holds it, so the queue is counted and paged from the index alone.

The new columns are filled by the recompute that the engine version's change sets off the
first time the vault is read.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_OLD = ["due", "matter_id", "soon_days", "retire_on", "rule_id"]
_NEW = [
    "due",
    "soon_days",
    "rule_id",
    "inactive",
    "letter_id",
    "merged",
    "retire_on",
    "matter_id",
    "occurrence",
]


def _create(columns: list[str]) -> None:
    op.create_index(
        "ix_deadline_open",
        "deadline",
        columns,
        unique=False,
        sqlite_where=sa.text("done_reason = ''"),
        postgresql_where=sa.text("done_reason = ''"),
    )


def upgrade() -> None:
    op.drop_index("ix_deadline_open", table_name="deadline")
    op.add_column("deadline", sa.Column("letter_id", sa.Integer(), nullable=True))
    op.add_column(
        "deadline", sa.Column("inactive", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column(
        "deadline", sa.Column("merged", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    _create(_NEW)
    # Recomputed on first use (the rules' fingerprint changes with the engine version); clearing
    # it here too makes sure, whatever version wrote the rows.
    op.execute("DELETE FROM setting WHERE key = 'deadlines.computed'")


def downgrade() -> None:
    op.drop_index("ix_deadline_open", table_name="deadline")
    op.drop_column("deadline", "merged")
    op.drop_column("deadline", "inactive")
    op.drop_column("deadline", "letter_id")
    _create(_OLD)
    op.execute("DELETE FROM setting WHERE key = 'deadlines.computed'")
