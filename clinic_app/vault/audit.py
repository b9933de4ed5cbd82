"""Append-only audit log, chained with an HMAC so edits and deletions are detectable."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from clinic_app.domain.models import AuditEvent

GENESIS = "0" * 64


def _digest(key: bytes, prev_hash: str, event: AuditEvent) -> str:
    fields = [
        prev_hash,
        event.at.isoformat(),
        event.actor,
        event.action,
        event.record_kind,
        "" if event.record_id is None else str(event.record_id),
        event.summary,
    ]
    return hmac.new(key, "\x1f".join(fields).encode("utf-8"), hashlib.sha256).hexdigest()


def record(
    session: Session,
    *,
    action: str,
    record_kind: str,
    record_id: int | None = None,
    summary: str = "",
) -> None:
    """Append one event to the log inside the caller's transaction.

    `summary` must never hold client data: use counts, field names and ids.
    """
    key: bytes = session.info["audit_key"]
    actor: str = session.info.get("actor", "")
    prev_hash: str | None = session.info.get("audit_last_hash")
    if prev_hash is None:  # first event of this transaction: read the chain's end once
        last = session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(1)).first()
        prev_hash = last.hash if last else GENESIS
    event = AuditEvent(
        at=datetime.now(UTC).replace(microsecond=0),
        actor=actor,
        action=action,
        record_kind=record_kind,
        record_id=record_id,
        summary=summary,
        prev_hash=prev_hash,
        hash="",
    )
    event.hash = _digest(key, prev_hash, event)
    session.add(event)  # flushed with the change it records, in the order added
    session.info["audit_last_hash"] = event.hash


def verify(session: Session, key: bytes) -> list[str]:
    """Problems in the chain: an altered, removed or reordered event breaks it."""
    problems: list[str] = []
    prev = GENESIS
    for event in session.exec(select(AuditEvent).order_by(col(AuditEvent.id))):
        if event.prev_hash != prev or not hmac.compare_digest(
            event.hash, _digest(key, prev, event)
        ):
            problems.append(
                f"audit log event {event.id} has been altered, or an event before it removed"
            )
            break
        prev = event.hash
    return problems
