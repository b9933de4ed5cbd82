"""No lost updates: a save against a row someone changed since it was loaded is refused."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, col, select

from clinic_app.domain.models import AuditEvent, StaffMember
from clinic_app.errors import ConflictError
from clinic_app.i18n import N_, _
from clinic_app.services._base import now
from clinic_app.services.changes import (
    CLIENT,
    DISPUTE,
    EMPLOYER,
    EVENT,
    GRANT,
    LETTER,
    MATTER,
    NOTE,
    STAFF,
    WORKSITE,
)
from clinic_app.vault import audit

# One whole sentence per kind of record, so a translation can agree with the record's gender.
_SENTENCES = {
    CLIENT: N_("{who} changed this client at {when} — reload to see the changes"),
    MATTER: N_("{who} changed this matter at {when} — reload to see the changes"),
    GRANT: N_("{who} changed this grant at {when} — reload to see the changes"),
    EVENT: N_("{who} changed this notice at {when} — reload to see the changes"),
    NOTE: N_("{who} changed this note at {when} — reload to see the changes"),
    EMPLOYER: N_("{who} changed this employer at {when} — reload to see the changes"),
    WORKSITE: N_("{who} changed this worksite at {when} — reload to see the changes"),
    LETTER: N_("{who} changed this agency letter at {when} — reload to see the changes"),
    DISPUTE: N_("{who} changed this labor dispute at {when} — reload to see the changes"),
    STAFF: N_("{who} changed this staff member at {when} — reload to see the changes"),
    "task": N_("{who} changed this task at {when} — reload to see the changes"),
}
_OTHER = N_("{who} changed this record at {when} — reload to see the changes")


def local_time(moment: datetime, today: datetime | None = None) -> str:
    """A logged time in this computer's time zone: "10:42" today, with the date on another day."""
    if moment.tzinfo is None:  # SQLite hands back the stored UTC time without its zone
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone()
    current = (today or datetime.now(UTC)).astimezone()
    if local.date() == current.date():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def conflict_sentence(session: Session, kind: str, record_id: int) -> str:
    """Who changed the row last and when, from the audit log's newest event for it."""
    newest = session.exec(
        select(AuditEvent)
        .where(AuditEvent.record_kind == kind, AuditEvent.record_id == record_id)
        .order_by(col(AuditEvent.id).desc())
        .limit(1)
    ).first()
    actor = newest.actor if newest is not None else ""
    # On the clinic server the log names the login: say the staff member's name instead.
    named = session.exec(select(StaffMember.name).where(StaffMember.login == actor)).first()
    who = (named if actor and named else actor) or _("Someone")
    when = local_time(newest.at if newest is not None else now())
    return _(_SENTENCES.get(kind, _OTHER)).format(who=who, when=when)


def conflict(session: Session, kind: str, record_id: int) -> ConflictError:
    return ConflictError(
        conflict_sentence(session, kind, record_id), kind=kind, record_id=record_id
    )


def check(session: Session, row: Any, kind: str, expected: int | None) -> None:
    """Refuse the save when the row is no longer at the version the person loaded.

    `expected` None means the caller read and writes in this one transaction (the CLI).
    """
    if expected is not None and row.version != expected:
        raise conflict(session, kind, row.id)


def flush(session: Session, kind: str, record_id: int) -> None:
    """Write the pending changes; a row changed by someone else since it was read is refused.

    The UPDATE carries `WHERE version = :read`, so the database itself decides: on a server
    another person's commit can land between this transaction's read and its write.
    """
    try:
        session.flush()
    except StaleDataError:
        # The failed flush leaves this transaction unusable: read the log on a fresh one.
        bind = session.get_bind().execution_options(clinic_readonly=True)
        with Session(bind) as reader:
            sentence = conflict_sentence(reader, kind, record_id)
        raise ConflictError(sentence, kind=kind, record_id=record_id) from None


def apply_changes(
    session: Session,
    row: Any,
    values: dict[str, object],
    *,
    kind: str,
    record_id: int,
    version: int | None = None,
    touch: bool = False,
) -> list[str]:
    """Set the values that differ and log which fields changed (names only, never values).

    A stale `version` is refused before anything is set; `touch` also stamps `updated_at`.
    """
    check(session, row, kind, version)
    changed = sorted(name for name, value in values.items() if getattr(row, name) != value)
    for name in changed:
        setattr(row, name, values[name])
    if changed:
        if touch:
            row.updated_at = now()
        session.add(row)
        flush(session, kind, record_id)
        audit.record(
            session,
            action="update",
            record_kind=kind,
            record_id=record_id,
            summary="fields: " + ", ".join(changed),
        )
    return changed
