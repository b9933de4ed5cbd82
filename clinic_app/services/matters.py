"""Matters (requests), their grants and the notices and appointments that move them along."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, TypedDict, Unpack

from sqlalchemy import Select, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, SQLModel, col, select

import clinic_app.deadlines  # noqa: F401  (its session hook keeps deadlines current)
from clinic_app import search
from clinic_app.domain import validators as v
from clinic_app.domain.models import (
    AgencyLetter,
    Client,
    Employer,
    Grant,
    Matter,
    MatterEvent,
    StaffMember,
    StoredFile,
    Worksite,
)
from clinic_app.domain.text import full_name
from clinic_app.domain.vocab import (
    DECISIONS,
    EVENT_KINDS,
    FEE_CHOICES,
    GRANT_KINDS,
    MATTER_KINDS,
    MATTER_STATUSES,
)
from clinic_app.errors import ValidationError
from clinic_app.i18n import _
from clinic_app.services import restrictions, row_versions
from clinic_app.services._base import get_or_fail, insert, now, require_id
from clinic_app.services.changes import EVENT, GRANT, MATTER, Changed, ChangeSet
from clinic_app.services.records import EventRecord, GrantRecord, MatterRecord
from clinic_app.store.base import Store
from clinic_app.vault import audit

# Notices move a matter forward in the pipeline (never backward).
_EVENT_STATUS = {
    "filed": "filed",
    "receipt": "receipt",
    "biometrics": "biometrics",
    "rfe": "rfe",
    "rfe_response": "rfe",
    "decision": "decision",
    "termination": "closed",
}
# RFE answers are due 84 days after the notice, 87 when it came by mail.
RFE_DAYS = 84
RFE_MAIL_DAYS = 3


# The records a matter may point at, for a clear "no such ..." error.
_LINKS: dict[str, tuple[type[SQLModel], str]] = {
    "agency_letter_id": (AgencyLetter, "agency letter"),
    "employer_id": (Employer, "employer"),
    "worksite_id": (Worksite, "worksite"),
    "assigned_staff_id": (StaffMember, "staff member"),
}


class MatterFields(TypedDict, total=False):
    program: str
    kind: str
    status: str
    agency_letter_id: int | None
    employer_id: int | None
    worksite_id: int | None
    assigned_staff_id: int | None
    filed_on: date | str | None
    receipt_number: str | None
    decision: str | None
    decided_on: date | str | None
    fee: str


def clean_fields(session: Session, fields: MatterFields) -> dict[str, object]:
    out: dict[str, object] = {}
    for name, value in fields.items():
        if name == "program":
            out[name] = v.require_text(value, "program")  # type: ignore[arg-type]
        elif name == "kind":
            out[name] = v.choice(value, MATTER_KINDS, "matter kind")  # type: ignore[arg-type]
        elif name == "status":
            out[name] = v.choice(value, MATTER_STATUSES, "status")  # type: ignore[arg-type]
        elif name == "decision":
            out[name] = v.choice(value, DECISIONS, "decision") if value else None  # type: ignore[arg-type]
        elif name == "fee":
            out[name] = v.choice(value, FEE_CHOICES, "fee") if value else ""  # type: ignore[arg-type]
        elif name in ("filed_on", "decided_on"):
            out[name] = v.parse_date(value, name.replace("_", " "))  # type: ignore[arg-type]
        elif name == "receipt_number":
            out[name] = v.normalize_receipt_number(value)  # type: ignore[arg-type]
        elif name in ("agency_letter_id", "employer_id", "worksite_id", "assigned_staff_id"):
            if value is not None:
                model, label = _LINKS[name]
                if not isinstance(value, int):
                    raise ValidationError(
                        label, _("'{value}' is not a record id.").format(value=value)
                    )
                get_or_fail(session, model, value, label)
            out[name] = value
        else:
            raise ValidationError(name, _("is not a matter field."))
    return out


def _check_dates(row: Matter) -> None:
    v.check_order(row.filed_on, row.decided_on, "filed on", "decided on")


def _check_worksite(session: Session, row: Matter) -> None:
    """A matter's worksite is one of its employer's (a typo in an id would mix two disputes)."""
    if row.worksite_id is None or row.employer_id is None:
        return
    site = session.get(Worksite, row.worksite_id)
    if site is not None and site.employer_id != row.employer_id:
        raise ValidationError(
            "worksite",
            _(
                "worksite {worksite_id} belongs to employer {employer_id}, not to employer {employer_id2} (the matter's)."
            ).format(
                worksite_id=row.worksite_id,
                employer_id=site.employer_id,
                employer_id2=row.employer_id,
            ),
            label=_("worksite"),
        )


def create_in_session(session: Session, *, client_id: int, fields: MatterFields) -> Matter:
    get_or_fail(session, Client, client_id, "client")
    values = clean_fields(session, fields)
    if values.get("agency_letter_id") and not values.get("employer_id"):
        letter = session.get(AgencyLetter, values["agency_letter_id"])
        if letter is not None:
            values["employer_id"] = letter.employer_id
            if values.get("worksite_id") is None:
                values["worksite_id"] = letter.worksite_id
    if values.get("worksite_id") and not values.get("employer_id"):
        site = session.get(Worksite, values["worksite_id"])
        values["employer_id"] = site.employer_id if site is not None else None
    stamp = now()
    row = Matter(client_id=client_id, created_at=stamp, updated_at=stamp, **values)  # type: ignore[arg-type]
    _check_dates(row)
    _check_worksite(session, row)
    insert(session, row, MATTER)
    return row


def add_matter(
    vault: Store, *, client_id: int, **fields: Unpack[MatterFields]
) -> Changed[MatterRecord]:
    with vault.session() as session:
        row = create_in_session(session, client_id=client_id, fields=fields)
        search.reindex_clients(session, [client_id])
        matter_id = require_id(row.id)
    record = get_matter(vault, matter_id=matter_id)
    return Changed(record, ChangeSet.of(MATTER, matter_id))


def update_matter(
    vault: Store, *, matter_id: int, version: int | None = None, **fields: Unpack[MatterFields]
) -> Changed[MatterRecord]:
    """Change some fields of a matter; `version` is the one the person loaded (None: any)."""
    with vault.session() as session:
        row = get_or_fail(session, Matter, matter_id, "matter")
        row_versions.check(session, row, MATTER, version)
        values = clean_fields(session, fields)
        changed = row_versions.apply_changes(
            session, row, values, kind=MATTER, record_id=matter_id, touch=True
        )
        _check_dates(row)
        _check_worksite(session, row)
        if changed:
            search.reindex_clients(session, [row.client_id])
    return Changed(
        get_matter(vault, matter_id=matter_id),
        ChangeSet.of(MATTER, matter_id) if changed else ChangeSet(),
    )


def grant_record(row: Grant) -> GrantRecord:
    return GrantRecord(
        id=require_id(row.id),
        matter_id=row.matter_id,
        kind=row.kind,
        start=row.start,
        end=row.end,
        category=row.category,
        terminated_on=row.terminated_on,
        version=row.version,
    )


def create_grant_in_session(
    session: Session,
    *,
    matter_id: int,
    kind: str,
    start: date | str | None,
    end: date | str | None,
    category: str = "",
) -> Grant:
    get_or_fail(session, Matter, matter_id, "matter")
    kind_value = v.choice(kind, GRANT_KINDS, "grant kind")
    label = "deferred action" if kind_value == "deferred_action" else "work permit"
    start_date = v.parse_date(start, f"{label} start")
    end_date = v.parse_date(end, f"{label} end")
    v.check_order(start_date, end_date, f"{label} start", f"{label} end")
    if kind_value == "work_permit" and not category:
        category = "c14"
    row = Grant(
        matter_id=matter_id,
        kind=kind_value,
        start=start_date,
        end=end_date,
        category=category.strip(),
    )
    insert(session, row, GRANT)
    return row


def add_grant(
    vault: Store,
    *,
    matter_id: int,
    kind: str,
    start: date | str | None,
    end: date | str | None,
    category: str = "",
) -> Changed[GrantRecord]:
    """Record a grant of deferred action or a work permit with its dates."""
    with vault.session() as session:
        row = create_grant_in_session(
            session, matter_id=matter_id, kind=kind, start=start, end=end, category=category
        )
        record = grant_record(row)
    return Changed(record, ChangeSet.of(GRANT, record.id) | ChangeSet.of(MATTER, matter_id))


class GrantFields(TypedDict, total=False):
    """Editable grant fields (the matter a grant belongs to never changes)."""

    kind: str
    start: date | str | None
    end: date | str | None
    category: str
    terminated_on: date | str | None


def update_grant(
    vault: Store, *, grant_id: int, version: int | None = None, **fields: Unpack[GrantFields]
) -> Changed[GrantRecord]:
    """Correct a grant's kind, dates, category or termination date; deadlines follow."""
    with vault.session() as session:
        row = get_or_fail(session, Grant, grant_id, "grant")
        row_versions.check(session, row, GRANT, version)
        kind = v.choice(fields.get("kind", row.kind), GRANT_KINDS, "grant kind")
        label = "deferred action" if kind == "deferred_action" else "work permit"
        values: dict[str, object] = {"kind": kind}
        if "start" in fields:
            values["start"] = v.parse_date(fields["start"], f"{label} start")
        if "end" in fields:
            values["end"] = v.parse_date(fields["end"], f"{label} end")
        if "category" in fields:
            values["category"] = fields["category"].strip()
        if "terminated_on" in fields:
            values["terminated_on"] = v.parse_date(fields["terminated_on"], "terminated on")
        changed = row_versions.apply_changes(session, row, values, kind=GRANT, record_id=grant_id)
        v.check_order(row.start, row.end, f"{label} start", f"{label} end")
        matter_id = row.matter_id
        record = grant_record(row)
    changes = ChangeSet.of(GRANT, grant_id) | ChangeSet.of(MATTER, matter_id)
    return Changed(record, changes if changed else ChangeSet())


