"""A password change, a reset or a disable ends the person's other open sessions on the clinic
server; the ended session's next operation says so in one sentence, and the session that made
the change (or the admin's) carries on."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest
from sqlalchemy import text

from clinic_app.errors import SessionEnded
from clinic_app.server import accounts
from clinic_app.services import clients, server_session, staff
from clinic_app.store import clinic_key
from clinic_app.store.postgres import PostgresStore, make_engine
from tests import pg_cluster
from tests.conftest import FAST_KDF

PASSWORD = "a-password-for-tests"
NEW_PASSWORD = "a-brand-new-password"
_people = itertools.count(1)


@dataclass(frozen=True)
class Clinic:
    """A fresh clinic database on the shared test cluster, with a paralegal and an admin."""

    cluster: pg_cluster.Cluster
    url: str
    db: str
    person: str
    admin: str

    def store(self, login: str, password: str = PASSWORD) -> PostgresStore:
        return PostgresStore.connect(self.url, user=login, password=password)

    def raw(self, login: str, password: str = PASSWORD, **extra: Any) -> psycopg.Connection[Any]:
        """A session as psql or another program would open it, outside the app."""
        return psycopg.connect(
            host="127.0.0.1",
            port=self.cluster.port,
            dbname=self.db,
            user=login,
            password=password,
            autocommit=True,
            **extra,
        )


@pytest.fixture
def clinic(pg_server: pg_cluster.Cluster, server_db: str) -> Iterator[Clinic]:
    # Logins are the cluster's, not the database's: each test gets names of its own.
    n = next(_people)
    person, admin = f"sess_person_{n}", f"sess_admin_{n}"
    db = server_db.rsplit("/", 1)[-1]
    with pg_server.connect(db) as conn:
        accounts.add_person(conn, login=person, role="paralegal", password=PASSWORD)
        accounts.add_person(conn, login=admin, role="admin", password=PASSWORD)
    engine = make_engine(server_db, pg_server.user, pg_server.password)
    try:
        with engine.begin() as conn:
            key = clinic_key.unwrap(conn, pg_server.user, pg_server.password)
            for login in (person, admin):
                clinic_key.wrap_for(conn, login, PASSWORD, key, kdf=FAST_KDF)
    finally:
        engine.dispose()
    yield Clinic(pg_server, server_db, db, person, admin)
    with pg_server.connect(db) as conn:
        for login in (person, admin):
            conn.execute(
                "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE usename = %s",
                (login,),
            )
            conn.execute(f'DROP OWNED BY "{login}"')
            conn.execute(f'DROP ROLE "{login}"')


def _alive(conn: psycopg.Connection[Any]) -> bool:
    try:
        conn.execute("SELECT 1")
    except psycopg.OperationalError:
        return False
    return True


def test_changing_my_password_ends_my_other_sessions_but_not_this_one(clinic: Clinic) -> None:
    mine = clinic.store(clinic.person)
    laptop = clinic.store(clinic.person)  # the same person on another computer
    # A stolen session, calling itself what the app does, is no exception.
    shell = clinic.raw(clinic.person, application_name="clinic-app")
    try:
        assert staff.list_staff(laptop)  # it worked before
        # This session holds a second connection while it changes the password (a read, as a
        # screen's: a write would hold the clinic's write lock the change waits for): it is
        # this session's, so it carries on too.
        with mine.engine.execution_options(clinic_readonly=True).connect() as held:
            held.execute(text("SELECT 1"))
            ended = server_session.change_my_password(
                mine, current=PASSWORD, new=NEW_PASSWORD, repeat=NEW_PASSWORD
            )
            assert ended == 2  # the other laptop's connection and the shell
            assert held.execute(text("SELECT 1")).scalar_one() == 1
        added = clients.add_client(mine, first_name="Rosa", last_name="Quispe")
        assert added.record.id > 0

        with pytest.raises(SessionEnded) as ended:
            staff.list_staff(laptop)
        assert ended.value.reason == "password"
        assert ended.value.message.startswith(
            "Your session on the clinic server has ended because your password was changed"
        )
        assert "$CLINIC_APP_PASSWORD" in ended.value.message
        with pytest.raises(SessionEnded):  # a save says the same and writes nothing
            clients.add_client(laptop, first_name="Ana", last_name="Torres")
        with pytest.raises(SessionEnded):  # and so does opening a stored file
            laptop.files.blobs()
        assert not _alive(shell)

        # Signing in again with the new password works; nothing the ended session tried landed.
        with clinic.store(clinic.person, NEW_PASSWORD) as again:
            names = [c.last_name for c in clients.list_clients(again)]
        assert "Quispe" in names and "Torres" not in names
    finally:
        for store in (mine, laptop):
            store.close()
        shell.close()


def test_an_admin_reset_ends_the_persons_sessions_and_not_the_admins(clinic: Clinic) -> None:
    person = clinic.store(clinic.person)
    admin_desk = clinic.store(clinic.admin)  # the admin's desktop, open meanwhile
    engine = accounts.transactional(lambda: clinic.raw(clinic.admin))
    try:
        ended = accounts.change_password(
            engine,
            login=clinic.person,
            new_password=NEW_PASSWORD,
            key_from=(clinic.admin, PASSWORD),
            kdf=FAST_KDF,
        )
        assert ended == 1
        with pytest.raises(SessionEnded) as refused:
            staff.list_staff(person)
        assert refused.value.reason == "password"
        assert "reset by a clinic admin" in refused.value.message
        assert staff.list_staff(admin_desk)
        with clinic.store(clinic.person, NEW_PASSWORD) as again:
            assert staff.list_staff(again)
    finally:
        engine.dispose()
        person.close()
        admin_desk.close()


def test_disabling_an_account_ends_its_sessions_and_not_the_admins(clinic: Clinic) -> None:
    person = clinic.store(clinic.person)
    other = clinic.raw(clinic.person)
    admin = clinic.raw(clinic.admin)
    admin_desk = clinic.store(clinic.admin)
    engine = accounts.transactional(lambda: clinic.raw(clinic.admin))
    try:
        change = accounts.set_sign_in(
            engine, login=clinic.person, allowed=False, key_from=(clinic.admin, PASSWORD)
        )
        assert change.changed and not change.person.active and change.ended == 2
        with pytest.raises(SessionEnded) as refused:
            staff.list_staff(person)
        assert refused.value.reason == "disabled"
        assert refused.value.message == (
            "Your session on the clinic server has ended because a clinic admin disabled your "
            "account; nothing was saved: ask a clinic admin if this is a mistake."
        )
        assert not _alive(other)
        assert _alive(admin) and staff.list_staff(admin_desk)
    finally:
        engine.dispose()
        person.close()
        other.close()
        admin.close()
        admin_desk.close()


def test_a_person_may_end_only_their_own_sessions(clinic: Clinic) -> None:
    """Without pg_signal_backend (a paralegal here) the admin's session is out of reach: the
    server, not the app, is what stops one person ending another's session."""
    from clinic_app.server.sessions import end_sessions

    admin = clinic.raw(clinic.admin)
    with clinic.raw(clinic.person) as person:
        assert end_sessions(person, clinic.admin) is None
    assert _alive(admin)
    admin.close()


