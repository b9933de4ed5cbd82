"""On the clinic server, which rules each matter's deadlines were computed with (deadline_basis),
so matters a rule-changer may not see are recomputed by the next person who may. Nothing changes
in a vault, whose one user recomputes every matter.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        from clinic_app.store import postgres_ddl

        postgres_ddl.create_deadline_basis(op.get_bind())


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        from clinic_app.store import postgres_ddl

        postgres_ddl.drop_deadline_basis(op.get_bind())
