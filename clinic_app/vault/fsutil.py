"""Durable file writes: temporary file, fsync, atomic rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from clinic_app.errors import VaultError


def fsync_dir(path: Path) -> None:
    """Make a rename inside `path` durable (a no-op where directories cannot be opened)."""
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` so that `path` holds either the old or the new content, never a mix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise VaultError(disk_error_sentence(exc, path.parent)) from exc


def disk_error_sentence(exc: OSError, where: Path) -> str:
    """One sentence for a failed write, naming a full disk when that is the cause."""
    import errno

    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"The disk holding {where} is full; free some space and try again (nothing was changed)."
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"Cannot write to {where}: permission denied or read-only (nothing was changed)."
    return f"Cannot write to {where}: {exc.strerror or exc} (nothing was changed)."
