"""Keeps the stored deadlines current: recomputes the matters a transaction touched, at commit.

A SQLAlchemy session hook notes every Matter, Grant, MatterEvent and AgencyLetter row that a
flush writes, and every change to the clinic's rule settings. Just before the transaction
commits, the deadlines of the affected matters (and of the other matters of the same clients,
whose renewals they may continue) are computed again, in the same transaction: services,
import and the demo all stay current without calling anything. A change to the rules, or a
vault last computed by another version of the rules, recomputes everything.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, delete, event, insert, select
from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.attributes import get_history
from sqlalchemy.orm.base import PassiveFlag

from clinic_app.deadlines.batch import plan_matters
from clinic_app.deadlines.engine import PlannedDeadline
from clinic_app.deadlines.facts import chunks, client_ids_of, load_facts, matter_ids_of_letters
from clinic_app.deadlines.models import Deadline, DeadlineState, DeadlineTask
from clinic_app.deadlines.rulebook import ClinicRuleSettings, rulebook_for
from clinic_app.deadlines.rules import (
    CLOSED_DAYS_KEY,
    FINGERPRINT_KEY,
    INSTALLED_KEY,
    OVERRIDES_KEY,
    POLICY_KEY,
    RuleBook,
)
from clinic_app.domain.models import AgencyLetter, Client, Grant, Matter, MatterEvent, Setting
from clinic_app.store import deadlines_pg
from clinic_app.vault import bulk

# Beyond this many affected matters one full pass is cheaper than many small ones.
FULL_THRESHOLD = 5000
INSERT_BATCH = 20_000
_PENDING = "clinic_app.deadlines.pending"
_RULE_SETTINGS = (OVERRIDES_KEY, CLOSED_DAYS_KEY, POLICY_KEY, INSTALLED_KEY)
_COMPUTING_SETTINGS = (OVERRIDES_KEY, CLOSED_DAYS_KEY, INSTALLED_KEY)
_deadline = Deadline.__table__  # type: ignore[attr-defined]
_setting = Setting.__table__  # type: ignore[attr-defined]


@dataclass
class _Pending:
    matters: set[int] = field(default_factory=set)
    letters: set[int] = field(default_factory=set)
    clients: set[int] = field(default_factory=set)
    everything: bool = False

    def __bool__(self) -> bool:
        return bool(self.matters or self.letters or self.clients or self.everything)


@dataclass(frozen=True)
class RefreshReport:
    full: bool
    matters: int
    deadlines: int


# -- reading the clinic's settings -------------------------------------------------------------


def read_settings(conn: Connection) -> dict[str, Any]:
    keys = (*_RULE_SETTINGS, FINGERPRINT_KEY)
    rows = conn.execute(select(_setting.c.key, _setting.c.value).where(_setting.c.key.in_(keys)))
    out: dict[str, Any] = {}
    for key, value in rows:
        try:
            out[key] = json.loads(value)
        except ValueError:
            out[key] = None  # a damaged value counts as no change at all
    return out


def rulebook_from(conn: Connection) -> tuple[RuleBook, str | None]:
    """The effective rules of this vault, and the fingerprint its deadlines were computed with."""
    values = read_settings(conn)
    stored = values.get(FINGERPRINT_KEY)
    fingerprint = stored.get("fingerprint") if isinstance(stored, dict) else None
    return rulebook_for(ClinicRuleSettings.from_settings(values)), fingerprint


def _store_fingerprint(conn: Connection, book: RuleBook, matters: int, deadlines: int) -> None:
    value = json.dumps(
        {
            "fingerprint": book.fingerprint,
            "at": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "matters": matters,
            "deadlines": deadlines,
        }
    )
    updated = conn.execute(
        _setting.update().where(_setting.c.key == FINGERPRINT_KEY).values(value=value)
    )
    if updated.rowcount == 0:
        conn.execute(insert(_setting).values(key=FINGERPRINT_KEY, value=value))


# -- recomputing -------------------------------------------------------------------------------


_COLUMNS = (
    "matter_id",
    "rule_id",
    "occurrence",
    "due",
    "fact_date",
    "unrolled",
    "soon_days",
    "flags",
    "done_reason",
    "done_on",
    "retire_on",
    "letter_id",
    "inactive",
    "merged",
)
_OPTIONAL = ("done_on", "retire_on", "letter_id")  # the columns that may be NULL


class _IsoDates(dict[date | None, str | None]):
    """date -> ISO text, each date formatted once (a recompute formats ~900,000 of them)."""

    def __missing__(self, day: date | None) -> str | None:
        text = day.isoformat() if day is not None else None
        self[day] = text
        return text


def _insert(conn: Connection, planned: Iterable[PlannedDeadline]) -> int:
    """Store planned deadlines; a full recompute writes some 300,000 rows, so this is lean."""
    if conn.dialect.name != "sqlite":
        records = [dict(zip(_COLUMNS, p, strict=True)) for p in planned]
        for start in range(0, len(records), INSERT_BATCH):
            conn.execute(insert(_deadline), records[start : start + INSERT_BATCH])
        return len(records)
    # SQLite stores dates as ISO text (as SQLAlchemy's Date type does). The rows go straight to
    # the driver, grouped by which of the optional columns are empty: the SQLCipher driver
    # binds a None about ten times slower than a value, so those are written as literal NULLs.
    iso = _IsoDates()
    groups: dict[tuple[bool, bool, bool], list[tuple[Any, ...]]] = defaultdict(list)
    for matter, rule, occ, due, fact, unrolled, soon, flags, reason, done_on, retire, letter, off, merged in planned:  # fmt: skip
        row: tuple[Any, ...] = (
            matter,
            rule,
            occ,
            iso[due],
            iso[fact],
            iso[unrolled],
            soon,
            flags,
            reason,
            1 if off else 0,  # the driver binds a bool about twice as slowly as an int
            1 if merged else 0,
        )
        if done_on is not None:
            row += (iso[done_on],)
        if retire is not None:
            row += (iso[retire],)
        if letter is not None:
            row += (letter,)
        groups[(done_on is None, retire is None, letter is None)].append(row)
    count = 0
    always = [c for c in _COLUMNS if c not in _OPTIONAL]
    for empty, rows in groups.items():
        count += len(rows)
        present = [c for c, none in zip(_OPTIONAL, empty, strict=True) if not none]
        names = ", ".join(always + present + [c for c in _OPTIONAL if c not in present])
        values = ", ".join(["?"] * (len(always) + len(present)) + ["NULL"] * (3 - len(present)))
        sql = f"INSERT INTO deadline ({names}) VALUES ({values})"
        for start in range(0, len(rows), INSERT_BATCH):
            conn.exec_driver_sql(sql, rows[start : start + INSERT_BATCH])
    return count


@contextmanager
def _indexes_rebuilt(conn: Connection) -> Iterator[None]:
    """Drop the deadline table's indexes for a full rewrite and build them again afterwards.

    One sorted build is cheaper than 300,000 random inserts into each index. Only on SQLite,
    where DDL is part of the transaction: an error anywhere rolls the indexes back too. Not on
    the clinic server, where only the schema's owner may drop an index and staff log in as
    themselves.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    indexes = sorted(_deadline.indexes, key=lambda index: index.name)
    for index in indexes:
        index.drop(conn)
    yield
    for index in indexes:
        index.create(conn)


