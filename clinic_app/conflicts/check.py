"""One conflict check: prefilter through the database keys, then score the candidates."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, text

from clinic_app.conflicts import index
from clinic_app.conflicts import names as nm
from clinic_app.conflicts.score import (
    THRESHOLD,
    Known,
    Person,
    Ratios,
    Scored,
    all_parts,
    score_businesses,
    score_name_against_business,
    score_person,
    swapped,
)
from clinic_app.i18n import N_, _
from clinic_app.store.conflicts_pg import HiddenClient

# What a match means for the clinic.
SAME_PERSON = "same_person"  # the same client (or employer) is already on file
ADVERSE_PARTY = "adverse_party"  # the person is on the employer's side in a recorded matter
EMPLOYER = "employer"  # a person's name matches an employer's (or the reverse)
MAX_MATCHES = 20
PRELOAD_CHUNK = 2000


@dataclass(frozen=True)
class ConflictMatch:
    record_kind: str  # client | employer | party
    record_id: int
    name: str
    score: int
    reasons: tuple[str, ...]
    kind: str  # same_person | adverse_party | employer
    # A client the person checking may not see (on the clinic server): `name` and `reasons` say
    # only that it exists and whom to ask, and the score comes from what was typed.
    hidden: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "record_kind": self.record_kind,
            "record_id": self.record_id,
            "name": self.name,
            "score": self.score,
            "reasons": list(self.reasons),
            "kind": self.kind,
            "hidden": self.hidden,
        }


@dataclass
class Found:
    clients: dict[int, Person] = field(default_factory=dict)
    employers: dict[int, str] = field(default_factory=dict)
    parties: dict[int, tuple[Person, str]] = field(default_factory=dict)  # person, description
    hidden: dict[int, HiddenClient] = field(default_factory=dict)  # clients one may not see
    stand_ins: dict[int, Person] = field(default_factory=dict)  # those, as the check sees them

    def parts(self) -> list[str]:
        out: list[str] = []
        for person in [*self.clients.values(), *self.stand_ins.values()]:
            out += all_parts(person)
        for name in self.employers.values():
            out += nm.business_tokens(name)
        for person, _d in self.parties.values():
            out += all_parts(person)
        return out


def _by_ids(conn: Connection, sql: str, ids: Sequence[int], column: str = "id") -> list[Any]:
    if not ids:
        return []
    # Ids written out (they are ints): an expanding parameter costs SQLAlchemy more per id than
    # SQLite spends reading the record, and an import reads tens of thousands.
    listed = ",".join(str(int(i)) for i in ids)
    return list(conn.execute(text(f"{sql} WHERE {column} IN ({listed})")).all())


_ROLE_WORDS = {
    "owner": N_("owner"),
    "manager": N_("manager"),
    "supervisor": N_("supervisor"),
    "adverse": N_("adverse party"),
    "related": N_("related party"),
}


def role_label(role: str) -> str:
    return _(_ROLE_WORDS.get(role, role))


def _read(conn: Connection, kind: str, ids: Sequence[int]) -> dict[int, object]:
    """Records of one kind by id, as the check compares them (a client the person checking
    may not see is left out)."""
    out: dict[int, object] = {}
    if kind == index.CLIENT:
        for row in _by_ids(
            conn,
            "SELECT id, first_name, last_name, other_names, date_of_birth, a_number, phone "
            "FROM client",
            ids,
        ):
            cid, first, last, other, born, a_number, phone = row
            # Most clients have no other name: an import reads tens of thousands of them.
            aliases = tuple(a for a in other.splitlines() if a.strip()) if other else ()
            out[int(cid)] = Person(
                first or "",
                last or "",
                aliases,
                date.fromisoformat(str(born)) if born else None,
                a_number,
                phone or "",
            )
    elif kind == index.EMPLOYER:
        for eid, name in _by_ids(conn, "SELECT id, name FROM employer", ids):
            out[int(eid)] = str(name)
    else:
        for pid, name, phone, role, employer in _by_ids(
            conn,
            "SELECT p.id, p.name, p.phone, p.role, e.name FROM party AS p "
            "LEFT JOIN employer AS e ON e.id = p.employer_id",
            ids,
            "p.id",
        ):
            description = role_label(str(role)) + (f", {employer}" if employer else "")
            out[int(pid)] = (party_person(str(name), str(phone or "")), description)
    return out


def preload(conn: Connection, found: Iterable[tuple[str, int]], memo: index.Memo) -> None:
    """Read the records of many checks into `memo` in a few big reads, in id order (each
    encrypted page is then read once), instead of a small read for each check."""
    known = memo.records
    wanted = {record for record in found if record not in known}
    for kind in index.KINDS:
        ids = sorted(i for k, i in wanted if k == kind)
        for start in range(0, len(ids), PRELOAD_CHUNK):
            chunk = ids[start : start + PRELOAD_CHUNK]
            read = _read(conn, kind, chunk)
            memo.records.update({(kind, i): read.get(i) for i in chunk})


def load(
    conn: Connection,
    found: Sequence[tuple[str, int]],
    keys: set[str],
    memo: index.Memo | None = None,
) -> Found:
    """The candidates of one check, read (or taken from `memo`) and sorted by kind, with the
    clients the person checking may not see as what they share with the typed `keys`."""
    records = memo.records if memo is not None else {}
    missing = [f for f in found if f not in records]
    for kind in index.KINDS if missing else ():
        ids = [i for k, i in missing if k == kind]
        read = _read(conn, kind, ids)
        records.update({(kind, i): read.get(i) for i in ids})
    out = Found()
    unseen = []
    for kind, i in found:
        record: Any = records[(kind, i)]
        if kind == index.CLIENT:
            if record is None:
                unseen.append(i)
            else:
                out.clients[i] = record
        elif kind == index.EMPLOYER and record is not None:
            out.employers[i] = record
        elif kind == index.PARTY and record is not None:
            out.parties[i] = record
    out.hidden = index.hidden_clients(conn, keys, unseen)
    return out


# A birth date or A-number on file that the check may not know: one nobody types, so it counts
# as a different one, as the stored one would.
_OTHER_DAY = date.min
_OTHER_A_NUMBER = "A-hidden"


def _shared_words(text: str, matched: frozenset[str]) -> str:
    return " ".join(t for t in nm.name_tokens(text) if nm.index_keys([t]) & matched)


def stand_in(query: Person, hidden: HiddenClient) -> Person:
    """A hidden client as the check may see it: the typed words, date, A-number and phone it
    shares keys with, and a stand-in for a birth date or A-number on file that differs."""
    born: date | None = None
    if query.date_of_birth is not None:
        other = swapped(query.date_of_birth)
        if "b:" + query.date_of_birth.isoformat() in hidden.matched:
            born = query.date_of_birth
        elif other is not None and "b:" + other.isoformat() in hidden.matched:
            born = other
        elif hidden.has_birth_date:
            born = _OTHER_DAY
    a_number: str | None = None
    if query.a_number:
        if "a:" + query.a_number in hidden.matched:
            a_number = query.a_number
        elif hidden.has_a_number:
            a_number = _OTHER_A_NUMBER
    phone = query.phone if "t:" + query.phone_key() in hidden.matched else ""
    aliases = (_shared_words(a, hidden.matched) for a in query.other_names)
    return Person(
        first_name=_shared_words(query.first_name, hidden.matched),
        last_name=_shared_words(query.last_name, hidden.matched),
        other_names=tuple(a for a in aliases if a),
        date_of_birth=born,
        a_number=a_number,
        phone=phone,
    )


def _hidden_match(cid: int, hidden: HiddenClient, score: int, kind: str) -> ConflictMatch:
    if hidden.ask:
        ask = _("a client you may not see: ask {names} about client {id}").format(
            names=hidden.ask, id=cid
        )
    else:
        ask = _("a client you may not see: ask an attorney about client {id}").format(id=cid)
    name = _("Client {id} (not visible to you)").format(id=cid)
    return ConflictMatch(index.CLIENT, cid, name, score, (ask,), kind, hidden=True)


def party_person(name: str, phone: str = "") -> Person:
    """A party's one-line name read as given names then a surname ("Roberto Sánchez Díaz")."""
    words = name.split()
    if len(words) < 2:
        return Person(first_name=name, phone=phone)
    # Two words or more: the first is the given name; Hispanic names carry two surnames, so a
    # four-word name is read as two given names and two surnames.
    split = 2 if len(words) >= 4 else 1
    return Person(
        first_name=" ".join(words[:split]), last_name=" ".join(words[split:]), phone=phone
    )


