"""Roles enforced by PostgreSQL itself: each person connects with plain psycopg (and psql) and
tries to read and write what their role must not."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from sqlmodel import SQLModel

from clinic_app.domain.models import Client, Matter
from clinic_app.server import accounts
from tests.cli.conftest import Run, assert_ok, assert_one_line_error, run_cli
from tests.conftest import FAST_KDF
from tests.server.conftest import ADMIN, ADMIN_PASSWORD, PASSWORD, ClinicServer

PEOPLE = {
    "att_role": "attorney",
    "para_role": "paralegal",
    "vol_one": "volunteer",
    "vol_two": "volunteer",
}
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Cases:
    """Ids of the records each person made."""

    open_client: int
    open_matter: int
    secret_client: int
    secret_matter: int
    vol_one_client: int
    vol_one_matter: int
    vol_two_client: int
    staff: dict[str, int]


def _insert(conn: psycopg.Connection[Any], row: SQLModel) -> int:
    """One record as the app would write it (every field's default filled in), by plain SQL."""
    values = row.model_dump(exclude={"id"})
    columns = ", ".join(values)
    marks = ", ".join(["%s"] * len(values))
    table = type(row).__tablename__
    found = conn.execute(
        f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING id", list(values.values())
    ).fetchone()
    assert found is not None
    return int(found[0])


def _client(conn: psycopg.Connection[Any], first: str, **extra: Any) -> int:
    return _insert(
        conn, Client(first_name=first, last_name="Test", created_at=NOW, updated_at=NOW, **extra)
    )


def _matter(conn: psycopg.Connection[Any], client_id: int, **extra: Any) -> int:
    return _insert(conn, Matter(client_id=client_id, created_at=NOW, updated_at=NOW, **extra))


@pytest.fixture(scope="module")
def cases(clinic_server: ClinicServer) -> Iterator[Cases]:
    # Each gets their own slot of the clinic file key, opened from the admin's (as adduser does).
    engine = accounts.transactional(clinic_server.admin)
    for login, role in PEOPLE.items():
        accounts.enrol(
            engine,
            login=login,
            role=role,
            password=PASSWORD,
            key_from=(ADMIN, ADMIN_PASSWORD),
            kdf=FAST_KDF,
        )
    engine.dispose()
    with clinic_server.admin() as admin:
        staff = dict(
            admin.execute("SELECT login, id FROM staff_member WHERE login <> ''").fetchall()
        )
    with clinic_server.connect("att_role") as conn:
        open_client = _client(conn, "Open")
        open_matter = _matter(conn, open_client)
        secret_client = _client(conn, "Secret")
        secret_matter = _matter(conn, secret_client, receipt_number="IOE0000000001")
        conn.execute(
            "INSERT INTO matter_restriction (matter_id, staff_id) VALUES (%s, %s)",
            (secret_matter, staff["att_role"]),
        )
        conn.execute(
            "INSERT INTO conflict_key (key, record_kind, record_id) VALUES ('a:000000001', "
            "'client', %s), ('a:000000002', 'client', %s)",
            (open_client, secret_client),
        )
    with clinic_server.connect("vol_one") as conn:
        # Who made it is the login, whatever the laptop claims.
        vol_one_client = _client(conn, "Intake", created_by="att_role")
        vol_one_matter = _matter(conn, vol_one_client)
    with clinic_server.connect("vol_two") as conn:
        vol_two_client = _client(conn, "Other")
    yield Cases(
        open_client,
        open_matter,
        secret_client,
        secret_matter,
        vol_one_client,
        vol_one_matter,
        vol_two_client,
        staff,
    )


def _ids(conn: psycopg.Connection[Any], table: str) -> set[int]:
    return {row[0] for row in conn.execute(f"SELECT id FROM {table}").fetchall()}


def test_a_volunteer_sees_only_their_own_intake(clinic_server: ClinicServer, cases: Cases) -> None:
    with clinic_server.connect("vol_one") as conn:
        assert _ids(conn, "client") == {cases.vol_one_client}
        assert _ids(conn, "matter") == {cases.vol_one_matter}
        assert conn.execute(
            "SELECT created_by FROM client WHERE id = %s", (cases.vol_one_client,)
        ).fetchone() == ("vol_one",)
        # Not even by id, not even a count of the others.
        assert conn.execute(
            "SELECT count(*) FROM client WHERE id = %s", (cases.vol_two_client,)
        ).fetchone() == (0,)
        # Changing someone else's row touches nothing; opening a matter on their client is refused.
        changed = conn.execute(
            "UPDATE client SET notes = 'x' WHERE id = %s", (cases.open_client,)
        ).rowcount
        assert changed == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "INSERT INTO matter (client_id, program, kind, status, fee, created_at, updated_at,"
                " created_by) VALUES (%s, 'p', 'initial', 'intake', '', now(), now(), '')",
                (cases.open_client,),
            )
        # A note on a matter they cannot see is refused too.
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO note (matter_id, author, body, created_at) VALUES (%s, '', 'x', now())",
                (cases.secret_matter,),
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM client WHERE id = %s", (cases.vol_one_client,))
        # Nor others' A-numbers through the conflict-check keys, nor their search words,
        # nor others' key slots to guess passwords against.
        assert conn.execute(
            "SELECT count(*) FROM conflict_key WHERE record_kind = 'client' AND record_id <> %s",
            (cases.vol_one_client,),
        ).fetchone() == (0,)
        assert _ids(conn, "client_search") <= {cases.vol_one_client}
        slots = conn.execute("SELECT person FROM clinic_key_slot").fetchall()
        assert slots == [("vol_one",)]
        # Evidence files can be added at intake, not removed.
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM file_blob")
    with clinic_server.connect("vol_two") as conn:
        assert _ids(conn, "client") == {cases.vol_two_client}
        assert _ids(conn, "matter") == set()


