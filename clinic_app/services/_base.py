"""Small helpers shared by the service modules."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TypeVar

from sqlmodel import Session, SQLModel

from clinic_app.errors import NotFoundError

M = TypeVar("M", bound=SQLModel)


def now() -> datetime:
    """The current time in UTC, to the second (what the audit log and records store)."""
    return datetime.now(UTC).replace(microsecond=0)


def get_or_fail(session: Session, model: type[M], record_id: int, label: str) -> M:
    row = session.get(model, record_id)
    if row is None:
        raise NotFoundError(f"There is no {label} with id {record_id}.")
    return row


def require_id(value: int | None) -> int:
    """A stored row's id (always set after a flush)."""
    assert value is not None, "row was not flushed"
    return value
