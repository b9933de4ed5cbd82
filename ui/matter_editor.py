"""Open a matter for a client (or add a worker to an agency letter's group), or edit a matter."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clinic_app.errors import ClinicError, ConflictError, ValidationError
from clinic_app.i18n import N_, _
from clinic_app.services import ChangeSet, clients, deadlines, employers, letters, matters, staff
from clinic_app.services.records import MatterRecord
from clinic_app.services.vault_ops import Vault
from ui import conflict_panel
from ui.client_editor import ClientEditor
from ui.date_input import DateInput, shown_day
from ui.feedback import desktop_message, mark_error
from ui.forms import error_label, save_cancel
from ui.guards import guarded
from ui.labels import KIND_LABELS, STATUS_LABELS

DEFAULT_PROGRAM = "labor-deferred-action"
KINDS = ("initial", "renewal", "extension", "other")
# A core field name (as ValidationError names it) → the dialog's field.
ERROR_FIELDS = {
    "client": "client",
    "program": "program",
    "matter kind": "kind",
    "agency letter": "letter",
    "employer": "employer",
    "worksite": "worksite",
    "staff member": "assignee",
    "status": "status",
    "filed on": "filed",
    "receipt number": "receipt",
}
LETTER_TEXT = N_("{agency}, {employer}; covers {start} → {end}")


class MatterDialog(QDialog):
    """New: client, program, kind, agency letter, worksite, assignee. Edit adds the stage, filing
    date and receipt number. Saving runs the services' checks; on error nothing is written."""

    def __init__(
        self,
        vault: Vault,
        *,
        client_id: int | None = None,
        letter_id: int | None = None,
        matter: MatterRecord | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.vault, self.matter = vault, matter
        self.changes = ChangeSet()
        self.saved_id: int | None = None
        self.said = ""
        self.setWindowTitle(_("Edit matter") if matter else _("New matter"))
        self.setMinimumWidth(760)
        self.client = guarded(QComboBox())
        self.client.setEditable(True)
        self.client.setAccessibleName(_("Client"))
        self.client.lineEdit().setPlaceholderText(_("Type a client's name or A-number"))
        self.client.lineEdit().textEdited.connect(self._search_clients)
        self.new_client_button = QPushButton(_("New client…"))
        self.new_client_button.clicked.connect(lambda _c=False: self.new_client())
        self.program = guarded(QComboBox())
        self.program.setAccessibleName(_("Program"))
        for program in deadlines.list_programs(vault, today=date.today()):
            self.program.addItem(program.title, program.id)
        self.kind = guarded(QComboBox())
        self.kind.setAccessibleName(_("Kind"))
        for key in KINDS:
            self.kind.addItem(_(KIND_LABELS[key]), key)
        self.letter = guarded(QComboBox())
        self.letter.setAccessibleName(_("Agency letter"))
        self.letter.addItem(_("None (no agency letter yet)"), None)
        self.employer_ids: dict[int, int] = {}
        for record in letters.list_letters(vault):
            self.employer_ids[record.id] = record.employer_id
            self.letter.addItem(
                _(LETTER_TEXT).format(
                    agency=record.agency,
                    employer=record.employer,
                    start=shown_day(record.period_start, "?"),
                    end=shown_day(record.period_end, "?"),
                ),
                record.id,
            )
        self.employer = guarded(QComboBox())
        self.employer.setAccessibleName(_("Employer"))
        self.employer.addItem(_("None"), None)
        for record in employers.list_employers(vault):
            self.employer.addItem(record.name, record.id)
        self.worksite = guarded(QComboBox())
        self.worksite.setAccessibleName(_("Worksite"))
        self.assignee = guarded(QComboBox())
        self.assignee.setAccessibleName(_("Assigned to"))
        self.assignee.addItem(_("Nobody yet"), None)
        for member in staff.list_staff(vault, active_only=True):
            self.assignee.addItem(member.name, member.id)
        self.status = guarded(QComboBox())
        self.status.setAccessibleName(_("Stage"))
        for key, label in STATUS_LABELS.items():
            self.status.addItem(_(label), key)
        self.filed = DateInput(_("Filed on"), "filed on")
        self.receipt = QLineEdit()
        self.receipt.setAccessibleName(_("Receipt number"))
        self.receipt.setPlaceholderText("IOE0123456789")
        for box in (self.client, self.letter, self.employer, self.worksite, self.program):
            # Long letter and worksite texts would otherwise widen the dialog past the screen
            # and squeeze the labels; the open list still shows them whole.
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(56)
            box.view().setTextElideMode(Qt.TextElideMode.ElideNone)
            # A text longer still is cut in the closed box: its tooltip holds all of it.
            box.currentTextChanged.connect(box.setToolTip)
            box.setToolTip(box.currentText())
        self.fields: dict[str, QWidget] = {
            "client": self.client,
            "program": self.program,
            "kind": self.kind,
            "letter": self.letter,
            "employer": self.employer,
            "worksite": self.worksite,
            "assignee": self.assignee,
            "status": self.status,
            "filed": self.filed,
            "receipt": self.receipt,
        }
        self.error = error_label()
        self.error.setObjectName("matterError")

        client_row = QHBoxLayout()
        client_row.addWidget(self.client, 1)
        client_row.addWidget(self.new_client_button)
        form = QFormLayout()
        form.addRow(_("Client"), client_row)
        form.addRow(_("Program"), self.program)
        form.addRow(_("Kind"), self.kind)
        form.addRow(_("Agency letter"), self.letter)
        form.addRow(_("Employer"), self.employer)
        form.addRow(_("Worksite"), self.worksite)
        form.addRow(_("Assigned to"), self.assignee)
        if matter is not None:
            form.addRow(_("Stage"), self.status)
            form.addRow(_("Filed on"), self.filed)
            form.addRow(_("Receipt number"), self.receipt)
        self.buttons = save_cancel(self, self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        # A new matter is checked for conflicts: the employer's side against the clients.
        self.conflicts = (
            None
            if matter
            else conflict_panel.for_matter(vault, self.client, self.employer, self.reject)
        )
        if self.conflicts is not None:
            layout.addWidget(self.conflicts)
        if matter is None:  # an existing matter has its checklist and deadlines already
            hint = QLabel(
                _("The packet checklist and the deadlines appear as soon as the matter is saved.")
            )
            hint.setWordWrap(True)
            layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self.letter.currentIndexChanged.connect(lambda _i: self._letter_changed())
        self.employer.currentIndexChanged.connect(lambda _i: self._fill_worksites())
        for widget in (self.client, self.letter, self.employer, self.worksite):
            widget.currentIndexChanged.connect(lambda _i, w=widget: mark_error(w, False))
        for line in (self.filed, self.receipt):
            line.textChanged.connect(lambda _t, w=line: mark_error(w, False))
        self._select(self.program, matter.program if matter else DEFAULT_PROGRAM)
        if matter is not None:
            self._fill(matter)
        else:
            if client_id is not None:
                self.set_client(client_id)
            if letter_id is not None:
                self._select(self.letter, letter_id)
        self._fill_worksites()

    @staticmethod
    def _select(box: QComboBox, value: object) -> None:
        box.setCurrentIndex(max(0, box.findData(value)))

    def _fill(self, m: MatterRecord) -> None:
        self.set_client(m.client_id)
        self.client.setEnabled(False)  # a matter stays with its client
        self.new_client_button.hide()
        self._select(self.kind, m.kind)
        self._select(self.letter, m.agency_letter_id)
        self._select(self.employer, m.employer_id)
        self._fill_worksites()
        self._select(self.worksite, m.worksite_id)
        self._select(self.assignee, m.assigned_staff_id)
        self._select(self.status, m.status)
        self.filed.set_value(m.filed_on)
        self.receipt.setText(m.receipt_number or "")

    # -- client ---------------------------------------------------------------------------

    def set_client(self, client_id: int) -> None:
        record = clients.get_client(self.vault, client_id=client_id)
        self.client.blockSignals(True)
        self.client.clear()
        label = record.full_name + (f" · {record.a_number}" if record.a_number else "")
        self.client.addItem(label, client_id)
        self.client.setCurrentIndex(0)
        self.client.blockSignals(False)
        mark_error(self.client, False)

    def _search_clients(self, text: str) -> None:
        if len(text.strip()) < 2:
            return
        self.client.blockSignals(True)
        self.client.clear()
        for row in clients.list_clients(self.vault, search_text=text, limit=30):
            label = row.full_name + (f" · {row.a_number}" if row.a_number else "")
            self.client.addItem(label, row.id)
        self.client.setCurrentIndex(-1)
        self.client.setEditText(text)
        self.client.blockSignals(False)
        if self.client.count():
            self.client.showPopup()

    def new_client(self) -> None:
        """A walk-in worker: add them as a client without leaving the matter."""
        editor = ClientEditor(self.vault, parent=self)
        if editor.exec() and editor.saved_id is not None:
            self.changes = self.changes | editor.changes
            self.set_client(editor.saved_id)
        elif editor.conflicts is not None and editor.conflicts.opened is not None:
            self.set_client(editor.conflicts.opened[1])  # already a client: the matter is theirs

    # -- letter, employer, worksite ---------------------------------------------------------

    def _letter_changed(self) -> None:
        letter_id = self.letter.currentData()
        if letter_id is not None:
            # The letter names the employer: the matter's employer is the letter's.
            self._select(self.employer, self.employer_ids.get(int(letter_id)))
        self.employer.setEnabled(letter_id is None)
        self._fill_worksites()

    def _fill_worksites(self) -> None:
        keep = self.worksite.currentData()
        self.worksite.blockSignals(True)
        self.worksite.clear()
        self.worksite.addItem(_("None"), None)
        employer_id = self.employer.currentData()
        if employer_id is not None:
            for site in employers.list_worksites(self.vault, employer_id=int(employer_id)):
                place = ", ".join(p for p in (site.name, site.address, site.city, site.state) if p)
                self.worksite.addItem(place or _("Worksite {id}").format(id=site.id), site.id)
        self._select(self.worksite, keep)
        self.worksite.blockSignals(False)
        self.worksite.setEnabled(self.worksite.count() > 1)
        self.employer.setEnabled(self.letter.currentData() is None)

    # -- save -----------------------------------------------------------------------------

    def save(self) -> None:
        client_id = self.client.currentData()
        if client_id is None:
            mark_error(self.client, True)
            self.error.setText(
                _("Choose the client: type their name and pick them, or use New client….")
            )
            return
        waiting = self.conflicts.ready_to_save() if self.conflicts is not None else None
        if waiting:
            self.error.setText(waiting)
            return
        fields: dict[str, object] = {
            "program": str(self.program.currentData() or DEFAULT_PROGRAM),
            "kind": str(self.kind.currentData()),
            "agency_letter_id": self.letter.currentData(),
            "employer_id": self.employer.currentData(),
            "worksite_id": self.worksite.currentData(),
            "assigned_staff_id": self.assignee.currentData(),
        }
        try:
            if self.matter is not None:
                fields.update(
                    status=str(self.status.currentData()),
                    filed_on=self.filed.iso(),
                    receipt_number=self.receipt.text().strip() or None,
                )
            if self.matter is None:
                result = matters.add_matter(self.vault, client_id=int(client_id), **fields)  # type: ignore[arg-type]
            else:
                result = matters.update_matter(
                    self.vault,
                    matter_id=self.matter.id,
                    version=self.matter.version,
                    **fields,  # type: ignore[arg-type]
                )
        except ConflictError as exc:
            # Someone saved first: show their values (this person's typing is not kept).
            self.matter = matters.get_matter(self.vault, matter_id=self.matter.id)
            self._select(self.program, self.matter.program)
            self._fill(self.matter)
            self.error.setText(exc.message)
            return
        except ValidationError as exc:
            widget = self.fields.get(ERROR_FIELDS.get(exc.field, ""))
            if widget is not None:
                mark_error(widget, True)
            self.error.setText(desktop_message(exc) + " " + _("Nothing was saved."))
            return
        except ClinicError as exc:
            self.error.setText(desktop_message(exc) + " " + _("Nothing was saved."))
            return
        record = result.record
        self.changes = self.changes | result.changes
        self.saved_id = record.id
        if self.conflicts is not None:
            self.conflicts.record(record.id)
        what = _(KIND_LABELS.get(record.kind, record.kind)).lower()
        self.said = (
            _("Opened a new {kind} matter for {name}.")
            if self.matter is None
            else _("Saved the {kind} matter of {name}.")
        ).format(kind=what, name=record.client_name)
        self.accept()
