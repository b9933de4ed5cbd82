"""The console script on the clinic server: --server/--user (or their variables), the password from
$CLINIC_APP_PASSWORD or --password-stdin, the same exit codes, vault-only commands refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import pg_cluster
from tests.cli.conftest import assert_ok, assert_one_line_error, make_env, run_cli
from tests.conftest import SAMPLE_CSV


@pytest.fixture
def server(pg_server: pg_cluster.Cluster, server_db: str) -> tuple[list[str], dict[str, str]]:
    """The global options naming the test server, and an environment holding the password."""
    return (
        ["--server", server_db, "--user", pg_server.user],
        {"CLINIC_APP_PASSWORD": pg_server.password},
    )


def test_a_whole_intake_on_the_server(
    server: tuple[list[str], dict[str, str]], isolated_home: Path, pg_server: pg_cluster.Cluster
) -> None:
    options, secret = server
    env = make_env(isolated_home, passphrase=None, **secret)
    imported = assert_ok(run_cli(*options, "import", SAMPLE_CSV, env=env))
    assert imported.stdout
    listed = assert_ok(run_cli(*options, "clients", "--json", env=env)).json()
    assert len(listed) == 24
    added = assert_ok(
        run_cli(
            *options,
            "client",
            "add",
            "--first-name",
            "Rosa",
            "--last-name",
            "Lima",
            "--json",
            env=env,
        )
    ).json()
    found = assert_ok(run_cli(*options, "clients", "--search", "rosa lim", "--json", env=env))
    assert [c["id"] for c in found.json()] == [added["id"]]
    audit = assert_ok(run_cli(*options, "audit", "--json", env=env)).json()
    assert audit and {event["actor"] for event in audit} == {pg_server.user}
    checked = assert_ok(run_cli(*options, "check", env=env))
    assert checked.returncode == 0


def test_the_server_and_user_come_from_the_environment_and_the_password_from_stdin(
    server: tuple[list[str], dict[str, str]], isolated_home: Path, pg_server: pg_cluster.Cluster
) -> None:
    options, _secret = server
    env = make_env(
        isolated_home,
        passphrase=None,
        CLINIC_APP_SERVER=options[1],
        CLINIC_APP_USER=pg_server.user,
    )
    run = run_cli("clients", "--json", "--password-stdin", env=env, stdin=pg_server.password + "\n")
    assert assert_ok(run).json() == []


def test_a_wrong_password_exits_3_in_one_sentence(
    server: tuple[list[str], dict[str, str]], isolated_home: Path
) -> None:
    options, _secret = server
    env = make_env(isolated_home, passphrase=None, CLINIC_APP_PASSWORD="not the password")
    run = run_cli(*options, "clients", env=env)
    assert_one_line_error(run, 3, "refused the password")


def test_no_password_names_both_ways_to_give_it(
    server: tuple[list[str], dict[str, str]], isolated_home: Path
) -> None:
    options, _secret = server
    run = run_cli(*options, "clients", env=make_env(isolated_home, passphrase=None))
    assert_one_line_error(run, 1, "CLINIC_APP_PASSWORD", "--password-stdin")


def test_an_unreachable_server_says_so(isolated_home: Path) -> None:
    port = pg_cluster.free_port()  # nothing listens there
    env = make_env(isolated_home, passphrase=None, CLINIC_APP_PASSWORD="x")
    run = run_cli("--server", f"postgresql://127.0.0.1:{port}/clinic", "clients", env=env)
    assert_one_line_error(run, 1, "unreachable", "nothing was saved")


@pytest.mark.parametrize(
    ("command", "instead"),
    [
        (["backup", "out.clinicbackup"], "pg_dump"),
        (["backups"], "pg_dump"),
        (["passwd"], "server passwd"),
        (["init"], "server create"),
    ],
)
def test_vault_only_commands_refuse_on_the_server(
    server: tuple[list[str], dict[str, str]], isolated_home: Path, command: list[str], instead: str
) -> None:
    options, secret = server
    env = make_env(isolated_home, passphrase=None, **secret)
    run = run_cli(*options, *command, env=env, cwd=isolated_home)
    assert_one_line_error(run, 1, "not on the clinic server", instead)


def test_as_is_refused_on_the_server(
    server: tuple[list[str], dict[str, str]], isolated_home: Path
) -> None:
    options, secret = server
    env = make_env(isolated_home, passphrase=None, **secret)
    run = run_cli(*options, "--as", "someone-else", "clients", env=env)
    assert_one_line_error(run, 1, "--as", "--user")


def test_a_url_that_would_not_check_the_certificate_is_refused(isolated_home: Path) -> None:
    # Off this computer the server's certificate is always checked; nothing is sent before that.
    env = make_env(isolated_home, passphrase=None, CLINIC_APP_PASSWORD="x")
    url = "postgresql://clinic.example.org:5432/clinic?sslmode=require"
    run = run_cli("--server", url, "--user", "ana_ruiz", "clients", env=env)
    assert_one_line_error(run, 1, "sslmode=require", "sslrootcert=")
