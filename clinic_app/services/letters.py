"""Agency letters (Statements of Interest) and the matters that rely on them."""

from __future__ import annotations

from datetime import date
from typing import TypedDict, Unpack

from sqlalchemy import func
from sqlmodel import Session, col, select

from clinic_app.domain import validators as v
from clinic_app.domain.models import (
    AgencyLetter,
    Employer,
    LaborDispute,
    Matter,
    StoredFile,
    Worksite,
)
from clinic_app.errors import ValidationError
from clinic_app.i18n import _
from clinic_app.services import row_versions
from clinic_app.services._base import get_or_fail, insert, require_id
from clinic_app.services.changes import LETTER, Changed, ChangeSet
from clinic_app.services.records import LetterRecord
from clinic_app.store.base import Store
from clinic_app.vault import audit


def _record(row: AgencyLetter, employer: str, matter_count: int) -> LetterRecord:
    return LetterRecord(
        id=require_id(row.id),
        agency=row.agency,
        date_issued=row.date_issued,
        employer_id=row.employer_id,
        employer=employer,
        worksite_id=row.worksite_id,
        dispute_id=row.dispute_id,
        period_start=row.period_start,
        period_end=row.period_end,
        reference=row.reference,
        file_id=row.file_id,
        matter_count=matter_count,
        version=row.version,
    )


class LetterDetails(TypedDict, total=False):
    """A letter's fields besides its agency; the employer stays (its matters point at it)."""

    date_issued: date | str | None
    period_start: date | str | None
    period_end: date | str | None
    worksite_id: int | None
    dispute_id: int | None
    reference: str


class LetterFields(LetterDetails, total=False):
    """Editable letter fields."""

    agency: str


_DATE_LABELS = {
    "date_issued": "letter date",
    "period_start": "letter period start",
    "period_end": "letter period end",
}


def _clean(session: Session, employer_id: int, fields: LetterFields) -> dict[str, object]:
    """The given letter fields, checked and normalized (adding and correcting a letter)."""
    values: dict[str, object] = {}
    for name, value in fields.items():
        if name == "agency":
            values[name] = v.require_text(value, "agency")  # type: ignore[arg-type]
        elif name == "reference":
            values[name] = str(value or "").strip()
        elif name in _DATE_LABELS:
            values[name] = v.parse_date(value, _DATE_LABELS[name])  # type: ignore[arg-type]
        elif name == "worksite_id" and value is not None:
            site = get_or_fail(session, Worksite, value, "worksite")  # type: ignore[arg-type]
            if site.employer_id != employer_id:
                raise ValidationError(
                    "worksite",
                    _("worksite {worksite} is not one of employer {employer_id}'s.").format(
                        worksite=value, employer_id=employer_id
                    ),
                    label=_("worksite"),
                )
            values[name] = value
        elif name == "dispute_id" and value is not None:
            get_or_fail(session, LaborDispute, value, "labor dispute")  # type: ignore[arg-type]
            values[name] = value
        else:
            values[name] = value
    return values


def _check_period(row: AgencyLetter) -> None:
    v.check_order(row.period_start, row.period_end, "letter period start", "letter period end")


def create_letter_in_session(
    session: Session, *, agency: str, employer_id: int, **fields: Unpack[LetterDetails]
) -> AgencyLetter:
    get_or_fail(session, Employer, employer_id, "employer")
    values = _clean(session, employer_id, {"agency": agency, **fields})
    row = AgencyLetter(employer_id=employer_id, **values)  # type: ignore[arg-type]
    _check_period(row)
    insert(session, row, LETTER)
    return row


def add_letter(
    vault: Store, *, agency: str, employer_id: int, **fields: Unpack[LetterDetails]
) -> Changed[LetterRecord]:
    """Record a Statement of Interest."""
    with vault.session() as session:
        row = create_letter_in_session(session, agency=agency, employer_id=employer_id, **fields)
        employer = get_or_fail(session, Employer, employer_id, "employer").name
        record = _record(row, employer, 0)
    return Changed(record, ChangeSet.of(LETTER, record.id))


def update_letter(
    vault: Store, *, letter_id: int, version: int | None = None, **fields: Unpack[LetterFields]
) -> Changed[LetterRecord]:
    """Correct a Statement of Interest; the deadlines of every matter under it follow."""
    with vault.session() as session:
        row = get_or_fail(session, AgencyLetter, letter_id, "agency letter")
        row_versions.check(session, row, LETTER, version)
        values = _clean(session, row.employer_id, fields)
        changed = row_versions.apply_changes(session, row, values, kind=LETTER, record_id=letter_id)
        _check_period(row)
    record = get_letter(vault, letter_id=letter_id)
    return Changed(record, ChangeSet.of(LETTER, letter_id) if changed else ChangeSet())


def attach_scan(vault: Store, *, letter_id: int, file_id: int) -> Changed[LetterRecord]:
    """Link a scanned copy (already in the encrypted file store) to a letter."""
    with vault.session() as session:
        row = get_or_fail(session, AgencyLetter, letter_id, "agency letter")
        get_or_fail(session, StoredFile, file_id, "stored file")
        row.file_id = file_id
        session.add(row)
        session.flush()
        audit.record(
            session,
            action="attach_file",
            record_kind=LETTER,
            record_id=letter_id,
            summary=f"file {file_id}",
        )
    return Changed(get_letter(vault, letter_id=letter_id), ChangeSet.of(LETTER, letter_id))


def _query() -> object:
    counts = (
        select(Matter.agency_letter_id, func.count().label("n"))
        .where(col(Matter.agency_letter_id).is_not(None))
        .group_by(col(Matter.agency_letter_id))
        .subquery()
    )
    return (
        select(AgencyLetter, Employer.name, func.coalesce(counts.c.n, 0))
        .join(Employer, col(Employer.id) == AgencyLetter.employer_id)
        .outerjoin(counts, counts.c.agency_letter_id == AgencyLetter.id)
    )


def list_letters(vault: Store) -> list[LetterRecord]:
    with vault.reader() as session:
        query = _query().order_by(col(AgencyLetter.date_issued), col(AgencyLetter.id))  # type: ignore[attr-defined]
        return [_record(row, name, int(n)) for row, name, n in session.exec(query)]


def get_letter(vault: Store, *, letter_id: int) -> LetterRecord:
    with vault.reader() as session:
        get_or_fail(session, AgencyLetter, letter_id, "agency letter")
        query = _query().where(AgencyLetter.id == letter_id)  # type: ignore[attr-defined]
        row, name, n = session.exec(query).one()
        return _record(row, name, int(n))
