"""Key rotation: a new data key for the database, every stored file and the key slots, crash-safe through a journal.

Everything under the new key is first written beside the live vault, in `.rotation/`: a copy of
the database re-keyed with `PRAGMA rekey` (holding the audit event of the rotation), every stored
file re-encrypted, the new key-slot file (passphrase, a new recovery code, the automatic-backup
slot rewrapped; the key epoch raised) and the new head record. `rotation.json` (the journal)
holds each key wrapped under the other, authenticated with the phase it is in:

- phase "prepare": the live vault is untouched. A crash here is rolled back at the next open
  (the work folder is removed); the old passphrase opens the vault as before.
- phase "switch" (the commit point): the new files replace the live ones one atomic rename at a
  time. A crash here is rolled forward at the next open, with the new passphrase or the old one
  (the old key-slot file is kept in the work folder until the switch is done).
The work folder, with the old files and the old key-slot file, is removed last, then the journal.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import text
from sqlalchemy.engine import Connection

from clinic_app.errors import DamagedError, UnlockError
from clinic_app.i18n import _
from clinic_app.paths import SLOTS_NAME
from clinic_app.vault.fsutil import atomic_write, fsync_dir
from clinic_app.vault.keyslots import (
    BACKUP,
    PASSPHRASE,
    RECOVERY,
    KdfParams,
    KeySlotFile,
    make_backup_slot,
    make_slot,
    rewrap_backup_slot,
    subkey,
)

JOURNAL_NAME = "rotation.json"
DB_FILE = "vault.db"
FILES_FOLDER = "files"
WORK_DIR = ".rotation"
OLD_SLOTS = "keyslots.old.json"
PREPARE = "prepare"
SWITCH = "switch"
# The audit chain keeps one key for its whole life (its events are never rewritten), carried
# across rotations in the database, sealed under a subkey of the current data key.
AUDIT_CARRY = "vault.audit_key"
FINISHED_AT_OPEN = (
    "rotate_key_finished_at_open"  # audited: that rotation's recovery code was never shown
)
Progress = Callable[[str], None]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _seal(key: bytes, purpose: str, payload: bytes, aad: bytes) -> str:
    nonce = os.urandom(12)
    return _b64(nonce + AESGCM(subkey(key, purpose)).encrypt(nonce, payload, aad))


def _unseal(key: bytes, purpose: str, sealed: str, aad: bytes) -> bytes | None:
    try:
        raw = base64.b64decode(sealed.encode("ascii"), validate=True)
        return AESGCM(subkey(key, purpose)).decrypt(raw[:12], raw[12:], aad)
    except (InvalidTag, ValueError):
        return None


# -- the audit chain's key ------------------------------------------------------------------


def audit_key(conn: Connection, data_key: bytes) -> bytes:
    """The audit chain's key: carried in the database after a rotation, else from the data key."""
    row = conn.execute(text("SELECT value FROM setting WHERE key = :k"), {"k": AUDIT_CARRY}).first()
    if row is None:
        return subkey(data_key, "audit")
    key = _unseal(data_key, "audit-carry", str(row[0]), b"audit")
    if key is None:
        raise DamagedError(
            _("The vault database's audit key was altered; restore the vault from a backup.")
        )
    return key


def carry_audit_key(conn: Connection, key: bytes, new_data_key: bytes) -> None:
    sealed = _seal(new_data_key, "audit-carry", key, b"audit")
    conn.execute(text("DELETE FROM setting WHERE key = :k"), {"k": AUDIT_CARRY})
    conn.execute(
        text("INSERT INTO setting (key, value) VALUES (:k, :v)"), {"k": AUDIT_CARRY, "v": sealed}
    )


# -- the journal ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Journal:
    phase: str
    epoch: int  # the key epoch the rotation moves to
    vault_id: str
    new_under_old: str
    old_under_new: str

    def keys(self, key: bytes) -> tuple[bytes, bytes] | None:
        """(old key, new key) from either of them, or None when `key` is neither."""
        aad = _aad(self.vault_id, self.epoch, self.phase)
        new = _unseal(key, "rotation", self.new_under_old, aad)
        if new is not None:
            return key, new
        old = _unseal(key, "rotation", self.old_under_new, aad)
        return None if old is None else (old, key)


def _aad(vault_id: str, epoch: int, phase: str) -> bytes:
    return json.dumps({"vault": vault_id, "epoch": epoch, "phase": phase}, sort_keys=True).encode()


