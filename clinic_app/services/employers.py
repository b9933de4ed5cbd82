"""Employers, worksites and labor disputes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypedDict, TypeVar, Unpack

from sqlmodel import Session, col, select

from clinic_app import search
from clinic_app.conflicts import index as conflict_index
from clinic_app.domain import validators as v
from clinic_app.domain.models import Employer, LaborDispute, Matter, Worksite
from clinic_app.domain.text import fold
from clinic_app.domain.vocab import DISPUTE_STATUSES
from clinic_app.services import row_versions
from clinic_app.services._base import get_or_fail, insert, require_id
from clinic_app.services.changes import DISPUTE, EMPLOYER, WORKSITE, Changed, ChangeSet
from clinic_app.services.records import DisputeRecord, EmployerRecord, WorksiteRecord
from clinic_app.store.base import Store

R = TypeVar("R")


def employer_record(row: Employer) -> EmployerRecord:
    return EmployerRecord(
        id=require_id(row.id),
        name=row.name,
        address=row.address,
        city=row.city,
        state=row.state,
        version=row.version,
    )


def worksite_record(row: Worksite) -> WorksiteRecord:
    return WorksiteRecord(
        id=require_id(row.id),
        employer_id=row.employer_id,
        name=row.name,
        address=row.address,
        city=row.city,
        state=row.state,
        version=row.version,
    )


def dispute_record(row: LaborDispute) -> DisputeRecord:
    return DisputeRecord(
        id=require_id(row.id),
        employer_id=row.employer_id,
        worksite_id=row.worksite_id,
        agency=row.agency,
        case_number=row.case_number,
        violation_kind=row.violation_kind,
        opened_on=row.opened_on,
        status=row.status,
        version=row.version,
    )


def normalize_state(state: str) -> str:
    text = state.strip()
    return text.upper() if len(text) == 2 else text


class PlaceFields(TypedDict, total=False):
    """An employer's or worksite's name and place, as typed (a field left out stays as it is)."""

    name: str
    address: str
    city: str
    state: str


def _place_values(what: str, fields: PlaceFields, *, new: bool = False) -> dict[str, object]:
    """The given name and place of an employer or worksite, checked and normalized; an
    employer always needs its name (a new one, and a corrected one)."""
    given: dict[str, str | None] = {key: value for key, value in fields.items()}  # type: ignore[misc]
    if new and what == "employer":
        given.setdefault("name", "")
    values: dict[str, object] = {}
    for key, value in given.items():
        if value is None:  # callers that pass every field say "unchanged" with None
            continue
        if key == "name":
            check = v.require_text if what == "employer" else v.plain_text
            values[key] = check(value, f"{what} name")
        elif key == "address":
            values[key] = v.plain_text(value, f"{what} address", multiline=True)
        elif key == "city":
            values[key] = v.plain_text(value, "city")
        elif key == "state":
            values[key] = normalize_state(value)
    return values


def find_employer(session: Session, name: str) -> Employer | None:
    """An employer whose name matches, ignoring case and accents."""
    wanted = fold(name.strip())
    for row in session.exec(select(Employer)):
        if fold(row.name) == wanted:
            return row
    return None


def create_employer_in_session(session: Session, **fields: Unpack[PlaceFields]) -> Employer:
    row = Employer(**_place_values("employer", fields, new=True))  # type: ignore[arg-type]
    insert(session, row, EMPLOYER)
    conflict_index.refresh(session.connection(), conflict_index.EMPLOYER, [require_id(row.id)])
    return row


def add_employer(vault: Store, **fields: Unpack[PlaceFields]) -> Changed[EmployerRecord]:
    with vault.session() as session:
        record = employer_record(create_employer_in_session(session, **fields))
    return Changed(record, ChangeSet.of(EMPLOYER, record.id))


def update_employer(
    vault: Store, *, employer_id: int, version: int | None = None, **fields: Unpack[PlaceFields]
) -> Changed[EmployerRecord]:
    """Correct an employer's name or place; `version` is the one the person loaded (None: any)."""

    def follow(session: Session) -> None:  # its clients are found, and checked, by its name
        client_ids = session.exec(
            select(Matter.client_id).where(Matter.employer_id == employer_id)
        ).all()
        search.reindex_clients(session, client_ids)
        conflict_index.refresh(session.connection(), conflict_index.EMPLOYER, [employer_id])

    return _correct(vault, Employer, employer_id, version, fields, employer_record, follow)


