"""A realistic, deterministic demo vault: workers from several communities at eight worksites."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_
from sqlmodel import Session, col, func, select

from clinic_app import search
from clinic_app.deadlines import sync as deadline_sync
from clinic_app.domain.models import (
    AgencyLetter,
    AuditEvent,
    Client,
    Employer,
    Grant,
    LaborDispute,
    Matter,
    MatterEvent,
    Note,
    StaffMember,
    Worksite,
    sort_name,
)
from clinic_app.domain.vocab import MATTER_STATUSES
from clinic_app.i18n import N_, _, current_language
from clinic_app.services import demo_worker
from clinic_app.services._base import now, require_id
from clinic_app.services.changes import CLIENT, EMPLOYER, GRANT, LETTER, MATTER, ChangeSet
from clinic_app.services.import_write import insert_rows, table_of
from clinic_app.store.base import Store
from clinic_app.vault import audit, bulk

_CLIENTS, _MATTERS, _GRANTS, _EVENTS, _NOTES = (
    table_of(m) for m in (Client, Matter, Grant, MatterEvent, Note)
)

# (first names, last names, countries, languages) per community; every name is invented.
COMMUNITIES: list[tuple[list[str], list[str], list[str], list[str]]] = [
    (
        [
            "José",
            "María",
            "Juan Carlos",
            "Guadalupe",
            "Jesús",
            "Rosa",
            "Luis",
            "Ana Lucía",
            "Héctor",
            "Yesenia",
            "Óscar",
            "Dolores",
            "Marisol",
            "Efraín",
            "Noemí",
            "Iván",
        ],
        [
            "García",
            "Hernández López",
            "Martínez",
            "González",
            "Pérez",
            "Rodríguez Sánchez",
            "Ramírez",
            "Cruz",
            "Flores",
            "Gómez",
            "Morales",
            "Vásquez",
            "Jiménez",
            "Reyes",
            "Núñez",
            "Domínguez",
            "Peña",
            "Ordóñez",
        ],
        ["Mexico", "El Salvador", "Honduras"],
        ["es"],
    ),
    (
        ["Juana", "Pedro", "Catarina", "Diego", "Tomás", "Magdalena", "Rigoberto", "Candelaria"],
        [
            "Xoj",
            "Tzul",
            "Cux",
            "Ixcoy",
            "Chanchavac",
            "Batz",
            "Coc",
            "Tum",
            "Sic",
            "Ajpop",
            "Quiej López",
        ],
        ["Guatemala"],
        ["mam,es", "quc,es", "es"],
    ),
    (
        ["Thảo", "Minh", "Lan", "Tuấn", "Hương", "Dũng", "Hồ Thị", "Văn An"],
        ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Đặng"],
        ["Vietnam"],
        ["vi"],
    ),
    (
        ["Jean-Baptiste", "Marie-Claude", "Wisline", "Jocelyn", "Fritznel", "Nadège"],
        ["Joseph", "Pierre", "Louis", "Charles", "Désir", "Étienne", "Saint-Fleur"],
        ["Haiti"],
        ["ht"],
    ),
    (
        ["João", "Luíza", "Thiago", "Conceição", "Raimundo", "Gabriela"],
        ["Silva", "dos Santos", "Oliveira", "Souza", "Araújo", "Conceição"],
        ["Brazil"],
        ["pt"],
    ),
    (
        ["Wei", "Xiuying", "Jun", "Mei", "Hao"],
        ["Wang", "Li", "Zhang", "Liu", "Chen", "Zhou"],
        ["China"],
        ["zh"],
    ),
    (
        ["Maricel", "Rodel", "Arnel", "Jhoanna"],
        ["Dela Cruz", "Bautista", "Villanueva", "Santos"],
        ["Philippines"],
        ["tl"],
    ),
    (
        ["Ahmed", "Fatima", "Omar", "Layla", "Youssef"],
        ["Haddad", "Al-Masri", "Nasser", "Saleh"],
        ["Yemen", "Egypt"],
        ["ar"],
    ),
]
ONE_WORD_NAMES = ["Suharti", "Wiranto", "Kalpana"]

EMPLOYERS = [
    (
        "Riverbend Meat Packers Inc.",
        "1400 Industrial Pkwy",
        "Marshalltown",
        "IA",
        "DOL-WHD",
        N_("unpaid overtime"),
    ),
    (
        "Evergreen Landscaping Services",
        "88 Garden Row",
        "Houston",
        "TX",
        "OSHA",
        N_("heat and safety hazards"),
    ),
    (
        "Pacific Garment Works",
        "2100 S Main St",
        "Los Angeles",
        "CA",
        "DOL-WHD",
        N_("piece-rate wage theft"),
    ),
    (
        "Harborview Hotel & Suites",
        "500 Bayfront Dr",
        "Miami",
        "FL",
        "EEOC",
        N_("harassment and retaliation"),
    ),
    (
        "Golden Harvest Farms",
        "Rural Route 9",
        "Salinas",
        "CA",
        "DOL-WHD",
        N_("H-2A wage violations"),
    ),
    (
        "Metro Build Construction LLC",
        "47-10 Vernon Blvd",
        "Queens",
        "NY",
        "NY State DOL",
        N_("unpaid wages"),
    ),
    (
        "Lakeside Dairy Cooperative",
        "3200 Lakeshore Rd",
        "Twin Falls",
        "ID",
        "OSHA",
        N_("unsafe machinery"),
    ),
    (
        "Sunrise Nail & Spa",
        "612 Atlantic Ave",
        "Brooklyn",
        "NY",
        "NYC DCWP",
        N_("unpaid wages and tips"),
    ),
]
# The demo clinic's staff, by role. Their names are drawn like the workers' (from the lists
# above, by the demo's seed): a letter says "call <a person> at …" in every language, where a
# job title used as a name read "llame a Renewals representative".
STAFF_ROLES = ["attorney", "accredited_representative", "paralegal", "organizer"]
SAFE_CONTACT_TEXTS = [N_("Text only; do not mail to home address."), N_("Call after 6pm.")]
RECEIPT_PREFIXES = ["IOE", "IOE", "IOE", "EAC", "WAC", "NBC"]
NOTE_TEXTS = [
    N_("Prefers calls after 6pm; do not leave voicemail."),
    N_("Brought three pay stubs."),
    N_("Needs interpreter for appointments."),
    N_("Changed phone number; confirm by text."),
]


@dataclass(frozen=True)
class DemoReport:
    clients: int
    matters: int
    employers: int
    letters: int
    changes: ChangeSet


def _a_number(rng: random.Random) -> str | None:
    return None if rng.random() < 0.25 else "A" + str(rng.randint(10_000_000, 999_999_999)).zfill(9)


def _stage(rng: random.Random) -> str:
    # Most of a real caseload is decided; the rest is spread over the pipeline.
    roll = rng.random()
    if roll < 0.55:
        return "decision"
    if roll < 0.62:
        return "closed"
    return rng.choice([s for s in MATTER_STATUSES if s not in ("decision", "closed")])


def fill_demo(
    vault: Store,
    *,
    clients: int = 200,
    seed: int = 1,
    today: date | None = None,
    chunk: int = 2000,
    workers: int | None = None,
) -> DemoReport:
    """Add `clients` invented workers with their matters; the same seed gives the same vault.
    `workers=2` invents the rows in a second process while this one writes them (None: when
    the fill is big enough to pay for starting one, on a computer with two cores or more)."""
    if clients < 1:
        raise ValueError("clients must be at least 1")
    today = today or date.today()
    rng = random.Random(seed)
    with vault.session() as session, bulk.bulk_work(session.connection()):
        employers, letters = _employers_and_letters(session, rng, today)
        staff_ids, staff_taken = _staff(session, seed)
        made_matters = 0
        used_a: set[str] = set(
            a
            for a in session.exec(select(Client.a_number).where(col(Client.a_number).is_not(None)))
            if a
        )
        next_receipt = int(session.exec(select(func.count()).select_from(Matter)).one()) + 1
        conn = session.connection()
        names = {require_id(employer.id): employer.name for employer, _site in employers}
        plan = demo_worker.Plan(
            clients=clients,
            chunk=chunk,
            rng_state=rng.getstate(),
            used_a=used_a,
            next_receipt=next_receipt,
            today=today,
            employers=[(require_id(e.id), require_id(w.id)) for e, w in employers],
            letters={eid: [require_id(x.id) for x in found] for eid, found in letters.items()},
            staff_ids=staff_ids,
            staff_names=staff_taken,
            lang=current_language(),
        )
        fresh: list[search.NewClient] = []
        # Rows as column values written with executemany: no ORM object per row. A big fill
        # has them invented by a second process while this one writes the chunk before.
        for client_rows, rows in demo_worker.chunks(plan, workers=workers):
            client_ids = insert_rows(conn, _CLIENTS, client_rows)
            for owned in (rows.matters, rows.notes):  # a chunk's client index, now its id
                for row in owned:
                    row["client_id"] = client_ids[row["client_id"]]
            matter_ids = insert_rows(conn, _MATTERS, rows.matters)
            for children in (rows.grants, rows.events):
                for child in children:
                    child["matter_id"] = matter_ids[child["matter_id"]]
            insert_rows(conn, _GRANTS, rows.grants)
            insert_rows(conn, _EVENTS, rows.events)
            insert_rows(conn, _NOTES, rows.notes)
            deadline_sync.note_matters(session, matter_ids)
            made_matters += len(matter_ids)
            fresh += _indexed(client_rows, client_ids, rows.matters, names)
        # The index rebuilt whole, the new clients from the values written.
        search.reindex_with(conn, fresh)
        audit.record(
            session,
            action="demo_fill",
            record_kind="vault",
            summary=f"{clients} clients, seed {seed}",
        )
    changes = ChangeSet(kinds=frozenset({CLIENT, MATTER, GRANT, EMPLOYER, LETTER}))
    return DemoReport(
        clients=clients,
        matters=made_matters,
        employers=len(employers),
        letters=len(letters),
        changes=changes,
    )


@dataclass(frozen=True)
class DemoHoldings:
    """What a vault holds now: said when the demo is asked for again."""

    clients: int
    matters: int
    employers: int
    letters: int


def holdings(vault: Store) -> DemoHoldings:
    """How many workers, matters, employers and agency letters the vault holds."""
    with vault.reader() as session:

        def count(table: type[Any]) -> int:
            return int(session.exec(select(func.count()).select_from(table)).one())

        return DemoHoldings(
            clients=count(Client),
            matters=count(Matter),
            employers=count(Employer),
            letters=count(AgencyLetter),
        )


def is_demo_vault(vault: Store) -> bool:
    """Whether every client in the vault is an invented one: the demo filled it, and no client
    was imported, added or edited by a person since (their data could be real)."""
    with vault.reader() as session:
        filled = session.exec(
            select(AuditEvent.id).where(AuditEvent.action == "demo_fill").limit(1)
        ).first()
        if filled is None:
            return False
        by_hand = session.exec(
            select(AuditEvent.id)
            .where(
                or_(
                    col(AuditEvent.action) == "import",
                    and_(col(AuditEvent.record_kind) == CLIENT, col(AuditEvent.action).in_(_TYPED)),
                )
            )
            .limit(1)
        ).first()
        return by_hand is None


# Audit actions through which a person's typed data reaches a client record.
_TYPED = ("create", "update")


def staff_names(seed: int) -> list[str]:
    """One invented full name per role in STAFF_ROLES, the same for the same seed; drawn apart
    from the workers' sequence, so the workers stay the same whatever the staff are called."""
    rng = random.Random(f"demo staff {seed}")
    names: list[str] = []
    while len(names) < len(STAFF_ROLES):
        first_names, last_names, _countries, _languages = rng.choice(COMMUNITIES)
        name = f"{rng.choice(first_names)} {rng.choice(last_names)}"
        if name not in names:
            names.append(name)
    return names


