"""The client search index learns the last 4 to 6 digits of each A-number.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from clinic_app import search

    search.reindex(op.get_bind())


def downgrade() -> None:
    # Older code searches an index with the extra words just as well: nothing to undo.
    pass
