"""Many rows into one table: straight to the SQLite driver, through SQLAlchemy Core elsewhere."""

from __future__ import annotations

import gc
import operator
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Column, Connection, Table, insert

BULK_CACHE_KIB = 64 * 1024  # SQLite's page cache while writing in bulk (its default is 2 MiB)


def insert_many(
    conn: Connection, table: Table, rows: Sequence[dict[str, Any]], *, ids: bool = False
) -> list[int]:
    """Insert rows in one executemany (no ORM object per row); with `ids`, their new ids in order.

    Every row must have the same keys; columns left out get their defaults, as with Core.
    """
    if not rows:
        return []
    if conn.dialect.name == "sqlite":
        direct = _direct_insert(conn, table, rows)
        if direct is not None:
            if not ids:
                return []
            # Holding the write lock, each row of one statement gets the largest rowid + 1
            # (or the table's sequence + 1), so the new ids are the last one and those before.
            last = int(conn.exec_driver_sql("SELECT last_insert_rowid()").scalar_one())
            return list(range(last - len(rows) + 1, last + 1))
    statement = insert(table)
    if not ids:
        conn.execute(statement, list(rows))
        return []
    if conn.dialect.name == "sqlite":
        # Asking SQLAlchemy for the ids in the rows' order makes it insert them one at a time
        # on SQLite; a statement's rows get ascending rowids in VALUES order, so sorted is right.
        found = conn.execute(statement.returning(table.c.id), list(rows))
        return sorted(int(row[0]) for row in found)
    found = conn.execute(statement.returning(table.c.id, sort_by_parameter_order=True), list(rows))
    return [int(row[0]) for row in found]


def _direct_insert(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> int | None:
    """The rows bound by the columns' own SQLAlchemy type processors and written with the
    driver's executemany: SQLAlchemy's per-row parameter handling costs more than the insert.
    None (nothing written) when a left-out column's default is not a plain value or function."""
    dialect = conn.dialect
    given = list(rows[0])
    columns: list[Column[Any]] = [table.c[name] for name in given]
    defaults: list[tuple[Column[Any], Callable[[], Any]]] = []
    for column in table.columns:
        if column.name in rows[0] or column.default is None:
            continue
        maker = _default_maker(column.default)
        if maker is None:
            return None  # a SQL expression or a sequence: Core computes those
        defaults.append((column, maker))
    columns += [column for column, _make in defaults]
    makers = [make for _column, make in defaults]
    processors = [column.type.dialect_impl(dialect).bind_processor(dialect) for column in columns]
    # Column by column: the rows' values taken and put back together by C loops (itemgetter,
    # zip), and only the columns with a type processor converted in Python.
    if len(given) == 1:
        only = given[0]
        taken: list[Sequence[Any]] = [[row[only] for row in rows]]
    else:
        taken = list(zip(*map(operator.itemgetter(*given), rows), strict=True))
    for make in makers:
        taken.append(_defaults(make, len(rows)))
    for i, process in enumerate(processors):
        if process is not None:
            taken[i] = _converted(taken[i], process)
    # The SQLCipher driver binds a None some twenty times slower than a value: a column empty
    # in every row (a matter's decision, a grant's termination) is written as a literal NULL.
    marks = ["?"] * len(columns)
    for i, values in enumerate(taken):
        if values[0] is None and values.count(None) == len(values):
            marks[i] = "NULL"
    bound = [values for values, mark in zip(taken, marks, strict=True) if mark == "?"]
    rows_out = list(zip(*bound, strict=True)) if bound else [()] * len(rows)
    quote = dialect.identifier_preparer
    names = ", ".join(quote.format_column(column) for column in columns)
    conn.exec_driver_sql(
        f"INSERT INTO {quote.format_table(table)} ({names}) VALUES ({', '.join(marks)})", rows_out
    )
    return len(rows_out)


def _defaults(make: Callable[[], Any], count: int) -> list[Any]:
    """A left-out column's default for `count` rows: one value, or one call per row."""
    if isinstance(make, _Scalar):
        return [make.value] * count
    return [make() for _ in range(count)]


def _converted(values: Sequence[Any], process: Callable[[Any], Any]) -> list[Any]:
    """A column's values through its type's bind processor; rows repeat their dates and times
    (stamped to the second), so each distinct value is converted once."""
    seen: dict[Any, Any] = {}
    out: list[Any] = []
    append = out.append
    for value in values:
        if value is None:
            append(None)
            continue
        try:
            done = seen.get(value)
        except TypeError:  # an unhashable value (a list for a JSON column)
            append(process(value))
            continue
        if done is None:
            done = seen[value] = process(value)
        append(done)
    return out


class _Scalar:
    """A column default that is one plain value, the same for every row."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __call__(self) -> Any:
        return self.value


def _default_maker(default: Any) -> Callable[[], Any] | None:
    """A function giving a column's Python-side default for one row, as Core would."""
    if default.is_scalar:
        return _Scalar(default.arg)
    if default.is_callable:
        # SQLAlchemy wraps a function of no arguments as one taking the execution context.
        function: Callable[[Any], Any] = default.arg
        return lambda: function(None)
    return None


@contextmanager
def bulk_work(conn: Connection) -> Iterator[None]:
    """Settings for writing many rows in one transaction, restored afterwards: the garbage
    collector paused and, on SQLite, the page cache enlarged so that pages written early are
    not evicted, encrypted, then read and decrypted again."""
    cache_size = None
    if conn.dialect.name == "sqlite":
        cache_size = conn.exec_driver_sql("PRAGMA cache_size").scalar()
        conn.exec_driver_sql(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
    try:
        with gc_paused():
            yield
    finally:
        if cache_size is not None:
            conn.exec_driver_sql(f"PRAGMA cache_size = {int(cache_size)}")


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while many small objects are made and kept (it
    would scan them again and again for nothing): the rows of a bulk write."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