def terminate_grants(vault: Store, *, matter_id: int, on: date | str) -> ChangeSet:
    """Mark every live grant of a matter as terminated on a date (by USCIS or ICE)."""
    day = v.parse_date(on, "terminated on")
    with vault.session() as session:
        get_or_fail(session, Matter, matter_id, "matter")
        ids = _terminate(session, matter_id, day)
    return ChangeSet(
        kinds=frozenset({GRANT, MATTER}),
        ids=frozenset({(GRANT, i) for i in ids} | {(MATTER, matter_id)}),
    )


def _terminate(session: Session, matter_id: int, day: date | None) -> list[int]:
    """Terminate the matter's grants still running on `day`: one that had already ended (or
    was terminated before) keeps how it ended, so it is never listed as a termination."""
    ids = []
    for grant in session.exec(select(Grant).where(Grant.matter_id == matter_id)):
        ended = grant.end is not None and day is not None and grant.end < day
        if grant.terminated_on is None and not ended:
            grant.terminated_on = day
            session.add(grant)
            ids.append(require_id(grant.id))
            audit.record(session, action="terminate", record_kind=GRANT, record_id=grant.id)
    return ids


def list_grants(vault: Store, *, matter_id: int) -> list[GrantRecord]:
    with vault.reader() as session:
        query = (
            select(Grant)
            .where(Grant.matter_id == matter_id)
            .order_by(col(Grant.start), col(Grant.id))
        )
        return [grant_record(g) for g in session.exec(query)]


