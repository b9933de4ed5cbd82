"""A scheduled backup killed at any moment leaves no partial copy under a final name; the vault opens."""

from __future__ import annotations

import os
import random
import signal
from datetime import UTC, datetime
from pathlib import Path

import pytest

from clinic_app.services import backup_plan, backup_runs, check, files, vault_ops
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.core.helpers import kill_child_when

SEED = int(os.environ.get("CLINIC_CRASH_SEED", "20240113"))
NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)

RUNNER = """
from datetime import datetime
from clinic_app.services import backup_runs, vault_ops
vault = vault_ops.open_vault({folder!r}, passphrase={passphrase!r})
print("ready", flush=True)
backup_runs.run_due_backups(
    vault, now=datetime.fromisoformat({now!r}), trigger="unlock",
    progress=lambda done, total: print("progress", done, total, flush=True),
)
print("done", flush=True)
"""


def _vault_with_scans(folder: Path, usb: Path) -> None:
    """A vault whose backup takes a few dozen chunks to write, with a daily plan to `usb`."""
    vault, _code = vault_ops.create_vault(folder, passphrase=PASSPHRASE, kdf=FAST_KDF)
    try:
        rng = random.Random(SEED)
        for n in range(5):
            files.store_bytes(vault, data=rng.randbytes(2 * 1024 * 1024), filename=f"scan-{n}.pdf")
        backup_plan.set_plan(vault, folders=[usb], secret=PASSPHRASE)
    finally:
        vault.close()


def _kill_after(folder: Path, progress_lines: int, pause: float = 0.0) -> list[str]:
    """Run a scheduled backup in a child and SIGKILL it after that many progress reports (0: at
    the report of the last chunk, around the rename and the verification)."""

    def reached(seen: list[str]) -> bool:
        reports = [s.split() for s in seen if s.startswith("progress")]
        if progress_lines:
            return len(reports) >= progress_lines
        return bool(reports) and reports[-1][1] == reports[-1][2]

    killed = kill_child_when(
        RUNNER.format(folder=str(folder), passphrase=PASSPHRASE, now=NOW.isoformat()),
        reached,
        pause=pause,
    )
    seen = killed.lines
    assert killed.returncode == -signal.SIGKILL or seen[-1:] == ["done"], (seen, killed.stderr)
    return seen


def _final_copies_all_good(folder: Path, usb: Path) -> int:
    vault = vault_ops.open_vault(folder, passphrase=PASSPHRASE)  # the vault opens
    try:
        assert check.check_vault(vault).ok
        key = vault.backup_key()
        assert key is not None
        finals = sorted(usb.glob("*.clinicbackup"))
        for copy in finals:  # whatever carries a final name is a whole, good copy
            assert backup_runs.verify_copy(vault, copy, key) == (), copy
        return len(finals)
    finally:
        vault.close()


@pytest.mark.parametrize("trial", range(4))
def test_backup_killed_mid_write_leaves_no_partial_copy_and_the_vault_opens(
    tmp_path: Path, trial: int
) -> None:
    folder, usb = tmp_path / "vault", tmp_path / "USB"
    usb.mkdir()
    _vault_with_scans(folder, usb)
    # Early in the write, somewhere in the middle (10 MiB of scans: about 11 chunks of 1 MiB),
    # at the last chunk (before the rename), and a moment later (checking the new copy).
    after = [1, random.Random(SEED + trial).randrange(2, 10), 0, 0][trial]
    seen = _kill_after(folder, after, pause=[0, 0, 0, 0.1][trial])
    assert any(line.startswith("progress") for line in seen), seen
    assert _final_copies_all_good(folder, usb) <= 1

    # The next scheduled run cleans up after the killed one and leaves one verified copy.
    vault = vault_ops.open_vault(folder, passphrase=PASSPHRASE)
    try:
        report = backup_runs.run_due_backups(vault, now=NOW, trigger="unlock")
        assert report.ok
        assert not list(usb.glob("*.partial"))
        assert not list(folder.glob(".backup-*")) and not list(folder.glob(".verify-*"))
        listing = backup_runs.list_backups(vault)[0]
        assert listing.copies and all(c.verified == "ok" for c in listing.copies)
    finally:
        vault.close()
    assert _final_copies_all_good(folder, usb) >= 1