def _staff(session: Session, seed: int) -> tuple[list[int], frozenset[str]]:
    """The staff's ids (the demo's own, made on the first fill) and their names, casefolded."""
    existing = list(session.exec(select(StaffMember)))
    if not existing:
        existing = [
            StaffMember(name=name, role=role)
            for name, role in zip(staff_names(seed), STAFF_ROLES, strict=True)
        ]
        session.add_all(existing)
        session.flush()
    return [require_id(s.id) for s in existing], frozenset(s.name.casefold() for s in existing)


def _employers_and_letters(
    session: Session, rng: random.Random, today: date
) -> tuple[list[tuple[Employer, Worksite]], dict[int, list[AgencyLetter]]]:
    found = list(session.exec(select(Employer)))
    if found:
        pairs = []
        for employer in found:
            site = session.exec(select(Worksite).where(Worksite.employer_id == employer.id)).first()
            if site is None:
                site = Worksite(
                    employer_id=require_id(employer.id), city=employer.city, state=employer.state
                )
                session.add(site)
                session.flush()
            pairs.append((employer, site))
    else:
        pairs = []
        for name, address, city, state, _agency, _kind in EMPLOYERS:
            employer = Employer(name=name, address=address, city=city, state=state)
            session.add(employer)
            session.flush()
            site = Worksite(
                employer_id=require_id(employer.id),
                name=_("Main site"),
                address=address,
                city=city,
                state=state,
            )
            session.add(site)
            pairs.append((employer, site))
        session.flush()
    letters: dict[int, list[AgencyLetter]] = {}
    for index, (employer, site) in enumerate(pairs):
        eid = require_id(employer.id)
        existing = list(session.exec(select(AgencyLetter).where(AgencyLetter.employer_id == eid)))
        if existing:
            letters[eid] = existing
            continue
        _n, _a, _c, _s, agency, violation = EMPLOYERS[index % len(EMPLOYERS)]
        prefix = re.sub("[^A-Za-z]", "", agency)[:3].upper()  # "NY State DOL": NYS, not "NY "
        dispute = LaborDispute(
            employer_id=eid,
            worksite_id=site.id,
            agency=agency,
            case_number=f"{prefix}-{2022 + index % 3}-{1000 + index * 37}",
            violation_kind=_(violation),
            opened_on=today - timedelta(days=1300 - index * 40),
            status="investigating",
        )
        session.add(dispute)
        session.flush()
        issued = today - timedelta(days=1250 - index * 45)
        letter = AgencyLetter(
            agency=agency,
            date_issued=issued,
            employer_id=eid,
            worksite_id=site.id,
            dispute_id=dispute.id,
            period_start=issued - timedelta(days=900),
            period_end=issued + timedelta(days=rng.randint(200, 700)),
            reference=f"SOI {issued.year}-{index + 1:02d}",
        )
        session.add(letter)
        session.flush()
        letters[eid] = [letter]
    return pairs, letters


