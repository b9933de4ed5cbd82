"""Client search over an FTS5 index kept inside the encrypted database (no plaintext index)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import Connection, text
from sqlmodel import Session

from clinic_app.conflicts import index as conflict_index
from clinic_app.domain.text import fold, words
from clinic_app.domain.validators import looks_like_a_number, looks_like_receipt

# Rebuilt from the records, so it can always be dropped and recreated.
_DOCS_SQL = """
SELECT c.id, c.first_name, c.last_name, c.other_names, c.a_number,
       (SELECT group_concat(m.receipt_number, ' ') FROM matter m WHERE m.client_id = c.id),
       (SELECT group_concat(e.name, ' ') FROM matter m JOIN employer e ON e.id = m.employer_id
         WHERE m.client_id = c.id)
FROM client c
"""


# Paralegals read out the last digits of an A-number; those are indexed as their own words,
# marked so that "5678" does not also match every A-number that merely starts with 5678.
TAIL = "atail"
TAIL_LENGTHS = (4, 5, 6)


def _a_number_terms(a_number: str | None) -> list[str]:
    if not a_number:
        return []
    digits = a_number[1:]
    tails = [TAIL + digits[-n:] for n in TAIL_LENGTHS]
    return [a_number.lower(), digits, digits.lstrip("0"), *tails]


def _document(row: tuple[object, ...]) -> str:
    _id, first, last, other, a_number, receipts, employers = row
    parts = [
        str(first or ""),
        str(last or ""),
        str(other or ""),
        str(receipts or ""),
        str(employers or ""),
    ]
    return " ".join(
        [fold(" ".join(parts)), *_a_number_terms(a_number if isinstance(a_number, str) else None)]
    )


def reindex_clients(session: Session, client_ids: Iterable[int] | None = None) -> None:
    """Refresh the index entries of some clients (or of every client when ids is None)."""
    reindex(session.connection(), client_ids)


def reindex(conn: Connection, client_ids: Iterable[int] | None = None) -> None:
    """reindex_clients on a bare connection (migrations have no session)."""
    if client_ids is None:
        conn.execute(text("DELETE FROM client_search"))
        rows = conn.execute(text(_DOCS_SQL)).all()
    else:
        ids = sorted(set(client_ids))
        if not ids:
            return
        rows = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join(str(int(i)) for i in chunk)
            conn.execute(text(f"DELETE FROM client_search WHERE rowid IN ({marks})"))
            rows.extend(conn.execute(text(_DOCS_SQL + f" WHERE c.id IN ({marks})")).all())
    if rows:
        conn.execute(
            text("INSERT INTO client_search(rowid, body) VALUES (:id, :body)"),
            [{"id": row[0], "body": _document(tuple(row))} for row in rows],
        )
    # The conflict check's keys follow the same records (all kinds on a full rebuild).
    if client_ids is None:
        conflict_index.rebuild(conn)
    else:
        conflict_index.refresh(conn, conflict_index.CLIENT, ids)


def remove_clients(session: Session, client_ids: Iterable[int]) -> None:
    client_ids = list(client_ids)
    for client_id in client_ids:
        session.connection().execute(
            text("DELETE FROM client_search WHERE rowid = :id"), {"id": client_id}
        )
    conflict_index.remove(session.connection(), conflict_index.CLIENT, client_ids)


_MATCHING = "FROM client_search WHERE client_search MATCH :q"
# Every matching client with its rank, best first; equal ranks by id, so pages never overlap or
# skip (the benchmarks run it bare, as their baseline).
RANKED_SQL = f"SELECT rowid AS id, rank {_MATCHING} ORDER BY rank, rowid"
# Counting needs no ranking: bm25 for tens of thousands of one-letter matches is the slow part.
COUNT_SQL = f"SELECT count(*) {_MATCHING}"


def match_expression(query: str) -> str | None:
    """An FTS5 MATCH expression: every word must start a word of the record (prefix search)."""
    squeezed = re.sub(r"[\s\-.]", "", query)
    a_number = looks_like_a_number(query)
    if a_number:
        return f'"{a_number[1:].lstrip("0")}"* OR "{a_number.lower()}"'
    if squeezed.isdigit() and len(squeezed) in TAIL_LENGTHS:
        # 4 to 6 digits are the end of an A-number, as people read it out and notices print it.
        return f'"{TAIL}{squeezed}"'
    receipt = looks_like_receipt(squeezed)
    if receipt:  # "IOE 0123 456 789" as typed from a notice
        return f'"{receipt.lower()}"'
    terms = words(query)
    if not terms:
        return None
    return " AND ".join(f'"{term}"*' for term in terms)


def search_client_ids(session: Session, query: str) -> list[int]:
    """Ids of clients matching `query`, best match first."""
    expression = match_expression(query)
    if expression is None:
        return []
    # One fetchall: iterating the result fetches row by row, slow for 50,000 ids.
    rows = session.connection().execute(text(RANKED_SQL), {"q": expression})
    return [int(i) for i in rows.scalars().all()]


def count_client_ids(session: Session, query: str) -> int:
    """How many clients match `query`: len(search_client_ids(...)) without ranking them."""
    expression = match_expression(query)
    if expression is None:
        return 0
    return int(session.connection().execute(text(COUNT_SQL), {"q": expression}).scalar_one())
