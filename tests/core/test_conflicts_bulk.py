"""An import's conflict check of many rows at once finds what checking each row alone finds."""

from __future__ import annotations

import csv
import random
import re
import unicodedata
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from bench.conflicts import load_pairs
from clinic_app.conflicts import bulk, check, index, ranking
from clinic_app.conflicts.score import THRESHOLD, Person, may_show, score_person
from clinic_app.domain.text import fold
from clinic_app.services import clients, conflicts, employers, importing
from clinic_app.services.demo import COMMUNITIES

FIRSTS = [name for community in COMMUNITIES[:3] for name in community[0][:12]]
LASTS = [name for community in COMMUNITIES[:3] for name in community[1][:12]]
EMPLOYER_NAMES = ["Acme Farms", "Cruz Flores Roofing", "Hernández Landscaping LLC"]


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _on_file(rng: random.Random, count: int) -> list[dict[str, str]]:
    """Workers already on file: few names, so many share a surname or a given name."""
    rows = []
    for i in range(count):
        born = date(1960, 1, 1) + timedelta(days=rng.randint(0, 15_000))
        rows.append(
            {
                "first_name": rng.choice(FIRSTS),
                "last_name": rng.choice(LASTS),
                "date_of_birth": born.isoformat() if rng.random() < 0.8 else "",
                "a_number": f"A{200_000_000 + i * 7:09d}" if rng.random() < 0.5 else "",
                "phone": f"555-01{rng.randint(0, 40):02d}" if rng.random() < 0.4 else "",
                "employer": EMPLOYER_NAMES[i % len(EMPLOYER_NAMES)],
            }
        )
    return rows


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _near(rng: random.Random, row: dict[str, str]) -> Person:
    """Someone like a worker on file, the way a spreadsheet retypes them."""
    first, last = row["first_name"], row["last_name"]
    born = date.fromisoformat(row["date_of_birth"]) if row["date_of_birth"] else None
    a_number = row["a_number"] or None
    phone = row["phone"]
    change = rng.randrange(8)
    if change == 0:
        first, last = _plain(first), _plain(last)
    elif change == 1:
        last = _typo(rng, last)
    elif change == 2 and born is not None and born.day <= 12:
        born = born.replace(month=born.day, day=born.month)
    elif change == 3:
        first, last = last, first
    elif change == 4:
        last = last.split()[0]
    elif change == 5:
        first, a_number = rng.choice(FIRSTS), None  # a sibling: the surname, perhaps the phone
    elif change == 6:
        born = (born or date(1990, 1, 1)) + timedelta(days=400)
    else:
        first, last, born, phone = rng.choice(FIRSTS), rng.choice(LASTS), None, ""
    return Person(first, last, (), born, a_number, phone)