def test_a_restricted_matter_shows_only_who_to_ask(
    clinic_server: ClinicServer, cases: Cases
) -> None:
    with clinic_server.connect("para_role") as conn:
        assert cases.secret_matter not in _ids(conn, "matter")
        assert cases.open_matter in _ids(conn, "matter")
        # Its client's every matter is restricted: the client's details are hidden too.
        assert cases.secret_client not in _ids(conn, "client")
        keys = conn.execute("SELECT key FROM conflict_key WHERE record_kind = 'client'").fetchall()
        assert ("a:000000002",) not in keys and ("a:000000001",) in keys
        assert conn.execute(
            "SELECT count(*) FROM matter WHERE receipt_number = 'IOE0000000001'"
        ).fetchone() == (0,)
        listed = conn.execute(
            "SELECT restricted, restricted_from_me, ask FROM matter_directory WHERE matter_id = %s",
            (cases.secret_matter,),
        ).fetchone()
        assert listed == (True, True, "att_role")
        # Nor can a paralegal lift the restriction.
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "DELETE FROM matter_restriction WHERE matter_id = %s", (cases.secret_matter,)
            )
    with clinic_server.connect("att_role") as conn:
        assert cases.secret_matter in _ids(conn, "matter")
        assert cases.secret_client in _ids(conn, "client")
    with clinic_server.admin() as conn:  # an admin is not named on it either
        assert cases.secret_matter not in _ids(conn, "matter")


def test_sign_off_and_rule_changes_are_the_attorneys(
    clinic_server: ClinicServer, cases: Cases
) -> None:
    sign_off = (
        "INSERT INTO matter_sign_off (matter_id, staff_id, signed_on, recorded_at, recorded_by)"
        " VALUES (%s, %s, current_date, now(), '')"
    )
    rule = "INSERT INTO setting (key, value) VALUES ('deadlines.overrides', '{}')"
    with clinic_server.connect("para_role") as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(sign_off, (cases.open_matter, cases.staff["para_role"]))
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(rule)
        # Everyday case work is theirs.
        conn.execute("UPDATE matter SET status = 'collecting' WHERE id = %s", (cases.open_matter,))
    with clinic_server.connect("att_role") as conn:
        conn.execute(sign_off, (cases.open_matter, cases.staff["att_role"]))
        conn.execute(rule)
    with (
        clinic_server.connect("vol_one") as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute("CREATE ROLE sneaky LOGIN")


def test_an_admin_runs_accounts_and_settings_but_not_case_work(
    clinic_server: ClinicServer, cases: Cases
) -> None:
    with clinic_server.admin() as conn:
        conn.execute("INSERT INTO setting (key, value) VALUES ('clinic.name', '\"Test clinic\"')")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE matter SET status = 'filed' WHERE id = %s", (cases.open_matter,))
    with clinic_server.connect("att_role") as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE staff_member SET active = false")
        # The clinic's own settings are the admin's: the attorney's change matches no row.
        changed = conn.execute(
            "UPDATE setting SET value = '1' WHERE key = 'clinic.name' RETURNING key"
        ).fetchall()
        assert changed == []
        assert conn.execute("SELECT value FROM setting WHERE key = 'clinic.name'").fetchone() == (
            '"Test clinic"',
        )


@pytest.mark.parametrize("login", ["admin", *PEOPLE])
def test_nobody_can_rewrite_the_audit_log(
    clinic_server: ClinicServer, cases: Cases, login: str
) -> None:
    password = PASSWORD if login in PEOPLE else None
    conn = clinic_server.connect(login, password) if password else clinic_server.admin()
    with conn:
        conn.execute(
            "INSERT INTO audit_event (at, actor, action, record_kind, summary, prev_hash, hash)"
            " VALUES (now(), %s, 'test', 'none', '', '', '')",
            (login,),
        )
        for statement in (
            "UPDATE audit_event SET actor = 'someone'",
            "DELETE FROM audit_event",
            "TRUNCATE audit_event",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)


def test_psql_as_a_volunteer_sees_no_more(clinic_server: ClinicServer, cases: Cases) -> None:
    env = {**os.environ, "PGPASSWORD": PASSWORD, "PGSSLMODE": "verify-full"}
    query = "SELECT count(*) FROM client; DELETE FROM audit_event;"
    run = subprocess.run(
        ["psql", "-X", "-A", "-t", clinic_server.url_for("vol_one"), "-c", query],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.stdout.split() == ["1"], run
    assert "permission denied for table audit_event" in run.stderr, run


def test_matter_restrict_through_the_app_on_the_server(
    clinic_server: ClinicServer, cases: Cases
) -> None:
    def as_person(login: str, *args: str) -> Run:
        env = {**clinic_server.env, "CLINIC_APP_PASSWORD": PASSWORD}
        return run_cli("--server", clinic_server.url, "--user", login, *args, env=env)

    matter = str(cases.open_matter)
    done = assert_ok(as_person("att_role", "matter", "restrict", matter, "--to", "att_role"))
    assert "restricted to: att_role" in done.stdout
    # The paralegal cannot open it, and is told whom to ask; their list says it exists.
    assert_one_line_error(as_person("para_role", "matter", "show", matter), 1, "ask att_role")
    listed = assert_ok(as_person("para_role", "matters")).stdout
    assert f"Matter {matter} is restricted; ask att_role about it." in listed
    with clinic_server.connect("para_role") as conn:
        assert cases.open_matter not in _ids(conn, "matter")
    assert (
        "no longer restricted"
        in assert_ok(as_person("att_role", "matter", "restrict", matter, "--clear")).stdout
    )
    with clinic_server.connect("para_role") as conn:
        assert cases.open_matter in _ids(conn, "matter")