# Towns near the demo worksites, with a ZIP code each: a client letter's address block is one a
# post office would take.
HOME_TOWNS = [
    ("Marshalltown", "IA", "50158"),
    ("Houston", "TX", "77011"),
    ("Los Angeles", "CA", "90015"),
    ("Miami", "FL", "33132"),
    ("Salinas", "CA", "93901"),
    ("Queens", "NY", "11101"),
    ("Twin Falls", "ID", "83301"),
    ("Brooklyn", "NY", "11217"),
]


def _home_address(number: int, street: str) -> str:
    # The town follows from the number, so the demo's random sequence (and data) stay as they were.
    town, state, zip_code = HOME_TOWNS[number % len(HOME_TOWNS)]
    return f"{number} {street} St\n{town}, {state} {zip_code}"


def _client(
    rng: random.Random, used_a: set[str], staff: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """An invented worker, never with the name of a member of `staff` (casefolded names): no
    list or calendar then shows a worker and a staff member of one name."""
    first_names, last_names, countries, languages = rng.choices(
        COMMUNITIES, weights=[40, 14, 10, 10, 8, 6, 6, 6]
    )[0]
    a_number = _a_number(rng)
    while a_number in used_a:
        a_number = _a_number(rng)
    if a_number:
        used_a.add(a_number)
    first, drawn = rng.choice(first_names), last_names.index(rng.choice(last_names))
    # The next surname of the list that no staff member has, without drawing again: the
    # workers that follow stay those of the seed.
    for step in range(len(last_names)):
        last = last_names[(drawn + step) % len(last_names)]
        if f"{first} {last}".casefold() not in staff:
            break
    if rng.random() < 0.01:
        first, last = rng.choice(ONE_WORD_NAMES), ""
    stamp = now()
    born = date(rng.randint(1962, 2004), rng.randint(1, 12), rng.randint(1, 28))
    return {
        "first_name": first,
        "last_name": last,
        "sort_name": sort_name(first, last),
        "date_of_birth": born,
        "a_number": a_number,
        "other_names": rng.choice(
            ["", "", "", f"{first} {last.split()[0] if last else ''}".strip()]
        ),
        "country_of_birth": rng.choice(countries),
        "preferred_languages": rng.choice(languages),
        "phone": f"555-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
        "email": rng.choice(["", "", f"worker{rng.randint(1, 99999)}@example.net"]),
        "address": _home_address(
            rng.randint(10, 9999), rng.choice(["Oak", "Elm", "Main", "Pine", "River"])
        ),
        "safe_contact": _translated(rng.choice(["", "", *SAFE_CONTACT_TEXTS])),
        "created_at": stamp,
        "updated_at": stamp,
    }


def _indexed(
    clients: list[dict[str, Any]],
    ids: list[int],
    matters: list[dict[str, Any]],
    employer_names: dict[int, str],
) -> list[search.NewClient]:
    """What the search index and the conflict keys need of one chunk's new clients."""
    receipts: dict[int, list[str]] = {}
    employers: dict[int, list[str]] = {}
    for matter in matters:  # in the order they were written, which is their ids' order
        client_id = matter["client_id"]
        if matter["receipt_number"]:
            receipts.setdefault(client_id, []).append(matter["receipt_number"])
        employers.setdefault(client_id, []).append(employer_names[matter["employer_id"]])
    return [
        search.NewClient(
            client_id,
            values["first_name"],
            values["last_name"],
            values["other_names"],
            values["a_number"] or None,
            " ".join(receipts.get(client_id, ())),
            " ".join(employers.get(client_id, ())),
            values["date_of_birth"],
            values["phone"],
        )
        for values, client_id in zip(clients, ids, strict=True)
    ]


def _translated(text: str) -> str:
    """Demo text in the language the demo is built in ('' stays '': gettext maps it to the
    catalog's header)."""
    return _(text) if text else ""


@dataclass
class _Rows:
    """One chunk's rows as column values; a grant's or event's matter_id is first the index of
    its matter in `matters`, replaced by the id once the matters are written."""

    matters: list[dict[str, Any]] = field(default_factory=list)
    grants: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)

    def event(
        self, matter: int, kind: str, occurred_on: date, stamp: datetime, **more: Any
    ) -> None:
        # executemany needs the same columns in every row
        values = {"due_on": None, "mailed": False, "details": ""} | more
        self.events.append(
            {"matter_id": matter, "kind": kind, "occurred_on": occurred_on, "created_at": stamp}
            | values
        )


