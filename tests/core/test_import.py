"""Spreadsheet import: validation of every row, all-or-nothing writes, matching, CSV and XLSX."""

from __future__ import annotations

import io
import random
import re
import zipfile
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinic_app.errors import UserError
from clinic_app.services import audit_log, clients, employers, importing, letters, matters, notes
from clinic_app.services.changes import CLIENT, EMPLOYER, GRANT, LETTER, MATTER, NOTE, WORKSITE
from clinic_app.services.vault_ops import Vault
from tests.conftest import SAMPLE_CSV
from tests.core.helpers import IMPORT_HEADER, dump_tables, write_csv

GOOD = [
    "Ana",
    "López",
    "1990-05-01",
    "A111222333",
    "Acme Farms",
    "Salinas",
    "CA",
    "DOL-WHD",
    "2023-06-15",
    "2022-01-01",
    "2024-12-31",
    "initial",
    "2023-07-01",
    "IOE1112223334",
    "2023-09-01",
    "2025-08-31",
    "first note",
]


def row(**changes: str) -> list[str]:
    values = dict(zip(IMPORT_HEADER, GOOD, strict=True))
    values.update(changes)
    return [values[c] for c in IMPORT_HEADER]


def counts(vault: Vault) -> tuple[int, int, int, int, int]:
    return (
        clients.count_clients(vault),
        len(employers.list_employers(vault)),
        len(letters.list_letters(vault)),
        len(matters.list_matters(vault)),
        len(audit_log.list_events(vault, limit=100_000)),
    )


# -- the sample spreadsheet -----------------------------------------------------------------


def test_sample_spreadsheet_imports_cleanly(vault: Vault) -> None:
    assert SAMPLE_CSV.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, as Excel saves it
    seen: list[tuple[int, int]] = []
    report = importing.import_file(
        vault, path=SAMPLE_CSV, progress=lambda d, t: seen.append((d, t))
    )
    assert report.ok and report.problems == []
    assert report.warnings == []
    assert report.rows == 24
    assert report.created[CLIENT] == 24
    assert report.created[EMPLOYER] == 4
    assert report.created[LETTER] == 4
    assert report.created[MATTER] == 24
    assert report.changes.kinds == frozenset(report.created)
    assert {CLIENT, EMPLOYER, WORKSITE, LETTER, MATTER, GRANT, NOTE} == report.changes.kinds
    assert seen[-1] == (24, 24)

    assert clients.count_clients(vault) == 24
    assert len(matters.list_matters(vault)) == 24
    names = sorted(e.name for e in employers.list_employers(vault))
    assert names == [
        "Evergreen Landscaping Services",
        "Harborview Hotel & Suites",
        "Pacific Garment Works",
        "Riverbend Meat Packers Inc.",
    ]


def test_sample_rows_share_employers_and_letters(sample_vault: Vault) -> None:
    by_employer = Counter(m.employer for m in matters.list_matters(sample_vault))
    assert set(by_employer.values()) == {6}
    found = letters.list_letters(sample_vault)
    assert len(found) == 4
    # The same letter is written 2023-06-15 on some rows and 06/15/2023 on others.
    assert {(lt.agency, lt.employer, lt.date_issued, lt.matter_count) for lt in found} == {
        ("DOL-WHD", "Riverbend Meat Packers Inc.", date(2023, 6, 15), 6),
        ("OSHA", "Evergreen Landscaping Services", date(2023, 7, 30), 6),
        ("NLRB", "Pacific Garment Works", date(2023, 9, 13), 6),
        ("EEOC", "Harborview Hotel & Suites", date(2023, 10, 28), 6),
    }
    for letter in found:
        in_letter = matters.list_matters(sample_vault, letter_id=letter.id)
        assert {m.employer_id for m in in_letter} == {letter.employer_id}


