"""`clinic-app server adduser/users/disable/init` through the real console script."""

from __future__ import annotations

import stat
from pathlib import Path

import psycopg
import pytest
from cryptography import x509

from clinic_app.server import tls
from tests.cli.conftest import assert_ok, assert_one_line_error, run_cli
from tests.server.conftest import (
    ADMIN,
    ADMIN_PASSWORD,
    PASSWORD,
    ClinicServer,
    owner_socket_url,
    person_env,
)


def test_an_admin_adds_lists_and_disables_people(clinic_server: ClinicServer) -> None:
    env = person_env(clinic_server, ADMIN, ADMIN_PASSWORD)
    added = run_cli(
        "server",
        "adduser",
        "lena_cli",
        "--role",
        "paralegal",
        "--full-name",
        "Lena Cli",
        "--password-stdin",
        env=env,
        stdin=PASSWORD + "\n",
    )
    assert "Added lena_cli (Lena Cli) as paralegal" in assert_ok(added).stdout
    listed = assert_ok(run_cli("server", "users", "--json", env=env)).json()
    assert {"login": "lena_cli", "name": "Lena Cli", "role": "paralegal", "active": True} in listed
    with clinic_server.connect("lena_cli") as conn:
        assert conn.execute("SELECT clinic_role()").fetchone() == ("paralegal",)
    # And the app opens with it: the new account's slot of the clinic file key opens.
    opened = run_cli(
        "--server",
        clinic_server.url,
        "--user",
        "lena_cli",
        "clients",
        "--json",
        env={**clinic_server.env, "CLINIC_APP_PASSWORD": PASSWORD},
    )
    assert isinstance(assert_ok(opened).json(), list)
    # A paralegal cannot add accounts: the database refuses, in one sentence.
    refused = run_cli(
        "server",
        "adduser",
        "someone_else",
        "--role",
        "admin",
        "--password-stdin",
        env=person_env(clinic_server, "lena_cli"),
        stdin=PASSWORD + "\n",
    )
    assert_one_line_error(refused, 1, "Only a clinic admin")
    assert_ok(run_cli("server", "disable", "lena_cli", env=env))
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        clinic_server.connect("lena_cli").close()
    table = assert_ok(run_cli("server", "users", env=env)).stdout
    assert any(line.split()[0] == "lena_cli" and "disabled" in line for line in table.splitlines())


def test_an_admin_enables_a_disabled_account_again(clinic_server: ClinicServer) -> None:
    env = person_env(clinic_server, ADMIN, ADMIN_PASSWORD)
    assert_ok(
        run_cli(
            *("server", "adduser", "omar_back", "--role", "attorney", "--full-name", "Omar Back"),
            "--password-stdin",
            env=env,
            stdin=PASSWORD + "\n",
        )
    )
    assert_ok(run_cli("server", "disable", "omar_back", env=env))
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        clinic_server.connect("omar_back").close()
    # Only an admin turns an account back on: a colleague is refused and nothing changes.
    before = _accounts(clinic_server)
    refused = run_cli("server", "enable", "omar_back", env=person_env(clinic_server, "tess_en"))
    assert_one_line_error(refused, 1, "Only a clinic admin")
    assert _accounts(clinic_server) == before

    enabled = assert_ok(run_cli("server", "enable", "omar_back", env=env)).stdout
    assert "omar_back can log in again" in enabled and "server passwd omar_back" in enabled
    # The same password opens the account and the app (the file key was never taken away).
    with clinic_server.connect("omar_back") as conn:
        assert conn.execute("SELECT clinic_role()").fetchone() == ("attorney",)
    opened = run_cli("clients", "--json", env=person_env(clinic_server, "omar_back"))
    assert isinstance(assert_ok(opened).json(), list)
    listed = assert_ok(run_cli("server", "users", "--json", env=env)).json()
    assert {"login": "omar_back", "name": "Omar Back", "role": "attorney", "active": True} in listed
    again = assert_ok(run_cli("server", "enable", "omar_back", env=env)).stdout
    assert "already log in; nothing was changed" in again
    # Each change is in the audit log under the admin who made it.
    with clinic_server.admin() as conn:
        actions = conn.execute(
            "SELECT actor, action FROM audit_event WHERE summary = 'omar_back' ORDER BY id"
        ).fetchall()
    assert actions == [
        (ADMIN, "account.add"),
        (ADMIN, "account.disable"),
        (ADMIN, "account.enable"),
    ]