def keep(matches: list[ConflictMatch]) -> list[ConflictMatch]:
    shown = [m for m in matches if m.score >= THRESHOLD]
    shown.sort(key=lambda m: (-m.score, m.record_kind, m.record_id))
    return shown[:MAX_MATCHES]


def check_person(
    conn: Connection,
    person: Person,
    *,
    as_party: bool = False,
    employer: str = "",
    exclude: Iterable[tuple[str, int]] = (),
    memo: index.Memo | None = None,
) -> list[ConflictMatch]:
    """Clients, parties and employers that may be `person`, best first.

    `as_party`: the person is being recorded on the employer's side, so a matching client is
    an adverse-party conflict. `employer`: the employer the person's matter is against.
    `memo`: shared by checks that run against the same unchanged records.
    """
    skip = set(exclude)
    keys = person_keys(person)
    kinds = [index.CLIENT] if as_party else list(index.KINDS)
    found_ids = [f for f in index.candidates(conn, keys, kinds, memo=memo) if f not in skip]
    found = load(conn, found_ids, keys, memo)
    found.stand_ins = {cid: stand_in(person, h) for cid, h in found.hidden.items()}
    ratios = Ratios.between(all_parts(person), found.parts())
    matches = scored_matches(person, found, ratios, as_party=as_party)
    if employer.strip():
        matches += check_employer(conn, employer, exclude=skip, only_clients=True)
    return keep(matches)


