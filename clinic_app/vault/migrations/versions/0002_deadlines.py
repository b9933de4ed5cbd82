"""Tables for deadlines.

Revision ID: 0002
Revises: 0001

Computed deadlines are derived data: this migration only creates the tables. The first write
(or the first read through the deadline services) after it fills them, because the rule
fingerprint stored in the settings is missing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


# Times are timezone-aware as in the models (the same on SQLite; timestamptz on PostgreSQL).
def upgrade() -> None:
    op.create_table(
        "deadline",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("matter_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.String(), nullable=False),
        sa.Column("occurrence", sa.String(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("fact_date", sa.Date(), nullable=False),
        sa.Column("unrolled", sa.Date(), nullable=False),
        sa.Column("soon_days", sa.Integer(), nullable=False),
        sa.Column("flags", sa.Integer(), nullable=False),
        sa.Column("done_reason", sa.String(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("retire_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_deadline_matter_id", "deadline", ["matter_id"], unique=False)
    op.create_index(
        "ix_deadline_open",
        "deadline",
        ["due", "matter_id", "soon_days", "retire_on"],
        unique=False,
        sqlite_where=sa.text("done_reason = ''"),
        postgresql_where=sa.text("done_reason = ''"),
    )

    op.create_table(
        "deadline_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("matter_id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.String(), nullable=False),
        sa.Column("occurrence", sa.String(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.String(), nullable=False),
        sa.Column("snoozed_until", sa.Date(), nullable=True),
        sa.Column("snoozed_by", sa.String(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["matter_id"], ["matter.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("matter_id", "rule_id", "occurrence", name="uq_deadline_state_key"),
    )

    op.create_table(
        "deadline_task",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("matter_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("assigned_staff_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.String(), nullable=False),
        sa.Column("snoozed_until", sa.Date(), nullable=True),
        sa.Column("snoozed_by", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["assigned_staff_id"], ["staff_member.id"]),
        sa.ForeignKeyConstraint(["matter_id"], ["matter.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_deadline_task_matter_id", "deadline_task", ["matter_id"], unique=False)
    op.create_index("ix_deadline_task_due", "deadline_task", ["due"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_deadline_task_due", table_name="deadline_task")
    op.drop_index("ix_deadline_task_matter_id", table_name="deadline_task")
    op.drop_table("deadline_task")
    op.drop_table("deadline_state")
    op.drop_index("ix_deadline_open", table_name="deadline")
    op.drop_index("ix_deadline_matter_id", table_name="deadline")
    op.drop_table("deadline")
    # The rule fingerprint goes with the tables, so upgrading again recomputes everything.
    op.execute("DELETE FROM setting WHERE key = 'deadlines.computed'")
