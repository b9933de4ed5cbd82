"""Malicious and malformed spreadsheets: never a crash, never a half-written vault, and
formula-looking text never executed on import nor handed back as a formula in an export.

test_import.py holds random bytes, damaged workbooks and huge cells; this file adds rows built
from hostile cell values in any encoding, random workbooks, and the exports the app writes from
imported text: the batch index (index.csv, the only spreadsheet the app writes), index.docx and
the documents themselves. With --long the same tests run ten times as many examples.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from clinic_app.documents import index
from clinic_app.documents.engine import read_text
from clinic_app.errors import UserError
from clinic_app.resources import resource_path
from clinic_app.services import clients, documents, employers, importing, letters, notes
from clinic_app.services.changes import CLIENT
from clinic_app.services.vault_ops import Vault
from tests.core.helpers import CLINIC_DETAILS, IMPORT_HEADER, dump_tables, fuzz, write_csv

FORMULAS = [
    '=HYPERLINK("http://x","y")',
    "@SUM(1+1)",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "=1+1",
    '=cmd|" /C calc"!A0',
    "\t=1+1",
]
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
CI_EXAMPLES = 30
LONG_EXAMPLES = 300
TODAY = date(2025, 1, 1)
CLINIC = CLINIC_DETAILS
GOOD = {
    "first_name": "Ana",
    "last_name": "López",
    "date_of_birth": "1990-05-01",
    "a_number": "A111222333",
    "employer": "Acme Farms",
    "worksite_city": "Salinas",
    "worksite_state": "CA",
    "agency": "DOL-WHD",
    "letter_date": "2023-06-15",
    "letter_period_start": "2022-01-01",
    "letter_period_end": "2024-12-31",
    "matter_kind": "initial",
    "filed_date": "2023-07-01",
    "receipt_number": "IOE1112223334",
    "deferred_action_start": "2023-09-01",
    "deferred_action_end": "2025-08-31",
    "notes": "first note",
}


# -- formulas typed into a spreadsheet ------------------------------------------------------------


@pytest.fixture
def formula_vault(vault: Vault, tmp_path: Path) -> Vault:
    """Workers whose names, employer, city, country and notes are spreadsheet formulas."""
    rows = []
    for i, formula in enumerate(FORMULAS):
        values = dict(GOOD)
        values.update(
            first_name=formula,
            last_name=f"{formula} {i}",
            a_number=f"A11122233{i}",
            receipt_number=f"IOE111222333{i}",
            employer='=HYPERLINK("http://evil.example","Acme")',
            worksite_city="@Salinas",
            notes=formula,
        )
        # (stripped: a tab inside a value is a control character, refused since names are checked)
        rows.append([values[c] for c in IMPORT_HEADER] + [f"+{formula.strip()}"])
    path = write_csv(tmp_path / "formulas.csv", rows, header=[*IMPORT_HEADER, "country_of_birth"])
    report = importing.import_file(vault, path=path)
    assert report.ok, report.problems
    assert report.created[CLIENT] == len(FORMULAS)
    documents.set_clinic_details(vault, values=CLINIC)
    return vault


def test_formula_text_is_stored_as_typed_never_evaluated(formula_vault: Vault) -> None:
    stored = {
        (c.first_name, c.last_name)
        for c in (
            clients.get_client(formula_vault, client_id=r.id)
            for r in clients.list_clients(formula_vault)
        )
    }
    assert stored == {(f.strip(), f"{f} {i}".strip()) for i, f in enumerate(FORMULAS)}
    [employer] = employers.list_employers(formula_vault)
    assert employer.name == '=HYPERLINK("http://evil.example","Acme")'
    bodies = sorted(
        n.body
        for r in clients.list_clients(formula_vault)
        for n in notes.list_notes(formula_vault, client_id=r.id)
    )
    assert bodies == sorted(f.strip() for f in FORMULAS)


def _field_codes(docx: bytes) -> list[str]:
    """Word fields and hyperlinks anywhere in a .docx (what could run or link on opening)."""
    found = []
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                xml = archive.read(name).decode("utf-8", errors="replace")
                found += re.findall(r"<w:(?:fldSimple|instrText|hyperlink|fldChar)\b[^>]*>", xml)
                found += re.findall(r"<w:instrText[^>]*>[^<]*", xml)
    return found


@pytest.mark.parametrize("template", ["declaration", "client-renewal-reminder"])
def test_exports_hand_formulas_back_as_plain_text(
    formula_vault: Vault, tmp_path: Path, template: str
) -> None:
    [letter] = letters.list_letters(formula_vault)
    out = tmp_path / "batch"
    # anyway: the fuzzed matters' states do not fit every template; what is tested here is how
    # the text reaches the files, whatever the state.
    report = documents.render_documents(
        formula_vault, template=template, letter_id=letter.id, out_dir=out, today=TODAY, anyway=True
    )
    assert report.failed == [], [d.problem for d in report.failed]
    assert len(report.written) == len(FORMULAS)

    # index.csv: a cell that would start a formula starts with an apostrophe instead.
    assert report.index_csv is not None and report.index_docx is not None
    with open(report.index_csv, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][0] == "worker"
    for row in rows:
        for cell in row:
            assert not cell.startswith(DANGEROUS_START), f"index.csv cell {cell!r}"
    workers = sorted(row[0] for row in rows[1:])
    names = sorted(d.worker for d in report.written)
    assert workers == sorted("'" + n if n.startswith(DANGEROUS_START) else n for n in names)
    assert any(w.startswith("'=HYPERLINK(") for w in workers)

    # The documents and index.docx carry the text as text: no field or link was made from it.
    shipped = resource_path("templates", "en", f"{template}.docx").read_bytes()
    for made in report.written:
        assert made.path is not None
        data = made.path.read_bytes()
        typed = next(f.strip() for f in FORMULAS if made.worker.startswith(f.strip()))
        assert typed in "\n".join(read_text(data)), made.path.name
        assert _field_codes(data) == _field_codes(shipped), made.path.name
    listing = report.index_docx.read_bytes()
    assert all(d.worker in read_text(listing) for d in report.written)
    assert _field_codes(listing) == []
    one = next(d for d in report.written if d.worker.startswith('=HYPERLINK("http://x"'))
    assert one.path is not None
    assert '=HYPERLINK("http://x","y")' in "\n".join(read_text(one.path.read_bytes()))


@fuzz(200)
@given(
    cells=st.lists(st.text(max_size=40), min_size=3, max_size=3),
    prefix=st.sampled_from(["", *DANGEROUS_START, " ", "'", "\n"]),
)
def test_index_csv_cells_never_start_a_formula(
    tmp_path: Path, cells: list[str], prefix: str
) -> None:
    worker, file, note = (prefix + c for c in cells)
    row = index.IndexRow(worker, 1, 2, "initial", "en", "", file, note)
    path = tmp_path / "index.csv"
    index.write_csv(path, [row])
    with open(path, encoding="utf-8-sig", newline="") as handle:
        [_header, back] = list(csv.reader(handle))
    for typed, written in zip(
        (worker, "1", "2", "initial", "en", "", file, note), back, strict=True
    ):
        assert not written.startswith(DANGEROUS_START), written
        assert written in (typed, "'" + typed)


# -- hostile rows in any encoding ----------------------------------------------------------------

HOSTILE = st.one_of(
    st.sampled_from(FORMULAS),
    st.sampled_from(["", " ", "N/A", "null", "0", "-", "A-12", "IOE", "13/45/2024", "2024-02-30"]),
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12).map(lambda s: s * 900),  # huge
    st.sampled_from(['"', '""', '"unclosed', "a,b", "line\nbreak", "\r", "\x00", "\ufeff"]),
)
ENCODINGS = [
    "utf-8",
    "utf-8-sig",
    "utf-16",
    "utf-16-le",
    "cp1252",
    "latin-1",
    "shift_jis",
    "mac_roman",
]


@st.composite
def hostile_files(draw: st.DrawFn) -> tuple[bytes, str]:
    """A CSV of a few rows: real import columns in any order, each cell good or hostile."""
    required = ["first_name", "last_name", "employer"]
    if draw(st.integers(min_value=0, max_value=9)) == 0:  # now and then a required one is missing
        required.remove(draw(st.sampled_from(required)))
    others = [c for c in IMPORT_HEADER if c not in required] + ["extra", "Notes"]
    columns = draw(
        st.permutations(required + draw(st.lists(st.sampled_from(others), max_size=6, unique=True)))
    )
    rows = []
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        rows.append([draw(st.one_of(st.just(GOOD.get(c, "")), HOSTILE)) for c in columns])
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows(rows)
    encoding = draw(st.sampled_from(ENCODINGS))
    return buffer.getvalue().encode(encoding, errors="replace"), encoding


def _import_never_half_writes(vault: Vault, path: Path) -> None:
    before = dump_tables(vault)
    try:
        report = importing.import_file(vault, path=path)
    except UserError as exc:
        event("refused the file")
        assert exc.message.strip() and "Traceback" not in exc.message
        assert dump_tables(vault) == before
        return
    after = dump_tables(vault)
    event("imported" if report.ok else "listed problems")
    if not report.ok:
        assert after == before, "a refused import wrote something"
        assert all(p.row >= 2 and "\n" not in str(p) for p in report.problems), report.problems
        return
    # A good import only adds: nothing that was there before changed or went away.
    for table, rows in before.items():
        if table not in ("client_search",):
            assert set(rows) <= set(after[table]), f"an import changed existing rows of {table}"
    assert len(after["client"]) == len(before["client"]) + report.created.get(CLIENT, 0)


@fuzz(CI_EXAMPLES, LONG_EXAMPLES)
@given(file=hostile_files())
def test_hostile_rows_in_any_encoding_never_crash_or_half_write(
    sample_vault: Vault, tmp_path: Path, file: tuple[bytes, str]
) -> None:
    data, _encoding = file
    path = tmp_path / "hostile.csv"
    path.write_bytes(data)
    _import_never_half_writes(sample_vault, path)


# -- hostile workbooks ------------------------------------------------------------------------------


@st.composite
def hostile_workbooks(draw: st.DrawFn) -> list[list[object]]:
    others = [c for c in IMPORT_HEADER if c not in ("first_name", "last_name", "employer")]
    extra = draw(st.lists(st.sampled_from(others), max_size=5, unique=True))
    columns = draw(st.permutations(["first_name", "last_name", "employer", *extra]))
    cell = st.one_of(
        st.sampled_from(FORMULAS),  # openpyxl saves text starting with "=" as a formula
        st.text(max_size=20).map(lambda s: ILLEGAL_CHARACTERS_RE.sub("", s)),
        st.integers(min_value=-(10**12), max_value=10**12),
        st.floats(allow_nan=False, allow_infinity=False),
        st.dates(min_value=date(1900, 1, 1)),
        st.none(),
    )
    rows: list[list[object]] = [list(columns)]
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        rows.append([draw(st.one_of(st.just(GOOD.get(c, "")), cell)) for c in columns])
    return rows


def _workbook_case(vault: Vault, tmp_path: Path, rows: list[list[object]]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for values in rows:
        sheet.append(values)
    path = tmp_path / "hostile.xlsx"
    book.save(path)
    before = {table: set(rows) for table, rows in dump_tables(vault).items()}
    _import_never_half_writes(vault, path)
    added = [
        value
        for table, rows in dump_tables(vault).items()
        for row in set(rows) - before[table]
        for value in row
    ]
    # openpyxl saved every text starting with "=" (longer than "=") as a formula cell, with no
    # saved result: such a row is reported, and nothing of the file is imported.
    formulas = [v for row in rows[1:] for v in row if isinstance(v, str) and v[:1] == "=" and v[1:]]
    if formulas:
        assert added == [], f"a workbook with the formula {formulas[0]!r} was imported"


@fuzz(CI_EXAMPLES, LONG_EXAMPLES)
@given(rows=hostile_workbooks())
def test_hostile_workbooks_never_crash_or_store_a_formula(
    sample_vault: Vault, tmp_path: Path, rows: list[list[object]]
) -> None:
    _workbook_case(sample_vault, tmp_path, rows)


def test_a_row_of_formulas_without_values_is_reported_not_skipped(
    vault: Vault, tmp_path: Path
) -> None:
    """Found by the workbook fuzz: such a row read as blank and the import passed with 0 rows."""
    before = dump_tables(vault)
    rows: list[list[object]] = [
        ["first_name", "last_name", "employer"],
        ['=HYPERLINK("http://x","y")', None, "=1+1"],
    ]
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for values in rows:
        sheet.append(values)
    book.save(tmp_path / "formulas.xlsx")
    report = importing.import_file(vault, path=tmp_path / "formulas.xlsx")
    assert not report.ok
    assert {(p.row, p.column) for p in report.problems} == {(2, "first_name"), (2, "employer")}
    assert all("formula saved without its value" in p.reason for p in report.problems)
    assert dump_tables(vault) == before
