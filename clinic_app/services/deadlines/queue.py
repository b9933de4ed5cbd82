"""The action queue: open deadlines in tiers of urgency, repeated facts grouped, counts for all.

Two steps keep it fast on a big vault. A census counts open deadlines by (due date, soon
days, rule, matter inactive, agency letter, merged pair) from the open-deadline index alone
(`census`); the tiers, their counts and the grouping are worked out on those keys. Only the
rows a screen shows are then read in full and finished (their why sentence), a page per tier
(`pages`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import or_, select

from clinic_app.deadlines import sync, urgency
from clinic_app.deadlines.engine import TASK_SOON_DAYS, Deadline
from clinic_app.deadlines.rules import MAX_DAYS, RuleBook
from clinic_app.domain.models import Setting
from clinic_app.errors import ValidationError
from clinic_app.i18n import _, current_language
from clinic_app.services.changes import DEADLINE, SETTING, ChangeSet
from clinic_app.services.deadlines.census import UNASSIGNED, _assigned, _census, _inactive, _tier
from clinic_app.services.deadlines.pages import pick_keys, read_pages
from clinic_app.services.deadlines.query import (
    _finish_tasks,
    _t,
    _task_filters,
    _task_query,
    ensure_current,
)
from clinic_app.services.deadlines.queue_rows import QueueItem, Worker, _single
from clinic_app.store.base import Store
from clinic_app.vault import audit

STALE_SETTING = "urgency.stale_after_days"
_setting = Setting.__table__.c  # type: ignore[attr-defined]
PAGE = 25  # rows per tier read in full unless a caller asks for more (Today pages by 25)


@dataclass(frozen=True)
class QueueGroup:
    tier: str
    title: str
    mark: str
    reason: str
    count: int  # rows in the tier (a grouped row counts once)
    items: list[QueueItem]  # the first rows, in order


@dataclass(frozen=True)
class PolicyNote:
    program: str
    title: str
    status: str
    since: date
    summary: str


@dataclass(frozen=True)
class Queue:
    today: date
    groups: list[QueueGroup]  # every tier that has rows, in the tier order
    counts: dict[str, int]  # rows per tier key
    policies: list[PolicyNote]  # programs paused or ended, said once
    summary: str  # the sentence Today, the status bar and the notification show
    stale_after: int = urgency.STALE_AFTER_DAYS
    deadlines: int = 0  # open deadlines behind the rows
    extra: dict[str, Any] = field(default_factory=dict)


def stale_after(vault: Store) -> int:
    """Days after which an item on a matter no longer active counts as stale (clinic setting)."""
    with vault.reader() as session:
        row = (
            session.connection()
            .execute(select(_setting.value).where(_setting.key == STALE_SETTING))
            .first()
        )
    try:
        return max(1, int(row[0])) if row is not None else urgency.STALE_AFTER_DAYS
    except ValueError:
        return urgency.STALE_AFTER_DAYS


def set_stale_after(vault: Store, *, days: int) -> ChangeSet:
    """The clinic's horizon for "Stale — review or close" (audited)."""
    if not 30 <= days <= MAX_DAYS:
        raise ValidationError(
            "stale after",
            _("give a number of days from 30 to {most}.").format(most=MAX_DAYS),
            label=_("stale after"),
        )
    with vault.session() as session:
        row = session.get(Setting, STALE_SETTING)
        if row is None:
            row = Setting(key=STALE_SETTING, value=str(days))
        else:
            row.value = str(days)
        session.add(row)
        audit.record(session, action="stale_after", record_kind=SETTING, summary=f"{days} days")
    return ChangeSet(kinds=frozenset({SETTING, DEADLINE}))