def person_keys(person: Person) -> set[str]:
    """The keys a check of `person` looks up."""
    names = [person.first_name, person.last_name, *person.other_names]
    return index.query_keys(names, person.date_of_birth, person.a_number, person.phone)


def scored_matches(
    person: Person, found: Found, ratios: Ratios, *, as_party: bool = False
) -> list[ConflictMatch]:
    """The candidates scored against `person`: those that may be shown (see `keep`)."""
    matches: list[ConflictMatch] = []
    kind = ADVERSE_PARTY if as_party else SAME_PERSON
    known = Known.of(person)
    # A name is put together only for a match that is shown: most candidates are not.
    for cid, other in found.clients.items():
        if not known.may_show(other):
            continue  # a different birth date or A-number: no name would make it a match
        scored = score_person(person, other, ratios, known)
        if scored.score >= THRESHOLD:
            matches.append(_match(index.CLIENT, cid, other.full_name, scored, kind, as_party))
    for cid, other in found.stand_ins.items():
        scored = score_person(person, other, ratios)
        matches.append(_hidden_match(cid, found.hidden[cid], scored.score, kind))
    for pid, (other, description) in found.parties.items():
        if not known.may_show(other):
            continue
        scored = score_person(person, other, ratios, known)
        if scored.score >= THRESHOLD:
            name = f"{other.full_name} ({description})"
            matches.append(_match(index.PARTY, pid, name, scored, ADVERSE_PARTY, True))
    for eid, business in found.employers.items():
        scored = score_name_against_business(person, business, ratios)
        matches.append(_match(index.EMPLOYER, eid, business, scored, EMPLOYER, True))
    return matches


def _match(
    record_kind: str, record_id: int, name: str, scored: Scored, kind: str, adverse: bool
) -> ConflictMatch:
    reasons = scored.reasons
    if adverse and kind == ADVERSE_PARTY:
        reasons = (_("recorded on the employer's side"), *reasons)
    elif kind == EMPLOYER:
        reasons = (_("an employer's name"), *reasons)
    return ConflictMatch(record_kind, record_id, name, scored.score, reasons, kind)


def check_employer(
    conn: Connection,
    name: str,
    *,
    exclude: Iterable[tuple[str, int]] = (),
    only_clients: bool = False,
) -> list[ConflictMatch]:
    """Clients whose name matches an employer's (a conflict), and the same employer on file."""
    skip = set(exclude)
    parts = nm.business_tokens(name)
    keys = nm.index_keys(parts)
    kinds = [index.CLIENT] if only_clients else [index.CLIENT, index.EMPLOYER]
    found_ids = [f for f in index.candidates(conn, keys, kinds) if f not in skip]
    found = load(conn, found_ids, keys)
    found.stand_ins = {
        cid: Person(last_name=" ".join(t for t in parts if nm.index_keys([t]) & h.matched))
        for cid, h in found.hidden.items()
    }
    ratios = Ratios.between(parts, found.parts())
    matches: list[ConflictMatch] = []
    for cid, client in found.clients.items():
        scored = score_name_against_business(client, name, ratios)
        reasons = (_("a client's name matches the employer"), *scored.reasons)
        matches.append(
            ConflictMatch(index.CLIENT, cid, client.full_name, scored.score, reasons, EMPLOYER)
        )
    for cid, other in found.stand_ins.items():
        scored = score_name_against_business(other, name, ratios)
        matches.append(_hidden_match(cid, found.hidden[cid], scored.score, EMPLOYER))
    for eid, business in found.employers.items():
        scored = score_businesses(name, business)
        matches.append(
            ConflictMatch(index.EMPLOYER, eid, business, scored.score, scored.reasons, SAME_PERSON)
        )
    return keep(matches)