def test_sample_values_are_normalized(sample_vault: Vault) -> None:
    [brenda] = clients.list_clients(sample_vault, search_text="brenda flores")
    record = clients.get_client(sample_vault, client_id=brenda.id)
    assert record.last_name == "Flores Nájera"
    assert record.a_number == "A763371143"  # typed A-763-371-143
    assert record.date_of_birth == date(1966, 2, 2)  # typed 02/02/1966
    assert record.preferred_languages == ("es",)  # typed Spanish
    [matter] = matters.list_matters(sample_vault, client_id=brenda.id)
    assert matter.receipt_number == "IOE8100104729"
    assert matter.status == "decision" and matter.decision == "granted"
    assert matter.grant_end == date(2025, 11, 28)
    assert matter.filed_on == date(2023, 9, 15)
    grants = matters.list_grants(sample_vault, matter_id=matter.id)
    assert {(g.kind, g.start, g.end) for g in grants} == {
        ("deferred_action", date(2023, 11, 29), date(2025, 11, 28)),
        ("work_permit", date(2023, 11, 29), date(2025, 11, 28)),
    }
    [alejandro] = clients.list_clients(sample_vault, search_text="alejandro aguilar")
    assert [n.body for n in notes.list_notes(sample_vault, client_id=alejandro.id)] == [
        "Prefers calls after 6pm; do not leave voicemail."
    ]


def test_dry_run_writes_nothing(vault: Vault) -> None:
    before = dump_tables(vault)
    report = importing.import_file(vault, path=SAMPLE_CSV, dry_run=True)
    assert report.ok and report.dry_run
    assert report.created[CLIENT] == 24 and report.created[MATTER] == 24
    assert report.changes.empty
    assert dump_tables(vault) == before


def test_importing_twice_creates_no_duplicates(sample_vault: Vault) -> None:
    before = counts(sample_vault)
    report = importing.import_file(sample_vault, path=SAMPLE_CSV)
    assert report.ok
    assert report.created == {}
    assert report.changes.empty
    after = counts(sample_vault)
    assert after[:4] == before[:4]
    assert after[4] == before[4] + 1  # only the "import" event itself
    client_matches = [m for m in report.matches if "no new client was created" in m]
    assert len(client_matches) == 24
    assert any(
        m.startswith("row 2: matches client") and "same A-number" in m for m in report.matches
    )
    # Row 5 (Dilma Toj) has no A-number: matched by name and date of birth.
    assert any(
        m.startswith("row 5: matches client") and "same name and date of birth" in m
        for m in report.matches
    )
    assert any(
        m.startswith("row 2: matter with receipt IOE8100000000 already exists")
        for m in report.matches
    )
    # The last row has no receipt number: matched as the same kind of matter.
    assert any(
        m.startswith("row 25: client") and "already has this initial matter" in m
        for m in report.matches
    )


def test_existing_client_is_matched_by_a_number_spelling(vault: Vault, tmp_path: Path) -> None:
    existing = clients.add_client(
        vault, first_name="Ana", last_name="Lopez", a_number="111222333"
    ).record
    report = importing.import_file(
        vault, path=write_csv(tmp_path / "a.csv", [row(a_number="A-111-222-333")])
    )
    assert report.ok
    assert CLIENT not in report.created
    assert report.matches[0].startswith(f"row 2: matches client {existing.id} (same A-number)")
    assert [m.client_id for m in matters.list_matters(vault)] == [existing.id]


# -- bad rows -----------------------------------------------------------------------------------


