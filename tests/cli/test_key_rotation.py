"""`clinic-app passwd --rotate-key`, as the console script: a new key, a new recovery code, and
the old passphrase, recovery code and key-slot file locked out."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import (
    SharedVault,
    assert_ok,
    assert_one_line_error,
    copy_vault,
    make_env,
    recovery_code_from,
    run_cli,
)
from tests.conftest import PASSPHRASE

NEW = "a fresh passphrase after the leak"


def test_passwd_rotate_key_locks_out_the_old_passphrase_code_and_key_slots(
    sample_vault: SharedVault, tmp_path: Path
) -> None:
    folder = copy_vault(sample_vault.folder, tmp_path / "vault")
    old_code = recovery_code_from(sample_vault.created.stdout)
    old_slots = (folder / "keyslots.json").read_bytes()
    home = tmp_path / "home"
    old_env = make_env(home)
    new_env = make_env(home, passphrase=NEW)
    clients_before = assert_ok(run_cli("--vault", folder, "clients", "--json", env=old_env)).stdout

    rotated = assert_ok(
        run_cli("--vault", folder, "passwd", "--rotate-key", env=make_env(
            home, CLINIC_APP_NEW_PASSPHRASE=NEW))
    )  # fmt: skip
    assert "Encrypting the database and 0 kept files (evidence, drafts, templates)" in rotated.stderr
    assert "the old passphrase and the old recovery code no longer open it" in rotated.stdout
    new_code = recovery_code_from(rotated.stdout)
    assert new_code != old_code

    assert_one_line_error(
        run_cli("--vault", folder, "clients", "--json", env=old_env), 3, "wrong passphrase"
    )
    after = assert_ok(run_cli("--vault", folder, "clients", "--json", env=new_env)).stdout
    assert after == clients_before
    checked = assert_ok(run_cli("--vault", folder, "check", "--json", env=new_env)).json()
    assert checked["ok"] and checked["problems"] == []

    recover_env = make_env(
        home, passphrase=None, CLINIC_APP_RECOVERY_CODE=old_code, CLINIC_APP_NEW_PASSPHRASE=NEW
    )
    assert run_cli("--vault", folder, "recover", env=recover_env).returncode != 0
    recover_env["CLINIC_APP_RECOVERY_CODE"] = new_code
    assert_ok(run_cli("--vault", folder, "recover", env=recover_env))

    # An old copy of the key slots put back: refused in one sentence, naming the key epochs
    # (the rotation made epoch 1, the recovery's passphrase change epoch 2).
    (folder / "keyslots.json").write_bytes(old_slots)
    refused = run_cli("--vault", folder, "check", env=old_env)
    assert refused.returncode == 1, refused
    assert "older than the vault's last key change (key epoch 0, the vault is at 2)" in (
        refused.stdout + refused.stderr
    )
    assert PASSPHRASE not in refused.stdout + refused.stderr
