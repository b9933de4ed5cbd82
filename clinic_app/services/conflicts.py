"""Conflict checks at intake: find matches, record the decision, list what awaits an attorney."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from clinic_app.conflicts import bulk, index
from clinic_app.conflicts import check as engine
from clinic_app.conflicts.check import ConflictMatch
from clinic_app.conflicts.models import ConflictCheck, Party
from clinic_app.conflicts.score import Person
from clinic_app.domain import validators as v
from clinic_app.domain.models import Client, Employer, LaborDispute
from clinic_app.domain.text import fold
from clinic_app.errors import UserError, ValidationError
from clinic_app.i18n import _
from clinic_app.services._base import get_or_fail, insert, now, require_id
from clinic_app.services.changes import Changed, ChangeSet
from clinic_app.store.base import Store
from clinic_app.vault import audit
from clinic_app.vault.bulk import gc_paused

CONFLICT = "conflict_check"
PARTY = "party"
# no_match: the check ran at intake and found nobody (kept so the file shows it was done).
DECISIONS = ("same_person", "different_person", "refer_attorney", "no_match")
REVIEW_OUTCOMES = ("cleared", "conflict")
PARTY_ROLES = ("owner", "manager", "supervisor", "adverse", "related")
SUBJECTS = ("client", "employer", "matter", "party", "import")
PROGRESS_EVERY = 50  # rows checked between progress reports (and chances to cancel)


@dataclass(frozen=True)
class PersonQuery:
    """What intake typed about a person, as the check reads it."""

    first_name: str = ""
    last_name: str = ""
    date_of_birth: date | None = None
    a_number: str | None = None
    phone: str = ""
    other_names: tuple[str, ...] = ()

    def person(self) -> Person:
        return Person(
            self.first_name,
            self.last_name,
            self.other_names,
            self.date_of_birth,
            self.a_number,
            self.phone,
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "first_name": self.first_name,
            "last_name": self.last_name,
            "date_of_birth": self.date_of_birth.isoformat() if self.date_of_birth else None,
            "a_number": self.a_number,
            "phone": self.phone,
            "other_names": list(self.other_names),
        }


def person_query(
    *,
    first_name: str = "",
    last_name: str = "",
    date_of_birth: date | str | None = None,
    a_number: str | None = None,
    phone: str = "",
    other_names: tuple[str, ...] | list[str] = (),
    lenient: bool = False,
) -> PersonQuery:
    """A query from typed text; with `lenient`, a half-typed date or A-number is left out
    (checking as the person types), otherwise it is an error naming the field."""

    def clean(parse: Any, value: Any, label: str) -> Any:
        try:
            return parse(value, label)
        except ValidationError:
            if lenient:
                return None
            raise

    if not lenient and not (first_name.strip() or last_name.strip()):
        raise ValidationError("name", _("give a first or a last name to check."), label=_("name"))
    return PersonQuery(
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        date_of_birth=clean(v.parse_date, date_of_birth or None, "date of birth"),
        a_number=clean(v.normalize_a_number, a_number or None, "A-number"),
        phone=phone.strip(),
        other_names=tuple(n.strip() for n in other_names if n.strip()),
    )


def check_person(
    vault: Store,
    query: PersonQuery,
    *,
    employer: str = "",
    as_party: bool = False,
    exclude_client: int | None = None,
) -> list[ConflictMatch]:
    """Clients, adverse parties and employers that may be this person, best first."""
    if not (query.first_name or query.last_name or query.a_number):
        return []
    skip = [(index.CLIENT, exclude_client)] if exclude_client is not None else []
    with vault.reader() as session:
        return engine.check_person(
            session.connection(), query.person(), as_party=as_party, employer=employer, exclude=skip
        )


def check_employer(
    vault: Store, *, name: str, exclude_employer: int | None = None
) -> list[ConflictMatch]:
    """Clients whose name matches this employer's (a conflict), and the same employer on file."""
    if not name.strip():
        return []
    skip = [(index.EMPLOYER, exclude_employer)] if exclude_employer is not None else []
    with vault.reader() as session:
        return engine.check_employer(session.connection(), name, exclude=skip)