def refresh(
    conn: Connection,
    *,
    matter_ids: Collection[int] | None = None,
    letter_ids: Collection[int] = (),
    client_ids: Collection[int] = (),
) -> RefreshReport:
    """Recompute the deadlines of these matters (all when None) inside the caller's transaction.

    The other matters of the same clients are recomputed too (a renewal continues the matter
    before it). Everything is recomputed when the vault's deadlines were computed with other
    rules than the current ones.

    On the clinic server only the matters this person may see are recomputed (the rest follow
    when someone who may see them reads deadlines: see store/deadlines_pg.py), and nothing is
    when their account may not write deadlines (an admin's rule change).
    """
    server = conn.dialect.name == "postgresql"
    if server and not deadlines_pg.can_recompute(conn):
        return RefreshReport(full=False, matters=0, deadlines=0)
    book, stored = rulebook_from(conn)
    wanted: set[int] | None = None
    clients: set[int] = set(client_ids)
    if matter_ids is not None and stored == book.fingerprint:
        wanted = set(matter_ids) | matter_ids_of_letters(conn, letter_ids)
        if not wanted and not clients:
            return RefreshReport(full=False, matters=0, deadlines=0)
        if len(wanted) + len(clients) > FULL_THRESHOLD:
            wanted = None
    if wanted is None:
        with bulk.bulk_work(conn), _indexes_rebuilt(conn):
            conn.execute(delete(_deadline))
            facts = load_facts(conn)
            count = _insert(conn, plan_matters(facts, book))
    else:
        facts = load_facts(conn, client_ids_of(conn, wanted) | clients)
        # Matters that no longer exist lose their rows too.
        for part in chunks(wanted | {f.matter_id for f in facts}):
            conn.execute(delete(_deadline).where(_deadline.c.matter_id.in_(part)))
        count = _insert(conn, plan_matters(facts, book))
    if server:
        done = None if wanted is None else wanted | {f.matter_id for f in facts}
        deadlines_pg.record_basis(conn, book.fingerprint, done)
    if wanted is None or stored != book.fingerprint:
        _store_fingerprint(conn, book, len(facts), count)
    return RefreshReport(full=wanted is None, matters=len(facts), deadlines=count)


