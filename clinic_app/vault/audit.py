"""Append-only audit log, chained with an HMAC so edits and deletions are detectable."""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from clinic_app.domain.models import AuditEvent
from clinic_app.i18n import _
from clinic_app.vault import bulk

GENESIS = "0" * 64


def _digest(key: bytes, prev_hash: str, event: AuditEvent) -> str:
    return _digest_of(
        key,
        prev_hash,
        event.at,
        event.actor,
        event.action,
        event.record_kind,
        event.record_id,
        event.summary,
    )


def _digest_of(
    key: bytes,
    prev_hash: str,
    at: datetime,
    actor: str,
    action: str,
    record_kind: str,
    record_id: int | None,
    summary: str,
) -> str:
    return _digest_text(
        key, prev_hash, at.isoformat(), actor, action, record_kind, record_id, summary
    )


def _digest_text(
    key: bytes,
    prev_hash: str,
    at: str,
    actor: str,
    action: str,
    record_kind: str,
    record_id: int | None,
    summary: str,
) -> str:
    fields = [
        prev_hash,
        at,
        actor,
        action,
        record_kind,
        "" if record_id is None else str(record_id),
        summary,
    ]
    # hmac.digest is the one-shot C HMAC: a bulk import chains tens of thousands of events.
    return hmac.digest(key, "\x1f".join(fields).encode("utf-8"), "sha256").hex()


def _chain_end(session: Session) -> str:
    prev_hash: str | None = session.info.get("audit_last_hash")
    if prev_hash is None:  # first event of this transaction: read the chain's end once
        last = session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(1)).first()
        prev_hash = last.hash if last else GENESIS
    return prev_hash


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
    prev_hash = _chain_end(session)
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


def record_many(session: Session, events: Sequence[tuple[str, str, int | None]]) -> None:
    """Append many (action, record kind, record id) events in one pass and one executemany,
    chained exactly as `record` chains them one at a time (for bulk imports)."""
    if not events:
        return
    session.flush()  # events added one by one go in first, so the chain follows the ids
    key: bytes = session.info["audit_key"]
    actor: str = session.info.get("actor", "")
    prev_hash = _chain_end(session)
    at = datetime.now(UTC).replace(microsecond=0)
    at_text = at.isoformat()
    rows = []
    digest = hmac.digest
    # The fields `_digest_text` joins, with the ones all these events share joined once.
    shared: dict[tuple[str, str], str] = {}
    for action, record_kind, record_id in events:
        middle = shared.get((action, record_kind))
        if middle is None:
            middle = shared[(action, record_kind)] = "\x1f".join(
                ("", at_text, actor, action, record_kind, "")
            )
        number = "" if record_id is None else str(record_id)
        text = f"{prev_hash}{middle}{number}\x1f"  # the summary is empty
        hashed = digest(key, text.encode("utf-8"), "sha256").hex()
        rows.append(
            {
                "at": at,
                "actor": actor,
                "action": action,
                "record_kind": record_kind,
                "record_id": record_id,
                "summary": "",
                "prev_hash": prev_hash,
                "hash": hashed,
            }
        )
        prev_hash = hashed
    table: Any = getattr(AuditEvent, "__table__")  # noqa: B009  (SQLModel types it loosely)
    bulk.insert_many(session.connection(), table, rows)
    session.info["audit_last_hash"] = prev_hash


def verify(session: Session, key: bytes) -> list[str]:
    """Problems in the chain: an altered, removed or reordered event breaks it."""
    problems: list[str] = []
    prev = GENESIS
    for event in session.exec(select(AuditEvent).order_by(col(AuditEvent.id))):
        if event.prev_hash != prev or not hmac.compare_digest(
            event.hash, _digest(key, prev, event)
        ):
            problems.append(
                _("audit log event {id} has been altered, or an event before it removed").format(
                    id=event.id
                )
            )
            break
        prev = event.hash
    return problems
