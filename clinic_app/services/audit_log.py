"""Reading the audit log (writing happens inside each service's transaction)."""

from __future__ import annotations

from sqlalchemy import func, inspect, text
from sqlmodel import col, select

from clinic_app.domain.models import AuditEvent
from clinic_app.services._base import require_id
from clinic_app.services.records import AuditRecord, ImportedAuditRecord
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


# Written only by `server import-vault` (clinic_app/server/upkeep_sql.py); absent from a vault.
IMPORTED_HISTORY = "imported_audit_event"


def imported_history(vault: Store, *, limit: int = 200) -> list[ImportedAuditRecord]:
    """The history of laptop vaults moved onto this store, newest first (empty where none was,
    as on every vault): who did what on the laptop, with the vault's own numbers."""
    with vault.reader() as session:
        conn = session.connection()
        if not inspect(conn).has_table(IMPORTED_HISTORY):
            return []
        rows = conn.execute(
            text(
                "SELECT vault_id, id, at, actor, action, record_kind, record_id, summary "
                f"FROM {IMPORTED_HISTORY} ORDER BY imported_at DESC, vault_id, id DESC LIMIT :n"
            ),
            {"n": limit},
        ).all()
    return [
        ImportedAuditRecord(
            id=r.id,
            at=r.at,
            actor=r.actor,
            action=r.action,
            record_kind=r.record_kind,
            record_id=r.record_id,
            summary=r.summary,
            vault_id=r.vault_id,
        )
        for r in rows
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
