"""Who a program's policy change affects: open matters and live grants."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select

from clinic_app.deadlines import finishing, sync
from clinic_app.deadlines.facts import as_date, driver_value, fetch_all
from clinic_app.domain.models import Client, Matter, StaffMember
from clinic_app.domain.text import full_name
from clinic_app.errors import UserError
from clinic_app.i18n import _
from clinic_app.services.deadlines.query import (
    _c,
    _g,
    _m,
)
from clinic_app.services.deadlines.rules import _known_programs
from clinic_app.store.base import Store


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
    state: str = ""  # the client's state, "" when unknown
    # Why some of the program's rules do not apply where this client lives.
    not_here: tuple[str, ...] = ()


@dataclass(frozen=True)
class AffectedReport:
    program: str
    policy_status: str | None
    policy_since: date | None
    matters: list[AffectedMatter]
    by_language: dict[str, int] = field(default_factory=dict)


# -- policy changes: who is affected ----------------------------------------------------------------


_LIVE_DECISIONS = (None, "granted")


def affected(vault: Store, *, program: str, today: date) -> AffectedReport:
    """Every open matter and live grant under a program, to contact when its policy changes.

    Open: not closed and not denied, withdrawn or terminated. Live grant: not terminated and not
    yet ended on `today`. Sorted by the soonest end date, then by matter.
    """
    known = _known_programs(vault)
    if program not in known:
        raise UserError(
            _("There is no program '{program}'; known programs: {known}.").format(
                program=program, known=", ".join(sorted(known))
            )
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
                    _c.state,
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
    for mid, cid, first, last, langs, kind, status, decision, assignee, state, da, wp, term in rows:
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
                state=state or "",
                not_here=tuple(
                    text for _rule, text in finishing.place_notes(book, program, state or "")
                ),
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
