"""The open-deadline index also holds each deadline's rule, so Today's tiers are counted from it.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_OLD = ["due", "matter_id", "soon_days", "retire_on"]


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
    _create([*_OLD, "rule_id"])


def downgrade() -> None:
    op.drop_index("ix_deadline_open", table_name="deadline")
    _create(_OLD)
