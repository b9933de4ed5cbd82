"""Tables for documents: packet checklist items, attorney sign-offs and drafts kept in the vault."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class ChecklistEntry(SQLModel, table=True):
    """The state of one packet item for one matter; an item with no row is still missing."""

    __tablename__ = "checklist_item"
    __table_args__ = (UniqueConstraint("matter_id", "item", name="uq_checklist_item_matter_item"),)
    id: int | None = Field(default=None, primary_key=True)
    matter_id: int = Field(foreign_key="matter.id", index=True)
    item: str  # the item's key in the program's packet list, e.g. "g-28"
    status: str = "missing"  # missing | received | needs_translation | not_applicable
    updated_at: datetime
    updated_by: str = ""


class SignOff(SQLModel, table=True):
    """An attorney's or accredited representative's review of a complete packet.

    A later change to the matter's checklist voids it: the reviewer saw a different packet.
    """

    __tablename__ = "matter_sign_off"
    id: int | None = Field(default=None, primary_key=True)
    matter_id: int = Field(foreign_key="matter.id", index=True)
    staff_id: int = Field(foreign_key="staff_member.id")
    signed_on: date
    recorded_at: datetime
    recorded_by: str = ""
    voided_at: datetime | None = None


class GeneratedDocument(SQLModel, table=True):
    """A generated draft kept in the vault's encrypted file store."""

    __tablename__ = "generated_document"
    id: int | None = Field(default=None, primary_key=True)
    matter_id: int | None = Field(default=None, foreign_key="matter.id", index=True)
    agency_letter_id: int | None = Field(default=None, foreign_key="agency_letter.id", index=True)
    template: str
    language: str
    file_id: int = Field(foreign_key="stored_file.id")
    created_at: datetime
