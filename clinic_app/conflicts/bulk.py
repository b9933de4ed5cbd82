"""Many people checked at once against records that do not change meanwhile (an import)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import Connection

from clinic_app.conflicts import index
from clinic_app.conflicts.check import (
    ConflictMatch,
    keep,
    load,
    person_keys,
    preload,
    scored_matches,
    stand_in,
)
from clinic_app.conflicts.score import Person, Ratios

# Rows ranked and read together: big enough for a few big reads, small enough that a caller
# hears of progress (and may cancel) every few hundred rows.
BATCH = 250


def check_people(
    conn: Connection, people: Sequence[Person], memo: index.Memo | None = None
) -> Iterator[list[ConflictMatch]]:
    """For each person in order, what `check.check_person` finds (as the same person, against
    every kind of record), from shared reads: each key's holders and each candidate are read
    once, and a name is scored once against another for every row that has it."""
    memo = memo if memo is not None else index.Memo()
    if index.holds_none(conn):  # a new vault's first import: nothing on file to compare with
        yield from ([] for _person in people)
        return
    keys = [person_keys(person) for person in people]
    # Their counts in a few statements: most rows share names, and a row sharing no key with
    # the records has nothing to rank.
    index.present(conn, (key for row in keys for key in row), memo)
    ratios = Ratios(lazy=True)
    for start in range(0, len(people), BATCH):
        batch = range(start, min(start + BATCH, len(people)))
        found = index.candidates_many(conn, [keys[i] for i in batch], index.KINDS, memo)
        preload(conn, (f for row in found for f in row), memo)
        for i, candidates in zip(batch, found, strict=True):
            person = people[i]
            records = load(conn, candidates, keys[i], memo)
            records.stand_ins = {cid: stand_in(person, h) for cid, h in records.hidden.items()}
            yield keep(scored_matches(person, records, ratios))