def _matters(
    rows: _Rows,
    rng: random.Random,
    today: date,
    client_id: int,
    employers: list[tuple[int, int]],
    letters: dict[int, list[int]],
    staff_ids: list[int],
    next_receipt: int,
) -> int:
    employer_id, site_id = rng.choice(employers)
    letter_id = rng.choice(letters[employer_id])
    stage = _stage(rng)
    stamp = now()

    def new_matter(kind: str, status: str, filed: date | None, receipt: bool) -> int:
        nonlocal next_receipt
        number = None
        if receipt:
            number = f"{rng.choice(RECEIPT_PREFIXES)}{next_receipt:010d}"
            next_receipt += 1
        rows.matters.append(
            {
                "client_id": client_id,
                "kind": kind,
                "status": status,
                "agency_letter_id": letter_id,
                "employer_id": employer_id,
                "worksite_id": site_id,
                "assigned_staff_id": rng.choice(staff_ids),
                "filed_on": filed,
                "receipt_number": number,
                "decision": None,
                "decided_on": None,
                "created_at": stamp,
                "updated_at": stamp,
            }
        )
        return len(rows.matters) - 1

    if stage in ("decision", "closed"):
        years = rng.choice([2, 2, 4])
        end = today + timedelta(days=rng.randint(-365, 4 * 365))
        start = end - timedelta(days=365 * years) + timedelta(days=1)
        if start > today:  # a grant ending that far ahead is a four-year one, decided by now
            start = min(end - timedelta(days=365 * 4) + timedelta(days=1), today)
        filed = start - timedelta(days=rng.randint(45, 150))
        index = new_matter(
            rng.choice(["initial", "initial", "initial", "extension"]), stage, filed, True
        )
        matter = rows.matters[index]
        matter["decision"], matter["decided_on"] = "granted", start
        terminated = today - timedelta(days=rng.randint(5, 200)) if stage == "closed" else None
        if terminated and terminated >= end:  # a grant is terminated while it still runs
            terminated = end - timedelta(days=30)
        if terminated and terminated < start:
            terminated = None
        if stage == "closed" and terminated is None:
            matter["decision"] = rng.choice(["denied", "withdrawn"])
        for kind in ("deferred_action", "work_permit"):
            if matter["decision"] in ("granted", "terminated") or terminated:
                rows.grants.append(
                    {
                        "matter_id": index,
                        "kind": kind,
                        "start": start,
                        "end": end,
                        "category": "c14" if kind == "work_permit" else "",
                        "terminated_on": terminated,
                    }
                )
        if terminated:
            matter["decision"] = "terminated"
            rows.event(index, "termination", terminated, stamp)
        # A grant ending within the renewal window usually has a renewal under way.
        if (
            matter["decision"] == "granted"
            and today < end < today + timedelta(days=200)
            and rng.random() < 0.6
        ):
            new_matter(
                "renewal",
                rng.choice(["gathering_evidence", "drafting", "attorney_review", "filed"]),
                today - timedelta(days=rng.randint(1, 20)) if rng.random() < 0.3 else None,
                False,
            )
    else:
        pending_filed: date | None = (
            today - timedelta(days=rng.randint(10, 160))
            if MATTER_STATUSES.index(stage) >= 4
            else None
        )
        index = new_matter(
            rng.choice(["initial", "renewal", "extension"]),
            stage,
            pending_filed,
            MATTER_STATUSES.index(stage) >= 5,
        )
        if stage == "biometrics":
            rows.event(
                index,
                "biometrics",
                today - timedelta(days=10),
                stamp,
                due_on=today + timedelta(days=rng.randint(1, 30)),
            )
        if stage == "rfe":
            notice = today - timedelta(days=rng.randint(5, 70))
            mailed = rng.random() < 0.5
            rows.event(
                index,
                "rfe",
                notice,
                stamp,
                mailed=mailed,
                due_on=notice + timedelta(days=87 if mailed else 84),
                details=_("Proof of employment during the letter period"),
            )
    if rng.random() < 0.15:
        rows.notes.append(
            {
                "client_id": client_id,
                "author": "demo",
                "body": _(rng.choice(NOTE_TEXTS)),
                "created_at": stamp,
            }
        )
    return next_receipt
