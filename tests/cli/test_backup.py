"""backup FILE and restore FILE --vault DIR: round trips, own passphrases, refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import (
    SharedVault,
    assert_ok,
    assert_one_line_error,
    make_env,
    run_cli,
)
from tests.conftest import PASSPHRASE

BACKUP_SECRET = "a separate backup secret"


@pytest.fixture(scope="module")
def backups(sample_vault: SharedVault, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Three backups of the sample vault:

    plain: protected by the vault passphrase (from the environment);
    own_env: its own passphrase on stdin, the vault passphrase from the environment;
    own_stdin: --passphrase-stdin too, so stdin holds the vault passphrase, then the backup's.
    """
    out = tmp_path_factory.mktemp("backups")
    folder = sample_vault.folder
    plain = out / "plain.clinicbackup"
    run = assert_ok(run_cli("--vault", folder, "backup", plain, env=sample_vault.env))
    assert run.stdout.startswith(f"Backup written to {plain} (")
    assert "protected by the vault passphrase" in run.stdout

    own_env = out / "own-env.clinicbackup"
    run = assert_ok(
        run_cli(
            "--vault",
            folder,
            "backup",
            own_env,
            "--backup-passphrase-stdin",
            env=sample_vault.env,
            stdin=BACKUP_SECRET + "\n",
        )
    )
    assert "protected by its own passphrase" in run.stdout

    own_stdin = out / "own-stdin.clinicbackup"
    no_env = make_env(out / "home", passphrase=None)
    run = assert_ok(
        run_cli(
            "--vault",
            folder,
            "--passphrase-stdin",
            "backup",
            own_stdin,
            "--backup-passphrase-stdin",
            env=no_env,
            stdin=f"{PASSPHRASE}\n{BACKUP_SECRET}\n",
        )
    )
    assert "protected by its own passphrase" in run.stdout
    return {"plain": plain, "own_env": own_env, "own_stdin": own_stdin}


def _no_secrets_in(path: Path) -> None:
    data = path.read_bytes()
    for text in (PASSPHRASE, BACKUP_SECRET, "Flores Nájera", "A763371143"):
        assert text.encode() not in data


def test_backup_files_are_encrypted(backups: dict[str, Path], sample_vault: SharedVault) -> None:
    for path in backups.values():
        assert path.stat().st_size > 0
        _no_secrets_in(path)
    # No partial or temporary files are left next to the backups or in the vault.
    assert sorted(p.name for p in backups["plain"].parent.iterdir() if p.is_file()) == sorted(
        p.name for p in backups.values()
    )
    assert not list(sample_vault.folder.glob(".backup-*"))


def test_restore_round_trip(
    backups: dict[str, Path], sample_vault: SharedVault, sample_clients_json: str, tmp_path: Path
) -> None:
    target = tmp_path / "restored"
    run = assert_ok(run_cli("--vault", target, "restore", backups["plain"], env=sample_vault.env))
    assert run.stdout.startswith(f"Restored the backup into {target}")
    assert (target / "keyslots.json").is_file()
    listing = assert_ok(run_cli("--vault", target, "clients", "--json", env=sample_vault.env))
    assert listing.stdout == sample_clients_json
    # No staging folders are left beside it.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["restored"]


def test_restore_of_an_own_passphrase_backup(
    backups: dict[str, Path], sample_vault: SharedVault, sample_clients_json: str, tmp_path: Path
) -> None:
    # Backup passphrase on stdin, vault passphrase from the environment.
    first = tmp_path / "first"
    assert_ok(
        run_cli(
            "--vault",
            first,
            "restore",
            backups["own_env"],
            "--backup-passphrase-stdin",
            env=sample_vault.env,
            stdin=BACKUP_SECRET + "\n",
        )
    )
    # Both on stdin: restore reads them in the same order as backup: vault's first, then the backup's.
    second = tmp_path / "second"
    assert_ok(
        run_cli(
            "--vault",
            second,
            "--passphrase-stdin",
            "restore",
            backups["own_stdin"],
            "--backup-passphrase-stdin",
            env=make_env(tmp_path / "home", passphrase=None),
            stdin=f"{PASSPHRASE}\n{BACKUP_SECRET}\n",
        )
    )
    listing = assert_ok(run_cli("--vault", second, "clients", "--json", env=sample_vault.env))
    assert listing.stdout == sample_clients_json
    assert (first / "vault.db").is_file()


@pytest.mark.parametrize(
    ("which", "own"),
    [("plain", False), ("own_env", True)],
    ids=["vault-passphrase-backup", "own-passphrase-backup"],
)
def test_restore_with_a_wrong_backup_passphrase(
    backups: dict[str, Path], isolated_home: Path, tmp_path: Path, which: str, own: bool
) -> None:
    target = tmp_path / "restored"
    if own:
        env = make_env(isolated_home)
        run = run_cli(
            "--vault",
            target,
            "restore",
            backups[which],
            "--backup-passphrase-stdin",
            env=env,
            stdin="not the backup secret\n",
        )
    else:
        env = make_env(isolated_home, passphrase="not the vault passphrase")
        run = run_cli("--vault", target, "restore", backups[which], env=env)
    assert_one_line_error(run, 3, "wrong passphrase", "backup")
    assert run.stdout == ""
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_restore_never_overwrites(
    backups: dict[str, Path], sample_vault: SharedVault, tmp_path: Path
) -> None:
    slots = (sample_vault.folder / "keyslots.json").read_bytes()
    run = run_cli("--vault", sample_vault.folder, "restore", backups["plain"], env=sample_vault.env)
    assert_one_line_error(run, 1, str(sample_vault.folder))
    assert (sample_vault.folder / "keyslots.json").read_bytes() == slots

    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep-me.txt").write_text("mine")
    run = run_cli("--vault", busy, "restore", backups["plain"], env=sample_vault.env)
    assert_one_line_error(run, 1, "new, empty folder")
    assert sorted(p.name for p in busy.iterdir()) == ["keep-me.txt"]


def test_restore_needs_an_explicit_vault_folder(
    backups: dict[str, Path], sample_vault: SharedVault, isolated_home: Path, tmp_path: Path
) -> None:
    env = make_env(isolated_home, CLINIC_APP_VAULT=str(tmp_path / "from-env"))
    run = run_cli("restore", backups["plain"], env=env)
    assert_one_line_error(run, 1, "--vault")
    assert not (tmp_path / "from-env").exists()


def test_backup_refuses_to_overwrite_a_file(
    backups: dict[str, Path], sample_vault: SharedVault
) -> None:
    before = backups["plain"].read_bytes()
    run = run_cli("--vault", sample_vault.folder, "backup", backups["plain"], env=sample_vault.env)
    assert_one_line_error(run, 1, "already exists")
    assert backups["plain"].read_bytes() == before


def test_restore_of_a_tampered_backup(
    backups: dict[str, Path], sample_vault: SharedVault, tmp_path: Path
) -> None:
    data = bytearray(backups["plain"].read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered = tmp_path / "tampered.clinicbackup"
    tampered.write_bytes(bytes(data))
    target = tmp_path / "restored"
    run = run_cli("--vault", target, "restore", tampered, env=sample_vault.env)
    assert_one_line_error(run, 3, "altered or damaged")
    assert not target.exists()


def test_restore_of_a_file_that_is_not_a_backup(sample_vault: SharedVault, tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("just some notes\n")
    run = run_cli("--vault", tmp_path / "restored", "restore", bogus, env=sample_vault.env)
    assert_one_line_error(run, 1, "not a clinic-app backup")
    assert not (tmp_path / "restored").exists()
