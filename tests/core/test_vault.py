"""Creating, opening, locking, recovering and re-keying vaults."""

from __future__ import annotations

import json
import os
import stat
import unicodedata
from pathlib import Path

import pytest

from clinic_app.errors import UnlockError, VaultError, VaultLockedError
from clinic_app.services import audit_log, clients, vault_ops
from clinic_app.vault.keyslots import PASSPHRASE as PASSPHRASE_KIND
from clinic_app.vault.keyslots import RECOVERY, normalize_recovery_code
from clinic_app.vault.vault import DB_NAME, META_NAME, SLOTS_NAME, Vault
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.core.helpers import run_child

# About the vault's folder, lock, key slots and passphrase: not run on the clinic server.
pytestmark = pytest.mark.vault_only


def _slots(folder: Path) -> dict[str, dict[str, object]]:
    doc = json.loads((folder / SLOTS_NAME).read_text("utf-8"))
    return {slot["kind"]: slot for slot in doc["slots"]}


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "vault.lock"
    }


# -- create ---------------------------------------------------------------------------------


def test_create_makes_a_vault_folder_without_secrets(vault_dir: Path) -> None:
    vault, code = vault_ops.create_vault(vault_dir, passphrase=PASSPHRASE, kdf=FAST_KDF)
    try:
        assert vault.is_open
        assert vault_ops.is_vault(vault_dir)
        assert {p.name for p in vault_dir.iterdir()} >= {DB_NAME, SLOTS_NAME, META_NAME}
        # The database is SQLCipher ciphertext, not a plain SQLite file.
        assert not (vault_dir / DB_NAME).read_bytes().startswith(b"SQLite format 3")
        slots = _slots(vault_dir)
        assert set(slots) == {PASSPHRASE_KIND, RECOVERY}
        raw = (vault_dir / SLOTS_NAME).read_text("utf-8")
        assert PASSPHRASE not in raw
        assert code.replace("-", "") not in raw.replace("-", "")
        # Eight groups of four base32 characters.
        groups = code.split("-")
        assert len(groups) == 8 and all(len(g) == 4 for g in groups)
    finally:
        vault.close()
    assert not vault.is_open
    with pytest.raises(VaultError):
        clients.count_clients(vault)


def test_create_refuses_an_existing_vault(vault: Vault, vault_dir: Path) -> None:
    vault.close()
    before = _snapshot(vault_dir)
    with pytest.raises(VaultError, match="already a vault"):
        vault_ops.create_vault(vault_dir, passphrase=PASSPHRASE, kdf=FAST_KDF)
    assert _snapshot(vault_dir) == before
    vault_ops.open_vault(vault_dir, passphrase=PASSPHRASE).close()


def test_create_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "letter.txt").write_text("keep me")
    with pytest.raises(VaultError, match="not empty"):
        vault_ops.create_vault(folder, passphrase=PASSPHRASE, kdf=FAST_KDF)
    assert [p.name for p in folder.iterdir()] == ["letter.txt"]


