"""Tables of the conflict check: parties on the other side, the lookup keys, checks and decisions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class Party(SQLModel, table=True):
    """A person on the employer's side: an owner, manager or supervisor, or another adverse party."""

    __tablename__ = "party"
    id: int | None = Field(default=None, primary_key=True)
    name: str
    role: str = "adverse"  # owner | manager | supervisor | adverse | related
    employer_id: int | None = Field(default=None, foreign_key="employer.id", index=True)
    dispute_id: int | None = Field(default=None, foreign_key="labor_dispute.id", index=True)
    phone: str = ""
    notes: str = ""
    created_at: datetime


class ConflictKey(SQLModel, table=True):
    """Lookup keys (phonetic code, name prefix, variant group, date of birth, A-number, phone)
    of every client, employer and party, so a check scores a few hundred candidates, not all.

    Derived from the records: it can always be dropped and rebuilt.
    """

    __tablename__ = "conflict_key"
    # Removing one record's keys (on edit) looks them up by record, not by key.
    __table_args__ = (Index("ix_conflict_key_record", "record_kind", "record_id"),)
    key: str = Field(primary_key=True)
    record_kind: str = Field(primary_key=True)  # client | employer | party
    record_id: int = Field(primary_key=True)


class ConflictCheck(SQLModel, table=True):
    """One check at intake: what was typed, the candidates shown, and what people decided."""

    __tablename__ = "conflict_check"
    id: int | None = Field(default=None, primary_key=True)
    checked_at: datetime
    checked_by: str = ""
    subject_kind: str  # client | employer | matter | party
    subject_id: int | None = None  # the record saved or opened after the check
    query: str = ""  # JSON: the person or employer as typed (encrypted with the vault)
    candidates: str = ""  # JSON: [{record_kind, record_id, score, kind}]
    decision: str  # same_person | different_person | refer_attorney
    review: str = ""  # for referred checks: "" (waiting) | cleared | conflict
    reviewed_by: str = ""
    reviewed_at: datetime | None = None
    review_note: str = ""
