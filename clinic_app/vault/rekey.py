"""Mixed into Vault: replacing its data key (the steps and their crash safety are in rotation.py)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Protocol

from sqlalchemy import Engine, text
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlmodel import Session

from clinic_app.errors import VaultError
from clinic_app.i18n import _
from clinic_app.os_errors import os_error_sentence
from clinic_app.vault import audit, head, rotation
from clinic_app.vault.engine import make_engine
from clinic_app.vault.filestore import FileStore
from clinic_app.vault.fsutil import disk_error_sentence
from clinic_app.vault.keyslots import (
    DEFAULT_KDF,
    KdfParams,
    KeySlotFile,
    check_new_passphrase,
    new_recovery_code,
    normalize_passphrase,
    normalize_recovery_code,
    subkey,
)


class _Rotated(Protocol):
    """The parts of an open vault a rotation reads and replaces."""

    folder: Path
    actor: str
    engine: Engine
    files: FileStore
    rotation_finished: bool
    _data_key: bytes
    _audit_key: bytes
    _epoch: int
    _head_written: tuple[int, int] | None
    _rotating: bool
    _close_when_rotated: bool

    def _require_open(self) -> None: ...

    def key_slots(self) -> KeySlotFile: ...

    def close(self) -> None: ...

    def session(self) -> contextlib.AbstractContextManager[Session]: ...


class KeyRotation:
    """Replacing the data key of an open vault."""

    def rotate_key(
        self: _Rotated,
        new_passphrase: str,
        *,
        kdf: KdfParams = DEFAULT_KDF,
        progress: rotation.Progress | None = None,
    ) -> str:
        """Replace the data key (see rotation.py): the database, every stored file and the key
        slots go under a new key and epoch, so earlier key-slot files and recovery codes stop
        opening the vault. Returns the new recovery code, to show once."""
        self._require_open()
        check_new_passphrase(new_passphrase)
        secret, code = normalize_passphrase(new_passphrase), new_recovery_code()
        old_key, new_key = self._data_key, os.urandom(32)
        slots = self.key_slots()
        fresh = rotation.new_slot_file(
            slots, old_key, new_key, secret, normalize_recovery_code(code), kdf
        )
        with self.engine.connect() as conn:
            blobs = tuple(str(r[0]) for r in conn.execute(text("SELECT blob FROM stored_file")))
        plan = rotation.Plan(
            self.folder, slots.vault_id, old_key, new_key, fresh, self._audit_key, self.actor, blobs
        )
        self._rotating = True
        self.engine.dispose()  # no connection holds the old database while it is copied
        try:
            rotation.prepare(plan, progress)
        except BaseException as exc:
            self._rotating = False
            with contextlib.suppress(OSError):
                rotation.roll_back(self.folder)  # nothing live had changed
            if self._close_when_rotated:
                self.close()
            if isinstance(exc, OSError):
                raise VaultError(disk_error_sentence(exc, self.folder)) from exc
            raise
        try:
            rotation.switch(self.folder, progress)
        except OSError as exc:
            self._rotating = False
            self.close()  # committed: the next open finishes the switch
            raise VaultError(
                _(
                    "The key change could not be finished ({reason}); open the vault again with the new passphrase to finish it."
                ).format(reason=os_error_sentence(exc, self.folder).rstrip("."))
            ) from exc
        self.engine = make_engine(self.folder / rotation.DB_FILE, subkey(new_key, "sqlcipher"))
        self.files = FileStore(self.folder / rotation.FILES_FOLDER, subkey(new_key, "files"))
        self._data_key, self._epoch = new_key, fresh.epoch
        with self.engine.connect() as conn:
            newest = head.latest(conn)
        self._head_written = None if newest is None else (newest[0], fresh.epoch)
        self._rotating = False  # only now may others use the vault, on the new key
        if self._close_when_rotated:
            self.close()
        return code

    def _load_audit_key(self: _Rotated) -> None:
        try:
            with self.engine.connect() as conn:
                self._audit_key = rotation.audit_key(conn, self._data_key)
        except SADatabaseError:
            pass  # a vault from before settings existed: the key from the data key stands

    def _note_finished_rotation(self: _Rotated) -> None:
        self.rotation_finished = True
        with self.session() as session:
            audit.record(
                session,
                action=rotation.FINISHED_AT_OPEN,
                record_kind="vault",
                summary="its new recovery code was never shown",
            )