def _stale(conn: Connection, book: RuleBook) -> set[int]:
    """Matters (that this person may see) computed with other rules than the clinic's last
    recompute: only on the clinic server, where a recompute reaches what its person may see."""
    if conn.dialect.name != "postgresql":
        return set()
    return deadlines_pg.stale_matters(conn, book.fingerprint)


def is_current(conn: Connection) -> bool:
    """Whether the stored deadlines were computed with the current rules."""
    book, stored = rulebook_from(conn)
    return stored == book.fingerprint and not _stale(conn, book)


def bring_current(conn: Connection) -> RefreshReport:
    """Recompute what is out of date: everything after a rule change not yet recomputed here,
    else (on the clinic server) the matters left behind by a recompute that could not see them."""
    book, stored = rulebook_from(conn)
    if stored == book.fingerprint:
        stale = _stale(conn, book)
        if stale:
            return refresh(conn, matter_ids=stale)
    return refresh(conn)


# -- the hooks ------------------------------------------------------------------------------------
#
# Row-level mapper events note what changed (cheap: only the watched classes, one call per row
# written, whatever the session holds), and one session event recomputes at commit.


def _pending(target: Any) -> _Pending | None:
    session = object_session(target)
    if session is None:
        return None
    found: _Pending | None = session.info.get(_PENDING)
    if found is None:
        found = session.info[_PENDING] = _Pending()
    return found


def note_matters(session: Session, matter_ids: Iterable[int]) -> None:
    """Have these matters' deadlines recomputed at commit, like rows written through the ORM
    (bulk inserts bypass the mapper events that note those)."""
    found: _Pending | None = session.info.get(_PENDING)
    if found is None:
        found = session.info[_PENDING] = _Pending()
    found.matters.update(matter_ids)


def _matter_written(_mapper: Any, _connection: Any, target: Matter) -> None:
    pending = _pending(target)
    if pending is not None and target.id is not None:
        pending.matters.add(target.id)


