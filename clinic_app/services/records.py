"""Frozen dataclasses the services hand to the UI and CLI (never live database rows)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from clinic_app.domain.text import full_name


def to_json(record: Any) -> dict[str, Any]:
    """A record as JSON-ready values (dates as ISO strings)."""
    out: dict[str, Any] = {}
    for key, value in asdict(record).items():
        if isinstance(value, (date, datetime)):
            out[key] = value.isoformat()
        elif isinstance(value, tuple):
            out[key] = list(value)
        else:
            out[key] = value
    return out


@dataclass(frozen=True)
class ClientRecord:
    id: int
    first_name: str
    last_name: str
    other_names: tuple[str, ...]
    date_of_birth: date | None
    a_number: str | None
    country_of_birth: str
    preferred_languages: tuple[str, ...]
    phone: str
    email: str
    address: str
    safe_contact: str
    notes: str
    created_at: datetime
    updated_at: datetime
    state: str = ""  # two-letter US state code, "" when unknown
    contact_rules: tuple[str, ...] = ()  # vocab.CONTACT_RULES keys
    mail_to: str = ""  # mail goes here instead of the home address
    version: int = 1  # the row's version when read; an update with an older one is refused

    @property
    def full_name(self) -> str:
        return full_name(self.first_name, self.last_name)

    @property
    def preferred_language(self) -> str:
        return self.preferred_languages[0] if self.preferred_languages else "en"


@dataclass(frozen=True)
class ClientRow:
    """One line of the clients list: enough to show and search, no more."""

    id: int
    first_name: str
    last_name: str
    a_number: str | None
    date_of_birth: date | None
    country_of_birth: str
    preferred_language: str
    employer: str

    @property
    def full_name(self) -> str:
        return full_name(self.first_name, self.last_name)


@dataclass(frozen=True)
class StaffRecord:
    id: int
    name: str
    role: str
    email: str
    active: bool
    version: int = 1  # the row's version when read; an update with an older one is refused


@dataclass(frozen=True)
class EmployerRecord:
    id: int
    name: str
    address: str
    city: str
    state: str
    version: int = 1  # the row's version when read; an update with an older one is refused


@dataclass(frozen=True)
class WorksiteRecord:
    id: int
    employer_id: int
    name: str
    address: str
    city: str
    state: str
    version: int = 1  # the row's version when read; an update with an older one is refused


@dataclass(frozen=True)
class DisputeRecord:
    id: int
    employer_id: int
    worksite_id: int | None
    agency: str
    case_number: str
    violation_kind: str
    opened_on: date | None
    status: str
    version: int = 1  # the row's version when read; an update with an older one is refused


@dataclass(frozen=True)
class LetterRecord:
    id: int
    agency: str
    date_issued: date | None
    employer_id: int
    employer: str
    worksite_id: int | None
    dispute_id: int | None
    period_start: date | None
    period_end: date | None
    reference: str
    file_id: int | None
    matter_count: int
    version: int = 1  # the row's version when read; an update with an older one is refused


@dataclass(frozen=True)
class GrantRecord:
    id: int
    matter_id: int
    kind: str
    start: date | None
    end: date | None
    category: str
    terminated_on: date | None
    version: int = 1  # the row's version when read; an update with an older one is refused


@dataclass(frozen=True)
class EventRecord:
    id: int
    matter_id: int
    kind: str
    occurred_on: date | None
    due_on: date | None
    mailed: bool
    details: str
    file_id: int | None
    version: int = 1  # the row's version when read; an update with an older one is refused


@dataclass(frozen=True)
class MatterRecord:
    id: int
    client_id: int
    client_name: str
    program: str
    kind: str
    status: str
    agency_letter_id: int | None
    employer_id: int | None
    employer: str
    worksite_id: int | None
    assigned_staff_id: int | None
    assigned_to: str
    filed_on: date | None
    receipt_number: str | None
    decision: str | None
    decided_on: date | None
    grant_end: date | None
    work_permit_end: date | None
    terminated_on: date | None
    version: int = 1  # the row's version when read; an update with an older one is refused


@dataclass(frozen=True)
class NoteRecord:
    id: int
    client_id: int | None
    matter_id: int | None
    author: str
    body: str
    created_at: datetime
    version: int = 1  # the row's version when read; an update with an older one is refused


@dataclass(frozen=True)
class FileRecord:
    id: int
    filename: str
    media_type: str
    size: int
    sha256: str
    created_at: datetime


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: datetime
    actor: str
    action: str
    record_kind: str
    record_id: int | None
    summary: str


@dataclass(frozen=True)
class ImportedAuditRecord(AuditRecord):
    """An event of a laptop vault's own history, kept read-only where the vault was moved in."""

    vault_id: str
