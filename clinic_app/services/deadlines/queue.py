"""The action queue: open deadlines in tiers of urgency, repeated facts grouped, counts for all.

Two steps keep it fast on a big vault. A census counts open deadlines by (rule, due date,
soon days, matter inactive, agency letter, paired) from the open-deadline index; the tiers,
their counts and the grouping are worked out on those keys. Only the rows a screen shows are
then read in full and finished (their why sentence), a page per tier.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, NamedTuple

from sqlalchemy import and_, case, func, literal, or_, select, tuple_

from clinic_app.deadlines import sync, urgency
from clinic_app.deadlines.engine import TASK_SOON_DAYS, Deadline
from clinic_app.deadlines.facts import as_date, driver_value
from clinic_app.deadlines.models import Deadline as DeadlineRow
from clinic_app.deadlines.rules import MAX_DAYS, RuleBook
from clinic_app.domain.models import AgencyLetter, Employer, Matter, Setting
from clinic_app.errors import ValidationError
from clinic_app.i18n import _, ngettext
from clinic_app.services.changes import DEADLINE, SETTING, ChangeSet
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
from clinic_app.vault import audit
from clinic_app.vault.vault import Vault

STALE_SETTING = "urgency.stale_after_days"
PAGE = 50  # rows per tier read in full unless a caller asks for more
INACTIVE_DECISIONS = ("denied", "withdrawn")
UNASSIGNED = -1  # as an assignee id: only matters and tasks nobody is assigned to


def _assigned(column: Any, assignee_id: int | None) -> Any:
    return column.is_(None) if assignee_id == UNASSIGNED else column == assignee_id


@dataclass(frozen=True)
class Worker:
    """One worker's deadline inside a grouped row."""

    deadline_id: str
    matter_id: int
    client_id: int
    client: str


@dataclass(frozen=True)
class QueueItem:
    """One row of the queue: a deadline, a pair said as one, or a fact shared by many workers."""

    key: str  # the deadline id, or the group id
    deadline_ids: tuple[str, ...]  # every deadline this row stands for (done/snooze act on all)
    group_id: str | None
    matter_id: int | None
    client_id: int | None
    client: str
    due: date
    kind: str
    title: str
    why: str
    severity: str
    assignee: str
    late_days: int | None  # None for grouped letter items: their lateness says nothing
    workers: tuple[Worker, ...] = ()


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


class _Key(NamedTuple):
    rule_id: str
    due: date
    soon_days: int
    inactive: bool
    letter_id: int | None
    merged: bool  # a grant end said in its work-permit row


def stale_after(vault: Vault) -> int:
    """Days after which an item on a matter no longer active counts as stale (clinic setting)."""
    with vault.reader() as session:
        row = session.get(Setting, STALE_SETTING)
    try:
        return max(1, int(row.value)) if row is not None else urgency.STALE_AFTER_DAYS
    except ValueError:
        return urgency.STALE_AFTER_DAYS


def set_stale_after(vault: Vault, *, days: int) -> ChangeSet:
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


def _tier(key: _Key, book: RuleBook, today: date, stale: int) -> str | None:
    kind = book.rule(key.rule_id).kind if key.rule_id != "task" else "task"
    return urgency.tier_of(
        kind, key.due, key.soon_days, today, inactive=key.inactive, stale_after=stale
    )


def _severity(book: RuleBook, rule_id: str) -> str:
    return book.rule(rule_id).severity if rule_id != "task" else "normal"


def build_queue(
    vault: Vault,
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
                    title=pack.title if pack else program,
                    status=policy.status,
                    since=policy.on,
                    summary=policy.summary,
                )
            )
    return notes


