"""The console script on rule packs, on both stores (a vault and the clinic server): the 2025
DACA entries, a Texas client, stale packs, and a rule update that is refused unless signed by the
project."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from clinic_app.deadlines.bundles import sign_bundle
from clinic_app.resources import resource_path
from clinic_app.services import importing
from tests.cli.conftest import CliTarget, Run, assert_ok, assert_one_line_error, new_target, run_cli
from tests.cli.stores import own_copy
from tests.core.helpers import granted_daca, write_csv

TODAY = "2026-12-01"


@pytest.fixture(scope="module")
def texas_store(
    cli_store_kind: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CliTarget]:
    """A store with one DACA recipient living in Texas (matter 1); the tests that share it only
    read it."""
    with new_target(cli_store_kind, tmp_path_factory.mktemp("texas"), request) as target:
        with target.open() as vault:
            granted_daca(
                vault, first_name="Rosa", last_name="Garza", address="9 Elm St\nAustin, TX 78701"
            )
        yield target


own = own_copy("texas_store")  # a copy of the Texas store, for a test that changes it


@pytest.fixture
def empty(
    cli_store_kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[CliTarget]:
    with new_target(cli_store_kind, tmp_path / "empty", request) as target:
        yield target


def cli(target: CliTarget, *args: str | Path) -> Run:
    return run_cli(*target.place, *args, env=target.env)


def test_rules_show_lists_the_2025_daca_entries_with_sources(
    texas_store: CliTarget,
) -> None:
    out = assert_ok(cli(texas_store, "rules", "show", "--program", "daca", "--today", TODAY)).stdout
    for needle in ("2025-01-17", "2025-03-11", "2025-09-29", "[TX only]", "PENDING"):
        assert needle in out, needle
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("2025-09-29"))
    assert lines[at + 1].strip().startswith("source:") and "NOT checked" in lines[at + 1]
    assert "daca.work_permit_renewal" in out and "(not TX)" in out
    assert "STALE" not in out
    data = assert_ok(cli(texas_store, "rules", "show", "--program", "daca", "--json")).json()
    (program,) = data["programs"]
    assert program["review_by"] == "2027-02-23"
    texas = [p for p in program["policy"] if p["where"] == ["TX"]]
    assert texas and texas[0]["source"]


def test_a_texas_matter_says_why_it_has_no_work_permit_renewal(own: CliTarget) -> None:
    texas_store = own  # the client moves
    out = assert_ok(cli(texas_store, "deadlines", "--matter", "1", "--today", TODAY)).stdout
    assert "File the DACA renewal" in out
    assert "I-765" not in out.split("Not for this client")[0]
    assert (
        "Not for this client (matter 1, TX): Work permit: not computed for Texas residents" in out
    )
    affected = assert_ok(cli(texas_store, "affected", "--program", "daca", "--today", TODAY)).stdout
    assert "Matter 1 (TX): Work permit: not computed for Texas residents" in affected
    shown = assert_ok(cli(texas_store, "client", "1")).stdout
    assert "State: TX" in shown
    # The client moves to New Mexico: the work-permit renewal is back, and no note.
    bad = cli(texas_store, "client", "edit", "1", "--state", "Tejas")
    assert_one_line_error(bad, 1, "--state", "two-letter code")
    assert_ok(cli(texas_store, "client", "edit", "1", "--state", "NM"))
    out = assert_ok(cli(texas_store, "deadlines", "--matter", "1", "--today", TODAY)).stdout
    assert "File the work-permit request (I-765) with the DACA renewal" in out
    assert "Not for this client" not in out


def test_a_stale_pack_is_marked(texas_store: CliTarget) -> None:
    out = assert_ok(cli(texas_store, "rules", "show", "--today", "2027-03-01")).stdout
    assert (
        "STALE: The Deferred Action for Childhood Arrivals (DACA) rules were last checked on "
        "2026-11-25; have an attorney confirm them." in out
    )


def test_an_altered_or_foreign_update_is_refused_and_nothing_changes(
    texas_store: CliTarget, tmp_path: Path
) -> None:
    text = resource_path("rules", "daca.toml").read_text(encoding="utf-8")
    text = text.replace("released = 2026-11-30", "released = 2027-01-15")
    # Signed, but by a key this app does not ship: the same refusal as an altered file.
    foreign = tmp_path / "foreign.cliniccrules"
    foreign.write_bytes(
        sign_bundle({"daca": text}, Ed25519PrivateKey.generate(), issued=date(2027, 1, 15))
    )
    altered = tmp_path / "altered.cliniccrules"
    data = bytearray(foreign.read_bytes())
    data[len(data) // 2] ^= 0x01
    altered.write_bytes(bytes(data))
    before = assert_ok(cli(texas_store, "deadlines", "--json", "--today", TODAY)).stdout
    for bundle in (foreign, altered):
        run = cli(texas_store, "rules", "update", bundle, "--yes")
        assert_one_line_error(run, 1, f"{bundle.name} is not a rule update signed", "nothing")
    after = assert_ok(cli(texas_store, "deadlines", "--json", "--today", TODAY)).stdout
    assert after == before
    log = assert_ok(cli(texas_store, "audit", "--json")).json()
    assert not [e for e in log if e["action"] == "rules_update"]


def test_import_reads_the_state_from_a_column_or_the_address(
    empty: CliTarget, tmp_path: Path
) -> None:
    sheet = write_csv(
        tmp_path / "people.csv",
        [
            ("Ana", "Ruiz", "Acme", "", "1 Main St, El Paso, TX 79901"),
            ("Luis", "Mora", "Acme", "new mexico", ""),
            ("Eva", "Sol", "Acme", "Tejas", ""),
        ],
        header=("first_name", "last_name", "employer", "state", "address"),
    )
    bad = cli(empty, "import", sheet)
    assert bad.returncode == 1 and "row 4, state" in bad.stdout + bad.stderr
    sheet.write_text(sheet.read_text().replace("Tejas", "NM"))
    assert_ok(cli(empty, "import", sheet))
    listed = {
        c["first_name"]: c["state"]
        for c in (assert_ok(cli(empty, "client", str(i), "--json")).json() for i in (1, 2, 3))
    }
    assert listed == {"Ana": "TX", "Luis": "NM", "Eva": "NM"}
    assert importing.COLUMNS.index("state") > 0


def test_today_carries_a_stale_pack_in_text_and_json(
    texas_store: CliTarget,
) -> None:
    line = (
        "The Deferred Action for Childhood Arrivals (DACA) rules were last checked on "
        "2026-11-25; have an attorney confirm them."
    )
    fresh = assert_ok(cli(texas_store, "today", "--today", TODAY, "--json"))
    assert not [g for g in fresh.json() if g["tier"] == "rules_to_recheck"]
    late = "2027-03-01"
    text = assert_ok(cli(texas_store, "today", "--today", late)).stdout
    assert f"Rules to re-check: {line}" in text
    groups = assert_ok(cli(texas_store, "today", "--today", late, "--json")).json()
    (stale,) = [g for g in groups if g["tier"] == "rules_to_recheck"]
    daca = next(i for i in stale["items"] if i["program"] == "daca")
    assert daca["line"] == line and daca["review_by"] == "2027-02-23"
