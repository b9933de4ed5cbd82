"""Small helpers shared by the service modules."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol, TypeVar

from sqlmodel import Session, SQLModel

from clinic_app.errors import NotFoundError
from clinic_app.i18n import _
from clinic_app.vault import audit

M = TypeVar("M", bound=SQLModel)


class _Row(Protocol):
    id: int | None


R = TypeVar("R", bound=_Row)


def now() -> datetime:
    """The current time in UTC, to the second (what the audit log and records store)."""
    return datetime.now(UTC).replace(microsecond=0)


def get_or_fail(session: Session, model: type[M], record_id: int, label: str) -> M:
    row = session.get(model, record_id)
    if row is None:
        raise NotFoundError(
            _("There is no {label} with id {record_id}.").format(
                label=_(label), record_id=record_id
            )
        )
    return row


def require_id(value: int | None) -> int:
    """A stored row's id (always set after a flush)."""
    assert value is not None, "row was not flushed"
    return value


def insert(session: Session, row: R, kind: str, summary: str = "") -> R:
    """Add `row`, give it its id, and log its creation, all in the caller's transaction."""
    session.add(row)
    session.flush()
    audit.record(session, action="create", record_kind=kind, record_id=row.id, summary=summary)
    return row
