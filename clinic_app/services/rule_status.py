"""How current the rule packs are, and which rules do not apply where a client lives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from clinic_app.deadlines import finishing, sync
from clinic_app.deadlines.rules import RuleBook
from clinic_app.domain.models import Client, Matter
from clinic_app.domain.places import state_name
from clinic_app.i18n import _
from clinic_app.services._base import get_or_fail
from clinic_app.store.base import Store

_m = Matter.__table__.c  # type: ignore[attr-defined]
_c = Client.__table__.c  # type: ignore[attr-defined]


@dataclass(frozen=True)
class StalePack:
    """A pack past its review date: its dates may rest on rules that changed since."""

    program: str
    title: str
    last_checked: date | None
    review_by: date
    line: str  # the one sentence screens and reports show


@dataclass(frozen=True)
class PlaceNote:
    """A rule of a client's program that does not apply where the client lives, and why."""

    matter_id: int
    program: str
    state: str
    rule_id: str
    text: str


def stale_line(title: str, last_checked: date | None) -> str:
    when = last_checked.isoformat() if last_checked else _("an unknown date")
    return _("The {title} rules were last checked on {day}; have an attorney confirm them.").format(
        title=title, day=when
    )


def stale_in(book: RuleBook, today: date) -> list[StalePack]:
    """The packs of a rule book that are past their review date on `today`."""
    return [
        StalePack(
            program=pack.program,
            title=pack.title,
            last_checked=pack.last_checked,
            review_by=pack.review_by,
            line=stale_line(pack.title, pack.last_checked),
        )
        for pack in book.stale_packs(today)
        if pack.review_by is not None
    ]


def stale_packs(vault: Store, *, today: date) -> list[StalePack]:
    """Packs in use that are past their `review_by` date (Today, `rules show`, the report)."""
    with vault.reader() as session:
        book = sync.rulebook_from(session.connection())[0]
    return stale_in(book, today)


def place_notes(
    vault: Store,
    *,
    matter_id: int | None = None,
    client_id: int | None = None,
    lang: str | None = None,
) -> list[PlaceNote]:
    """For a matter (or every matter of a client): the rules that do not apply where the client
    lives, each with the sentence saying why there is no such deadline."""
    query = select(_m.id, _m.program, _c.state).join_from(
        Matter.__table__,  # type: ignore[attr-defined]
        Client.__table__,  # type: ignore[attr-defined]
        _c.id == _m.client_id,
    )
    with vault.reader() as session:
        if matter_id is not None:
            get_or_fail(session, Matter, matter_id, "matter")
            query = query.where(_m.id == matter_id)
        if client_id is not None:
            get_or_fail(session, Client, client_id, "client")
            query = query.where(_m.client_id == client_id)
        conn = session.connection()
        book = sync.rulebook_from(conn)[0]
        rows = conn.execute(query.order_by(_m.id)).all()
    return [
        PlaceNote(mid, program, state or "", rule_id, text)
        for mid, program, state in rows
        for rule_id, text in finishing.place_notes(book, program, state or "", lang)
    ]


def where_label(state: str) -> str:
    """'Texas (TX)' for screens, or 'unknown'."""
    return f"{state_name(state)} ({state})" if state else _("unknown")