def test_bad_rows_import_nothing_and_list_every_problem(
    sample_vault: Vault, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "bad.csv",
        [
            row(),  # row 2 is fine
            row(a_number="A12", receipt_number=""),  # row 3
            row(a_number="", letter_date="2023-02-30", receipt_number=""),  # row 4
            row(
                a_number="",
                deferred_action_start="2025-01-01",
                deferred_action_end="2024-01-01",
                receipt_number="",
            ),  # row 5
            row(a_number="", employer="", receipt_number=""),  # row 6
            row(a_number="", receipt_number="IOE123"),  # row 7
            [""] * len(IMPORT_HEADER),  # row 8 is blank: skipped, but still counted
            row(a_number="", filed_date="13/01/2024", receipt_number=""),  # row 9
        ],
    )
    before = dump_tables(sample_vault)
    report = importing.import_file(sample_vault, path=path)
    assert not report.ok
    assert report.created == {}
    problems = [str(p) for p in report.problems]
    assert all(re.fullmatch(r"row \d+, [a-z_]+: .+", p) for p in problems), problems
    assert {(p.row, p.column) for p in report.problems} == {
        (3, "a_number"),
        (4, "letter_date"),
        (5, "deferred_action_end"),
        (6, "employer"),
        (7, "receipt_number"),
        (9, "filed_date"),
    }
    assert "row 4, letter_date: '2023-02-30' is not a real calendar date." in problems
    assert "row 6, employer: is required" in problems
    assert (
        "row 9, filed_date: '13/01/2024' is not a real calendar date; use YYYY-MM-DD or MM/DD/YYYY (month first)."
        in problems
    )
    assert any(p.startswith("row 5, deferred_action_end: 2024-01-01 is before") for p in problems)
    assert any(p.startswith("row 3, a_number: must be 7 to 9 digits") for p in problems)
    assert any(
        p.startswith("row 7, receipt_number: must be 3 letters and 10 digits") for p in problems
    )
    assert dump_tables(sample_vault) == before


def test_duplicate_receipt_in_one_file_is_a_problem(vault: Vault, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "dup.csv", [row(), row(a_number="A999888777", first_name="Eva")])
    report = importing.import_file(vault, path=path)
    assert [str(p) for p in report.problems] == [
        "row 3, receipt_number: IOE1112223334 is also on row 2"
    ]
    assert clients.count_clients(vault) == 0


def test_several_problems_on_one_row_are_all_listed(vault: Vault, tmp_path: Path) -> None:
    header = [*IMPORT_HEADER, "email", "preferred_language"]
    path = write_csv(
        tmp_path / "bad.csv",
        [
            [
                *row(
                    first_name="",
                    last_name="",
                    matter_kind="appeal",
                    letter_period_end="2021-01-01",
                ),
                "nope",
                "Elvish",
            ]
        ],
        header=header,
    )
    report = importing.import_file(vault, path=path)
    assert {p.column for p in report.problems} == {
        "first_name",
        "email",
        "preferred_language",
        "matter_kind",
        "letter_period_end",
    }
    assert clients.count_clients(vault) == 0


def test_missing_required_column_is_a_user_error(vault: Vault, tmp_path: Path) -> None:
    header = [c for c in IMPORT_HEADER if c != "employer"]
    path = write_csv(tmp_path / "no-employer.csv", [GOOD[: len(header)]], header=header)
    with pytest.raises(UserError, match="employer"):
        importing.import_file(vault, path=path)
    assert clients.count_clients(vault) == 0


def test_duplicate_and_unknown_columns(vault: Vault, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "dup.csv",
        [["Ana", "Ana", "Lopez", "Acme"]],
        header=["first_name", "First Name", "last_name", "employer"],
    )
    with pytest.raises(UserError, match="appears twice"):
        importing.import_file(vault, path=path)
    path = write_csv(
        tmp_path / "extra.csv",
        [["Ana", "", "Acme", "blue"]],
        header=["First Name", "last name", "Employer*", "favourite colour"],
    )
    report = importing.import_file(vault, path=path)
    assert report.ok
    assert any("favourite colour" in w for w in report.warnings)
    assert clients.count_clients(vault) == 1


def test_windows_1252_file_is_read_with_a_warning(vault: Vault, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "first_name,last_name,employer\nBrenda,Flores Nájera,Señor Pollo\n".encode("cp1252")
    )
    report = importing.import_file(vault, path=path)
    assert report.ok
    assert any("Windows-1252" in w for w in report.warnings)
    [client] = clients.list_clients(vault)
    assert client.last_name == "Flores Nájera"
    assert client.employer == "Señor Pollo"


