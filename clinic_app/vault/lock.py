"""An exclusive, process-wide lock on a vault folder, released when the process dies."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

from clinic_app.errors import VaultLockedError
from clinic_app.i18n import _

LOCK_NAME = "vault.lock"


class VaultLock:
    """Holds an OS file lock on <vault>/vault.lock until released (or the process ends)."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK_NAME
        self._handle: IO[bytes] | None = None

    def acquire(self) -> None:
        handle = open(self.path, "a+b")  # noqa: SIM115 - held open for the vault's lifetime
        try:
            if os.name == "nt":
                import msvcrt

                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
            else:
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            handle.close()
            raise VaultLockedError(
                _(
                    "The vault at {parent} is already open in another window or program; close it there first."
                ).format(parent=self.path.parent)
            ) from exc
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()  # closing the descriptor drops the lock
            self._handle = None

    @property
    def held(self) -> bool:
        return self._handle is not None
