"""Version, usage errors, the no-display message, --debug (on a vault and the clinic server), and
where the vault is looked for."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from clinic_app import __version__
from tests.cli.conftest import (
    CLI,
    CliTarget,
    assert_ok,
    assert_one_line_error,
    make_env,
    recovery_code_from,
    run_cli,
)


def test_version(cli_env: dict[str, str]) -> None:
    run = assert_ok(run_cli("--version", env=cli_env))
    assert re.fullmatch(r"clinic-app \d+\.\d+\.\d+\n", run.stdout), run
    assert run.stdout.strip() == f"clinic-app {__version__}"
    assert run.stderr == ""


def test_version_through_python_dash_m(cli_env: dict[str, str]) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "clinic_app", "--version"],
        env=cli_env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"clinic-app {__version__}"


def test_console_script_is_the_venv_one() -> None:
    assert CLI.is_file()
    assert CLI.parent == Path(sys.executable).parent


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["frobnicate"], "invalid choice"),
        (["clients", "--no-such-flag"], "unrecognized arguments"),
        (["import"], "required"),
    ],
    ids=["unknown-command", "unknown-flag", "missing-file"],
)
def test_usage_errors_exit_2(
    cli_blank: Callable[[], CliTarget], args: list[str], needle: str
) -> None:
    place = cli_blank()
    run = place.cli(*args)
    assert run.stdout == ""
    # One sentence and where to look, not argparse's usage block.
    line = assert_one_line_error(run, 2, needle, "--help")
    assert "usage:" not in line
    _assert_untouched(place)


def _assert_untouched(place: CliTarget) -> None:
    """No vault folder was made; the clinic server's database is still empty."""
    if place.is_vault:
        assert not Path(place.place[1]).exists()
    else:
        assert place.json("clients") == [] and place.json("audit") == []


def test_no_subcommand_without_display_says_so(cli_blank: Callable[[], CliTarget]) -> None:
    place = cli_blank()
    env = dict(place.env)
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        env.pop(var, None)
    run = run_cli(*place.place, env=env, timeout=60)
    line = assert_one_line_error(run, 1, "display")
    assert "--screenshot" in line or "xvfb" in line.lower(), run
    assert run.stdout == ""
    for crash in ("could not load the Qt platform plugin", "Aborted", "core dumped"):
        assert crash not in run.stderr
    # One sentence: a single full stop at the end (the command names inside hold none).
    assert line.rstrip().endswith(".")
    _assert_untouched(place)


@pytest.mark.parametrize("where", ["before", "after"], ids=["global-flag", "after-subcommand"])
def test_debug_flag_shows_details_only_when_asked(
    cli_blank: Callable[[], CliTarget], where: str
) -> None:
    place = cli_blank()
    if place.is_vault:  # a folder with no vault in it
        env, code, needles, error = place.env, 1, ("no vault", place.place[1]), "VaultError"
    else:  # a password the clinic server refuses
        env = {**place.env, "CLINIC_APP_PASSWORD": "not the password"}
        code, needles, error = 3, ("refused the password", place.actor), "UnlockError"
    plain = run_cli(*place.place, "clients", env=env)
    line = assert_one_line_error(plain, code, *needles)

    args = (
        ["--debug", *place.place, "clients"]
        if where == "before"
        else [*place.place, "clients", "--debug"]
    )
    debug = run_cli(*args, env=env)
    assert debug.returncode == code, debug
    assert "Traceback (most recent call last)" in debug.stderr, debug
    assert error in debug.stderr
    # The one-line message still ends the output.
    assert debug.stderr_lines[-1] == line


