"""`clinic-app conflicts check / review / resolve`, `party add` and `parties` through the console script."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinic_app.services import clients, employers, vault_ops
from tests.cli.conftest import assert_ok, assert_one_line_error, run_cli
from tests.conftest import FAST_KDF, PASSPHRASE


@pytest.fixture
def intake_vault(tmp_path: Path) -> dict[str, int | Path]:
    """A vault with a worker-client, an employer with a dispute, and a client named like a business."""
    folder = tmp_path / "vault"
    vault, _code = vault_ops.create_vault(
        folder, passphrase=PASSPHRASE, actor="setup", kdf=FAST_KDF
    )
    try:
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
    finally:
        vault.close()
    return {"folder": folder, "maria": maria.id, "employer": employer.id, "dispute": dispute.id}


def test_new_client_who_is_an_adverse_party_is_reported_as_adverse_party(
    intake_vault: dict[str, int | Path], cli_env: dict[str, str]
) -> None:
    folder = intake_vault["folder"]
    added = assert_ok(
        run_cli(
            "--vault",
            folder,
            "party",
            "add",
            "Roberto Sánchez Díaz",
            "--role",
            "supervisor",
            "--dispute",
            str(intake_vault["dispute"]),
            "--json",
            env=cli_env,
        )
    ).json()
    assert added["employer_id"] == intake_vault["employer"]
    assert added["conflicts"] == []  # no client is him yet

    # Months later he comes to the clinic as a worker, his name typed without accents.
    found = assert_ok(
        run_cli(
            "--vault",
            folder,
            "conflicts",
            "check",
            "--first-name",
            "Roberto",
            "--last-name",
            "Sanchez",
            "--json",
            env=cli_env,
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
        run_cli(
            "--vault",
            folder,
            "conflicts",
            "check",
            "--first-name",
            "Roberto",
            "--last-name",
            "Sanchez",
            env=cli_env,
        )
    ).stdout
    assert "ADVERSE PARTY" in text and "Roberto Sánchez Díaz" in text


def test_party_matching_an_existing_client_is_a_conflict_when_added(
    intake_vault: dict[str, int | Path], cli_env: dict[str, str]
) -> None:
    added = assert_ok(
        run_cli(
            "--vault",
            intake_vault["folder"],
            "party",
            "add",
            "Maria Perez",
            "--role",
            "manager",
            "--employer",
            str(intake_vault["employer"]),
            env=cli_env,
        )
    ).stdout
    assert "Possible conflict" in added and "María José Pérez García" in added


def test_check_with_day_month_swapped_dob_and_a_number_spelling(
    intake_vault: dict[str, int | Path], cli_env: dict[str, str]
) -> None:
    found = assert_ok(
        run_cli(
            "--vault",
            intake_vault["folder"],
            "conflicts",
            "check",
            "--first-name",
            "Maria",
            "--last-name",
            "Perez",
            "--dob",
            "04/03/1990",
            "--json",
            env=cli_env,
        )
    ).json()
    assert found[0]["record_id"] == intake_vault["maria"]
    assert found[0]["kind"] == "same_person"
    assert any("day and month swapped" in r for r in found[0]["reasons"])
    by_a_number = assert_ok(
        run_cli(
            "--vault",
            intake_vault["folder"],
            "conflicts",
            "check",
            "--first-name",
            "M.",
            "--last-name",
            "Lopez",
            "--a-number",
            "12-345-678",
            "--json",
            env=cli_env,
        )
    ).json()
    assert by_a_number[0]["record_id"] == intake_vault["maria"]
    assert "same A-number" in by_a_number[0]["reasons"]


def test_employer_named_like_a_client_and_the_attorney_review(
    intake_vault: dict[str, int | Path], cli_env: dict[str, str]
) -> None:
    folder = intake_vault["folder"]
    sent = assert_ok(
        run_cli(
            "--vault",
            folder,
            "--as",
            "rosa",
            "conflicts",
            "check",
            "--employer",
            "Efrain Tzul Ajpop Construction Inc.",
            "--refer",
            env=cli_env,
        )
    ).stdout
    assert "EMPLOYER" in sent and "Efraín Tzul Ajpop" in sent
    assert "Sent to an attorney as conflict check" in sent
    waiting = assert_ok(
        run_cli("--vault", folder, "conflicts", "review", "--json", env=cli_env)
    ).json()
    assert len(waiting) == 1
    assert waiting[0]["checked_by"] == "rosa"
    assert waiting[0]["candidates"][0]["kind"] == "employer"
    assert_ok(
        run_cli(
            "--vault",
            folder,
            "--as",
            "dana",
            "conflicts",
            "resolve",
            str(waiting[0]["id"]),
            "--cleared",
            "--note",
            "different person, confirmed by phone",
            env=cli_env,
        )
    )
    assert (
        assert_ok(run_cli("--vault", folder, "conflicts", "review", "--json", env=cli_env)).json()
        == []
    )
    audit = assert_ok(run_cli("--vault", folder, "audit", "--json", env=cli_env)).stdout
    assert "conflict_review" in audit and "conflict_decision" in audit
    assert "Tzul" not in audit and "Efra" not in audit  # ids and scores only, never a name


def test_check_without_a_person_or_employer_is_one_sentence(
    intake_vault: dict[str, int | Path], cli_env: dict[str, str]
) -> None:
    run = run_cli("--vault", intake_vault["folder"], "conflicts", "check", env=cli_env)
    assert_one_line_error(run, 1, "--first-name", "--employer")
    bad_date = run_cli(
        "--vault",
        intake_vault["folder"],
        "conflicts",
        "check",
        "--last-name",
        "Perez",
        "--dob",
        "31/31/1990",
        env=cli_env,
    )
    assert_one_line_error(bad_date, 1, "date of birth")


def test_client_added_by_a_script_goes_to_the_attorney_when_it_matches(
    intake_vault: dict[str, int | Path], cli_env: dict[str, str]
) -> None:
    folder = intake_vault["folder"]
    run = assert_ok(
        run_cli(
            "--vault",
            folder,
            "client",
            "add",
            "--first-name",
            "Maria",
            "--last-name",
            "Perez Garcia",
            "--dob",
            "1990-04-03",
            "--json",
            env=cli_env,
        )
    )
    added = run.json()
    assert added["conflicts"][0]["record_id"] == intake_vault["maria"]
    assert "Possible conflict" in run.stderr and "conflicts review" in run.stderr
    waiting = assert_ok(
        run_cli("--vault", folder, "conflicts", "review", "--json", env=cli_env)
    ).json()
    assert [(w["subject_kind"], w["subject_id"]) for w in waiting] == [("client", added["id"])]
