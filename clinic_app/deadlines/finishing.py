"""Finishing planned deadlines for a day: status, the why sentence, the policy status in force.

The second half of the deadline engine (see engine.py): pure functions of the planned
deadlines, the effective rules and today; no I/O and no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from clinic_app.deadlines.engine import (
    MAILED,
    STATED,
    TASK_REMINDERS,
    TASK_RULE,
    TASK_SOON_DAYS,
    Deadline,
    MatterContext,
    MatterFacts,
    PlannedDeadline,
    StaffMark,
    TaskFacts,
    link_renewals,
    plan_matter,
)
from clinic_app.deadlines.rules import FACTS, KINDS, PolicyEntry, Rule, RuleBook
from clinic_app.i18n import _, current_language, format_day

_ONE_DAY = timedelta(days=1)


def status_of(
    due: date,
    today: date,
    soon_days: int,
    *,
    done: bool = False,
    snoozed_until: date | None = None,
) -> str:
    """overdue, due_soon, upcoming, done or snoozed. A date that is today is due soon."""
    if done:
        return "done"
    if snoozed_until is not None and snoozed_until > today:
        return "snoozed"
    if due < today:
        return "overdue"
    if (due - today).days <= soon_days:
        return "due_soon"
    return "upcoming"


def is_shown(planned: PlannedDeadline, today: date) -> bool:
    """False once a deadline is retired (another one took over, e.g. when a grant ended)."""
    return planned.retire_on is None or today < planned.retire_on


def deadline_ref(matter_id: int, rule_id: str, occurrence: str = "") -> str:
    """The public id of a computed deadline (stable across recomputes)."""
    return f"{matter_id}-{rule_id}" + (f"-{occurrence}" if occurrence else "")


def task_ref(task_id: int) -> str:
    return f"task-{task_id}"


def fact_label(fact: str) -> str:
    return _(FACTS.get(fact) or KINDS.get(fact) or fact)


def _rule_text(rule: Rule, name: str, lang: str | None) -> str:
    """A rule's sentence in `lang` (else the current language): the pack's own translation,
    else the catalog's (a clinic's own rule may be in the catalog only)."""
    lang = lang or current_language()
    if lang in rule.translations and name in rule.translations[lang]:
        return rule.text(name, lang)
    return _(rule.text(name))


def render_why(
    rule: Rule,
    planned: PlannedDeadline,
    book: RuleBook,
    lang: str | None = None,
    *,
    past: bool = False,
) -> str:
    """The sentence saying where a date comes from, in the clinic's words (`past`: the date
    has passed, said so when the rule has words for it)."""
    if planned.flags & STATED and rule.why_stated:
        name = "why_stated"
    elif planned.flags & MAILED and rule.why_mailed:
        name = "why_mailed"
    elif past and rule.why_past:
        name = "why_past"
    else:
        name = "why"
    lang = lang or current_language()
    template = rule.text(name, lang)
    if lang not in rule.translations:
        template = _(template)
    text = template.format_map(
        {
            "fact_label": fact_label(rule.fact),
            "fact_date": format_day(planned.fact_date, lang),
            "days": str(rule.days),
            "due": format_day(planned.due, lang),
            "mail_days": str(rule.mailed_extra_days),
            "stated_due": format_day(planned.unrolled, lang),
        }
    )
    if planned.due != planned.unrolled:
        calendar = book.calendar
        reason = calendar.closed_reason(planned.unrolled) or _("a closed day")
        # One whole sentence per language: the parts are never glued together in English order.
        text += _("; moved from {day} ({reason}) to {due}").format(
            day=format_day(planned.unrolled, lang), reason=reason, due=format_day(planned.due, lang)
        )
        # Holidays and clinic closed days passed over on the way (weekends go without saying).
        step = _ONE_DAY if planned.due > planned.unrolled else -_ONE_DAY
        day, passed = planned.unrolled + step, []
        while day != planned.due:
            why = calendar.closed_reason(day)
            if why is not None and day.weekday() < 5:
                passed.append(f"{format_day(day, lang)} {why}")
            day += step
        if passed:
            text += _(", past {days}").format(days="; ".join(passed))
    return text


def _policy(
    book: RuleBook,
    matter: MatterContext,
    today: date,
    cache: dict[str, PolicyEntry | None] | None,
) -> PolicyEntry | None:
    if cache is None:
        return book.policy_on(matter.program, today, matter.state)
    key = f"{matter.program}|{matter.state}"
    if key not in cache:
        cache[key] = book.policy_on(matter.program, today, matter.state)
    return cache[key]


def finish(
    planned: PlannedDeadline,
    book: RuleBook,
    today: date,
    matter: MatterContext,
    *,
    mark: StaffMark | None = None,
    lang: str | None = None,
    policies: dict[str, PolicyEntry | None] | None = None,
) -> Deadline:
    """A planned deadline as seen on `today`.

    `policies` may be a dict shared by many calls on the same day (the policy in force per
    program is then looked up once).
    """
    rule = book.rule(planned.rule_id)
    done_at = mark.done_at if mark is not None else None
    snoozed = mark.snoozed_until if mark is not None else None
    policy = _policy(book, matter, today, policies)
    past = planned.due < today
    return Deadline(
        id=deadline_ref(planned.matter_id, planned.rule_id, planned.occurrence),
        matter_id=planned.matter_id,
        client_id=matter.client_id,
        client=matter.client,
        program=matter.program,
        kind=rule.kind,
        rule=planned.rule_id,
        due=planned.due,
        status=status_of(
            planned.due,
            today,
            planned.soon_days,
            done=bool(planned.done_reason) or done_at is not None,
            snoozed_until=snoozed,
        ),
        why=render_why(rule, planned, book, lang, past=past),
        message=_rule_text(rule, "message_past" if past and rule.message_past else "message", lang),
        severity=rule.severity,
        fact=rule.fact,
        fact_date=planned.fact_date,
        rolled_from=planned.unrolled if planned.unrolled != planned.due else None,
        assignee=matter.assignee,
        assigned_staff_id=matter.assigned_staff_id,
        policy_status=policy.status if policy else None,
        policy_since=policy.on if policy else None,
        done_reason=planned.done_reason or ("marked_done" if done_at else None),
        done_on=planned.done_on or (done_at.date() if done_at else None),
        done_by=mark.done_by if mark is not None else "",
        snoozed_until=snoozed,
        text="",
        reminders=rule.reminders,
    )


def finish_task(
    task: TaskFacts,
    book: RuleBook,
    today: date,
    matter: MatterContext,
    *,
    policies: dict[str, PolicyEntry | None] | None = None,
) -> Deadline:
    """A manual task as seen on `today`."""
    policy = _policy(book, matter, today, policies)
    mark = task.mark
    when = task.created_on.isoformat() if task.created_on else "?"
    return Deadline(
        id=task_ref(task.id),
        matter_id=task.matter_id,
        client_id=matter.client_id,
        client=matter.client,
        program=matter.program,
        kind="task",
        rule=TASK_RULE,
        due=task.due,
        status=status_of(
            task.due,
            today,
            TASK_SOON_DAYS,
            done=mark.done_at is not None,
            snoozed_until=mark.snoozed_until,
        ),
        why=_("Task added by {who} on {when}").format(who=task.created_by or _("staff"), when=when),
        message=_("Task"),
        severity="normal",
        fact="task",
        fact_date=task.created_on,
        rolled_from=None,
        assignee=matter.assignee,
        assigned_staff_id=task.assigned_staff_id,
        policy_status=policy.status if policy else None,
        policy_since=policy.on if policy else None,
        done_reason="marked_done" if mark.done_at else None,
        done_on=mark.done_at.date() if mark.done_at else None,
        done_by=mark.done_by,
        snoozed_until=mark.snoozed_until,
        text=task.title,
        reminders=TASK_REMINDERS,
    )


def sort_key(deadline: Deadline) -> tuple[date, int, str, str]:
    return (deadline.due, deadline.matter_id, deadline.kind, deadline.id)


def compute_deadlines(
    matters: Iterable[MatterFacts],
    book: RuleBook,
    today: date,
    *,
    marks: Mapping[tuple[int, str, str], StaffMark] | None = None,
    tasks: Iterable[TaskFacts] = (),
    names: Mapping[int, str] | None = None,
    staff: Mapping[int, str] | None = None,
    lang: str | None = None,
) -> list[Deadline]:
    """Facts + effective rules + today -> every deadline, sorted by due date.

    `marks` holds staff's done/snoozed marks by (matter id, rule id, occurrence); `names` and
    `staff` give the client and assignee names to show. Retired deadlines are left out; tasks
    of matters not among `matters` are too.
    """
    marks = marks or {}
    names = names or {}
    staff = staff or {}
    out: list[Deadline] = []
    contexts: dict[int, MatterContext] = {}
    policies: dict[str, PolicyEntry | None] = {}
    for facts in link_renewals(matters):
        context = MatterContext(
            client_id=facts.client_id,
            program=facts.program,
            assigned_staff_id=facts.assigned_staff_id,
            client=names.get(facts.client_id, ""),
            assignee=staff.get(facts.assigned_staff_id or 0, ""),
            state=facts.state,
        )
        contexts[facts.matter_id] = context
        for planned in plan_matter(facts, book):
            if is_shown(planned, today):
                out.append(
                    finish(
                        planned,
                        book,
                        today,
                        context,
                        mark=marks.get(planned.key),
                        lang=lang,
                        policies=policies,
                    )
                )
    for task in tasks:
        found = contexts.get(task.matter_id)
        if found is not None:
            context = found._replace(
                assigned_staff_id=task.assigned_staff_id,
                assignee=staff.get(task.assigned_staff_id or 0, ""),
            )
            out.append(finish_task(task, book, today, context, policies=policies))
    out.sort(key=sort_key)
    return out


def place_notes(
    book: RuleBook, program: str, state: str, lang: str | None = None
) -> list[tuple[str, str]]:
    """(rule id, sentence) for each of the program's rules that does not apply in `state`:
    why a client living there has no such deadline."""
    out = []
    for rule in book.not_here(program, state):
        out.append((rule.id, _rule_text(rule, "not_here", lang)))
    return out
