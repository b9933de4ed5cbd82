"""Reads matters' facts (grant ends, notices, letter periods) from the vault for the engine."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Integer, String, case, func, select, type_coerce

from clinic_app.deadlines.engine import (
    MatterFacts,
    Occurrence,
    link_renewals,
    same_client_and_program,
)
from clinic_app.domain.models import AgencyLetter, Client, Grant, Matter, MatterEvent

CHUNK = 500  # ids per IN (...) list, well under every database's parameter limit
_EVENT_KINDS = ("filed", "receipt", "rfe", "rfe_response", "biometrics", "termination")

_m = Matter.__table__.c  # type: ignore[attr-defined]
_g = Grant.__table__.c  # type: ignore[attr-defined]
_e = MatterEvent.__table__.c  # type: ignore[attr-defined]
_l = AgencyLetter.__table__.c  # type: ignore[attr-defined]
_c = Client.__table__.c  # type: ignore[attr-defined]


def chunks(ids: Collection[int], size: int = CHUNK) -> Iterator[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


class _Dates(dict[Any, date | None]):
    """Driver values (ISO text on SQLite, dates elsewhere) -> dates, each parsed once."""

    def __missing__(self, value: Any) -> date | None:
        if value is None:
            found = None
        elif isinstance(value, datetime):
            found = value.date()
        elif isinstance(value, date):
            found = value
        else:
            found = date.fromisoformat(str(value)[:10])
        if len(self) < 200_000:
            self[value] = found
        return found


as_date = _Dates().__getitem__


def driver_value(column: Any) -> Any:
    """The column as the driver returns it: dates are parsed here, far faster than per row in
    SQLAlchemy's type layer (100,000 matters are read at once)."""
    kind = Integer() if isinstance(column.type, Integer) else String()
    return type_coerce(column, kind).label(column.name)


def _rows_for(conn: Connection, query: Any, column: Any, ids: Collection[int] | None) -> list[Any]:
    """Every row of `query`, or only those whose `column` is one of `ids` (read in chunks)."""
    if ids is None:
        return fetch_all(conn, query)
    rows: list[Any] = []
    for part in chunks(ids):
        rows.extend(conn.execute(query.where(column.in_(part))).all())
    return rows


def client_ids_of(conn: Connection, matter_ids: Collection[int]) -> set[int]:
    found: set[int] = set()
    for part in chunks(matter_ids):
        found.update(conn.execute(select(_m.client_id).where(_m.id.in_(part))).scalars())
    return found


def matter_ids_of_letters(conn: Connection, letter_ids: Collection[int]) -> set[int]:
    found: set[int] = set()
    for part in chunks(letter_ids):
        found.update(conn.execute(select(_m.id).where(_m.agency_letter_id.in_(part))).scalars())
    return found


def fetch_all(conn: Connection, query: Any) -> list[Any]:
    """All rows of a query as plain tuples from the driver's own cursor.

    A full recompute reads 100,000 matters; SQLAlchemy's row objects cost a third of that read.
    The statement is still compiled by SQLAlchemy for the connection's dialect (though outside
    its statement cache, so small reads go through `conn.execute` instead).
    """
    compiled = query.compile(conn, compile_kwargs={"render_postcompile": True})
    positions = compiled.positiontup
    if positions is None:  # a driver with named parameters: the ordinary path
        return list(conn.execute(query).all())
    params = compiled.construct_params()
    values = []
    for name in positions:
        value = params[name]
        bind = compiled.binds.get(name)
        process = bind.type.bind_processor(conn.dialect) if bind is not None else None
        values.append(process(value) if process is not None and value is not None else value)
    cursor = conn.connection.cursor()
    try:
        cursor.execute(str(compiled), values)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _matter_rows(conn: Connection, client_ids: Collection[int] | None) -> list[Any]:
    query = select(
        *map(
            driver_value,
            (
                _m.id,
                _m.client_id,
                _m.program,
                _m.kind,
                _m.status,
                _m.decision,
                _m.assigned_staff_id,
                _m.created_at,
                _m.filed_on,
                _m.decided_on,
                _l.period_end,
                _c.state,
                _m.agency_letter_id,
            ),
        )
    )
    matter: Any = Matter.__table__  # type: ignore[attr-defined]
    joined = matter.outerjoin(AgencyLetter.__table__, _l.id == _m.agency_letter_id).join(  # type: ignore[attr-defined]
        Client.__table__,  # type: ignore[attr-defined]
        _c.id == _m.client_id,
    )
    query = query.select_from(joined)
    return _rows_for(conn, query, _m.client_id, client_ids)


