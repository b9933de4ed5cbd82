"""A key rotation killed (SIGKILL) at every step leaves a vault that opens with the passphrase and
loses nothing: before the commit the old vault (old passphrase and recovery code), after it the
new one (the next open finishes the switch, with the new passphrase or the old one)."""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest

from clinic_app.errors import DamagedError, UnlockError
from clinic_app.services import audit_log, check, vault_ops
from clinic_app.services.vault_ops import Vault
from clinic_app.vault import rotation
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.core.helpers import kill_child_when
from tests.core.test_key_rotation import NEW, assert_everything_there, fill

pytestmark = pytest.mark.vault_only

SEED = int(os.environ.get("CLINIC_CRASH_SEED", "20240113"))
# What the rotation reports before each step, for a vault with two stored files (a scan and a
# template); "done" is after it returned.
STEPS = [
    "journal", "copy_database", "rekey_database", "record_rotation", "file 1/2", "file 2/2",
    "key_slots", "head", "commit", "switch_database", "switch_files_out", "switch_files_in",
    "switch_head", "switch_key_slots", "clean_up", "end_journal", "done",
]  # fmt: skip
COMMITTED = STEPS.index("commit") + 1  # from this step on, the rotation is rolled forward

# The child reports each step, then waits for a line on stdin: the test kills it right there
# (exactly between two steps), or after a moment (somewhere inside the next step).
RUNNER = """
import sys
from clinic_app.services import vault_ops
from clinic_app.vault.keyslots import KdfParams

def step(name):
    print(name, flush=True)
    sys.stdin.readline()

vault = vault_ops.open_vault({folder!r}, passphrase={old!r})
vault_ops.rotate_key(vault, new_passphrase={new!r}, kdf=KdfParams(8192, 1, 1), progress=step)
step("done")
"""


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str, bytes]:
    """A closed vault with a client, a scan and a clinic template; its recovery code and its
    key-slot file as they were before any rotation."""
    folder = tmp_path_factory.mktemp("rotation") / "vault"
    vault, code = vault_ops.create_vault(folder, passphrase=PASSPHRASE, kdf=FAST_KDF)
    try:
        made = fill(vault)
    finally:
        vault.close()
    return folder, int(str(made["scan"])), code, (folder / "keyslots.json").read_bytes()


def _kill_at(folder: Path, stop: str, pause: float = 0.0) -> list[str]:
    """Run a rotation in a child and SIGKILL it when it reports `stop` (after `pause`, letting
    that step run a little)."""
    killed = kill_child_when(
        RUNNER.format(folder=str(folder), old=PASSPHRASE, new=NEW),
        lambda seen: seen[-1] == stop,
        pause=pause,
        answer=True,
    )
    assert killed.lines and killed.lines[-1] == stop, (killed.lines, killed.stderr)
    return killed.lines


def _opens_whole(folder: Path, passphrase: str, scan_id: int) -> Vault:
    vault = vault_ops.open_vault(folder, passphrase=passphrase)
    assert_everything_there(vault, scan_id)  # every record, file and template; check passes
    assert not (folder / rotation.WORK_DIR).exists()
    assert not (folder / rotation.JOURNAL_NAME).exists()
    return vault