@pytest.mark.parametrize("how", ["reset", "disable"])
def test_a_session_ended_during_its_transaction_says_why_not_unreachable(
    clinic: Clinic, how: str
) -> None:
    """A screen's read (or a save) in progress when the admin acts: its connection is ended under
    it. The sentence is the ended session's, not 'the server is unreachable', since the server
    is there and refuses only this person's new login."""
    person = clinic.store(clinic.person)
    admin = clinic.raw(clinic.admin)
    engine = accounts.transactional(lambda: clinic.raw(clinic.admin))
    try:
        with pytest.raises(SessionEnded) as refused, person.reader() as session:
            assert session.execute(text("SELECT 1")).scalar_one() == 1
            if how == "reset":
                accounts.change_password(
                    engine,
                    login=clinic.person,
                    new_password=NEW_PASSWORD,
                    key_from=(clinic.admin, PASSWORD),
                    kdf=FAST_KDF,
                )
            else:
                accounts.set_sign_in(
                    engine, login=clinic.person, allowed=False, key_from=(clinic.admin, PASSWORD)
                )
            session.execute(text("SELECT 1"))
        assert refused.value.reason == ("password" if how == "reset" else "disabled")
        with pytest.raises(SessionEnded), person.session() as session:  # a save in progress
            session.execute(text("SELECT 1"))
    finally:
        engine.dispose()
        person.close()
        admin.close()
