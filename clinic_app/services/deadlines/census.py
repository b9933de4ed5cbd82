"""The census of open deadlines: counted by date, rule, matter state, letter and pairing.

Everything a tier or a row depends on is stored on the deadline rows when they are computed
(see `PlannedDeadline`), and the open-deadline index holds it in the order of this query's
grouping: the census reads that index alone, with no joins, so the queue's tiers and counts
stay fast on a big vault. Staff marks (done, snoozed) are few and are taken back out after.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any, NamedTuple

from sqlalchemy import func, or_, select

from clinic_app.deadlines import urgency
from clinic_app.deadlines.engine import INACTIVE_DECISIONS, PAIRED_PERMIT
from clinic_app.deadlines.facts import as_date, chunks, driver_value, fetch_all
from clinic_app.deadlines.rules import RuleBook
from clinic_app.services.deadlines.query import _d, _m, _st

UNASSIGNED = -1  # as an assignee id: only matters and tasks nobody is assigned to

Mark = tuple[int, str, str]  # (matter, rule, occurrence) of a deadline staff marked


def _assigned(column: Any, assignee_id: int | None) -> Any:
    return column.is_(None) if assignee_id == UNASSIGNED else column == assignee_id


class _Key(NamedTuple):
    rule_id: str
    due: date
    soon_days: int
    inactive: bool
    letter_id: int | None
    merged: bool  # a grant end said in its work-permit row


Counter_ = dict[_Key, int]


class Census(NamedTuple):
    counts: Counter_  # open deadlines by key (staff marks taken out)
    marks: frozenset[Mark]  # deadlines marked done, or snoozed past today
    # (matter, day) of work-permit ends staff marked: their grant end is shown on its own.
    unpaired: frozenset[tuple[int, date]]


def _rule_ids(book: RuleBook, kinds: Iterable[str]) -> list[str]:
    wanted = set(kinds)
    return sorted(r.id for p in book.packs.values() for r in p.rules if r.kind in wanted)


def open_due(today: date) -> tuple[Any, ...]:
    """Open deadlines shown by the queue on `today` (due within its horizon, not retired)."""
    horizon = today + timedelta(days=urgency.HORIZON_DAYS)
    return (
        _d.done_reason == "",
        _d.due <= horizon,
        or_(_d.retire_on.is_(None), _d.retire_on > today),
    )


# The key's columns, in the index's order (so SQLite groups as it walks the index).
KEY_COLUMNS = (_d.due, _d.soon_days, _d.rule_id, _d.inactive, _d.letter_id, _d.merged)
KEY_DRIVER_COLUMNS = tuple(map(driver_value, KEY_COLUMNS))  # as the driver returns them


def key_of(due: Any, soon: int, rule_id: str, off: Any, letter_id: Any, merged: Any) -> _Key:
    day = as_date(due)
    assert day is not None
    return _Key(rule_id, day, soon, bool(off), letter_id, bool(merged))


def theirs(assignee_id: int | None) -> Any:
    """The matters of one staff member (or of nobody), for a `matter_id IN` filter."""
    return select(_m.id).where(_assigned(_m.assigned_staff_id, assignee_id))


def marked(conn: Any, today: date) -> frozenset[Mark]:
    query = select(_st.matter_id, _st.rule_id, _st.occurrence).where(
        or_(_st.done_at.is_not(None), _st.snoozed_until > today)
    )
    return frozenset((m, r, o) for m, r, o in conn.execute(query))


def _census(conn: Any, book: RuleBook, today: date, assignee_id: int | None) -> Census:
    grouped = KEY_DRIVER_COLUMNS
    query = select(*grouped, func.count()).where(*open_due(today)).group_by(*KEY_COLUMNS)
    if assignee_id is not None:
        query = query.where(_d.matter_id.in_(theirs(assignee_id)))
    found: Counter_ = defaultdict(int)
    # Thousands of keys: plain tuples from the driver (no row objects, no type processing).
    for due, soon, rule_id, off, letter_id, merged, n in fetch_all(conn, query):
        found[_Key(rule_id, as_date(due), soon, bool(off), letter_id, bool(merged))] += n  # type: ignore[arg-type]
    marks = marked(conn, today)
    unpaired: set[tuple[int, date]] = set()
    if marks:
        # The few marked rows come out of their keys; the open rows of their matters are read
        # whole, so a grant end merged into a permit that staff marked is counted on its own.
        permits = set(_rule_ids(book, [PAIRED_PERMIT]))
        rows = []
        for part in chunks({m for m, _r, _o in marks}):
            query = select(_d.matter_id, _d.occurrence, *grouped).where(
                _d.matter_id.in_(part), *open_due(today)
            )
            if assignee_id is not None:
                query = query.where(_d.matter_id.in_(theirs(assignee_id)))
            rows += [(m, o, key_of(*key)) for m, o, *key in conn.execute(query)]
        for matter, occurrence, key in rows:
            if (matter, key.rule_id, occurrence) in marks:
                found[key] -= 1
                if key.rule_id in permits:
                    unpaired.add((matter, key.due))
        for matter, occurrence, key in rows:
            mark = (matter, key.rule_id, occurrence)
            if key.merged and (matter, key.due) in unpaired and mark not in marks:
                found[key] -= 1
                found[key._replace(merged=False)] += 1
    return Census({k: n for k, n in found.items() if n > 0}, marks, frozenset(unpaired))


def _rule_facts(book: RuleBook) -> dict[str, tuple[str, str]]:
    """Rule id -> (kind, severity), built once per rule book (a census has thousands of keys)."""
    found: dict[str, tuple[str, str]] | None = book.memo.get("urgency.rule_facts")
    if found is None:
        found = {r.id: (r.kind, r.severity) for p in book.packs.values() for r in p.rules}
        found["task"] = ("task", "normal")
        book.memo["urgency.rule_facts"] = found
    return found


def _tier(key: _Key, book: RuleBook, today: date, stale: int) -> str | None:
    kind = _rule_facts(book)[key.rule_id][0]
    return urgency.tier_of(
        kind, key.due, key.soon_days, today, inactive=key.inactive, stale_after=stale
    )


def _severity(book: RuleBook, rule_id: str) -> str:
    return _rule_facts(book)[rule_id][1]


def _inactive(conn: Any, matter_ids: set[int]) -> set[int]:
    if not matter_ids:
        return set()
    query = select(_m.id).where(
        _m.id.in_(sorted(matter_ids)),
        or_(_m.status == "closed", _m.decision.in_(INACTIVE_DECISIONS)),
    )
    return set(conn.execute(query).scalars())
