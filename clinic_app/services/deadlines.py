"""Deadlines and reminders: lists, the dashboard, done/snooze, tasks, rules, calendars, policy.

Computed deadlines are stored (see `clinic_app.deadlines.sync`, which keeps them current on
every write); what depends on the day (status, the policy in force) is worked out when they
are read, from the `today` the caller passes in. Nothing here reads the clock.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlmodel import Session

from clinic_app.deadlines import engine, sync
from clinic_app.deadlines import ics as ics
from clinic_app.deadlines.engine import (
    Deadline,
    MatterContext,
    PlannedDeadline,
    StaffMark,
    TaskFacts,
)
from clinic_app.deadlines.facts import as_date, chunks, driver_value, fetch_all
from clinic_app.deadlines.models import Deadline as DeadlineRow
from clinic_app.deadlines.models import DeadlineState, DeadlineTask
from clinic_app.deadlines.rules import (
    CLOSED_DAYS_KEY,
    KINDS,
    MAX_DAYS,
    OVERRIDES_KEY,
    POLICY_KEY,
    POLICY_STATUSES,
    PolicyEntry,
    Rule,
    RuleBook,
)
from clinic_app.domain import validators as v
from clinic_app.domain.models import Client, Grant, Matter, Setting, StaffMember
from clinic_app.domain.text import full_name
from clinic_app.errors import NotFoundError, UserError, ValidationError
from clinic_app.services._base import get_or_fail, insert, now, require_id
from clinic_app.services.changes import DEADLINE, SETTING, Changed, ChangeSet
from clinic_app.vault import audit
from clinic_app.vault.fsutil import atomic_write
from clinic_app.vault.vault import Vault

TASK = "task"
MAX_TASK_TITLE = 500
NAME_MODES = ics.NAME_MODES
KIND_TITLES = KINDS  # titles of deadline kinds, for screens and reports

_d = DeadlineRow.__table__.c  # type: ignore[attr-defined]
_st = DeadlineState.__table__.c  # type: ignore[attr-defined]
_t = DeadlineTask.__table__.c  # type: ignore[attr-defined]
_m = Matter.__table__.c  # type: ignore[attr-defined]
_c = Client.__table__.c  # type: ignore[attr-defined]
_s = StaffMember.__table__.c  # type: ignore[attr-defined]
_g = Grant.__table__.c  # type: ignore[attr-defined]


# -- records ---------------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class RuleRecord:
    id: str
    program: str
    kind: str
    fact: str
    days: int
    direction: str
    describe: str
    roll: str
    severity: str
    soon_days: int
    reminders: tuple[int, ...]
    basis: str
    message: str
    why: str
    source: str
    last_checked: date | None
    when: tuple[str, ...]
    done_when: tuple[str, ...]
    overridden: dict[str, list[Any]]  # {"days": [shipped, now]}


@dataclass(frozen=True)
class PolicyRecord:
    status: str
    date: dt.date
    summary: str
    source: str
    last_checked: dt.date | None
    recorded_by_clinic: bool


@dataclass(frozen=True)
class ProgramRecord:
    id: str
    title: str
    description: str
    caution: str
    policy_status: str | None
    policy_since: date | None
    policy: tuple[PolicyRecord, ...]
    rules: tuple[RuleRecord, ...]


@dataclass(frozen=True)
class AffectedMatter:
    matter_id: int
    client_id: int
    client: str
    preferred_language: str
    program: str
    kind: str
    status: str
    decision: str | None
    grant_end: date | None
    work_permit_end: date | None
    terminated_on: date | None
    assignee: str


@dataclass(frozen=True)
class AffectedReport:
    program: str
    policy_status: str | None
    policy_since: date | None
    matters: list[AffectedMatter]
    by_language: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class CalendarExport:
    path: Path
    events: int
    names: str


# -- keeping stored deadlines current -------------------------------------------------------------


def ensure_current(vault: Vault) -> bool:
    """Recompute every deadline if they were computed with other rules (True if it did)."""
    with vault.reader() as session:
        if sync.is_current(session.connection()):
            return False
    recompute_all(vault)
    return True


def recompute_all(vault: Vault) -> sync.RefreshReport:
    """Recompute the deadlines of every matter (normally automatic; for repairs and benchmarks)."""
    with vault.session() as session:
        return sync.refresh(session.connection())


def rulebook(vault: Vault) -> RuleBook:
    """The vault's effective rules (shipped packs with the clinic's changes)."""
    with vault.reader() as session:
        return sync.rulebook_from(session.connection())[0]


# -- reading deadlines -----------------------------------------------------------------------------


def _deadline_query(today: date) -> Any:
    staff = StaffMember.__table__.alias("assignee")  # type: ignore[attr-defined]
    columns = (
        _d.matter_id,
        _d.rule_id,
        _d.occurrence,
        _d.due,
        _d.fact_date,
        _d.unrolled,
        _d.soon_days,
        _d.flags,
        _d.done_reason,
        _d.done_on,
        _d.retire_on,
        _m.client_id,
        _m.program,
        _m.assigned_staff_id,
        _c.first_name,
        _c.last_name,
        staff.c.name,
        _st.done_at,
        _st.done_by,
        _st.snoozed_until,
    )
    joined = (
        DeadlineRow.__table__.join(Matter.__table__, _m.id == _d.matter_id)  # type: ignore[attr-defined]
        .join(Client.__table__, _c.id == _m.client_id)  # type: ignore[attr-defined]
        .outerjoin(staff, staff.c.id == _m.assigned_staff_id)
        .outerjoin(
            DeadlineState.__table__,  # type: ignore[attr-defined]
            and_(
                _st.matter_id == _d.matter_id,
                _st.rule_id == _d.rule_id,
                _st.occurrence == _d.occurrence,
            ),
        )
    )
    return (
        select(*map(driver_value, columns))
        .select_from(joined)
        .where(or_(_d.retire_on.is_(None), _d.retire_on > today))
    )


def _open_filters(query: Any, today: date, within: int | None, overdue: bool) -> Any:
    query = query.where(_d.done_reason == "", _st.done_at.is_(None))
    not_snoozed = or_(_st.snoozed_until.is_(None), _st.snoozed_until <= today)
    if overdue:
        query = query.where(_d.due < today, not_snoozed)
    if within is not None:
        query = query.where(_d.due <= today + timedelta(days=within), not_snoozed)
    return query


def _task_query() -> Any:
    staff = StaffMember.__table__.alias("assignee")  # type: ignore[attr-defined]
    columns = (
        _t.id,
        _t.matter_id,
        _t.title,
        _t.due,
        _t.assigned_staff_id,
        _t.created_by,
        _t.created_at,
        _t.done_at,
        _t.done_by,
        _t.snoozed_until,
        _m.client_id,
        _m.program,
        _c.first_name,
        _c.last_name,
        staff.c.name,
    )
    joined = (
        DeadlineTask.__table__.join(Matter.__table__, _m.id == _t.matter_id)  # type: ignore[attr-defined]
        .join(Client.__table__, _c.id == _m.client_id)  # type: ignore[attr-defined]
        .outerjoin(staff, staff.c.id == _t.assigned_staff_id)
    )
    return select(*map(driver_value, columns)).select_from(joined)


def _task_filters(query: Any, today: date, within: int | None, overdue: bool, done: bool) -> Any:
    if not done:
        query = query.where(_t.done_at.is_(None))
    not_snoozed = or_(_t.snoozed_until.is_(None), _t.snoozed_until <= today)
    if overdue:
        query = query.where(_t.due < today, not_snoozed)
    if within is not None:
        query = query.where(_t.due <= today + timedelta(days=within), not_snoozed)
    return query


def _as_datetime(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _mark(done_at: Any, done_by: Any, snoozed: Any) -> StaffMark | None:
    if done_at is None and snoozed is None:
        return None
    return StaffMark(
        done_at=_as_datetime(done_at), done_by=done_by or "", snoozed_until=as_date(snoozed)
    )


def _finish_rows(
    rows: Iterable[Any], book: RuleBook, today: date, lang: str | None
) -> list[Deadline]:
    out = []
    policies: dict[str, PolicyEntry | None] = {}
    names: dict[int, str] = {}
    for (
        matter_id,
        rule_id,
        occurrence,
        due,
        fact_date,
        unrolled,
        soon,
        flags,
        reason,
        done_on,
        retire_on,
        client_id,
        program,
        staff_id,
        first,
        last,
        assignee,
        done_at,
        done_by,
        snoozed,
    ) in rows:
        name = names.get(client_id)
        if name is None:
            name = names[client_id] = full_name(first or "", last or "")
        planned = PlannedDeadline(
            matter_id,
            rule_id,
            occurrence,
            as_date(due),  # type: ignore[arg-type]
            as_date(fact_date),  # type: ignore[arg-type]
            as_date(unrolled),  # type: ignore[arg-type]
            soon,
            flags,
            reason,
            as_date(done_on),
            as_date(retire_on),
        )
        context = MatterContext(client_id, program, staff_id, name, assignee or "")
        try:
            finished = engine.finish(
                planned,
                book,
                today,
                context,
                mark=_mark(done_at, done_by, snoozed),
                lang=lang,
                policies=policies,
            )
        except UserError:
            continue  # a rule removed since the last recompute (ensure_current prevents it)
        out.append(finished)
    return out


def _finish_tasks(rows: Iterable[Any], book: RuleBook, today: date) -> list[Deadline]:
    out = []
    policies: dict[str, PolicyEntry | None] = {}
    for (
        task_id,
        matter_id,
        title,
        due,
        staff_id,
        created_by,
        created_at,
        done_at,
        done_by,
        snoozed,
        client_id,
        program,
        first,
        last,
        assignee,
    ) in rows:
        task = TaskFacts(
            id=task_id,
            matter_id=matter_id,
            title=title,
            due=as_date(due),  # type: ignore[arg-type]
            assigned_staff_id=staff_id,
            created_by=created_by or "",
            created_on=as_date(created_at),
            mark=_mark(done_at, done_by, snoozed) or StaffMark(),
        )
        context = MatterContext(
            client_id, program, staff_id, full_name(first or "", last or ""), assignee or ""
        )
        out.append(engine.finish_task(task, book, today, context, policies=policies))
    return out


def list_deadlines(
    vault: Vault,
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
    ones left out). `overdue`: only overdue ones. `include_done`: done ones too (not with
    `within` or `overdue`, which list what still needs doing).
    """
    if within is not None and within < 0:
        raise UserError("The number of days ahead must be zero or more.")
    ensure_current(vault)
    query = _deadline_query(today)
    tasks = _task_query()
    # Action lists (overdue, within N days) are never about what is done.
    with_done = include_done and not overdue and within is None
    if not with_done:
        query = _open_filters(query, today, within, overdue)
    tasks = _task_filters(tasks, today, within, overdue, with_done)
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
    found.sort(key=engine.sort_key)
    return found[:limit] if limit is not None else found


