"""A restore drill: the newest copy restored into a temporary folder and compared with the vault."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from clinic_app.domain.models import AuditEvent
from clinic_app.errors import ClinicError
from clinic_app.i18n import _
from clinic_app.services import backup
from clinic_app.services.backup_copies import iso, read_copies
from clinic_app.services.backup_plan import get_plan
from clinic_app.services.backup_runs import wipe_leftovers
from clinic_app.services.check import check_vault
from clinic_app.vault import audit
from clinic_app.vault.schema import metadata
from clinic_app.vault.vault import Vault


@dataclass(frozen=True)
class DrillReport:
    copy: Path | None
    made: datetime | None
    destination: str
    problems: tuple[str, ...] = ()
    counts: tuple[tuple[str, int, int], ...] = ()  # table, rows in the copy, rows in the vault
    copy_head: int = 0  # the copy's last audit event
    chain_matches: bool = False  # the vault's event of that number is the same event
    events_since: int = 0
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.copy is not None and not self.problems and self.chain_matches

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "copy": str(self.copy) if self.copy else None,
            "made": iso(self.made) if self.made else None,
            "destination": self.destination or None,
            "problems": list(self.problems),
            "counts": [{"table": t, "copy": c, "vault": v} for t, c, v in self.counts],
            "audit": {
                "copy_head": self.copy_head,
                "matches_vault": self.chain_matches,
                "events_since": self.events_since,
            },
        }


def restore_drill(vault: Vault) -> DrillReport:
    """Restore the newest verified copy at any connected folder into a temporary folder
    beside the vault, check it, and compare its record counts and audit chain with the vault's.
    The temporary folder is wiped; the drill is audited."""
    report = _drill(vault)
    with vault.session() as session:
        audit.record(
            session,
            action="backup_drill",
            record_kind="vault",
            summary="passed" if report.ok else "failed",
        )
    return report


def _drill(vault: Vault) -> DrillReport:
    newest = None
    for destination in get_plan(vault).destinations:
        if not destination.present:
            continue
        # Newest first: the first good copy is the one a person would restore from this folder.
        copy = next((c for c in read_copies(destination.path, vault.vault_id) if c.good), None)
        if copy is not None and (newest is None or copy.made > newest[1].made):
            newest = (destination, copy)
    if newest is None:
        return DrillReport(
            None, None, "", (_("there is no verified copy at any connected backup folder"),)
        )
    destination, copy = newest
    path = destination.path / copy.file
    key = vault.backup_key()
    if key is None:
        return DrillReport(path, copy.made, destination.label, (_("no backup passphrase is set"),))
    wipe_leftovers(vault)
    try:
        with tempfile.TemporaryDirectory(prefix=".drill-", dir=vault.folder) as tmp:
            restored = vault.open_copy(backup.unpack_backup(path, Path(tmp), key=key))
            try:
                problems = check_vault(restored).problems
                copy_counts = _counts(restored)
                head = _head(restored)
            finally:
                restored.close()
    except ClinicError as exc:
        return DrillReport(path, copy.made, destination.label, (exc.message.rstrip("."),))
    live_counts = _counts(vault)
    counts = tuple((t, copy_counts[t], live_counts.get(t, 0)) for t in copy_counts)
    live_hash, since = _event_and_since(vault, head[0])
    return DrillReport(
        path,
        copy.made,
        destination.label,
        problems,
        counts,
        copy_head=head[0],
        chain_matches=live_hash == head[1],
        events_since=since,
    )


def _counts(vault: Vault) -> dict[str, int]:
    with vault.reader() as session:
        return {
            table.name: int(session.exec(select(func.count()).select_from(table)).one())
            for table in metadata.sorted_tables
        }


def _head(vault: Vault) -> tuple[int, str]:
    with vault.reader() as session:
        last = session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(1)).first()
        return (int(last.id or 0), last.hash) if last else (0, "")


def _event_and_since(vault: Vault, event_id: int) -> tuple[str, int]:
    """The vault's hash for audit event `event_id`, and how many events came after it."""
    with vault.reader() as session:
        event = session.get(AuditEvent, event_id)
        since = session.exec(
            select(func.count()).select_from(AuditEvent).where(col(AuditEvent.id) > event_id)
        ).one()
        return (event.hash if event is not None else "", int(since))
