"""Employers & letters: employers with their worksites and disputes, agency letters and the workers they cover."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from clinic_app.errors import ClinicError
from clinic_app.i18n import N_, _
from clinic_app.services import ChangeSet, employers, letters, matters
from clinic_app.services.changes import DISPUTE, EMPLOYER, LETTER, MATTER, WORKSITE
from clinic_app.services.vault_ops import Vault
from ui.bus import ChangeBus
from ui.feedback import desktop_message
from ui.forms import error_label, save_cancel
from ui.pages.base import Page


class EmployerDialog(QDialog):
    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vault = vault
        self.changes = ChangeSet()
        self.setWindowTitle(_("New employer"))
        self.name = QLineEdit()
        self.name.setAccessibleName(_("Employer name"))
        self.address = QLineEdit()
        self.address.setAccessibleName(_("Address"))
        self.city = QLineEdit()
        self.city.setAccessibleName(_("City"))
        self.state = QLineEdit()
        self.state.setAccessibleName(_("State"))
        self.error = error_label()
        form = QFormLayout(self)
        form.addRow(_("Name"), self.name)
        form.addRow(_("Address"), self.address)
        form.addRow(_("City"), self.city)
        form.addRow(_("State"), self.state)
        form.addRow(self.error)
        buttons = save_cancel(self, self.save)
        form.addRow(buttons)

    def save(self) -> None:
        try:
            result = employers.add_employer(
                self.vault,
                name=self.name.text(),
                address=self.address.text(),
                city=self.city.text(),
                state=self.state.text(),
            )
        except ClinicError as exc:
            self.error.setText(desktop_message(exc))
            return
        self.changes = result.changes
        self.accept()


class LetterDialog(QDialog):
    """Record a Statement of Interest for an employer."""

    def __init__(self, vault: Vault, employer_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vault, self.employer_id = vault, employer_id
        self.changes = ChangeSet()
        self.setWindowTitle(_("New agency letter"))
        self.agency = QLineEdit()
        self.agency.setPlaceholderText("DOL-WHD, NLRB, EEOC, OSHA, NY State DOL…")
        self.agency.setAccessibleName(_("Agency"))
        self.issued = QLineEdit()
        self.issued.setPlaceholderText("YYYY-MM-DD")
        self.issued.setAccessibleName(_("Date issued"))
        self.start = QLineEdit()
        self.start.setPlaceholderText("YYYY-MM-DD")
        self.start.setAccessibleName(_("Covered period start"))
        self.end = QLineEdit()
        self.end.setPlaceholderText("YYYY-MM-DD")
        self.end.setAccessibleName(_("Covered period end"))
        self.reference = QLineEdit()
        self.reference.setAccessibleName(_("Reference"))
        self.error = error_label()
        form = QFormLayout(self)
        form.addRow(_("Agency"), self.agency)
        form.addRow(_("Date issued"), self.issued)
        form.addRow(_("Period start"), self.start)
        form.addRow(_("Period end"), self.end)
        form.addRow(_("Reference"), self.reference)
        form.addRow(self.error)
        buttons = save_cancel(self, self.save)
        form.addRow(buttons)

    def save(self) -> None:
        try:
            result = letters.add_letter(
                self.vault,
                agency=self.agency.text(),
                employer_id=self.employer_id,
                date_issued=self.issued.text() or None,
                period_start=self.start.text() or None,
                period_end=self.end.text() or None,
                reference=self.reference.text(),
            )
        except ClinicError as exc:
            self.error.setText(desktop_message(exc) + " " + _("Nothing was saved."))
            return
        self.changes = result.changes
        self.accept()


class EmployersPage(Page):
    title = N_("Employers & letters")
    open_matter = Signal(int)
    prepare_packets = Signal(
        int
    )  # a letter id: the Documents screen renders for every covered worker

    def __init__(self, bus: ChangeBus) -> None:
        super().__init__(bus)
        self.employer_list = QListWidget()
        self.employer_list.setAccessibleName(_("Employers"))
        self.employer_list.currentItemChanged.connect(lambda *_a: self._show_employer())
        self.new_employer = QPushButton(_("New employer…"))
        self.new_employer.clicked.connect(self.add_employer)
        self.new_letter = QPushButton(_("New agency letter…"))
        self.new_letter.clicked.connect(self.add_letter)
        self.packets_button = QPushButton(_("Prepare packets for all covered workers…"))
        self.packets_button.clicked.connect(self._prepare_packets)
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
        right = QWidget()
        rbox = QVBoxLayout(right)
        rbox.setContentsMargins(0, 0, 0, 0)
        rbox.addWidget(self.details)
        row = QHBoxLayout()
        row.addWidget(QLabel(_("Agency letters (Statements of Interest)")))
        row.addStretch(1)
        row.addWidget(self.new_letter)
        rbox.addLayout(row)
        rbox.addWidget(self.letter_list, 1)
        row2 = QHBoxLayout()
        row2.addWidget(self.covered_label)
        row2.addStretch(1)
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
        self.new_letter.setEnabled(False)
        self.packets_button.setEnabled(False)
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
        return int(item.data(Qt.ItemDataRole.UserRole)) if item else None

    def _show_employer(self) -> None:
        self.letter_list.clear()
        self.covered.clear()
        employer_id = self.selected_employer()
        self.new_letter.setEnabled(employer_id is not None)
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
        if sites:
            parts.append(
                "<p><b>"
                + esc(_("Worksites"))
                + ":</b> "
                + esc(
                    "; ".join(
                        ", ".join(p for p in (s.name, s.address, s.city, s.state) if p)
                        for s in sites
                    )
                )
                + "</p>"
            )
        for d in disputes:
            opened = d.opened_on.isoformat() if d.opened_on else ""
            parts.append(
                f"<p><b>{esc(_('Dispute'))}:</b> {esc(d.agency)} {esc(d.case_number)} · "
                f"{esc(d.violation_kind)} · {esc(d.status)} {esc(opened)}</p>"
            )
        self.details.setText("".join(parts))
        for letter in letters.list_letters(self.vault):
            if letter.employer_id != employer_id:
                continue
            period = f"{letter.period_start or '?'} → {letter.period_end or '?'}"
            text = _("{agency}, issued {date}; covers {period}; {n} matters").format(
                agency=letter.agency,
                date=letter.date_issued or "?",
                period=period,
                n=letter.matter_count,
            )
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, letter.id)
            self.letter_list.addItem(item)
        if self.letter_list.count():
            self.letter_list.setCurrentRow(0)

    def _show_letter(self) -> None:
        self.covered.clear()
        letter_id = self.selected_letter()
        self.packets_button.setEnabled(letter_id is not None)
        if self.vault is None or letter_id is None:
            self.covered_label.clear()
            return
        found = matters.list_matters(self.vault, letter_id=letter_id)
        self.covered_label.setText(
            _("{n} workers' matters rely on this letter").format(n=len(found))
        )
        for m in found:
            item = QListWidgetItem(
                f"{m.client_name} · {m.kind} · {m.status.replace('_', ' ')}"
                + (f" · {m.receipt_number}" if m.receipt_number else "")
            )
            item.setData(Qt.ItemDataRole.UserRole, m.id)
            self.covered.addItem(item)

    def _open_covered(self, item: QListWidgetItem) -> None:
        self.open_matter.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    def _prepare_packets(self) -> None:
        letter_id = self.selected_letter()
        if letter_id is not None:
            self.prepare_packets.emit(letter_id)

    def add_employer(self) -> None:
        if self.vault is None:
            return
        dialog = EmployerDialog(self.vault, self)
        if dialog.exec():
            self.bus.publish(dialog.changes)

    def add_letter(self) -> None:
        employer_id = self.selected_employer()
        if self.vault is None or employer_id is None:
            return
        dialog = LetterDialog(self.vault, employer_id, self)
        if dialog.exec():
            self.bus.publish(dialog.changes)
