"""Writing every record from the command line: a whole intake from a fresh vault, each command's
--json with the new id, deadlines after every write, the audit log, and bad input (exit 1, one
sentence naming the flag, the vault file unchanged). On both stores: a vault and the clinic server."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import (
    CliTarget,
    Run,
    assert_ok,
    assert_one_line_error,
    make_env,
    run_cli,
)


@dataclass
class Intake:
    target: CliTarget
    runs: dict[str, Run]

    @property
    def env(self) -> dict[str, str]:
        return self.target.env

    @property
    def place(self) -> list[str]:
        return self.target.place

    def cli(self, *args: str | Path) -> Run:
        return run_cli(*self.target.options(), *args, env=self.env)

    def json(self, *args: str) -> Any:
        return assert_ok(self.cli(*args, "--json")).json()

    def vault_bytes(self) -> str:
        return self.target.fingerprint()


@pytest.fixture(scope="module")
def intake(cli_target: CliTarget) -> Intake:
    """A fresh store taken through a whole intake, one command per step, as a script would."""
    state = Intake(cli_target, {})
    steps: list[tuple[str, tuple[str, ...]]] = [
        ("staff", ("staff", "add", "Dana Rivera", "--role", "attorney", "--json")),
        (
            "client",
            (
                "client",
                "add",
                "--first-name",
                "Ana Lucía",
                "--last-name",
                "Hernández López",
                "--dob",
                "03/04/1990",
                "--a-number",
                "a-12-345-678",
                "--country",
                "Guatemala",
                "--language",
                "es,mam",
                "--phone",
                "555-0142",
                "--email",
                "ana@example.org",
                "--address",
                "12 Elm St\\nSalinas, CA",
                "--safe-contact",
                "sister, evenings",
                "--json",
            ),
        ),
        ("client_edit", ("client", "edit", "1", "--phone", "555-0199", "--json")),
        ("employer", ("employer", "add", "Acme Farms", "--json")),
        (
            "worksite",
            ("worksite", "add", "--employer", "1", "--city", "Salinas", "--state", "ca", "--json"),
        ),
        (
            "letter",
            (
                "letter",
                "add",
                "--agency",
                "DOL-WHD",
                "--employer",
                "1",
                "--worksite",
                "1",
                "--issued",
                "2025-06-01",
                "--period-start",
                "2025-06-01",
                "--period-end",
                "2027-06-01",
                "--reference",
                "WHD-7",
                "--json",
            ),
        ),
        (
            "matter",
            (
                "matter",
                "add",
                "--client",
                "1",
                "--kind",
                "initial",
                "--letter",
                "1",
                "--assignee",
                "dana rivera",
                "--json",
            ),
        ),
        (
            "matter_edit",
            ("matter", "edit", "1", "--status", "filed", "--filed", "2026-01-02", "--json"),
        ),
        (
            "receipt",
            (
                "notice",
                "add",
                "--matter",
                "1",
                "--kind",
                "receipt",
                "--date",
                "2026-01-10",
                "--receipt",
                "IOE 0123 456 789",
                "--json",
            ),
        ),
        (
            "biometrics",
            (
                "notice",
                "add",
                "--matter",
                "1",
                "--kind",
                "biometrics",
                "--date",
                "2026-01-12",
                "--due",
                "2026-02-01",
                "--json",
            ),
        ),
        (
            "rfe",
            ("notice", "add", "--matter", "1", "--kind", "rfe", "--date", "2026-03-02", "--json"),
        ),
        ("after_rfe", ("matter", "1", "--json")),
        (
            "rfe_response",
            (
                "notice",
                "add",
                "--matter",
                "1",
                "--kind",
                "rfe-response",
                "--date",
                "2026-04-01",
                "--json",
            ),
        ),
        (
            "decision",
            (
                "notice",
                "add",
                "--matter",
                "1",
                "--kind",
                "decision",
                "--date",
                "2026-06-01",
                "--decision",
                "granted",
                "--json",
            ),
        ),
        (
            "grant",
            (
                "grant",
                "add",
                "--matter",
                "1",
                "--kind",
                "deferred-action",
                "--start",
                "2026-06-01",
                "--end",
                "2030-05-31",
                "--json",
            ),
        ),
        (
            "permit",
            (
                "grant",
                "add",
                "--matter",
                "1",
                "--kind",
                "work-permit",
                "--start",
                "2026-06-01",
                "--end",
                "2030-05-31",
                "--json",
            ),
        ),
        ("note", ("note", "add", "--matter", "1", "Called", "with", "the", "decision", "--json")),
        ("client_note", ("note", "add", "--client", "1", "Prefers evening calls", "--json")),
        ("matter_json", ("matter", "1", "--json")),
        ("client_json", ("client", "1", "--json")),
        ("audit", ("audit", "--limit", "200", "--json")),
    ]
    for name, args in steps:
        state.runs[name] = assert_ok(state.cli(*args))
    return state


def _kinds(deadlines: list[dict[str, Any]]) -> dict[str, str]:
    return {d["kind"]: d["status"] for d in deadlines}


def test_each_add_prints_the_new_record_with_its_id(intake: Intake) -> None:
    runs = intake.runs
    assert runs["staff"].json() == {
        "id": 1,
        "name": "Dana Rivera",
        "role": "attorney",
        "email": "",
        "active": True,
        "version": 1,  # what an edit with --if-version saves against
    }
    client = runs["client"].json()
    assert client["id"] == 1
    assert client["a_number"] == "A012345678" and client["date_of_birth"] == "1990-03-04"
    assert client["preferred_languages"] == ["es", "mam"]
    assert client["address"] == "12 Elm St\nSalinas, CA"
    assert runs["employer"].json()["id"] == 1
    assert {"id": 1, "employer_id": 1, "state": "CA"}.items() <= runs["worksite"].json().items()
    letter = runs["letter"].json()
    assert (letter["id"], letter["employer"], letter["reference"]) == (1, "Acme Farms", "WHD-7")
    matter = runs["matter"].json()
    assert (matter["id"], matter["employer_id"], matter["worksite_id"]) == (1, 1, 1)
    assert matter["assigned_to"] == "Dana Rivera" and matter["status"] == "intake"
    receipt = runs["receipt"].json()
    assert receipt["id"] == 1 and receipt["kind"] == "receipt"
    assert receipt["matter_status"] == "receipt"
    assert runs["grant"].json()["kind"] == "deferred_action"
    assert runs["permit"].json()["category"] == "c14"
    assert runs["note"].json()["author"] == intake.target.actor


def test_edits_change_only_what_was_given(intake: Intake) -> None:
    edited = intake.runs["client_edit"].json()
    assert edited["phone"] == "555-0199"
    assert edited["email"] == "ana@example.org"
    matter = intake.runs["matter_edit"].json()
    assert (matter["status"], matter["filed_on"]) == ("filed", "2026-01-02")
    assert matter["assigned_to"] == "Dana Rivera"


def test_deadlines_follow_every_write(intake: Intake) -> None:
    assert intake.runs["matter"].json()["deadlines"] == []
    assert "decision_follow_up" in _kinds(intake.runs["matter_edit"].json()["deadlines"])
    after_rfe = _kinds(intake.runs["after_rfe"].json()["deadlines"])
    assert after_rfe["rfe_response_due"] != "done"
    assert "biometrics" in after_rfe
    final = intake.runs["matter_json"].json()
    by_kind = {d["kind"]: d for d in final["deadlines"]}
    assert by_kind["rfe_response_due"]["status"] == "done"  # the response was recorded
    rfe = next(n for n in final["notices"] if n["kind"] == "rfe")
    assert rfe["due_on"] == "2026-05-25"  # 84 days after the notice
    assert by_kind["rfe_response_due"]["due"] <= rfe["due_on"]  # moved off a holiday, never later
    assert by_kind["grant_end"]["due"] == "2030-05-31"
    assert by_kind["work_permit_end"]["due"] == "2030-05-31"


def test_matter_and_client_json_show_everything_the_commands_set(intake: Intake) -> None:
    matter = intake.runs["matter_json"].json()
    assert matter["receipt_number"] == "IOE0123456789"
    assert (matter["decision"], matter["status"]) == ("granted", "decision")
    assert matter["agency_letter_id"] == 1
    assert [n["kind"] for n in matter["notices"]] == [
        "receipt",
        "biometrics",
        "rfe",
        "rfe_response",
        "decision",
    ]
    assert [n["due_on"] for n in matter["notices"]][1] == "2026-02-01"
    assert [(g["kind"], g["end"]) for g in matter["grants"]] == [
        ("deferred_action", "2030-05-31"),
        ("work_permit", "2030-05-31"),
    ]
    assert [n["body"] for n in matter["notes"]] == ["Called with the decision"]
    client = intake.runs["client_json"].json()
    assert (
        client["safe_contact"] == "sister, evenings" and client["country_of_birth"] == "Guatemala"
    )
    assert [m["id"] for m in client["matters"]] == [1]
    assert {n["body"] for n in client["notes"]} == {
        "Called with the decision",
        "Prefers evening calls",
    }


def test_every_write_is_in_the_audit_log(intake: Intake) -> None:
    events = intake.runs["audit"].json()
    made = {(e["action"], e["record_kind"]) for e in events if e["actor"] == intake.target.actor}
    for kind in ("staff", "client", "employer", "worksite", "letter", "matter", "event", "grant"):
        assert ("create", kind) in made, kind
    assert ("update", "client") in made and ("update", "matter") in made
    summaries = " ".join(e["summary"] for e in events)
    assert "555-0199" not in summaries and "Hernández" not in summaries


# One bad input per command, each run on its own...
BAD_INPUT = [
    ("client add --first-name Eva --dob 31/12/1990", ("--dob", "MM/DD/YYYY")),
    ("client edit 1 --email 'ana at home'", ("--email",)),
    ("employer add '  '", ("NAME", "required")),
    ("worksite add --employer 9 --city Fresno --state CA", ("employer",)),
    (
        "letter add --agency NLRB --employer 1 --issued 2025-01-01 --period-start 2025-01-01 --period-end 2024-01-01",
        ("--period-end", "before"),
    ),
    ("matter add --client 1 --kind someday", ("--kind", "renewal")),
    ("matter edit 1 --status halfway", ("--status",)),
    ("notice add --matter 1 --kind biometrics --date 2026-07-01", ("--due", "appointment")),
    (
        "grant add --matter 1 --kind work-permit --start 2026-06-01 --end 2025-06-01",
        ("--end", "before"),
    ),
    ("note add --client 1 ' '", ("TEXT", "required")),
    ("staff add 'Sam Ortiz' --role boss", ("--role",)),
    ("matters --client 999", ("no client", "999")),
]

# ...and more of them through one shell run (one unlock), each line's error numbered.
MORE_BAD_INPUT = [
    ("client add --first-name Eva --a-number 12", ("--a-number",)),
    ("client add --phone 555", ("--first-name or --last-name",)),
    ("client edit 1 --language Klingonese", ("--language",)),
    ("client edit 1", ("nothing to change", "--first-name")),
    ("client edit 9 --phone 1", ("no client", "9")),
    (
        "letter add --agency NLRB --employer 1 --issued someday --period-start 2025-01-01 --period-end 2026-01-01",
        ("--issued", "YYYY-MM-DD or MM/DD/YYYY"),
    ),
    (
        "matter add --client 1 --kind renewal --assignee Nobody",
        ("--assignee", "Nobody", "clinic-app staff"),
    ),
    ("matter add --client 9 --kind initial", ("no client", "9")),
    ("matter edit 1 --receipt 12345", ("--receipt",)),
    ("notice add --matter 1 --kind rfe --date 2026-13-01", ("--date",)),
    ("notice add --matter 1 --kind memo --date 2026-07-01", ("--kind",)),
    ("notice add --matter 1 --kind rfe --date 2026-07-01 --receipt IOE0123456780", ("--receipt",)),
    ("grant add --matter 1 --kind parole --start 2026-06-01 --end 2027-06-01", ("--kind",)),
    ("staff add 'dana rivera' --role paralegal", ("NAME", "already")),
]


@pytest.mark.parametrize(
    ("line", "needles"),
    BAD_INPUT,
    ids=["-".join(line.split()[:2]) for line, _n in BAD_INPUT],
)
def test_bad_input_is_one_sentence_naming_the_flag_and_writes_nothing(
    intake: Intake, line: str, needles: tuple[str, ...]
) -> None:
    before = intake.vault_bytes()
    run = intake.cli(*shlex.split(line))
    error = assert_one_line_error(run, 1, *needles)
    assert error.endswith("."), error
    assert run.stdout == ""
    assert intake.vault_bytes() == before


def test_a_missing_flag_is_a_usage_error_naming_it(intake: Intake) -> None:
    before = intake.vault_bytes()
    run = intake.cli("matter", "add", "--client", "1")
    line = assert_one_line_error(run, 2, "--kind", "clinic-app matter add --help")
    assert "usage:" not in line
    assert intake.vault_bytes() == before


def test_client_by_name(intake: Intake) -> None:
    run = assert_ok(intake.cli("client", "hernandez"))
    assert run.stdout.splitlines()[0] == "Ana Lucía Hernández López (client 1)"
    assert "Address: 12 Elm St, Salinas, CA" in run.stdout
    assert_one_line_error(intake.cli("client", "Zebedee"), 1, "no client matches 'Zebedee'")


def test_more_bad_input_through_the_shell_writes_nothing(intake: Intake) -> None:
    before = intake.vault_bytes()
    script = "".join(line + "\n" for line, _needles in MORE_BAD_INPUT)
    run = run_cli(*intake.place, "shell", "--keep-going", env=intake.env, stdin=script)
    assert run.returncode == 1, run
    lines = run.stderr_lines
    assert len(lines) == len(MORE_BAD_INPUT), run
    for number, (line, (_text, needles)) in enumerate(zip(lines, MORE_BAD_INPUT, strict=True), 1):
        assert line.startswith(f"clinic-app: line {number}: "), run
        for needle in needles:
            assert needle.lower() in line.lower(), (line, needle)
    assert intake.vault_bytes() == before


def test_shell_runs_a_script_after_one_unlock(intake: Intake) -> None:
    secret_var, flag = intake.target.secret_var, intake.target.stdin_flag
    env = {k: v for k, v in intake.env.items() if k != secret_var}
    passphrase = intake.env[secret_var]
    script = f"{passphrase}\n# reads only\nstaff --json\nclinic-app client 1 --json\n\nexit\nstaff add X --role y\n"
    run = assert_ok(run_cli(*intake.place, flag, "shell", env=env, stdin=script))
    decoder = json.JSONDecoder()
    staff, end = decoder.raw_decode(run.stdout)
    client, _end = decoder.raw_decode(run.stdout[end:].lstrip())
    assert [s["name"] for s in staff] == ["Dana Rivera"]
    assert client["id"] == 1


def test_shell_script_stops_at_the_first_failing_line(intake: Intake) -> None:
    before = intake.vault_bytes()
    script = "staff\nmatter edit 1 --status nowhere\nnote add --client 1 never written\n"
    run = run_cli(*intake.place, "shell", env=intake.env, stdin=script)
    assert_one_line_error(run, 1, "line 2: --status")
    assert "Dana Rivera" in run.stdout
    assert intake.vault_bytes() == before


def test_shell_refuses_commands_that_run_on_their_own(intake: Intake) -> None:
    run = run_cli(*intake.place, "shell", env=intake.env, stdin="passwd\n")
    assert_one_line_error(run, 1, "line 1: 'passwd' runs on its own")


@pytest.mark.vault_only  # the desktop app opens vaults
def test_screenshots_of_a_real_vault_are_refused(intake: Intake, tmp_path: Path) -> None:
    before = intake.vault_bytes()
    run = intake.cli("--screenshot", tmp_path / "shots")
    assert_one_line_error(run, 1, "not a demo vault", "--real-data", "unencrypted")
    assert not list(tmp_path.rglob("*.png"))
    assert intake.vault_bytes() == before


def test_demo_refuses_to_mix_invented_workers_into_a_real_vault(intake: Intake) -> None:
    before = intake.vault_bytes()
    run = intake.cli("demo", "--clients", "3")
    assert_one_line_error(run, 1, "not a demo vault", "--vault DIR")
    assert intake.vault_bytes() == before


def test_import_of_a_semicolon_csv_with_assignees(tmp_path: Path) -> None:
    env = make_env(tmp_path / "home")
    folder = tmp_path / "vault"
    assert_ok(run_cli("--vault", folder, "init", env=env))
    sheet = tmp_path / "es.csv"
    sheet.write_text(
        "first_name;last_name;a_number;employer;assignee\n"
        "José;Pérez Núñez;A-012-345-678;Granja, S.A.;Rosa Peña\n",
        encoding="utf-8",
    )
    run = assert_ok(run_cli("--vault", folder, "import", sheet, env=env))
    assert run.stderr_lines == [
        "Warning: row 2: 'Rosa Peña' was not on the staff list; added as a paralegal "
        "(change the role if they sign off packets)"
    ]
    script = "staff --json\nclients --search 345678 --json\n"
    out = assert_ok(run_cli("--vault", folder, "shell", env=env, stdin=script)).stdout
    decoder = json.JSONDecoder()
    staff, end = decoder.raw_decode(out)
    found, _end = decoder.raw_decode(out[end:].lstrip())
    assert [(s["name"], s["role"]) for s in staff] == [("Rosa Peña", "paralegal")]
    assert [(c["last_name"], c["employer"]) for c in found] == [("Pérez Núñez", "Granja, S.A.")]


def test_deadlines_of_an_unknown_client_or_matter_is_an_error(intake: Intake) -> None:
    assert_one_line_error(intake.cli("deadlines", "--client", "999"), 1, "no client", "999")
    assert_one_line_error(intake.cli("deadlines", "--matter", "999"), 1, "no matter", "999")
