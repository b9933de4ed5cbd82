"""Done, snooze and reopen on a deadline or task, by its id; one deadline by id."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from clinic_app.deadlines import sync
from clinic_app.deadlines.engine import Deadline
from clinic_app.deadlines.facts import fetch_all
from clinic_app.deadlines.models import DeadlineState, DeadlineTask
from clinic_app.domain import validators as v
from clinic_app.errors import NotFoundError, UserError, ValidationError
from clinic_app.i18n import _
from clinic_app.services._base import get_or_fail, now
from clinic_app.services.changes import DEADLINE, Changed, ChangeSet
from clinic_app.services.deadlines.query import (
    TASK,
    _d,
    _deadline_query,
    _finish_rows,
    _finish_tasks,
    _t,
    _task_query,
    ensure_current,
    rulebook,
)
from clinic_app.store.base import Store
from clinic_app.vault import audit

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
        _(
            "'{ref}' is not a deadline id; 'clinic-app deadlines' lists them (like 12-lda.renewal_file_by or task-3)."
        ).format(ref=ref)
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
            _("There is no deadline {text}; 'clinic-app deadlines' lists the deadline ids.").format(
                text=text
            )
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
    vault: Store,
    ref_text: str | Sequence[str],
    action: str,
    apply: Callable[[Any, str], None],
    summary_extra: str = "",
) -> _Ref:
    """Apply a mark to one deadline or task (or several, in one transaction); the first ref."""
    texts = [ref_text] if isinstance(ref_text, str) else list(ref_text)
    refs = [parse_ref(text) for text in texts]
    ensure_current(vault)
    actor = vault.actor
    with vault.session() as session:
        for ref, text in zip(refs, texts, strict=True):
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
                continue
            _require_deadline(session, ref, text)
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
    return refs[0]


def _closes_with(vault: Store, ref: _Ref) -> list[str]:
    """Deadlines a done mark also closes: an RFE answered needs no internal target any more."""
    if ref.task_id is not None:
        return []
    book = rulebook(vault)
    rule = book.rule(ref.rule_id)
    if rule.kind != "rfe_response_due":
        return []
    targets = [
        r.id
        for r in book.packs[rule.program].rules
        if r.kind == "rfe_internal_target" and r.fact == "rfe_response_due"
    ]
    query = select(_d.rule_id).where(
        _d.matter_id == ref.matter_id,
        _d.rule_id.in_(targets),
        _d.occurrence == ref.occurrence,
        _d.done_reason == "",
    )
    with vault.reader() as session:
        found = list(session.connection().execute(query).scalars())
    return [f"{ref.matter_id}-{rule_id}-{ref.occurrence}".rstrip("-") for rule_id in found]


def get_deadline(vault: Store, *, ref: str, today: date, lang: str | None = None) -> Deadline:
    """One deadline or task by its id, as seen on `today` (done ones included)."""
    parsed = parse_ref(ref)
    if parsed.task_id is not None:
        with vault.reader() as session:
            conn = session.connection()
            book = sync.rulebook_from(conn)[0]
            rows = fetch_all(conn, _task_query().where(_t.id == parsed.task_id))
            found = _finish_tasks(rows, book, today)
        if not found:
            raise NotFoundError(
                _("There is no task with id {task_id}.").format(task_id=parsed.task_id)
            )
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
            _("There is no deadline {ref}; 'clinic-app deadlines' lists the deadline ids.").format(
                ref=ref.strip()
            )
        )
    return found[0]


def mark_done(vault: Store, *, ref: str, today: date) -> Changed[Deadline]:
    """Mark a deadline or task done; who and when go in the audit log and beside the mark."""

    def apply(row: Any, actor: str) -> None:
        row.done_at = now()
        row.done_by = actor
        row.snoozed_until = None

    parsed = parse_ref(ref)
    _change(vault, [ref, *_closes_with(vault, parsed)], "deadline_done", apply)
    return Changed(get_deadline(vault, ref=ref, today=today), _changes(parsed))


def _apply_done(row: Any, actor: str) -> None:
    row.done_at = now()
    row.done_by = actor
    row.snoozed_until = None


def mark_all_done(vault: Store, *, refs: Sequence[str], today: date) -> ChangeSet:
    """Mark several deadlines done in one transaction (a grouped row: every worker's item)."""
    if not refs:
        return ChangeSet()
    extra = [e for r in refs for e in _closes_with(vault, parse_ref(r))]
    _change(vault, [*refs, *(e for e in extra if e not in refs)], "deadline_done", _apply_done)
    return ChangeSet(kinds=frozenset({DEADLINE}))


def snooze_all(vault: Store, *, refs: Sequence[str], until: date | str, today: date) -> ChangeSet:
    """Snooze several deadlines to one date in one transaction."""
    day = v.parse_date(until, "snooze until")
    if day is None or day <= today:
        raise ValidationError(
            "snooze until", _("give a date after today."), label=_("snooze until")
        )
    if not refs:
        return ChangeSet()

    def apply(row: Any, actor: str) -> None:
        row.snoozed_until = day
        row.snoozed_by = actor

    _change(vault, list(refs), "deadline_snooze", apply, f"until {day.isoformat()}")
    return ChangeSet(kinds=frozenset({DEADLINE}))


def snooze(vault: Store, *, ref: str, until: date | str, today: date) -> Changed[Deadline]:
    """Hide a deadline or task from the action lists until a later date."""
    day = v.parse_date(until, "snooze until")
    if day is None or day <= today:
        raise ValidationError(
            "snooze until", _("give a date after today."), label=_("snooze until")
        )

    def apply(row: Any, actor: str) -> None:
        row.snoozed_until = day
        row.snoozed_by = actor

    parsed = _change(vault, ref, "deadline_snooze", apply, f"until {day.isoformat()}")
    return Changed(get_deadline(vault, ref=ref, today=today), _changes(parsed))


def reopen(vault: Store, *, ref: str, today: date) -> Changed[Deadline]:
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
