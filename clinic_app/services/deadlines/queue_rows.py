"""The queue's rows: one deadline, a grant end said with its work permit, or a letter group."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import select

from clinic_app.deadlines import urgency
from clinic_app.deadlines.engine import Deadline
from clinic_app.domain.models import AgencyLetter, Employer
from clinic_app.i18n import _, format_day, ngettext


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


class _Letter(NamedTuple):
    id: int
    agency: str
    employer: str


def _letters(conn: Any, letter_of: dict[int, int]) -> dict[int, _Letter]:
    """The agency letter of each matter (matter id -> letter id given), with its agency and
    employer, for grouping letter-period items."""
    if not letter_of:
        return {}
    lt = AgencyLetter.__table__.c  # type: ignore[attr-defined]
    em = Employer.__table__.c  # type: ignore[attr-defined]
    joined = AgencyLetter.__table__.join(Employer.__table__, em.id == lt.employer_id)  # type: ignore[attr-defined]
    query = (
        select(lt.id, lt.agency, em.name)
        .select_from(joined)
        .where(lt.id.in_(sorted(set(letter_of.values()))))
    )
    found = {
        lid: _Letter(lid, agency or "", employer or "")
        for lid, agency, employer in conn.execute(query)
    }
    return {mid: found[lid] for mid, lid in letter_of.items() if lid in found}


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
                    (
                        _("Deferred action and work permit ended {date}")
                        if d.due < today
                        else _("Deferred action and work permit end {date}")
                    ).format(date=format_day(d.due)),
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
        ).format(date=format_day(due))
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
