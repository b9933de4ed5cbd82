"""SQLAlchemy engine over SQLCipher, keyed with a raw 256-bit key (no key ever in a URL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool

# The driver adapts every value that is not an int, float, str or bytes; for None it finds no
# adapter only after raising and clearing two exceptions, about 1.5 µs a NULL, several times
# the cost of binding a value. An adapter for None makes that a dictionary lookup: an empty
# dict's `get`, a C function giving None back.
_NO_ADAPTATION: dict[object, None] = {}
sqlcipher.register_adapter(type(None), _NO_ADAPTATION.get)


def key_pragma(key: bytes) -> str:
    return f"PRAGMA key = \"x'{key.hex()}'\""


def connect(db_path: Path, key: bytes) -> sqlcipher.Connection:
    """A raw SQLCipher connection with the key set and safe settings applied."""
    conn = sqlcipher.connect(str(db_path), check_same_thread=False, isolation_level=None)
    # Without this SQLCipher prints its own lines to stderr on a wrong key.
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(key_pragma(key))
    conn.execute("PRAGMA foreign_keys = ON")
    # Deleted client data is overwritten, and temporary tables never touch the disk.
    conn.execute("PRAGMA secure_delete = ON")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA busy_timeout = 5000")
    return conn


def make_engine(db_path: Path, key: bytes) -> Engine:
    """An engine whose every pooled connection is keyed; the first query fails on a wrong key."""

    def creator() -> Any:
        return connect(db_path, key)

    engine = create_engine(
        "sqlite://",
        creator=creator,
        module=sqlcipher,
        poolclass=QueuePool,
        pool_size=2,
        max_overflow=4,
        # A database error's text would otherwise quote the values bound (names, A-numbers),
        # and that text reaches a --debug traceback or the desktop's stderr (the session log).
        hide_parameters=True,
    )

    # pysqlite's default transaction handling defers BEGIN; take control so each session is
    # one real transaction (the documented SQLAlchemy recipe for SQLite).
    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        readonly = conn.get_execution_options().get("clinic_readonly", False)
        conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")

    return engine
