"""Durable file writes: temporary file, fsync, atomic rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from clinic_app.errors import VaultError
from clinic_app.os_errors import os_error_sentence


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
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    except OSError as exc:
        raise VaultError(disk_error_sentence(exc, path)) from exc
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
        raise VaultError(disk_error_sentence(exc, path)) from exc


def disk_error_sentence(exc: OSError, where: Path) -> str:
    """One sentence for a failed write that was undone whole: the cause, the remedy, and that
    nothing was changed."""
    return os_error_sentence(exc, where, unchanged=True)


def remove_overwritten(path: Path) -> None:
    """Overwrite a file with zeros, flush it to the disk, then remove it (as `secure_delete` does
    for the database's freed pages). On an SSD or a copy-on-write file system the old blocks may
    survive elsewhere; this is the best a program can do without the disk's help."""
    try:
        size = path.stat().st_size
        with path.open("r+b") as handle:
            remaining = size
            while remaining > 0:
                step = min(remaining, 1 << 20)
                handle.write(b"\0" * step)
                remaining -= step
            handle.flush()
            os.fsync(handle.fileno())
        path.unlink()
        fsync_dir(path.parent)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise VaultError(disk_error_sentence(exc, path.parent)) from exc