def check_party(vault: Store, *, name: str, phone: str = "") -> list[ConflictMatch]:
    """Clients who may be a person recorded on the employer's side (an adverse-party conflict)."""
    if not name.strip():
        return []
    with vault.reader() as session:
        found = engine.check_person(
            session.connection(), engine.party_person(name, phone), as_party=True
        )
    return [m for m in found if m.record_kind == index.CLIENT]


def import_duplicates(
    session: Session,
    rows: list[tuple[int, dict[str, Any]]],
    progress: Callable[[int, int], None] | None = None,
) -> list[str]:
    """Possible duplicates among a spreadsheet's new workers: one line per row and candidate.

    Clients the importer matches exactly (same A-number, or same name and date of birth) are
    left out: the import report lists those already. `progress(rows checked, rows)` is called
    as the check goes (in a big vault it is most of an import's time).
    """
    people = [
        Person(
            first_name=str(fields.get("first_name") or ""),
            last_name=str(fields.get("last_name") or ""),
            date_of_birth=fields.get("date_of_birth"),
            a_number=fields.get("a_number"),
            phone=str(fields.get("phone") or ""),
        )
        for _number, fields in rows
    ]
    # Nothing is written while the rows are checked: the rows are checked together, each key's
    # holders and each candidate read once, each name scored once against another. The check
    # keeps tens of thousands of records and key holders, which the cyclic collector would
    # scan again and again for nothing.
    memo = index.Memo()
    lines = []
    with gc_paused():
        found = bulk.check_people(session.connection(), people, memo)
        for done, ((number, _fields), person) in enumerate(zip(rows, people, strict=True)):
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done, len(people))
            for match in next(found):
                on_file = memo.records.get((index.CLIENT, match.record_id))
                if match.kind == engine.SAME_PERSON and _exact(on_file, person):
                    continue
                lines.append(_duplicate_line(number, match))
    if progress is not None:
        progress(len(people), len(people))
    return lines


def _duplicate_line(row: int, match: ConflictMatch) -> str:
    kind = {
        engine.SAME_PERSON: _("may be client {id}"),
        engine.ADVERSE_PARTY: _("may be adverse party {id}"),
        engine.EMPLOYER: _("is named like employer {id}"),
    }[match.kind].format(id=match.record_id)
    return _("row {row}: {kind} (score {score}: {reasons})").format(
        row=row, kind=kind, score=match.score, reasons="; ".join(match.reasons)
    )


def _exact(on_file: object, person: Person) -> bool:
    """Whether the client on file (as the check read it; None: one the person importing may
    not see) is the one the importer matches: same A-number, or same name and date of birth."""
    if not isinstance(on_file, Person):
        return False
    if person.a_number and on_file.a_number == person.a_number:
        return True
    same_name = fold(on_file.first_name) == fold(person.first_name) and fold(
        on_file.last_name
    ) == fold(person.last_name)
    return (
        same_name
        and person.date_of_birth is not None
        and on_file.date_of_birth == person.date_of_birth
    )


def check_matter(vault: Store, *, client_id: int, employer_id: int | None) -> list[ConflictMatch]:
    """Before a matter is opened against an employer: the employer, its owners, managers and
    supervisors matched against every client, and the client against every party on file."""
    with vault.reader() as session:
        conn = session.connection()
        client = get_or_fail(session, Client, client_id, "client")
        person = Person(
            client.first_name,
            client.last_name,
            tuple(client.other_names.splitlines()),
            client.date_of_birth,
            client.a_number,
            client.phone,
        )
        matches = [
            m
            for m in engine.check_person(conn, person, exclude=[(index.CLIENT, client_id)])
            if m.kind == engine.ADVERSE_PARTY
        ]
        if employer_id is not None:
            employer = get_or_fail(session, Employer, employer_id, "employer")
            matches += engine.check_employer(conn, employer.name, only_clients=True)
            parties = session.exec(select(Party).where(Party.employer_id == employer_id)).all()
            for party in parties:
                matches += engine.check_person(
                    conn, engine.party_person(party.name, party.phone), as_party=True
                )
    best: dict[tuple[str, int], ConflictMatch] = {}
    for match in matches:
        key = (match.record_kind, match.record_id)
        if key not in best or match.score > best[key].score:
            best[key] = match
    return sorted(best.values(), key=lambda m: (-m.score, m.record_kind, m.record_id))


