"""The deadline engine: a pure function from matters' facts, the effective rules and today.

No I/O and no clock. `plan_matter` turns one matter's facts into planned deadlines (which do
not depend on today, so they can be stored); `finishing.finish` adds what does (status, the why
sentence, the policy status in force), and `finishing.compute_deadlines` does both for many
matters.
Every deadline names the rule it came from; manual tasks carry the rule id "task".

The value types are named tuples: a full recompute plans some 300,000 deadlines, and tuples
are several times cheaper to make than frozen dataclasses.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from clinic_app.deadlines.rules import FACTS, Rule, RuleBook
from clinic_app.domain.vocab import DEFAULT_PROGRAM

STATUSES = ("overdue", "due_soon", "upcoming", "done", "snoozed")
TASK_RULE = "task"
TASK_SOON_DAYS = 7
TASK_REMINDERS = (1,)
RENEWAL_KINDS = ("renewal", "extension")
MAILED = 1  # flag: the RFE came by mail, so the rule's extra days were added
STATED = 2  # flag: the due date printed on the notice was earlier, and was used
_NOT_PURSUED = ("denied", "withdrawn")
# A matter no longer active: closed, or one of these decisions (its old items are stale).
INACTIVE_DECISIONS = _NOT_PURSUED
# Kinds said as one row per agency letter, and the pair said as one row (see `urgency`).
LETTER_GROUPED_KINDS = ("letter_period_end",)
PAIRED_GRANT, PAIRED_PERMIT = "grant_end", "work_permit_end"
_SINGLE_FACTS = {
    "grant_end": "grant_end",
    "work_permit_end": "work_permit_end",
    "letter_period_end": "letter_period_end",
    "filed_date": "filed_on",
    "receipt_date": "receipt_on",
    "decided_on": "decided_on",
    "terminated_on": "terminated_on",
}


class Occurrence(NamedTuple):
    """One dated notice or appointment (or the single date of a one-per-matter fact)."""

    key: str = ""  # "e12" (the event's id) for notices and appointments
    on: date | None = None
    mailed: bool = False
    stated_due: date | None = None  # the response date printed on an RFE notice
    answered_on: date | None = None  # when an answer to this RFE was recorded


class RenewalLink(NamedTuple):
    """What the client's later renewal or extension of the same program has reached."""

    started_on: date | None  # the renewal matter was opened (the date may be unknown)
    filed_on: date | None
    granted_end: date | None


class MatterFacts(NamedTuple):
    """Everything the rules may start from, for one matter. Any date may be missing."""

    matter_id: int
    client_id: int
    program: str = DEFAULT_PROGRAM
    kind: str = "initial"
    status: str = "intake"
    decision: str | None = None
    assigned_staff_id: int | None = None
    created_on: date | None = None
    filed_on: date | None = None
    receipt_on: date | None = None
    decided_on: date | None = None
    grant_end: date | None = None
    work_permit_end: date | None = None
    terminated_on: date | None = None
    letter_period_end: date | None = None
    rfes: tuple[Occurrence, ...] = ()
    biometrics: tuple[Occurrence, ...] = ()
    renewal: RenewalLink | None = None
    state: str = ""  # the client's state ("TX"), for rules that depend on where they live
    letter_id: int | None = None  # the agency letter the matter's renewal relies on

    @property
    def inactive(self) -> bool:
        """Closed, denied or withdrawn: an ended work permit is no longer a worker's hard stop."""
        return self.status == "closed" or self.decision in INACTIVE_DECISIONS

    @property
    def terminated(self) -> bool:
        return self.terminated_on is not None or self.decision == "terminated"

    @property
    def decided(self) -> bool:
        return self.decision is not None or self.decided_on is not None

    @property
    def cycle_end(self) -> date | None:
        """The end of the protection this matter won: the later of its grant ends."""
        ends = [d for d in (self.grant_end, self.work_permit_end) if d is not None]
        return max(ends) if ends else None


