"""Backups that happen by themselves: due copies written, verified, recorded and thinned."""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from clinic_app.domain.models import AuditEvent, Setting
from clinic_app.errors import ClinicError, UserError
from clinic_app.i18n import _
from clinic_app.os_errors import os_error_sentence, read_error_sentence
from clinic_app.services import backup
from clinic_app.services.backup_copies import (
    FAILED,
    OK,
    PARTIAL,
    Copy,
    copy_name,
    iso,
    read_copies,
    recheck,
    sha256_of,
    to_keep,
    write_manifest,
)
from clinic_app.services.backup_plan import BackupPlan, Destination, get_plan
from clinic_app.services.check import check_vault
from clinic_app.store.base import SERVER, Store
from clinic_app.vault import audit
from clinic_app.vault.keyslots import BackupKey
from clinic_app.vault.vault import Vault

RECORD_KEY = "backup.record"
TRIGGERS = ("unlock", "close", "due", "now")
# Audit actions that are backups' own bookkeeping: they are not changes worth a new copy.
BOOKKEEPING = ("backup", "backup_key", "backup_drill")
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Outcome:
    """What one run did at one destination."""

    destination: Destination
    status: str  # made, not_due, missing, failed (verification) or error (writing)
    copy: Copy | None = None
    problem: str = ""
    removed: tuple[str, ...] = ()  # files thinned away

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.destination.path),
            "label": self.destination.label,
            "status": self.status,
            "copy": self.copy.to_json() if self.copy else None,
            "problem": self.problem,
            "removed": list(self.removed),
        }


@dataclass(frozen=True)
class RunReport:
    outcomes: tuple[Outcome, ...] = ()

    @property
    def ok(self) -> bool:
        return not any(o.status in ("failed", "error") for o in self.outcomes)

    @property
    def made(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.status == "made")


def run_due_backups(
    vault: Vault, *, now: datetime, trigger: str = "due", progress: Progress | None = None
) -> RunReport:
    """Write a verified copy to every destination that is due at `now` (aware) and thin the old.

    `trigger` is why it runs: "unlock", "close" and "due" make only due copies; "now" makes one
    everywhere. A missing folder is skipped and noted, a failure at one destination never stops
    the others, and neither raises: the report says what happened where.
    """
    plan = get_plan(vault)
    if not plan.enabled and trigger != "now":
        return RunReport()
    key = vault.backup_key()
    wipe_leftovers(vault)
    head = _audit_head(vault)
    due: list[tuple[Destination, list[Copy]]] = []
    outcomes: dict[Destination, Outcome] = {}
    vault_id = vault.vault_id
    for destination in plan.destinations:
        if not destination.present:
            outcomes[destination] = Outcome(destination, "missing")
            continue
        copies = read_copies(destination.path, vault_id)
        if trigger == "now" or _is_due(vault, plan, copies, now):
            due.append((destination, copies))
        else:
            outcomes[destination] = Outcome(destination, "not_due")
    for index, (destination, copies) in enumerate(due):
        step = _scaled(progress, index, len(due))
        if key is None:
            outcomes[destination] = Outcome(
                destination, "error", problem="No backup passphrase is set for this plan."
            )
            continue
        outcomes[destination] = _back_up_to(vault, destination, copies, key, plan, now, head, step)
    report = RunReport(tuple(outcomes[d] for d in plan.destinations if d in outcomes))
    _record(vault, report, now)
    return report


