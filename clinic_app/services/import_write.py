"""Writing a validated spreadsheet: rows inserted with executemany, in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Table, select
from sqlmodel import Session

from clinic_app import search
from clinic_app.deadlines import sync as deadline_sync
from clinic_app.deadlines.facts import chunks
from clinic_app.domain.models import AgencyLetter, Client, Employer, Grant, Matter, Note, Worksite
from clinic_app.domain.text import fold
from clinic_app.domain.vocab import DEFAULT_PROGRAM
from clinic_app.i18n import N_, _
from clinic_app.services import clients as client_service
from clinic_app.services import employers as employer_service
from clinic_app.services import letters as letter_service
from clinic_app.services import staff as staff_service
from clinic_app.services._base import now, require_id
from clinic_app.services.changes import CLIENT, EMPLOYER, GRANT, LETTER, MATTER, NOTE, WORKSITE
from clinic_app.vault import audit, bulk

if TYPE_CHECKING:
    from clinic_app.services.importing import ImportReport, ParsedRow


def table_of(model: Any) -> Table:
    """A SQLModel class's table, for Core statements."""
    return model.__table__  # type: ignore[no-any-return]


CLIENTS, MATTERS, GRANTS, NOTES = (table_of(m) for m in (Client, Matter, Grant, Note))


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert rows with one executemany (no ORM object per row); their new ids, in order.

    Every row must have the same keys; columns left out get their defaults.
    """
    return bulk.insert_many(conn, table, rows, ids=True)


@dataclass
class _Ref:
    """A client or matter of this import: known, or new and numbered once its chunk is written."""

    id: int | None = None


class Writer:
    """Finds or creates the shared records (employers, worksites, letters, staff) one at a time,
    as they are few, and writes clients, matters, grants and notes chunk by chunk in a few
    statements per table, with one audit event per created record written in one pass."""

    def __init__(self, session: Session, report: ImportReport) -> None:
        self.session = session
        self.report = report
        conn = session.connection()
        # Plain columns, not ORM objects: a big vault has a hundred thousand clients.
        e, w, lt = table_of(Employer), table_of(Worksite), table_of(AgencyLetter)
        self.employers = {fold(n): int(i) for i, n in conn.execute(select(e.c.id, e.c.name))}
        self.worksites = {
            (int(eid), fold(city), fold(state)): int(i)
            for i, eid, city, state in conn.execute(
                select(w.c.id, w.c.employer_id, w.c.city, w.c.state)
            )
        }
        self.letters = {
            (fold(agency), int(eid), issued): int(i)
            for i, agency, eid, issued in conn.execute(
                select(lt.c.id, lt.c.agency, lt.c.employer_id, lt.c.date_issued)
            )
        }
        c = CLIENTS.c
        self.by_a_number: dict[str, _Ref] = {}
        self.by_name_dob: dict[tuple[str, str, Any], _Ref] = {}
        people = select(c.id, c.first_name, c.last_name, c.date_of_birth, c.a_number)
        for i, first, last, born, a_number in conn.execute(people):
            ref = _Ref(int(i))
            if a_number:
                self.by_a_number[a_number] = ref
            if born:
                self.by_name_dob[(fold(first), fold(last), born)] = ref
        m = MATTERS.c
        names = {i: n for n, i in self.employers.items()}
        self.receipts: dict[str, _Ref] = {}
        self.unreceipted: set[tuple[int, str, Any, str]] = set()
        matters = select(m.id, m.receipt_number, m.client_id, m.kind, m.filed_on, m.employer_id)
        for i, receipt, client_id, kind, filed, employer_id in conn.execute(matters):
            if receipt is not None:
                self.receipts[receipt] = _Ref(int(i))
            else:
                self.unreceipted.add((client_id, kind, filed, names.get(employer_id, "")))
        n = NOTES.c
        self.notes = {(cid, body) for cid, body in conn.execute(select(n.client_id, n.body))}
        self.touched_clients: set[int] = set()
        self.today = date.today()
        # Clients this import creates, with their matters' receipts and employers: indexed
        # from these values at the end, not read back.
        self.created: dict[int, tuple[dict[str, Any], list[str], list[int]]] = {}
        self.new_matters: list[int] = []
        self.counts = dict.fromkeys((CLIENT, EMPLOYER, WORKSITE, LETTER, MATTER, GRANT, NOTE), 0)

    def employer(self, name: str) -> int:
        key = fold(name)
        if key not in self.employers:
            row = employer_service.create_employer_in_session(self.session, name=name)
            self.employers[key] = require_id(row.id)
            self.counts[EMPLOYER] += 1
        return self.employers[key]

    def worksite(self, employer_id: int, city: str, state: str) -> int | None:
        if not city and not state:
            return None
        key = (employer_id, fold(city), fold(employer_service.normalize_state(state)))
        if key not in self.worksites:
            row = employer_service.create_worksite_in_session(
                self.session, employer_id=employer_id, city=city, state=state
            )
            self.worksites[key] = require_id(row.id)
            self.counts[WORKSITE] += 1
        return self.worksites[key]

    def letter(self, row: ParsedRow, employer_id: int, worksite_id: int | None) -> int | None:
        if not row.agency:
            return None
        key = (fold(row.agency), employer_id, row.letter_date)
        if key not in self.letters:
            letter = letter_service.create_letter_in_session(
                self.session,
                agency=row.agency,
                employer_id=employer_id,
                date_issued=row.letter_date,
                period_start=row.letter_start,
                period_end=row.letter_end,
                worksite_id=worksite_id,
            )
            self.letters[key] = require_id(letter.id)
            self.counts[LETTER] += 1
        return self.letters[key]

    def assignee(self, row: ParsedRow) -> int | None:
        """The row's staff member; a name not on the staff list is added, with a warning."""
        if not row.assignee:
            return None
        member, added = staff_service.find_or_add_in_session(self.session, row.assignee)
        if added:
            self.report.warnings.append(
                f"row {row.row}: '{member.name}' was not on the staff list; added as a "
                "paralegal (change the role if they sign off packets)"
            )
        return require_id(member.id)

    def client(self, row: ParsedRow, new: list[tuple[_Ref, dict[str, Any]]]) -> _Ref:
        """The matching client already known (in the vault or earlier in the file), or a new one
        added to `new`, to be written with its chunk."""
        c = row.client
        existing = self.by_a_number.get(c["a_number"]) if c["a_number"] else None
        how = N_("A-number")
        if existing is None and c["date_of_birth"]:
            key = (fold(c["first_name"]), fold(c["last_name"]), c["date_of_birth"])
            existing = self.by_name_dob.get(key)
            how = N_("name and date of birth")
        if existing is not None:
            if existing.id is not None:
                self.report.matches.append(
                    _(
                        "row {row}: matches client {id} (same {how}); no new client was created"
                    ).format(row=row.row, id=existing.id, how=_(how))
                )
            return existing
        # The parser validated and normalized these fields as the client editor does.
        values = client_service.client_values(c, cleaned=True)  # type: ignore[arg-type]
        ref = _Ref()
        new.append((ref, values))
        self.counts[CLIENT] += 1
        if values.get("a_number"):
            self.by_a_number[str(values["a_number"])] = ref
        if values.get("date_of_birth"):
            key = (fold(c["first_name"]), fold(c["last_name"]), values["date_of_birth"])
            self.by_name_dob[key] = ref
        return ref

    def write_chunk(self, rows: list[ParsedRow]) -> None:
        """Write rows in a few executemany statements: clients, then matters, grants, notes."""
        conn = self.session.connection()
        new_clients: list[tuple[_Ref, dict[str, Any]]] = []
        chosen = [self.client(row, new_clients) for row in rows]
        ids = insert_rows(conn, CLIENTS, [values for _ref, values in new_clients])
        for (ref, values), new_id in zip(new_clients, ids, strict=True):
            ref.id = new_id
            self.created[new_id] = (values, [], [])
        notes: list[dict[str, Any]] = []
        matters: list[tuple[_Ref, dict[str, Any], ParsedRow]] = []
        for row, client in zip(rows, chosen, strict=True):
            found = self.matter(row, require_id(client.id), notes)
            if found is not None:
                matters.append((found[0], found[1], row))
        matter_ids = insert_rows(conn, MATTERS, [values for _ref, values, _row in matters])
        grants: list[dict[str, Any]] = []
        for (ref, values, row), matter_id in zip(matters, matter_ids, strict=True):
            ref.id = matter_id
            created = self.created.get(values["client_id"])
            if created is not None:
                if values["receipt_number"]:
                    created[1].append(values["receipt_number"])
                created[2].append(values["employer_id"])
            for kind, (start, end) in (("deferred_action", row.da), ("work_permit", row.wp)):
                if start or end:
                    category = "c14" if kind == "work_permit" else ""
                    grants.append(
                        {
                            "matter_id": matter_id,
                            "kind": kind,
                            "start": start,
                            "end": end,
                            "category": category,
                        }
                    )
        grant_ids = insert_rows(conn, GRANTS, grants)
        note_ids = insert_rows(conn, NOTES, notes)
        self.counts[GRANT] += len(grant_ids)
        self.counts[NOTE] += len(note_ids)
        self.new_matters.extend(matter_ids)
        audit.record_many(
            self.session,
            [("create", CLIENT, i) for i in ids]
            + [("create", MATTER, i) for i in matter_ids]
            + [("create", GRANT, i) for i in grant_ids]
            + [("create", NOTE, i) for i in note_ids],
        )

    def index(self) -> None:
        """The search index and conflict keys of the clients this import touched: those it
        created from the values written, the others (new matters of known clients) read back."""
        conn = self.session.connection()
        e = table_of(Employer).c
        employer_ids = {i for _v, _r, ids in self.created.values() for i in ids}
        names = {
            int(i): str(n)
            for part in chunks(employer_ids)
            for i, n in conn.execute(select(e.id, e.name).where(e.id.in_(part)))
        }
        search.index_new_clients(
            conn,
            [
                search.NewClient(
                    client_id,
                    str(values["first_name"]),
                    str(values["last_name"]),
                    str(values.get("other_names") or ""),
                    str(values["a_number"]) if values.get("a_number") else None,
                    " ".join(receipts),
                    " ".join(names[i] for i in employers),
                    values.get("date_of_birth"),
                    str(values.get("phone") or ""),
                )
                for client_id, (values, receipts, employers) in self.created.items()
            ],
        )
        search.reindex_clients(self.session, self.touched_clients - self.created.keys())

    def finish(self) -> None:
        """The new matters' deadlines are computed at commit, in one pass with the rest."""
        deadline_sync.note_matters(self.session, self.new_matters)

    def matter(
        self, row: ParsedRow, client_id: int, notes: list[dict[str, Any]]
    ) -> tuple[_Ref, dict[str, Any]] | None:
        """A new matter's values for the row, or None when the vault already has it."""
        self.touched_clients.add(client_id)
        if row.notes and (client_id, row.notes) not in self.notes:
            actor = self.session.info.get("actor", "")
            notes.append(
                {"client_id": client_id, "author": actor, "body": row.notes, "created_at": now()}
            )
            self.notes.add((client_id, row.notes))
        if row.receipt and row.receipt in self.receipts:
            found = self.receipts[row.receipt]
            where = (
                _(" (matter {id})").format(id=found.id)
                if found.id is not None
                else _(" (an earlier row)")
            )
            self.report.matches.append(
                _(
                    "row {row}: matter with receipt {receipt} already exists{where}; not added again"
                ).format(row=row.row, receipt=row.receipt, where=where)
            )
            return None
        same = (client_id, row.kind, row.filed, fold(row.employer))
        if not row.receipt and same in self.unreceipted:
            self.report.matches.append(
                _(
                    "row {row}: client {client_id} already has this {kind} matter; not added again"
                ).format(row=row.row, client_id=client_id, kind=row.kind)
            )
            return None
        employer_id = self.employer(row.employer)
        worksite_id = self.worksite(employer_id, row.city, row.state)
        letter_id = self.letter(row, employer_id, worksite_id)
        assignee = self.assignee(row)
        granted = bool(row.da[1] or row.wp[1])
        status = (
            "decision"
            if granted
            else "receipt"
            if row.receipt
            else "filed"
            if row.filed
            else "intake"
        )
        stamp = now()
        values = {
            "client_id": client_id,
            "program": DEFAULT_PROGRAM,
            "kind": row.kind,
            "status": status,
            "agency_letter_id": letter_id,
            "employer_id": employer_id,
            "worksite_id": worksite_id,
            "assigned_staff_id": assignee,
            "filed_on": row.filed,
            "receipt_number": row.receipt,
            "decision": "granted" if granted else None,
            # The sheet has no decision date: the grant's start, unless that is still to come
            # (a renewal granted early), when the decision was made by today at the latest.
            "decided_on": min(row.da[0], self.today) if granted and row.da[0] else None,
            "created_at": stamp,
            "updated_at": stamp,
        }
        self.counts[MATTER] += 1
        ref = _Ref()
        if row.receipt:
            self.receipts[row.receipt] = ref
        else:
            self.unreceipted.add(same)
        return ref, values
