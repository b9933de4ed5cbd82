"""Who made a client or matter, which login a staff member uses, and restricted matters.

On the clinic server the creator is the PostgreSQL login (set by a trigger), the login links a
staff row to its PostgreSQL role, and row-level security reads matter_restriction; in a vault on
one laptop the restriction list is kept and shown.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("client", sa.Column("created_by", sa.String(), nullable=False, server_default=""))
    op.add_column("matter", sa.Column("created_by", sa.String(), nullable=False, server_default=""))
    op.add_column(
        "staff_member", sa.Column("login", sa.String(), nullable=False, server_default="")
    )
    op.create_table(
        "matter_restriction",
        sa.Column("matter_id", sa.Integer(), sa.ForeignKey("matter.id"), primary_key=True),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff_member.id"), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("matter_restriction")
    op.drop_column("staff_member", "login")
    op.drop_column("matter", "created_by")
    op.drop_column("client", "created_by")