def record_decision(
    vault: Store,
    *,
    subject_kind: str,
    decision: str,
    matches: list[ConflictMatch],
    query: dict[str, Any],
    subject_id: int | None = None,
) -> Changed[int]:
    """Keep what was checked, the candidates shown and the decision; the audit log gets ids,
    scores and the decision only (never a name)."""
    if decision not in DECISIONS:
        raise ValidationError(
            "decision",
            _("choose one of {choices}.").format(choices=", ".join(DECISIONS)),
            label=_("decision"),
        )
    if subject_kind not in SUBJECTS:
        raise ValidationError(
            "subject",
            _("choose one of {choices}.").format(choices=", ".join(SUBJECTS)),
            label=_("subject"),
        )
    with vault.session() as session:
        row = ConflictCheck(
            checked_at=now(),
            checked_by=session.info.get("actor", ""),
            subject_kind=subject_kind,
            subject_id=subject_id,
            query=json.dumps(query, ensure_ascii=False),
            candidates=json.dumps(
                [
                    {
                        "record_kind": m.record_kind,
                        "record_id": m.record_id,
                        "score": m.score,
                        "kind": m.kind,
                        "reasons": list(m.reasons),
                    }
                    for m in matches
                ],
                ensure_ascii=False,
            ),
            decision=decision,
        )
        session.add(row)
        session.flush()
        shown = ", ".join(f"{m.record_kind} {m.record_id} ({m.score})" for m in matches)
        target = f"; {subject_kind} {subject_id}" if subject_id is not None else ""
        audit.record(
            session,
            action="conflict_decision",
            record_kind=CONFLICT,
            record_id=row.id,
            summary=f"decision: {decision}{target}; candidates shown: {shown or 'none'}",
        )
        check_id = require_id(row.id)
    return Changed(check_id, ChangeSet.of(CONFLICT, check_id))


def check_added_client(vault: Store, *, client_id: int) -> tuple[list[ConflictMatch], int]:
    """The check for a client added where nobody can be asked (a script): with matches it goes
    to an attorney, without it is kept as done. Returns the matches and the check's id."""
    with vault.reader() as session:
        row = get_or_fail(session, Client, client_id, "client")
        query = PersonQuery(
            row.first_name,
            row.last_name,
            row.date_of_birth,
            row.a_number,
            row.phone,
            tuple(row.other_names.splitlines()),
        )
    matches = check_person(vault, query, exclude_client=client_id)
    check_id = record_decision(
        vault,
        subject_kind="client",
        decision="refer_attorney" if matches else "no_match",
        matches=matches,
        query=query.as_json(),
        subject_id=client_id,
    ).record
    return matches, check_id


@dataclass(frozen=True)
class ReviewItem:
    """A check sent to an attorney."""

    id: int
    checked_at: datetime
    checked_by: str
    subject_kind: str
    subject_id: int | None
    query: dict[str, Any]
    candidates: list[dict[str, Any]]
    review: str
    reviewed_by: str
    review_note: str

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "checked_at": self.checked_at.isoformat(),
            "checked_by": self.checked_by,
            "subject_kind": self.subject_kind,
            "subject_id": self.subject_id,
            "query": self.query,
            "candidates": self.candidates,
            "review": self.review,
            "reviewed_by": self.reviewed_by,
            "review_note": self.review_note,
        }


def _review_item(row: ConflictCheck) -> ReviewItem:
    return ReviewItem(
        id=require_id(row.id),
        checked_at=row.checked_at,
        checked_by=row.checked_by,
        subject_kind=row.subject_kind,
        subject_id=row.subject_id,
        query=json.loads(row.query or "{}"),
        candidates=json.loads(row.candidates or "[]"),
        review=row.review,
        reviewed_by=row.reviewed_by,
        review_note=row.review_note,
    )