def event_record(row: MatterEvent) -> EventRecord:
    return EventRecord(
        id=require_id(row.id),
        matter_id=row.matter_id,
        kind=row.kind,
        occurred_on=row.occurred_on,
        due_on=row.due_on,
        mailed=row.mailed,
        details=row.details,
        file_id=row.file_id,
        version=row.version,
    )


def _check_event(kind: str, occurred: date | None, due: date | None) -> None:
    if kind == "biometrics" and due is None:
        raise ValidationError(
            "appointment date",
            _("a biometrics notice needs the appointment date."),
            label=_("appointment date"),
        )
    if kind == "rfe" and occurred is None:
        raise ValidationError(
            "notice date", _("an RFE needs the date on the notice."), label=_("notice date")
        )
    v.check_order(occurred, due, "notice date", "due date")


def add_event(
    vault: Store,
    *,
    matter_id: int,
    kind: str,
    occurred_on: date | str | None = None,
    due_on: date | str | None = None,
    mailed: bool = False,
    details: str = "",
    file_id: int | None = None,
    receipt_number: str | None = None,
    decision: str | None = None,
) -> Changed[EventRecord]:
    """Record a notice or appointment; it moves the matter along its pipeline.

    An RFE without a due date gets the regulatory one (84 days, 87 when mailed). A receipt can
    carry the receipt number; a decision its outcome; a termination ends the matter's grants.
    """
    kind_value = v.choice(kind, EVENT_KINDS, "event kind")
    occurred = v.parse_date(occurred_on, "notice date")
    due = v.parse_date(due_on, "due date")
    if kind_value == "rfe" and occurred is not None and due is None:
        due = occurred + timedelta(days=RFE_DAYS + (RFE_MAIL_DAYS if mailed else 0))
    _check_event(kind_value, occurred, due)
    with vault.session() as session:
        matter = get_or_fail(session, Matter, matter_id, "matter")
        if file_id is not None:
            get_or_fail(session, StoredFile, file_id, "stored file")
        row = MatterEvent(
            matter_id=matter_id,
            kind=kind_value,
            occurred_on=occurred,
            due_on=due,
            mailed=mailed,
            details=details.strip(),
            file_id=file_id,
            created_at=now(),
        )
        insert(session, row, EVENT, summary=kind_value)
        _apply_event(session, matter, row, receipt_number=receipt_number, decision=decision)
        record = event_record(row)
    changes = ChangeSet.of(EVENT, record.id) | ChangeSet.of(MATTER, matter_id)
    if kind_value == "termination":
        changes = changes | ChangeSet(kinds=frozenset({GRANT}))
    return Changed(record, changes)


