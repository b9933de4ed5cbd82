"""`clinic-app server passwd` and `server disable` end the person's open `clinic-app shell`;
that shell's next command says why in one line, with the flags to sign in again."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

from tests.cli.conftest import CLI, NOISE, assert_ok, run_cli
from tests.server.conftest import ADMIN, ADMIN_PASSWORD, PASSWORD, ClinicServer, person_env

NEW_PASSWORD = "a-new-password-of-his-own"


def _add(server: ClinicServer, login: str) -> None:
    assert_ok(
        run_cli(
            *("server", "adduser", login, "--role", "paralegal", "--password-stdin"),
            env=person_env(server, ADMIN, ADMIN_PASSWORD),
            stdin=PASSWORD + "\n",
        )
    )


@contextmanager
def _open_shell(server: ClinicServer, login: str) -> Iterator[subprocess.Popen[str]]:
    """`clinic-app shell` as `login`, signed in and waiting for its next line."""
    env = {**person_env(server, login), "PYTHONUNBUFFERED": "1"}
    shell = subprocess.Popen(
        [str(CLI), "shell"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert shell.stdin is not None and shell.stdout is not None
        shell.stdin.write("staff --json\n")
        shell.stdin.flush()
        assert shell.stdout.readline().startswith("["), "the shell did not sign in"
        yield shell
    finally:
        if shell.poll() is None:
            shell.kill()
        shell.wait(timeout=60)


def _next_line_fails(shell: subprocess.Popen[str]) -> tuple[int, list[str]]:
    """The shell's next command, then the end of its input: its exit code and error lines."""
    _out, err = shell.communicate("clients\n", timeout=120)
    return shell.returncode, [line for line in err.splitlines() if line.strip()]


def test_changing_my_password_ends_my_open_shell(clinic_server: ClinicServer) -> None:
    _add(clinic_server, "sol_sess")
    with _open_shell(clinic_server, "sol_sess") as shell:
        changed = run_cli(
            "server", "passwd", "--password-stdin", env=person_env(clinic_server, "sol_sess"),
            stdin=NEW_PASSWORD + "\n",
        )  # fmt: skip
        out = assert_ok(changed).stdout
        assert "Your password is changed (sol_sess)" in out
        assert "Your 1 other open session" in out and "was ended" in out
        code, errors = _next_line_fails(shell)
    assert code == 3 and len(errors) == 1, errors
    line = errors[0]
    assert "Your session on the clinic server has ended because your password was changed" in line
    assert "$CLINIC_APP_PASSWORD, --password-stdin or the prompt" in line
    assert not any(noise.lower() in line.lower() for noise in NOISE)
    # With the new password a new shell works.
    again = run_cli("staff", env=person_env(clinic_server, "sol_sess", NEW_PASSWORD))
    assert_ok(again)


def test_disabling_an_account_ends_its_shell_and_says_so_to_the_admin(
    clinic_server: ClinicServer,
) -> None:
    _add(clinic_server, "tia_sess")
    with _open_shell(clinic_server, "tia_sess") as shell:
        disabled = run_cli(
            "server", "disable", "tia_sess", env=person_env(clinic_server, ADMIN, ADMIN_PASSWORD)
        )  # fmt: skip
        out = assert_ok(disabled).stdout
        assert "tia_sess can no longer log in" in out
        assert "1 open session of tia_sess was ended." in out
        code, errors = _next_line_fails(shell)
    assert code == 3 and len(errors) == 1, errors
    assert "a clinic admin disabled your account" in errors[0]
