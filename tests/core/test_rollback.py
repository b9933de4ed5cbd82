"""Rollback: an older database or key-slot file put back is refused, and so is a doctored head."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from clinic_app.errors import DamagedError
from clinic_app.services import audit_log, backup, check, clients, vault_ops
from clinic_app.vault.head import HEAD_NAME
from clinic_app.vault.vault import DB_NAME, SLOTS_NAME
from tests.conftest import FAST_KDF, PASSPHRASE

NEW_PASSPHRASE = "a completely new passphrase"


def made(folder: Path) -> Path:
    vault, _code = vault_ops.create_vault(folder, passphrase=PASSPHRASE, actor="t", kdf=FAST_KDF)
    with vault:
        clients.add_client(vault, first_name="Ana", last_name="Flores")
    return folder


def test_an_older_database_put_back_is_refused_naming_the_last_change(tmp_path: Path) -> None:
    """The reproduced attack: `cp` an older vault.db over the live one; `check` said OK and the
    newest audit events (an import, a passphrase change) were gone without a word."""
    folder = made(tmp_path / "vault")
    old = tmp_path / "old.db"
    shutil.copy2(folder / DB_NAME, old)
    with vault_ops.open_vault(folder, passphrase=PASSPHRASE) as vault:
        clients.add_client(vault, first_name="Luis", last_name="Pérez")
        newest = audit_log.list_events(vault, limit=1)[0]
    shutil.copy2(old, folder / DB_NAME)
    with pytest.raises(DamagedError) as caught:
        vault_ops.open_vault(folder, passphrase=PASSPHRASE)
    message = str(caught.value)
    assert message.startswith("This database is older than the vault's last recorded change")
    assert f"(event {newest.id}, {newest.at.date().isoformat()})" in message
    assert "\n" not in message


def test_an_older_key_slot_file_is_refused_after_a_passphrase_change(tmp_path: Path) -> None:
    """An earlier keyslots.json (from a backup or a sync folder's history) would keep a leaked
    passphrase working; after a change it no longer opens the vault in the app."""
    folder = made(tmp_path / "vault")
    old_slots = (folder / SLOTS_NAME).read_bytes()
    with vault_ops.open_vault(folder, passphrase=PASSPHRASE) as vault:
        vault_ops.change_passphrase(vault, new_passphrase=NEW_PASSPHRASE, kdf=FAST_KDF)
    (folder / SLOTS_NAME).write_bytes(old_slots)
    with pytest.raises(
        DamagedError, match=r"key-slot file is older .* \(key epoch 0, the vault is at 1\)"
    ):
        vault_ops.open_vault(folder, passphrase=PASSPHRASE)
    # Raising the epoch by hand is noticed too.
    doc = json.loads(old_slots)
    doc["epoch"] = 7
    (folder / SLOTS_NAME).write_text(json.dumps(doc), "utf-8")
    with pytest.raises(DamagedError, match=r"keyslots.json\) was altered"):
        vault_ops.open_vault(folder, passphrase=PASSPHRASE)


@pytest.mark.parametrize("change", ["edit", "delete"])
def test_an_altered_or_missing_head_record_is_refused(tmp_path: Path, change: str) -> None:
    folder = made(tmp_path / "vault")
    path = folder / HEAD_NAME
    if change == "edit":
        doc = json.loads(path.read_text("utf-8"))
        doc["seq"] = 1
        path.write_text(json.dumps(doc), "utf-8")
        expected = r"head record \(head.json\) was altered"
    else:
        path.unlink()
        expected = r"head record \(head.json\) is missing"
    with pytest.raises(DamagedError, match=expected):
        vault_ops.open_vault(folder, passphrase=PASSPHRASE)


def test_the_head_follows_every_commit_and_check_verifies_it(tmp_path: Path) -> None:
    folder = made(tmp_path / "vault")
    with vault_ops.open_vault(folder, passphrase=PASSPHRASE) as vault:
        clients.add_client(vault, first_name="Mei", last_name="Chen")
        newest = audit_log.list_events(vault, limit=1)[0]
        assert json.loads((folder / HEAD_NAME).read_text("utf-8"))["seq"] == newest.id
        assert check.check_vault(vault).ok
        (folder / HEAD_NAME).write_text("{}", "utf-8")
        assert any("head.json" in p for p in check.check_vault(vault).problems)


def test_a_restored_backup_starts_its_own_head(tmp_path: Path) -> None:
    folder = made(tmp_path / "vault")
    out = tmp_path / "clinic.backup"
    with vault_ops.open_vault(folder, passphrase=PASSPHRASE) as vault:
        backup.backup_vault(vault, out=out, vault_passphrase=PASSPHRASE, kdf=FAST_KDF)
    target = tmp_path / "restored"
    backup.restore_backup(backup=out, target=target, backup_passphrase=PASSPHRASE)
    assert (target / HEAD_NAME).is_file()
    with vault_ops.open_vault(target, passphrase=PASSPHRASE) as restored:
        assert check.check_vault(restored).ok
        assert clients.count_clients(restored) == 1
