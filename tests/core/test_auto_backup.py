"""Backups that happen by themselves: on schedule (time injected), thinned, verified, reported."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from clinic_app.errors import UnlockError, UserError
from clinic_app.services import (
    backup,
    backup_drill,
    backup_plan,
    backup_runs,
    backup_status,
    check,
    clients,
    files,
    vault_ops,
)
from clinic_app.services.backup_plan import Retention
from clinic_app.services.vault_ops import Vault
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.core.helpers import CANARY_FIRST, CANARY_LAST, scan_for

# About automatic backups are of the vault's files (the server: pg_dump): not run on the clinic server.
pytestmark = pytest.mark.vault_only

START = datetime(2026, 2, 15, 9, 30, tzinfo=UTC)  # a Sunday
OWN = "words only the backups know"


def _copy_days(folder: Path) -> list[date]:
    return sorted(
        datetime.strptime(p.name.split("_")[1][:8], "%Y%m%d").date()
        for p in folder.glob("*.clinicbackup")
    )


def _statuses(report: backup_runs.RunReport) -> dict[str, str]:
    return {o.destination.label: o.status for o in report.outcomes}


def test_two_folders_one_missing_back_up_on_schedule_thinned_and_verified(
    sample_vault: Vault, tmp_path: Path
) -> None:
    usb, share = tmp_path / "USB", tmp_path / "share"
    usb.mkdir()
    backup_plan.set_plan(
        sample_vault, folders=[usb, share], keep=Retention(3, 2, 2), secret=PASSPHRASE
    )
    assert backup_plan.get_plan(sample_vault).every == "daily"  # folders alone: daily
    last = date(2026, 3, 11)
    day = START
    while day.date() <= last:
        # The desktop runs them at unlock and again when the vault is locked the same day.
        at_unlock = backup_runs.run_due_backups(sample_vault, now=day, trigger="unlock")
        at_close = backup_runs.run_due_backups(
            sample_vault, now=day + timedelta(hours=8), trigger="close"
        )
        assert _statuses(at_unlock) == {"USB": "made", "share": "missing"}, day
        assert _statuses(at_close) == {"USB": "not_due", "share": "missing"}, day
        assert at_unlock.made[0].copy is not None and at_unlock.made[0].copy.good
        day += timedelta(days=1)
    assert not share.exists()  # a missing folder is never created (an unplugged USB stick)
    # 3 daily (9-11 March), the newest of 2 ISO weeks (8 and 11 March), of 2 months (28 Feb).
    assert _copy_days(usb) == [
        date(2026, 2, 28),
        date(2026, 3, 8),
        date(2026, 3, 9),
        date(2026, 3, 10),
        date(2026, 3, 11),
    ]
    listing = {x.destination.label: x for x in backup_runs.list_backups(sample_vault)}
    assert not listing["share"].present and listing["share"].copies == ()
    assert [c.verified for c in listing["USB"].copies] == ["ok"] * 5
    # Each kept copy really opens with the vault passphrase and passes the check.
    newest = usb / listing["USB"].copies[0].file
    backup.restore_backup(backup=newest, target=tmp_path / "restored", backup_passphrase=PASSPHRASE)
    restored = vault_ops.open_vault(tmp_path / "restored", passphrase=PASSPHRASE)
    try:
        assert clients.count_clients(restored) == clients.count_clients(sample_vault) == 24
    finally:
        restored.close()
    status = backup_status.backup_status(sample_vault, now=datetime(2026, 3, 14, 10, tzinfo=UTC))
    assert status.message.startswith("Last verified backup: 3 days ago (USB)")
    assert status.warning  # a daily plan missed twice
    assert any("share was not connected" in n for n in status.notes)
    # The share comes back: it gets its first copy at once; the USB stick is not due again.
    share.mkdir()
    again = backup_runs.run_due_backups(
        sample_vault, now=datetime(2026, 3, 11, 20, tzinfo=UTC), trigger="close"
    )
    assert _statuses(again) == {"USB": "not_due", "share": "made"}


def test_a_corrupted_copy_is_reported_failed_and_the_good_ones_are_untouched(
    sample_vault: Vault, tmp_path: Path
) -> None:
    usb = tmp_path / "USB"
    usb.mkdir()
    backup_plan.set_plan(sample_vault, folders=[usb], secret=PASSPHRASE)
    for n in range(4):
        backup_runs.run_due_backups(sample_vault, now=START + timedelta(days=n))
    names = [c.file for c in backup_runs.list_backups(sample_vault)[0].copies]
    victim = usb / names[0]  # the newest copy
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit flipped on a failing stick
    victim.write_bytes(bytes(data))
    before = {n: (usb / n).read_bytes() for n in names if n != victim.name}

    copies = {c.file: c for c in backup_runs.list_backups(sample_vault)[0].copies}
    assert copies[victim.name].verified == "failed"
    assert "changed after it was verified" in copies[victim.name].problem
    assert all(copies[n].verified == "ok" for n in before)
    key = sample_vault.backup_key()
    assert key is not None
    assert backup_runs.verify_copy(sample_vault, victim, key)  # the full check refuses it too
    drill = backup_drill.restore_drill(sample_vault)  # drills the newest copy still good
    assert drill.ok and drill.copy == usb / names[1]
    # The next scheduled run neither counts nor deletes it, and leaves the good copies as they were.
    report = backup_runs.run_due_backups(sample_vault, now=START + timedelta(days=4))
    assert _statuses(report) == {"USB": "made"}
    assert victim.exists()
    assert {n: (usb / n).read_bytes() for n in before} == before
    assert backup_drill.restore_drill(sample_vault).copy == usb / report.made[0].copy.file  # type: ignore[union-attr]


def test_a_copy_that_fails_verification_keeps_the_previous_good_copies(
    sample_vault: Vault, tmp_path: Path
) -> None:
    usb = tmp_path / "USB"
    usb.mkdir()
    stored = files.store_bytes(sample_vault, data=b"scan " * 1000, filename="scan.pdf").record
    backup_plan.set_plan(sample_vault, folders=[usb], secret=PASSPHRASE)
    for n in range(2):
        backup_runs.run_due_backups(sample_vault, now=START + timedelta(days=n))
    good = sorted(p.name for p in usb.glob("*.clinicbackup"))
    # The vault's own copy of the scan is damaged on disk: a backup of it must not pass as good.
    (name,) = sample_vault.files.blobs()  # the scan's encrypted file, under a random name
    blob = sample_vault.folder / "files" / name[:2] / name
    blob.write_bytes(blob.read_bytes()[:-1] + b"!")
    report = backup_runs.run_due_backups(sample_vault, now=START + timedelta(days=2))
    (outcome,) = report.outcomes
    assert outcome.status == "failed" and not report.ok
    assert f"kept file {stored.id} " in outcome.problem
    assert set(good) <= {p.name for p in usb.glob("*.clinicbackup")}
    status = backup_status.backup_status(sample_vault, now=START + timedelta(days=2, hours=1))
    assert status.message.startswith("Last verified backup: 1 day ago (USB)")
    assert any("failed its check; the good copies were kept" in n for n in status.notes)


def test_on_close_backs_up_only_after_a_change(sample_vault: Vault, tmp_path: Path) -> None:
    usb = tmp_path / "USB"
    usb.mkdir()
    backup_plan.set_plan(sample_vault, folders=[usb], every="on-close", secret=PASSPHRASE)
    run = backup_runs.run_due_backups
    assert _statuses(run(sample_vault, now=START, trigger="close")) == {"USB": "made"}
    later = START + timedelta(minutes=30)
    assert _statuses(run(sample_vault, now=later, trigger="close")) == {"USB": "not_due"}
    clients.add_client(sample_vault, first_name="Ana", last_name="Ruiz")
    assert _statuses(run(sample_vault, now=later, trigger="close")) == {"USB": "made"}


def test_backup_age_warns_after_two_missed_weekly_periods(
    sample_vault: Vault, tmp_path: Path
) -> None:
    usb = tmp_path / "USB"
    usb.mkdir()
    backup_plan.set_plan(sample_vault, folders=[usb], every="weekly", secret=PASSPHRASE)
    backup_runs.run_due_backups(sample_vault, now=START)
    run_after = backup_runs.run_due_backups(sample_vault, now=START + timedelta(days=6))
    assert _statuses(run_after) == {"USB": "not_due"}
    status = backup_status.backup_status(sample_vault, now=START + timedelta(days=3))
    assert (status.message, status.warning) == ("Last verified backup: 3 days ago (USB)", False)
    late = backup_status.backup_status(sample_vault, now=START + timedelta(days=15))
    assert late.warning and "at least two weekly backups were missed" in late.message
    assert late.to_json()["age_days"] == 15 and late.to_json()["destination"] == "USB"


def test_own_passphrase_is_kept_only_wrapped_and_opens_the_copies(
    sample_vault: Vault, tmp_path: Path
) -> None:
    usb = tmp_path / "USB"
    usb.mkdir()
    clients.add_client(sample_vault, first_name=CANARY_FIRST, last_name=CANARY_LAST)
    backup_plan.set_plan(sample_vault, folders=[usb], own_passphrase=True, secret=OWN)
    report = backup_runs.run_due_backups(sample_vault, now=START)
    copy = usb / report.made[0].copy.file  # type: ignore[union-attr]
    assert OWN.encode() not in (sample_vault.folder / "keyslots.json").read_bytes()
    assert not scan_for([OWN, CANARY_FIRST, CANARY_LAST], usb)  # copies and manifest
    assert check.check_vault(sample_vault).ok  # the backup slot is MAC-checked like the others
    with pytest.raises(UnlockError):
        backup.restore_backup(backup=copy, target=tmp_path / "a", backup_passphrase=PASSPHRASE)
    backup.restore_backup(
        backup=copy, target=tmp_path / "b", backup_passphrase=OWN, vault_passphrase=PASSPHRASE
    )
    assert vault_ops.is_vault(tmp_path / "b")


def test_a_new_vault_passphrase_protects_the_next_copies(
    sample_vault: Vault, tmp_path: Path
) -> None:
    usb = tmp_path / "USB"
    usb.mkdir()
    backup_plan.set_plan(sample_vault, folders=[usb], secret=PASSPHRASE)
    vault_ops.change_passphrase(sample_vault, new_passphrase="a brand new passphrase", kdf=FAST_KDF)
    report = backup_runs.run_due_backups(sample_vault, now=START)
    copy = usb / report.made[0].copy.file  # type: ignore[union-attr]
    backup.restore_backup(
        backup=copy, target=tmp_path / "r", backup_passphrase="a brand new passphrase"
    )


def test_bad_plans_name_every_problem_and_change_nothing(
    sample_vault: Vault, tmp_path: Path
) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x")
    with pytest.raises(UserError) as caught:
        backup_plan.set_plan(
            sample_vault,
            folders=[sample_vault.folder / "inside", a_file],
            every="hourly",
            keep=Retention(0, 0, 0),
            secret=PASSPHRASE,
        )
    message = caught.value.message
    for needle in ("inside the vault folder", "is a file", "'hourly'", "at least one copy"):
        assert needle in message
    assert backup_plan.get_plan(sample_vault) == backup_plan.BackupPlan()
    with pytest.raises(UnlockError):  # a mistyped vault passphrase never protects backups
        backup_plan.set_plan(sample_vault, folders=[tmp_path], secret="not the passphrase")
    with pytest.raises(UserError, match="Give the vault passphrase"):
        backup_plan.set_plan(sample_vault, folders=[tmp_path])
    assert sample_vault.backup_key() is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5", Retention(5, 4, 6)),
        ("14,0,12", Retention(14, 0, 12)),
        (" 3 , 2 , 1 ", Retention(3, 2, 1)),
    ],
)
def test_keep_takes_a_daily_count_or_all_three(text: str, expected: Retention) -> None:
    assert backup_plan.parse_keep(text) == expected


@pytest.mark.parametrize("text", ["", "a", "1,2", "-1", "0,0,0", "1,2,3,4"])
def test_bad_keep_says_how_to_write_it(text: str) -> None:
    with pytest.raises(UserError):
        backup_plan.parse_keep(text)


def test_manifest_beside_the_copies_holds_no_client_data(
    sample_vault: Vault, tmp_path: Path
) -> None:
    usb = tmp_path / "USB"
    usb.mkdir()
    clients.add_client(sample_vault, first_name=CANARY_FIRST, last_name=CANARY_LAST)
    backup_plan.set_plan(sample_vault, folders=[usb], secret=PASSPHRASE)
    backup_runs.run_due_backups(sample_vault, now=START)
    (manifest,) = usb.glob("*.manifest.json")
    doc = json.loads(manifest.read_text())
    assert set(doc) == {"format", "vault_id", "copies"}
    assert set(doc["copies"][0]) == {
        "file",
        "made",
        "size",
        "sha256",
        "verified",
        "checked",
        "problem",
        "audit_id",
    }
    assert not scan_for([CANARY_FIRST, CANARY_LAST], usb)
    assert all(p.name.startswith(sample_vault.vault_id) for p in usb.iterdir())
