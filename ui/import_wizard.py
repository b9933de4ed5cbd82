"""Import a spreadsheet: choose it, preview its rows, see every problem, then import all or nothing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clinic_app.errors import ClinicError
from clinic_app.i18n import _, format_number, ngettext
from clinic_app.services import ChangeSet, importing
from clinic_app.services.importing import ImportReport
from clinic_app.services.vault_ops import Vault
from ui.background import Background, Job
from ui.feedback import desktop_message

PREVIEW_CAP = 320  # pixels: a long note or address is cut, whole in the spreadsheet


def counted(kind: str, n: int) -> str:
    """ "24 clients", "1 agency letter": one kind of record the import makes, in words."""
    if kind == "client":
        return ngettext("{n} client", "{n} clients", n).format(n=format_number(n, ","))
    if kind == "employer":
        return ngettext("{n} employer", "{n} employers", n).format(n=format_number(n, ","))
    if kind == "worksite":
        return ngettext("{n} worksite", "{n} worksites", n).format(n=format_number(n, ","))
    if kind == "letter":
        return ngettext("{n} agency letter", "{n} agency letters", n).format(
            n=format_number(n, ",")
        )
    if kind == "matter":
        return ngettext("{n} matter", "{n} matters", n).format(n=format_number(n, ","))
    if kind == "grant":
        return ngettext("{n} grant", "{n} grants", n).format(n=format_number(n, ","))
    if kind == "note":
        return ngettext("{n} note", "{n} notes", n).format(n=format_number(n, ","))
    return f"{format_number(n, ',')} {kind}"


def made_text(created: dict[str, int]) -> str:
    """What an import makes (or made), kind by kind; "nothing new" when it adds nothing."""
    return ", ".join(counted(kind, n) for kind, n in created.items() if n) or _("nothing new")


def _both_phases(progress: importing.Progress) -> dict[str, importing.Progress]:
    """One bar over the import's two phases: the conflict check of the new workers (most of
    the time in a big vault) fills its first half, writing the rows the second."""
    return {
        "checking": lambda done, total: progress(done, 2 * total),
        "progress": lambda done, total: progress(total + done, 2 * total),
    }


class ImportWizard(QDialog):
    """Checking is a dry run of the real import, so what it reports is exactly what would happen."""

    def __init__(self, vault: Vault, background: Background, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vault, self.background = vault, background
        self.path: Path | None = None
        self.changes = ChangeSet()
        self.job: Job | None = None
        self.setWindowTitle(_("Import a spreadsheet"))
        self.resize(900, 620)
        self.file_label = QLabel(_("Choose a CSV or XLSX spreadsheet."))
        self.file_label.setWordWrap(True)
        # The columns said here, where errors about them send the person (no README at hand);
        # selectable, to copy the names into the spreadsheet's first row.
        self.columns_label = QLabel(
            _(
                "Its first row names the columns, written as here in every language: "
                "{required} are required; it may also have {others}."
            ).format(
                required=", ".join(importing.REQUIRED),
                others=", ".join(c for c in importing.COLUMNS if c not in importing.REQUIRED),
            )
        )
        self.columns_label.setObjectName("importColumns")
        self.columns_label.setWordWrap(True)
        self.columns_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.choose_button = QPushButton(_("Choose file…"))
        self.choose_button.clicked.connect(self.choose)
        self.preview = QTableWidget()
        self.preview.setAccessibleName(_("Preview of the first rows"))
        # Until a file is chosen the summary says what will happen, in place of two empty boxes.
        self.summary = QLabel(
            _(
                "Its first rows will show here, and every row is checked before anything is "
                "written: nothing is imported until you press Import."
            )
        )
        self.summary.setWordWrap(True)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.problems = QListWidget()
        self.problems.setAccessibleName(_("Problems and matches"))
        self.preview.hide()
        self.problems.hide()
        self.progress = QProgressBar()
        self.progress.hide()
        self.import_button = QPushButton(_("Import"))
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.run_import)
        self.cancel_button = QPushButton(_("Close"))
        self.cancel_button.clicked.connect(self._cancel_or_close)
        top = QHBoxLayout()
        top.addWidget(self.file_label, 1)
        top.addWidget(self.choose_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.progress, 1)
        bottom.addStretch(0)  # the buttons keep their width while the bar is hidden
        bottom.addWidget(self.import_button)
        bottom.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.columns_label)
        layout.addWidget(self.preview, 3)
        layout.addWidget(self.summary)
        layout.addWidget(self.problems, 2)
        # Takes the room of the two boxes until a file is chosen (then nothing), so the words
        # stay together at the top.
        layout.addStretch(1)
        layout.addLayout(bottom)
        self._layout, self._room = layout, layout.count() - 2

    def choose(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, _("Choose a spreadsheet"), "", _("Spreadsheets (*.csv *.xlsx)")
        )
        if name:
            self.load(Path(name))

    def load(self, path: Path) -> None:
        """Show the first rows and check every row with a dry run (nothing is written)."""
        self.path = path
        self.file_label.setText(str(path))
        self.preview.show()
        self.problems.show()
        self._layout.setStretch(self._room, 0)
        self.problems.clear()
        self.import_button.setEnabled(False)
        try:
            header, rows = importing.preview(path=path, limit=50)
        except ClinicError as exc:
            self.summary.setText(desktop_message(exc))
            self.preview.clear()
            return
        self.preview.clear()
        self.preview.setColumnCount(len(header))
        self.preview.setRowCount(len(rows))
        self.preview.setHorizontalHeaderLabels(header)
        # Number rows as the spreadsheet does (the header is row 1), like the problem list.
        self.preview.setVerticalHeaderLabels([str(r + 2) for r in range(len(rows))])
        for r, row in enumerate(rows):
            for c, value in enumerate(row[: len(header)]):
                item = QTableWidgetItem(value)
                item.setToolTip(value)  # whole, where the column's cap cuts it
                self.preview.setItem(r, c, item)
        # Each column as wide as its header and values ("deferred_action_start", an employer's
        # whole name), within a cap; the preview scrolls sideways rather than cut them.
        self.preview.resizeColumnsToContents()
        for column in range(len(header)):
            self.preview.setColumnWidth(column, min(PREVIEW_CAP, self.preview.columnWidth(column)))
        self.summary.setText(_("Checking every row…"))
        vault = self.vault
        self._busy(True)
        self.job = self.background.run(
            lambda progress: importing.import_file(
                vault, path=path, dry_run=True, **_both_phases(progress)
            ),
            self._checked,
            self._failed,
            self._progress,
        )

    def _checked(self, report: ImportReport) -> None:
        self._busy(False)
        self._show_report(report)
        if report.ok:
            self.summary.setText(
                ngettext(
                    "{rows} row is ready to import: {made}. Nothing has been written yet.",
                    "{rows} rows are ready to import: {made}. Nothing has been written yet.",
                    report.rows,
                ).format(rows=format_number(report.rows, ","), made=made_text(report.created))
            )
            self.import_button.setEnabled(True)
        else:
            self.summary.setText(
                ngettext(
                    "{n} problem: fix it in the spreadsheet and choose it again. "
                    "Nothing was imported.",
                    "{n} problems: fix them in the spreadsheet and choose it again. "
                    "Nothing was imported.",
                    len(report.problems),
                ).format(n=len(report.problems))
            )

    def _show_report(self, report: ImportReport) -> None:
        self.problems.clear()
        for problem in report.problems:
            self.problems.addItem(str(problem))
        for warning in report.warnings:
            self.problems.addItem(_("Warning: {text}").format(text=warning))
        for match in report.matches:
            self.problems.addItem(match)
        for line in report.possible_duplicates:  # the conflict check, row by row
            self.problems.addItem(_("Possible duplicate: {text}").format(text=line))
        if self.problems.count() == 0 and report.ok:
            # An empty box under the preview would leave a person wondering whether it checked.
            self.problems.addItem(_("No problems found: every row can be imported."))

    def run_import(self) -> None:
        if self.path is None:
            return
        vault, path = self.vault, self.path
        self._busy(True)
        self.summary.setText(_("Importing…"))
        self.job = self.background.run(
            lambda progress: importing.import_file(vault, path=path, **_both_phases(progress)),
            self._imported,
            self._failed,
            self._progress,
        )

    def _imported(self, report: ImportReport) -> None:
        self._busy(False)
        self._show_report(report)
        self.import_button.setEnabled(False)
        if report.ok:
            self.changes = report.changes
            self.summary.setText(
                ngettext(
                    "Imported {rows} row: {made}.", "Imported {rows} rows: {made}.", report.rows
                ).format(rows=format_number(report.rows, ","), made=made_text(report.created))
            )
        else:
            self.summary.setText(_("Nothing was imported."))

    def _failed(self, message: str) -> None:
        self._busy(False)
        self.summary.setText(message)

    def _progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)

    def _busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.progress.setValue(0)
        self.choose_button.setEnabled(not busy)
        self.import_button.setEnabled(False)
        self.cancel_button.setText(_("Cancel") if busy else _("Close"))
        if not busy:
            self.job = None

    def _cancel_or_close(self) -> None:
        if self.job is not None:
            self.job.cancel()
        else:
            self.accept()