def _filled(vault: Any, tmp_path: Path, rng: random.Random) -> list[dict[str, str]]:
    """A store with clients (some with another name used), employers and adverse parties."""
    rows = _on_file(rng, 240)
    sheet = tmp_path / "on_file.csv"
    with open(sheet, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert importing.import_file(vault, path=sheet).ok
    clients.add_client(
        vault, first_name="Lupe", last_name="Xoj", other_names=["Guadalupe Xoj Tzul"]
    )
    owner = employers.add_employer(vault, name="Ramírez Cruz Packing").record.id
    for name in ("José Cruz Flores", "Ana Hernández", "Luis Ramírez Gómez"):
        conflicts.add_party(vault, name=name, role="manager", employer_id=owner)
    return rows


def _people(rng: random.Random, rows: list[dict[str, str]]) -> list[Person]:
    people = [_near(rng, rng.choice(rows)) for _ in range(160)]
    people += [
        Person("Guadalupe", "Xoj"),
        Person("Jose", "Cruz Flores"),
        Person("Luis", "Ramirez", phone="555-0102"),
        Person("Hernandez", "Landscaping"),
        Person("", "", a_number=rows[1]["a_number"] or "A200000007"),
        Person("Zebulon", "Okonkwo", date_of_birth=date(1980, 2, 3)),
        Person("Ñ", ""),
    ]
    rng.shuffle(people)
    return people


@pytest.mark.parametrize("budget", [index.ROW_BUDGET, 30])
def test_many_rows_at_once_find_what_each_rows_own_check_finds(
    vault: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, budget: int
) -> None:
    """Near-duplicates of every kind (accents, typos, swapped birth dates, reordered or dropped
    names, siblings, another name used, employers' and adverse parties' names): the same
    records with the same scores, reasons and order, row by row. A small row budget makes the
    ranking leave common keys out, as it does in a big vault."""
    rng = random.Random(7)
    people = _people(rng, _filled(vault, tmp_path, rng))
    monkeypatch.setattr(index, "ROW_BUDGET", budget)
    with vault.reader() as session:
        conn = session.connection()
        alone = [check.check_person(conn, person) for person in people]
        together = list(bulk.check_people(conn, people))
    assert together == alone
    kinds = {match.kind for found in alone for match in found}
    assert kinds == {check.SAME_PERSON, check.ADVERSE_PARTY, check.EMPLOYER}
    assert sum(1 for found in alone if found) > len(people) // 2


@pytest.mark.parametrize("kept", [ranking.KEPT, 2])
def test_ranking_many_checks_at_once_keeps_each_checks_candidates_and_order(
    vault: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kept: int
) -> None:
    """The candidates, cut short where many tie (one surname, no birth date), are those the
    ranking query of each check gives, in its order, for every kind of record or clients only;
    also when the rankings kept for names shared by rows are too short and are made again."""
    monkeypatch.setattr(ranking, "KEPT", kept)
    rng = random.Random(11)
    people = _people(rng, _filled(vault, tmp_path, rng))
    key_sets = [check.person_keys(person) for person in people]
    with vault.reader() as session:
        conn = session.connection()
        for kinds in (index.KINDS, [index.CLIENT]):
            for limit in (1, 4, 25):
                memo = index.Memo()
                index.present(conn, (key for keys in key_sets for key in keys), memo)
                alone = [index.candidates(conn, keys, kinds, limit, memo) for keys in key_sets]
                together = index.candidates_many(conn, key_sets, kinds, memo, limit)
                assert together == alone
                assert max(len(found) for found in alone) == limit


def test_an_import_lists_the_possible_duplicates_each_rows_check_finds(
    vault: Any, tmp_path: Path
) -> None:
    """The import's report: a line for each row and match a check of that row alone finds,
    in its order, but for the clients the importer matches exactly (it lists those already)."""
    rng = random.Random(3)
    new = [_near(rng, row) for row in rng.sample(_filled(vault, tmp_path, rng), 60)]
    rows = [
        (number, {"first_name": p.first_name, "last_name": p.last_name, "phone": p.phone})
        for number, p in enumerate(new, start=2)
    ]
    for (_number, fields), person in zip(rows, new, strict=True):
        fields |= {"date_of_birth": person.date_of_birth, "a_number": person.a_number}
    with vault.reader() as session:
        lines = conflicts.import_duplicates(session, rows)
        alone = [check.check_person(session.connection(), person) for person in new]
    expected = [
        f"{number} {match.record_id} {match.score} " + "; ".join(match.reasons)
        for number, person, found in zip(range(2, len(new) + 2), new, alone, strict=True)
        for match in found
        if match.kind != check.SAME_PERSON or not _matched_by_importer(vault, match, person)
    ]
    line_words = re.compile(r"row (\d+): [^(]* (\d+) \(score (\d+): (.*)\)")
    found = [" ".join(re.findall(line_words, line)[0]) for line in lines]
    assert found == expected
    assert 20 < len(expected) < sum(len(matches) for matches in alone)  # some left out


def _matched_by_importer(vault: Any, match: check.ConflictMatch, person: Person) -> bool:
    """The importer's own match: the same A-number, or the same name and date of birth."""
    on_file = clients.get_client(vault, client_id=match.record_id)
    if person.a_number and on_file.a_number == person.a_number:
        return True
    same_name = (fold(on_file.first_name), fold(on_file.last_name)) == (
        fold(person.first_name),
        fold(person.last_name),
    )
    return (
        same_name
        and person.date_of_birth is not None
        and on_file.date_of_birth == person.date_of_birth
    )


def test_the_keys_written_for_many_clients_are_each_clients_own() -> None:
    """Clients' keys made in bulk (an import's, a rebuild's) are the keys of each client made
    alone: a date just written or read back as text, other names with a blank line, no birth
    date, A-number or phone."""
    rng = random.Random(5)
    rows: list[tuple[object, ...]] = []
    for number in range(1, 400):
        born = date(1950, 1, 1) + timedelta(days=rng.randint(0, 20_000))
        rows.append(
            (
                number,
                rng.choice(FIRSTS),
                rng.choice([*LASTS, ""]),
                rng.choice(["", "Guadalupe Xoj Tzul", "Lupe\n\nM. J. Pérez"]),
                rng.choice([born, born.isoformat(), None]),
                rng.choice([None, "", f"A{300_000_000 + number:09d}"]),
                rng.choice(["", "555-0100", "(555) 010-4477 ext 2", "12"]),
            )
        )
    made = index._values(index.CLIENT, rows)
    assert len(made) == len(set(made))
    assert set(made) == {
        (key, index.CLIENT, int(str(row[0])))
        for row in rows
        for key in index._keys_of(index.CLIENT, row)
    }


def test_a_candidate_skipped_unscored_could_not_have_been_shown() -> None:
    """A check skips scoring a candidate whose birth date or A-number differs by more than any
    name makes up for: over the labelled pairs (both ways) and retyped workers, none of the
    many it skips scores the threshold."""
    pairs = [(p.entry, p.existing) for p in load_pairs()]
    pairs += [(b, a) for a, b in pairs]
    rng = random.Random(13)
    for row in _on_file(rng, 300):
        born = date.fromisoformat(row["date_of_birth"]) if row["date_of_birth"] else None
        on_file = Person(row["first_name"], row["last_name"], (), born, row["a_number"] or None)
        on_file = replace(on_file, phone=row["phone"])
        pairs += [(_near(rng, row), on_file) for _ in range(3)]
    skipped = [(a, b) for a, b in pairs if not may_show(a, b)]
    assert all(score_person(a, b).score < THRESHOLD for a, b in skipped)
    assert len(skipped) > 100
