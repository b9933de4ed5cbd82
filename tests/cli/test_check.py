"""check on clean and tampered vaults, and what reading commands do with a damaged database."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from clinic_app.services import vault_ops
from tests.cli.conftest import (
    CliTarget,
    Run,
    SharedVault,
    assert_ok,
    assert_one_line_error,
    copy_vault,
    in_parallel,
    run_cli,
)
from tests.conftest import PASSPHRASE

READERS = ("clients", "matters")


def _flip(path: Path, offset: int, count: int = 16) -> None:
    data = bytearray(path.read_bytes())
    assert offset + count <= len(data)
    for i in range(offset, offset + count):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


def test_check_on_a_clean_store(cli_sample: CliTarget) -> None:
    run = assert_ok(cli_sample.cli("check"))
    # A vault has key slots of its own; the clinic server's logins are PostgreSQL's.
    expected = (
        "Vault OK: database, key slots, audit log and "
        if cli_sample.is_vault
        else "Clinic server OK: database, audit log and "
    )
    assert run.stdout.startswith(expected), run
    assert run.stdout.splitlines()[0].endswith(" (evidence, drafts, templates) verified."), run
    assert run.stderr == ""
    report = cli_sample.json("check")
    assert report["ok"] is True and report["problems"] == [], report


def test_check_names_an_altered_audit_event(cli_target: CliTarget) -> None:
    """Someone with the database in hand (an unlocked copy of the vault, or the server's
    superuser) rewrites one event of the audit log past its append-only guard."""
    for first, last in (("Ana", "Flores"), ("Luis", "Pérez"), ("Mei", "Chen")):
        assert_ok(cli_target.cli("client", "add", "--first-name", first, "--last-name", last))
    events = cli_target.json("audit")
    middle = sorted(e["id"] for e in events)[len(events) // 2]
    before = cli_target.fingerprint()
    if cli_target.is_vault:  # SQLite's guard is a trigger that only dropping it removes
        bypass = ["DROP TRIGGER audit_event_no_update"]
    else:  # PostgreSQL's superuser can switch user triggers off for a transaction
        bypass = ["SET LOCAL session_replication_role = replica"]
    cli_target.raw_sql(
        *bypass, f"UPDATE audit_event SET summary = 'nothing to see' WHERE id = {middle}"
    )
    assert cli_target.fingerprint() != before

    run = cli_target.cli("check")
    line = assert_one_line_error(run, 1, "damaged or was altered", f"audit log event {middle}")
    assert "restore" in line.lower()
    assert run.stdout == ""
    report = cli_target.cli("check", "--json")
    assert report.returncode == 1, report
    problems = report.json()["problems"]
    assert problems and all(f"audit log event {middle}" in p for p in problems), problems


# -- bytes flipped in the middle of the database ---------------------------------------------------


@dataclass(frozen=True)
class Damaged:
    check: Run
    check_json: Run
    clean: dict[str, Run]
    damaged: dict[str, Run]


@pytest.fixture(scope="module")
def middle_damage(demo_400: SharedVault, tmp_path_factory: pytest.TempPathFactory) -> Damaged:
    db = demo_400.folder / "vault.db"
    assert db.stat().st_size >= 50 * 4096, "the demo database should span many pages"
    folder = copy_vault(demo_400.folder, tmp_path_factory.mktemp("middle") / "vault")
    size = (folder / "vault.db").stat().st_size
    _flip(folder / "vault.db", size // 2)
    env = demo_400.env

    def on_clean() -> list[Run]:
        return [run_cli("--vault", demo_400.folder, cmd, "--json", env=env) for cmd in READERS]

    def on_damaged() -> list[Run]:
        return [
            run_cli("--vault", folder, *args, env=env)
            for args in (["check"], ["check", "--json"], *([cmd, "--json"] for cmd in READERS))
        ]

    clean, (check, check_json, *damaged) = in_parallel(on_clean, on_damaged)
    for run in clean:
        assert_ok(run)
    return Damaged(
        check=check,
        check_json=check_json,
        clean=dict(zip(READERS, clean, strict=True)),
        damaged=dict(zip(READERS, damaged, strict=True)),
    )


@pytest.mark.vault_only  # bytes of the vault's database file
def test_check_fails_clearly_after_bytes_are_flipped(middle_damage: Damaged) -> None:
    run = middle_damage.check
    assert_one_line_error(run, (1, 3), "damaged")
    assert run.stdout == ""
    assert "restore" in run.stderr.lower()


@pytest.mark.vault_only  # bytes of the vault's database file
def test_check_json_reports_the_damage(middle_damage: Damaged) -> None:
    run = middle_damage.check_json
    assert run.returncode in (1, 3), run
    report = run.json()
    assert report["ok"] is False
    assert report["problems"]
    assert "Traceback" not in run.stderr


@pytest.mark.vault_only  # bytes of the vault's database file
@pytest.mark.parametrize("command", READERS)
def test_reading_a_damaged_vault_never_shows_wrong_data(
    middle_damage: Damaged, command: str
) -> None:
    run = middle_damage.damaged[command]
    if run.returncode == 0:
        # The damaged page was not one this listing needs: what it shows must be exactly right.
        assert run.stdout == middle_damage.clean[command].stdout
        assert run.stderr == ""
    else:
        assert_one_line_error(run, 3, "damaged")
        assert run.stdout == ""


@pytest.mark.vault_only  # bytes of the vault's database file
def test_check_damage_message_says_things_once(middle_damage: Damaged) -> None:
    line = middle_damage.check.stderr.strip().lower()
    assert line.count("restore it from a backup") == 1, line
    assert line.count("damaged or was altered") == 1, line


# -- a damaged page of a table a listing reads ---------------------------------------------------------


def _root_page_offset(folder: Path, table: str) -> int:
    """Byte offset of the middle of `table`'s root page (the test unlocks a copy to find it)."""
    vault = vault_ops.open_vault(folder, passphrase=PASSPHRASE, actor="test")
    try:
        with vault.engine.connect() as conn:
            root = conn.exec_driver_sql(
                "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
            ).scalar_one()
            page_size = int(conn.exec_driver_sql("PRAGMA cipher_page_size").scalar_one())
    finally:
        vault.close()
    return (int(root) - 1) * page_size + page_size // 2


