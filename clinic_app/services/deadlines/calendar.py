"""The .ics calendar export of deadlines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from clinic_app.deadlines import ics
from clinic_app.deadlines.facts import chunks
from clinic_app.errors import UserError
from clinic_app.i18n import _
from clinic_app.services._base import now
from clinic_app.services.deadlines.listing import list_deadlines
from clinic_app.services.deadlines.query import (
    NAME_MODES,
    _c,
    rulebook,
)
from clinic_app.services.deadlines.queue import tiers_of, urgency_order
from clinic_app.store.base import Store
from clinic_app.vault import audit
from clinic_app.vault.fsutil import atomic_write


@dataclass(frozen=True)
class CalendarExport:
    path: Path
    events: int
    names: str


# -- calendar export ------------------------------------------------------------------------------


def export_calendar(
    vault: Store,
    *,
    out: Path,
    today: date,
    names: str = "initials",
    within: int | None = None,
    overdue: bool = False,
    assignee_id: int | None = None,
    kind: str | None = None,
    program: str | None = None,
    stamp: Any = None,
) -> CalendarExport:
    """Write an .ics file with one event per deadline (done ones as cancelled), stable UIDs.

    `names`: "initials" (the default) or "none" keep client names, A-numbers, employers and
    task texts out of the file, which may sync to a cloud calendar; "full" puts names in.
    `kind` and `program` keep only deadlines of that kind and program, as the Deadlines
    screen's filters do. `stamp` is the export time (DTSTAMP and SEQUENCE); the current time
    when None.
    """
    if names not in NAME_MODES:
        raise UserError(
            _("--ics-names must be one of {choices}.").format(choices=", ".join(NAME_MODES))
        )
    found = list_deadlines(
        vault,
        today=today,
        within=within,
        overdue=overdue,
        assignee_id=assignee_id,
        include_done=not overdue and within is None,
    )
    found = [
        d
        for d in found
        if (kind is None or d.kind == kind) and (program is None or d.program == program)
    ]
    tiers = tiers_of(vault, found, today)
    found = urgency_order(found, tiers, today)  # the events in Today's order
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
        vault_id=vault.store_id,
        names=names,
        initials=initials,
        stamp=stamp or now(),
        reminders={r.id: r.reminders for p in book.packs.values() for r in p.rules},
        tiers=tiers,
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