def _verify(folder: Path, scan_id: int, code: str, old_slots: bytes, committed: bool) -> None:
    if not committed:
        # The old vault, as it was: the old passphrase and code open it, the new one does not.
        with pytest.raises(UnlockError):
            vault_ops.open_vault(folder, passphrase=NEW)
        vault = _opens_whole(folder, PASSPHRASE, scan_id)
        actions = {e.action for e in audit_log.list_events(vault)}
        vault.close()
        assert "rotate_key" not in actions
        # The old code still opens it (the new passphrase slot at the test cost, as the vault's).
        vault_ops.recover_vault(
            folder, recovery_code=code, new_passphrase=PASSPHRASE, kdf=FAST_KDF
        ).close()
        return
    # The new vault: a copy opened with the old passphrase is finished too (while the old
    # key-slot file is still kept aside), and the vault itself opens with the new one.
    if (folder / rotation.WORK_DIR / rotation.OLD_SLOTS).is_file():
        other = folder.parent / f"{folder.name}-old-passphrase"
        shutil.copytree(folder, other, ignore=shutil.ignore_patterns("vault.lock"))
        copy = _opens_whole(other, PASSPHRASE, scan_id)
        assert copy.rotation_finished
        copy.close()
        vault_ops.open_vault(other, passphrase=NEW).close()
        shutil.rmtree(other)
    vault = _opens_whole(folder, NEW, scan_id)
    actions = [e.action for e in audit_log.list_events(vault)]
    if vault.rotation_finished:  # its recovery code was never shown: check says to make one
        notes = check.check_vault(vault).notes
        assert any("recovery code was never shown" in note for note in notes), notes
    vault.close()
    assert "rotate_key" in actions
    with pytest.raises(UnlockError):
        vault_ops.open_vault(folder, passphrase=PASSPHRASE)
    with pytest.raises(UnlockError):
        vault_ops.recover_vault(folder, recovery_code=code, new_passphrase=PASSPHRASE)
    current = (folder / "keyslots.json").read_bytes()
    (folder / "keyslots.json").write_bytes(old_slots)
    with pytest.raises(DamagedError, match="older than the vault's last key change"):
        vault_ops.open_vault(folder, passphrase=PASSPHRASE)
    (folder / "keyslots.json").write_bytes(current)


@pytest.mark.parametrize("stop", STEPS)
def test_a_rotation_killed_at_every_step_leaves_a_whole_vault(
    filled: tuple[Path, int, str, bytes], tmp_path: Path, stop: str
) -> None:
    source, scan_id, code, old_slots = filled
    folder = tmp_path / "vault"
    shutil.copytree(source, folder, ignore=shutil.ignore_patterns("vault.lock"))
    _kill_at(folder, stop)
    committed = STEPS.index(stop) >= COMMITTED
    if stop == "done":
        assert not (folder / rotation.JOURNAL_NAME).exists()
    else:
        assert (folder / rotation.JOURNAL_NAME).exists() == (stop != "journal")
    _verify(folder, scan_id, code, old_slots, committed)
    if stop not in ("rekey_database", "switch_files_in", "end_journal"):
        return
    # The next rotation runs from the state left behind (on either side of the commit).
    vault = vault_ops.open_vault(folder, passphrase=NEW if committed else PASSPHRASE)
    try:
        vault_ops.rotate_key(vault, new_passphrase="third passphrase, no leak", kdf=FAST_KDF)
        assert check.check_vault(vault).ok
    finally:
        vault.close()


@pytest.mark.slow
@pytest.mark.parametrize("trial", range(24))
def test_a_rotation_killed_inside_a_step_leaves_a_whole_vault(
    filled: tuple[Path, int, str, bytes], tmp_path: Path, trial: int
) -> None:
    """The same, with the kill landing a random moment into a step (mid-copy, mid-rekey,
    mid-write of a file, between the renames of the switch)."""
    source, scan_id, code, old_slots = filled
    folder = tmp_path / "vault"
    shutil.copytree(source, folder, ignore=shutil.ignore_patterns("vault.lock"))
    rng = random.Random(SEED + trial)
    stop = STEPS[trial % (len(STEPS) - 1)]
    _kill_at(folder, stop, pause=rng.uniform(0.0, 0.05))
    # Killed somewhere inside the step after `stop`: the journal says which side it is on.
    journal = rotation.read_journal(folder)
    committed = journal is not None and journal.phase == rotation.SWITCH
    if journal is None:
        vault = vault_ops.open_vault(folder, passphrase=PASSPHRASE if stop == "journal" else NEW)
        committed = "rotate_key" in {e.action for e in audit_log.list_events(vault)}
        vault.close()
    _verify(folder, scan_id, code, old_slots, committed)
