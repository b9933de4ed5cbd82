"""Tables the deadline engine keeps: computed deadlines, their done/snoozed state, manual tasks."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from clinic_app.domain.versioned import Versioned

OPEN_INDEX = (
    "due",
    "soon_days",
    "rule_id",
    "inactive",
    "letter_id",
    "merged",
    "retire_on",
    "matter_id",
    "occurrence",
)


class Deadline(SQLModel, table=True):
    """One computed deadline, as the engine planned it from a matter's facts and the rules.

    Derived data, kept lean because a full recompute rewrites every row: the rows of a matter
    are replaced whenever its facts or the rules change, and what the rule itself says (kind,
    severity, reminders) is looked up in the rules, which are current by construction (see
    `sync`). Nothing here depends on today's date, and no client data is copied here. There
    are no foreign keys on purpose: the session hook deletes a matter's rows with the matter,
    and with foreign keys a full recompute of 100,000 matters is several times slower.
    """

    __tablename__ = "deadline"
    # The dashboard and Today's queue read open deadlines from this index alone: the dashboard
    # counts them by due date, Today by everything that decides a tier and a row (rule, matter
    # inactive, agency letter, grant end merged), in the index's order, and picks its first
    # rows from it (matter and occurrence). No table lookups: at 100,000 matters that is the
    # difference between tens and hundreds of milliseconds. Only the SQLite form is named:
    # naming PostgreSQL's too loads that dialect at every start (tens of milliseconds).
    __table_args__ = (
        Index(
            "ix_deadline_open",
            *OPEN_INDEX,
            sqlite_where=text("done_reason = ''"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    matter_id: int = Field(index=True)
    rule_id: str
    occurrence: str = ""  # which notice or appointment ("e12"), empty for one-per-matter dates
    due: date
    fact_date: date  # the date of the fact the rule starts from
    unrolled: date  # the due date before it was moved off a weekend or closed day
    soon_days: int  # "due soon" this many days ahead (from the rule, kept for the dashboard)
    flags: int = 0  # 1: the RFE came by mail; 2: the date printed on the notice was used
    done_reason: str = ""  # the engine saw it done: renewal_filed, answered, decided...
    done_on: date | None = None
    retire_on: date | None = None  # not shown from this date on (replaced by another deadline)
    # Stored for Today's queue when the matter's deadlines are computed (kept right by the
    # same recompute that any change to the matter, its grants or its letter sets off):
    letter_id: int | None = None  # the agency letter of a letter-period item (grouped by it)
    inactive: bool = False  # the matter is closed, denied or withdrawn
    merged: bool = False  # a grant end said in the same day's work-permit row


class DeadlineState(Versioned, table=True):
    """What staff did with a computed deadline: marked it done, or snoozed it to a date.

    Keyed by matter, rule and occurrence (not by the computed row), so it survives recomputes.
    """

    __tablename__ = "deadline_state"
    __table_args__ = (
        UniqueConstraint("matter_id", "rule_id", "occurrence", name="uq_deadline_state_key"),
    )
    id: int | None = Field(default=None, primary_key=True)
    matter_id: int = Field(foreign_key="matter.id")
    rule_id: str
    occurrence: str = ""
    done_at: datetime | None = None
    done_by: str = ""
    snoozed_until: date | None = None
    snoozed_by: str = ""
    updated_at: datetime


class DeadlineTask(Versioned, table=True):
    """A manual task on a matter, with an assignee and a due date (rule "task")."""

    __tablename__ = "deadline_task"
    id: int | None = Field(default=None, primary_key=True)
    matter_id: int = Field(foreign_key="matter.id", index=True)
    title: str
    due: date = Field(index=True)
    assigned_staff_id: int | None = Field(default=None, foreign_key="staff_member.id")
    created_at: datetime
    created_by: str = ""
    done_at: datetime | None = None
    done_by: str = ""
    snoozed_until: date | None = None
    snoozed_by: str = ""
