"""Initial schema: clients, employers, letters, matters, grants, events, notes, files, audit.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("record_kind", sa.String(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.String(), nullable=False),
        sa.Column("prev_hash", sa.String(), nullable=False),
        sa.Column("hash", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "client",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_name", sa.String(), nullable=False),
        sa.Column("last_name", sa.String(), nullable=False),
        sa.Column("sort_name", sa.String(), nullable=False),
        sa.Column("other_names", sa.String(), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("a_number", sa.String(), nullable=True),
        sa.Column("country_of_birth", sa.String(), nullable=False),
        sa.Column("preferred_languages", sa.String(), nullable=False),
        sa.Column("phone", sa.String(), nullable=False),
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("address", sa.String(), nullable=False),
        sa.Column("safe_contact", sa.String(), nullable=False),
        sa.Column("notes", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_client_a_number"), ["a_number"], unique=False)
        batch_op.create_index(batch_op.f("ix_client_sort_name"), ["sort_name"], unique=False)

    op.create_table(
        "employer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("address", sa.String(), nullable=False),
        sa.Column("city", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("employer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_employer_name"), ["name"], unique=False)

    op.create_table(
        "setting",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "staff_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "stored_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("blob", sa.String(), nullable=False),
        sa.Column("filename", sa.String(), nullable=False),
        sa.Column("media_type", sa.String(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("blob"),
    )
    op.create_table(
        "worksite",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("address", sa.String(), nullable=False),
        sa.Column("city", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employer.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("worksite", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_worksite_employer_id"), ["employer_id"], unique=False)

    op.create_table(
        "labor_dispute",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("employer_id", sa.Integer(), nullable=False),
        sa.Column("worksite_id", sa.Integer(), nullable=True),
        sa.Column("agency", sa.String(), nullable=False),
        sa.Column("case_number", sa.String(), nullable=False),
        sa.Column("violation_kind", sa.String(), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employer.id"],
        ),
        sa.ForeignKeyConstraint(
            ["worksite_id"],
            ["worksite.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("labor_dispute", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_labor_dispute_employer_id"), ["employer_id"], unique=False
        )

    op.create_table(
        "agency_letter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(), nullable=False),
        sa.Column("date_issued", sa.Date(), nullable=True),
        sa.Column("employer_id", sa.Integer(), nullable=False),
        sa.Column("worksite_id", sa.Integer(), nullable=True),
        sa.Column("dispute_id", sa.Integer(), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("reference", sa.String(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["dispute_id"],
            ["labor_dispute.id"],
        ),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employer.id"],
        ),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["stored_file.id"],
        ),
        sa.ForeignKeyConstraint(
            ["worksite_id"],
            ["worksite.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("agency_letter", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agency_letter_employer_id"), ["employer_id"], unique=False
        )

    op.create_table(
        "matter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("program", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("agency_letter_id", sa.Integer(), nullable=True),
        sa.Column("employer_id", sa.Integer(), nullable=True),
        sa.Column("worksite_id", sa.Integer(), nullable=True),
        sa.Column("assigned_staff_id", sa.Integer(), nullable=True),
        sa.Column("filed_on", sa.Date(), nullable=True),
        sa.Column("receipt_number", sa.String(), nullable=True),
        sa.Column("decision", sa.String(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_letter_id"],
            ["agency_letter.id"],
        ),
        sa.ForeignKeyConstraint(
            ["assigned_staff_id"],
            ["staff_member.id"],
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["client.id"],
        ),
        sa.ForeignKeyConstraint(
            ["employer_id"],
            ["employer.id"],
        ),
        sa.ForeignKeyConstraint(
            ["worksite_id"],
            ["worksite.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("matter", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_matter_agency_letter_id"), ["agency_letter_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_matter_client_id"), ["client_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_matter_employer_id"), ["employer_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_matter_receipt_number"), ["receipt_number"], unique=False
        )

    op.create_table(
        "grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("matter_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("start", sa.Date(), nullable=True),
        sa.Column("end", sa.Date(), nullable=True),
        sa.Column("category", sa.String(), nullable=False),
        sa.Column("terminated_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["matter_id"],
            ["matter.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("grant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_grant_matter_id"), ["matter_id"], unique=False)

    op.create_table(
        "matter_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("matter_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("mailed", sa.Boolean(), nullable=False),
        sa.Column("details", sa.String(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["stored_file.id"],
        ),
        sa.ForeignKeyConstraint(
            ["matter_id"],
            ["matter.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("matter_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_matter_event_matter_id"), ["matter_id"], unique=False)

    op.create_table(
        "note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("matter_id", sa.Integer(), nullable=True),
        sa.Column("author", sa.String(), nullable=False),
        sa.Column("body", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["client.id"],
        ),
        sa.ForeignKeyConstraint(
            ["matter_id"],
            ["matter.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_note_client_id"), ["client_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_note_matter_id"), ["matter_id"], unique=False)

    if op.get_context().dialect.name == "postgresql":
        # The clinic server's counterparts: tsvector search, audit triggers, files and keys.
        from clinic_app.store import postgres_ddl

        postgres_ddl.create(op.get_bind())
        return
    # Search index inside the encrypted database; SQLite-only, like everything in this block.
    op.execute("CREATE VIRTUAL TABLE client_search USING fts5(body, tokenize = 'unicode61')")
    # The audit log is append-only: the database itself refuses edits and deletions.
    op.execute(
        "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
    )
    op.execute(
        "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
    )


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        from clinic_app.store import postgres_ddl

        postgres_ddl.drop(op.get_bind())
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TABLE IF EXISTS client_search")

    with op.batch_alter_table("note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_note_matter_id"))
        batch_op.drop_index(batch_op.f("ix_note_client_id"))

    op.drop_table("note")
    with op.batch_alter_table("matter_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_matter_event_matter_id"))

    op.drop_table("matter_event")
    with op.batch_alter_table("grant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_grant_matter_id"))

    op.drop_table("grant")
    with op.batch_alter_table("matter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_matter_receipt_number"))
        batch_op.drop_index(batch_op.f("ix_matter_employer_id"))
        batch_op.drop_index(batch_op.f("ix_matter_client_id"))
        batch_op.drop_index(batch_op.f("ix_matter_agency_letter_id"))

    op.drop_table("matter")
    with op.batch_alter_table("agency_letter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agency_letter_employer_id"))

    op.drop_table("agency_letter")
    with op.batch_alter_table("labor_dispute", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_labor_dispute_employer_id"))

    op.drop_table("labor_dispute")
    with op.batch_alter_table("worksite", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_worksite_employer_id"))

    op.drop_table("worksite")
    op.drop_table("stored_file")
    op.drop_table("staff_member")
    op.drop_table("setting")
    with op.batch_alter_table("employer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_employer_name"))

    op.drop_table("employer")
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_client_sort_name"))
        batch_op.drop_index(batch_op.f("ix_client_a_number"))

    op.drop_table("client")
    op.drop_table("audit_event")
