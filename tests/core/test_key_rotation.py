"""Key rotation (finding 4 of the hardening review): a new data key for the database, every stored
file and the key slots; old copies of the key slots, the old passphrase and the old recovery code
stop working; old backups still restore; data survives."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from clinic_app.errors import DamagedError, UnlockError, VaultError
from clinic_app.resources import resource_path
from clinic_app.services import (
    audit_log,
    backup,
    backup_plan,
    backup_runs,
    check,
    clients,
    documents,
    files,
    vault_ops,
)
from clinic_app.services.documents.templates import read_template
from clinic_app.services.vault_ops import Vault
from clinic_app.vault.engine import connect
from tests.conftest import FAST_KDF, PASSPHRASE

# The vault's own key and files: not a clinic-server test.
pytestmark = pytest.mark.vault_only

NEW = "a fresh passphrase after the leak"
SCAN = b"%PDF-1.4 scan of a pay stub " * 500
TEMPLATE = resource_path("templates", "es", "client-renewal-reminder.docx")


def fill(vault: Vault) -> dict[str, object]:
    """A client, a stored scan and a clinic template: what a rotation must carry over."""
    clients.add_client(vault, first_name="Ana", last_name="Flores", a_number="A012345678")
    scan = files.store_bytes(vault, data=SCAN, filename="paystub.pdf").record
    documents.add_template(vault, path=TEMPLATE, template_id="client-aviso", lang="es")
    return {"scan": scan.id}


def assert_everything_there(vault: Vault, scan_id: int) -> None:
    assert [c.last_name for c in clients.list_clients(vault)] == ["Flores"]
    assert files.read_file(vault, file_id=scan_id)[1] == SCAN
    assert read_template(vault, template_id="client-aviso", lang="es") == TEMPLATE.read_bytes()
    report = check.check_vault(vault)
    assert report.ok, report.problems


def test_rotation_replaces_every_key_and_locks_out_old_copies(
    new_vault: tuple[Vault, str], tmp_path: Path
) -> None:
    vault, old_code = new_vault
    folder = vault.folder
    made = fill(vault)
    old_slots = (folder / "keyslots.json").read_bytes()
    old_db_key = vault.database_key
    before_files = {p: p.read_bytes() for p in (folder / "files").rglob("*") if p.is_file()}
    earlier = tmp_path / "before.clinicbackup"
    backup.backup_vault(vault, out=earlier, vault_passphrase=PASSPHRASE, kdf=FAST_KDF)

    steps: list[str] = []
    code = vault_ops.rotate_key(vault, new_passphrase=NEW, kdf=FAST_KDF, progress=steps.append)
    assert code != old_code
    assert steps[0] == "journal" and steps[-1] == "end_journal" and "commit" in steps
    assert [s for s in steps if s.startswith("file ")] == ["file 1/2", "file 2/2"]
    assert_everything_there(vault, int(made["scan"]))  # the open vault goes on, on the new key
    assert vault.database_key != old_db_key
    # Every stored file was encrypted again (same names, new bytes); nothing is left beside.
    after_files = {p: p.read_bytes() for p in (folder / "files").rglob("*") if p.is_file()}
    assert after_files.keys() == before_files.keys()
    assert all(after_files[p] != before_files[p] for p in after_files)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["files", "head.json", "keyslots.json", "vault.db", "vault.json", "vault.lock"]
    )
    slots = json.loads((folder / "keyslots.json").read_text())
    assert slots["epoch"] == 1 and json.loads((folder / "head.json").read_text())["epoch"] == 1
    events = [(e.action, e.summary) for e in audit_log.list_events(vault, limit=5)]
    assert ("rotate_key", "key epoch 1; 2 stored file(s) encrypted again") in events
    vault.close()

    # The old key no longer reads the database: not through the app, not with SQLCipher itself.
    with pytest.raises(Exception, match="not a database"):
        connect(folder / "vault.db", old_db_key).execute("SELECT count(*) FROM sqlite_master")
    with pytest.raises(UnlockError):
        vault_ops.open_vault(folder, passphrase=PASSPHRASE)
    with pytest.raises(UnlockError):
        vault_ops.recover_vault(folder, recovery_code=old_code, new_passphrase="whatever it is now")
    reopened = vault_ops.open_vault(folder, passphrase=NEW)
    assert_everything_there(reopened, int(made["scan"]))
    reopened.close()
    vault_ops.recover_vault(folder, recovery_code=code, new_passphrase=NEW, kdf=FAST_KDF).close()

    # An old copy of the key slots (from a backup, a sync folder) put back opens nothing.
    current = (folder / "keyslots.json").read_bytes()
    (folder / "keyslots.json").write_bytes(old_slots)
    with pytest.raises(DamagedError, match=r"older than the vault's last key change \(key epoch 0"):
        vault_ops.open_vault(folder, passphrase=PASSPHRASE)
    (folder / "keyslots.json").write_bytes(current)

    # A backup made before restores, with the passphrase it was made with, as the old vault.
    restored = tmp_path / "restored"
    backup.restore_backup(backup=earlier, target=restored, backup_passphrase=PASSPHRASE)
    old = vault_ops.open_vault(restored, passphrase=PASSPHRASE)
    try:
        assert_everything_there(old, int(made["scan"]))
    finally:
        old.close()


def test_automatic_backups_keep_working_after_a_rotation(vault: Vault, tmp_path: Path) -> None:
    usb = tmp_path / "USB"
    usb.mkdir()
    fill(vault)
    backup_plan.set_plan(
        vault, folders=[usb], own_passphrase=True, secret="the backups own passphrase"
    )
    before = vault.backup_key()
    vault_ops.rotate_key(vault, new_passphrase=NEW, kdf=FAST_KDF)
    after = vault.backup_key()
    assert before is not None and after is not None
    assert (after.wrapping, after.salt, after.own) == (before.wrapping, before.salt, True)
    now = datetime(2026, 3, 2, 9, tzinfo=UTC)
    report = backup_runs.run_due_backups(vault, now=now, trigger="unlock")
    assert report.ok
    (copy,) = usb.glob("*.clinicbackup")
    assert backup_runs.verify_copy(vault, copy, after) == ()


def test_nothing_else_may_change_the_vault_while_its_key_is_replaced(vault: Vault) -> None:
    fill(vault)
    seen: list[str] = []

    def try_to_write(step: str) -> None:
        if step == "file 1/2":
            with pytest.raises(VaultError, match="key is being changed"):
                clients.add_client(vault, first_name="Luis", last_name="Pérez")
            seen.append(step)

    vault_ops.rotate_key(vault, new_passphrase=NEW, kdf=FAST_KDF, progress=try_to_write)
    assert seen == ["file 1/2"]
    assert [c.last_name for c in clients.list_clients(vault)] == ["Flores"]


def test_a_failure_before_the_commit_changes_nothing(vault: Vault) -> None:
    made = fill(vault)
    folder = vault.folder
    slots = (folder / "keyslots.json").read_bytes()
    blob = next(p for p in (folder / "files").rglob("*") if p.is_file())
    sealed = blob.read_bytes()
    blob.write_bytes(sealed[:-1] + bytes([sealed[-1] ^ 1]))  # a damaged stored file
    with pytest.raises(DamagedError):
        vault_ops.rotate_key(vault, new_passphrase=NEW, kdf=FAST_KDF)
    blob.write_bytes(sealed)
    assert (folder / "keyslots.json").read_bytes() == slots
    assert not (folder / ".rotation").exists() and not (folder / "rotation.json").exists()
    assert_everything_there(vault, int(made["scan"]))
    assert "rotate_key" not in {e.action for e in audit_log.list_events(vault)}


def test_a_rotated_vault_is_backed_up_and_restored_whole(vault: Vault, tmp_path: Path) -> None:
    made = fill(vault)
    vault_ops.rotate_key(vault, new_passphrase=NEW, kdf=FAST_KDF)
    out = tmp_path / "after.clinicbackup"
    backup.backup_vault(vault, out=out, vault_passphrase=NEW, kdf=FAST_KDF)
    restored = tmp_path / "restored"
    backup.restore_backup(backup=out, target=restored, backup_passphrase=NEW)
    opened = vault_ops.open_vault(restored, passphrase=NEW)
    try:
        assert_everything_there(opened, int(made["scan"]))
        digest = hashlib.sha256(SCAN).hexdigest()
        assert files.read_file(opened, file_id=int(made["scan"]))[0].sha256 == digest
    finally:
        opened.close()
    shutil.rmtree(restored)