@pytest.fixture(scope="module")
def client_page_damage(demo_400: SharedVault, tmp_path_factory: pytest.TempPathFactory) -> Run:
    folder = copy_vault(demo_400.folder, tmp_path_factory.mktemp("client-page") / "vault")
    _flip(folder / "vault.db", _root_page_offset(folder, "client"))
    (folder / "vault.lock").unlink(missing_ok=True)
    return run_cli("--vault", folder, "clients", "--json", env=demo_400.env)


@pytest.mark.vault_only  # a page of the vault's database file
def test_damaged_client_table_is_reported_not_listed(client_page_damage: Run) -> None:
    # The page every client listing reads fails its authentication: no data, one clear line.
    run = client_page_damage
    assert_one_line_error(run, 3, "damaged")
    assert run.stdout == ""


# -- key slots ----------------------------------------------------------------------------------------


@pytest.mark.vault_only  # the vault's key slots file
def test_check_names_a_tampered_recovery_slot(sample_vault: SharedVault, tmp_path: Path) -> None:
    folder = copy_vault(sample_vault.folder, tmp_path / "vault")
    path = folder / "keyslots.json"
    doc = json.loads(path.read_text())
    (slot,) = [s for s in doc["slots"] if s["kind"] == "recovery"]
    wrapped = slot["wrapped"]
    i = len(wrapped) // 2
    slot["wrapped"] = wrapped[:i] + ("A" if wrapped[i] != "A" else "B") + wrapped[i + 1 :]
    path.write_text(json.dumps(doc, indent=2))

    run = run_cli("--vault", folder, "check", env=sample_vault.env)
    line = assert_one_line_error(run, 1, "key slot", "recovery")
    assert "altered or damaged" in line
    assert run.stdout == ""


@pytest.mark.vault_only  # the vault's key slots file
def test_check_notices_a_removed_recovery_slot(sample_vault: SharedVault, tmp_path: Path) -> None:
    folder = copy_vault(sample_vault.folder, tmp_path / "vault")
    path = folder / "keyslots.json"
    doc = json.loads(path.read_text())
    doc["slots"] = [s for s in doc["slots"] if s["kind"] != "recovery"]
    path.write_text(json.dumps(doc, indent=2))
    run = run_cli("--vault", folder, "check", "--json", env=sample_vault.env)
    assert run.returncode == 1, run
    assert any("recovery key slot is missing" in p for p in run.json()["problems"]), run


# -- a database that is not this vault's, or gone ----------------------------------------------------------


@pytest.mark.vault_only  # the vault's files: key slots of one, database of another
def test_database_of_another_vault_is_unreadable_without_noise(
    sample_vault: SharedVault, demo_400: SharedVault, tmp_path: Path
) -> None:
    # The key slots open (right passphrase), but the database was encrypted under another key.
    folder = copy_vault(sample_vault.folder, tmp_path / "vault")
    shutil.copyfile(demo_400.folder / "vault.db", folder / "vault.db")
    run = run_cli("--vault", folder, "clients", env=sample_vault.env)
    line = assert_one_line_error(run, 3, "cannot be read")
    assert run.stdout == ""
    for noise in ("ERROR CORE", "sqlcipher", "SQLCipher", "Traceback", "file is not a database"):
        assert noise not in run.stderr, line


@pytest.mark.parametrize("how", ["deleted", "emptied"])
def test_missing_database_is_not_shown_as_an_empty_store(
    cli_sample: CliTarget, request: pytest.FixtureRequest, tmp_path: Path, how: str
) -> None:
    if cli_sample.is_vault:  # the vault's database file, deleted or emptied
        folder = copy_vault(Path(cli_sample.place[1]), tmp_path / "vault")
        if how == "deleted":
            (folder / "vault.db").unlink()
        else:
            (folder / "vault.db").write_bytes(b"")
        place = ["--vault", str(folder)]
    else:  # a database gone from the server, or one holding none of the app's tables
        cluster = request.getfixturevalue("pg_server")
        name = f"{how}_{abs(hash(str(tmp_path))) % 10**8}"
        if how == "emptied":
            cluster.create_database(name)
            request.addfinalizer(lambda: cluster.drop_database(name))
        place = ["--server", cluster.url(name), "--user", cluster.user]
    listing = run_cli(*place, "clients", "--json", env=cli_sample.env)
    assert listing.returncode != 0 and listing.stdout != "[]\n", listing
    assert_one_line_error(listing, (1, 3))
    check = run_cli(*place, "check", env=cli_sample.env)
    assert_one_line_error(check, (1, 3))
    if not cli_sample.is_vault:  # the sentence says what to do about it
        for run in (listing, check):
            assert "check the address" in run.stderr, run
