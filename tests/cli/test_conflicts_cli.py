"""`clinic-app conflicts check / review / resolve`, `party add` and `parties` through the console
script, on both stores (a vault and the clinic server)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from clinic_app.services import clients, employers
from tests.cli.conftest import CliTarget, Run, assert_ok, assert_one_line_error, new_target, run_cli
from tests.cli.stores import copy_of


@dataclass(frozen=True)
class Intake:
    target: CliTarget
    maria: int
    employer: int
    dispute: int

    def cli(self, *args: str, who: str | None = None) -> Run:
        """A run as `who` in a vault (--as); the clinic server names its login instead."""
        person = ["--as", who] if who and self.target.kind == "vault" else []
        return run_cli(*self.target.place, *person, *args, env=self.target.env)

    def person(self, who: str) -> str:
        """Who the audit log and the review queue name for a run as `who`."""
        return who if self.target.kind == "vault" else self.target.actor


@pytest.fixture(scope="module")
def intake_store(
    cli_store_kind: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Intake]:
    """A store with a worker-client, an employer with a dispute, and a client named like a business."""
    with new_target(cli_store_kind, tmp_path_factory.mktemp("conflicts"), request) as target:
        with target.open() as vault:
            maria = clients.add_client(
                vault,
                first_name="María José",
                last_name="Pérez García",
                date_of_birth="1990-03-04",
                a_number="A012345678",
            ).record
            clients.add_client(vault, first_name="Efraín", last_name="Tzul Ajpop")
            employer = employers.add_employer(vault, name="Riverbend Packers LLC").record
            dispute = employers.add_dispute(vault, employer_id=employer.id, agency="DOL-WHD").record
        yield Intake(target, maria.id, employer.id, dispute.id)


@pytest.fixture
def intake_vault(
    intake_store: Intake, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Intake]:
    """A copy of the intake store of a test's own: each test adds parties, clients or reviews."""
    with copy_of(intake_store.target, tmp_path / "own", request) as target:
        yield Intake(target, intake_store.maria, intake_store.employer, intake_store.dispute)


def test_new_client_who_is_an_adverse_party_is_reported_as_adverse_party(
    intake_vault: Intake,
) -> None:
    added = assert_ok(
        intake_vault.cli(
            "party",
            "add",
            "Roberto Sánchez Díaz",
            "--role",
            "supervisor",
            "--dispute",
            str(intake_vault.dispute),
            "--json",
        )
    ).json()
    assert added["employer_id"] == intake_vault.employer
    assert added["conflicts"] == []  # no client is him yet

    # Months later he comes to the clinic as a worker, his name typed without accents.
    found = assert_ok(
        intake_vault.cli(
            "conflicts", "check", "--first-name", "Roberto", "--last-name", "Sanchez", "--json"
        )
    ).json()
    assert found, "the supervisor was not found"
    first = found[0]
    assert set(first) == {"record_kind", "record_id", "name", "score", "reasons", "kind", "hidden"}
    assert first["hidden"] is False  # true only for a client on the server one may not see
    assert (first["kind"], first["record_kind"], first["record_id"]) == (
        "adverse_party",
        "party",
        added["id"],
    )
    assert "Roberto Sánchez Díaz" in first["name"]
    assert any("employer's side" in r for r in first["reasons"])
    assert [m["score"] for m in found] == sorted((m["score"] for m in found), reverse=True)

    text = assert_ok(
        intake_vault.cli("conflicts", "check", "--first-name", "Roberto", "--last-name", "Sanchez")
    ).stdout
    assert "ADVERSE PARTY" in text and "Roberto Sánchez Díaz" in text


def test_party_matching_an_existing_client_is_a_conflict_when_added(intake_vault: Intake) -> None:
    added = assert_ok(
        intake_vault.cli(
            "party",
            "add",
            "Maria Perez",
            "--role",
            "manager",
            "--employer",
            str(intake_vault.employer),
        )
    ).stdout
    assert "Possible conflict" in added and "María José Pérez García" in added


def test_check_with_day_month_swapped_dob_and_a_number_spelling(intake_vault: Intake) -> None:
    found = assert_ok(
        intake_vault.cli(
            "conflicts",
            "check",
            "--first-name",
            "Maria",
            "--last-name",
            "Perez",
            "--dob",
            "04/03/1990",
            "--json",
        )
    ).json()
    assert found[0]["record_id"] == intake_vault.maria
    assert found[0]["kind"] == "same_person"
    assert any("day and month swapped" in r for r in found[0]["reasons"])
    by_a_number = assert_ok(
        intake_vault.cli(
            "conflicts",
            "check",
            "--first-name",
            "M.",
            "--last-name",
            "Lopez",
            "--a-number",
            "12-345-678",
            "--json",
        )
    ).json()
    assert by_a_number[0]["record_id"] == intake_vault.maria
    assert "same A-number" in by_a_number[0]["reasons"]


def test_employer_named_like_a_client_and_the_attorney_review(intake_vault: Intake) -> None:
    sent = assert_ok(
        intake_vault.cli(
            "conflicts",
            "check",
            "--employer",
            "Efrain Tzul Ajpop Construction Inc.",
            "--refer",
            who="rosa",
        )
    ).stdout
    assert "EMPLOYER" in sent and "Efraín Tzul Ajpop" in sent
    assert "Sent to an attorney as conflict check" in sent
    waiting = assert_ok(intake_vault.cli("conflicts", "review", "--json")).json()
    assert len(waiting) == 1
    assert waiting[0]["checked_by"] == intake_vault.person("rosa")
    assert waiting[0]["candidates"][0]["kind"] == "employer"
    assert_ok(
        intake_vault.cli(
            "conflicts",
            "resolve",
            str(waiting[0]["id"]),
            "--cleared",
            "--note",
            "different person, confirmed by phone",
            who="dana",
        )
    )
    assert assert_ok(intake_vault.cli("conflicts", "review", "--json")).json() == []
    audit = assert_ok(intake_vault.cli("audit", "--json")).stdout
    assert "conflict_review" in audit and "conflict_decision" in audit
    assert "Tzul" not in audit and "Efra" not in audit  # ids and scores only, never a name


def test_check_without_a_person_or_employer_is_one_sentence(intake_vault: Intake) -> None:
    run = intake_vault.cli("conflicts", "check")
    assert_one_line_error(run, 1, "--first-name", "--employer")
    bad_date = intake_vault.cli("conflicts", "check", "--last-name", "Perez", "--dob", "31/31/1990")
    assert_one_line_error(bad_date, 1, "date of birth")


def test_client_added_by_a_script_goes_to_the_attorney_when_it_matches(
    intake_vault: Intake,
) -> None:
    run = assert_ok(
        intake_vault.cli(
            "client",
            "add",
            "--first-name",
            "Maria",
            "--last-name",
            "Perez Garcia",
            "--dob",
            "1990-04-03",
            "--json",
        )
    )
    added = run.json()
    assert added["conflicts"][0]["record_id"] == intake_vault.maria
    assert "Possible conflict" in run.stderr and "conflicts review" in run.stderr
    waiting = assert_ok(intake_vault.cli("conflicts", "review", "--json")).json()
    assert [(w["subject_kind"], w["subject_id"]) for w in waiting] == [("client", added["id"])]
