"""Two people at one matter from the command line, on both stores (a vault and the clinic server):
an edit given the version it read is refused (exit 1, one sentence naming who changed it and
when) once someone else saved first."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.cli.conftest import CliTarget, Run, assert_ok, assert_one_line_error, new_target, run_cli
from tests.people import BEN, BEN_LOGIN, BEN_PASSWORD, add_ben

ZONE = "America/Los_Angeles"
ANA, BEN_RUNS = "ana", "ben"

People = Callable[..., Run]


@pytest.fixture
def two_people(
    cli_store_kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[CliTarget, People]]:
    """A store and a way to run a command as Ana or as Ben: in a vault each is named with --as;
    on the clinic server each logs in with their own account (Ana is the test login)."""
    with new_target(cli_store_kind, tmp_path / "store", request) as target:
        env = target.env | {"TZ": ZONE}
        if target.kind == "vault":
            names = {ANA: "Ana Ruiz", BEN_RUNS: BEN}

            def cli(person: str, *args: str) -> Run:
                return run_cli(*target.place, "--as", names[person], *args, env=env)

        else:
            add_ben(request.getfixturevalue("pg_server"), target.place[1])
            logins = {
                ANA: (target.actor, env),
                BEN_RUNS: (BEN_LOGIN, env | {target.secret_var: BEN_PASSWORD}),
            }

            def cli(person: str, *args: str) -> Run:
                login, secrets = logins[person]
                return run_cli("--server", target.place[1], "--user", login, *args, env=secrets)

        yield target, cli


def test_second_edit_of_a_matter_is_refused_and_changes_nothing(
    two_people: tuple[CliTarget, People],
) -> None:
    target, cli = two_people
    client = assert_ok(cli(ANA, "client", "add", "--first-name", "Rosa", "--json")).json()
    made = cli(ANA, "matter", "add", "--client", str(client["id"]), "--kind", "initial", "--json")
    matter_id = str(assert_ok(made).json()["id"])
    anas_copy = assert_ok(cli(ANA, "matter", "show", matter_id, "--json")).json()
    assert_ok(cli(BEN_RUNS, "matter", "edit", matter_id, "--receipt", "IOE0999999999"))
    before = target.fingerprint()

    refused = cli(
        ANA, "matter", "edit", matter_id, "--filed", "2023-01-05",
        "--if-version", str(anas_copy["version"]),
    )  # fmt: skip
    line = assert_one_line_error(refused, 1, "reload to see the changes")

    newest = assert_ok(cli(ANA, "audit", "--json")).json()[0]
    ben_in_log = BEN if target.kind == "vault" else BEN_LOGIN  # the server names the login
    assert (newest["actor"], newest["record_kind"], str(newest["record_id"])) == (
        ben_in_log,
        "matter",
        matter_id,
    )
    at = datetime.fromisoformat(newest["at"])
    local = at.replace(tzinfo=at.tzinfo or UTC).astimezone(ZoneInfo(ZONE))
    # The sentence names the person as the staff list does, on both stores.
    assert line in {
        f"clinic-app: {BEN} changed this matter at {when} — reload to see the changes"
        for when in (f"{local:%H:%M}", f"{local:%Y-%m-%d %H:%M}")
    }
    assert target.fingerprint() == before
    now = assert_ok(cli(ANA, "matter", "show", matter_id, "--json")).json()
    assert (now["receipt_number"], now["filed_on"]) == ("IOE0999999999", anas_copy["filed_on"])
    assert now["version"] == anas_copy["version"] + 1

    # With the version just read, or with none (read and write in one go), the edit is saved.
    again = ("--filed", "2023-01-05", "--if-version", str(now["version"]))
    assert_ok(cli(ANA, "matter", "edit", matter_id, *again))
    assert_ok(cli(ANA, "matter", "edit", matter_id, "--filed", "2023-01-06"))
    final = assert_ok(cli(ANA, "matter", "show", matter_id, "--json")).json()
    assert (final["filed_on"], final["version"]) == ("2023-01-06", now["version"] + 2)
