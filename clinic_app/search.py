"""Client search: FTS5 inside the encrypted vault, tsvector on the clinic server, same results."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple, Protocol

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
    # Folded part by part (the same text as folding the whole: a space separates them), so the
    # names, which repeat, come from fold's cache.
    return " ".join(
        [*map(fold, parts), *_a_number_terms(a_number if isinstance(a_number, str) else None)]
    )


def reindex_clients(session: Session, client_ids: Iterable[int] | None = None) -> None:
    """Refresh the index entries of some clients (or of every client when ids is None)."""
    reindex(session.connection(), client_ids)


def reindex(conn: Connection, client_ids: Iterable[int] | None = None) -> None:
    """reindex_clients on a bare connection (migrations have no session)."""
    index = _index(conn)
    if client_ids is None:
        index.delete(conn, None)
        rows = conn.execute(text(index.docs_sql)).all()
    else:
        ids = sorted(set(client_ids))
        if not ids:
            return
        rows = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join(str(int(i)) for i in chunk)
            index.delete(conn, chunk)
            rows.extend(conn.execute(text(index.docs_sql + f" WHERE c.id IN ({marks})")).all())
    if rows:
        index.insert(conn, [(int(row[0]), _document(tuple(row))) for row in rows])
    # The conflict check's keys follow the same records (all kinds on a full rebuild).
    if client_ids is None:
        conflict_index.rebuild(conn)
    else:
        conflict_index.refresh(conn, conflict_index.CLIENT, ids)


class NewClient(NamedTuple):
    """A client just written, with what its index entry and conflict keys are made from."""

    id: int
    first_name: str
    last_name: str
    other_names: str
    a_number: str | None
    receipts: str  # its matters' receipt numbers, space-separated, in the matters' order
    employers: str  # its matters' employers' names, the same way
    date_of_birth: date | None
    phone: str


def index_new_clients(conn: Connection, clients: Sequence[NewClient]) -> None:
    """Index clients just written from the values written (a bulk import's: reading 10,000
    clients back costs more than indexing them), as `reindex` would from the records."""
    if not clients:
        return
    index = _index(conn)
    ids = sorted(c.id for c in clients)
    for start in range(0, len(ids), 500):
        index.delete(conn, ids[start : start + 500])  # nothing to remove, unless a bug left it
    index.insert(conn, [(c.id, _document(c[:7])) for c in clients])
    conflict_index.refresh_from(conn, conflict_index.CLIENT, [_conflict_row(c) for c in clients])


def reindex_with(conn: Connection, fresh: Sequence[NewClient]) -> None:
    """A full `reindex` after a bulk write whose new clients are in hand (the demo's): those
    are indexed from their values and only the others read back, when the new ones are the
    one run of ids the write made (else everything is read back, as `reindex` does)."""
    ids = sorted(c.id for c in fresh)
    if not ids or ids[-1] - ids[0] + 1 != len(set(ids)) or len(ids) != len(set(ids)):
        reindex(conn)
        return
    low, high = ids[0], ids[-1]
    index = _index(conn)
    index.delete(conn, None)
    others = conn.execute(text(index.docs_sql + f" WHERE c.id < {low} OR c.id > {high}")).all()
    docs = [(int(row[0]), _document(tuple(row))) for row in others]
    docs += [(c.id, _document(c[:7])) for c in fresh]
    docs.sort()
    index.insert(conn, docs)
    conflict_index.rebuild(conn, fresh=[_conflict_row(c) for c in fresh], between=(low, high))


def _conflict_row(c: NewClient) -> tuple[object, ...]:
    """A new client as the conflict index's source query gives a client."""
    return (c.id, c.first_name, c.last_name, c.other_names, c.date_of_birth, c.a_number, c.phone)


def remove_clients(session: Session, client_ids: Iterable[int]) -> None:
    client_ids = list(client_ids)
    conn = session.connection()
    _index(conn).delete(conn, client_ids)
    conflict_index.remove(conn, conflict_index.CLIENT, client_ids)


@dataclass(frozen=True)
class Phrase:
    term: str
    prefix: bool = False  # matches every word that starts with the term


@dataclass(frozen=True)
class Query:
    phrases: tuple[Phrase, ...]
    joiner: str = "AND"  # or "OR": any phrase


class SearchIndex(Protocol):
    """An index of client words in one store; both rank alike (bm25), ties by client id."""

    no_limit: int | None
    docs_sql: str  # each client's words: id, names, A-number, receipts, employers

    def params(self, query: Query) -> dict[str, Any]: ...

    def ranked_sql(self) -> str: ...

    def count_sql(self) -> str: ...

    def delete(self, conn: Connection, ids: list[int] | None) -> None: ...

    def insert(self, conn: Connection, docs: list[tuple[int, str]]) -> None: ...


_MATCHING = "FROM client_search WHERE client_search MATCH :q"
# Every matching client with its rank, best first; equal ranks by id, so pages never overlap or
# skip (the benchmarks run it bare, as their baseline).
RANKED_SQL = f"SELECT rowid AS id, rank {_MATCHING} ORDER BY rank, rowid"
# Counting needs no ranking: bm25 for tens of thousands of one-letter matches is the slow part.
COUNT_SQL = f"SELECT count(*) {_MATCHING}"


def parse(query: str) -> Query | None:
    """What to look for: every word must start a word of the record (prefix search)."""
    squeezed = re.sub(r"[\s\-.]", "", query)
    a_number = looks_like_a_number(query)
    if a_number:
        return Query((Phrase(a_number[1:].lstrip("0"), True), Phrase(a_number.lower())), "OR")
    if squeezed.isdigit() and len(squeezed) in TAIL_LENGTHS:
        # 4 to 6 digits are the end of an A-number, as people read it out and notices print it.
        return Query((Phrase(TAIL + squeezed),))
    receipt = looks_like_receipt(squeezed)
    if receipt:  # "IOE 0123 456 789" as typed from a notice
        return Query((Phrase(receipt.lower()),))
    terms = words(query)
    if not terms:
        return None
    return Query(tuple(Phrase(term, True) for term in terms))


def match_expression(query: str) -> str | None:
    """The FTS5 MATCH expression for `query` (the vault's index)."""
    parsed = parse(query)
    return None if parsed is None else Fts5Index.expression(parsed)


def search_client_ids(session: Session, query: str) -> list[int]:
    """Ids of clients matching `query`, best match first."""
    parsed = parse(query)
    if parsed is None:
        return []
    conn = session.connection()
    index = _index(conn)
    # One fetchall: iterating the result fetches row by row, slow for 50,000 ids.
    rows = conn.execute(text(index.ranked_sql()), index.params(parsed))
    return [int(i) for i in rows.scalars().all()]


def count_client_ids(session: Session, query: str) -> int:
    """How many clients match `query`: len(search_client_ids(...)) without ranking them."""
    parsed = parse(query)
    if parsed is None:
        return 0
    conn = session.connection()
    index = _index(conn)
    return int(conn.execute(text(index.count_sql()), index.params(parsed)).scalar_one())


def ranked_page(
    conn: Connection, query: str, columns_sql: str, limit: int | None, offset: int
) -> list[Any]:
    """One page of matching clients, best first: `columns_sql` selects from `client AS c`."""
    parsed = parse(query)
    if parsed is None:
        return []
    index = _index(conn)
    sql = (
        f"SELECT {columns_sql} FROM ({index.ranked_sql()} LIMIT :limit OFFSET :offset) AS hits "
        "JOIN client AS c ON c.id = hits.id ORDER BY hits.rank, hits.id"
    )
    params = {
        **index.params(parsed),
        "limit": index.no_limit if limit is None else limit,
        "offset": offset,
    }
    return list(conn.execute(text(sql), params).all())


def first_page(conn: Connection, query: str, columns_sql: str, limit: int) -> tuple[int, list[Any]]:
    """How many clients match `query` and the first `limit` of them (`columns_sql` as for
    `ranked_page`), best first: what a list shows as a person types. The count is asked for
    only when the page is full; a shorter page is every match."""
    parsed = parse(query)
    if parsed is None:
        return 0, []
    index = _index(conn)
    if isinstance(index, Fts5Index):
        return index.first_page(conn, parsed, columns_sql, limit)
    rows = ranked_page(conn, query, columns_sql, limit, 0)
    if len(rows) < limit:
        return len(rows), rows
    return int(conn.execute(text(index.count_sql()), index.params(parsed)).scalar_one()), rows


class Fts5Index:
    """The vault's index: an FTS5 table inside the encrypted database, ranked by its bm25."""

    no_limit: int | None = -1
    docs_sql = _DOCS_SQL

    @staticmethod
    def expression(query: Query) -> str:
        joiner = f" {query.joiner} "
        return joiner.join(f'"{p.term}"*' if p.prefix else f'"{p.term}"' for p in query.phrases)

    def params(self, query: Query) -> dict[str, Any]:
        return {"q": self.expression(query)}

    def ranked_sql(self) -> str:
        return RANKED_SQL

    def count_sql(self) -> str:
        return COUNT_SQL

    def first_page(
        self, conn: Connection, query: Query, columns_sql: str, limit: int
    ) -> tuple[int, list[Any]]:
        """`first_page` on the driver's own cursor: a keystroke's query is cheap enough that
        SQLAlchemy's statement and result handling would cost as much again."""
        expression = self.expression(query)
        cursor = conn.connection.cursor()
        try:
            rows = cursor.execute(
                f"SELECT {columns_sql} FROM ({RANKED_SQL.replace(':q', '?')} LIMIT ?) AS hits "
                "JOIN client AS c ON c.id = hits.id ORDER BY hits.rank, hits.id",
                (expression, limit),
            ).fetchall()
            if len(rows) < limit:
                return len(rows), rows
            count = cursor.execute(COUNT_SQL.replace(":q", "?"), (expression,)).fetchone()
            return int(count[0]), rows
        finally:
            cursor.close()

    def delete(self, conn: Connection, ids: list[int] | None) -> None:
        if ids is None:
            conn.execute(text("DELETE FROM client_search"))
            return
        marks = ",".join(str(int(i)) for i in ids)
        conn.execute(text(f"DELETE FROM client_search WHERE rowid IN ({marks})"))

    def insert(self, conn: Connection, docs: list[tuple[int, str]]) -> None:
        # Straight to the driver: a rebuild writes 100,000 rows, and binding each through
        # SQLAlchemy costs more than the insert.
        conn.exec_driver_sql("INSERT INTO client_search(rowid, body) VALUES (?, ?)", docs)


def _index(conn: Connection) -> SearchIndex:
    """The index of the store this connection belongs to."""
    if conn.dialect.name == "postgresql":
        from clinic_app.store.search_pg import TsvectorIndex

        return TsvectorIndex()
    return Fts5Index()