def test_empty_and_binary_files_are_user_errors(vault: Vault, tmp_path: Path) -> None:
    for name, data in (
        ("empty.csv", b""),
        ("nul.csv", b"first_name\x00,employer\n"),
        ("fake.xlsx", b"PK\x03\x04" + b"\x00" * 64),
        ("word.xlsx", b"hello"),
    ):
        (tmp_path / name).write_bytes(data)
        with pytest.raises(UserError):
            importing.import_file(vault, path=tmp_path / name)
    with pytest.raises(UserError, match=r"missing\.csv does not exist; check the name"):
        importing.import_file(vault, path=tmp_path / "missing.csv")
    assert clients.count_clients(vault) == 0


def test_huge_cells_never_crash_or_write(vault: Vault, tmp_path: Path) -> None:
    long_note = write_csv(tmp_path / "long.csv", [row(notes="x" * 20_000)])
    report = importing.import_file(vault, path=long_note)
    assert [str(p) for p in report.problems] == ["row 2, notes: is longer than 10000 characters"]
    enormous = write_csv(tmp_path / "enormous.csv", [row(notes="y" * 300_000)])
    with pytest.raises(UserError):
        importing.import_file(vault, path=enormous)
    assert clients.count_clients(vault) == 0


HEADER_BYTES = ",".join(IMPORT_HEADER).encode() + b"\n"


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.binary(max_size=3000),
    with_header=st.booleans(),
    suffix=st.sampled_from([".csv", ".xlsx", ".txt"]),
)
def test_random_bytes_never_crash_or_leave_partial_writes(
    sample_vault: Vault, tmp_path: Path, data: bytes, with_header: bool, suffix: str
) -> None:
    path = tmp_path / f"random{suffix}"
    path.write_bytes((HEADER_BYTES if with_header else b"") + data)
    before = clients.count_clients(sample_vault)
    try:
        report = importing.import_file(sample_vault, path=path)
    except UserError as exc:
        assert exc.message
        assert clients.count_clients(sample_vault) == before
        return
    after = clients.count_clients(sample_vault)
    if report.ok:
        assert after == before + report.created.get(CLIENT, 0)
    else:
        assert after == before
        assert all(p.row >= 2 for p in report.problems)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(cells=st.lists(st.text(max_size=60), min_size=3, max_size=3))
def test_arbitrary_cell_text_never_crashes(vault: Vault, tmp_path: Path, cells: list[str]) -> None:
    path = tmp_path / "cells.csv"
    path.write_bytes(b"")
    write_csv(
        path,
        [[cells[0], cells[1], cells[2], "Acme"]],
        header=["first_name", "last_name", "a_number", "employer"],
    )
    before = clients.count_clients(vault)
    try:
        report = importing.import_file(vault, path=path)
    except UserError:
        assert clients.count_clients(vault) == before
        return
    expected = report.created.get(CLIENT, 0) if report.ok else 0
    assert clients.count_clients(vault) == before + expected


# -- XLSX ----------------------------------------------------------------------------------------


