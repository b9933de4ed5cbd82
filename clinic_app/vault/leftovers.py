"""What a killed process leaves behind: found at open and removed, and reported by `check`.

Files are written to `.tmp-*` names and renamed (a killed render leaves a complete plain draft
under such a name), a backup works in `.backup-*` inside the vault, and a restore in `.restore-*`
beside its target. The vault's lock means no other process of the app is using them.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import time
from pathlib import Path

TEMP = ".tmp-*"
BACKUP_WORK = ".backup-*"
RESTORE_WORK = ".restore-*"
# A restore beside this vault may belong to another vault being restored right now: only one
# untouched for this long is a leftover.
RESTORE_STALE_SECONDS = 3600.0
_OURS = re.compile(r"\.tmp-[a-z0-9_]{8}")  # tempfile.mkstemp(prefix=".tmp-")


def find(folder: Path, drafts: Path | None = None) -> list[Path]:
    """Leftovers in the vault folder, beside it (stale restores) and in the drafts folder."""
    folder = Path(folder)
    found = sorted(folder.rglob(TEMP)) + sorted(folder.glob(BACKUP_WORK))
    now = time.time()
    for path in sorted(folder.parent.glob(RESTORE_WORK)):
        with contextlib.suppress(OSError):
            if path.is_dir() and now - path.stat().st_mtime > RESTORE_STALE_SECONDS:
                found.append(path)
    if drafts is not None and Path(drafts).is_dir():
        # The drafts folder is the person's own: only names exactly like atomic_write's.
        found += sorted(
            p for p in Path(drafts).glob(TEMP) if _OURS.fullmatch(p.name) and p.is_file()
        )
    return found


def sweep(paths: list[Path]) -> list[Path]:
    """Remove them; returns what was removed (one that cannot be removed stays for `check`)."""
    removed = []
    for path in paths:
        try:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        except OSError:
            continue
        removed.append(path)
    return removed


def describe(paths: list[Path], folder: Path) -> str:
    names = []
    for path in paths[:3]:
        try:
            names.append(str(path.relative_to(folder)))
        except ValueError:
            names.append(str(path))
    more = f" and {len(paths) - 3} more" if len(paths) > 3 else ""
    return ", ".join(names) + more
