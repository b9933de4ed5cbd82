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


# Plain ADD/DROP COLUMN (SQLite 3.35+ and PostgreSQL alike): a batch "move and copy" would
# drop and recreate `client` and `matter`, which the foreign keys pointing at them refuse.
def upgrade() -> None:
    op.add_column(
        "client", sa.Column("contact_rules", sa.String(), nullable=False, server_default="")
    )
    op.add_column("client", sa.Column("mail_to", sa.String(), nullable=False, server_default=""))
    op.add_column("matter", sa.Column("fee", sa.String(), nullable=False, server_default=""))


def downgrade() -> None:
    op.drop_column("matter", "fee")
    op.drop_column("client", "mail_to")
    op.drop_column("client", "contact_rules")
