"""Tables for documents: packet checklist items, attorney sign-offs, drafts kept in the vault.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "checklist_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("matter_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["matter_id"], ["matter.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("matter_id", "item", name="uq_checklist_item_matter_item"),
    )
    op.create_index("ix_checklist_item_matter_id", "checklist_item", ["matter_id"], unique=False)

    op.create_table(
        "matter_sign_off",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("matter_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(), nullable=False),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["matter_id"], ["matter.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["staff_member.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_matter_sign_off_matter_id", "matter_sign_off", ["matter_id"], unique=False)

    op.create_table(
        "generated_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("matter_id", sa.Integer(), nullable=True),
        sa.Column("agency_letter_id", sa.Integer(), nullable=True),
        sa.Column("template", sa.String(), nullable=False),
        sa.Column("language", sa.String(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["matter_id"], ["matter.id"]),
        sa.ForeignKeyConstraint(["agency_letter_id"], ["agency_letter.id"]),
        sa.ForeignKeyConstraint(["file_id"], ["stored_file.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_generated_document_matter_id", "generated_document", ["matter_id"], unique=False
    )
    op.create_index(
        "ix_generated_document_agency_letter_id",
        "generated_document",
        ["agency_letter_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_generated_document_agency_letter_id", table_name="generated_document")
    op.drop_index("ix_generated_document_matter_id", table_name="generated_document")
    op.drop_table("generated_document")
    op.drop_index("ix_matter_sign_off_matter_id", table_name="matter_sign_off")
    op.drop_table("matter_sign_off")
    op.drop_index("ix_checklist_item_matter_id", table_name="checklist_item")
    op.drop_table("checklist_item")
