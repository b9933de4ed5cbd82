"""backup-plan and backups: a plan set from the command line, copies made, listed, checked, drilled."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import (
    SAMPLE_CSV,
    assert_ok,
    assert_one_line_error,
    make_env,
    run_cli,
)
from tests.conftest import PASSPHRASE

OWN = "the backups' own words"


def _vault(tmp_path: Path, env: dict[str, str], *, fill: bool = True) -> Path:
    folder = tmp_path / "vault"
    assert_ok(run_cli("--vault", folder, "init", env=env))
    if fill:
        assert_ok(run_cli("--vault", folder, "import", SAMPLE_CSV, env=env))
    return folder


def test_plan_copies_listing_corruption_and_drill(tmp_path: Path, cli_env: dict[str, str]) -> None:
    folder = _vault(tmp_path, cli_env)
    usb, share = tmp_path / "USB", tmp_path / "share"
    usb.mkdir()

    # A bad --keep changes nothing and says how to write it.
    bad = run_cli("--vault", folder, "backup-plan", "--folder", usb, "--keep", "7,4", env=cli_env)
    assert_one_line_error(bad, 1, "--keep 7", "--keep 7,4,6")
    plan = assert_ok(
        run_cli(
            "--vault",
            folder,
            "backup-plan",
            "--folder",
            usb,
            "--folder",
            share,
            "--every",
            "weekly",
            "--keep",
            "3",
            "--json",
            env=cli_env,
        )
    ).json()
    assert plan["enabled"] and plan["every"] == "weekly"
    assert plan["keep"] == {"daily": 3, "weekly": 4, "monthly": 6}
    assert [(d["label"], d["present"]) for d in plan["destinations"]] == [
        ("USB", True),
        ("share", False),
    ]
    assert plan["protected_by"] == "vault passphrase"

    due = assert_ok(run_cli("--vault", folder, "backups", "--due", env=cli_env))
    assert "written and verified" in due.stdout
    assert f"share ({share}): not connected; skipped." in due.stdout
    listing = assert_ok(run_cli("--vault", folder, "backups", "--json", env=cli_env)).json()
    (first,) = listing["destinations"][0]["copies"]
    assert first["verified"] == "ok" and first["size"] == (usb / first["file"]).stat().st_size
    assert listing["destinations"][1] == {
        "path": str(share),
        "label": "share",
        "present": False,
        "copies": [],
    }
    assert listing["status"]["destination"] == "USB" and not listing["status"]["warning"]

    drill = assert_ok(run_cli("--vault", folder, "backups", "--drill", env=cli_env))
    assert "client: 24 in the copy, 24 in the vault" in drill.stdout
    assert "its audit log is this vault's" in drill.stdout
    assert drill.stdout.rstrip().endswith("Restore drill passed.")

    # A bit flips in the copy on the stick: the listing says so; the next scheduled run makes a
    # new good copy at once and leaves the damaged one for a person to look at.
    copy = usb / first["file"]
    data = bytearray(copy.read_bytes())
    data[len(data) // 3] ^= 0x40
    copy.write_bytes(bytes(data))
    text = assert_ok(run_cli("--vault", folder, "backups", env=cli_env)).stdout
    assert "FAILED: it changed after it was verified" in text
    again = assert_ok(run_cli("--vault", folder, "backups", "--due", "--json", env=cli_env)).json()
    assert again["ok"] and again["outcomes"][0]["status"] == "made"
    assert copy.exists()


def test_own_passphrase_from_stdin_protects_the_copies(
    tmp_path: Path, cli_env: dict[str, str]
) -> None:
    folder = _vault(tmp_path, cli_env, fill=False)
    usb = tmp_path / "USB"
    usb.mkdir()
    no_env = make_env(tmp_path / "home2", passphrase=None)
    shown = assert_ok(
        run_cli(
            "--vault",
            folder,
            "--passphrase-stdin",
            "backup-plan",
            "--folder",
            usb,
            "--own-passphrase",
            env=no_env,
            stdin=f"{PASSPHRASE}\n{OWN}\n",
        )
    ).stdout
    assert "Backups: daily, to 1 folder:" in shown
    assert "Protected by: the own passphrase." in shown
    made = assert_ok(run_cli("--vault", folder, "backups", "--now", "--json", env=cli_env)).json()
    copy = usb / made["outcomes"][0]["copy"]["file"]
    assert made["ok"] and made["outcomes"][0]["status"] == "made"
    wrong = run_cli("--vault", tmp_path / "restored", "restore", copy, env=cli_env)
    assert_one_line_error(wrong, 3, "wrong passphrase", "backup passphrase")
    assert_ok(
        run_cli(
            "--vault",
            tmp_path / "restored",
            "--passphrase-stdin",
            "restore",
            copy,
            "--backup-passphrase-stdin",
            env=no_env,
            stdin=f"{PASSPHRASE}\n{OWN}\n",
        )
    )


def test_the_keep_line_reads_as_a_sentence(tmp_path: Path, cli_env: dict[str, str]) -> None:
    folder = _vault(tmp_path, cli_env, fill=False)
    usb = tmp_path / "USB"
    usb.mkdir()

    def keep_line(*args: str) -> str:
        out = assert_ok(run_cli(*args, "--vault", folder, "backup-plan", env=cli_env)).stdout
        [line] = [x for x in out.splitlines() if x.startswith(("Keep", "Conserv", "Se conserva"))]
        return line

    assert_ok(run_cli("--vault", folder, "backup-plan", "--folder", usb, env=cli_env))
    assert keep_line().startswith(
        "Keep: 7 daily copies, 4 weekly copies and 6 monthly copies in each folder,"
    )
    assert_ok(run_cli("--vault", folder, "backup-plan", "--keep", "1,0,6", env=cli_env))
    assert keep_line().startswith("Keep: 1 daily copy and 6 monthly copies in each folder,")
    # Spanish: each count says what it counts ("7 copias diarias"), never "6 mensuales copias".
    spanish = keep_line("--lang", "es")
    assert "mensuales copias" not in spanish and "copies" not in spanish, spanish
    assert "1 copia diaria y 6 copias mensuales" in spanish, spanish


def test_backing_up_now_with_every_folder_disconnected_is_not_ok(
    tmp_path: Path, cli_env: dict[str, str]
) -> None:
    """Nothing was backed up: the exit code and --json's "ok" say the same."""
    folder = _vault(tmp_path, cli_env, fill=False)
    gone = tmp_path / "unplugged"
    assert_ok(
        run_cli("--vault", folder, "backup-plan", "--folder", gone, "--every", "daily", env=cli_env)
    )
    plain = run_cli("--vault", folder, "backups", "--now", env=cli_env)
    assert plain.returncode == 1 and f"unplugged ({gone}): not connected; skipped." in plain.stdout
    data = run_cli("--vault", folder, "backups", "--now", "--json", env=cli_env)
    assert data.returncode == 1 and data.json()["ok"] is False
    assert [o["status"] for o in data.json()["outcomes"]] == ["missing"]
