"""Hardening, as the console script: templates that call home, control characters, and the like."""

from __future__ import annotations

from pathlib import Path

from docx import Document

from tests.cli.conftest import SharedVault, assert_one_line_error, run_cli
from tests.core.test_template_inert import ATTACK_URL, field


def test_a_template_that_would_send_the_a_number_out_is_refused(
    sample_vault: SharedVault, tmp_path: Path
) -> None:
    document = Document()
    document.add_paragraph("Dear {{ client.first_name }},")
    field(document.add_paragraph("Photo: "), f' INCLUDEPICTURE "{ATTACK_URL}" \\d ')
    template = tmp_path / "letter.docx"
    document.save(str(template))
    before = sorted(p.relative_to(sample_vault.folder) for p in sample_vault.folder.rglob("*"))
    check = run_cli("template-check", template, env=sample_vault.env)
    assert_one_line_error(
        check, 1, "letter.docx", "tag inside a Word field code", "body, paragraph 2"
    )
    add = run_cli("--vault", sample_vault.folder, "template-add", template, env=sample_vault.env)
    assert_one_line_error(
        add, 1, "letter.docx", "tag inside a Word field code", "nothing was written"
    )
    after = sorted(p.relative_to(sample_vault.folder) for p in sample_vault.folder.rglob("*"))
    assert after == before


def test_import_refuses_a_vertical_tab_naming_row_and_field(
    sample_vault: SharedVault, tmp_path: Path
) -> None:
    sheet = tmp_path / "workers.csv"
    sheet.write_text(
        "first_name,last_name,employer\nAna,Flores,Acme Packing\nLuis,Pérez\vGómez,Acme Packing\n",
        encoding="utf-8",
    )
    before = run_cli("--vault", sample_vault.folder, "clients", "--json", env=sample_vault.env)
    run = run_cli("--vault", sample_vault.folder, "import", sheet, env=sample_vault.env)
    assert run.returncode == 1, run
    assert "row 3, last_name: contains a vertical tab" in run.stdout + run.stderr
    after = run_cli("--vault", sample_vault.folder, "clients", "--json", env=sample_vault.env)
    assert after.stdout == before.stdout