class PlannedDeadline(NamedTuple):
    """A deadline as stored: everything that does not depend on today or on the rule's text."""

    matter_id: int
    rule_id: str
    occurrence: str
    due: date
    fact_date: date
    unrolled: date  # before moving off a closed day
    soon_days: int
    flags: int = 0  # MAILED | STATED
    done_reason: str = ""  # empty while open
    done_on: date | None = None
    retire_on: date | None = None
    # What Today's queue needs, stored so it counts and pages from one index (see `urgency`):
    letter_id: int | None = None  # the agency letter, for kinds grouped by letter
    inactive: bool = False  # the matter is closed, denied or withdrawn
    merged: bool = False  # a grant end said in the same day's work-permit row

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.matter_id, self.rule_id, self.occurrence)


class StaffMark(NamedTuple):
    """What staff did with a deadline (or a task): done, or snoozed until a date."""

    done_at: datetime | None = None
    done_by: str = ""
    snoozed_until: date | None = None


class MatterContext(NamedTuple):
    """What a deadline shows about its matter besides the dates."""

    client_id: int
    program: str = DEFAULT_PROGRAM
    assigned_staff_id: int | None = None
    client: str = ""
    assignee: str = ""
    state: str = ""  # the client's state: policy entries may depend on it


class TaskFacts(NamedTuple):
    """A manual task, as stored."""

    id: int
    matter_id: int
    title: str
    due: date
    assigned_staff_id: int | None = None
    created_by: str = ""
    created_on: date | None = None
    mark: StaffMark = StaffMark()


@dataclass(frozen=True)
class Deadline:
    """A deadline as people see it on a given day."""

    id: str  # "123-lda.renewal_file_by", "123-lda.rfe_response_due-e7", "task-5"
    matter_id: int
    client_id: int
    client: str
    program: str
    kind: str
    rule: str
    due: date
    status: str
    why: str
    message: str
    severity: str
    fact: str
    fact_date: date | None
    rolled_from: date | None
    assignee: str
    assigned_staff_id: int | None
    policy_status: str | None
    policy_since: date | None
    done_reason: str | None
    done_on: date | None
    done_by: str
    snoozed_until: date | None
    text: str
    reminders: tuple[int, ...]


# -- planning (independent of today) -------------------------------------------------------------


class _Step(NamedTuple):
    """A rule compiled for speed: its conditions as flags, its fact as an accessor."""

    rule: Rule
    single: str | None  # MatterFacts attribute of a one-per-matter fact
    occurrences: str | None  # "rfes" or "biometrics"
    derived: str | None  # kind of an earlier rule whose due dates this one starts from
    terminated: bool
    undecided: bool
    decided: bool
    filed: bool
    not_filed: bool
    renewal_matter: bool
    open: bool
    retire_after: str | None
    delta: timedelta
    mailed_delta: timedelta
    feeds_later: bool  # a later rule starts from this one's due dates
    conditional: bool  # has conditions besides "terminated"


def _steps(book: RuleBook, program: str, terminated: bool, state: str) -> tuple[_Step, ...]:
    """The pack's rules compiled, those for terminated grants or those for the others, and
    only those that apply to a client living in `state`."""
    key = ("engine.steps", program, terminated, state)
    found: tuple[_Step, ...] | None = book.memo.get(key)
    if found is None:
        steps = []
        rules = book.pack_for(program).rules
        for position, rule in enumerate(rules):
            when = set(rule.when)
            steps.append(
                _Step(
                    rule=rule,
                    single=_SINGLE_FACTS.get(rule.fact),
                    occurrences={"rfe_notice": "rfes", "biometrics_date": "biometrics"}.get(
                        rule.fact
                    ),
                    derived=None if rule.fact in FACTS else rule.fact,
                    terminated="terminated" in when,
                    undecided="undecided" in when,
                    decided="decided" in when,
                    filed="filed" in when,
                    not_filed="not_filed" in when,
                    renewal_matter="renewal_matter" in when,
                    open="open" in when,
                    retire_after=_SINGLE_FACTS.get(rule.retire_after or ""),
                    delta=timedelta(days=rule.offset),
                    mailed_delta=timedelta(days=rule.offset + rule.mailed_extra_days),
                    feeds_later=any(r.fact == rule.kind for r in rules[position + 1 :]),
                    conditional=bool(when - {"terminated"}),
                )
            )
        # A terminated grant gets its review item and nothing else.
        found = tuple(
            step for step in steps if step.terminated == terminated and step.rule.applies_to(state)
        )
        book.memo[key] = found
    return found