@pytest.fixture(scope="module", autouse=True)
def _a_paralegal(clinic_server: ClinicServer) -> None:
    """tess_en: a paralegal, who may not enable accounts."""
    assert_ok(
        run_cli(
            *("server", "adduser", "tess_en", "--role", "paralegal", "--password-stdin"),
            env=person_env(clinic_server, ADMIN, ADMIN_PASSWORD),
            stdin=PASSWORD + "\n",
        )
    )


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["adduser", "new_one", "--role", "wizard"], ["--role", "volunteer"]),
        (["adduser", "New One", "--role", "attorney"], ["NAME"]),
        (["adduser", "admin", "--role", "attorney"], ["already an account", "NAME"]),
        (["disable", "nobody_here"], ["no clinic account", "server users"]),
        (["enable", "nobody_here"], ["no clinic account", "server users"]),
        (["disable", ADMIN], ["your own account", "another clinic admin"]),
    ],
)
def test_bad_account_input_is_one_sentence(
    clinic_server: ClinicServer, args: list[str], needles: list[str]
) -> None:
    env = person_env(clinic_server, ADMIN, ADMIN_PASSWORD)
    before = _accounts(clinic_server)
    run = run_cli("server", *args, "--password-stdin", env=env, stdin=PASSWORD + "\n")
    assert_one_line_error(run, 1, *needles)
    assert _accounts(clinic_server) == before


def _accounts(server: ClinicServer) -> list[tuple[object, ...]]:
    with server.admin() as conn:
        return conn.execute(
            "SELECT r.rolname, r.rolcanlogin, s.name, s.active FROM pg_roles r"
            " LEFT JOIN staff_member s ON s.login = r.rolname ORDER BY 1"
        ).fetchall()


def test_a_wrong_password_is_refused_with_exit_3(clinic_server: ClinicServer) -> None:
    env = person_env(clinic_server, ADMIN, "not-the-password")
    assert_one_line_error(run_cli("server", "users", env=env), 3, "refused the password")


def test_an_unknown_account_name_says_so_and_how_to_add_it(clinic_server: ClinicServer) -> None:
    # A mistyped --user is refused by pg_hba.conf before any password: the sentence names the
    # account and the command that adds it, not a TLS problem.
    app = run_cli(
        "--server",
        clinic_server.url,
        "--user",
        "no_such_person",
        "clients",
        env={**clinic_server.env, "CLINIC_APP_PASSWORD": PASSWORD},
    )
    assert_one_line_error(app, 3, "no account named no_such_person", "--user", "server adduser")
    assert "verified" not in app.stderr
    admin = run_cli("server", "users", env=person_env(clinic_server, "no_such_person"))
    assert_one_line_error(admin, 3, "no account named no_such_person", "--url", "server adduser")


def test_the_account_in_the_url_logs_in_to_the_app(clinic_server: ClinicServer) -> None:
    # docs/server.md exports CLINIC_APP_SERVER=postgresql://admin@…: the app's commands log in as
    # that account, as the `server` commands do, not as this computer's login name.
    env = person_env(clinic_server, ADMIN, ADMIN_PASSWORD)
    assert "CLINIC_APP_USER" not in env
    assert isinstance(assert_ok(run_cli("matters", "--json", env=env)).json(), list)
    assert isinstance(
        assert_ok(run_cli("--user", ADMIN, "matters", "--json", env=env)).json(), list
    )


