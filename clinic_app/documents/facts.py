"""Loading the facts documents need from the vault, for many matters in a handful of queries."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, col, select

from clinic_app.deadlines.sync import rulebook_from
from clinic_app.documents import packets
from clinic_app.documents.context import (
    ClientFacts,
    ClinicFacts,
    GrantFacts,
    GroupFacts,
    LetterFacts,
    MatterFacts,
    Place,
    WorkerFacts,
    agency_with_article,
    write_date,
)
from clinic_app.documents.models import ChecklistEntry, SignOff
from clinic_app.domain.models import (
    AgencyLetter,
    Client,
    Employer,
    Grant,
    LaborDispute,
    Matter,
    MatterEvent,
    Setting,
    StaffMember,
    Worksite,
)
from clinic_app.domain.vocab import DEFAULT_PROGRAM
from clinic_app.errors import NotFoundError, UserError
from clinic_app.i18n import _

M = TypeVar("M", bound=SQLModel)
CHUNK = 900  # stays under SQLite's limit on bound parameters
CLINIC_PREFIX = "clinic."
FILED_STAGES = ("filed", "receipt", "biometrics", "rfe")  # with USCIS, not decided yet


def _by_id(session: Session, model: type[M], ids: Iterable[int | None]) -> dict[int, M]:
    wanted = sorted({i for i in ids if i is not None})
    found: dict[int, M] = {}
    id_column = col(model.id)  # type: ignore[attr-defined]
    for start in range(0, len(wanted), CHUNK):
        for row in session.exec(select(model).where(id_column.in_(wanted[start : start + CHUNK]))):
            found[row.id] = row  # type: ignore[attr-defined]
    return found


def _where_in(session: Session, model: type[M], column: Any, ids: Sequence[int]) -> list[M]:
    rows: list[M] = []
    for start in range(0, len(ids), CHUNK):
        rows.extend(session.exec(select(model).where(column.in_(ids[start : start + CHUNK]))))
    return rows


def clinic_settings(session: Session) -> dict[str, Any]:
    """Every clinic.* setting, without the prefix."""
    rows = session.exec(select(Setting).where(col(Setting.key).startswith(CLINIC_PREFIX)))
    return {row.key[len(CLINIC_PREFIX) :]: json.loads(row.value) for row in rows}


def program_status(
    session: Session, program: str, today: date, state: str | None = None
) -> tuple[str | None, date | None]:
    """The program's policy status on `today` and since when (shipped history + clinic notes),
    for a client in `state` when it is known (some entries apply to some states only)."""
    entry = rulebook_from(session.connection())[0].policy_on(program, today, state)
    return (entry.status, entry.on) if entry is not None else (None, None)


def load_clinic(session: Session) -> ClinicFacts:
    values = clinic_settings(session)

    def text(key: str) -> str:
        value = values.get(key)
        return value if isinstance(value, str) else ""

    intake = tuple(
        sorted(
            (key.split(".", 1)[1], str(value))
            for key, value in values.items()
            if key.startswith("agency_intake.") and isinstance(value, str)
        )
    )
    return ClinicFacts(
        name=text("name"),
        address=text("address"),
        phone=text("phone"),
        email=text("email"),
        signer_name=text("signer_name"),
        signer_title=text("signer_title"),
        signer_bar_number=text("signer_bar_number"),
        uscis_address=text("uscis_address"),
        agency_intake=intake,
    )


def _place(row: Employer | Worksite | None) -> Place | None:
    if row is None:
        return None
    name = row.name
    return Place(name=name, address=row.address, city=row.city, state=row.state)


def _letters(session: Session, letter_ids: Iterable[int | None]) -> dict[int, LetterFacts]:
    rows = _by_id(session, AgencyLetter, letter_ids)
    employers = _by_id(session, Employer, (r.employer_id for r in rows.values()))
    sites = _by_id(session, Worksite, (r.worksite_id for r in rows.values()))
    disputes = _by_id(session, LaborDispute, (r.dispute_id for r in rows.values()))
    out: dict[int, LetterFacts] = {}
    for letter_id, row in rows.items():
        dispute = disputes.get(row.dispute_id) if row.dispute_id else None
        site = sites.get(row.worksite_id) if row.worksite_id else None
        employer = employers[row.employer_id]
        if dispute is not None and site is None and dispute.worksite_id is not None:
            site = _by_id(session, Worksite, [dispute.worksite_id]).get(dispute.worksite_id)
        out[letter_id] = LetterFacts(
            id=letter_id,
            agency=row.agency,
            date_issued=row.date_issued,
            period_start=row.period_start,
            period_end=row.period_end,
            reference=row.reference,
            employer=_place(employer) or Place(),
            worksite=_place(site),
            case_number=dispute.case_number if dispute else "",
            violation_kind=dispute.violation_kind if dispute else "",
            dispute_status=dispute.status if dispute else "",
        )
    return out


def _pick_grant(
    own: list[Grant], everyone: list[Grant], receipts: dict[int, str | None]
) -> GrantFacts | None:
    """The worker's latest grant: on a renewal or extension not yet decided, the one it
    continues; on a matter decided long ago, the grant a later request brought, not the one
    that matter's own decision gave (a letter must not say "your permission ended" to a worker
    whose renewal was granted since)."""
    pool = everyone or own
    if not pool:
        return None
    best = max(pool, key=lambda g: (g.end or date.min, g.start or date.min, g.id or 0))
    return GrantFacts(
        start=best.start,
        end=best.end,
        category=best.category,
        terminated_on=best.terminated_on,
        receipt_number=receipts.get(best.matter_id),
    )


def checklist_rows(
    session: Session, matters: Sequence[Matter]
) -> dict[int, tuple[list[tuple[packets.PacketItem, str]] | None, bool]]:
    """Per matter: its checklist (None when its program has no packet list) and sign-off."""
    ids = [m.id for m in matters if m.id is not None]
    stored: dict[int, dict[str, str]] = defaultdict(dict)
    for entry in _where_in(session, ChecklistEntry, col(ChecklistEntry.matter_id), ids):
        stored[entry.matter_id][entry.item] = entry.status
    signed = {
        s.matter_id
        for s in _where_in(session, SignOff, col(SignOff.matter_id), ids)
        if s.voided_at is None
    }
    out: dict[int, tuple[list[tuple[packets.PacketItem, str]] | None, bool]] = {}
    for matter in matters:
        assert matter.id is not None
        try:
            packet = packets.load_packet(matter.program)
        except UserError:
            out[matter.id] = (None, False)
            continue
        rows = packets.statuses_for(packet, matter.kind, stored.get(matter.id, {}))
        out[matter.id] = (rows, matter.id in signed)
    return out


def _specific_titles(matter: Matter, letters: dict[int, LetterFacts]) -> dict[str, str]:
    """Enclosure titles that name this matter's own documents (the agency and date of its
    Statement of Interest; the fee or the fee waiver chosen on the matter)."""
    titles: dict[str, str] = {}
    letter = letters.get(matter.agency_letter_id) if matter.agency_letter_id else None
    if letter is not None:
        dated = f", dated {write_date(letter.date_issued, 'en')}" if letter.date_issued else ""
        titles["agency-letter"] = (
            f"Statement of Interest of {agency_with_article(letter.agency, 'en')}{dated}"
        )
    if matter.fee == "fee":
        titles["fee"] = "Filing fee"
    elif matter.fee == "waiver":
        titles["fee"] = "Form I-912, Request for Fee Waiver, with supporting evidence"
    return titles


def _sooner(day: date, than: date, today: date) -> bool:
    """Whether `day` is the better appointment to write about than `than`: any day on or after
    `today` beats every day before it; among days ahead the nearest, among days past the latest."""
    if (day >= today) != (than >= today):
        return day >= today
    return day < than if day >= today else day > than


def load_matter_facts(
    session: Session, matter_ids: Sequence[int], *, today: date
) -> dict[int, MatterFacts]:
    """Facts for each matter, keyed by id; an unknown id is a NotFoundError."""
    matters = _by_id(session, Matter, matter_ids)
    for matter_id in matter_ids:
        if matter_id not in matters:
            raise NotFoundError(
                _("There is no matter with id {matter_id}.").format(matter_id=matter_id)
            )
    rows = list(matters.values())
    clients = _by_id(session, Client, (m.client_id for m in rows))
    letters = _letters(session, (m.agency_letter_id for m in rows))
    employers = _by_id(session, Employer, (m.employer_id for m in rows))
    sites = _by_id(session, Worksite, (m.worksite_id for m in rows))
    staff = _by_id(session, StaffMember, (m.assigned_staff_id for m in rows))
    checklists = checklist_rows(session, rows)

    # Every grant of these workers, with the receipt number of the request that produced it.
    client_ids = sorted(clients)
    all_matters = _where_in(session, Matter, col(Matter.client_id), client_ids)
    receipts = {m.id: m.receipt_number for m in all_matters if m.id is not None}
    filed: dict[int, tuple[int, str]] = {}
    for other in sorted(all_matters, key=lambda m: m.id or 0):
        if (
            other.id is not None
            and other.kind in ("renewal", "extension")
            and other.status in FILED_STAGES
            and other.decision is None
        ):
            filed[other.client_id] = (other.id, other.kind)
    owner = {m.id: m.client_id for m in all_matters}
    grants = _where_in(
        session, Grant, col(Grant.matter_id), sorted(i for i in owner if i is not None)
    )
    by_matter: dict[tuple[int, str], list[Grant]] = defaultdict(list)
    by_client: dict[tuple[int, str], list[Grant]] = defaultdict(list)
    for grant in grants:
        by_matter[(grant.matter_id, grant.kind)].append(grant)
        by_client[(owner[grant.matter_id], grant.kind)].append(grant)

    # The next biometrics appointment on or after the letter's date, else the last one before
    # it: a letter dated after the appointment says so instead of asking to call before it.
    appointments: dict[int, date] = {}
    for event in _where_in(session, MatterEvent, col(MatterEvent.matter_id), sorted(matters)):
        if event.kind == "biometrics" and event.due_on is not None:
            current = appointments.get(event.matter_id)
            if current is None or _sooner(event.due_on, current, today):
                appointments[event.matter_id] = event.due_on

    places = {(m.program, clients[m.client_id].state) for m in rows}
    policies = {key: program_status(session, key[0], today, key[1]) for key in places}
    out: dict[int, MatterFacts] = {}
    for matter_id in matter_ids:
        m = matters[matter_id]
        c = clients[m.client_id]
        person = staff.get(m.assigned_staff_id) if m.assigned_staff_id else None
        checklist, signed_off = checklists[matter_id]
        out[matter_id] = MatterFacts(
            id=matter_id,
            client=ClientFacts(
                id=m.client_id,
                first_name=c.first_name,
                last_name=c.last_name,
                a_number=c.a_number,
                date_of_birth=c.date_of_birth,
                country_of_birth=c.country_of_birth,
                languages=tuple(code for code in c.preferred_languages.split(",") if code),
                mailing_address=c.address,
                safe_contact_note=bool(c.safe_contact.strip()),
                contact_rules=tuple(rule for rule in c.contact_rules.split(",") if rule),
                mail_to=c.mail_to,
            ),
            fee=m.fee,
            program=m.program,
            kind=m.kind,
            receipt_number=m.receipt_number,
            filed_on=m.filed_on,
            letter=letters.get(m.agency_letter_id) if m.agency_letter_id else None,
            employer=_place(employers.get(m.employer_id)) if m.employer_id else None,
            worksite=_place(sites.get(m.worksite_id)) if m.worksite_id else None,
            deferred_action=_pick_grant(
                by_matter[(matter_id, "deferred_action")],
                by_client[(m.client_id, "deferred_action")],
                receipts,
            ),
            work_permit=_pick_grant(
                by_matter[(matter_id, "work_permit")],
                by_client[(m.client_id, "work_permit")],
                receipts,
            ),
            appointment_on=appointments.get(matter_id),
            preparer_name=person.name if person else "",
            preparer_email=person.email if person else "",
            enclosures=(
                packets.enclosures(checklist, _specific_titles(m, letters))
                if checklist is not None
                else ()
            ),
            checklist=(
                packets.summary(checklist, signed_off=signed_off)
                if checklist is not None
                else "no packet list for this program"
            ),
            status=m.status,
            decision=m.decision,
            decided_on=m.decided_on,
            filed_request=filed.get(m.client_id),
            program_status=policies[(m.program, c.state)][0],
            program_status_since=policies[(m.program, c.state)][1],
        )
    return out


def load_group_facts(
    session: Session, letter_id: int, *, today: date, all_workers: bool = False
) -> GroupFacts:
    """The letter and its workers: those with an open matter under it (all with `all_workers`)."""
    letter = _letters(session, [letter_id]).get(letter_id)
    if letter is None:
        raise NotFoundError(
            _("There is no agency letter with id {letter_id}.").format(letter_id=letter_id)
        )
    rows = session.exec(
        select(Matter, Client.first_name, Client.last_name)
        .join(Client, col(Client.id) == Matter.client_id)
        .where(Matter.agency_letter_id == letter_id)
        .order_by(col(Matter.id))
    ).all()
    open_clients = {
        m.client_id for m, _first, _last in rows if m.status != "closed" and m.decision is None
    }
    seen: set[int] = set()
    workers: list[WorkerFacts] = []
    for m, first, last in rows:
        matter_id, client_id = m.id, m.client_id
        # A worker with an initial request and a renewal under the same letter is one worker.
        if client_id in seen or not (all_workers or client_id in open_clients):
            continue
        seen.add(client_id)
        workers.append(WorkerFacts(matter_id=matter_id or 0, first_name=first, last_name=last))
    left_out = len({m.client_id for m, _first, _last in rows} - seen)
    status, since = program_status(session, DEFAULT_PROGRAM, today)
    return GroupFacts(
        letter=letter,
        workers=tuple(workers),
        program_status=status,
        program_status_since=since,
        left_out=left_out,
    )
