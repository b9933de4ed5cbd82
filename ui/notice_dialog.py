"""Record a notice or appointment on a matter (receipt, biometrics, RFE, decision, termination)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from clinic_app.errors import ClinicError
from clinic_app.i18n import N_, _
from clinic_app.services import ChangeSet, matters
from clinic_app.services.vault_ops import Vault
from ui.feedback import desktop_message
from ui.forms import error_label, save_cancel
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


class NoticeDialog(QDialog):
    """Adding an RFE or biometrics notice creates its deadlines at once (through the services)."""

    def __init__(self, vault: Vault, matter_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vault, self.matter_id = vault, matter_id
        self.changes = ChangeSet()
        self.setWindowTitle(_("Add a notice"))
        self.kind = guarded(QComboBox())
        for key, label in KINDS:
            self.kind.addItem(_(label), key)
        self.kind.setAccessibleName(_("Kind of notice"))
        self.occurred = QLineEdit()
        self.occurred.setAccessibleName(_("Notice date"))
        self.occurred.setPlaceholderText("YYYY-MM-DD")
        self.due = QLineEdit()
        self.due.setAccessibleName(_("Due or appointment date"))
        self.due.setPlaceholderText(_("RFE: left blank, 84 days after the notice (87 if mailed)"))
        self.mailed = QCheckBox(_("The notice came by mail (3 more days to answer an RFE)"))
        self.receipt = QLineEdit()
        self.receipt.setAccessibleName(_("Receipt number"))
        self.receipt.setPlaceholderText("IOE0123456789")
        self.decision = guarded(QComboBox())
        for key, label in DECISIONS:
            self.decision.addItem(_(label), key)
        self.details = QLineEdit()
        self.details.setAccessibleName(_("Details"))
        self.error = error_label()
        form = QFormLayout()
        form.addRow(_("Kind"), self.kind)
        form.addRow(_("Notice date"), self.occurred)
        self.due_label = QLabel(_("Due / appointment date"))
        form.addRow(self.due_label, self.due)
        form.addRow("", self.mailed)
        self.receipt_label = QLabel(_("Receipt number"))
        form.addRow(self.receipt_label, self.receipt)
        self.decision_label = QLabel(_("Decision"))
        form.addRow(self.decision_label, self.decision)
        form.addRow(_("Details"), self.details)
        buttons = save_cancel(self, self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        for widget in (self.due_label, self.due):
            widget.setVisible(kind in ("biometrics", "rfe", "other"))
        self.mailed.setVisible(kind == "rfe")
        for widget in (self.receipt_label, self.receipt):
            widget.setVisible(kind == "receipt")
        for widget in (self.decision_label, self.decision):
            widget.setVisible(kind == "decision")

    def save(self) -> None:
        kind = str(self.kind.currentData())
        try:
            result = matters.add_event(
                self.vault,
                matter_id=self.matter_id,
                kind=kind,
                occurred_on=self.occurred.text() or None,
                due_on=(self.due.text() or None) if not self.due.isHidden() else None,
                mailed=self.mailed.isChecked() and kind == "rfe",
                details=self.details.text(),
                receipt_number=(self.receipt.text() or None) if kind == "receipt" else None,
                decision=str(self.decision.currentData()) if kind == "decision" else None,
            )
        except ClinicError as exc:
            self.error.setText(desktop_message(exc) + " " + _("Nothing was saved."))
            return
        self.changes = result.changes
        self.accept()


class GrantDialog(QDialog):
    """Record a grant of deferred action or a work permit with its dates."""

    def __init__(self, vault: Vault, matter_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vault, self.matter_id = vault, matter_id
        self.changes = ChangeSet()
        self.setWindowTitle(_("Add a grant"))
        self.kind = guarded(QComboBox())
        self.kind.addItem(_("Deferred action"), "deferred_action")
        self.kind.addItem(_("Work permit (EAD)"), "work_permit")
        self.start = QLineEdit()
        self.start.setPlaceholderText("YYYY-MM-DD")
        self.start.setAccessibleName(_("Start date"))
        self.end = QLineEdit()
        self.end.setPlaceholderText("YYYY-MM-DD")
        self.end.setAccessibleName(_("End date"))
        self.category = QLineEdit("c14")
        self.category.setAccessibleName(_("Work-permit category"))
        self.error = error_label()
        form = QFormLayout()
        form.addRow(_("Kind"), self.kind)
        form.addRow(_("Start"), self.start)
        form.addRow(_("End"), self.end)
        form.addRow(_("Category"), self.category)
        buttons = save_cancel(self, self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def save(self) -> None:
        kind = str(self.kind.currentData())
        try:
            result = matters.add_grant(
                self.vault,
                matter_id=self.matter_id,
                kind=kind,
                start=self.start.text() or None,
                end=self.end.text() or None,
                category=self.category.text() if kind == "work_permit" else "",
            )
        except ClinicError as exc:
            self.error.setText(desktop_message(exc) + " " + _("Nothing was saved."))
            return
        self.changes = result.changes
        self.accept()
