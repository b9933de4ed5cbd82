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


# Plain ADD/DROP COLUMN (SQLite 3.35+ and PostgreSQL alike): a batch "move and copy" would
# drop and recreate `client`, which the matters' foreign keys refuse.
def upgrade() -> None:
    op.add_column("client", sa.Column("state", sa.String(), nullable=False, server_default=""))


def downgrade() -> None:
    op.drop_column("client", "state")