def _pages(
    vault: Vault,
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


def _inactive(conn: Any, matter_ids: set[int]) -> set[int]:
    if not matter_ids:
        return set()
    query = select(_m.id).where(
        _m.id.in_(sorted(matter_ids)),
        or_(_m.status == "closed", _m.decision.in_(INACTIVE_DECISIONS)),
    )
    return set(conn.execute(query).scalars())


class _Letter(NamedTuple):
    id: int
    agency: str
    employer: str


def _letters(conn: Any, matter_ids: set[int]) -> dict[int, _Letter]:
    """The agency letter of each matter (for grouping letter-period items)."""
    if not matter_ids:
        return {}
    lt = AgencyLetter.__table__.c  # type: ignore[attr-defined]
    em = Employer.__table__.c  # type: ignore[attr-defined]
    letter_table = AgencyLetter.__table__  # type: ignore[attr-defined]
    employer_table = Employer.__table__  # type: ignore[attr-defined]
    joined = Matter.__table__.join(letter_table, lt.id == _m.agency_letter_id).join(  # type: ignore[attr-defined]
        employer_table, em.id == lt.employer_id
    )
    query = (
        select(_m.id, lt.id, lt.agency, em.name)
        .select_from(joined)
        .where(_m.id.in_(sorted(matter_ids)))
    )
    return {
        mid: _Letter(lid, agency or "", employer or "")
        for mid, lid, agency, employer in conn.execute(query)
    }


def _late(d: Deadline, today: date) -> int | None:
    return (today - d.due).days if d.due < today else None


def _single(
    d: Deadline, today: date, title: str | None = None, ids: tuple[str, ...] = ()
) -> QueueItem:
    what = d.text if d.kind == "task" and d.text else d.message
    return QueueItem(
        key=d.id,
        deadline_ids=ids or (d.id,),
        group_id=None,
        matter_id=d.matter_id,
        client_id=d.client_id,
        client=d.client,
        due=d.due,
        kind=d.kind,
        title=title or what,
        why=d.why,
        severity=d.severity,
        assignee=d.assignee,
        late_days=_late(d, today),
    )


def _rows(
    found: list[Deadline],
    partners: list[Deadline],
    today: date,
    letters: dict[int, _Letter],
) -> list[QueueItem]:
    """A tier's deadlines to rows: letter items grouped, a grant end said with its work permit.

    `partners`: grant and work-permit ends read beside them (whatever their tier), to pair.
    """
    grants = {(d.matter_id, d.due): d for d in partners if d.kind == "grant_end"}
    permits = {(d.matter_id, d.due) for d in partners if d.kind == "work_permit_end"}
    rows: list[QueueItem] = []
    grouped: dict[tuple[str, date, int], list[Deadline]] = defaultdict(list)
    for d in found:
        if d.kind == "grant_end" and (d.matter_id, d.due) in permits:
            continue  # said in the work permit's row
        letter = letters.get(d.matter_id)
        if d.kind in urgency.LETTER_GROUPED_KINDS and letter is not None:
            grouped[(d.rule, d.due, letter.id)].append(d)
        elif d.kind == "work_permit_end" and (d.matter_id, d.due) in grants:
            grant = grants[(d.matter_id, d.due)]
            rows.append(
                _single(
                    d,
                    today,
                    _("Deferred action and work permit end {date}").format(date=d.due.isoformat()),
                    (d.id, grant.id),
                )
            )
        else:
            rows.append(_single(d, today))
    for (rule_id, due, letter_id), members in grouped.items():
        letter = letters[members[0].matter_id]
        n = len(members)
        ended = due < today
        head = (
            _("Agency letter period ended {date}")
            if ended
            else _("Agency letter period ends {date}")
        ).format(date=due.isoformat())
        title = f"{head} — {letter.agency}, {letter.employer} " + ngettext(
            "({n} worker)", "({n} workers)", n
        ).format(n=n)
        first = members[0]
        rows.append(
            QueueItem(
                key=f"letter-{letter_id}-{rule_id}-{due.isoformat()}",
                deadline_ids=tuple(m.id for m in members),
                group_id=f"letter-{letter_id}-{rule_id}-{due.isoformat()}",
                matter_id=None,
                client_id=None,
                client="",
                due=due,
                kind=first.kind,
                title=title,
                why=first.why,
                severity=first.severity,
                assignee=", ".join(sorted({m.assignee for m in members if m.assignee})),
                late_days=None,
                workers=tuple(
                    Worker(m.id, m.matter_id, m.client_id, m.client)
                    for m in sorted(members, key=lambda m: (m.client.casefold(), m.matter_id))
                ),
            )
        )
    return rows


def tiers_of(vault: Vault, rows: list[Deadline], today: date) -> dict[str, str]:
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