def _workbook(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for values in rows:
        sheet.append(values)
    book.save(path)
    return path


def _cache_formula_value(path: Path, cell: str, value: str) -> None:
    """Give a formula cell a saved result, as Excel does when it saves a workbook."""
    source = zipfile.ZipFile(path)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                xml = data.decode()
                xml, n = re.subn(
                    rf'<c r="{cell}">(<f>.*?</f>)<v\s*/?>(</v>)?',
                    rf'<c r="{cell}" t="str">\1<v>{value}</v>',
                    xml,
                )
                assert n == 1, xml
                data = xml.encode()
            target.writestr(item, data)
    source.close()
    path.write_bytes(out.getvalue())


def test_xlsx_import_reads_typed_values(vault: Vault, tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "sheet.xlsx",
        [
            [
                "First Name",
                "Last Name",
                "Date of Birth",
                "A Number",
                "Employer",
                "Filed Date",
                "Receipt Number",
            ],
            [
                "Rosa",
                "Cruz",
                datetime(1985, 3, 4),
                12345678,
                "Acme Farms",
                date(2024, 2, 1),
                "IOE0001112223",
            ],
            ["Luis", "Reyes", "04/05/1990", 987654321.0, "ACME FARMS", None, None],
            [None, None, None, None, None, None, None],
        ],
    )
    report = importing.import_file(vault, path=path)
    assert report.ok, report.problems
    assert report.created[CLIENT] == 2
    assert report.created[EMPLOYER] == 1  # "ACME FARMS" is the same employer
    rosa = clients.get_client(
        vault, client_id=clients.list_clients(vault, search_text="rosa")[0].id
    )
    assert rosa.a_number == "A012345678"
    assert rosa.date_of_birth == date(1985, 3, 4)
    luis = clients.list_clients(vault, search_text="luis")[0]
    assert luis.a_number == "A987654321"
    [matter] = matters.list_matters(vault, client_id=rosa.id)
    assert matter.filed_on == date(2024, 2, 1) and matter.receipt_number == "IOE0001112223"


def _all_text(vault: Vault) -> list[str]:
    values: list[str] = []
    for rows in dump_tables(vault).values():
        for r in rows:
            values.extend(v for v in r if isinstance(v, str))
    return values


def test_xlsx_formula_cells_store_their_result_never_the_formula(
    vault: Vault, tmp_path: Path
) -> None:
    path = _workbook(
        tmp_path / "formula.xlsx",
        [
            ["first_name", "last_name", "employer", "notes"],
            ["Ana", "Lopez", "Acme", '=HYPERLINK("http://x","y")'],
        ],
    )
    _cache_formula_value(path, "D2", "y")
    report = importing.import_file(vault, path=path)
    assert report.ok, report.problems
    [ana] = clients.list_clients(vault)
    assert [n.body for n in notes.list_notes(vault, client_id=ana.id)] == ["y"]
    assert not any("HYPERLINK" in value for value in _all_text(vault))


def test_xlsx_formula_without_saved_result_is_not_stored_as_a_formula(
    vault: Vault, tmp_path: Path
) -> None:
    path = _workbook(
        tmp_path / "formula.xlsx",
        [
            ["first_name", "last_name", "employer", "notes"],
            ["Ana", "Lopez", "Acme", '=HYPERLINK("http://x","y")'],
            ["=1+1", "Ruiz", "Acme", "plain note"],
        ],
    )
    report = importing.import_file(vault, path=path)
    stored = _all_text(vault)
    assert not any(value.startswith("=") for value in stored)
    assert not any("HYPERLINK" in value for value in stored)
    if report.ok:
        assert all(c.first_name != "=1+1" for c in clients.list_clients(vault))


def test_xlsx_formula_without_saved_result_is_reported(vault: Vault, tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "formula.xlsx",
        [
            ["first_name", "last_name", "employer", "notes"],
            ["=1+1", "Ruiz", "Acme", "plain note"],
        ],
    )
    report = importing.import_file(vault, path=path)
    assert report.problems or report.warnings


def test_xlsx_text_that_looks_like_a_formula_is_kept_as_text(vault: Vault, tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "text.xlsx",
        [["first_name", "last_name", "employer", "notes"], ["Ana", "Lopez", "Acme", "placeholder"]],
    )
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet is not None
    sheet["D2"].value = '=cmd|" /C calc"!A0'
    sheet["D2"].data_type = "s"  # a literal string cell, as typed after a leading apostrophe
    book.save(path)
    report = importing.import_file(vault, path=path)
    assert report.ok
    [ana] = clients.list_clients(vault)
    assert [n.body for n in notes.list_notes(vault, client_id=ana.id)] == ['=cmd|" /C calc"!A0']


def test_damaged_xlsx_is_a_user_error(vault: Vault, tmp_path: Path) -> None:
    good = _workbook(tmp_path / "good.xlsx", [["first_name", "employer"], ["Ana", "Acme"]])
    original = good.read_bytes()
    rng = random.Random(20240101)
    unexpected: list[str] = []
    for trial in range(60):
        data = bytearray(original)
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        path = tmp_path / f"damaged-{trial}.xlsx"
        path.write_bytes(bytes(data))
        try:
            importing.import_file(vault, path=path)
        except UserError:
            pass
        except Exception as exc:  # anything else reaches the person as a traceback
            unexpected.append(f"{type(exc).__name__}: {exc}")
    # A workbook.xml cut in half inside an intact zip file.
    cut = tmp_path / "cut.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(cut, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, data[: len(data) // 2] if name == "xl/workbook.xml" else data)
    try:
        importing.import_file(vault, path=cut)
    except UserError:
        pass
    except Exception as exc:
        unexpected.append(f"{type(exc).__name__}: {exc}")
    assert unexpected == []


def test_same_a_number_on_two_names_in_one_file_is_a_problem(vault: Vault, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "clash.csv",
        [row(), row(first_name="Otra", last_name="Persona", receipt_number="IOE9998887776")],
    )
    report = importing.import_file(vault, path=path)
    assert [str(p) for p in report.problems] == [
        "row 3, a_number: A111222333 is also on row 2 for a different name"
    ]
    assert clients.count_clients(vault) == 0


def test_same_worker_twice_in_one_file_is_one_client(vault: Vault, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "twice.csv",
        [
            row(),
            row(
                first_name="ANA",
                last_name="Lopez",
                receipt_number="IOE9998887776",
                matter_kind="renewal",
            ),
        ],
    )
    report = importing.import_file(vault, path=path)
    assert report.ok, report.problems
    assert report.created[CLIENT] == 1 and report.created[MATTER] == 2
    [client] = clients.list_clients(vault)
    assert sorted(m.kind for m in matters.list_matters(vault, client_id=client.id)) == [
        "initial",
        "renewal",
    ]


def test_large_file_is_written_in_batches_and_checks_clean(vault: Vault, tmp_path: Path) -> None:
    from clinic_app.services import check
    from tests.core.helpers import big_csv

    path = big_csv(tmp_path / "big.csv", 1200)
    report = importing.import_file(vault, path=path)
    assert report.ok and report.created[CLIENT] == 1200 and report.created[MATTER] == 1200
    assert report.created[EMPLOYER] == 10
    assert check.check_vault(vault).ok  # the audit chain survived batched writes
    assert clients.count_clients(vault, search_text="Apellido1199") == 1
    again = importing.import_file(vault, path=path)
    assert again.ok and again.created == {}
    assert sum("no new client was created" in m for m in again.matches) == 1200
    assert clients.count_clients(vault) == 1200
    assert check.check_vault(vault).ok


def test_a_grant_starting_later_was_decided_by_today_not_in_the_future(
    vault: Vault, tmp_path: Path
) -> None:
    """The sheet has no decision date: the grant's start stands in for it, but a renewal
    granted early starts after today, and a decision cannot be dated in the future."""
    today = date.today()
    later = date(today.year + 1, today.month, min(today.day, 28))
    sheet = write_csv(
        tmp_path / "early.csv",
        [
            row(),
            row(
                first_name="Luis",
                a_number="A111222444",
                receipt_number="IOE1112223335",
                deferred_action_start=later.isoformat(),
                deferred_action_end=date(later.year + 2, later.month, later.day).isoformat(),
            ),
        ],
    )
    assert importing.import_file(vault, path=sheet).ok
    decided = {m.receipt_number: m.decided_on for m in matters.list_matters(vault)}
    assert decided == {"IOE1112223334": date(2023, 9, 1), "IOE1112223335": today}