def test_create_accepts_an_existing_empty_folder(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    vault, _ = vault_ops.create_vault(folder, passphrase=PASSPHRASE, kdf=FAST_KDF)
    vault.close()
    assert vault_ops.is_vault(folder)


@pytest.mark.parametrize("short", ["", "1234567", "seven!!"])
def test_create_refuses_a_short_passphrase(tmp_path: Path, short: str) -> None:
    folder = tmp_path / "v"
    with pytest.raises(VaultError, match="at least 8"):
        vault_ops.create_vault(folder, passphrase=short, kdf=FAST_KDF)
    assert not folder.exists()


def test_eight_characters_is_enough(tmp_path: Path) -> None:
    vault, _ = vault_ops.create_vault(tmp_path / "v", passphrase="12345678", kdf=FAST_KDF)
    vault.close()
    vault_ops.open_vault(tmp_path / "v", passphrase="12345678").close()


# -- open / close -----------------------------------------------------------------------------


def test_data_survives_close_and_open(vault: Vault, vault_dir: Path) -> None:
    added = clients.add_client(vault, first_name="Ana", last_name="López", a_number="12345678")
    vault.close()
    reopened = vault_ops.open_vault(vault_dir, passphrase=PASSPHRASE, actor="second")
    try:
        got = clients.get_client(reopened, client_id=added.record.id)
        assert got.first_name == "Ana" and got.a_number == "A012345678"
        assert reopened.actor == "second"
    finally:
        reopened.close()


def test_open_accepts_the_passphrase_in_any_unicode_normal_form(tmp_path: Path) -> None:
    nfc = "contraseña segura"
    vault, _ = vault_ops.create_vault(tmp_path / "v", passphrase=nfc, kdf=FAST_KDF)
    vault.close()
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfd != nfc
    vault_ops.open_vault(tmp_path / "v", passphrase=nfd).close()


def test_wrong_passphrase_is_an_unlock_error_and_changes_nothing(
    closed_vault: tuple[Path, str],
) -> None:
    folder, _ = closed_vault
    before = _snapshot(folder)
    for wrong in ("correct horse battery ", "Correct horse battery", "x" * 40):
        with pytest.raises(UnlockError, match=r"[Ww]rong passphrase"):
            vault_ops.open_vault(folder, passphrase=wrong)
    assert _snapshot(folder) == before
    # The failed attempts released the folder lock.
    vault_ops.open_vault(folder, passphrase=PASSPHRASE).close()


def test_open_a_folder_that_is_not_a_vault(tmp_path: Path) -> None:
    with pytest.raises(VaultError, match="no vault"):
        vault_ops.open_vault(tmp_path / "nothing-here", passphrase=PASSPHRASE)


def test_second_open_in_the_same_process_is_refused(vault: Vault, vault_dir: Path) -> None:
    with pytest.raises(VaultLockedError) as info:
        vault_ops.open_vault(vault_dir, passphrase=PASSPHRASE)
    assert "already open" in info.value.message
    assert str(vault_dir) in info.value.message
    # The first vault is unaffected, and once closed the folder can be opened again.
    assert clients.count_clients(vault) == 0
    vault.close()
    vault_ops.open_vault(vault_dir, passphrase=PASSPHRASE).close()


def test_second_open_from_another_process_is_refused(vault: Vault, vault_dir: Path) -> None:
    result = run_child(
        f"""
        from clinic_app.errors import VaultLockedError
        from clinic_app.services import vault_ops
        try:
            vault_ops.open_vault({str(vault_dir)!r}, passphrase={PASSPHRASE!r})
        except VaultLockedError as exc:
            print("LOCKED:", exc.message)
        else:
            print("OPENED")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("LOCKED:"), result.stdout + result.stderr
    assert "already open in another window or program" in result.stdout
    vault.close()
    after = run_child(
        f"""
        from clinic_app.services import vault_ops
        vault_ops.open_vault({str(vault_dir)!r}, passphrase={PASSPHRASE!r}).close()
        print("OPENED")
        """
    )
    assert after.stdout.strip() == "OPENED", after.stderr


# -- recovery code ----------------------------------------------------------------------------


def test_normalize_recovery_code_rules() -> None:
    assert normalize_recovery_code("abcd-efgh ijkl") == b"ABCDEFGHIJKL"
    # 0/O, 1/I and 8/B are the look-alikes a person misreads on paper.
    assert normalize_recovery_code("0000-1111-8888") == b"OOOOIIIIBBBB"
    assert normalize_recovery_code(" o-i_b ") == b"OIB"
    assert normalize_recovery_code("ABCD-EFGH") == normalize_recovery_code("a b c d e f g h")


def _code_with_lookalikes(vault: Vault) -> str:
    """A recovery code containing at least one O, I or B (so the typo test is not vacuous)."""
    for _ in range(200):
        code = vault.new_recovery_code(kdf=FAST_KDF)
        if any(ch in code for ch in "OIB"):
            return code
    raise AssertionError("no recovery code with O, I or B in 200 tries")


def test_recovery_code_opens_in_any_spelling(vault: Vault, vault_dir: Path) -> None:
    code = _code_with_lookalikes(vault)
    vault.close()
    typed = [
        code,
        code.lower(),
        code.replace("-", ""),
        code.replace("-", " "),
        "  " + code.lower().replace("-", " - ") + " ",
        code.replace("O", "0").replace("I", "1").replace("B", "8"),
        code.lower().replace("o", "0").replace("i", "1").replace("b", "8").replace("-", ""),
    ]
    for spelling in typed:
        Vault.open_with_recovery(vault_dir, spelling).close()


def test_wrong_recovery_code_is_refused(new_vault: tuple[Vault, str], vault_dir: Path) -> None:
    vault, code = new_vault
    vault.close()
    wrong = ("A" if code[0] != "A" else "C") + code[1:]
    with pytest.raises(UnlockError, match="recovery code"):
        Vault.open_with_recovery(vault_dir, wrong)
    with pytest.raises(UnlockError):
        # The passphrase is not a recovery code, and the recovery code is not a passphrase.
        Vault.open_with_recovery(vault_dir, PASSPHRASE)
    with pytest.raises(UnlockError):
        vault_ops.open_vault(vault_dir, passphrase=code)


def test_new_recovery_code_replaces_the_old_one(
    new_vault: tuple[Vault, str], vault_dir: Path
) -> None:
    vault, old = new_vault
    new = vault.new_recovery_code(kdf=FAST_KDF)
    assert new != old
    vault.close()
    with pytest.raises(UnlockError):
        Vault.open_with_recovery(vault_dir, old)
    Vault.open_with_recovery(vault_dir, new).close()


def test_recover_vault_sets_a_new_passphrase(new_vault: tuple[Vault, str], vault_dir: Path) -> None:
    vault, code = new_vault
    added = clients.add_client(vault, first_name="Rosa", last_name="Cruz")
    vault.close()
    recovered = vault_ops.recover_vault(
        vault_dir, recovery_code=code.lower(), new_passphrase="a brand new passphrase", kdf=FAST_KDF
    )
    try:
        assert clients.get_client(recovered, client_id=added.record.id).first_name == "Rosa"
        assert any(e.action == "change_passphrase" for e in audit_log.list_events(recovered))
    finally:
        recovered.close()
    with pytest.raises(UnlockError):
        vault_ops.open_vault(vault_dir, passphrase=PASSPHRASE)
    vault_ops.open_vault(vault_dir, passphrase="a brand new passphrase").close()
    # The printed code keeps working after a recovery.
    Vault.open_with_recovery(vault_dir, code).close()


def test_recover_vault_refuses_a_short_new_passphrase(
    new_vault: tuple[Vault, str], vault_dir: Path
) -> None:
    vault, code = new_vault
    vault.close()
    before = _snapshot(vault_dir)
    with pytest.raises(VaultError, match="at least 8"):
        vault_ops.recover_vault(vault_dir, recovery_code=code, new_passphrase="short", kdf=FAST_KDF)
    assert _snapshot(vault_dir) == before
    vault_ops.open_vault(vault_dir, passphrase=PASSPHRASE).close()


# -- change passphrase ------------------------------------------------------------------------


def test_change_passphrase_rewrites_only_the_passphrase_slot(
    new_vault: tuple[Vault, str], vault_dir: Path
) -> None:
    vault, code = new_vault
    added = clients.add_client(vault, first_name="Luis", last_name="Reyes", a_number="A987654321")
    slots_before = _slots(vault_dir)
    meta_before = (vault_dir / META_NAME).read_bytes()
    files_before = sorted(p.name for p in vault_dir.iterdir())

    vault_ops.change_passphrase(vault, new_passphrase="another long passphrase", kdf=FAST_KDF)

    slots_after = _slots(vault_dir)
    assert slots_after[RECOVERY] == slots_before[RECOVERY]
    assert slots_after[PASSPHRASE_KIND] != slots_before[PASSPHRASE_KIND]
    assert slots_after[PASSPHRASE_KIND]["salt"] != slots_before[PASSPHRASE_KIND]["salt"]
    assert (vault_dir / META_NAME).read_bytes() == meta_before
    assert sorted(p.name for p in vault_dir.iterdir()) == files_before
    assert vault.verify_key_slots() == []
    vault.close()

    with pytest.raises(UnlockError):
        vault_ops.open_vault(vault_dir, passphrase=PASSPHRASE)
    reopened = vault_ops.open_vault(vault_dir, passphrase="another long passphrase")
    try:
        got = clients.get_client(reopened, client_id=added.record.id)
        assert (got.first_name, got.a_number) == ("Luis", "A987654321")
    finally:
        reopened.close()
    Vault.open_with_recovery(vault_dir, code).close()


def test_change_passphrase_does_not_rewrite_the_database_pages(
    vault: Vault, vault_dir: Path
) -> None:
    """Only the audit event is added: the data key (and so every existing page) stays the same."""
    clients.add_client(vault, first_name="Eva", last_name="Díaz")
    key_before = vault.database_key
    vault_ops.change_passphrase(vault, new_passphrase="another long passphrase", kdf=FAST_KDF)
    assert vault.database_key == key_before
    vault.close()
    reopened = vault_ops.open_vault(vault_dir, passphrase="another long passphrase")
    try:
        assert reopened.database_key == key_before
    finally:
        reopened.close()


def test_change_passphrase_refuses_a_short_one(vault: Vault, vault_dir: Path) -> None:
    before = (vault_dir / SLOTS_NAME).read_bytes()
    with pytest.raises(VaultError, match="at least 8"):
        vault_ops.change_passphrase(vault, new_passphrase="short", kdf=FAST_KDF)
    assert (vault_dir / SLOTS_NAME).read_bytes() == before


def test_passphrase_strength_scores_grow_with_length() -> None:
    scores = [
        vault_ops.passphrase_strength(p)[0]
        for p in (
            "short",
            "eightchr",
            "three word phrase",
            "four words make this ok",
            "five words make this strong Now 1",
        )
    ]
    assert scores == sorted(scores)
    assert scores[0] == 0 and scores[-1] == 4


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_vault_folder_and_database_are_private(vault: Vault, vault_dir: Path) -> None:
    assert stat.S_IMODE(vault_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((vault_dir / DB_NAME).stat().st_mode) & 0o077 == 0
