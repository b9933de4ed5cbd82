"""The conflict check's lookup keys in the database: kept with the records, read to prefilter."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from sqlalchemy import Connection, bindparam, text

from clinic_app.conflicts import names as nm
from clinic_app.conflicts import ranking
from clinic_app.conflicts.score import phone_key, swapped
from clinic_app.store import conflicts_pg
from clinic_app.store.conflicts_pg import HiddenClient

CLIENT, EMPLOYER, PARTY = "client", "employer", "party"
KINDS = (CLIENT, EMPLOYER, PARTY)
# Candidates scored per check: those sharing the most (and rarest) keys; a birth date, A-number
# or phone puts the right person first, a common name alone ties many, and 150 is ample to show
# the best 20. Each candidate is a random read of an encrypted page, so fewer is faster.
CANDIDATES = 150
# Rows read per check: the rarest keys first (a birth date, an A-number, a rare surname), then
# commoner ones while the budget lasts. At 100,000 clients 12,000 kept every match found with a
# birth date and cut the slowest checks by a fifth (bench/conflicts.py).
ROW_BUDGET = 12_000
CHUNK = 500

_SOURCES = {
    CLIENT: "SELECT id, first_name, last_name, other_names, date_of_birth, a_number, phone "
    "FROM client",
    EMPLOYER: "SELECT id, name FROM employer",
    PARTY: "SELECT id, name, phone FROM party",
}


def person_keys(
    names: Iterable[str], born: date | None, a_number: str | None, phone: str
) -> set[str]:
    keys = set(_name_keys(tuple(names)))
    if born:
        keys.add("b:" + born.isoformat())
    if a_number:
        keys.add("a:" + a_number)
    phone_digits = phone_key(phone)
    if phone_digits:
        keys.add("t:" + phone_digits)
    return keys


# Names repeat (a rebuild at 100,000 clients meets a few thousand first and last names), and
# their keys depend on nothing else.
@lru_cache(maxsize=65536)
def _name_keys(names: tuple[str, ...]) -> frozenset[str]:
    parts: list[str] = []
    for name in names:
        parts += nm.name_tokens(name)
    return frozenset(nm.index_keys(parts))


def query_keys(
    names: Iterable[str], born: date | None, a_number: str | None, phone: str
) -> set[str]:
    """Keys a check looks up: a record's own, plus the date of birth with day and month swapped."""
    keys = person_keys(names, born, a_number, phone)
    other = swapped(born) if born else None
    if other:
        keys.add("b:" + other.isoformat())
    return keys


def _keys_of(kind: str, row: tuple[object, ...]) -> set[str]:
    if kind == CLIENT:
        _id, first, last, other, born, a_number, phone = row
        aliases = str(other or "").splitlines()
        day = date.fromisoformat(str(born)) if born else None
        return person_keys(
            [str(first or ""), str(last or ""), *aliases],
            day,
            str(a_number) if a_number else None,
            str(phone or ""),
        )
    if kind == EMPLOYER:
        return nm.index_keys(nm.business_tokens(str(row[1] or "")))
    return person_keys([str(row[1] or "")], None, None, str(row[2] or ""))


def _values(kind: str, rows: Iterable[tuple[object, ...]]) -> list[tuple[str, str, int]]:
    if kind == CLIENT:
        return _client_values(rows)
    return [(key, kind, int(str(row[0]))) for row in rows for key in _keys_of(kind, row)]


def _client_values(rows: Iterable[tuple[object, ...]]) -> list[tuple[str, str, int]]:
    """The keys `_keys_of` gives clients, without a set for each: an import writes the keys of
    thousands, a rebuild of every client. A name key never looks like another kind's key
    (each kind has its own prefix), so none is listed twice."""
    out: list[tuple[str, str, int]] = []
    for row in rows:
        record_id, first, last, other, born, a_number, phone = row
        found = list(
            _name_keys((str(first or ""), str(last or ""), *str(other or "").splitlines()))
        )
        if born:
            # A client just written has a date; one read back from SQLite, its text.
            day = born if type(born) is date else date.fromisoformat(str(born))
            found.append("b:" + day.isoformat())
        if a_number:
            found.append("a:" + str(a_number))
        digits = phone_key(str(phone or ""))
        if digits:
            found.append("t:" + digits)
        number = int(str(record_id))
        out += [(key, CLIENT, number) for key in found]
    return out


def _insert(conn: Connection, kind: str, rows: Iterable[tuple[object, ...]]) -> None:
    _write(conn, _values(kind, rows))


def _write(conn: Connection, values: list[tuple[str, str, int]]) -> None:
    if not values:
        return
    if conn.dialect.name == "sqlite":
        # Straight to the driver: a full rebuild writes some 750,000 keys at 100,000 clients,
        # and binding each through SQLAlchemy costs more than the insert.
        conn.exec_driver_sql(
            "INSERT INTO conflict_key (key, record_kind, record_id) VALUES (?, ?, ?)", values
        )
        return
    conn.execute(
        text("INSERT INTO conflict_key (key, record_kind, record_id) VALUES (:key, :kind, :id)"),
        [{"key": key, "kind": k, "id": i} for key, k, i in values],
    )