def _apply_event(
    session: Session,
    matter: Matter,
    event: MatterEvent,
    *,
    receipt_number: str | None,
    decision: str | None,
) -> None:
    target = _EVENT_STATUS.get(event.kind)
    if target and MATTER_STATUSES.index(target) > MATTER_STATUSES.index(matter.status):
        matter.status = target
    if event.kind == "filed" and matter.filed_on is None:
        matter.filed_on = event.occurred_on
    if event.kind == "receipt" and receipt_number:
        matter.receipt_number = v.normalize_receipt_number(receipt_number)
        session.add(matter)
        session.flush()  # the index is rebuilt from the saved rows
        search.reindex_clients(session, [matter.client_id])
    if event.kind == "decision":
        matter.decision = v.choice(decision, DECISIONS, "decision") if decision else matter.decision
        matter.decided_on = event.occurred_on
    if event.kind == "termination":
        matter.decision = "terminated"
        _terminate(session, require_id(matter.id), event.occurred_on)
    matter.updated_at = now()
    session.add(matter)


# Notices are matter events; these names are what the CLI and the desktop call them.
add_notice = add_event


class EventFields(TypedDict, total=False):
    """Editable notice fields; the kind stays (record a new notice for another kind)."""

    occurred_on: date | str | None
    due_on: date | str | None
    mailed: bool
    details: str


def update_event(
    vault: Store, *, event_id: int, version: int | None = None, **fields: Unpack[EventFields]
) -> Changed[EventRecord]:
    """Correct a notice's dates, mail flag or details; deadlines that follow from it move too."""
    with vault.session() as session:
        row = get_or_fail(session, MatterEvent, event_id, "notice")
        row_versions.check(session, row, EVENT, version)
        values: dict[str, object] = {}
        if "occurred_on" in fields:
            values["occurred_on"] = v.parse_date(fields["occurred_on"], "notice date")
        if "due_on" in fields:
            values["due_on"] = v.parse_date(fields["due_on"], "due date")
        if "mailed" in fields:
            values["mailed"] = bool(fields["mailed"])
        if "details" in fields:
            values["details"] = fields["details"].strip()
        changed = row_versions.apply_changes(session, row, values, kind=EVENT, record_id=event_id)
        _check_event(row.kind, row.occurred_on, row.due_on)
        matter_id = row.matter_id
        record = event_record(row)
    changes = ChangeSet.of(EVENT, event_id) | ChangeSet.of(MATTER, matter_id)
    return Changed(record, changes if changed else ChangeSet())


update_notice = update_event


def list_events(vault: Store, *, matter_id: int) -> list[EventRecord]:
    with vault.reader() as session:
        query = select(MatterEvent).where(MatterEvent.matter_id == matter_id)
        rows = session.exec(query.order_by(col(MatterEvent.occurred_on), col(MatterEvent.id)))
        return [event_record(e) for e in rows]