def _done(rule: Rule, facts: MatterFacts, occ: Occurrence) -> tuple[str, date | None]:
    renewal = facts.renewal
    for condition in rule.done_when:
        if condition == "decided" and (facts.decision is not None or facts.decided_on is not None):
            return condition, facts.decided_on
        if condition == "filed" and facts.filed_on is not None:
            return condition, facts.filed_on
        if condition == "answered" and occ.answered_on is not None:
            return condition, occ.answered_on
        if renewal is not None:
            if condition == "renewal_started":
                return condition, renewal.started_on
            if condition == "renewal_filed" and renewal.filed_on is not None:
                return condition, renewal.filed_on
            if condition == "renewal_granted" and renewal.granted_end is not None:
                return condition, None
    return "", None


def _conditions_hold(step: _Step, facts: MatterFacts, decided: bool) -> bool:
    if (step.undecided and decided) or (step.decided and not decided):
        return False
    if (step.filed and facts.filed_on is None) or (step.not_filed and facts.filed_on):
        return False
    if step.renewal_matter and facts.kind not in RENEWAL_KINDS:
        return False
    return not (step.open and facts.status == "closed")


_NO_OCCURRENCES: tuple[tuple[Occurrence, date | None], ...] = ()
_ONE_DAY = timedelta(days=1)


def plan_matter(facts: MatterFacts, book: RuleBook) -> list[PlannedDeadline]:
    """The deadlines the rules give for one matter (whatever today is)."""
    roll = book.calendar.roll
    terminated = facts.terminated_on is not None or facts.decision == "terminated"
    decided = facts.decision is not None or facts.decided_on is not None
    # Nothing can be done by a renewal, a decision or a filing the matter does not have.
    may_be_done = decided or facts.filed_on is not None or facts.renewal is not None
    planned: list[PlannedDeadline] = []
    inactive = facts.inactive
    permit_days: set[tuple[date, date | None]] | None = None  # open work-permit ends
    # Due dates of earlier rules, for rules that start from them (the RFE internal target).
    derived: dict[str, list[tuple[Occurrence, date | None]]] | None = None
    for step in _steps(book, facts.program, terminated, facts.state):
        if step.conditional and not _conditions_hold(step, facts, decided):
            continue
        sources: Sequence[tuple[Occurrence, date | None]]
        if step.single is not None:
            value: date | None = getattr(facts, step.single)
            if value is None:
                continue
            sources = ((_SINGLE, value),)
        elif step.occurrences is not None:
            occurrences: tuple[Occurrence, ...] = getattr(facts, step.occurrences)
            if not occurrences:
                continue
            sources = [(occ, occ.on) for occ in occurrences]
        else:
            sources = derived.get(step.derived or "", _NO_OCCURRENCES) if derived else ()
        rule = step.rule
        for occ, base in sources:
            flags = 0
            unrolled: date | None = None
            if base is not None:
                try:
                    if occ.mailed and rule.mailed_extra_days:
                        unrolled, flags = base + step.mailed_delta, MAILED
                    else:
                        unrolled = base + step.delta
                except OverflowError:
                    pass  # beyond year 9999 (or before year 1): no deadline can be meant
            # The date printed on the notice wins when it is earlier (or the only one).
            if (
                rule.honor_stated_due
                and occ.stated_due is not None
                and (unrolled is None or occ.stated_due < unrolled)
            ):
                unrolled, flags = occ.stated_due, STATED
            if unrolled is None:
                continue
            if rule.done_when and (may_be_done or occ.answered_on is not None):
                done_reason, done_on = _done(rule, facts, occ)
            else:
                done_reason, done_on = "", None
            retire_on = None
            if step.retire_after is not None:
                until: date | None = getattr(facts, step.retire_after)
                if until is not None and until < date.max:
                    retire_on = until + _ONE_DAY
            due = unrolled if rule.roll == "none" else roll(unrolled, rule.roll)
            planned.append(
                PlannedDeadline(
                    facts.matter_id,
                    rule.id,
                    occ.key,
                    due,
                    base if base is not None else unrolled,
                    unrolled,
                    rule.soon_days,
                    flags,
                    done_reason,
                    done_on,
                    retire_on,
                    facts.letter_id if rule.kind in LETTER_GROUPED_KINDS else None,
                    inactive,
                )
            )
            if rule.kind == PAIRED_PERMIT and not done_reason:
                permit_days = (permit_days or set()) | {(due, retire_on)}
            if step.feeds_later:
                if derived is None:
                    derived = {}
                derived.setdefault(rule.kind, []).append((occ, due))
    if permit_days:
        planned = _merge_pairs(planned, permit_days, book)
    return planned