def _matter_updated(_mapper: Any, _connection: Any, target: Matter) -> None:
    pending = _pending(target)
    if pending is not None and target.id is not None:
        pending.matters.add(target.id)
        # A matter moved to another client: the matters it leaves behind are looked at again.
        old = get_history(target, "client_id", passive=PassiveFlag.PASSIVE_NO_INITIALIZE).deleted
        pending.clients.update(v for v in old or () if v is not None)


def _child_written(_mapper: Any, _connection: Any, target: Grant | MatterEvent) -> None:
    pending = _pending(target)
    if pending is not None:
        pending.matters.add(target.matter_id)


def _child_updated(_mapper: Any, _connection: Any, target: Grant | MatterEvent) -> None:
    pending = _pending(target)
    if pending is not None:
        pending.matters.add(target.matter_id)
        # A row moved to another matter changes the one it left too.
        old = get_history(target, "matter_id", passive=PassiveFlag.PASSIVE_NO_INITIALIZE).deleted
        pending.matters.update(v for v in old or () if v is not None)


def _client_updated(_mapper: Any, _connection: Any, target: Client) -> None:
    # A client who moved to another state may gain or lose rules that depend on the place.
    moved = get_history(target, "state", passive=PassiveFlag.PASSIVE_NO_INITIALIZE)
    if not moved.deleted or target.id is None:
        return
    pending = _pending(target)
    if pending is not None:
        pending.clients.add(target.id)


def _letter_written(_mapper: Any, _connection: Any, target: AgencyLetter) -> None:
    pending = _pending(target)
    if pending is not None and target.id is not None:
        pending.letters.add(target.id)


def _setting_written(_mapper: Any, _connection: Any, target: Setting) -> None:
    if target.key in _COMPUTING_SETTINGS:
        pending = _pending(target)
        if pending is not None:
            pending.everything = True


def _matter_deleted(_mapper: Any, connection: Connection, target: Matter) -> None:
    # A matter's deadline rows, marks and tasks go before it, or its foreign keys would refuse.
    if target.id is None:
        return
    for model in (Deadline, DeadlineState, DeadlineTask):
        table: Any = getattr(model, "__table__")  # noqa: B009  (SQLModel types it loosely)
        connection.execute(delete(table).where(table.c.matter_id == target.id))


def _before_commit(session: Session) -> None:
    if not session.info.get(_PENDING):
        if not (session.new or session.dirty or session.deleted):
            return
        session.flush()  # rows added since the last flush are noted by the mapper events
        if not session.info.get(_PENDING):
            return
    else:
        session.flush()
    pending: _Pending | None = session.info.pop(_PENDING, None)
    if not pending:
        return
    refresh(
        session.connection(),
        matter_ids=None if pending.everything else pending.matters,
        letter_ids=pending.letters,
        client_ids=pending.clients,
    )


def _forget(session: Session, *_args: Any) -> None:
    session.info.pop(_PENDING, None)


_installed = False


def install() -> None:
    """Register the hooks (idempotent; done when this package is imported).

    Writes that bypass the ORM's unit of work (bulk UPDATE or DELETE statements on matters,
    grants or events) are not seen; the app makes none, and `refresh()` can be called after one.
    """
    global _installed
    if _installed:
        return
    for name in ("after_insert", "after_delete"):
        event.listen(Matter, name, _matter_written)
        event.listen(Grant, name, _child_written)
        event.listen(MatterEvent, name, _child_written)
    event.listen(Matter, "after_update", _matter_updated)
    event.listen(Grant, "after_update", _child_updated)
    event.listen(MatterEvent, "after_update", _child_updated)
    event.listen(Client, "after_update", _client_updated)
    for name in ("after_insert", "after_update", "after_delete"):
        event.listen(AgencyLetter, name, _letter_written)
    for name in ("after_insert", "after_update"):
        event.listen(Setting, name, _setting_written)
    event.listen(Matter, "before_delete", _matter_deleted)
    event.listen(Session, "before_commit", _before_commit)
    event.listen(Session, "after_rollback", _forget)
    event.listen(Session, "after_soft_rollback", _forget)
    _installed = True


install()
