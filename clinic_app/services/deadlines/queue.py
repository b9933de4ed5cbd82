"""The action queue: open deadlines in tiers of urgency, repeated facts grouped, counts for all.

Two steps keep it fast on a big vault. A census counts open deadlines by (rule, due date,
soon days, matter inactive, agency letter, paired) from the open-deadline index; the tiers,
their counts and the grouping are worked out on those keys. Only the rows a screen shows are
then read in full and finished (their why sentence), a page per tier.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, or_, tuple_

from clinic_app.deadlines import sync, urgency
from clinic_app.deadlines.engine import TASK_SOON_DAYS, Deadline
from clinic_app.deadlines.rules import MAX_DAYS, RuleBook
from clinic_app.domain.models import Setting
from clinic_app.errors import ValidationError
from clinic_app.i18n import _, current_language
from clinic_app.services.changes import DEADLINE, SETTING, ChangeSet
from clinic_app.services.deadlines.census import (
    UNASSIGNED,
    Counter_,
    _assigned,
    _census,
    _inactive,
    _Key,
    _rule_ids,
    _severity,
    _tier,
)
from clinic_app.services.deadlines.query import (
    _d,
    _deadline_query,
    _finish_rows,
    _finish_tasks,
    _m,
    _open_filters,
    _t,
    _task_filters,
    _task_query,
    ensure_current,
)
from clinic_app.services.deadlines.queue_rows import QueueItem, Worker, _letters, _rows, _single
from clinic_app.store.base import Store
from clinic_app.vault import audit

STALE_SETTING = "urgency.stale_after_days"
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
        row = session.get(Setting, STALE_SETTING)
    try:
        return max(1, int(row.value)) if row is not None else urgency.STALE_AFTER_DAYS
    except ValueError:
        return urgency.STALE_AFTER_DAYS


def set_stale_after(vault: Store, *, days: int) -> ChangeSet:
    """The clinic's horizon for "Stale — review or close" (audited)."""
    if not 30 <= days <= MAX_DAYS:
        raise ValidationError("stale after", f"give a number of days from 30 to {MAX_DAYS}.")
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
        census = _census(conn, book, today, stale, assignee_id)
        tasks = _open_tasks(conn, book, today, assignee_id)
    tier_of_key = {k: _tier(k, book, today, stale) for k in census}
    # Rows per tier: a letter group is one row whatever its size; a paired grant end is none.
    counts: dict[str, int] = defaultdict(int)
    letter_rows: set[tuple[str, str, date, int]] = set()
    for key, n in census.items():
        tier = None if key.merged else tier_of_key[key]
        if tier is None:
            continue
        if key.letter_id is None:
            counts[tier] += n
        elif (tier, key.rule_id, key.due, key.letter_id) not in letter_rows:
            letter_rows.add((tier, key.rule_id, key.due, key.letter_id))
            counts[tier] += 1
    task_tiers = {t.id: urgency.tier_of("task", t.due, TASK_SOON_DAYS, today) for t in tasks}
    for tier in task_tiers.values():
        if tier is not None:
            counts[tier] += 1
    counts = {t.key: counts[t.key] for t in urgency.TIERS if counts.get(t.key)}
    wanted = {
        key: per_tier if isinstance(per_tier, int) else per_tier.get(key, PAGE) for key in counts
    }
    pages = _pages(vault, book, census, tier_of_key, wanted, today, stale, assignee_id, lang)
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
        policies=_policies(book, {k.rule_id for k in census}, tasks, today),
        summary=urgency.summary(counts),
        stale_after=stale,
        deadlines=sum(census.values()) + len(tasks),
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


def _pages(
    vault: Store,
    book: RuleBook,
    census: Counter_,
    tier_of_key: dict[_Key, str | None],
    wanted: dict[str, int],
    today: date,
    stale: int,
    assignee_id: int | None,
    lang: str | None,
) -> dict[str, list[QueueItem]]:
    """The first rows of every tier, read in full in one go."""
    by_tier: dict[str, list[_Key]] = defaultdict(list)
    for key, tier in tier_of_key.items():
        if tier is not None and wanted.get(tier, 0) > 0:
            by_tier[tier].append(key)
    # Each tier's census keys in its order; read (rule, due) pairs until its page is full.
    pairs: set[tuple[str, date]] = set()
    for tier, keys in by_tier.items():
        keys.sort(
            key=lambda k, tier=tier: urgency.sort_key(  # type: ignore[misc]
                tier, k.due, _severity(book, k.rule_id), (0, k.rule_id), today
            )
        )
        rows = 0
        letters_seen: set[tuple[str, date, int | None]] = set()
        for key in keys:
            if rows >= wanted[tier]:
                break
            pairs.add((key.rule_id, key.due))
            if key.merged:
                continue
            if key.letter_id is None:
                rows += census[key]
            elif (key.rule_id, key.due, key.letter_id) not in letters_seen:
                letters_seen.add((key.rule_id, key.due, key.letter_id))
                rows += 1
    if not pairs:
        return {}
    with vault.reader() as session:
        conn = session.connection()
        found = _read(conn, book, sorted(pairs), today, assignee_id, lang)
        inactive = _inactive(conn, {d.matter_id for d in found})
        letters = _letters(
            conn, {d.matter_id for d in found if d.kind in urgency.LETTER_GROUPED_KINDS}
        )
    in_tier: dict[str, list[Deadline]] = defaultdict(list)
    for d in found:
        tier = urgency.tier_of(
            d.kind,
            d.due,
            _soon(book, d),
            today,
            inactive=d.matter_id in inactive,
            stale_after=stale,
        )
        if tier is not None and tier in by_tier:
            in_tier[tier].append(d)
    partners = [d for d in found if d.kind in urgency.PAIRED_KINDS]
    return {tier: _rows(rows, partners, today, letters) for tier, rows in in_tier.items()}


def _soon(book: RuleBook, d: Deadline) -> int:
    return book.rule(d.rule).soon_days


def _read(
    conn: Any,
    book: RuleBook,
    pairs: list[tuple[str, date]],
    today: date,
    assignee_id: int | None,
    lang: str | None,
) -> list[Deadline]:
    query = _open_filters(_deadline_query(today), today, urgency.HORIZON_DAYS, False).where(
        tuple_(_d.rule_id, _d.due).in_(pairs)
    )
    # Paired grant ends: the work permit's row needs them whatever their own tier.
    grants = _rule_ids(book, ["grant_end"])
    permits = {rule for rule, _day in pairs if book.rule(rule).kind == "work_permit_end"}
    if permits:
        days = sorted({day for rule, day in pairs if rule in permits})
        query = _open_filters(_deadline_query(today), today, urgency.HORIZON_DAYS, False).where(
            or_(
                tuple_(_d.rule_id, _d.due).in_(pairs),
                and_(_d.rule_id.in_(grants), _d.due.in_(days)),
            )
        )
    if assignee_id is not None:
        query = query.where(_assigned(_m.assigned_staff_id, assignee_id))
    return _finish_rows(conn.execute(query.order_by(_d.matter_id)), book, today, lang)


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
