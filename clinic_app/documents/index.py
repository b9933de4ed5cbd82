"""The index of a batch: index.csv (for spreadsheets) and index.docx (to print), same rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from clinic_app.documents.xmltext import docx_text
from clinic_app.errors import UserError
from clinic_app.i18n import _
from clinic_app.vault.fsutil import atomic_write

COLUMNS = (
    ("worker", "Worker"),
    ("client_id", "Client"),
    ("matter_id", "Matter"),
    ("kind", "Request"),
    ("language", "Language"),
    ("checklist", "Checklist"),
    ("file", "File"),
    ("note", "Note"),
)


@dataclass(frozen=True)
class IndexRow:
    worker: str
    client_id: int
    matter_id: int
    kind: str
    language: str
    checklist: str
    file: str  # empty when the document could not be made
    note: str  # why not, the language used instead, or a mailing caution


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A cell starting like a formula would run as one in a spreadsheet.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def write_csv(path: Path, rows: Sequence[IndexRow]) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([key for key, _title in COLUMNS])
    for row in rows:
        writer.writerow([_cell(getattr(row, key)) for key, _title in COLUMNS])
    # UTF-8 with a byte-order mark, so spreadsheet programs read the accents right.
    atomic_write(path, buffer.getvalue().encode("utf-8-sig"))


def write_docx(path: Path, *, title: str, subtitle: str, rows: Sequence[IndexRow]) -> None:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Inches, Pt

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Inches(0.7))
    style = document.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(10)
    document.add_heading(docx_text(title), level=1)
    document.add_paragraph(docx_text(subtitle))
    table = document.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Light Grid Accent 1"
    for cell, (_key, heading) in zip(table.rows[0].cells, COLUMNS, strict=True):
        cell.text = heading
    for row in rows:
        cells = table.add_row().cells
        try:
            for cell, (key, _heading) in zip(cells, COLUMNS, strict=True):
                cell.text = docx_text(getattr(row, key))
        except ValueError as exc:  # text Word cannot hold: say whose row, not just "ValueError"
            raise UserError(
                _(
                    "{name} could not be written: the row of matter {matter_id} ({worker}) holds text Word cannot store ({error}); correct that record and make the index again."
                ).format(
                    name=path.name,
                    matter_id=row.matter_id,
                    worker=row.worker or _("the letter"),
                    error=exc,
                )
            ) from exc
    out = io.BytesIO()
    document.save(out)
    atomic_write(path, out.getvalue())