def _merge_pairs(
    planned: list[PlannedDeadline], permit_days: set[tuple[date, date | None]], book: RuleBook
) -> list[PlannedDeadline]:
    """Mark the open grant ends said in an open work-permit end's row (same day, same retiring:
    on every day both are shown or neither is)."""
    return [
        p._replace(merged=True)
        if not p.done_reason
        and (p.due, p.retire_on) in permit_days
        and book.rule(p.rule_id).kind == PAIRED_GRANT
        else p
        for p in planned
    ]


_SINGLE = Occurrence()


def link_renewals(
    matters: Iterable[MatterFacts], groups: Iterable[list[int]] | None = None
) -> list[MatterFacts]:
    """Tell each granted matter whether the client's renewal or extension has started.

    A later matter of the same client and program, of kind renewal or extension, not denied or
    withdrawn, and either still pending or winning a later end date, continues this one.
    `groups` (positions of the matters sharing a client and program, only groups of two or
    more) may be passed by a caller that already knows them.
    """
    matters = list(matters)
    if groups is None:
        groups = same_client_and_program((m.client_id, m.program) for m in matters)
    for indexes in groups:
        group = [matters[i] for i in indexes]
        for position, facts in zip(indexes, group, strict=True):
            end = facts.cycle_end
            if end is None:
                continue
            later = [
                other
                for other in group
                if other.matter_id != facts.matter_id
                and other.kind in RENEWAL_KINDS
                and other.decision not in _NOT_PURSUED
                and (other.cycle_end is None or other.cycle_end > end)
            ]
            if not later:
                continue
            filed = [o.filed_on for o in later if o.filed_on is not None]
            granted = [o.cycle_end for o in later if o.cycle_end is not None and not o.terminated]
            started = [o.created_on for o in later if o.created_on is not None]
            matters[position] = facts._replace(
                renewal=RenewalLink(
                    started_on=min(started) if started else None,
                    filed_on=min(filed) if filed else None,
                    granted_end=max(granted) if granted else None,
                )
            )
    return matters


def same_client_and_program(keys: Iterable[tuple[int, str]]) -> list[list[int]]:
    """Positions sharing a (client, program) key, for the groups of two or more."""
    first: dict[tuple[int, str], int] = {}
    groups: dict[tuple[int, str], list[int]] = {}
    for index, key in enumerate(keys):
        seen = first.setdefault(key, index)
        if seen != index:
            groups.setdefault(key, [seen]).append(index)
    return list(groups.values())