def build_queue(
    vault: Store,
    *,
    today: date,
    assignee_id: int | None = None,
    per_tier: int | Mapping[str, int] = PAGE,
    lang: str | None = None,
) -> Queue:
    """Open deadlines and tasks due within 90 days (and stale ones), in tiers of urgency.

    `per_tier`: how many rows of each tier to read in full (a number, or one per tier key;
    0 gives the counts alone, as the status bar needs). `assignee_id`: one staff member's
    items (UNASSIGNED: those of nobody).
    """
    ensure_current(vault)
    stale = stale_after(vault)
    with vault.reader() as session:
        conn = session.connection()
        book = sync.rulebook_from(conn)[0]
        census = _census(conn, book, today, assignee_id)
        tasks = _open_tasks(conn, book, today, assignee_id)
        tier_of_key = {k: _tier(k, book, today, stale) for k in census.counts}
        # Rows per tier: a letter group is one row whatever its size; a merged grant end none.
        counts: dict[str, int] = defaultdict(int)
        letter_rows: set[tuple[str, str, date, int]] = set()
        for key, n in census.counts.items():
            tier = None if key.merged else tier_of_key[key]
            if tier is None:
                continue
            if key.letter_id is None:
                counts[tier] += n
            elif (tier, key.rule_id, key.due, key.letter_id) not in letter_rows:
                letter_rows.add((tier, key.rule_id, key.due, key.letter_id))
                counts[tier] += 1
        off = _inactive(conn, {t.matter_id for t in tasks})
        task_tiers = {
            t.id: urgency.tier_of(
                "task", t.due, TASK_SOON_DAYS, today, inactive=t.matter_id in off, stale_after=stale
            )
            for t in tasks
        }
        for tier in task_tiers.values():
            if tier is not None:
                counts[tier] += 1
        counts = {t.key: counts[t.key] for t in urgency.TIERS if counts.get(t.key)}
        wanted = {
            key: per_tier if isinstance(per_tier, int) else per_tier.get(key, PAGE)
            for key in counts
        }
        picked = pick_keys(census, tier_of_key, wanted, book, today)
        pages = read_pages(conn, book, census, picked, wanted, today, assignee_id, lang)
    for task in tasks:
        tier = task_tiers[task.id]
        if tier is not None and wanted[tier] > 0:
            pages.setdefault(tier, []).append(_single(task, today))
    groups = []
    for spec in urgency.TIERS:
        if spec.key not in counts:
            continue
        rows = pages.get(spec.key, [])
        rows.sort(
            key=lambda r: urgency.sort_key(
                spec.key, r.due, r.severity, (r.matter_id or 0, r.key), today
            )
        )
        groups.append(
            QueueGroup(
                tier=spec.key,
                title=_(spec.title),
                mark=spec.mark,
                reason=_(spec.reason),
                count=counts[spec.key],
                items=rows[: wanted[spec.key]],
            )
        )
    return Queue(
        today=today,
        groups=groups,
        counts=counts,
        policies=_policies(book, {k.rule_id for k in census.counts}, tasks, today),
        summary=urgency.summary(counts),
        stale_after=stale,
        deadlines=sum(census.counts.values()) + len(tasks),
    )


def _open_tasks(conn: Any, book: RuleBook, today: date, assignee_id: int | None) -> list[Deadline]:
    horizon = today + timedelta(days=urgency.HORIZON_DAYS)
    query = _task_filters(_task_query(), today, None, False, False).where(
        _t.due <= horizon, or_(_t.snoozed_until.is_(None), _t.snoozed_until <= today)
    )
    if assignee_id is not None:
        query = query.where(_assigned(_t.assigned_staff_id, assignee_id))
    return _finish_tasks(conn.execute(query), book, today)


def _policies(
    book: RuleBook, rule_ids: set[str], tasks: list[Deadline], today: date
) -> list[PolicyNote]:
    programs = {book.rule(r).program for r in rule_ids} | {t.program for t in tasks}
    notes = []
    for program in sorted(programs):
        policy = book.policy_on(program, today)
        if policy is not None and policy.status in ("paused", "ended"):
            pack = book.packs.get(program)
            notes.append(
                PolicyNote(
                    program=program,
                    title=pack.text("title", current_language()) if pack else program,
                    status=policy.status,
                    since=policy.on,
                    summary=policy.text("summary", current_language()),
                )
            )
    return notes


def tiers_of(vault: Store, rows: list[Deadline], today: date) -> dict[str, str]:
    """The tier of each listed deadline (done, snoozed or 'later' outside the queue)."""
    stale = stale_after(vault)
    with vault.reader() as session:
        inactive = _inactive(session.connection(), {d.matter_id for d in rows})
    book = None
    out = {}
    for d in rows:
        if d.status in ("done", "snoozed"):
            out[d.id] = d.status
            continue
        if d.kind == "task":
            soon = TASK_SOON_DAYS
        else:
            if book is None:
                with vault.reader() as session:
                    book = sync.rulebook_from(session.connection())[0]
            soon = book.rule(d.rule).soon_days
        tier = urgency.tier_of(
            d.kind, d.due, soon, today, inactive=d.matter_id in inactive, stale_after=stale
        )
        out[d.id] = tier or "later"
    return out


def urgency_order(rows: list[Deadline], tiers: Mapping[str, str], today: date) -> list[Deadline]:
    """Deadlines in the queue's order (rows outside the queue last, soonest first)."""
    rank = {t.key: i for i, t in enumerate(urgency.TIERS)}

    def key(d: Deadline) -> tuple[object, ...]:
        tier = tiers.get(d.id, "later")
        if tier in rank:
            return (0, *urgency.sort_key(tier, d.due, d.severity, (d.matter_id, d.id), today))
        return (1, d.due.toordinal(), d.matter_id, d.id)

    return sorted(rows, key=key)


__all__ = [
    "PAGE",
    "UNASSIGNED",
    "PolicyNote",
    "Queue",
    "QueueGroup",
    "QueueItem",
    "Worker",
    "build_queue",
    "set_stale_after",
    "stale_after",
    "tiers_of",
    "urgency_order",
]