def pending_reviews(vault: Store) -> list[ReviewItem]:
    """Checks sent to an attorney and not yet decided, oldest first."""
    with vault.reader() as session:
        rows = session.exec(
            select(ConflictCheck)
            .where(ConflictCheck.decision == "refer_attorney", ConflictCheck.review == "")
            .order_by(col(ConflictCheck.id))
        ).all()
        return [_review_item(r) for r in rows]


def review(vault: Store, *, check_id: int, outcome: str, note: str = "") -> Changed[ReviewItem]:
    """An attorney's decision on a referred check: cleared, or a conflict."""
    if outcome not in REVIEW_OUTCOMES:
        raise ValidationError("outcome", _("use cleared or conflict."), label=_("outcome"))
    with vault.session() as session:
        row = get_or_fail(session, ConflictCheck, check_id, "conflict check")
        if row.decision != "refer_attorney" or row.review:
            raise UserError(
                _("Conflict check {check_id} is not waiting for an attorney.").format(
                    check_id=check_id
                )
            )
        row.review = outcome
        row.reviewed_by = session.info.get("actor", "")
        row.reviewed_at = now()
        row.review_note = note.strip()
        session.add(row)
        session.flush()
        audit.record(
            session,
            action="conflict_review",
            record_kind=CONFLICT,
            record_id=check_id,
            summary=f"review: {outcome}",
        )
        item = _review_item(row)
    return Changed(item, ChangeSet.of(CONFLICT, check_id))


# -- parties on the employer's side --------------------------------------------------------


@dataclass(frozen=True)
class PartyRecord:
    id: int
    name: str
    role: str
    employer_id: int | None
    dispute_id: int | None
    phone: str
    notes: str


def _party_record(row: Party) -> PartyRecord:
    return PartyRecord(
        require_id(row.id),
        row.name,
        row.role,
        row.employer_id,
        row.dispute_id,
        row.phone,
        row.notes,
    )


def add_party(
    vault: Store,
    *,
    name: str,
    role: str = "adverse",
    employer_id: int | None = None,
    dispute_id: int | None = None,
    phone: str = "",
    notes: str = "",
) -> Changed[PartyRecord]:
    """Record an owner, manager, supervisor or other adverse party of an employer or dispute."""
    if role not in PARTY_ROLES:
        raise ValidationError(
            "role",
            _("choose one of {choices}.").format(choices=", ".join(PARTY_ROLES)),
            label=_("role"),
        )
    with vault.session() as session:
        if dispute_id is not None:
            dispute = get_or_fail(session, LaborDispute, dispute_id, "dispute")
            if employer_id is None:
                employer_id = dispute.employer_id
        if employer_id is None:
            raise ValidationError(
                "employer",
                _("name the employer or the dispute the party is on."),
                label=_("employer"),
            )
        get_or_fail(session, Employer, employer_id, "employer")
        row = Party(
            name=v.require_text(name, "party name"),
            role=role,
            employer_id=employer_id,
            dispute_id=dispute_id,
            phone=phone.strip(),
            notes=notes.strip(),
            created_at=now(),
        )
        insert(session, row, PARTY, summary=f"role: {role}")
        index.refresh(session.connection(), index.PARTY, [require_id(row.id)])
        record = _party_record(row)
    return Changed(record, ChangeSet.of(PARTY, record.id))


def list_parties(vault: Store, *, employer_id: int | None = None) -> list[PartyRecord]:
    with vault.reader() as session:
        query = select(Party).order_by(col(Party.id))
        if employer_id is not None:
            query = query.where(Party.employer_id == employer_id)
        return [_party_record(r) for r in session.exec(query)]


def describe(match: ConflictMatch) -> str:
    """One line for a person: who, how sure, why."""
    kind = {
        engine.SAME_PERSON: _("may be the same"),
        engine.ADVERSE_PARTY: _("adverse party"),
        engine.EMPLOYER: _("employer"),
    }[match.kind]
    return f"{match.name} — {kind}, {match.score}: " + "; ".join(match.reasons)
