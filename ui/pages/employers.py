"""Employers & letters: employers with their worksites and disputes, agency letters and the workers they cover."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from clinic_app.i18n import N_, _, ngettext
from clinic_app.services import employers, letters, matters, vocab
from clinic_app.services.changes import DISPUTE, EMPLOYER, LETTER, MATTER, WORKSITE
from ui.bus import ChangeBus
from ui.date_input import shown_day
from ui.employer_dialogs import EmployerDialog, LetterDialog, WorksiteDialog
from ui.forms import RecordDialog
from ui.labels import KIND_LABELS, STATUS_LABELS
from ui.matter_editor import MatterDialog
from ui.pages.base import Page


def _hint(view: QListWidget, text: str) -> None:
    """A line in an empty list saying what to do (greyed, never chosen or acted on)."""
    item = QListWidgetItem(text)
    item.setFlags(Qt.ItemFlag.NoItemFlags)
    view.addItem(item)


class EmployersPage(Page):
    title = N_("Employers & letters")
    open_matter = Signal(int)
    prepare_packets = Signal(int)  # a letter id: Documents renders for every covered worker

    def __init__(self, bus: ChangeBus) -> None:
        super().__init__(bus)
        self.employer_list = QListWidget()
        self.employer_list.setAccessibleName(_("Employers"))
        self.employer_list.setMinimumWidth(220)
        self.employer_list.currentItemChanged.connect(lambda *_a: self._show_employer())
        self.new_employer = QPushButton(_("New employer…"))
        self.new_employer.clicked.connect(lambda _c=False: self.add_employer())
        self.edit_employer_button = QPushButton(_("Edit employer…"))
        self.edit_employer_button.clicked.connect(lambda _c=False: self.edit_employer())
        self.worksite_list = QListWidget()
        self.worksite_list.setAccessibleName(_("Worksites"))
        self.worksite_list.itemActivated.connect(lambda _i: self.edit_worksite())
        self.new_worksite = QPushButton(_("Add worksite…"))
        self.new_worksite.clicked.connect(lambda _c=False: self.add_worksite())
        self.edit_worksite_button = QPushButton(_("Edit worksite…"))
        self.edit_worksite_button.clicked.connect(lambda _c=False: self.edit_worksite())
        self.new_letter = QPushButton(_("New agency letter…"))
        self.new_letter.clicked.connect(lambda _c=False: self.add_letter())
        self.edit_letter_button = QPushButton(_("Edit letter…"))
        self.edit_letter_button.clicked.connect(lambda _c=False: self.edit_letter())
        self.add_worker_button = QPushButton(_("Add a worker…"))
        self.add_worker_button.setToolTip(
            _(
                "Open a matter under this letter for a worker it covers (a new client or one on file)"
            )
        )
        self.add_worker_button.clicked.connect(lambda _c=False: self.add_worker())
        self.packets_button = QPushButton(_("Prepare packets for all covered workers…"))
        self.packets_button.clicked.connect(lambda _c=False: self._prepare_packets())
        self.details = QLabel()
        self.details.setObjectName("employerDetails")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.letter_list = QListWidget()
        self.letter_list.setAccessibleName(_("Agency letters"))
        self.letter_list.currentItemChanged.connect(lambda *_a: self._show_letter())
        self.covered = QListWidget()
        self.covered.setAccessibleName(_("Workers covered by the letter"))
        self.covered.itemActivated.connect(self._open_covered)
        self.covered_label = QLabel()

        left = QWidget()
        lbox = QVBoxLayout(left)
        lbox.setContentsMargins(0, 0, 0, 0)
        lbox.addWidget(QLabel(_("Employers")))
        lbox.addWidget(self.employer_list)
        lbox.addWidget(self.new_employer)
        lbox.addWidget(self.edit_employer_button)
        right = QWidget()
        rbox = QVBoxLayout(right)
        rbox.setContentsMargins(0, 0, 0, 0)
        rbox.addWidget(self.details)
        sites = QHBoxLayout()
        sites.addWidget(QLabel(_("Worksites")))
        sites.addStretch(1)
        sites.addWidget(self.new_worksite)
        sites.addWidget(self.edit_worksite_button)
        rbox.addLayout(sites)
        rbox.addWidget(self.worksite_list)
        row = QHBoxLayout()
        row.addWidget(QLabel(_("Agency letters (Statements of Interest)")))
        row.addStretch(1)
        row.addWidget(self.new_letter)
        row.addWidget(self.edit_letter_button)
        rbox.addLayout(row)
        rbox.addWidget(self.letter_list, 1)
        row2 = QHBoxLayout()
        row2.addWidget(self.covered_label, 1)
        row2.addWidget(self.add_worker_button)
        row2.addWidget(self.packets_button)
        rbox.addLayout(row2)
        rbox.addWidget(self.covered, 2)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(right)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([280, 870])  # employers' names whole
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    def kinds(self) -> frozenset[str]:
        return frozenset({EMPLOYER, WORKSITE, DISPUTE, LETTER, MATTER})

    def reload(self) -> None:
        current = self.employer_list.currentItem()
        keep = current.data(Qt.ItemDataRole.UserRole) if current else None
        self.employer_list.clear()
        self.letter_list.clear()
        self.covered.clear()
        self.details.clear()
        self.covered_label.clear()
        enabled = self.vault is not None
        self.new_employer.setEnabled(enabled)
        self.worksite_list.clear()
        for button in (
            self.new_letter,
            self.edit_letter_button,
            self.packets_button,
            self.add_worker_button,
            self.edit_employer_button,
            self.new_worksite,
            self.edit_worksite_button,
        ):
            button.setEnabled(False)
        if self.vault is None:
            return
        for employer in employers.list_employers(self.vault):
            item = QListWidgetItem(employer.name)
            item.setData(Qt.ItemDataRole.UserRole, employer.id)
            self.employer_list.addItem(item)
            if employer.id == keep:
                self.employer_list.setCurrentItem(item)
        if self.employer_list.count() == 0:
            self.details.setText(_("No employers yet. Add one, or import a spreadsheet."))
        elif self.employer_list.currentItem() is None:
            self.employer_list.setCurrentRow(0)

    def selected_employer(self) -> int | None:
        item = self.employer_list.currentItem()
        return int(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def selected_letter(self) -> int | None:
        item = self.letter_list.currentItem()
        data = item.data(Qt.ItemDataRole.UserRole) if item else None
        return int(data) if data is not None else None

    def _show_employer(self) -> None:
        self.letter_list.clear()
        self.covered.clear()
        self.worksite_list.clear()
        employer_id = self.selected_employer()
        for button in (self.new_letter, self.edit_employer_button, self.new_worksite):
            button.setEnabled(employer_id is not None)
        self.edit_worksite_button.setEnabled(False)
        if self.vault is None or employer_id is None:
            return
        e = employers.get_employer(self.vault, employer_id=employer_id)
        esc = html.escape
        sites = employers.list_worksites(self.vault, employer_id=employer_id)
        disputes = employers.list_disputes(self.vault, employer_id=employer_id)
        parts = [f"<h2>{esc(e.name)}</h2>"]
        place = ", ".join(p for p in (e.address, e.city, e.state) if p)
        if place:
            parts.append(f"<p>{esc(place)}</p>")
        for d in disputes:
            opened = shown_day(d.opened_on)
            parts.append(
                f"<p><b>{esc(_('Dispute'))}:</b> {esc(d.agency)} {esc(d.case_number)} · "
                f"{esc(d.violation_kind)} · {esc(vocab.label('dispute_status', d.status))} {esc(opened)}</p>"
            )
        self.details.setText("".join(parts))
        for site in sites:
            item = QListWidgetItem(
                ", ".join(p for p in (site.name, site.address, site.city, site.state) if p)
            )
            item.setData(Qt.ItemDataRole.UserRole, site.id)
            self.worksite_list.addItem(item)
        if not sites:
            _hint(self.worksite_list, _("No worksite yet. Add worksite… records one."))
        self.worksite_list.setFixedHeight(min(120, 8 + 22 * max(1, len(sites))))
        self.edit_worksite_button.setEnabled(bool(sites))
        if sites:
            self.worksite_list.setCurrentRow(0)
        for letter in letters.list_letters(self.vault):
            if letter.employer_id != employer_id:
                continue
            period = f"{shown_day(letter.period_start, '?')} → {shown_day(letter.period_end, '?')}"
            text = ngettext(
                "{agency}, issued {date}; covers {period}; {n} matter",
                "{agency}, issued {date}; covers {period}; {n} matters",
                letter.matter_count,
            ).format(
                agency=letter.agency,
                date=shown_day(letter.date_issued, "?"),
                period=period,
                n=letter.matter_count,
            )
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, letter.id)
            self.letter_list.addItem(item)
        if self.letter_list.count():
            self.letter_list.setCurrentRow(0)
        else:
            _hint(
                self.letter_list,
                _(
                    "No agency letter for this employer yet. New agency letter… records one; "
                    "then Add a worker… puts a worker's matter under it."
                ),
            )

    def _show_letter(self) -> None:
        self.covered.clear()
        letter_id = self.selected_letter()
        for button in (self.packets_button, self.add_worker_button, self.edit_letter_button):
            button.setEnabled(letter_id is not None)
        if self.vault is None or letter_id is None:
            self.covered_label.clear()
            return
        found = matters.list_matters(self.vault, letter_id=letter_id)
        self.covered_label.setText(
            ngettext(
                "{n} worker's matter relies on this letter",
                "{n} workers' matters rely on this letter",
                len(found),
            ).format(n=len(found))
        )
        if not found:
            _hint(self.covered, _("Add a worker… puts a worker's matter under this letter."))
        for m in found:
            item = QListWidgetItem(
                f"{m.client_name} · {_(KIND_LABELS.get(m.kind, m.kind))} · "
                f"{_(STATUS_LABELS.get(m.status, m.status))}"
                + (f" · {m.receipt_number}" if m.receipt_number else "")
            )
            item.setData(Qt.ItemDataRole.UserRole, m.id)
            self.covered.addItem(item)

    def _open_covered(self, item: QListWidgetItem) -> None:
        if item.data(Qt.ItemDataRole.UserRole) is None:
            return  # the line saying there is none yet
        self.open_matter.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    def _prepare_packets(self) -> None:
        letter_id = self.selected_letter()
        if letter_id is not None:
            self.prepare_packets.emit(letter_id)

    def _run(self, dialog: RecordDialog) -> bool:
        if dialog.exec():
            self.bus.publish(dialog.changes, dialog.said)
            return True
        return False

    def add_employer(self) -> None:
        if self.vault is None:
            return
        dialog = EmployerDialog(self.vault, self)
        if self._run(dialog):
            self.select_employer(dialog.saved_id)
        elif dialog.conflicts is not None and dialog.conflicts.opened is not None:
            self.select_employer(dialog.conflicts.opened[1])  # already on file

    def edit_employer(self) -> None:
        employer_id = self.selected_employer()
        if self.vault is None or employer_id is None:
            return
        record = employers.get_employer(self.vault, employer_id=employer_id)
        self._run(EmployerDialog(self.vault, self, record=record))

    def add_worksite(self) -> None:
        employer_id = self.selected_employer()
        if self.vault is not None and employer_id is not None:
            self._run(WorksiteDialog(self.vault, employer_id, self))

    def edit_worksite(self) -> None:
        employer_id = self.selected_employer()
        item = self.worksite_list.currentItem()
        if self.vault is None or employer_id is None or item is None:
            return
        if item.data(Qt.ItemDataRole.UserRole) is None:
            return  # the line saying there is none yet
        site_id = int(item.data(Qt.ItemDataRole.UserRole))
        record = next(
            s
            for s in employers.list_worksites(self.vault, employer_id=employer_id)
            if s.id == site_id
        )
        self._run(WorksiteDialog(self.vault, employer_id, self, record=record))

    def add_letter(self) -> None:
        employer_id = self.selected_employer()
        if self.vault is not None and employer_id is not None:
            self._run(LetterDialog(self.vault, employer_id, self))

    def edit_letter(self) -> None:
        employer_id, letter_id = self.selected_employer(), self.selected_letter()
        if self.vault is None or employer_id is None or letter_id is None:
            return
        record = letters.get_letter(self.vault, letter_id=letter_id)
        self._run(LetterDialog(self.vault, employer_id, self, record=record))

    def add_worker(self) -> None:
        """A worker the letter covers: a new client or one on file, with a matter under it."""
        letter_id = self.selected_letter()
        if self.vault is None or letter_id is None:
            return
        dialog = MatterDialog(self.vault, letter_id=letter_id, parent=self)
        if dialog.exec() and dialog.saved_id is not None:
            self.bus.publish(dialog.changes, dialog.said)
            self.select_letter(letter_id)
            for row in range(self.covered.count()):
                if self.covered.item(row).data(Qt.ItemDataRole.UserRole) == dialog.saved_id:
                    self.covered.setCurrentRow(row)

    def select_employer(self, employer_id: int | None) -> None:
        for row in range(self.employer_list.count()):
            if self.employer_list.item(row).data(Qt.ItemDataRole.UserRole) == employer_id:
                self.employer_list.setCurrentRow(row)

    def select_letter(self, letter_id: int) -> None:
        for row in range(self.letter_list.count()):
            if self.letter_list.item(row).data(Qt.ItemDataRole.UserRole) == letter_id:
                self.letter_list.setCurrentRow(row)
