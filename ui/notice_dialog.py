"""Record or correct a notice (receipt, biometrics, RFE, decision, termination), a grant, or a note."""

from __future__ import annotations

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
DATE_HINT = N_("YYYY-MM-DD or MM/DD/YYYY")


def _date_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setAccessibleName(_(name))
    field.setPlaceholderText(_(DATE_HINT))
    return field


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
        self.occurred = _date_field(N_("Notice date"))
        self.due = _date_field(N_("Due or appointment date"))
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
        self.occurred.setText(event.occurred_on.isoformat() if event.occurred_on else "")
        self.due.setText(event.due_on.isoformat() if event.due_on else "")
        self.mailed.setChecked(event.mailed)
        self.details.setText(event.details)

    def reload(self) -> None:
        if self.event_id is not None:
            self._fill(self.event_id)

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
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
        due = (self.due.text() or None) if not self.due.isHidden() else None
        try:
            if self.event_id is not None:
                result = matters.update_event(
                    self.vault,
                    event_id=self.event_id,
                    version=self.version,
                    occurred_on=self.occurred.text() or None,
                    due_on=due,
                    mailed=self.mailed.isChecked() and kind == "rfe",
                    details=self.details.text(),
                )
            else:
                result = matters.add_event(
                    self.vault,
                    matter_id=self.matter_id,
                    kind=kind,
                    occurred_on=self.occurred.text() or None,
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
        self.start = _date_field(N_("Start date"))
        self.end = _date_field(N_("End date"))
        self.category = QLineEdit("c14")
        self.category.setAccessibleName(_("Work-permit category"))
        self.terminated = _date_field(N_("Terminated on"))
        self.form.addRow(_("Kind"), self.kind)
        self.form.addRow(_("Start"), self.start)
        self.form.addRow(_("End"), self.end)
        self.form.addRow(_("Category"), self.category)
        if grant_id is not None:
            self.form.addRow(_("Terminated on"), self.terminated)
        self.finish_layout()
        self.version: int | None = None  # of the grant as loaded, for a correction
        self.reload()

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
        self.start.setText(grant.start.isoformat() if grant.start else "")
        self.end.setText(grant.end.isoformat() if grant.end else "")
        self.category.setText(grant.category)
        self.terminated.setText(grant.terminated_on.isoformat() if grant.terminated_on else "")

    def save(self) -> None:
        kind = str(self.kind.currentData())
        category = self.category.text() if kind == "work_permit" else ""
        try:
            if self.grant_id is not None:
                result = matters.update_grant(
                    self.vault,
                    grant_id=self.grant_id,
                    version=self.version,
                    kind=kind,
                    start=self.start.text() or None,
                    end=self.end.text() or None,
                    category=category,
                    terminated_on=self.terminated.text() or None,
                )
            else:
                result = matters.add_grant(
                    self.vault,
                    matter_id=self.matter_id,
                    kind=kind,
                    start=self.start.text() or None,
                    end=self.end.text() or None,
                    category=category,
                )
        except ClinicError as exc:
            self.failed(exc)
            return
        self.changes = result.changes
        self.said = (
            _("Corrected the grant; its deadlines follow.")
            if self.grant_id is not None
            else _("Recorded the grant ({kind}, ends {end}); its deadlines follow.").format(
                kind=self.kind.currentText(), end=result.record.end or "?"
            )
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
