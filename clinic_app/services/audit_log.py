"""Reading the audit log (writing happens inside each service's transaction)."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import col, select

from clinic_app.domain.models import AuditEvent
from clinic_app.services._base import require_id
from clinic_app.services.records import AuditRecord
from clinic_app.store.base import Store


def list_events(
    vault: Store, *, record_kind: str | None = None, record_id: int | None = None, limit: int = 200
) -> list[AuditRecord]:
    """The newest events first."""
    with vault.reader() as session:
        query = select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(limit)
        if record_kind is not None:
            query = query.where(AuditEvent.record_kind == record_kind)
        if record_id is not None:
            query = query.where(AuditEvent.record_id == record_id)
        return [
            AuditRecord(
                id=require_id(e.id),
                at=e.at,
                actor=e.actor,
                action=e.action,
                record_kind=e.record_kind,
                record_id=e.record_id,
                summary=e.summary,
            )
            for e in session.exec(query)
        ]


def newest_sequence(vault: Store) -> int:
    """The newest audit event's number (0 for none): it moves whenever anyone changes anything,
    so a screen polls this one cheap read to learn that others' changes arrived."""
    with vault.reader() as session:
        newest = session.exec(select(func.max(AuditEvent.id))).one()
    return int(newest or 0)


def changed_by_others(vault: Store, *, after: int) -> bool:
    """Whether anyone but this vault's person logged a change after event `after` (a window's
    own saves already refreshed what they touched)."""
    with vault.reader() as session:
        found = session.exec(
            select(AuditEvent.id)
            .where(col(AuditEvent.id) > after, AuditEvent.actor != vault.actor)
            .limit(1)
        ).first()
    return found is not None
