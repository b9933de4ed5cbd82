"""Hardening, as the console script: templates that call home, control characters, and the like
(on a vault and the clinic server, but for the vault's own recovery code and files)."""

from __future__ import annotations

import os
import pty
import select
import subprocess
from pathlib import Path

import pytest
from docx import Document

from tests.cli.conftest import (
    CLI,
    CliTarget,
    assert_ok,
    assert_one_line_error,
    make_env,
    recovery_code_from,
    run_cli,
)
from tests.conftest import SAMPLE_CSV
from tests.core.test_template_inert import ATTACK_URL, field


def _files_of(target: CliTarget) -> list[Path]:
    """The store's files on this computer: the vault's folder, or the folder this computer keeps
    for the clinic server (in the user data folder)."""
    if target.is_vault:
        folder = Path(target.place[1])
    else:
        folder = Path(target.env["XDG_DATA_HOME"]) / "clinic-app" / "servers"
    return sorted(p.relative_to(folder) for p in folder.rglob("*"))


def test_a_template_that_would_send_the_a_number_out_is_refused(
    cli_empty: CliTarget, tmp_path: Path
) -> None:
    document = Document()
    document.add_paragraph("Dear {{ client.first_name }},")
    field(document.add_paragraph("Photo: "), f' INCLUDEPICTURE "{ATTACK_URL}" \\d ')
    template = tmp_path / "letter.docx"
    document.save(str(template))
    before = (cli_empty.fingerprint(), _files_of(cli_empty))
    check = run_cli("template-check", template, env=cli_empty.env)
    assert_one_line_error(
        check, 1, "letter.docx", "tag inside a Word field code", "body, paragraph 2"
    )
    add = cli_empty.cli("template-add", template)
    assert_one_line_error(
        add, 1, "letter.docx", "tag inside a Word field code", "nothing was written"
    )
    assert (cli_empty.fingerprint(), _files_of(cli_empty)) == before
    assert [t for t in cli_empty.json("templates") if t["source"] != "shipped"] == []


def test_import_refuses_a_vertical_tab_naming_row_and_field(
    cli_empty: CliTarget, tmp_path: Path
) -> None:
    sheet = tmp_path / "workers.csv"
    sheet.write_text(
        "first_name,last_name,employer\nAna,Flores,Acme Packing\nLuis,Pérez\vGómez,Acme Packing\n",
        encoding="utf-8",
    )
    before = cli_empty.fingerprint()
    run = cli_empty.cli("import", sheet)
    assert run.returncode == 1, run
    assert "row 3, last_name: contains a vertical tab" in run.stdout + run.stderr
    assert cli_empty.fingerprint() == before
    assert cli_empty.json("clients") == []


def _read_until(fd: int, needle: bytes, seen: bytearray) -> None:
    """Read the terminal until `needle` appears, or the program closes it."""
    while needle not in seen:
        ready, _, _ = select.select([fd], [], [], 120)
        assert ready, f"no {needle!r} on the terminal: {bytes(seen)!r}"
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # EIO: the program ended and closed the terminal
            return
        if not chunk:
            return
        seen += chunk


@pytest.mark.vault_only  # the recovery code opens the vault's own key slot
def test_recover_reads_the_code_from_a_terminal_without_echo(tmp_path: Path) -> None:
    env = make_env(tmp_path / "home")
    folder = tmp_path / "vault"
    code = recovery_code_from(assert_ok(run_cli("--vault", folder, "init", env=env)).stdout)
    env.pop("CLINIC_APP_PASSPHRASE")
    env["CLINIC_APP_NEW_PASSPHRASE"] = "a brand new passphrase"
    main, terminal = pty.openpty()
    # A new session has no controlling terminal, so the prompt uses this one, not the runner's.
    proc = subprocess.Popen(
        [str(CLI), "--vault", str(folder), "recover"],
        stdin=terminal, stdout=terminal, stderr=terminal, env=env, start_new_session=True,
    )  # fmt: skip
    os.close(terminal)
    seen = bytearray()
    try:
        _read_until(main, b"Recovery code:", seen)
        os.write(main, code.encode() + b"\n")
        _read_until(main, b"New passphrase set", seen)
        _read_until(main, b"\x00", seen)  # to the end
    finally:
        os.close(main)
        assert proc.wait(timeout=120) == 0, bytes(seen)
    assert b"New passphrase set" in seen
    assert code.encode() not in seen


@pytest.mark.vault_only  # an older copy of the vault's database file put back on disk
def test_check_refuses_an_older_database_put_back(tmp_path: Path) -> None:
    env = make_env(tmp_path / "home")
    folder = tmp_path / "vault"
    assert_ok(run_cli("--vault", folder, "init", env=env))
    old = (folder / "vault.db").read_bytes()
    assert_ok(run_cli("--vault", folder, "import", SAMPLE_CSV, env=env))
    (folder / "vault.db").write_bytes(old)
    run = run_cli("--vault", folder, "check", env=env)
    assert_one_line_error(run, (1, 3), "older than the vault's last recorded change (event")