def _scaled(progress: Progress | None, index: int, count: int) -> Progress | None:
    """One progress bar over every destination's copy."""
    if progress is None:
        return None
    report = progress

    def step(done: int, total: int) -> None:
        report(index * 1000 + (1000 * done) // max(total, 1), count * 1000)

    return step


def _is_due(vault: Vault, plan: BackupPlan, copies: list[Copy], now: datetime) -> bool:
    good = [c for c in copies if c.good]
    if not good:
        return True
    newest = good[0]
    if plan.every == "on-close":
        return _changed_since(vault, newest.audit_id)
    made = newest.made.astimezone(now.tzinfo).date()
    if plan.every == "weekly":
        return (now.date() - made).days >= 7
    return made < now.date()


def _audit_head(vault: Vault) -> int:
    with vault.reader() as session:
        return int(session.exec(select(func.max(AuditEvent.id))).one() or 0)


def _changed_since(vault: Vault, audit_id: int) -> bool:
    with vault.reader() as session:
        query = (
            select(func.count())
            .select_from(AuditEvent)
            .where(col(AuditEvent.id) > audit_id, col(AuditEvent.action).not_in(BOOKKEEPING))
        )
        return bool(session.exec(query).one())


def _back_up_to(
    vault: Vault,
    destination: Destination,
    copies: list[Copy],
    key: BackupKey,
    plan: BackupPlan,
    now: datetime,
    head: int,
    progress: Progress | None,
) -> Outcome:
    folder = destination.path
    try:
        for stale in folder.glob(f"{vault.vault_id}_*{PARTIAL}"):
            stale.unlink()  # left by a run that was killed; the vault's lock says none runs now
        copies = [
            _verified(vault, folder, c, key) if c.verified == "unverified" else c for c in copies
        ]
        out = folder / copy_name(vault.vault_id, now, folder)
        size = backup.write_sealed_backup(vault, out=out, key=key, progress=progress)
        problems = verify_copy(vault, out, key)
        copy = Copy(
            file=out.name,
            made=now.astimezone(UTC),
            size=size,
            sha256=sha256_of(out),
            verified=FAILED if problems else OK,
            checked=datetime.now(UTC).replace(microsecond=0),
            problem="; ".join(problems),
            audit_id=head,
        )
        copies.insert(0, copy)
        removed: tuple[str, ...] = ()
        if copy.good:
            kept = to_keep(copies, plan.keep, now.tzinfo or UTC)
            removed = tuple(c.file for c in copies if c.good and c.file not in kept)
            for name in removed:
                (folder / name).unlink(missing_ok=True)
            copies = [c for c in copies if c.file not in removed]
        write_manifest(folder, vault.vault_id, copies)
    except ClinicError as exc:
        return Outcome(destination, "error", problem=exc.message)
    except OSError as exc:
        return Outcome(destination, "error", problem=os_error_sentence(exc, folder))
    if not copy.good:
        return Outcome(destination, "failed", copy, copy.problem)
    return Outcome(destination, "made", copy, removed=removed)


def _verified(vault: Vault, folder: Path, copy: Copy, key: BackupKey) -> Copy:
    """A copy found without a result (its run was killed after the rename): check it now."""
    problems = verify_copy(vault, folder / copy.file, key)
    return replace(
        copy,
        sha256=sha256_of(folder / copy.file),
        verified=FAILED if problems else OK,
        checked=datetime.now(UTC).replace(microsecond=0),
        problem="; ".join(problems),
        audit_id=0,  # unknown: the next on-close run makes a fresh copy
    )


def verify_copy(vault: Vault, path: Path, key: BackupKey) -> tuple[str, ...]:
    """Open the copy with its key and run the vault check on it in a temporary folder beside the
    vault (everything unpacked there is still encrypted), wiped afterwards. Empty when good."""
    try:
        with tempfile.TemporaryDirectory(prefix=".verify-", dir=vault.folder) as tmp:
            folder = backup.unpack_backup(path, Path(tmp), key=key)
            copy = vault.open_copy(folder)
            try:
                return check_vault(copy).problems
            finally:
                copy.close()
    except ClinicError as exc:
        return (exc.message.rstrip("."),)
    except OSError as exc:
        return (
            _("it could not be read back: {reason}").format(
                reason=read_error_sentence(exc, path).rstrip(".")
            ),
        )


def wipe_leftovers(vault: Vault) -> None:
    """Working folders a killed backup or check left in the vault folder (we hold its lock, so
    no backup of this vault is running)."""
    for pattern in (".backup-*", ".verify-*", ".drill-*"):
        for leftover in vault.folder.glob(pattern):
            with contextlib.suppress(OSError):
                shutil.rmtree(leftover)


def _record(vault: Vault, report: RunReport, now: datetime) -> None:
    """Keep, encrypted in the vault, the last good copy and last attempt per destination (Today
    shows them when the drive is unplugged) and audit each copy with its result."""
    touched = [o for o in report.outcomes if o.status != "not_due"]
    if not touched:
        return
    with vault.session() as session:
        record = _read_record(session)
        for outcome in touched:
            entry = record.setdefault(str(outcome.destination.path), {})
            entry["last"] = {"at": iso(now), "status": outcome.status, "problem": outcome.problem}
            if outcome.status == "made" and outcome.copy is not None:
                entry["good"] = {"file": outcome.copy.file, "made": iso(outcome.copy.made)}
            audit.record(
                session,
                action="backup",
                record_kind="vault",
                summary=f"automatic: {outcome.status}",
            )
        row = session.get(Setting, RECORD_KEY) or Setting(key=RECORD_KEY, value="{}")
        row.value = json.dumps(record, sort_keys=True)
        session.add(row)


def _read_record(session: Session) -> dict[str, dict[str, Any]]:
    row = session.get(Setting, RECORD_KEY)
    try:
        doc = json.loads(row.value) if row is not None else {}
    except ValueError:
        doc = {}
    return doc if isinstance(doc, dict) else {}


def read_record(vault: Store) -> dict[str, dict[str, Any]]:
    with vault.reader() as session:
        return _read_record(session)


@dataclass(frozen=True)
class Listing:
    """The copies of this vault at one destination, newest first."""

    destination: Destination
    present: bool
    copies: tuple[Copy, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.destination.path),
            "label": self.destination.label,
            "present": self.present,
            "copies": [c.to_json() for c in self.copies],
        }


def list_backups(vault: Vault, *, recheck_files: bool = True) -> tuple[Listing, ...]:
    """Every copy per destination with its verification result. With `recheck_files`, each good
    copy is read back against its checksum (a copy changed since is marked failed, and kept)."""
    if vault.kind == SERVER:
        raise UserError(
            _(
                "The clinic server is backed up on the server itself (pg_dump and its encrypted "
                "files; see docs/server.md, Backups): this computer keeps no copies of it."
            )
        )
    plan = get_plan(vault)
    vault_id = vault.vault_id
    listings = []
    for destination in plan.destinations:
        if not destination.present:
            listings.append(Listing(destination, False, ()))
            continue
        copies = read_copies(destination.path, vault_id)
        if recheck_files:
            checked = recheck(destination.path, copies)
            if checked != copies:
                with contextlib.suppress(ClinicError):  # a read-only drive still lists
                    write_manifest(destination.path, vault_id, checked)
            copies = checked
        listings.append(Listing(destination, True, tuple(copies)))
    return tuple(listings)
