"""What reaches past row-level security on purpose: a conflict check warns about a client the
person checking may not see, saying only that it exists and whom to ask."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from clinic_app.conflicts import bulk, check
from clinic_app.conflicts.score import Person
from clinic_app.errors import NotFoundError
from clinic_app.server import accounts
from clinic_app.services import clients, conflicts, matters, restrictions
from clinic_app.store.postgres import PostgresStore
from tests.cli.conftest import assert_ok, run_cli
from tests.conftest import FAST_KDF
from tests.server.conftest import ADMIN, ADMIN_PASSWORD, PASSWORD, ClinicServer, person_env

PEOPLE = {
    "att_reach": ("attorney", "Attorney Reach"),
    "para_reach": ("paralegal", "Paralegal Reach"),
    "vol_reach": ("volunteer", "Volunteer Reach"),
}
SECRET_WORDS = ("Xiomara", "Quintanilla", "1987-06-05", "A246813579", "246813579")


@dataclass(frozen=True)
class Reach:
    server: ClinicServer
    intake_client: int  # the attorney's, unrestricted: hidden only from the volunteer
    restricted_client: int  # every matter restricted to the attorney: hidden from the others

    def store(self, login: str) -> PostgresStore:
        return PostgresStore.connect(self.server.url, user=login, password=PASSWORD)


@pytest.fixture(scope="module")
def reach(clinic_server: ClinicServer) -> Iterator[Reach]:
    engine = accounts.transactional(clinic_server.admin)
    for login, (role, name) in PEOPLE.items():
        accounts.enrol(
            engine,
            login=login,
            role=role,
            password=PASSWORD,
            name=name,
            key_from=(ADMIN, ADMIN_PASSWORD),
            kdf=FAST_KDF,
        )
    engine.dispose()
    with PostgresStore.connect(clinic_server.url, user="att_reach", password=PASSWORD) as store:
        intake = clients.add_client(
            store,
            first_name="Xiomara",
            last_name="Quintanilla",
            date_of_birth="1987-06-05",
            a_number="A246813579",
        ).record.id
        matters.add_matter(store, client_id=intake, kind="initial")
        secret = clients.add_client(
            store, first_name="Eulalia", last_name="Marroquín", date_of_birth="1979-11-23"
        ).record.id
        matter = matters.add_matter(store, client_id=secret, kind="initial").record.id
        restrictions.restrict_matter(store, matter_id=matter, staff=["att_reach"])
    yield Reach(clinic_server, intake, secret)


def _no_details(match: conflicts.ConflictMatch) -> None:
    shown = json.dumps(match.as_json(), ensure_ascii=False)
    for word in (*SECRET_WORDS, "Eulalia", "Marroquín", "1979-11-23"):
        assert word not in shown


def test_a_volunteers_check_warns_of_a_client_they_cannot_see_without_its_details(
    reach: Reach,
) -> None:
    with reach.store("vol_reach") as store:
        typed = conflicts.person_query(
            first_name="Xiomara", last_name="Quintanilla", date_of_birth="1987-06-05"
        )
        found = conflicts.check_person(store, typed)
        assert [(m.record_id, m.hidden) for m in found] == [(reach.intake_client, True)]
        [match] = found
        _no_details(match)
        assert match.score >= 60
        assert match.reasons == (
            f"a client you may not see: ask Attorney Reach about client {reach.intake_client}",
        )
        # Someone else entirely is no conflict; the volunteer's own look-up still cannot read it.
        other = conflicts.person_query(first_name="Zebulon", last_name="Okonkwo")
        assert conflicts.check_person(store, other) == []
        with pytest.raises(NotFoundError):
            clients.get_client(store, client_id=reach.intake_client)


def test_a_hidden_clients_different_birth_date_and_a_number_still_count_against_it(
    reach: Reach,
) -> None:
    with reach.store("vol_reach") as store:
        same = conflicts.person_query(
            first_name="Xiomara", last_name="Quintanilla", date_of_birth="1987-06-05"
        )
        differs = conflicts.person_query(
            first_name="Xiomara",
            last_name="Quintanilla",
            date_of_birth="1990-01-15",
            a_number="A111222333",
        )
        [best] = conflicts.check_person(store, same)
        weaker = conflicts.check_person(store, differs)
        # The same scorer: a different date and A-number on file lower the score as in a vault.
        assert all(m.score < best.score for m in weaker)


def test_a_restricted_client_is_reported_to_a_paralegal_with_whom_to_ask(reach: Reach) -> None:
    with reach.store("para_reach") as store:
        typed = conflicts.person_query(
            first_name="Eulalia", last_name="Marroquin", date_of_birth="1979-11-23"
        )
        [match] = conflicts.check_person(store, typed)
        assert (match.record_id, match.hidden) == (reach.restricted_client, True)
        assert "Attorney Reach" in match.reasons[0]
        _no_details(match)
    with reach.store("att_reach") as store:  # the attorney named on it sees it as usual
        [match] = conflicts.check_person(store, typed)
        assert (match.hidden, match.name) == (False, "Eulalia Marroquín")


def test_an_imports_check_of_many_rows_warns_a_paralegal_as_each_rows_check_does(
    reach: Reach,
) -> None:
    """Checked together (as an import checks its rows), the hidden clients come back as a check
    of each row alone gives them: whom to ask, no details, the same scores."""
    typed = [
        Person("Eulalia", "Marroquin", date_of_birth=date(1979, 11, 23)),
        Person("Xiomara", "Quintanilla", date_of_birth=date(1987, 5, 6)),
        Person("Xiomara", "Quintanilla", date_of_birth=date(1990, 1, 15), a_number="A111222333"),
        Person("Zebulon", "Okonkwo"),
    ]
    with reach.store("para_reach") as store, store.reader() as session:
        conn = session.connection()
        alone = [check.check_person(conn, person) for person in typed]
        together = list(bulk.check_people(conn, typed))
    assert together == alone
    assert [[(m.record_id, m.hidden) for m in found] for found in together[:2]] == [
        [(reach.restricted_client, True)],
        [(reach.intake_client, False)],
    ]
    for match in together[0]:
        _no_details(match)


def test_the_cli_check_and_psql_show_a_volunteer_no_more(reach: Reach) -> None:
    env = person_env(reach.server, "vol_reach")
    run = run_cli(
        "conflicts",
        "check",
        "--first-name",
        "Xiomara",
        "--last-name",
        "Quintanilla",
        "--dob",
        "1987-06-05",
        env=env,
    )
    assert_ok(run)
    assert f"client {reach.intake_client}" in run.stdout
    assert "ask Attorney Reach" in run.stdout
    assert not any(word in run.stdout for word in SECRET_WORDS)
    with reach.server.connect("vol_reach") as conn:
        hidden = conn.execute(
            "SELECT count(*) FROM client WHERE id = %s", (reach.intake_client,)
        ).fetchone()
        assert hidden == (0,)
        # The look-up itself gives back only typed keys, two yes/no answers and whom to ask ...
        rows: list[Any] = conn.execute(
            "SELECT * FROM clinic_conflict_hidden(%s, %s)",
            (["b:1987-06-05"], [reach.intake_client]),
        ).fetchall()
        assert rows == [(reach.intake_client, ["b:1987-06-05"], True, True, "Attorney Reach")]
        # ... and nothing for a client that shares none of the typed keys.
        none = conn.execute(
            "SELECT * FROM clinic_conflict_hidden(%s, %s)",
            (["b:1900-01-01"], [reach.intake_client]),
        ).fetchall()
        assert none == []