def _matter_query() -> Select[Any]:
    """One row per matter with its client's name, employer, assignee and grant end dates."""
    m = Matter.__table__.c  # type: ignore[attr-defined]
    g = Grant.__table__.c  # type: ignore[attr-defined]

    def grant_value(aggregate: Any, column: Any, kind: str | None) -> Any:
        # Correlated per matter, so a filtered list reads only its own grants (by index).
        query = sa_select(aggregate(column)).where(g.matter_id == m.id)
        if kind is not None:
            query = query.where(g.kind == kind)
        return query.scalar_subquery()

    return (
        sa_select(
            m.id,
            m.client_id,
            col(Client.first_name),
            col(Client.last_name),
            m.program,
            m.kind,
            m.status,
            m.agency_letter_id,
            m.employer_id,
            col(Employer.name).label("employer"),
            m.worksite_id,
            m.assigned_staff_id,
            col(StaffMember.name).label("assigned_to"),
            m.filed_on,
            m.receipt_number,
            m.decision,
            m.decided_on,
            grant_value(func.max, g.end, "deferred_action").label("grant_end"),
            grant_value(func.max, g.end, "work_permit").label("work_permit_end"),
            grant_value(func.min, g.terminated_on, None).label("terminated_on"),
            m.version,
        )
        .join(Client, col(Client.id) == m.client_id)
        .outerjoin(Employer, col(Employer.id) == m.employer_id)
        .outerjoin(StaffMember, col(StaffMember.id) == m.assigned_staff_id)
        .order_by(m.id)
    )


def _record_from_row(row: Any) -> MatterRecord:
    return MatterRecord(
        id=row.id,
        client_id=row.client_id,
        client_name=full_name(row.first_name, row.last_name),
        program=row.program,
        kind=row.kind,
        status=row.status,
        agency_letter_id=row.agency_letter_id,
        employer_id=row.employer_id,
        employer=row.employer or "",
        worksite_id=row.worksite_id,
        assigned_staff_id=row.assigned_staff_id,
        assigned_to=row.assigned_to or "",
        filed_on=row.filed_on,
        receipt_number=row.receipt_number,
        decision=row.decision,
        decided_on=row.decided_on,
        grant_end=row.grant_end,
        work_permit_end=row.work_permit_end,
        terminated_on=row.terminated_on,
        version=row.version,
    )


def list_matters(
    vault: Store,
    *,
    client_id: int | None = None,
    letter_id: int | None = None,
    program: str | None = None,
    status: str | None = None,
    client_search: str = "",
    offset: int = 0,
    limit: int | None = None,
) -> list[MatterRecord]:
    """Matters in id order, filtered; `client_search` matches the client like the clients search."""
    with vault.reader() as session:
        query = _filtered(
            session,
            _matter_query(),
            client_id=client_id,
            letter_id=letter_id,
            program=program,
            status=status,
            client_search=client_search,
        )
        if query is None:
            return []
        query = query.offset(offset)
        if limit is not None:
            query = query.limit(limit)
        return [_record_from_row(row) for row in session.connection().execute(query)]


def count_matters(
    vault: Store, *, program: str | None = None, status: str | None = None, client_search: str = ""
) -> int:
    table = Matter.__table__  # type: ignore[attr-defined]
    with vault.reader() as session:
        query = _filtered(
            session,
            sa_select(func.count()).select_from(table),
            client_id=None,
            letter_id=None,
            program=program,
            status=status,
            client_search=client_search,
        )
        return 0 if query is None else int(session.connection().execute(query).scalar_one())


def count_by_status(vault: Store) -> dict[str, int]:
    """How many matters sit at each pipeline stage (every stage listed, in pipeline order)."""
    m = Matter.__table__.c  # type: ignore[attr-defined]
    with vault.reader() as session:
        rows = (
            session.connection().execute(sa_select(m.status, func.count()).group_by(m.status)).all()
        )
    found = {status: int(n) for status, n in rows}
    return {status: found.get(status, 0) for status in MATTER_STATUSES}


def _filtered(
    session: Session,
    query: Any,
    *,
    client_id: int | None,
    letter_id: int | None,
    program: str | None,
    status: str | None,
    client_search: str,
) -> Any:
    m = Matter.__table__.c  # type: ignore[attr-defined]
    if client_id is not None:
        query = query.where(m.client_id == client_id)
    if letter_id is not None:
        query = query.where(m.agency_letter_id == letter_id)
    if program is not None:
        query = query.where(m.program == program)
    if status is not None:
        query = query.where(m.status == status)
    if client_search.strip():
        ids = search.search_client_ids(session, client_search)
        if not ids:
            return None
        query = query.where(m.client_id.in_(ids))
    return query


def get_matter(vault: Store, *, matter_id: int) -> MatterRecord:
    m = Matter.__table__.c  # type: ignore[attr-defined]
    with vault.reader() as session:
        row = session.connection().execute(_matter_query().where(m.id == matter_id)).first()
        if row is None:
            raise restrictions.not_found(session, matter_id)  # or whom to ask, if restricted
        return _record_from_row(row)
