"""Safe-contact instructions as structured client fields; the fee choice on a matter.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("client") as batch:
        batch.add_column(sa.Column("contact_rules", sa.String(), nullable=False, server_default=""))
        batch.add_column(sa.Column("mail_to", sa.String(), nullable=False, server_default=""))
    with op.batch_alter_table("matter") as batch:
        batch.add_column(sa.Column("fee", sa.String(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("matter") as batch:
        batch.drop_column("fee")
    with op.batch_alter_table("client") as batch:
        batch.drop_column("mail_to")
        batch.drop_column("contact_rules")
