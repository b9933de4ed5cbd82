"""The census of open deadlines: counted by rule, date, matter state, letter and pairing.

Read from the open-deadline index in one grouped query (what each row needs beyond the index
is looked up only for the rows that need it), so the queue's tiers and counts stay fast on a
big vault.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any, NamedTuple

from sqlalchemy import and_, case, func, literal, or_, select, tuple_

from clinic_app.deadlines import urgency
from clinic_app.deadlines.facts import as_date, driver_value
from clinic_app.deadlines.models import Deadline as DeadlineRow
from clinic_app.deadlines.rules import RuleBook
from clinic_app.domain.models import Matter
from clinic_app.services.deadlines.query import _d, _m, _st

INACTIVE_DECISIONS = ("denied", "withdrawn")  # with "closed": a matter no longer active
UNASSIGNED = -1  # as an assignee id: only matters and tasks nobody is assigned to


def _assigned(column: Any, assignee_id: int | None) -> Any:
    return column.is_(None) if assignee_id == UNASSIGNED else column == assignee_id


class _Key(NamedTuple):
    rule_id: str
    due: date
    soon_days: int
    inactive: bool
    letter_id: int | None
    merged: bool  # a grant end said in its work-permit row


def _rule_ids(book: RuleBook, kinds: Iterable[str]) -> list[str]:
    wanted = set(kinds)
    return sorted(r.id for p in book.packs.values() for r in p.rules if r.kind in wanted)


def _census_columns(book: RuleBook, today: date, stale: int) -> tuple[Any, Any, Any]:
    """Matter inactive, agency letter, paired: each looked up only for the rows that need it."""
    matter = Matter.__table__.alias("qm")  # type: ignore[attr-defined]
    other = DeadlineRow.__table__.alias("qd")  # type: ignore[attr-defined]
    permits = _rule_ids(book, ["work_permit_end"])
    cutoff = today - timedelta(days=stale)
    inactive = case(
        (
            or_(_d.due < cutoff, and_(_d.rule_id.in_(permits), _d.due < today)),
            select(
                case(
                    (
                        or_(
                            matter.c.status == "closed",
                            matter.c.decision.in_(INACTIVE_DECISIONS),
                        ),
                        1,
                    ),
                    else_=0,
                )
            )
            .where(matter.c.id == _d.matter_id)
            .scalar_subquery(),
        ),
        else_=0,
    ).label("inactive")
    letter = case(
        (
            _d.rule_id.in_(_rule_ids(book, urgency.LETTER_GROUPED_KINDS)),
            select(matter.c.agency_letter_id).where(matter.c.id == _d.matter_id).scalar_subquery(),
        ),
        else_=literal(None),
    ).label("letter")
    merged = case(
        (
            _d.rule_id.in_(_rule_ids(book, ["grant_end"])),
            select(func.count())
            .select_from(other)
            .where(
                other.c.matter_id == _d.matter_id,
                other.c.rule_id.in_(permits),
                other.c.due == _d.due,
                other.c.done_reason == "",
            )
            .scalar_subquery(),
        ),
        else_=0,
    ).label("merged")
    return inactive, letter, merged


def _census(
    conn: Any, book: RuleBook, today: date, stale: int, assignee_id: int | None
) -> Counter_:
    horizon = today + timedelta(days=urgency.HORIZON_DAYS)
    inactive, letter, merged = _census_columns(book, today, stale)
    open_due = (
        _d.done_reason == "",
        _d.due <= horizon,
        or_(_d.retire_on.is_(None), _d.retire_on > today),
    )
    theirs = select(_m.id).where(_assigned(_m.assigned_staff_id, assignee_id))
    keyed = (_d.rule_id, driver_value(_d.due), _d.soon_days, inactive, letter, merged)
    query = select(*keyed, func.count()).where(*open_due).group_by(*keyed)
    if assignee_id is not None:
        query = query.where(_d.matter_id.in_(theirs))
    found: Counter_ = defaultdict(int)
    for rule_id, due, soon, off, letter_id, paired, n in conn.execute(query):
        found[_Key(rule_id, as_date(due), soon, bool(off), letter_id, bool(paired))] += n  # type: ignore[arg-type]
    # Staff marks (done, or snoozed past today) are few: take their rows back out.
    marked = select(_st.matter_id, _st.rule_id, _st.occurrence).where(
        or_(_st.done_at.is_not(None), _st.snoozed_until > today)
    )
    marks = {tuple(row) for row in conn.execute(marked)}
    if marks:
        query = select(_d.matter_id, _d.rule_id, _d.occurrence, *keyed).where(
            *open_due, tuple_(_d.matter_id, _d.rule_id, _d.occurrence).in_(list(marks))
        )
        if assignee_id is not None:
            query = query.where(_d.matter_id.in_(theirs))
        for _mid, _rid, _occ, rule_id, due, soon, off, letter_id, paired in conn.execute(query):
            key = _Key(rule_id, as_date(due), soon, bool(off), letter_id, bool(paired))  # type: ignore[arg-type]
            found[key] -= 1
            if found[key] <= 0:
                del found[key]
    return found


Counter_ = dict[_Key, int]


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