def dashboard(
    vault: Vault,
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
            counts[engine.status_of(day, today, soon)] += number
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
                counts[engine.status_of(day, today, soon)] -= 1
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
            status = engine.status_of(
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


# -- refs, done, snooze, reopen --------------------------------------------------------------------


@dataclass(frozen=True)
class _Ref:
    task_id: int | None = None
    matter_id: int = 0
    rule_id: str = ""
    occurrence: str = ""


def parse_ref(ref: str) -> _Ref:
    """'123-lda.renewal_file_by', '123-lda.rfe_response_due-e7' or 'task-5'."""
    text = ref.strip()
    bad = UserError(
        f"'{ref}' is not a deadline id; 'clinic-app deadlines' lists them "
        "(like 12-lda.renewal_file_by or task-3)."
    )
    if text.startswith("task-"):
        number = text[5:]
        if not number.isdigit():
            raise bad
        return _Ref(task_id=int(number))
    parts = text.split("-", 2)
    if len(parts) < 2 or not parts[0].isdigit() or not parts[1]:
        raise bad
    return _Ref(
        matter_id=int(parts[0]), rule_id=parts[1], occurrence=parts[2] if len(parts) > 2 else ""
    )


def _require_deadline(session: Session, ref: _Ref, text: str) -> None:
    found = (
        session.connection()
        .execute(
            select(_d.id)
            .where(
                _d.matter_id == ref.matter_id,
                _d.rule_id == ref.rule_id,
                _d.occurrence == ref.occurrence,
            )
            .limit(1)
        )
        .first()
    )
    if found is None:
        raise NotFoundError(
            f"There is no deadline {text}; 'clinic-app deadlines' lists the deadline ids."
        )


def _state_row(session: Session, ref: _Ref) -> DeadlineState:
    from sqlmodel import select as sm_select

    row = session.exec(
        sm_select(DeadlineState).where(
            DeadlineState.matter_id == ref.matter_id,
            DeadlineState.rule_id == ref.rule_id,
            DeadlineState.occurrence == ref.occurrence,
        )
    ).first()
    if row is None:
        row = DeadlineState(
            matter_id=ref.matter_id,
            rule_id=ref.rule_id,
            occurrence=ref.occurrence,
            updated_at=now(),
        )
    return row


def _change(
    vault: Vault,
    ref_text: str,
    action: str,
    apply: Callable[[Any, str], None],
    summary_extra: str = "",
) -> _Ref:
    ref = parse_ref(ref_text)
    ensure_current(vault)
    actor = vault.actor
    with vault.session() as session:
        if ref.task_id is not None:
            task = get_or_fail(session, DeadlineTask, ref.task_id, "task")
            apply(task, actor)
            session.add(task)
            audit.record(
                session,
                action=action,
                record_kind=TASK,
                record_id=ref.task_id,
                summary=summary_extra,
            )
        else:
            _require_deadline(session, ref, ref_text)
            state = _state_row(session, ref)
            apply(state, actor)
            state.updated_at = now()
            session.add(state)
            audit.record(
                session,
                action=action,
                record_kind="matter",
                record_id=ref.matter_id,
                summary=" ".join(p for p in (ref.rule_id, ref.occurrence, summary_extra) if p),
            )
    return ref


def get_deadline(vault: Vault, *, ref: str, today: date, lang: str | None = None) -> Deadline:
    """One deadline or task by its id, as seen on `today` (done ones included)."""
    parsed = parse_ref(ref)
    if parsed.task_id is not None:
        with vault.reader() as session:
            conn = session.connection()
            book = sync.rulebook_from(conn)[0]
            rows = fetch_all(conn, _task_query().where(_t.id == parsed.task_id))
            found = _finish_tasks(rows, book, today)
        if not found:
            raise NotFoundError(f"There is no task with id {parsed.task_id}.")
        return found[0]
    ensure_current(vault)
    query = _deadline_query(today).where(
        _d.matter_id == parsed.matter_id,
        _d.rule_id == parsed.rule_id,
        _d.occurrence == parsed.occurrence,
    )
    with vault.reader() as session:
        conn = session.connection()
        book = sync.rulebook_from(conn)[0]
        found = _finish_rows(fetch_all(conn, query), book, today, lang)
    if not found:
        raise NotFoundError(
            f"There is no deadline {ref.strip()}; 'clinic-app deadlines' lists the deadline ids."
        )
    return found[0]


def mark_done(vault: Vault, *, ref: str, today: date) -> Changed[Deadline]:
    """Mark a deadline or task done; who and when go in the audit log and beside the mark."""

    def apply(row: Any, actor: str) -> None:
        row.done_at = now()
        row.done_by = actor
        row.snoozed_until = None

    parsed = _change(vault, ref, "deadline_done", apply)
    return Changed(get_deadline(vault, ref=ref, today=today), _changes(parsed))


def snooze(vault: Vault, *, ref: str, until: date | str, today: date) -> Changed[Deadline]:
    """Hide a deadline or task from the action lists until a later date."""
    day = v.parse_date(until, "snooze until")
    if day is None or day <= today:
        raise ValidationError("snooze until", "give a date after today.")

    def apply(row: Any, actor: str) -> None:
        row.snoozed_until = day
        row.snoozed_by = actor

    parsed = _change(vault, ref, "deadline_snooze", apply, f"until {day.isoformat()}")
    return Changed(get_deadline(vault, ref=ref, today=today), _changes(parsed))


def reopen(vault: Vault, *, ref: str, today: date) -> Changed[Deadline]:
    """Undo a done mark or a snooze."""

    def apply(row: Any, _actor: str) -> None:
        row.done_at = None
        row.done_by = ""
        row.snoozed_until = None
        row.snoozed_by = ""

    parsed = _change(vault, ref, "deadline_reopen", apply)
    return Changed(get_deadline(vault, ref=ref, today=today), _changes(parsed))


def _changes(ref: _Ref) -> ChangeSet:
    if ref.task_id is not None:
        return ChangeSet.of(DEADLINE, ref.task_id)
    return ChangeSet(kinds=frozenset({DEADLINE}))


# -- tasks ------------------------------------------------------------------------------------------


def add_task(
    vault: Vault,
    *,
    matter_id: int,
    due: date | str,
    title: str,
    today: date,
    assignee_id: int | None = None,
) -> Changed[Deadline]:
    """A manual task on a matter; the assignee defaults to the matter's."""
    text = v.require_text(title, "task")
    if len(text) > MAX_TASK_TITLE:
        raise ValidationError("task", f"keep it under {MAX_TASK_TITLE} characters.")
    day = v.parse_date(due, "due date")
    if day is None:
        raise ValidationError("due date", "a task needs a due date.")
    with vault.session() as session:
        matter = get_or_fail(session, Matter, matter_id, "matter")
        if assignee_id is not None:
            get_or_fail(session, StaffMember, assignee_id, "staff member")
        row = DeadlineTask(
            matter_id=matter_id,
            title=text,
            due=day,
            assigned_staff_id=assignee_id if assignee_id is not None else matter.assigned_staff_id,
            created_at=now(),
            created_by=vault.actor,
        )
        task_id = require_id(insert(session, row, TASK).id)
    return Changed(
        get_deadline(vault, ref=engine.task_ref(task_id), today=today),
        ChangeSet.of(DEADLINE, task_id),
    )


# -- rules, closed days, policy ---------------------------------------------------------------------


def _rule_record(rule: Rule) -> RuleRecord:
    return RuleRecord(
        id=rule.id,
        program=rule.program,
        kind=rule.kind,
        fact=rule.fact,
        days=rule.days,
        direction=rule.direction,
        describe=rule.describe(),
        roll=rule.roll,
        severity=rule.severity,
        soon_days=rule.soon_days,
        reminders=rule.reminders,
        basis=rule.basis,
        message=rule.message,
        why=rule.why,
        source=rule.source,
        last_checked=rule.last_checked,
        when=rule.when,
        done_when=rule.done_when,
        overridden={k: [_plain(a), _plain(b)] for k, (a, b) in rule.overridden.items()},
    )


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def list_programs(vault: Vault, *, today: date) -> list[ProgramRecord]:
    """Every rule pack with its policy history, the status in force and its effective rules."""
    book = rulebook(vault)
    out = []
    for program in sorted(book.packs):
        pack = book.packs[program]
        current = book.policy_on(program, today)
        out.append(
            ProgramRecord(
                id=program,
                title=pack.title,
                description=pack.description,
                caution=pack.caution,
                policy_status=current.status if current else None,
                policy_since=current.on if current else None,
                policy=tuple(
                    PolicyRecord(
                        status=e.status,
                        date=e.on,
                        summary=e.summary,
                        source=e.source,
                        last_checked=e.last_checked,
                        recorded_by_clinic=e.recorded_by_clinic,
                    )
                    for e in book.policy_history(program)
                ),
                rules=tuple(_rule_record(r) for r in pack.rules),
            )
        )
    return out


def rule_warnings(vault: Vault) -> list[str]:
    return list(rulebook(vault).warnings)


def _read_setting(session: Session, key: str) -> dict[str, Any]:
    row = session.get(Setting, key)
    if row is None:
        return {}
    try:
        value = json.loads(row.value)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _write_setting(session: Session, key: str, value: dict[str, Any]) -> None:
    row = session.get(Setting, key)
    text = json.dumps(value, sort_keys=True)
    if row is None:
        row = Setting(key=key, value=text)
    else:
        row.value = text
    session.add(row)


def set_rule(
    vault: Vault,
    *,
    rule_id: str,
    days: int | None = None,
    reminders: Sequence[int] | None = None,
) -> Changed[RuleRecord]:
    """Override a rule's number of days and/or its reminders (audited; recomputes everything)."""
    book = rulebook(vault)
    rule = book.rule(rule_id)
    if days is None and reminders is None:
        raise UserError("Say what to change: --days N and/or --reminders LIST.")
    change: dict[str, Any] = {}
    if days is not None:
        if not 0 <= days <= MAX_DAYS:
            raise ValidationError("days", f"give a whole number from 0 to {MAX_DAYS}.")
        change["days"] = days
    if reminders is not None:
        if any(not 0 <= r <= MAX_DAYS for r in reminders):
            raise ValidationError("reminders", f"give days from 0 to {MAX_DAYS}.")
        change["reminders"] = sorted(set(reminders), reverse=True)
    with vault.session() as session:
        overrides = _read_setting(session, OVERRIDES_KEY)
        before = dict(overrides.get(rule_id) or {})
        overrides[rule_id] = before | change
        _write_setting(session, OVERRIDES_KEY, overrides)
        parts = []
        if "days" in change:
            parts.append(f"days {before.get('days', rule.days)} -> {change['days']}")
        if "reminders" in change:
            parts.append("reminders " + ",".join(map(str, change["reminders"])))
        audit.record(
            session,
            action="rule_override",
            record_kind=SETTING,
            summary=f"{rule_id}: " + "; ".join(parts),
        )
    return Changed(
        _rule_record(rulebook(vault).rule(rule_id)),
        ChangeSet(kinds=frozenset({SETTING, DEADLINE})),
    )


def reset_rule(vault: Vault, *, rule_id: str) -> Changed[RuleRecord]:
    """Back to the shipped numbers (audited; recomputes everything)."""
    rulebook(vault).rule(rule_id)  # a clear error for an unknown id
    with vault.session() as session:
        overrides = _read_setting(session, OVERRIDES_KEY)
        if rule_id in overrides:
            del overrides[rule_id]
            _write_setting(session, OVERRIDES_KEY, overrides)
            audit.record(session, action="rule_reset", record_kind=SETTING, summary=rule_id)
    return Changed(
        _rule_record(rulebook(vault).rule(rule_id)),
        ChangeSet(kinds=frozenset({SETTING, DEADLINE})),
    )


def closed_days(vault: Vault) -> dict[date, str]:
    """Days the clinic is closed (besides weekends and federal holidays), with their labels."""
    return dict(sorted(rulebook(vault).calendar.closed_days.items()))


def set_closed_days(
    vault: Vault,
    *,
    add: Iterable[date | str] = (),
    remove: Iterable[date | str] = (),
    label: str = "",
) -> ChangeSet:
    """Add or remove clinic closed days (audited; due dates move off them)."""
    added = [v.parse_date(d, "closed day") for d in add]
    removed = [v.parse_date(d, "closed day") for d in remove]
    with vault.session() as session:
        days = _read_setting(session, CLOSED_DAYS_KEY)
        for day in added:
            if day is not None:
                days[day.isoformat()] = label.strip() or "clinic closed"
        for day in removed:
            if day is not None and day.isoformat() not in days:
                raise NotFoundError(f"{day.isoformat()} is not one of the clinic's closed days.")
            if day is not None:
                del days[day.isoformat()]
        _write_setting(session, CLOSED_DAYS_KEY, days)
        audit.record(
            session,
            action="closed_days",
            record_kind=SETTING,
            summary=f"{len([d for d in added if d])} added, {len([d for d in removed if d])} removed",
        )
    return ChangeSet(kinds=frozenset({SETTING, DEADLINE}))


def record_policy(
    vault: Vault,
    *,
    program: str,
    status: str,
    on: date | str,
    source: str,
    summary: str = "",
) -> ChangeSet:
    """Note a policy change (open, paused, ended) for a program, with its source (audited)."""
    status_value = v.choice(status, POLICY_STATUSES, "policy status")
    day = v.parse_date(on, "policy date")
    if day is None:
        raise ValidationError("policy date", "give the date the change took effect.")
    cited = v.require_text(source, "source")
    known = _known_programs(vault)
    if program not in known:
        raise UserError(
            f"There is no program '{program}'; known programs: {', '.join(sorted(known))}."
        )
    with vault.session() as session:
        notes = _read_setting(session, POLICY_KEY)
        entries = list(notes.get(program) or [])
        entries.append(
            {
                "status": status_value,
                "date": day.isoformat(),
                "source": cited,
                "summary": summary.strip(),
            }
        )
        notes[program] = entries
        _write_setting(session, POLICY_KEY, notes)
        audit.record(
            session,
            action="policy_status",
            record_kind=SETTING,
            summary=f"{program}: {status_value} from {day.isoformat()}",
        )
    return ChangeSet(kinds=frozenset({SETTING, DEADLINE}))


def _known_programs(vault: Vault) -> set[str]:
    with vault.reader() as session:
        used = set(session.connection().execute(select(_m.program).distinct()).scalars())
    return used | set(rulebook(vault).packs)


# -- policy changes: who is affected ----------------------------------------------------------------


_LIVE_DECISIONS = (None, "granted")


def affected(vault: Vault, *, program: str, today: date) -> AffectedReport:
    """Every open matter and live grant under a program, to contact when its policy changes.

    Open: not closed and not denied, withdrawn or terminated. Live grant: not terminated and not
    yet ended on `today`. Sorted by the soonest end date, then by matter.
    """
    known = _known_programs(vault)
    if program not in known:
        raise UserError(
            f"There is no program '{program}'; known programs: {', '.join(sorted(known))}."
        )
    staff = StaffMember.__table__.alias("assignee")  # type: ignore[attr-defined]

    def grant_value(aggregate: Any, column: Any, kind: str | None) -> Any:
        query = select(aggregate(column)).where(_g.matter_id == _m.id)
        if kind is not None:
            query = query.where(_g.kind == kind)
        return driver_value(query.scalar_subquery().label(column.name + (kind or "")))

    query = (
        select(
            *map(
                driver_value,
                (
                    _m.id,
                    _m.client_id,
                    _c.first_name,
                    _c.last_name,
                    _c.preferred_languages,
                    _m.kind,
                    _m.status,
                    _m.decision,
                    staff.c.name,
                ),
            ),
            grant_value(func.max, _g.end, "deferred_action"),
            grant_value(func.max, _g.end, "work_permit"),
            grant_value(func.min, _g.terminated_on, None),
        )
        .select_from(
            Matter.__table__.join(Client.__table__, _c.id == _m.client_id).outerjoin(  # type: ignore[attr-defined]
                staff, staff.c.id == _m.assigned_staff_id
            )
        )
        .where(_m.program == program)
        .order_by(_m.id)
    )
    found: list[AffectedMatter] = []
    by_language: dict[str, int] = {}
    with vault.reader() as session:
        conn = session.connection()
        book = sync.rulebook_from(conn)[0]
        rows = fetch_all(conn, query)
    for mid, cid, first, last, langs, kind, status, decision, assignee, da, wp, term in rows:
        grant_end, permit_end, terminated = as_date(da), as_date(wp), as_date(term)
        ends = [d for d in (grant_end, permit_end) if d is not None]
        live_grant = terminated is None and bool(ends) and max(ends) >= today
        open_matter = status != "closed" and decision in _LIVE_DECISIONS and terminated is None
        if not (live_grant or (open_matter and not ends)):
            continue
        language = (langs or "").split(",")[0].strip() or "en"
        by_language[language] = by_language.get(language, 0) + 1
        found.append(
            AffectedMatter(
                matter_id=mid,
                client_id=cid,
                client=full_name(first or "", last or ""),
                preferred_language=language,
                program=program,
                kind=kind,
                status=status,
                decision=decision,
                grant_end=grant_end,
                work_permit_end=permit_end,
                terminated_on=terminated,
                assignee=assignee or "",
            )
        )
    far = date.max
    found.sort(
        key=lambda a: (
            min((d for d in (a.grant_end, a.work_permit_end) if d), default=far),
            a.matter_id,
        )
    )
    policy = book.policy_on(program, today)
    return AffectedReport(
        program=program,
        policy_status=policy.status if policy else None,
        policy_since=policy.on if policy else None,
        matters=found,
        by_language=dict(sorted(by_language.items(), key=lambda kv: (-kv[1], kv[0]))),
    )


# -- calendar export ------------------------------------------------------------------------------


def export_calendar(
    vault: Vault,
    *,
    out: Path,
    today: date,
    names: str = "initials",
    within: int | None = None,
    overdue: bool = False,
    assignee_id: int | None = None,
    stamp: Any = None,
) -> CalendarExport:
    """Write an .ics file with one event per deadline (done ones as cancelled), stable UIDs.

    `names`: "initials" (the default) or "none" keep client names, A-numbers, employers and
    task texts out of the file, which may sync to a cloud calendar; "full" puts names in.
    `stamp` is the export time (DTSTAMP and SEQUENCE); the current time when None.
    """
    if names not in NAME_MODES:
        raise UserError(f"--ics-names must be one of {', '.join(NAME_MODES)}.")
    found = list_deadlines(
        vault,
        today=today,
        within=within,
        overdue=overdue,
        assignee_id=assignee_id,
        include_done=not overdue and within is None,
    )
    client_ids = {d.client_id for d in found}
    initials: dict[int, str] = {}
    with vault.reader() as session:
        conn = session.connection()
        for part in chunks(client_ids):
            for cid, first, last in conn.execute(
                select(_c.id, _c.first_name, _c.last_name).where(_c.id.in_(part))
            ):
                initials[cid] = ics.initials(first, last)
    book = rulebook(vault)
    data = ics.build_calendar(
        found,
        vault_id=vault.key_slots().vault_id,
        names=names,
        initials=initials,
        stamp=stamp or now(),
        reminders={r.id: r.reminders for p in book.packs.values() for r in p.rules},
    )
    atomic_write(Path(out), data)
    with vault.session() as session:
        audit.record(
            session,
            action="export_calendar",
            record_kind="deadline",
            summary=f"{len(found)} events, names={names}",
        )
    return CalendarExport(path=Path(out), events=len(found), names=names)


def staff_id_by_name(vault: Vault, *, name: str) -> int:
    """The id of a staff member named `name` (case ignored); a clear error when there is none."""
    wanted = name.strip().casefold()
    with vault.reader() as session:
        rows = list(session.connection().execute(select(_s.id, _s.name)))
    for staff_id, staff_name in rows:
        if staff_name.casefold() == wanted:
            return int(staff_id)
    known = ", ".join(sorted(n for _i, n in rows)) or "none yet"
    raise UserError(f"There is no staff member named '{name}'; staff: {known}.")


__all__ = [
    "KIND_TITLES",
    "AffectedMatter",
    "AffectedReport",
    "CalendarExport",
    "Dashboard",
    "Deadline",
    "ProgramRecord",
    "RuleRecord",
    "add_task",
    "affected",
    "closed_days",
    "dashboard",
    "ensure_current",
    "export_calendar",
    "get_deadline",
    "list_deadlines",
    "list_programs",
    "mark_done",
    "recompute_all",
    "record_policy",
    "reopen",
    "reset_rule",
    "rule_warnings",
    "rulebook",
    "set_closed_days",
    "set_rule",
    "snooze",
    "staff_id_by_name",
]
