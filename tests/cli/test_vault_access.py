"""init, where passphrases come from, wrong passphrases, passwd, recover, and the vault lock."""

from __future__ import annotations

import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.cli.conftest import (
    RECOVERY_CODE_RE,
    SharedVault,
    assert_ok,
    assert_one_line_error,
    make_env,
    recovery_code_from,
    run_cli,
)
from tests.conftest import PASSPHRASE

# -- init ---------------------------------------------------------------------------------------


def test_init_creates_a_vault_and_prints_the_recovery_code_once(sample_vault: SharedVault) -> None:
    run = sample_vault.created
    assert run.stderr == ""
    assert f"Created an encrypted vault in {sample_vault.folder}." in run.stdout
    code = recovery_code_from(run.stdout)
    assert len(code.split("-")) == 8
    assert all(len(group) == 4 for group in code.split("-"))
    assert run.stdout.count(code) == 1
    # The code sits on a line of its own, so it can be copied.
    assert any(line.strip() == code for line in run.stdout.splitlines())
    for name in ("keyslots.json", "vault.db", "vault.json"):
        assert (sample_vault.folder / name).is_file()


def test_recovery_code_and_passphrase_are_stored_nowhere(sample_vault: SharedVault) -> None:
    code = recovery_code_from(sample_vault.created.stdout)
    secrets = [code, code.replace("-", ""), PASSPHRASE]
    for path in sample_vault.folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for secret in secrets:
                assert secret.encode() not in data, path


def test_second_init_is_refused(sample_vault: SharedVault) -> None:
    slots = (sample_vault.folder / "keyslots.json").read_bytes()
    db = (sample_vault.folder / "vault.db").read_bytes()
    run = run_cli("--vault", sample_vault.folder, "init", env=sample_vault.env)
    assert_one_line_error(run, 1, "already", str(sample_vault.folder))
    assert run.stdout == ""
    assert not RECOVERY_CODE_RE.search(run.stdout + run.stderr)
    assert (sample_vault.folder / "keyslots.json").read_bytes() == slots
    assert (sample_vault.folder / "vault.db").read_bytes() == db


def test_init_refuses_a_folder_with_other_files(cli_env: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "letter.txt").write_text("not a vault")
    run = run_cli("--vault", folder, "init", env=cli_env)
    assert_one_line_error(run, 1, "not empty")
    assert sorted(p.name for p in folder.iterdir()) == ["letter.txt"]


def test_init_with_passphrase_on_stdin(isolated_home: Path, tmp_path: Path) -> None:
    secret = "piped in pass phrase ñ"
    folder = tmp_path / "v"
    env = make_env(isolated_home, passphrase=None)
    run = assert_ok(
        run_cli("--vault", folder, "--passphrase-stdin", "init", env=env, stdin=secret + "\n")
    )
    recovery_code_from(run.stdout)
    assert (folder / "keyslots.json").is_file()
    # The line read (without its newline) is the passphrase: it opens the vault.
    opened = assert_ok(
        run_cli("--vault", folder, "clients", env=make_env(isolated_home, passphrase=secret))
    )
    assert "No clients yet" in opened.stdout


