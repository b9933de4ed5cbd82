"""SQLModel tables: every record the vault keeps, in the clinic's own words."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import UniqueConstraint, event
from sqlmodel import Field, SQLModel

from clinic_app.domain.text import fold
from clinic_app.domain.versioned import Versioned


class StaffMember(Versioned, table=True):
    __tablename__ = "staff_member"
    id: int | None = Field(default=None, primary_key=True)
    name: str
    role: str = "paralegal"
    email: str = ""
    active: bool = True
    # On the clinic server: the PostgreSQL login of this person ("" in a vault on one laptop).
    login: str = ""


class Client(Versioned, table=True):
    __tablename__ = "client"
    id: int | None = Field(default=None, primary_key=True)
    first_name: str
    last_name: str = ""
    # Folded "last first" for alphabetical lists in any alphabet; kept up to date by an ORM hook.
    sort_name: str = Field(default="", index=True)
    other_names: str = ""  # one per line, as the person writes them
    date_of_birth: date | None = None
    a_number: str | None = Field(default=None, index=True)
    country_of_birth: str = ""
    preferred_languages: str = ""  # comma-separated language codes, first is preferred
    phone: str = ""
    email: str = ""
    address: str = ""
    # Two-letter US state of the client's home ("TX"), or "" when unknown: some rules depend on it.
    state: str = ""
    safe_contact: str = ""
    # Structured safe-contact rules (vocab.CONTACT_RULES, comma-separated) and, when mail must
    # go elsewhere, the address to use instead of `address`.
    contact_rules: str = ""
    mail_to: str = ""
    notes: str = ""
    created_at: datetime
    updated_at: datetime
    # On the clinic server, the login that added it (a trigger sets it; volunteers see their own).
    created_by: str = ""


@event.listens_for(Client, "before_insert")
@event.listens_for(Client, "before_update")
def _set_sort_name(_mapper: Any, _connection: Any, client: Client) -> None:
    client.sort_name = sort_name(client.first_name, client.last_name)


def sort_name(first_name: str, last_name: str) -> str:
    """Client.sort_name for these names (bulk inserts, which skip the hook, set it with this)."""
    return fold(f"{last_name} {first_name}".strip())


class Employer(Versioned, table=True):
    __tablename__ = "employer"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    address: str = ""
    city: str = ""
    state: str = ""


class Worksite(Versioned, table=True):
    __tablename__ = "worksite"
    id: int | None = Field(default=None, primary_key=True)
    employer_id: int = Field(foreign_key="employer.id", index=True)
    name: str = ""
    address: str = ""
    city: str = ""
    state: str = ""


class LaborDispute(Versioned, table=True):
    __tablename__ = "labor_dispute"
    id: int | None = Field(default=None, primary_key=True)
    employer_id: int = Field(foreign_key="employer.id", index=True)
    worksite_id: int | None = Field(default=None, foreign_key="worksite.id")
    agency: str = ""
    case_number: str = ""
    violation_kind: str = ""
    opened_on: date | None = None
    status: str = "open"


class StoredFile(SQLModel, table=True):
    __tablename__ = "stored_file"
    id: int | None = Field(default=None, primary_key=True)
    blob: str = Field(unique=True)
    filename: str
    media_type: str = "application/octet-stream"
    size: int
    sha256: str
    created_at: datetime


class ClinicTemplate(SQLModel, table=True):
    """A clinic's own Word template, sealed in the encrypted file store; its checksum is the
    stored file's, so a template changed outside the app is noticed."""

    __tablename__ = "clinic_template"
    __table_args__ = (
        UniqueConstraint("template_id", "language", name="uq_clinic_template_id_language"),
    )
    id: int | None = Field(default=None, primary_key=True)
    template_id: str
    language: str
    file_id: int = Field(foreign_key="stored_file.id")
    added_at: datetime


class AgencyLetter(Versioned, table=True):
    __tablename__ = "agency_letter"
    id: int | None = Field(default=None, primary_key=True)
    agency: str
    date_issued: date | None = None
    employer_id: int = Field(foreign_key="employer.id", index=True)
    worksite_id: int | None = Field(default=None, foreign_key="worksite.id")
    dispute_id: int | None = Field(default=None, foreign_key="labor_dispute.id")
    period_start: date | None = None
    period_end: date | None = None
    reference: str = ""
    file_id: int | None = Field(default=None, foreign_key="stored_file.id")


class Matter(Versioned, table=True):
    __tablename__ = "matter"
    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="client.id", index=True)
    program: str = "labor-deferred-action"
    kind: str = "initial"
    status: str = "intake"
    agency_letter_id: int | None = Field(default=None, foreign_key="agency_letter.id", index=True)
    employer_id: int | None = Field(default=None, foreign_key="employer.id", index=True)
    worksite_id: int | None = Field(default=None, foreign_key="worksite.id")
    assigned_staff_id: int | None = Field(default=None, foreign_key="staff_member.id")
    filed_on: date | None = None
    receipt_number: str | None = Field(default=None, index=True)
    decision: str | None = None
    decided_on: date | None = None
    fee: str = ""  # vocab.FEE_CHOICES: how the filing fee is met ("" until chosen)
    created_at: datetime
    updated_at: datetime
    created_by: str = ""


class MatterRestriction(SQLModel, table=True):
    """A restricted matter's named staff: only they see its details (others see who to ask)."""

    __tablename__ = "matter_restriction"
    matter_id: int = Field(foreign_key="matter.id", primary_key=True)
    staff_id: int = Field(foreign_key="staff_member.id", primary_key=True)


class Grant(Versioned, table=True):
    __tablename__ = "grant"
    id: int | None = Field(default=None, primary_key=True)
    matter_id: int = Field(foreign_key="matter.id", index=True)
    kind: str  # deferred_action | work_permit
    start: date | None = None
    end: date | None = None
    category: str = ""  # work-permit category, e.g. c14
    terminated_on: date | None = None


class MatterEvent(Versioned, table=True):
    __tablename__ = "matter_event"
    id: int | None = Field(default=None, primary_key=True)
    matter_id: int = Field(foreign_key="matter.id", index=True)
    kind: str
    occurred_on: date | None = None  # notice date, filing date, decision date
    due_on: date | None = None  # RFE response due, appointment day
    mailed: bool = False  # RFE sent by mail: three more days to answer
    details: str = ""
    file_id: int | None = Field(default=None, foreign_key="stored_file.id")
    created_at: datetime


class Note(Versioned, table=True):
    __tablename__ = "note"
    id: int | None = Field(default=None, primary_key=True)
    client_id: int | None = Field(default=None, foreign_key="client.id", index=True)
    matter_id: int | None = Field(default=None, foreign_key="matter.id", index=True)
    author: str = ""
    body: str
    created_at: datetime


class Setting(SQLModel, table=True):
    __tablename__ = "setting"
    key: str = Field(primary_key=True)
    value: str


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime
    actor: str
    action: str
    record_kind: str
    record_id: int | None = None
    summary: str = ""  # never client data: counts, field names, ids
    prev_hash: str
    hash: str
