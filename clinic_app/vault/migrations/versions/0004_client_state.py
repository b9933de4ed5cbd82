"""The client's state (two-letter US code), for rules that depend on where a client lives.

Revision ID: 0004
Revises: 0003

Existing clients start with an empty state (unknown); the rules that depend on a place apply
to them as before, until the clinic records where they live.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("client") as batch:
        batch.add_column(sa.Column("state", sa.String(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("client") as batch:
        batch.drop_column("state")
