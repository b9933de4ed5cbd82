"""Deadline lists and the dashboard's counts, as seen on a day."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, or_, select

from clinic_app.deadlines import engine, finishing, sync
from clinic_app.deadlines.engine import Deadline
from clinic_app.deadlines.facts import as_date, chunks, driver_value, fetch_all
from clinic_app.errors import UserError
from clinic_app.i18n import _
from clinic_app.services.deadlines.query import (
    _d,
    _deadline_query,
    _finish_rows,
    _finish_tasks,
    _m,
    _open_filters,
    _st,
    _t,
    _task_filters,
    _task_query,
    ensure_current,
)
from clinic_app.store.base import Store


@dataclass(frozen=True)
class Dashboard:
    """What the dashboard shows: counts by status and the first deadlines, soonest first."""

    today: date
    within: int
    counts: dict[str, int]  # overdue, due_soon, upcoming (within the horizon), snoozed
    deadlines: list[Deadline]  # open ones due by today + within, at most `limit`
    total: int  # how many open deadlines are due by today + within (overdue included)
    # For each of the `also_within` horizons asked for (each <= within): how many open
    # deadlines are due by today + that many days, overdue included.
    total_within: dict[int, int] = field(default_factory=dict)


def list_deadlines(
    vault: Store,
    *,
    today: date,
    within: int | None = None,
    overdue: bool = False,
    assignee_id: int | None = None,
    matter_id: int | None = None,
    client_id: int | None = None,
    include_done: bool = False,
    limit: int | None = None,
    lang: str | None = None,
) -> list[Deadline]:
    """Deadlines and tasks as seen on `today`, soonest first.

    By default every deadline not yet done (snoozed ones included, shown as snoozed).
    `within`: only action items due by today + within days (overdue ones included, snoozed
    ones left out). `overdue`: only overdue ones. `include_done`: done ones too (with `within`:
    everything due by then, done and snoozed included; not with `overdue`).
    """
    if within is not None and within < 0:
        raise UserError(_("The number of days ahead must be zero or more."))
    ensure_current(vault)
    query = _deadline_query(today)
    tasks = _task_query()
    # Overdue lists what still needs doing; a window with done ones shows everything due in it.
    with_done = include_done and not overdue
    if not with_done:
        query = _open_filters(query, today, within, overdue)
        tasks = _task_filters(tasks, today, within, overdue, False)
    elif within is not None:
        query = query.where(_d.due <= today + timedelta(days=within))
        tasks = tasks.where(_t.due <= today + timedelta(days=within))
    if assignee_id is not None:
        query = query.where(_m.assigned_staff_id == assignee_id)
        tasks = tasks.where(_t.assigned_staff_id == assignee_id)
    if matter_id is not None:
        query = query.where(_d.matter_id == matter_id)
        tasks = tasks.where(_t.matter_id == matter_id)
    if client_id is not None:
        query = query.where(_m.client_id == client_id)
        tasks = tasks.where(_m.client_id == client_id)
    order = (_d.due, _d.matter_id, _d.rule_id, _d.occurrence)
    query = query.order_by(*order)
    tasks = tasks.order_by(_t.due, _t.id)
    if limit is not None:
        query, tasks = query.limit(limit), tasks.limit(limit)
    with vault.reader() as session:
        conn = session.connection()
        book = sync.rulebook_from(conn)[0]
        found = _finish_rows(fetch_all(conn, query), book, today, lang)
        found += _finish_tasks(fetch_all(conn, tasks), book, today)
    found.sort(key=finishing.sort_key)
    return found[:limit] if limit is not None else found


def dashboard(
    vault: Store,
    *,
    today: date,
    within: int = 30,
    assignee_id: int | None = None,
    limit: int = 200,
    lang: str | None = None,
    also_within: Sequence[int] = (),
) -> Dashboard:
    """Counts by status of everything due by today + within, and the first `limit` of them.

    `also_within` adds totals for shorter horizons from the same reads (the Today screen's
    "this week / next 30 days" figures), rather than one dashboard call per horizon.
    """
    ensure_current(vault)
    horizon = today + timedelta(days=within)
    open_due = (
        _d.done_reason == "",
        _d.due <= horizon,
        or_(_d.retire_on.is_(None), _d.retire_on > today),
    )
    # Counted from the partial index of open deadlines alone (see the Deadline model)...
    counts_query = (
        select(driver_value(_d.due), _d.soon_days, func.count())
        .where(*open_due)
        .group_by(_d.due, _d.soon_days)
    )
    if assignee_id is not None:
        theirs = select(_m.id).where(_m.assigned_staff_id == assignee_id)
        counts_query = counts_query.where(_d.matter_id.in_(theirs))
    counts = dict.fromkeys(("overdue", "due_soon", "upcoming", "snoozed"), 0)
    open_by_day: Counter[date] = Counter()  # not snoozed, by due date: for `also_within`
    with vault.reader() as session:
        conn = session.connection()
        for due, soon, number in fetch_all(conn, counts_query):
            day = as_date(due)
            assert day is not None
            counts[finishing.status_of(day, today, soon)] += number
            open_by_day[day] += number
        # ...then corrected for the few that staff marked done or snoozed (read from the small
        # table of marks first, so the database never walks the big one for them).
        marks = {
            (m, r, o): (done_at, snoozed)
            for m, r, o, done_at, snoozed in conn.execute(
                select(
                    _st.matter_id,
                    _st.rule_id,
                    _st.occurrence,
                    driver_value(_st.done_at),
                    driver_value(_st.snoozed_until),
                ).where(or_(_st.done_at.is_not(None), _st.snoozed_until > today))
            )
        }
        for part in chunks({m for m, _r, _o in marks}):
            query = select(
                _d.matter_id, _d.rule_id, _d.occurrence, driver_value(_d.due), _d.soon_days
            ).where(_d.matter_id.in_(part), *open_due)
            if assignee_id is not None:
                query = query.where(_d.matter_id.in_(theirs))
            for matter_id, rule_id, occurrence, due, soon in conn.execute(query):
                mark = marks.get((matter_id, rule_id, occurrence))
                if mark is None:
                    continue
                day = as_date(due)
                assert day is not None
                counts[finishing.status_of(day, today, soon)] -= 1
                open_by_day[day] -= 1
                if mark[0] is None:  # snoozed, not done
                    counts["snoozed"] += 1
        task_query = _task_filters(
            select(driver_value(_t.due), driver_value(_t.snoozed_until)), today, None, False, False
        ).where(_t.due <= horizon)
        if assignee_id is not None:
            task_query = task_query.where(_t.assigned_staff_id == assignee_id)
        for due, snoozed_until in conn.execute(task_query):
            day = as_date(due)
            assert day is not None
            status = finishing.status_of(
                day, today, engine.TASK_SOON_DAYS, snoozed_until=as_date(snoozed_until)
            )
            counts[status] += 1
            if status != "snoozed":
                open_by_day[day] += 1
    # The list leaves snoozed ones out; they are only counted.
    shown = (
        list_deadlines(
            vault, today=today, within=within, assignee_id=assignee_id, limit=limit, lang=lang
        )
        if limit
        else []
    )
    total = counts["overdue"] + counts["due_soon"] + counts["upcoming"]
    total_within = {
        days: sum(n for day, n in open_by_day.items() if day <= today + timedelta(days=days))
        for days in also_within
    }
    return Dashboard(
        today=today,
        within=within,
        counts=counts,
        deadlines=shown,
        total=total,
        total_within=total_within,
    )