def test_init_installs_the_same_rules_on_an_existing_database(
    clinic_server: ClinicServer, tmp_path: Path
) -> None:
    owner_url = owner_socket_url(clinic_server, "postgres")
    with psycopg.connect(owner_url, autocommit=True) as conn:
        conn.execute("CREATE DATABASE clinic_two")
    url = owner_socket_url(clinic_server, "clinic_two")
    tls_dir = tmp_path / "tls"
    first = assert_ok(
        run_cli(
            "server",
            "init",
            "--url",
            url,
            "--admin",
            "second_admin",
            "--password-stdin",
            "--tls-dir",
            tls_dir,
            "--host-name",
            "clinic-two.example",
            env=clinic_server.env,
            stdin=ADMIN_PASSWORD + "\n",
        )
    )
    assert "hostssl  clinic_two  +clinic_staff  0.0.0.0/0  scram-sha-256" in first.stdout
    # The CA it printed is the one it wrote, and the server certificate carries the name.
    ca = (tls_dir / "clinic-ca.crt").read_bytes()
    assert tls.fingerprint(ca) in first.stdout
    for key in ("clinic-ca.key", "server.key"):
        assert stat.S_IMODE((tls_dir / key).stat().st_mode) == 0o600
    server_cert = x509.load_pem_x509_certificate((tls_dir / "server.crt").read_bytes())
    names = server_cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "clinic-two.example" in names.get_values_for_type(x509.DNSName)
    # Safe to run again (after an upgrade adds tables): same rules, nothing duplicated.
    assert_ok(run_cli("server", "init", "--url", url, env=clinic_server.env))
    with psycopg.connect(url) as conn:
        policies = conn.execute(
            "SELECT tablename, policyname FROM pg_policies ORDER BY 1, 2"
        ).fetchall()
        assert ("matter", "clinic_rows") in policies
        assert len(policies) == len(set(policies))
        assert conn.execute(
            "SELECT login FROM staff_member WHERE login = 'second_admin'"
        ).fetchall() == [("second_admin",)]


def test_people_are_named_by_account_as_well_as_by_name(clinic_server: ClinicServer) -> None:
    # On the server people know each other by account (ana_ruiz, as 'matter restrict --to'
    # takes): --assignee takes it as well as the name on the staff list.
    admin = person_env(clinic_server, ADMIN, ADMIN_PASSWORD)
    assert_ok(
        run_cli(
            "server",
            *("adduser", "tess_cli", "--role", "attorney", "--full-name", "Tess Cli"),
            "--password-stdin",
            env=admin,
            stdin=PASSWORD + "\n",
        )
    )
    tess = person_env(clinic_server, "tess_cli")
    client = assert_ok(
        run_cli("client", "add", "--first-name", "Iris", "--last-name", "Vale", "--json", env=tess)
    ).json()
    opened = run_cli(
        *("matter", "add", "--client", str(client["id"]), "--kind", "initial"),
        *("--assignee", "TESS_CLI", "--json"),
        env=tess,
    )
    matter = assert_ok(opened).json()
    shown = assert_ok(run_cli("matter", "show", str(matter["id"]), env=tess)).stdout
    assert "Assignee: Tess Cli" in shown
    listed = run_cli("deadlines", "--assignee", "tess_cli", "--json", env=tess)
    assert isinstance(assert_ok(listed).json(), list)
    unknown = run_cli(*("matter", "edit", str(matter["id"]), "--assignee", "no_one_here"), env=tess)
    assert_one_line_error(unknown, 1, "no_one_here", "server adduser")
    assert "Assignee: Tess Cli" in assert_ok(run_cli("matter", str(matter["id"]), env=tess)).stdout


def test_a_new_volunteer_is_not_told_the_clinic_has_no_clients(clinic_server: ClinicServer) -> None:
    admin = person_env(clinic_server, ADMIN, ADMIN_PASSWORD)
    assert_ok(
        run_cli(
            *("server", "adduser", "vic_cli", "--role", "volunteer", "--password-stdin"),
            env=admin,
            stdin=PASSWORD + "\n",
        )
    )
    listed = assert_ok(run_cli("clients", env=person_env(clinic_server, "vic_cli"))).stdout
    assert "No clients that you can see yet" in listed and "client add" in listed