def _grant_rows(conn: Connection, matter_ids: Sequence[int] | None) -> list[Any]:
    query = select(
        _g.matter_id,
        type_coerce(func.max(case((_g.kind == "deferred_action", _g.end))), String()),
        type_coerce(func.max(case((_g.kind == "work_permit", _g.end))), String()),
        type_coerce(func.min(_g.terminated_on), String()),
    ).group_by(_g.matter_id)
    return _rows_for(conn, query, _g.matter_id, matter_ids)


def _event_rows(conn: Connection, matter_ids: Sequence[int] | None) -> list[Any]:
    query = select(
        *map(driver_value, (_e.id, _e.matter_id, _e.kind, _e.occurred_on, _e.due_on)),
        _e.mailed,
        driver_value(_e.created_at),
    ).where(_e.kind.in_(_EVENT_KINDS))
    return _rows_for(conn, query, _e.matter_id, matter_ids)


def _events_by_matter(rows: list[Any]) -> dict[int, dict[str, list[Any]]]:
    out: dict[int, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for row in sorted(rows, key=lambda r: r[0]):
        out[row[1]][row[2]].append(row)
    return out


def _rfes(events: dict[str, list[Any]]) -> tuple[Occurrence, ...]:
    answers = [(as_date(r[3]) or as_date(r[6]), r[0]) for r in events.get("rfe_response", ())]
    found = []
    for event_id, _mid, _kind, occurred, due, mailed, _created in events.get("rfe", ()):
        notice, stated = as_date(occurred), as_date(due)
        if notice is None and stated is None:
            continue
        answered = [
            day
            for day, answer_id in answers
            if day is not None
            and (
                (notice is not None and day >= notice) or (notice is None and answer_id > event_id)
            )
        ]
        found.append(
            Occurrence(
                key=f"e{event_id}",
                on=notice,
                mailed=bool(mailed),
                stated_due=stated,
                answered_on=min(answered) if answered else None,
            )
        )
    return tuple(found)


def _biometrics(events: dict[str, list[Any]]) -> tuple[Occurrence, ...]:
    return tuple(
        Occurrence(key=f"e{r[0]}", on=as_date(r[4]))
        for r in events.get("biometrics", ())
        if r[4] is not None
    )


def _first(events: dict[str, list[Any]], kind: str) -> date | None:
    days = [d for d in (as_date(r[3]) for r in events.get(kind, ())) if d is not None]
    return min(days) if days else None


def load_facts(conn: Connection, client_ids: Collection[int] | None = None) -> list[MatterFacts]:
    """Facts of every matter (or of every matter of these clients), renewals linked."""
    matters = _matter_rows(conn, client_ids)
    ids = None if client_ids is None else [row[0] for row in matters]
    grants = {row[0]: row for row in _grant_rows(conn, ids)}
    events = _events_by_matter(_event_rows(conn, ids))
    facts = []
    for (
        mid,
        cid,
        program,
        kind,
        status,
        decision,
        staff,
        created,
        filed,
        decided,
        letter,
        state,
        letter_id,
    ) in matters:
        grant = grants.get(mid)
        decided_on = as_date(decided)
        if grant is not None:
            grant_end, permit_end = as_date(grant[1]), as_date(grant[2])
            terminated = as_date(grant[3])
        else:
            grant_end = permit_end = terminated = None
        its = events.get(mid)
        if its:
            filed_on = as_date(filed) or _first(its, "filed")
            receipt_on = _first(its, "receipt")
            if terminated is None and (its.get("termination") or decision == "terminated"):
                terminated = _first(its, "termination") or decided_on
            rfes, biometrics = _rfes(its), _biometrics(its)
        else:
            filed_on, receipt_on, rfes, biometrics = as_date(filed), None, (), ()
            if terminated is None and decision == "terminated":
                terminated = decided_on
        facts.append(
            MatterFacts(
                mid,
                cid,
                program,
                kind,
                status,
                decision,
                staff,
                # The day is enough (renewals are linked by it): parse "YYYY-MM-DD" only.
                as_date(created[:10] if isinstance(created, str) else created),
                filed_on,
                receipt_on,
                decided_on,
                grant_end,
                permit_end,
                terminated,
                as_date(letter),
                rfes,
                biometrics,
                None,
                state or "",
                letter_id,
            )
        )
    groups = same_client_and_program((row[1], row[2]) for row in matters)
    return link_renewals(facts, groups)
