"""The clinic server's conflict look-ups: every record's keys, through SECURITY DEFINER functions.

Row-level security hides from a person the lookup keys of the clients they may not see, yet a
conflict check must still warn about those clients. The functions (clinic_app/server/reach_sql.py)
count and rank every record's keys, and say of a hidden client only which typed keys it shares
and whom to ask; the client's own row is never read here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, text


@dataclass(frozen=True)
class HiddenClient:
    """A client the person checking may not see: what the check may know of it."""

    matched: frozenset[str]  # which of the typed keys it shares
    has_birth_date: bool
    has_a_number: bool
    ask: str  # staff names, ", "-joined; "" when nobody is named


def key_counts(conn: Connection, keys: Iterable[str]) -> tuple[dict[str, int], int]:
    """How many records hold each key, and the highest client id."""
    rows = conn.execute(
        text("SELECT lookup_key, holders, clients FROM clinic_conflict_key_counts(:keys)"),
        {"keys": sorted(set(keys))},
    ).all()
    total = int(rows[0][2]) if rows else 0
    return {str(k): int(n) for k, n, _c in rows}, total


def ranked(
    conn: Connection,
    chosen: Sequence[str],
    weights: Sequence[float],
    kinds: Iterable[str],
    limit: int,
) -> list[tuple[str, int]]:
    rows = conn.execute(
        text(
            "SELECT record_kind, record_id FROM clinic_conflict_ranked("
            "CAST(:chosen AS text[]), CAST(:weights AS float8[]), CAST(:kinds AS text[]), :most)"
        ),
        {"chosen": list(chosen), "weights": list(weights), "kinds": sorted(kinds), "most": limit},
    ).all()
    return [(str(kind), int(rid)) for kind, rid in rows]


def hidden_clients(
    conn: Connection, keys: Iterable[str], ids: Iterable[int]
) -> dict[int, HiddenClient]:
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return {}
    rows = conn.execute(
        text(
            "SELECT client_id, matched, has_birth_date, has_a_number, ask "
            "FROM clinic_conflict_hidden(CAST(:keys AS text[]), CAST(:ids AS integer[]))"
        ),
        {"keys": sorted(set(keys)), "ids": wanted},
    ).all()
    return {
        int(cid): HiddenClient(frozenset(matched or ()), bool(born), bool(a_number), str(ask))
        for cid, matched, born, a_number, ask in rows
    }