def refresh(conn: Connection, kind: str, ids: Iterable[int]) -> None:
    """Recompute the keys of some records of one kind (call after adding or editing them)."""
    wanted = sorted({int(i) for i in ids})
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        remove(conn, kind, chunk)
        select_rows = text(_SOURCES[kind] + " WHERE id IN :ids").bindparams(
            bindparam("ids", expanding=True)
        )
        _insert(conn, kind, conn.execute(select_rows, {"ids": chunk}).all())


def refresh_from(conn: Connection, kind: str, rows: Sequence[tuple[object, ...]]) -> None:
    """`refresh` from the records' values in hand (as the kind's source query gives them),
    for records just written: nothing to read back."""
    remove(conn, kind, [int(str(row[0])) for row in rows])
    _insert(conn, kind, rows)


def remove(conn: Connection, kind: str, ids: Iterable[int]) -> None:
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return
    for start in range(0, len(wanted), CHUNK):
        # Ids written out (ints): an expanding parameter costs more per id than the delete.
        listed = ",".join(str(i) for i in wanted[start : start + CHUNK])
        conn.execute(
            text(f"DELETE FROM conflict_key WHERE record_kind = :kind AND record_id IN ({listed})"),
            {"kind": kind},
        )


def rebuild(
    conn: Connection,
    *,
    fresh: Sequence[tuple[object, ...]] = (),
    between: tuple[int, int] | None = None,
) -> None:
    """Drop every key and compute them again from the records. A bulk write may pass the
    clients it made (`fresh`, as the client source query gives them), whose ids are the run
    `between` (inclusive): those are not read back."""
    conn.execute(text("DELETE FROM conflict_key"))
    values = _values(CLIENT, fresh)
    for kind in KINDS:
        source = _SOURCES[kind]
        if kind == CLIENT and between is not None:
            source += f" WHERE id < {int(between[0])} OR id > {int(between[1])}"
        result = conn.execute(text(source))
        while True:
            rows = result.fetchmany(5000)
            if not rows:
                break
            values += _values(kind, rows)
    if conn.dialect.name != "sqlite":
        _write(conn, values)
        return
    # In key order, with the by-record index built afterwards: each key then lands next to the
    # one before it in the primary key's index, where random order makes every insert touch
    # another page of an index too large for the cache (750,000 keys at 100,000 clients). The
    # index is dropped and built again inside the caller's transaction: an error rolls both back.
    values.sort()
    conn.exec_driver_sql("DROP INDEX IF EXISTS ix_conflict_key_record")
    _write(conn, values)
    conn.exec_driver_sql(
        "CREATE INDEX ix_conflict_key_record ON conflict_key (record_kind, record_id)"
    )


def holds_none(conn: Connection) -> bool:
    """Whether no record has a key yet (a new vault): every check then finds no one. Never
    known on the clinic server, where a person may not read the keys (functions count them)."""
    if conn.dialect.name == "postgresql":
        return False
    return conn.exec_driver_sql("SELECT 1 FROM conflict_key LIMIT 1").first() is None


def present(conn: Connection, keys: Iterable[str], memo: Memo | None = None) -> set[str]:
    """Which of these keys any record has: a person none of whose keys is present can match
    no one, so a bulk check looks at the others only. With `memo`, the keys' counts are kept
    there for the checks that follow."""
    memo = memo if memo is not None else Memo()
    wanted = sorted(set(keys))
    for start in range(0, len(wanted), CHUNK):
        _counts(conn, set(wanted[start : start + CHUNK]), memo)
    return {key for key in wanted if memo.counts[key]}


@dataclass
class Memo:
    """What many checks against records that do not change meanwhile share (a spreadsheet's
    rows, checked in the import's transaction before anything is written): how many records
    hold each key, and the records already read, by kind and id (None: not visible)."""

    counts: dict[str, int] = field(default_factory=dict)
    total: int = 0
    records: dict[tuple[str, int], object] = field(default_factory=dict)
    holders: ranking.Holders = field(default_factory=ranking.Holders)


def _counts(conn: Connection, keys: set[str], memo: Memo | None) -> tuple[dict[str, int], int]:
    count = conflicts_pg.key_counts if conn.dialect.name == "postgresql" else _key_counts
    if memo is None:
        return count(conn, keys)
    # Not `keys - memo.counts.keys()`: that walks the whole memo (every key counted so far)
    # for each check, which made an import's check grow with the square of its rows.
    counted = memo.counts
    missing = {key for key in keys if key not in counted}
    if missing:
        found, total = count(conn, missing)
        memo.counts.update(dict.fromkeys(missing, 0) | found)
        memo.total = max(memo.total, total)
    frequency = {key: memo.counts[key] for key in keys if memo.counts[key]}
    return frequency, memo.total


