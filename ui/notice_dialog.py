"""Record or correct a notice (receipt, biometrics, RFE, decision, termination), a grant, or a note."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from clinic_app.errors import ClinicError, ConflictError
from clinic_app.i18n import N_, _
from clinic_app.services import matters, notes
from clinic_app.services.records import NoteRecord
from clinic_app.services.vault_ops import Vault
from ui.date_input import DateInput, read_dates, shown_day
from ui.feedback import mark_error
from ui.forms import RecordDialog
from ui.guards import guarded

KINDS = [
    ("receipt", N_("Receipt notice")),
    ("biometrics", N_("Biometrics appointment")),
    ("rfe", N_("Request for Evidence (RFE)")),
    ("rfe_response", N_("RFE response sent")),
    ("decision", N_("Decision")),
    ("termination", N_("Termination notice")),
    ("filed", N_("Filed with USCIS")),
    ("other", N_("Other")),
]
DECISIONS = [("granted", N_("Granted")), ("denied", N_("Denied")), ("withdrawn", N_("Withdrawn"))]


class NoticeDialog(RecordDialog):
    """Adding an RFE or biometrics notice creates its deadlines at once (through the services);
    with `event_id`, corrects that notice (its kind stays; deadlines move with its dates)."""

    ERROR_FIELDS: ClassVar[dict[str, str]] = {
        "notice date": "occurred",
        "due date": "due",
        "appointment date": "due",
        "receipt": "receipt",
    }

    def __init__(
        self,
        vault: Vault,
        matter_id: int,
        parent: QWidget | None = None,
        *,
        event_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.vault, self.matter_id, self.event_id = vault, matter_id, event_id
        self.version: int | None = None  # of the notice as loaded, for a correction
        self.setWindowTitle(_("Correct a notice") if event_id else _("Add a notice"))
        self.kind = guarded(QComboBox())
        for key, label in KINDS:
            self.kind.addItem(_(label), key)
        self.kind.setAccessibleName(_("Kind of notice"))
        self.occurred = DateInput(_("Notice date"), "notice date")
        self.due = DateInput(_("Due or appointment date"), "due date")
        self.mailed = QCheckBox(_("The notice came by mail (3 more days to answer an RFE)"))
        self.receipt = QLineEdit()
        self.receipt.setAccessibleName(_("Receipt number"))
        self.receipt.setPlaceholderText("IOE0123456789")
        self.decision = guarded(QComboBox())
        self.decision.setAccessibleName(_("Decision"))
        for key, label in DECISIONS:
            self.decision.addItem(_(label), key)
        self.details = QLineEdit()
        self.details.setAccessibleName(_("Details"))
        self.due_hint = QLabel(
            _("An RFE left blank is due 84 days after the notice (87 if mailed).")
        )
        self.due_hint.setWordWrap(True)
        self.form.addRow(_("Kind"), self.kind)
        self.form.addRow(_("Notice date"), self.occurred)
        self.due_label = QLabel(_("Due / appointment date"))
        self.form.addRow(self.due_label, self.due)
        self.form.addRow("", self.due_hint)
        self.form.addRow("", self.mailed)
        self.receipt_label = QLabel(_("Receipt number"))
        self.form.addRow(self.receipt_label, self.receipt)
        self.decision_label = QLabel(_("Decision"))
        self.form.addRow(self.decision_label, self.decision)
        self.form.addRow(_("Details"), self.details)
        self.finish_layout()
        self.kind.currentIndexChanged.connect(self._kind_changed)
        if event_id is not None:
            self._fill(event_id)
        self._kind_changed()

    def _fill(self, event_id: int) -> None:
        event = next(
            e for e in matters.list_events(self.vault, matter_id=self.matter_id) if e.id == event_id
        )
        self.version = event.version
        self.kind.setCurrentIndex(max(0, self.kind.findData(event.kind)))
        self.kind.setEnabled(False)  # another kind of notice is a new notice
        self.occurred.set_value(event.occurred_on)
        self.due.set_value(event.due_on)
        self.mailed.setChecked(event.mailed)
        self.details.setText(event.details)

    def reload(self) -> None:
        if self.event_id is not None:
            self._fill(self.event_id)

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        # The second date is a different thing for each kind: say which.
        said = {
            "rfe": _("Response due"),
            "biometrics": _("Appointment date"),
        }.get(kind, _("Due date"))
        self.due_label.setText(said)
        self.due.setAccessibleName(said)
        for widget in (self.due_label, self.due):
            widget.setVisible(kind in ("biometrics", "rfe", "other"))
        self.due_hint.setVisible(kind == "rfe")
        self.mailed.setVisible(kind == "rfe")
        new = self.event_id is None
        for widget in (self.receipt_label, self.receipt):
            widget.setVisible(kind == "receipt" and new)
        for widget in (self.decision_label, self.decision):
            widget.setVisible(kind == "decision" and new)

    def save(self) -> None:
        kind = str(self.kind.currentData())
        try:
            dates = read_dates(self.occurred, *([] if self.due.isHidden() else [self.due]))
            occurred, due = dates[0], (dates[1] if len(dates) > 1 else None)
            if self.event_id is not None:
                result = matters.update_event(
                    self.vault,
                    event_id=self.event_id,
                    version=self.version,
                    occurred_on=occurred,
                    due_on=due,
                    mailed=self.mailed.isChecked() and kind == "rfe",
                    details=self.details.text(),
                )
            else:
                result = matters.add_event(
                    self.vault,
                    matter_id=self.matter_id,
                    kind=kind,
                    occurred_on=occurred,
                    due_on=due,
                    mailed=self.mailed.isChecked() and kind == "rfe",
                    details=self.details.text(),
                    receipt_number=(self.receipt.text() or None) if kind == "receipt" else None,
                    decision=str(self.decision.currentData()) if kind == "decision" else None,
                )
        except ClinicError as exc:
            self.failed(exc)
            return
        self.changes = result.changes
        self.said = (
            _("Corrected the notice “{what}”; the deadlines follow it.")
            if self.event_id is not None
            else _("Recorded the notice “{what}”; the deadlines follow it.")
        ).format(what=self.kind.currentText())
        self.accept()


class GrantDialog(RecordDialog):
    """Record, or correct, a grant of deferred action or a work permit with its dates."""

    ERROR_FIELDS: ClassVar[dict[str, str]] = {
        "start": "start",
        "end": "end",
        "terminated": "terminated",
    }

    def __init__(
        self,
        vault: Vault,
        matter_id: int,
        parent: QWidget | None = None,
        *,
        grant_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.vault, self.matter_id, self.grant_id = vault, matter_id, grant_id
        self.setWindowTitle(_("Correct a grant") if grant_id else _("Add a grant"))
        self.kind = guarded(QComboBox())
        self.kind.setAccessibleName(_("Kind of grant"))
        self.kind.addItem(_("Deferred action"), "deferred_action")
        self.kind.addItem(_("Work permit (EAD)"), "work_permit")
        self.start = DateInput(_("Start date"), "start")
        self.end = DateInput(_("End date"), "end")
        self.category = QLineEdit("c14")
        self.category.setAccessibleName(_("Work-permit category"))
        self.terminated = DateInput(_("Terminated on"), "terminated on")
        self.form.addRow(_("Kind"), self.kind)
        self.form.addRow(_("Start"), self.start)
        self.form.addRow(_("End"), self.end)
        self.form.addRow(_("Category"), self.category)
        if grant_id is not None:
            self.form.addRow(_("Terminated on"), self.terminated)
        # A category ("c14") is a work permit's: the row shows for that kind only.
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_chosen())
        self._kind_chosen()
        self.finish_layout()
        self.version: int | None = None  # of the grant as loaded, for a correction
        self.reload()

    def _kind_chosen(self) -> None:
        self.form.setRowVisible(self.category, self.kind.currentData() == "work_permit")

    def reload(self) -> None:
        if self.grant_id is None:
            return
        grant = next(
            g
            for g in matters.list_grants(self.vault, matter_id=self.matter_id)
            if g.id == self.grant_id
        )
        self.version = grant.version
        self.kind.setCurrentIndex(max(0, self.kind.findData(grant.kind)))
        self.start.set_value(grant.start)
        self.end.set_value(grant.end)
        self.category.setText(grant.category)
        self.terminated.set_value(grant.terminated_on)

    def save(self) -> None:
        kind = str(self.kind.currentData())
        category = self.category.text() if kind == "work_permit" else ""
        try:
            start, end, terminated = read_dates(self.start, self.end, self.terminated)
            if self.grant_id is not None:
                result = matters.update_grant(
                    self.vault,
                    grant_id=self.grant_id,
                    version=self.version,
                    kind=kind,
                    start=start,
                    end=end,
                    category=category,
                    terminated_on=terminated,
                )
            else:
                result = matters.add_grant(
                    self.vault,
                    matter_id=self.matter_id,
                    kind=kind,
                    start=start,
                    end=end,
                    category=category,
                )
        except ClinicError as exc:
            self.failed(exc)
            return
        self.changes = result.changes
        end = result.record.end
        # A grant whose end has passed is never said to be running ("ends").
        recorded = (
            _("Recorded the grant ({kind}, ended {end}); its deadlines follow.")
            if end is not None and end < date.today()
            else _("Recorded the grant ({kind}, ends {end}); its deadlines follow.")
        )
        self.said = (
            _("Corrected the grant; its deadlines follow.")
            if self.grant_id is not None
            else recorded.format(kind=self.kind.currentText(), end=shown_day(end, "?"))
        )
        self.accept()


class NoteDialog(RecordDialog):
    """Correct a note's text (who wrote it and when stay)."""

    def __init__(self, vault: Vault, note: NoteRecord, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vault, self.note = vault, note
        self.setWindowTitle(_("Correct a note"))
        self.body = QPlainTextEdit()
        self.body.setAccessibleName(_("Note"))
        self.body.setTabChangesFocus(True)
        self.form.addRow(_("Note"), self.body)
        self.body.setPlainText(note.body)
        self.finish_layout()
        self.body.textChanged.connect(lambda: self._fixed(self.body))

    def reload(self) -> None:
        self.note = notes.get_note(self.vault, note_id=self.note.id)
        self.body.setPlainText(self.note.body)

    def save(self) -> None:
        try:
            result = notes.update_note(
                self.vault,
                note_id=self.note.id,
                body=self.body.toPlainText(),
                version=self.note.version,
            )
        except ClinicError as exc:
            mark_error(self.body, not isinstance(exc, ConflictError))
            self.failed(exc)
            return
        self.changes = result.changes
        self.said = _("Note corrected.")
        self.accept()
