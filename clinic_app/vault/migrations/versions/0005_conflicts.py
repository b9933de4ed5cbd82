"""Conflict check: parties on the employer's side, lookup keys, checks and their decisions.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "party",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=True),
        sa.Column("dispute_id", sa.Integer(), nullable=True),
        sa.Column("phone", sa.String(), nullable=False),
        sa.Column("notes", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["employer_id"], ["employer.id"]),
        sa.ForeignKeyConstraint(["dispute_id"], ["labor_dispute.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_party_employer_id", "party", ["employer_id"], unique=False)
    op.create_index("ix_party_dispute_id", "party", ["dispute_id"], unique=False)
    op.create_table(
        "conflict_key",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("record_kind", sa.String(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", "record_kind", "record_id"),
    )
    # Removing one record's keys (on edit) looks them up by record, not by key.
    op.create_index(
        "ix_conflict_key_record", "conflict_key", ["record_kind", "record_id"], unique=False
    )
    op.create_table(
        "conflict_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_by", sa.String(), nullable=False),
        sa.Column("subject_kind", sa.String(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("query", sa.String(), nullable=False),
        sa.Column("candidates", sa.String(), nullable=False),
        sa.Column("decision", sa.String(), nullable=False),
        sa.Column("review", sa.String(), nullable=False),
        sa.Column("reviewed_by", sa.String(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_note", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    # Keys for the records already in the vault: the same code the app runs later.
    from clinic_app.conflicts import index

    index.rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_table("conflict_check")
    op.drop_index("ix_conflict_key_record", table_name="conflict_key")
    op.drop_table("conflict_key")
    op.drop_index("ix_party_dispute_id", table_name="party")
    op.drop_index("ix_party_employer_id", table_name="party")
    op.drop_table("party")
