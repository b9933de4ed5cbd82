"""The index of a batch: index.csv (for spreadsheets) and index.docx (to print), same rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from clinic_app.documents.xmltext import docx_text
from clinic_app.errors import UserError
from clinic_app.i18n import N_, _
from clinic_app.vault.fsutil import atomic_write

# (key in index.csv, heading in index.docx, width in inches on a landscape Letter page): the
# file name and the note get the room, the numbers only theirs.
COLUMNS = (
    ("worker", N_("Worker"), 1.35),
    ("client_id", N_("Client"), 0.7),
    ("matter_id", N_("Matter"), 0.75),
    ("kind", N_("Request"), 0.85),
    ("language", N_("Language"), 0.95),
    ("checklist", N_("Checklist"), 0.9),
    ("file", N_("File"), 1.7),
    ("note", N_("Note"), 2.4),
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
    writer.writerow([key for key, _title, _width in COLUMNS])
    for row in rows:
        writer.writerow([_cell(getattr(row, key)) for key, _title, _width in COLUMNS])
    # UTF-8 with a byte-order mark, so spreadsheet programs read the accents right.
    atomic_write(path, buffer.getvalue().encode("utf-8-sig"))


def write_docx(path: Path, *, title: str, subtitle: str, rows: Sequence[IndexRow]) -> None:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
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
    table.autofit = False
    # Word and LibreOffice size columns from the grid, not only from each cell.
    for grid, (_key, _heading, width) in zip(
        table._tbl.tblGrid.findall(qn("w:gridCol")), COLUMNS, strict=True
    ):
        grid.set(qn("w:w"), str(int(width * 1440)))
    # The headings again at the top of every printed page.
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell, (_key, heading, width) in zip(table.rows[0].cells, COLUMNS, strict=True):
        cell.text = _(heading)
        cell.width = Inches(width)
    for row in rows:
        cells = table.add_row().cells
        try:
            for cell, (key, _heading, width) in zip(cells, COLUMNS, strict=True):
                cell.text = docx_text(getattr(row, key))
                cell.width = Inches(width)
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