def write_journal(
    folder: Path, phase: str, epoch: int, vault_id: str, old: bytes, new: bytes
) -> None:
    aad = _aad(vault_id, epoch, phase)
    doc = {
        "format": 1,
        "phase": phase,
        "epoch": epoch,
        "vault_id": vault_id,
        "new_under_old": _seal(old, "rotation", new, aad),
        "old_under_new": _seal(new, "rotation", old, aad),
    }
    atomic_write(folder / JOURNAL_NAME, json.dumps(doc, indent=2).encode("utf-8"))


def read_journal(folder: Path) -> Journal | None:
    try:
        doc = json.loads((folder / JOURNAL_NAME).read_text("utf-8"))
        journal = Journal(
            str(doc["phase"]),
            int(doc["epoch"]),
            str(doc["vault_id"]),
            str(doc["new_under_old"]),
            str(doc["old_under_new"]),
        )
        if doc.get("format") != 1 or journal.phase not in (PREPARE, SWITCH):
            raise ValueError("unknown journal")
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DamagedError(
            _(
                "The vault's key-change journal ({file}) is damaged; restore the vault from the newest backup into a new folder."
            ).format(file=JOURNAL_NAME)
        ) from exc
    return journal


# -- finishing or undoing an interrupted rotation at open -------------------------------------


def _slot_files(folder: Path, phase: str) -> list[Path]:
    """Key-slot files that may open the vault: the live one; while switching, also the new one
    not yet renamed into place and the old one kept aside."""
    work = folder / WORK_DIR
    found = [folder / SLOTS_NAME]
    if phase == SWITCH:
        found += [work / SLOTS_NAME, work / OLD_SLOTS]
    return [p for p in found if p.is_file()]


def resume(folder: Path, journal: Journal, secret: bytes, kind: str) -> tuple[bytes, bool]:
    """Roll an interrupted rotation back (before its commit) or forward (after), so the vault
    opens as one whole: the old vault, or the new one. Returns the data key now in effect and
    whether the rotation was finished (its new recovery code was then never shown)."""
    keys: tuple[bytes, bytes] | None = None
    for path in _slot_files(folder, journal.phase):
        slots = KeySlotFile.load(path)
        try:
            key = slots.unlock(secret, kind)
        except UnlockError:
            continue
        if slots.vault_id != journal.vault_id:
            raise DamagedError(_("The key-change journal belongs to another vault."))
        keys = journal.keys(key)
        if keys is None:
            raise DamagedError(
                _(
                    "The vault's key-change journal ({file}) was altered; restore the vault from the newest backup into a new folder."
                ).format(file=JOURNAL_NAME)
            )
        break
    if keys is None:
        # Wrong passphrase or code: say so exactly as an ordinary open does.
        KeySlotFile.load(folder / SLOTS_NAME).unlock(secret, kind)
        raise UnlockError(_("Wrong passphrase for this vault."))
    if journal.phase == PREPARE:
        roll_back(folder)
        return keys[0], False
    switch(folder)
    return keys[1], True


def roll_back(folder: Path) -> None:
    """Before the commit: the live files were never touched; drop the work, then the journal."""
    remove_work(folder)
    (folder / JOURNAL_NAME).unlink(missing_ok=True)
    fsync_dir(folder)


def remove_work(folder: Path) -> None:
    work = folder / WORK_DIR
    if work.exists():
        shutil.rmtree(work)
        fsync_dir(folder)


def _replace(source: Path, target: Path) -> None:
    os.replace(source, target)
    fsync_dir(target.parent)


def switch(folder: Path, progress: Progress | None = None) -> None:
    """After the commit: put every new file in place (each step can be repeated after a crash),
    then remove the old files and the old key-slot file, then the journal."""
    report = progress or (lambda _step: None)
    work = folder / WORK_DIR
    report("switch_database")
    if (work / "vault.db").is_file():
        _replace(work / "vault.db", folder / "vault.db")
    report("switch_files_out")
    if (work / "files").is_dir() and (folder / "files").exists():
        _replace(folder / "files", work / "files.old")
    report("switch_files_in")
    if (work / "files").is_dir():
        _replace(work / "files", folder / "files")
    report("switch_head")
    if (work / "head.json").is_file():
        _replace(work / "head.json", folder / "head.json")
    report("switch_key_slots")
    if (work / SLOTS_NAME).is_file():
        _replace(work / SLOTS_NAME, folder / SLOTS_NAME)
    report("clean_up")
    remove_work(folder)
    report("end_journal")
    (folder / JOURNAL_NAME).unlink(missing_ok=True)
    fsync_dir(folder)


