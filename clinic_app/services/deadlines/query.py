"""Reading stored deadlines: the shared query, finishing rows for a day, keeping them current."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select

from clinic_app.deadlines import finishing, ics, sync
from clinic_app.deadlines.engine import (
    Deadline,
    MatterContext,
    PlannedDeadline,
    StaffMark,
    TaskFacts,
)
from clinic_app.deadlines.facts import as_date, driver_value
from clinic_app.deadlines.models import Deadline as DeadlineRow
from clinic_app.deadlines.models import DeadlineState, DeadlineTask
from clinic_app.deadlines.rules import (
    KINDS,
    PolicyEntry,
    RuleBook,
)
from clinic_app.domain.models import Client, Grant, Matter, StaffMember
from clinic_app.domain.text import full_name
from clinic_app.errors import UserError
from clinic_app.i18n import _
from clinic_app.store.base import Store

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


# -- keeping stored deadlines current -------------------------------------------------------------


def ensure_current(vault: Store) -> bool:
    """Recompute every deadline if they were computed with other rules (True if it did)."""
    with vault.reader() as session:
        if sync.is_current(session.connection()):
            return False
    with vault.session() as session:
        sync.bring_current(session.connection())
    return True


def recompute_all(vault: Store) -> sync.RefreshReport:
    """Recompute the deadlines of every matter (normally automatic; for repairs and benchmarks)."""
    with vault.session() as session:
        return sync.refresh(session.connection())


def rulebook(vault: Store) -> RuleBook:
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
        _c.state,
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
        _c.state,
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
        state,
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
        context = MatterContext(client_id, program, staff_id, name, assignee or "", state or "")
        try:
            finished = finishing.finish(
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
        state,
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
            client_id,
            program,
            staff_id,
            full_name(first or "", last or ""),
            assignee or "",
            state or "",
        )
        out.append(finishing.finish_task(task, book, today, context, policies=policies))
    return out


def staff_id_by_name(vault: Store, *, name: str) -> int:
    """The id of a staff member named `name` (case ignored); a clear error when there is none."""
    wanted = name.strip().casefold()
    with vault.reader() as session:
        rows = list(session.connection().execute(select(_s.id, _s.name, _s.login)))
    for staff_id, staff_name, _login in rows:
        if staff_name.casefold() == wanted:
            return int(staff_id)
    for staff_id, _name, login in rows:  # the clinic server's account name (attorney1)
        if login and login.casefold() == wanted:
            return int(staff_id)
    known = ", ".join(sorted(n for _i, n, _l in rows)) or "none yet"
    raise UserError(
        _("There is no staff member named '{name}'; staff: {known}.").format(name=name, known=known)
    )