def test_init_without_any_passphrase_and_no_terminal(isolated_home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "v"
    run = run_cli("--vault", folder, "init", env=make_env(isolated_home, passphrase=None))
    line = assert_one_line_error(run, 1, "CLINIC_APP_PASSPHRASE", "--passphrase-stdin")
    assert line.startswith("clinic-app: No vault passphrase given")
    assert line.endswith(".")
    assert run.stdout == ""
    assert not folder.exists()


def test_init_refuses_a_short_passphrase(isolated_home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "v"
    run = run_cli("--vault", folder, "init", env=make_env(isolated_home, passphrase="short"))
    assert_one_line_error(run, 1, "at least 8 characters")
    assert not (folder / "keyslots.json").exists()


def test_passphrase_stdin_that_is_empty(sample_vault: SharedVault, isolated_home: Path) -> None:
    env = make_env(isolated_home, passphrase=None)
    run = run_cli(
        "--vault", sample_vault.folder, "--passphrase-stdin", "clients", env=env, stdin=""
    )
    assert_one_line_error(run, 1, "standard input")
    assert run.stdout == ""


# -- wrong passphrase ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "via"),
    [("check", "env"), ("matters", "stdin")],
)
def test_wrong_passphrase_exits_3_with_one_clean_line(
    sample_vault: SharedVault, isolated_home: Path, command: str, via: str
) -> None:
    wrong = "not the passphrase"
    if via == "env":
        run = run_cli(
            "--vault", sample_vault.folder, command, env=make_env(isolated_home, passphrase=wrong)
        )
    else:
        run = run_cli(
            "--vault",
            sample_vault.folder,
            "--passphrase-stdin",
            command,
            env=make_env(isolated_home, passphrase=None),
            stdin=wrong + "\n",
        )
    assert run.returncode == 3, run
    assert run.stdout == ""
    assert len(run.stderr_lines) == 1, run
    assert run.stderr.startswith("clinic-app: Wrong passphrase"), run
    for noise in ("Traceback", "ERROR CORE", "sqlcipher", "SQLCipher"):
        assert noise not in run.stderr


# -- passwd and recover -------------------------------------------------------------------------


@dataclass
class RekeyVault:
    folder: Path
    home: Path
    recovery_code: str
    passphrase: str  # the one that opens it now

    def env(self, passphrase: str | None = None, **extra: str) -> dict[str, str]:
        return make_env(self.home, passphrase=passphrase or self.passphrase, **extra)


@pytest.fixture(scope="module")
def rekey_vault(tmp_path_factory: pytest.TempPathFactory) -> RekeyVault:
    base = tmp_path_factory.mktemp("rekey")
    folder = base / "vault"
    env = make_env(base / "home")
    created = assert_ok(run_cli("--vault", folder, "init", env=env))
    return RekeyVault(folder, base / "home", recovery_code_from(created.stdout), PASSPHRASE)


def test_passwd_changes_the_passphrase(rekey_vault: RekeyVault) -> None:
    old, new = rekey_vault.passphrase, "a brand new passphrase"
    folder = rekey_vault.folder
    run = assert_ok(
        run_cli("--vault", folder, "passwd", env=rekey_vault.env(CLINIC_APP_NEW_PASSPHRASE=new))
    )
    assert "Passphrase changed" in run.stdout
    rekey_vault.passphrase = new

    with_old = run_cli("--vault", folder, "clients", env=rekey_vault.env(old))
    assert_one_line_error(with_old, 3, "wrong passphrase")
    assert with_old.stdout == ""
    assert_ok(run_cli("--vault", folder, "clients", env=rekey_vault.env(new)))


def test_passwd_refuses_a_short_new_passphrase(rekey_vault: RekeyVault) -> None:
    slots = (rekey_vault.folder / "keyslots.json").read_bytes()
    run = run_cli(
        "--vault",
        rekey_vault.folder,
        "passwd",
        env=rekey_vault.env(CLINIC_APP_NEW_PASSPHRASE="tiny"),
    )
    assert_one_line_error(run, 1, "at least 8 characters")
    assert (rekey_vault.folder / "keyslots.json").read_bytes() == slots


@pytest.mark.parametrize("command", ["passwd", "recover"])
def test_missing_new_passphrase_names_the_right_variable(
    rekey_vault: RekeyVault, command: str
) -> None:
    slots = (rekey_vault.folder / "keyslots.json").read_bytes()
    env = rekey_vault.env(CLINIC_APP_RECOVERY_CODE=rekey_vault.recovery_code)
    run = run_cli("--vault", rekey_vault.folder, command, env=env)
    assert (rekey_vault.folder / "keyslots.json").read_bytes() == slots
    line = assert_one_line_error(run, 1, "new passphrase", "--passphrase-stdin")
    assert "CLINIC_APP_NEW_PASSPHRASE" in line


def test_recover_with_the_printed_code(rekey_vault: RekeyVault, isolated_home: Path) -> None:
    forgotten, new = rekey_vault.passphrase, "recovered pass phrase"
    env = make_env(
        isolated_home,
        passphrase=None,
        CLINIC_APP_RECOVERY_CODE=rekey_vault.recovery_code,
        CLINIC_APP_NEW_PASSPHRASE=new,
    )
    run = assert_ok(run_cli("--vault", rekey_vault.folder, "recover", env=env))
    assert "New passphrase set" in run.stdout
    rekey_vault.passphrase = new
    assert_ok(run_cli("--vault", rekey_vault.folder, "clients", env=rekey_vault.env(new)))
    assert forgotten != new


def test_recover_with_a_wrong_code(rekey_vault: RekeyVault, isolated_home: Path) -> None:
    slots = (rekey_vault.folder / "keyslots.json").read_bytes()
    env = make_env(
        isolated_home,
        passphrase=None,
        CLINIC_APP_RECOVERY_CODE="AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH",
        CLINIC_APP_NEW_PASSPHRASE="attacker pass phrase",
    )
    run = run_cli("--vault", rekey_vault.folder, "recover", env=env)
    assert_one_line_error(run, 3, "recovery code")
    assert run.stdout == ""
    assert (rekey_vault.folder / "keyslots.json").read_bytes() == slots


# -- a vault open in another process ------------------------------------------------------------

HOLDER = """
import sys, time
from pathlib import Path
from clinic_app.services import vault_ops
vault = vault_ops.open_vault(Path(sys.argv[1]), passphrase=sys.argv[2], actor="holder")
print("open", flush=True)
time.sleep(120)
"""


def test_vault_open_in_another_process_is_refused(sample_vault: SharedVault) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(sample_vault.folder), PASSPHRASE],
        env=sample_vault.env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(90, holder.kill)  # never hang the suite on a stuck child
    watchdog.start()
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "open", (
            holder.stderr.read() if holder.stderr else ""
        )
        run = run_cli("--vault", sample_vault.folder, "clients", env=sample_vault.env, timeout=60)
        assert run.returncode != 0, run
        assert_one_line_error(run, (1, 3), "already open")
        assert run.stdout == ""
    finally:
        watchdog.cancel()
        holder.kill()
        holder.wait(timeout=30)
    # The lock died with the process: the vault opens again.
    assert_ok(run_cli("--vault", sample_vault.folder, "clients", env=sample_vault.env))