def test_the_flag_beats_the_environment(
    cli_empty: CliTarget, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """--vault beats $CLINIC_APP_VAULT; --server and --user beat $CLINIC_APP_SERVER and
    $CLINIC_APP_USER."""
    if cli_empty.is_vault:
        elsewhere = str(tmp_path / "elsewhere")
        env = {**cli_empty.env, "CLINIC_APP_VAULT": elsewhere}
        missing = ("There is no vault in", elsewhere)
    else:
        cluster = request.getfixturevalue("pg_server")
        env = {
            **cli_empty.env,
            "CLINIC_APP_SERVER": cluster.url("no_such_db"),
            "CLINIC_APP_USER": cli_empty.actor,
        }
        missing = ("has no such database", "no_such_db")
    # The variable alone names the place (no such vault, no such database) ...
    assert_one_line_error(run_cli("clients", env=env), (1, 3), *missing)
    # ... the flags, before or after the command, win over it.
    flags = cli_empty.place
    assert assert_ok(run_cli(*flags, "clients", "--json", env=env)).json() == []
    assert assert_ok(run_cli("clients", *flags, "--json", env=env)).json() == []


# -- where the vault is: --vault, else $CLINIC_APP_VAULT, else the platformdirs data folder --------


def _no_vault_message(run_env: dict[str, str], *args: str | Path) -> str:
    """Which folder `clients` looked in (no vault exists anywhere, so no unlock is attempted)."""
    run = run_cli(*args, "clients", env=run_env)
    line = assert_one_line_error(run, 1, "There is no vault in")
    match = re.search(r"There is no vault in (.+?); ", line)
    assert match, line
    return match.group(1)


@pytest.mark.vault_only  # where the vault's folder is looked for
def test_vault_flag_beats_env_beats_default(isolated_home: Path, tmp_path: Path) -> None:
    default = isolated_home / ".local" / "share" / "clinic-app" / "vault"
    from_env = tmp_path / "from-env"
    from_flag = tmp_path / "from-flag"

    assert _no_vault_message(make_env(isolated_home)) == str(default)
    env = make_env(isolated_home, CLINIC_APP_VAULT=str(from_env))
    assert _no_vault_message(env) == str(from_env)
    assert _no_vault_message(env, "--vault", from_flag) == str(from_flag)
    # The flag also works after the subcommand, and "~" means the home folder.
    run = run_cli("clients", "--vault", "~/tilde-vault", env=env)
    assert_one_line_error(run, 1, str(isolated_home / "tilde-vault"))


@pytest.mark.vault_only  # `init` makes a vault folder
def test_init_with_flag_and_env_creates_the_flag_folder_only(
    isolated_home: Path, tmp_path: Path
) -> None:
    from_env = tmp_path / "from-env"
    from_flag = tmp_path / "from-flag"
    env = make_env(isolated_home, CLINIC_APP_VAULT=str(from_env))
    run = assert_ok(run_cli("--vault", from_flag, "init", env=env))
    assert (from_flag / "keyslots.json").is_file()
    assert (from_flag / "vault.db").is_file()
    assert not from_env.exists()
    assert not (isolated_home / ".local" / "share" / "clinic-app").exists()
    assert f"Created an encrypted vault in {from_flag}." in run.stdout


@pytest.mark.vault_only  # `init` makes a vault folder
def test_init_without_flag_or_env_uses_xdg_data_home(isolated_home: Path, tmp_path: Path) -> None:
    data_home = tmp_path / "elsewhere-data"
    env = make_env(isolated_home, XDG_DATA_HOME=str(data_home))
    run = assert_ok(run_cli("init", env=env, cwd=tmp_path))
    expected = data_home / "clinic-app" / "vault"
    assert (expected / "keyslots.json").is_file(), run
    assert f"Created an encrypted vault in {expected}." in run.stdout
    recovery_code_from(run.stdout)
    # Nothing landed in the working folder or the default data folder under HOME.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere-data"]
    assert not (isolated_home / ".local" / "share" / "clinic-app").exists()
    # And later commands find it there without being told.
    listing = assert_ok(run_cli("clients", env=env, cwd=tmp_path))
    assert "No clients yet" in listing.stdout
