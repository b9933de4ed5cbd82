"""Reading a spreadsheet (CSV or XLSX) as text: a header and rows, within bounds."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from clinic_app.errors import UserError
from clinic_app.i18n import _
from clinic_app.os_errors import read_error_sentence

MAX_ROWS = 200_000
MAX_COLUMNS = 256
MAX_UNPACKED = 1024 * 2**20  # an XLSX's parts, unpacked
MAX_SHARED_STRINGS = 256 * 2**20


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass
class Table:
    """A spreadsheet as text: header, data rows, warnings, and formula cells that have no value."""

    header: list[str]
    rows: list[list[str]]
    warnings: list[str] = field(default_factory=list)
    # (data row offset, column index) of formulas saved without a computed value
    formula_gaps: set[tuple[int, int]] = field(default_factory=set)


def read_table(path: Path) -> Table:
    """Read a CSV or XLSX file; a malformed file is one clear error."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(read_error_sentence(exc, path)) from exc
    if path.suffix.lower() in (".xlsx", ".xlsm") or raw[:4] == b"PK\x03\x04":
        return _read_xlsx(raw, path)
    return _read_csv(raw, path)


def _read_csv(raw: bytes, path: Path) -> Table:
    warnings = []
    if b"\x00" in raw[:4096]:
        raise UserError(
            _(
                "{name} is not a CSV text file (it looks binary); save it as 'CSV UTF-8' and try again."
            ).format(name=path.name)
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's plain "CSV" on Windows writes Windows-1252; say so rather than guess silently.
        text = raw.decode("cp1252", errors="replace")
        warnings.append(
            f"{path.name} is not UTF-8; it was read as Windows-1252. Check accented names, "
            "or save it from Excel as 'CSV UTF-8'."
        )
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))
    except csv.Error as exc:
        raise UserError(
            _("{name} is not a valid CSV file: {error}.").format(name=path.name, error=exc)
        ) from exc
    if not rows:
        raise UserError(
            _("{name} is empty; it needs a header row and one row per worker.").format(
                name=path.name
            )
        )
    return Table([h.strip() for h in rows[0]], [[c.strip() for c in r] for r in rows[1:]], warnings)


def _delimiter(text: str) -> str:
    """The header row's separator: Excel in a Spanish (or French, German…) locale saves CSV
    with semicolons, because the comma is those locales' decimal mark."""
    header = text.split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > counts[","] else ","


def _sheet_rows(raw: bytes, path: Path, *, values: bool) -> list[tuple[object, ...]]:
    """The first sheet's rows, streamed: the sheet's declared size is never trusted (one cell at
    XFD1048576 makes a 5 KB file claim 17 billion cells), so rows and columns are counted as
    they are read and the first one past a limit stops the reading."""
    import openpyxl

    _check_unpacked_size(raw, path)
    try:
        # values=True: a formula's last saved result; formulas are never evaluated or kept.
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=values)
    except Exception as exc:  # zip, XML and zlib errors all mean the same thing to a person
        raise UserError(
            _("{name} is not a readable XLSX workbook; open it in Excel and save it again.").format(
                name=path.name
            )
        ) from exc
    try:
        if not book.worksheets:
            raise UserError(_("{name} has no worksheet.").format(name=path.name))
        return _stream(book, book.worksheets[0], path)
    except UserError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise UserError(
            _("{name} is a damaged XLSX workbook ({kind}).").format(
                name=path.name, kind=type(exc).__name__
            )
        ) from exc
    finally:
        book.close()


def _check_unpacked_size(raw: bytes, path: Path) -> None:
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = archive.infolist()
    except Exception:  # any damage: openpyxl then says so in the usual words
        return
    total = sum(m.file_size for m in members)
    strings = sum(m.file_size for m in members if m.filename.endswith("sharedStrings.xml"))
    if total > MAX_UNPACKED or strings > MAX_SHARED_STRINGS:
        raise UserError(
            _(
                "{name} unpacks to {size} MB, more than the importer reads ({most} MB, of which {most_text} MB of text); split it into smaller files."
            ).format(
                name=path.name,
                size=total // 2**20,
                most=MAX_UNPACKED // 2**20,
                most_text=MAX_SHARED_STRINGS // 2**20,
            )
        )


def _stream(book: Any, sheet: Any, path: Path) -> list[tuple[object, ...]]:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet._reader import WorkSheetParser

    rows: list[tuple[object, ...]] = []
    with sheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,
            data_only=book.data_only,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        for number, cells in parser.parse():
            if number > MAX_ROWS + 1:  # the header is row 1
                raise UserError(
                    _(
                        "{name} has data in row {number}; the importer reads at most {most} rows, so split it into smaller files (nothing was imported)."
                    ).format(name=path.name, number=number, most=MAX_ROWS)
                )
            widest = max((cell["column"] for cell in cells), default=0)
            if widest > MAX_COLUMNS:
                raise UserError(
                    _(
                        "{name} has data in row {number}, column {column}; the importer reads at most {most} columns, so delete the columns it does not need (nothing was imported)."
                    ).format(
                        name=path.name,
                        number=number,
                        column=get_column_letter(widest),
                        most=MAX_COLUMNS,
                    )
                )
            while len(rows) < number - 1:
                rows.append(())  # rows the file leaves out are blank
            row: list[object] = [None] * widest
            for cell in cells:
                row[cell["column"] - 1] = cell["value"]
            rows.append(tuple(row))
    return rows


def _read_xlsx(raw: bytes, path: Path) -> Table:
    cached = _sheet_rows(raw, path, values=True)
    rows = [[_cell(c) for c in row] for row in cached]
    # Looked at before blank rows are dropped: a row of formulas saved without their values
    # reads as blank, and must be reported, not skipped.
    has_blanks = any(c == "" for row in rows for c in row)
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        raise UserError(_("The first sheet of {name} is empty.").format(name=path.name))
    table = Table(rows[0], rows[1:])
    if has_blanks:
        # A formula saved without its result (a file written by a script, not Excel) would
        # otherwise become an empty cell without a word: find those cells and report them.
        formulas = _sheet_rows(raw, path, values=False)
        for r, (with_values, as_written) in enumerate(zip(cached[1:], formulas[1:], strict=False)):
            for c, (value, written) in enumerate(zip(with_values, as_written, strict=False)):
                if value is None and isinstance(written, str) and written.startswith("="):
                    table.formula_gaps.add((r, c))
    return table
