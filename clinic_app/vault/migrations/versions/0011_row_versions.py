"""Every editable row carries a version, so a save against a row someone changed is refused.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# The tables whose models derive from clinic_app.domain.versioned.Versioned (the migration
# test compares the head schema with the models); listed here because a migration must not
# import the live models, which move on after it is written.
TABLES = (
    "staff_member",
    "client",
    "employer",
    "worksite",
    "labor_dispute",
    "agency_letter",
    "matter",
    "grant",
    "matter_event",
    "note",
    "deadline_task",
    "deadline_state",
)


def upgrade() -> None:
    # Plain ADD COLUMN with a default runs on SQLite and PostgreSQL alike; existing rows start at 1.
    for table in TABLES:
        op.add_column(table, sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    for table in reversed(TABLES):
        op.drop_column(table, "version")
