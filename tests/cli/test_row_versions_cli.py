"""Two people at one matter from the command line: an edit given the version it read is refused
(exit 1, one sentence naming who changed it and when) once someone else saved first."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from tests import pg_cluster
from tests.cli.conftest import (
    Run,
    SharedVault,
    assert_ok,
    assert_one_line_error,
    copy_vault,
    make_env,
    run_cli,
)
from tests.people import BEN, BEN_LOGIN, BEN_PASSWORD, add_ben

ZONE = "America/Los_Angeles"


def test_second_edit_of_a_matter_is_refused_and_changes_nothing(
    sample_vault: SharedVault, tmp_path: Path
) -> None:
    folder = copy_vault(sample_vault.folder, tmp_path / "vault")
    env = sample_vault.env | {"TZ": ZONE}

    def cli(person: str, *args: str) -> Run:
        return run_cli("--vault", folder, "--as", person, *args, env=env)

    matter_id = str(assert_ok(cli("Ana Ruiz", "matters", "--json")).json()[0]["id"])
    anas_copy = assert_ok(cli("Ana Ruiz", "matter", "show", matter_id, "--json")).json()
    assert_ok(cli("Ben Ortiz", "matter", "edit", matter_id, "--receipt", "IOE0999999999"))
    vault_bytes = hashlib.sha256((folder / "vault.db").read_bytes()).hexdigest()

    refused = cli(
        "Ana Ruiz", "matter", "edit", matter_id, "--filed", "2023-01-05",
        "--if-version", str(anas_copy["version"]),
    )  # fmt: skip
    line = assert_one_line_error(refused, 1, "reload to see the changes")

    newest = assert_ok(cli("Ana Ruiz", "audit", "--json")).json()[0]
    assert (newest["actor"], newest["record_kind"], str(newest["record_id"])) == (
        "Ben Ortiz",
        "matter",
        matter_id,
    )
    at = datetime.fromisoformat(newest["at"])
    local = at.replace(tzinfo=at.tzinfo or UTC).astimezone(ZoneInfo(ZONE))
    assert line in {
        f"clinic-app: Ben Ortiz changed this matter at {when} — reload to see the changes"
        for when in (f"{local:%H:%M}", f"{local:%Y-%m-%d %H:%M}")
    }
    assert hashlib.sha256((folder / "vault.db").read_bytes()).hexdigest() == vault_bytes
    now = assert_ok(cli("Ana Ruiz", "matter", "show", matter_id, "--json")).json()
    assert (now["receipt_number"], now["filed_on"]) == ("IOE0999999999", anas_copy["filed_on"])
    assert now["version"] == anas_copy["version"] + 1

    # With the version just read, or with none (read and write in one go), the edit is saved.
    again = ("--filed", "2023-01-05", "--if-version", str(now["version"]))
    assert_ok(cli("Ana Ruiz", "matter", "edit", matter_id, *again))
    assert_ok(cli("Ana Ruiz", "matter", "edit", matter_id, "--filed", "2023-01-06"))
    final = assert_ok(cli("Ana Ruiz", "matter", "show", matter_id, "--json")).json()
    assert (final["filed_on"], final["version"]) == ("2023-01-06", now["version"] + 2)


def test_on_the_clinic_server_the_second_login_to_save_is_refused(
    pg_server: pg_cluster.Cluster, server_db: str, isolated_home: Path
) -> None:
    """Ana (the test login) and Ben (his own login) at one matter on the clinic server."""
    add_ben(pg_server, server_db)
    env = make_env(isolated_home, passphrase=None) | {"TZ": ZONE}
    passwords = {pg_server.user: pg_server.password, BEN_LOGIN: BEN_PASSWORD}

    def cli(login: str, *args: str) -> Run:
        secret = {"CLINIC_APP_PASSWORD": passwords[login]}
        return run_cli("--server", server_db, "--user", login, *args, env=env | secret)

    ana = pg_server.user
    client = assert_ok(cli(ana, "client", "add", "--first-name", "Rosa", "--json")).json()
    matter = assert_ok(
        cli(ana, "matter", "add", "--client", str(client["id"]), "--kind", "initial", "--json")
    ).json()
    matter_id = str(matter["id"])
    assert_ok(cli(BEN_LOGIN, "matter", "edit", matter_id, "--receipt", "IOE0999999999"))

    again = ("--filed", "2023-01-05", "--if-version", str(matter["version"]))
    line = assert_one_line_error(cli(ana, "matter", "edit", matter_id, *again), 1, BEN)
    assert line.startswith(f"clinic-app: {BEN} changed this matter at ")
    assert line.endswith(" — reload to see the changes")
    now = assert_ok(cli(ana, "matter", "show", matter_id, "--json")).json()
    assert (now["receipt_number"], now["filed_on"]) == ("IOE0999999999", None)
    assert now["version"] == matter["version"] + 1