def _correct(
    vault: Store,
    model: type[Employer] | type[Worksite],
    record_id: int,
    version: int | None,
    fields: PlaceFields,
    to_record: Callable[[Any], R],
    follow: Callable[[Session], None] | None = None,
) -> Changed[R]:
    """Correct an employer's or worksite's name or place against the version loaded."""
    kind = EMPLOYER if model is Employer else WORKSITE
    with vault.session() as session:
        row = get_or_fail(session, model, record_id, kind)
        changed = row_versions.apply_changes(
            session,
            row,
            _place_values(kind, fields),
            kind=kind,
            record_id=record_id,
            version=version,
        )
        if changed and follow is not None:
            follow(session)
        record = to_record(row)
    return Changed(record, ChangeSet.of(kind, record_id) if changed else ChangeSet())


def list_employers(vault: Store) -> list[EmployerRecord]:
    with vault.reader() as session:
        return [
            employer_record(r) for r in session.exec(select(Employer).order_by(col(Employer.name)))
        ]


def get_employer(vault: Store, *, employer_id: int) -> EmployerRecord:
    with vault.reader() as session:
        return employer_record(get_or_fail(session, Employer, employer_id, "employer"))


def find_worksite(session: Session, employer_id: int, city: str, state: str) -> Worksite | None:
    for row in session.exec(select(Worksite).where(Worksite.employer_id == employer_id)):
        if fold(row.city) == fold(city.strip()) and fold(row.state) == fold(normalize_state(state)):
            return row
    return None


def create_worksite_in_session(
    session: Session, *, employer_id: int, **fields: Unpack[PlaceFields]
) -> Worksite:
    get_or_fail(session, Employer, employer_id, "employer")
    values = _place_values("worksite", fields, new=True)
    row = Worksite(employer_id=employer_id, **values)  # type: ignore[arg-type]
    insert(session, row, WORKSITE)
    return row


def add_worksite(
    vault: Store, *, employer_id: int, **fields: Unpack[PlaceFields]
) -> Changed[WorksiteRecord]:
    with vault.session() as session:
        row = create_worksite_in_session(session, employer_id=employer_id, **fields)
        record = worksite_record(row)
    return Changed(record, ChangeSet.of(WORKSITE, record.id))


def update_worksite(
    vault: Store, *, worksite_id: int, version: int | None = None, **fields: Unpack[PlaceFields]
) -> Changed[WorksiteRecord]:
    """Correct a worksite's name or place (its employer never changes)."""
    return _correct(vault, Worksite, worksite_id, version, fields, worksite_record)


def get_worksite(vault: Store, *, worksite_id: int) -> WorksiteRecord:
    with vault.reader() as session:
        return worksite_record(get_or_fail(session, Worksite, worksite_id, "worksite"))


def list_worksites(vault: Store, *, employer_id: int | None = None) -> list[WorksiteRecord]:
    with vault.reader() as session:
        query = select(Worksite).order_by(col(Worksite.employer_id), col(Worksite.city))
        if employer_id is not None:
            query = query.where(Worksite.employer_id == employer_id)
        return [worksite_record(r) for r in session.exec(query)]


def add_dispute(
    vault: Store,
    *,
    employer_id: int,
    agency: str,
    worksite_id: int | None = None,
    case_number: str = "",
    violation_kind: str = "",
    opened_on: date | str | None = None,
    status: str = "open",
) -> Changed[DisputeRecord]:
    with vault.session() as session:
        get_or_fail(session, Employer, employer_id, "employer")
        if worksite_id is not None:
            get_or_fail(session, Worksite, worksite_id, "worksite")
        row = LaborDispute(
            employer_id=employer_id,
            worksite_id=worksite_id,
            agency=v.require_text(agency, "agency"),
            case_number=case_number.strip(),
            violation_kind=violation_kind.strip(),
            opened_on=v.parse_date(opened_on, "opened on"),
            status=v.choice(status, DISPUTE_STATUSES, "dispute status", "open"),
        )
        insert(session, row, DISPUTE)
        record = dispute_record(row)
    return Changed(record, ChangeSet.of(DISPUTE, record.id))


def list_disputes(vault: Store, *, employer_id: int | None = None) -> list[DisputeRecord]:
    with vault.reader() as session:
        query = select(LaborDispute).order_by(col(LaborDispute.id))
        if employer_id is not None:
            query = query.where(LaborDispute.employer_id == employer_id)
        return [dispute_record(r) for r in session.exec(query)]