# -- preparing a rotation beside the live vault -------------------------------------------------


def _copy_durably(source: Path, target: Path) -> None:
    shutil.copyfile(source, target)
    with target.open("rb+") as handle:
        os.fsync(handle.fileno())
    fsync_dir(target.parent)


@dataclass(frozen=True)
class Plan:
    """What one rotation needs: both keys, the new key-slot file, and what to carry over."""

    folder: Path
    vault_id: str
    old_key: bytes
    new_key: bytes
    new_slots: KeySlotFile  # its epoch is the one the rotation moves to
    audit_key: bytes  # the chain's key, carried over unchanged
    actor: str
    blobs: tuple[str, ...]  # every stored file a record points at


def prepare(plan: Plan, progress: Progress | None = None) -> None:
    """Write the rotated vault into the work folder, then commit (the journal's switch phase).
    Until the commit, nothing the live vault uses has changed."""
    from sqlmodel import Session

    from clinic_app.vault import audit, head
    from clinic_app.vault.engine import connect, make_engine
    from clinic_app.vault.filestore import FileStore

    report = progress or (lambda _step: None)
    folder, work, epoch = plan.folder, plan.folder / WORK_DIR, plan.new_slots.epoch
    remove_work(folder)
    work.mkdir(mode=0o700)
    report("journal")
    write_journal(folder, PREPARE, epoch, plan.vault_id, plan.old_key, plan.new_key)
    report("copy_database")
    _copy_durably(folder / "vault.db", work / "vault.db")
    report("rekey_database")
    conn = connect(work / "vault.db", subkey(plan.old_key, "sqlcipher"))
    try:
        conn.execute(f"PRAGMA rekey = \"x'{subkey(plan.new_key, 'sqlcipher').hex()}'\"")
    finally:
        conn.close()
    report("record_rotation")
    engine = make_engine(work / "vault.db", subkey(plan.new_key, "sqlcipher"))
    try:
        with Session(engine) as session:
            session.info.update(audit_key=plan.audit_key, actor=plan.actor)
            with session.begin():
                carry_audit_key(session.connection(), plan.audit_key, plan.new_key)
                audit.record(
                    session,
                    action="rotate_key",
                    record_kind="vault",
                    summary=f"key epoch {epoch}; {len(plan.blobs)} stored file(s) encrypted again",
                )
                session.flush()
                newest = head.latest(session.connection())
    finally:
        engine.dispose()
    assert newest is not None
    old_files = FileStore(folder / "files", subkey(plan.old_key, "files"))
    new_files = FileStore(work / "files", subkey(plan.new_key, "files"))
    (work / "files").mkdir()
    for number, blob in enumerate(plan.blobs, start=1):
        report(f"file {number}/{len(plan.blobs)}")
        new_files.put_as(blob, old_files.get(blob))
    report("key_slots")
    _copy_durably(folder / SLOTS_NAME, work / OLD_SLOTS)
    plan.new_slots.save(work / SLOTS_NAME)
    report("head")
    head.write(work, subkey(plan.new_key, "head"), plan.vault_id, head.Head(*newest, epoch=epoch))
    report("commit")
    write_journal(folder, SWITCH, epoch, plan.vault_id, plan.old_key, plan.new_key)


def new_slot_file(
    slots: KeySlotFile,
    old_key: bytes,
    new_key: bytes,
    passphrase: bytes,
    code: bytes,
    kdf: KdfParams,
) -> KeySlotFile:
    """The key slots under the new key, one epoch on: the (new) passphrase, a new recovery code,
    and the automatic-backup slot (for the vault's passphrase: the new one; for the backups' own
    passphrase: the same, rewrapped)."""
    fresh = KeySlotFile(vault_id=slots.vault_id, epoch=slots.epoch)
    for kind, secret in ((PASSPHRASE, passphrase), (RECOVERY, code)):
        fresh.slots.append(
            make_slot(
                slot_id=kind,
                kind=kind,
                secret=secret,
                data_key=new_key,
                vault_id=slots.vault_id,
                kdf=kdf,
            )
        )
    backup = slots.find(BACKUP)
    if backup is not None and backup.id == "backup-vault":
        fresh.slots.append(
            make_backup_slot(
                secret=passphrase, own=False, data_key=new_key, vault_id=slots.vault_id, kdf=kdf
            )
        )
    elif backup is not None:
        fresh.slots.append(rewrap_backup_slot(backup, old_key, new_key, slots.vault_id))
    fresh.next_epoch(new_key)
    return fresh
