"""The Vault: one folder holding the encrypted database, key slots and encrypted files."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from clinic_app.errors import DamagedError, UnlockError, VaultError
from clinic_app.i18n import _
from clinic_app.paths import SLOTS_NAME, is_vault
from clinic_app.store.base import VAULT
from clinic_app.vault import audit, head, leftovers, migrate, plain_templates, rotation
from clinic_app.vault.engine import make_engine
from clinic_app.vault.filestore import FileStore
from clinic_app.vault.fsutil import atomic_write, disk_error_sentence
from clinic_app.vault.keyslots import (
    BACKUP,
    DEFAULT_KDF,
    PASSPHRASE,
    RECOVERY,
    BackupKey,
    KdfParams,
    KeySlot,
    KeySlotFile,
    check_new_passphrase,
    make_backup_slot,
    make_slot,
    new_recovery_code,
    normalize_passphrase,
    normalize_recovery_code,
    open_backup_slot,
    subkey,
)
from clinic_app.vault.lock import VaultLock
from clinic_app.vault.rekey import KeyRotation
from clinic_app.vault.vault_checks import VaultChecks

DB_NAME = "vault.db"
META_NAME = "vault.json"
FILES_DIR = "files"
DRAFTS_SETTING = "documents.drafts_folder"  # where drafts were last written (a vault setting)


class Vault(VaultChecks, KeyRotation):
    """An unlocked vault. Holds the folder lock until `close()`. One of the two stores
    (clinic_app.store.base.Store); the other is the clinic server."""

    kind = VAULT

    def __init__(self, folder: Path, data_key: bytes, lock: VaultLock, actor: str) -> None:
        self.folder = folder
        self.actor = actor
        self._lock = lock
        self._data_key = data_key
        self._audit_key = subkey(data_key, "audit")
        self.files = FileStore(folder / FILES_DIR, subkey(data_key, "files"))
        self.engine: Engine = make_engine(folder / DB_NAME, subkey(data_key, "sqlcipher"))
        self._vault_id = ""  # set by create/open, with the key epoch of the key-slot file
        self._epoch = 0
        self._head_written: tuple[int, int] | None = None  # (event, epoch) in head.json
        self._rotating = False  # while the data key is replaced, no other change may start
        self._close_when_rotated = False
        self.rotation_finished = False  # an interrupted key change was finished by this open
        self.swept: list[Path] = []  # leftovers of killed processes removed at open

    # -- opening and creating -------------------------------------------------------------

    @classmethod
    def create(
        cls, folder: Path, passphrase: str, *, kdf: KdfParams = DEFAULT_KDF, actor: str = ""
    ) -> tuple[Vault, str]:
        """Create a new vault; returns it (open) and the recovery code to show once."""
        folder = Path(folder)
        if is_vault(folder) or (folder / DB_NAME).exists():
            raise VaultError(
                _("There is already a vault in {folder}; choose another folder.").format(
                    folder=folder
                )
            )
        if folder.exists() and any(p for p in folder.iterdir() if p.name != ".DS_Store"):
            raise VaultError(
                _("The folder {folder} is not empty; choose an empty or new folder.").format(
                    folder=folder
                )
            )
        check_new_passphrase(passphrase)
        folder.mkdir(parents=True, exist_ok=True)
        if os.name == "posix":
            folder.chmod(0o700)  # only the person's own account may even list the vault
        lock = VaultLock(folder)
        lock.acquire()
        try:
            data_key = os.urandom(32)
            vault_id = str(uuid.uuid4())
            code = new_recovery_code()
            slots = KeySlotFile(vault_id=vault_id)
            slots.slots.append(
                make_slot(
                    slot_id="passphrase",
                    kind=PASSPHRASE,
                    secret=normalize_passphrase(passphrase),
                    data_key=data_key,
                    vault_id=vault_id,
                    kdf=kdf,
                )
            )
            slots.slots.append(
                make_slot(
                    slot_id="recovery",
                    kind=RECOVERY,
                    secret=normalize_recovery_code(code),
                    data_key=data_key,
                    vault_id=vault_id,
                    kdf=kdf,
                )
            )
            atomic_write(
                folder / META_NAME, json.dumps({"format": 1, "vault_id": vault_id}).encode()
            )
            vault = cls(folder, data_key, lock, actor)
            vault._vault_id = vault_id
            migrate.upgrade(vault.engine, folder / DB_NAME)
            if os.name == "posix":
                (folder / DB_NAME).chmod(0o600)
            with vault.session() as session:
                audit.record(session, action="create", record_kind="vault")
                audit.record(session, action=head.STARTED, record_kind="vault")
                plain_templates.mark_sealed(session)  # its templates live in the file store
            # The key slots go last: a folder without them is not yet a vault.
            slots.save(folder / SLOTS_NAME)
        except BaseException:
            lock.release()
            raise
        return vault, code

    @classmethod
    def open(
        cls, folder: Path, passphrase: str, *, actor: str = "", adopt_head: bool = False
    ) -> Vault:
        """Unlock with the passphrase. `adopt_head`: a vault just restored from a backup has
        no head record of its own yet (the backup is meant to be older); start one."""
        secret = normalize_passphrase(passphrase)
        return cls._open(Path(folder), secret, PASSPHRASE, actor, adopt_head)

    @classmethod
    def open_with_recovery(cls, folder: Path, recovery_code: str, *, actor: str = "") -> Vault:
        """Unlock with the printed recovery code (then set a new passphrase)."""
        return cls._open(Path(folder), normalize_recovery_code(recovery_code), RECOVERY, actor)

    @classmethod
    def _open(
        cls, folder: Path, secret: bytes, kind: str, actor: str, adopt_head: bool = False
    ) -> Vault:
        if not is_vault(folder):
            raise VaultError(
                _("There is no vault in {folder}; create one with 'clinic-app init'.").format(
                    folder=folder
                )
            )
        lock = VaultLock(folder)
        lock.acquire()
        vault: Vault | None = None
        try:
            finished = False
            journal = rotation.read_journal(folder)
            if journal is not None:  # a key change was interrupted: finish or undo it first
                data_key, finished = rotation.resume(folder, journal, secret, kind)
                slots = KeySlotFile.load(folder / SLOTS_NAME)
            else:
                rotation.remove_work(folder)  # killed before its journal: nothing had changed
                slots = KeySlotFile.load(folder / SLOTS_NAME)
                data_key = slots.unlock(secret, kind)
            db = folder / DB_NAME
            if not db.is_file() or db.stat().st_size == 0:
                # SQLCipher would quietly start an empty database: never pass that off as the vault.
                raise DamagedError(
                    _(
                        "The vault database in {folder} is missing or empty; restore the vault from a backup."
                    ).format(folder=folder)
                )
            vault = cls(folder, data_key, lock, actor)
            vault._vault_id, vault._epoch = slots.vault_id, slots.epoch
            if not slots.epoch_ok(data_key):
                raise DamagedError(
                    _(
                        "The key-slot file (keyslots.json) was altered; restore the vault from the newest backup into a new folder."
                    )
                )
            vault._probe(slots.epoch)
            vault._load_audit_key()
            vault._migrate()
            vault._check_head(adopt_head)
            vault._sweep()
            plain_templates.seal_at_open(vault)
            if finished:
                vault._note_finished_rotation()
        except BaseException:
            if vault is not None:
                vault.engine.dispose()  # a vault that failed to open keeps no connection
            lock.release()
            raise
        return vault

    def _migrate(self) -> None:
        """Bring an older vault's schema up to date (after a copy of it is kept)."""
        db = self.folder / DB_NAME
        try:
            if migrate.current_revision(self.engine) is None:
                raise DamagedError(
                    _(
                        "The vault database in {folder} holds no vault records; restore it from a backup."
                    ).format(folder=self.folder)
                )
            migrate.upgrade(self.engine, db)
        except SADatabaseError as exc:
            # A damaged page under the schema records, or a full disk while upgrading.
            translated = _database_error(exc, self.folder)
            if translated is None:
                raise
            raise translated from exc
        except OSError as exc:  # the copy kept before upgrading could not be written
            raise VaultError(disk_error_sentence(exc, self.folder)) from exc

    def _check_head(self, adopt: bool) -> None:
        """Refuse a database or key-slot file older than the head record (see head.py)."""
        try:
            found = head.read(self.folder, subkey(self._data_key, "head"), self._vault_id)
            with self.engine.connect() as conn:
                if found is not None:
                    problem = head.problem(conn, found, self._epoch)
                    if problem is not None:
                        raise DamagedError(problem)
                    self._head_written = (found.seq, found.epoch)
                    return
                if head.started(conn) and not adopt:
                    raise DamagedError(
                        _(
                            "The vault's head record ({file}) is missing, so an older database put back could not be noticed; restore the newest backup into a new folder."
                        ).format(file=head.HEAD_NAME)
                    )
        except SADatabaseError as exc:
            raise DamagedError(
                _("The vault database is damaged or was altered; restore it from a backup.")
            ) from exc
        if adopt:  # just restored: the restore's own audit event follows at once
            with self.engine.connect() as conn:
                self._write_head(head.latest(conn))
            return
        # A vault made before head records: start one from here, and say so in the log.
        with self.session() as session:
            audit.record(session, action=head.STARTED, record_kind="vault")

    def drafts_folder(self) -> Path | None:
        """The folder drafts were last written to (its `.tmp-*` leftovers are plain drafts)."""
        with self.engine.connect() as conn:
            row = conn.execute(
                text("SELECT value FROM setting WHERE key = :k"), {"k": DRAFTS_SETTING}
            ).first()
        try:
            return Path(json.loads(row[0])) if row is not None else None
        except (ValueError, TypeError):
            return None

    def leftovers(self) -> list[Path]:
        return leftovers.find(self.folder, self.drafts_folder())

    def _sweep(self) -> None:
        """Remove what killed processes left: temporary drafts, backup and restore work."""
        try:
            self.swept = leftovers.sweep(self.leftovers())
        except SADatabaseError:
            self.swept = []  # a damaged database is reported by what comes next, not here

    @property
    def name(self) -> str:
        return f"the vault at {self.folder}"

    @property
    def store_id(self) -> str:
        """A stable id of this vault (calendar entries are named by it)."""
        return self.key_slots().vault_id

    def _write_head(self, newest: tuple[int, str, str] | None) -> None:
        """After a commit: record the newest audit event and the key epoch next to the database."""
        if not self._vault_id:
            return  # a copy opened with open_copy (an unpacked backup) keeps no head of its own
        if newest is None or (newest[0], self._epoch) == self._head_written:
            return
        try:
            record = head.Head(*newest, epoch=self._epoch)
            head.write(self.folder, subkey(self._data_key, "head"), self._vault_id, record)
        except VaultError:
            return  # the change is committed; a head that lags is accepted and the next commit retries
        self._head_written = (newest[0], self._epoch)

    def _probe(self, slots_epoch: int | None = None) -> None:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT count(*) FROM sqlite_master")).one()
        except SADatabaseError as exc:
            newer = head.stated_epoch(self.folder)
            if slots_epoch is not None and newer is not None and newer > slots_epoch:
                # The passphrase opened an old copy of the key slots, whose data key was replaced.
                raise DamagedError(
                    _(
                        "The key-slot file is older than the vault's last key change (key epoch {slots_epoch}, the vault is at {newer}): an old copy of keyslots.json was put back, and its key no longer opens the vault; restore the newest backup into a new folder (nothing was changed)."
                    ).format(slots_epoch=slots_epoch, newer=newer)
                ) from exc
            raise DamagedError(
                _(
                    "The vault database cannot be read: it is damaged or was altered. Restore it from a backup."
                )
            ) from exc

    # -- sessions --------------------------------------------------------------------------

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error."""
        self._require_open()
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                session.info.update(audit_key=self._audit_key, actor=self.actor)
                with session.begin():
                    yield session
                    session.flush()
                    newest = head.latest(session.connection())  # what this commit makes newest
            self._write_head(newest)
        except SADatabaseError as exc:
            translated = _database_error(exc, self.folder)
            if translated is None:
                raise
            raise translated from exc

    @contextmanager
    def reader(self) -> Iterator[Session]:
        """A read-only view that does not take the write lock (for lists and searches)."""
        self._require_open()
        try:
            with Session(self.engine.execution_options(clinic_readonly=True)) as session:
                session.info.update(audit_key=self._audit_key, actor=self.actor)
                yield session  # closing the session rolls back: nothing is ever written here
        except SADatabaseError as exc:
            translated = _database_error(exc, self.folder)
            if translated is None:
                raise
            raise translated from exc

    def _require_open(self) -> None:
        if not self._lock.held:
            raise VaultError(_("The vault is locked; unlock it first."))
        if self._rotating:
            raise VaultError(
                _(
                    "The vault's key is being changed; try again when that finishes (nothing was changed)."
                )
            )

    @property
    def is_open(self) -> bool:
        return self._lock.held

    def close(self) -> None:
        """Drop every connection and key reference, then release the folder lock."""
        if self._rotating:  # a lock mid-rotation: the rotation closes the vault when it is done
            self._close_when_rotated = True
            return
        self.engine.dispose()
        self.files.close()
        self._data_key = b""
        self._audit_key = b""
        self._lock.release()

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- keys --------------------------------------------------------------------------------

    @property
    def audit_key(self) -> bytes:
        return self._audit_key

    @property
    def database_key(self) -> bytes:
        return subkey(self._data_key, "sqlcipher")

    def key_slots(self) -> KeySlotFile:
        return KeySlotFile.load(self.folder / SLOTS_NAME)

    def change_passphrase(self, new_passphrase: str, *, kdf: KdfParams = DEFAULT_KDF) -> None:
        """Rewrite the passphrase slot only; the database and files stay as they are."""
        self._require_open()
        check_new_passphrase(new_passphrase)
        secret = normalize_passphrase(new_passphrase)
        slots = self.key_slots()
        backup = slots.find(BACKUP)
        if backup is not None and backup.id == "backup-vault":
            # Backups made from now on open with the new passphrase, as a person expects.
            slots.replace(BACKUP, self._backup_slot(slots, secret, own=False, kdf=kdf))
        self._rewrite_slot(PASSPHRASE, secret, kdf, "change_passphrase", slots)

    def new_recovery_code(self, *, kdf: KdfParams = DEFAULT_KDF) -> str:
        """Replace the recovery slot; the old printed code stops working."""
        self._require_open()
        code = new_recovery_code()
        self._rewrite_slot(RECOVERY, normalize_recovery_code(code), kdf, "new_recovery_code")
        return code

    def _rewrite_slot(
        self,
        kind: str,
        secret: bytes,
        kdf: KdfParams,
        action: str,
        slots: KeySlotFile | None = None,
    ) -> None:
        slots = slots or self.key_slots()
        slot = make_slot(
            slot_id=kind,
            kind=kind,
            secret=secret,
            data_key=self._data_key,
            vault_id=slots.vault_id,
            kdf=kdf,
        )
        slots.replace(kind, slot)
        # A new epoch: the head record then makes an older copy of this file (with the
        # passphrase or code just replaced) refuse to open.
        slots.next_epoch(self._data_key)
        slots.save(self.folder / SLOTS_NAME)
        self._epoch = slots.epoch
        with self.session() as session:
            audit.record(session, action=action, record_kind="vault")

    # -- automatic backups -------------------------------------------------------------------

    def backup_key(self) -> BackupKey | None:
        """The key automatic backups are sealed under, or None when no plan has set one."""
        self._require_open()
        slots = self.key_slots()
        slot = slots.find(BACKUP)
        return None if slot is None else open_backup_slot(slot, self._data_key, slots.vault_id)

    def set_backup_secret(self, secret: str | None, *, own: bool = False) -> None:
        """Keep Argon2id(secret) wrapped in the key slots for backups made later, when nobody types
        a passphrase (None forgets it). `secret` is the vault passphrase (checked) unless `own`."""
        self._require_open()
        slots = self.key_slots()
        if secret is None:
            slots.remove(BACKUP)
        else:
            normalized = normalize_passphrase(secret)
            if not own:
                slots.unlock(normalized, PASSPHRASE)  # a typo must not protect the backups
            slots.replace(BACKUP, self._backup_slot(slots, normalized, own=own))
        slots.save(self.folder / SLOTS_NAME)
        with self.session() as session:
            summary = "forgotten" if secret is None else ("own" if own else "vault passphrase")
            audit.record(session, action="backup_key", record_kind="vault", summary=summary)

    def _backup_slot(
        self, slots: KeySlotFile, secret: bytes, *, own: bool, kdf: KdfParams | None = None
    ) -> KeySlot:
        if kdf is None:  # the same cost as the passphrase slot: that is what this vault can afford
            current = slots.find(PASSPHRASE)
            kdf = current.params() if current is not None else DEFAULT_KDF
        return make_backup_slot(
            secret=secret, own=own, data_key=self._data_key, vault_id=slots.vault_id, kdf=kdf
        )

    def open_copy(self, folder: Path) -> Vault:
        """Open a copy of this vault (an unpacked backup) with this vault's key."""
        self._require_open()
        folder = Path(folder)
        if KeySlotFile.load(folder / SLOTS_NAME).vault_id != self.key_slots().vault_id:
            raise DamagedError(_("That backup is a copy of another vault."))
        lock = VaultLock(folder)
        lock.acquire()
        copy: Vault | None = None
        try:
            copy = Vault(folder, self._data_key, lock, self.actor)
            copy._probe()
            copy._load_audit_key()
            copy._migrate()
        except BaseException:
            if copy is not None:
                copy.engine.dispose()
            lock.release()
            raise
        return copy

    @property
    def vault_id(self) -> str:
        return self.key_slots().vault_id


def _database_error(exc: SADatabaseError, folder: Path) -> Exception | None:
    """One sentence for a failed database operation; a bug (e.g. an integrity error) stays an error."""
    message = str(exc.orig) if exc.orig is not None else str(exc)
    if not isinstance(exc, OperationalError):
        if "malformed" in message or "not a database" in message or "encrypted" in message:
            return DamagedError(
                _("The vault database is damaged or was altered; restore it from a backup.")
            )
        return None
    if "full" in message:
        return VaultError(
            _(
                "The disk holding {folder} is full; free some space and try again (nothing was changed)."
            ).format(folder=folder)
        )
    if "locked" in message or "busy" in message:
        return VaultError(
            _("The vault is busy with another change; try again in a moment (nothing was changed).")
        )
    if "readonly" in message or "read-only" in message:
        return VaultError(
            _("The vault at {folder} is read-only (nothing was changed).").format(folder=folder)
        )
    if "not a database" in message or "malformed" in message:
        return DamagedError(
            _("The vault database is damaged or was altered; restore it from a backup.")
        )
    return VaultError(
        _("The vault could not complete the change: {message} (nothing was changed).").format(
            message=message
        )
    )


__all__ = ["UnlockError", "Vault", "is_vault"]