def candidates(
    conn: Connection,
    keys: set[str],
    kinds: Iterable[str],
    limit: int = CANDIDATES,
    memo: Memo | None = None,
) -> list[tuple[str, int]]:
    """Records sharing the most (and rarest) keys with the query, best first.

    On the clinic server every record counts, including clients the person checking may not
    see (through SECURITY DEFINER functions; see hidden_clients)."""
    if not keys:
        return []
    wanted_kinds = set(kinds)
    frequency, total = _counts(conn, keys, memo)
    if not frequency:
        return []
    chosen, weight = _chosen(frequency, total)
    if conn.dialect.name == "postgresql":
        weights = [weight[key] for key in chosen]
        return conflicts_pg.ranked(conn, chosen, weights, wanted_kinds, limit)
    # Summed and ranked in SQL: a common surname brings thousands of rows, Python would loop.
    values = ", ".join(f"(:k{i}, :w{i})" for i in range(len(chosen)))
    kinds_sql = ", ".join(f":kind{i}" for i in range(len(wanted_kinds)))
    params: dict[str, object] = {"limit": limit}
    for i, key in enumerate(chosen):
        params[f"k{i}"], params[f"w{i}"] = key, weight[key]
    for i, kind in enumerate(sorted(wanted_kinds)):
        params[f"kind{i}"] = kind
    ranked = text(
        f"WITH wanted(key, weight) AS (VALUES {values}) "
        "SELECT k.record_kind, k.record_id, SUM(w.weight) AS total "
        "FROM wanted AS w JOIN conflict_key AS k ON k.key = w.key "
        f"WHERE k.record_kind IN ({kinds_sql}) "
        "GROUP BY k.record_kind, k.record_id "
        "ORDER BY total DESC, k.record_kind, k.record_id LIMIT :limit"
    )
    return [(str(kind), int(rid)) for kind, rid, _total in conn.execute(ranked, params).all()]


def _chosen(frequency: dict[str, int], total: int) -> tuple[list[str], dict[str, float]]:
    """The keys a check ranks by, rarest first while the row budget lasts, and their weights."""
    total = max(1, total)
    chosen: list[str] = []
    budget = ROW_BUDGET
    # Keys held equally often in key order, as SQL counts them: a check alone and one of many
    # (whose counts come from a memo) then leave out the same keys when the budget runs out.
    for key, count in sorted(frequency.items(), key=lambda item: (item[1], item[0])):
        if count > budget:
            break
        chosen.append(key)
        budget -= count
    weight = {key: math.log((total + 1) / (frequency[key] + 0.5)) + 1.0 for key in chosen}
    return chosen, weight


def candidates_many(
    conn: Connection,
    key_sets: Sequence[set[str]],
    kinds: Iterable[str],
    memo: Memo,
    limit: int = CANDIDATES,
) -> list[list[tuple[str, int]]]:
    """`candidates` of many checks against records that do not change meanwhile, in order.

    The vault reads each chosen key's holders once and ranks in Python: one ranking query per
    check sums the same common surnames' thousands of rows again for every row of a
    spreadsheet. On the clinic server a person may not read every record's keys, so each
    check ranks through the server's function."""
    wanted_kinds = set(kinds)
    if conn.dialect.name == "postgresql":
        return [candidates(conn, keys, wanted_kinds, limit, memo) for keys in key_sets]
    plans: list[tuple[list[str], dict[str, float]] | None] = []
    for keys in key_sets:
        frequency, total = _counts(conn, keys, memo) if keys else ({}, 0)
        plans.append(_chosen(frequency, total) if frequency else None)
    memo.holders.read(conn, (key for plan in plans if plan for key in plan[0]))
    return [
        ranking.ranked(memo.holders, plan[0], plan[1], wanted_kinds, limit) if plan else []
        for plan in plans
    ]


def _key_counts(conn: Connection, keys: set[str]) -> tuple[dict[str, int], int]:
    counted = text(
        "SELECT key, count(*) FROM conflict_key WHERE key IN :keys GROUP BY key"
    ).bindparams(bindparam("keys", expanding=True))
    frequency = {str(k): int(n) for k, n in conn.execute(counted, {"keys": sorted(keys)}).all()}
    if not frequency:
        return {}, 0
    # How many clients, roughly, for the rarity weights: max(id) is one index probe where
    # count(*) reads the whole table.
    total = int(conn.execute(text("SELECT max(id) FROM client")).scalar_one() or 0)
    return frequency, total


def hidden_clients(conn: Connection, keys: set[str], ids: Iterable[int]) -> dict[int, HiddenClient]:
    """Of these candidate clients, the ones the person checking may not see (only on the clinic
    server: a vault shows its one user everything), as the typed keys they share."""
    if conn.dialect.name != "postgresql":
        return {}
    return conflicts_pg.hidden_clients(conn, keys, ids)
