"""Bounded input: spreadsheets that lie about their size, and control characters in names."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from sqlalchemy import text

from clinic_app.errors import UserError, ValidationError
from clinic_app.services import clients, documents, employers, importing, notes, reports, staff
from clinic_app.services.vault_ops import Vault
from tests.core.helpers import IMPORT_HEADER, dump_tables, run_child, write_csv
from tests.core.test_documents import TODAY, Worksite, worksite  # noqa: F401 (a fixture)
from tests.core.test_import import row


def workbook(path: Path, cells: dict[str, str]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["first_name", "last_name", "employer"])
    sheet.append(["Ana", "Flores", "Acme Packing"])
    for ref, value in cells.items():
        sheet[ref] = value
    book.save(path)
    return path


def test_one_far_cell_xlsx_bomb_is_refused_in_its_row(tmp_path: Path) -> None:
    """A 5 KB workbook with one cell at XFD1048576 claims 17 billion cells. Read under a 1.5 GB
    address-space limit, so the unbounded reader fails here instead of taking the machine."""
    bomb = workbook(tmp_path / "bomb.xlsx", {"XFD1048576": "x"})
    assert bomb.stat().st_size < 6000
    done = run_child(
        f"""
        import json, resource
        resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))
        from clinic_app.errors import UserError
        from clinic_app.services import importing
        try:
            importing.read_table({str(bomb)!r})
            print(json.dumps("read"))
        except UserError as exc:
            print(json.dumps(exc.message))
        """,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    message = json.loads(done.stdout)
    assert "has data in row 1048576" in message and "at most 200000 rows" in message


def test_a_cell_past_the_column_limit_is_refused(tmp_path: Path) -> None:
    wide = workbook(tmp_path / "wide.xlsx", {"XFD2": "x"})
    with pytest.raises(UserError, match="row 2, column XFD; the importer reads at most 256"):
        importing.read_table(wide)


def test_the_declared_size_of_a_sheet_is_not_trusted(tmp_path: Path) -> None:
    """A sheet claiming A1:XFD1048576 that holds two rows reads as its two rows."""
    honest = workbook(tmp_path / "honest.xlsx", {})
    lying = tmp_path / "lying.xlsx"
    with zipfile.ZipFile(honest) as source, zipfile.ZipFile(lying, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert b'<dimension ref="A1:C2"/>' in data
                data = data.replace(b'ref="A1:C2"', b'ref="A1:XFD1048576"')
            target.writestr(item, data)
    table = importing.read_table(lying)
    assert table.header == ["first_name", "last_name", "employer"]
    assert table.rows == [["Ana", "Flores", "Acme Packing"]]


@pytest.mark.parametrize(
    ("column", "value", "said"),
    [
        ("last_name", "Flores\x0bGómez", "a vertical tab (U+000B"),
        ("first_name", "Rlo_Bidi\u202egnp.exe", "a hidden text-direction control (U+202E)"),
        ("employer", "Acme\x85Packing", "an invisible control character (U+0085)"),
        ("worksite_city", "Marshall\ntown", "a line break"),
    ],
)
def test_control_characters_in_an_import_are_refused_naming_row_and_field(
    vault: Vault, tmp_path: Path, column: str, value: str, said: str
) -> None:
    path = write_csv(tmp_path / "in.csv", [row(), row(a_number="", **{column: value})])
    before = dump_tables(vault)
    report = importing.import_file(vault, path=path)
    assert [str(p) for p in report.problems] == [
        f"row 3, {column}: contains {said}" + report.problems[0].reason.split(said, 1)[1]
    ]
    assert report.problems[0].reason.endswith("delete it and type the text again.")
    assert dump_tables(vault) == before


def test_a_line_break_in_import_notes_is_kept(vault: Vault, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "in.csv", [row(notes="First call.\nSecond call.")])
    report = importing.import_file(vault, path=path)
    assert report.ok, report.problems
    assert IMPORT_HEADER[-1] == "notes"


def test_forms_and_the_command_line_refuse_control_characters(vault: Vault) -> None:
    """The desktop forms check fields with check_field and save through the same services as
    the command line; each refuses with the field's name."""
    assert clients.check_field(name="first_name", value="Ana\x0bMaría") == (
        "contains a vertical tab (U+000B, from a line break copied out of Word) at character 4; "
        "delete it and type the text again."
    )
    assert clients.check_field(name="notes", value="line one\nline two") is None
    assert "U+202E" in (clients.check_field(name="other_names", value="Ana\n\u202eanA") or "")
    with pytest.raises(ValidationError, match=r"^last name: contains a hidden"):
        clients.add_client(vault, first_name="Ana", last_name="Flores\u2066")
    with pytest.raises(ValidationError, match=r"^employer name: contains"):
        employers.add_employer(vault, name="Acme\x07")
    with pytest.raises(ValidationError, match=r"^staff name: contains"):
        staff.add_staff(vault, name="Rosa\x1b[31m")
    client = clients.add_client(vault, first_name="Ana", last_name="Flores").record
    notes.add_note(vault, client_id=client.id, body="Called.\nLeft a message.")
    assert clients.count_clients(vault) == 1


def test_text_stored_before_the_check_never_breaks_drafts_indexes_or_reports(
    worksite: Worksite,  # noqa: F811 (the fixture imported above)
    tmp_path: Path,
) -> None:
    """A vertical tab already in a vault (typed before names were checked) used to make the
    weekly report and a batch's index.docx fail; now it shows as � and everything is written."""
    vault = worksite.vault
    with vault.engine.begin() as conn:
        conn.execute(
            text("UPDATE client SET last_name = 'Pérez\vNúñez' WHERE first_name = 'Suharti'")
        )
        conn.execute(text("UPDATE employer SET name = 'Riverbend\vMeat Packers Inc.'"))
    report = documents.render_documents(
        vault, template="client-renewal-reminder", letter_id=worksite.letter_id,
        out_dir=tmp_path / "batch", today=TODAY,
    )  # fmt: skip
    assert not report.failed and len(report.written) == len(worksite.matters)
    index = Document(str(tmp_path / "batch" / "index.docx"))
    assert "Riverbend\ufffdMeat Packers Inc." in index.paragraphs[0].text
    workers = [r.cells[0].text for r in index.tables[0].rows[1:]]
    assert "Suharti Pérez\ufffdNúñez" in workers
    out = tmp_path / "weekly.docx"
    reports.deadline_report(vault, out=out, today=TODAY)
    body = io.BytesIO(out.read_bytes())
    cells = [c.text for t in Document(body).tables for r in t.rows for c in r.cells]
    assert any("Pérez\ufffdNúñez" in c for c in cells)


def test_an_index_that_still_fails_names_the_record(
    worksite: Worksite,  # noqa: F811 (the fixture imported above)
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Defence in depth: were the escape ever to miss a character, the batch index's failure
    says whose record it is (it used to be "unexpected error (ValueError)")."""
    from clinic_app.documents import index as index_writer

    monkeypatch.setattr(index_writer, "docx_text", str)
    vault = worksite.vault
    with vault.engine.begin() as conn:
        conn.execute(
            text("UPDATE client SET last_name = 'Pérez\vNúñez' WHERE first_name = 'Suharti'")
        )
    suharti = worksite.matters["Suharti"]
    with pytest.raises(
        UserError,
        match=rf"^index.docx could not be written: the row of matter {suharti} \(Suharti Pérez",
    ):
        documents.render_documents(
            vault, template="client-renewal-reminder", letter_id=worksite.letter_id,
            out_dir=tmp_path / "batch", today=TODAY,
        )  # fmt: skip
