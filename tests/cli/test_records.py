"""import, clients, matters, letters, client, audit and demo, on a store filled with the sample
spreadsheet: a vault and the clinic server (`--stores`)."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from clinic_app.domain.vocab import DEFAULT_PROGRAM, MATTER_KINDS, MATTER_STATUSES
from tests.cli.conftest import (
    RECOVERY_CODE_RE,
    CliTarget,
    Run,
    assert_ok,
    assert_one_line_error,
    in_parallel,
    recovery_code_from,
    sample_rows,
)
from tests.conftest import SAMPLE_CSV

ROWS = sample_rows()
CLIENT_KEYS = {"id", "first_name", "last_name", "a_number", "employer"}
MATTER_KEYS = {
    "id",
    "client_id",
    "program",
    "kind",
    "status",
    "receipt_number",
    "grant_end",
    "work_permit_end",
}
LETTER_KEYS = {"id", "agency", "employer", "period_start", "period_end"}
A_NUMBER = re.compile(r"A\d{9}")


def _by_name(clients: list[dict[str, Any]], first: str, last: str) -> dict[str, Any]:
    found = [c for c in clients if c["first_name"] == first and c["last_name"] == last]
    assert len(found) == 1, (first, last, clients)
    return found[0]


@pytest.fixture(scope="module")
def clients(cli_sample: CliTarget) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = cli_sample.json("clients")
    return data


@pytest.fixture(scope="module")
def brenda(clients: list[dict[str, Any]]) -> dict[str, Any]:
    return _by_name(clients, "Brenda Yaneth", "Flores Nájera")


# -- import ---------------------------------------------------------------------------------------


def test_import_prints_one_summary_line(cli_sample: CliTarget) -> None:
    run = cli_sample.filled
    assert run is not None
    assert run.stderr == ""
    lines = run.stdout.splitlines()
    assert len(lines) == 1, run
    assert re.fullmatch(
        r"Imported 24 rows: 24 clients, 4 employers, .*4 letters, 24 matters, .*\.", lines[0]
    ), run


def test_import_dry_run_writes_nothing(cli_empty: CliTarget) -> None:
    before = cli_empty.fingerprint()
    run = assert_ok(cli_empty.cli("import", "--dry-run", SAMPLE_CSV))
    assert run.stdout.startswith("Would import 24 rows: 24 clients"), run
    assert "nothing was written" in run.stdout
    assert cli_empty.fingerprint() == before
    assert cli_empty.json("clients") == []

    as_json = cli_empty.json("import", "--dry-run", str(SAMPLE_CSV))
    assert as_json["ok"] is True
    assert as_json["dry_run"] is True
    assert as_json["rows"] == 24
    assert as_json["created"]["client"] == 24


BAD_CSV = """\
first_name,last_name,date_of_birth,a_number,employer,receipt_number,letter_date
Ana,Válida,1990-01-01,A123456789,Acme Farms,,
Bad,Date,1990-13-45,,Acme Farms,,
,,,,Acme Farms,,
Carl,Sinpatrón,,,,,
Dee,Short,,12,Acme Farms,,
Eve,Receipt,,,Acme Farms,XYZ,
Fay,Letter,,,Acme Farms,,2023-01-01
"""
BAD_PROBLEMS = [
    (3, "date_of_birth"),
    (4, "first_name"),
    (5, "employer"),
    (6, "a_number"),
    (7, "receipt_number"),
    (8, "agency"),
]


def test_import_with_bad_rows_lists_every_problem_and_writes_nothing(
    cli_empty: CliTarget, tmp_path: Path
) -> None:
    bad = tmp_path / "bad rows.csv"
    bad.write_text(BAD_CSV, encoding="utf-8")
    before = cli_empty.fingerprint()

    run = cli_empty.cli("import", bad)
    assert run.returncode == 1, run
    assert run.stdout == ""
    assert "Traceback" not in run.stderr
    lines = run.stderr_lines
    assert lines[0] == f"Nothing was imported: {len(BAD_PROBLEMS)} problems in bad rows.csv:", run
    problems = [re.fullmatch(r"\s*row (\d+), (\w+): (.+)", line) for line in lines[1:]]
    assert all(problems), run
    assert [(int(m.group(1)), m.group(2)) for m in problems if m] == BAD_PROBLEMS

    as_json = cli_empty.cli("import", "--json", bad)
    assert as_json.returncode == 1, as_json
    report = as_json.json()
    assert report["ok"] is False
    assert [(p["row"], p["column"]) for p in report["problems"]] == BAD_PROBLEMS
    assert all(p["reason"] for p in report["problems"])
    assert report["created"] == {}

    # All or nothing: the valid first row was not kept either.
    assert cli_empty.fingerprint() == before
    assert cli_empty.json("clients") == []


def test_import_of_a_missing_file(cli_empty: CliTarget, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.csv"
    run = cli_empty.cli("import", missing)
    assert_one_line_error(run, 1, "nowhere.csv")
    assert run.stdout == ""


def test_second_import_reports_matches_and_adds_nothing(cli_sample: CliTarget) -> None:
    again = assert_ok(cli_sample.cli("import", SAMPLE_CSV))
    lines = again.stdout.splitlines()
    assert lines[-1] == "Imported 24 rows: nothing new.", again
    matched_rows = {
        int(m.group(1)) for m in re.finditer(r"^row (\d+): matches client \d+", again.stdout, re.M)
    }
    assert matched_rows == set(range(2, 26))

    as_json = cli_sample.json("import", str(SAMPLE_CSV))
    assert as_json["ok"] is True
    assert as_json["dry_run"] is False
    assert as_json["rows"] == 24
    assert as_json["problems"] == []
    assert as_json["created"] == {}
    assert len(as_json["matches"]) >= 24
    assert all(m.startswith("row ") for m in as_json["matches"])

    assert len(cli_sample.json("clients")) == 24


# -- clients ---------------------------------------------------------------------------------------


def test_clients_json(clients: list[dict[str, Any]]) -> None:
    assert isinstance(clients, list)
    assert len(clients) == len(ROWS) == 24
    for client in clients:
        assert client.keys() >= CLIENT_KEYS
        assert isinstance(client["id"], int)
        assert client["a_number"] is None or A_NUMBER.fullmatch(client["a_number"])
    assert len({c["id"] for c in clients}) == 24
    # Names come back exactly as written, accents, two surnames and all.
    expected = Counter((r["first_name"], r["last_name"]) for r in ROWS)
    assert Counter((c["first_name"], c["last_name"]) for c in clients) == expected
    # A-numbers in any spelling are stored as A + 9 digits.
    assert _by_name(clients, "Brenda Yaneth", "Flores Nájera")["a_number"] == "A763371143"
    assert _by_name(clients, "Cuauhtémoc", "Ordóñez")["a_number"] == "A489498474"
    assert _by_name(clients, "Dilma", "Toj")["a_number"] is None
    assert (
        _by_name(clients, "Alejandro", "Aguilar Ramos")["employer"] == "Riverbend Meat Packers Inc."
    )


def test_clients_table(cli_sample: CliTarget) -> None:
    run = assert_ok(cli_sample.cli("clients"))
    lines = run.stdout.splitlines()
    assert lines[0].split() == ["ID", "Name", "A-number", "Born", "Lang", "Employer"]
    assert len(lines) == 2 + 24
    assert any("Brenda Yaneth Flores Nájera" in line and "A763371143" in line for line in lines)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("flores najera", {("Brenda Yaneth", "Flores Nájera"), ("Úrsula", "Flores Nájera")}),
        ("A 763-371-143", {("Brenda Yaneth", "Flores Nájera")}),
        ("ioe8100104729", {("Brenda Yaneth", "Flores Nájera")}),
        ("CUAUHTEMOC", {("Cuauhtémoc", "Ordóñez"), ("Cuauhtémoc", "Saavedra")}),
    ],
    ids=["accents-and-case", "a-number-spelled", "receipt", "upper-no-accent"],
)
def test_clients_search(cli_sample: CliTarget, text: str, expected: set[tuple[str, str]]) -> None:
    found = cli_sample.json("clients", "--search", text)
    assert {(c["first_name"], c["last_name"]) for c in found} == expected
    assert len(found) == len(expected)


def test_clients_search_by_employer_and_no_match(cli_sample: CliTarget) -> None:
    found = cli_sample.json("clients", "--search", "evergreen")
    expected = {
        (r["first_name"], r["last_name"]) for r in ROWS if r["employer"].startswith("Evergreen")
    }
    assert {(c["first_name"], c["last_name"]) for c in found} == expected
    none = assert_ok(cli_sample.cli("clients", "--search", "zzqx nobody"))
    assert none.stdout.strip() == "No clients match."


# -- matters and letters ----------------------------------------------------------------------------


def test_matters_json(
    cli_sample: CliTarget, brenda: dict[str, Any], clients: list[dict[str, Any]]
) -> None:
    matters = cli_sample.json("matters")
    assert len(matters) == 24
    client_ids = {c["id"] for c in clients}
    for matter in matters:
        assert matter.keys() >= MATTER_KEYS
        assert matter["client_id"] in client_ids
        assert matter["program"] == DEFAULT_PROGRAM
        assert matter["kind"] in MATTER_KINDS
        assert matter["status"] in MATTER_STATUSES
    by_receipt = {m["receipt_number"]: m for m in matters}
    mine = by_receipt["IOE8100104729"]
    assert mine["client_id"] == brenda["id"]
    assert mine["kind"] == "initial"
    assert mine["grant_end"] == "2025-11-28"
    assert mine["work_permit_end"] == "2025-11-28"
    assert by_receipt["IOE8100000000"]["kind"] == "extension"
    # Fátima Mejía's row has no grant dates; the last row has no receipt.
    assert by_receipt["IOE8100523645"]["grant_end"] is None
    assert by_receipt["IOE8100523645"]["work_permit_end"] is None
    assert None in by_receipt
    assert len([m for m in matters if m["receipt_number"] is None]) == 1


def test_matters_for_one_client(cli_sample: CliTarget, brenda: dict[str, Any]) -> None:
    matters = cli_sample.json("matters", "--client", str(brenda["id"]))
    assert [m["client_id"] for m in matters] == [brenda["id"]]
    assert matters[0]["receipt_number"] == "IOE8100104729"


def test_letters_json(cli_sample: CliTarget) -> None:
    letters = cli_sample.json("letters")
    assert len(letters) == 4
    for letter in letters:
        assert letter.keys() >= LETTER_KEYS
        assert letter["matters"] == 6
    by_agency = {lt["agency"]: lt for lt in letters}
    assert set(by_agency) == {"DOL-WHD", "OSHA", "NLRB", "EEOC"}
    dol = by_agency["DOL-WHD"]
    assert dol["employer"] == "Riverbend Meat Packers Inc."
    assert (dol["period_start"], dol["period_end"]) == ("2021-12-22", "2024-12-06")
    # US-style dates in the spreadsheet read the same as ISO ones.
    osha = by_agency["OSHA"]
    assert (osha["period_start"], osha["period_end"]) == ("2022-02-05", "2025-01-20")


# -- one client, and the audit log --------------------------------------------------------------------


def test_client_json_and_text(cli_sample: CliTarget, brenda: dict[str, Any]) -> None:
    record = cli_sample.json("client", str(brenda["id"]))
    assert record["id"] == brenda["id"]
    assert (record["first_name"], record["last_name"]) == ("Brenda Yaneth", "Flores Nájera")
    assert record["a_number"] == "A763371143"
    assert record["date_of_birth"] == "1966-02-02"
    assert [m["receipt_number"] for m in record["matters"]] == ["IOE8100104729"]
    assert isinstance(record["notes"], list)

    text = assert_ok(cli_sample.cli("client", str(brenda["id"])))
    assert text.stdout.splitlines()[0] == f"Brenda Yaneth Flores Nájera (client {brenda['id']})"
    assert "A-number: A763371143" in text.stdout
    assert "IOE8100104729" in text.stdout


def test_client_with_a_note(cli_sample: CliTarget, clients: list[dict[str, Any]]) -> None:
    alejandro = _by_name(clients, "Alejandro", "Aguilar Ramos")
    record = cli_sample.json("client", str(alejandro["id"]))
    assert [n["body"] for n in record["notes"]] == [
        "Prefers calls after 6pm; do not leave voicemail."
    ]


def test_client_unknown_id(cli_sample: CliTarget) -> None:
    run = cli_sample.cli("client", "99999")
    assert_one_line_error(run, 1, "99999")
    assert run.stdout == ""


def _client_data() -> set[str]:
    """Identifying values from the sample that must never appear in the audit log."""
    values: set[str] = set()
    for row in ROWS:
        for column in ("first_name", "last_name", "phone", "email", "a_number"):
            if row[column]:
                values.add(row[column])
        values.update(part for part in row["last_name"].split() if len(part) > 3)
    values |= {"A763371143", "A421159285"}
    return values


def test_audit_log_holds_no_client_data(cli_sample: CliTarget) -> None:
    events = cli_sample.json("audit", "--limit", "10000")
    assert events, "the audit log is empty"
    for event in events:
        assert {
            "id",
            "at",
            "actor",
            "action",
            "record_kind",
            "record_id",
            "summary",
        } <= event.keys()
    actions = {e["action"] for e in events}
    assert {"create", "import"} <= actions
    # Newest first; the import names who did it: --as intake-desk in a vault, the login on the
    # clinic server.
    assert [e["id"] for e in events] == sorted((e["id"] for e in events), reverse=True)
    importers = {e["actor"] for e in events if e["action"] == "import"}
    assert importers == {"intake-desk" if cli_sample.is_vault else cli_sample.actor}
    table = assert_ok(cli_sample.cli("audit", "--limit", "10000"))
    assert table.stdout.splitlines()[0].split()[:3] == ["ID", "When", "(UTC)"]
    for output in (json.dumps(events, ensure_ascii=False), table.stdout):
        for value in _client_data():
            assert value not in output, value


# -- demo ------------------------------------------------------------------------------------------


def test_demo_is_deterministic(cli_blank: Callable[[], CliTarget]) -> None:
    places = [cli_blank(), cli_blank()]

    def demo_then_list(place: CliTarget) -> tuple[Run, Run]:
        made = place.cli("demo", "--clients", "50", "--seed", "7")
        return made, place.cli("clients", "--json")

    results = in_parallel(*(partial(demo_then_list, place) for place in places))
    listings = []
    for place, (made, listed) in zip(places, results, strict=True):
        assert_ok(made)
        if place.is_vault:
            assert made.stdout.startswith(f"Demo vault in {place.place[1]}: 50 workers, "), made
            recovery_code_from(made.stdout)  # a new vault: its recovery code is shown
        else:  # the server's database existed already: no recovery code of its own
            assert made.stdout.startswith("Demo data on the clinic server at "), made
            assert ": 50 workers, " in made.stdout, made
            assert not RECOVERY_CODE_RE.search(made.stdout), made
        listings.append(assert_ok(listed).stdout)
    assert listings[0] == listings[1]
    clients = json.loads(listings[0])
    assert len(clients) == 50
    assert all(c.keys() >= CLIENT_KEYS for c in clients)
    assert len({c["employer"] for c in clients}) > 1


def test_demo_built_around_a_given_day(cli_blank: Callable[[], CliTarget]) -> None:
    place = cli_blank()
    assert_ok(place.cli("demo", "--clients", "30", "--seed", "7", "--today", "2026-01-01"))
    matters = place.json("matters")
    today = date(2026, 1, 1)
    ends = [date.fromisoformat(m["grant_end"]) for m in matters if m["grant_end"]]
    assert ends, matters
    # Grants end from last year to four years ahead of the given day.
    assert all(date(2025, 1, 1) <= end <= date(2029, 12, 31) for end in ends), ends
    assert any(end > today for end in ends)
    assert {m["status"] for m in matters} <= set(MATTER_STATUSES)


@pytest.mark.parametrize(
    ("args", "needle"),
    [(["--today", "2026-13-01"], "--today"), (["--clients", "0"], "--clients")],
    ids=["bad-date", "no-clients"],
)
def test_demo_rejects_bad_options(cli_empty: CliTarget, args: list[str], needle: str) -> None:
    before = cli_empty.fingerprint()
    run = cli_empty.cli("demo", *args)
    assert_one_line_error(run, 1, needle)
    assert cli_empty.fingerprint() == before


def test_demo_into_a_folder_not_yet_made_makes_nothing_on_bad_options(
    cli_blank: Callable[[], CliTarget],
) -> None:
    place = cli_blank()
    run = place.cli("demo", "--clients", "0")
    assert_one_line_error(run, 1, "--clients")
    if place.is_vault:
        assert not Path(place.place[1]).exists()
    else:
        assert place.json("clients") == []
