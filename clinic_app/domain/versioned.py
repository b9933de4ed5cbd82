"""A version on every editable row: SQLAlchemy bumps it on each UPDATE and checks it atomically."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import declared_attr
from sqlmodel import Field, SQLModel


class Versioned(SQLModel):
    """Base of the tables people edit.

    With `version_id_col`, every ORM UPDATE or DELETE of the row says `WHERE version = :loaded`
    and sets `version = loaded + 1`; a row changed by someone else in between matches nothing and
    the flush raises `StaleDataError` instead of overwriting their change.
    """

    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})

    @declared_attr  # type: ignore[arg-type]
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]
