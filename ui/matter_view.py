"""One matter: its facts, grants, timeline of notices, notes, and the actions that move it along."""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from clinic_app.errors import ClinicError
from clinic_app.i18n import N_, _
from clinic_app.services import ChangeSet, matters, notes, staff
from clinic_app.services.vault_ops import Vault
from ui.checklist_view import ChecklistView
from ui.feedback import desktop_message
from ui.forms import error_label
from ui.guards import guarded
from ui.notice_dialog import GrantDialog, NoticeDialog

STATUS_LABELS = {
    "intake": N_("Intake"),
    "gathering_evidence": N_("Gathering evidence"),
    "drafting": N_("Drafting"),
    "attorney_review": N_("Attorney review"),
    "filed": N_("Filed"),
    "receipt": N_("Receipt"),
    "biometrics": N_("Biometrics"),
    "rfe": N_("RFE"),
    "decision": N_("Decision"),
    "closed": N_("Closed"),
}
KIND_LABELS = {
    "initial": N_("Initial"),
    "renewal": N_("Renewal"),
    "extension": N_("Extension"),
    "other": N_("Other"),
}
EVENT_LABELS = {
    "filed": N_("Filed"),
    "receipt": N_("Receipt notice"),
    "biometrics": N_("Biometrics appointment"),
    "rfe": N_("Request for Evidence"),
    "rfe_response": N_("RFE response sent"),
    "decision": N_("Decision"),
    "termination": N_("Termination notice"),
    "other": N_("Note"),
}


class MatterPanel(QWidget):
    """Shows one matter; every action goes through clinic_app.services and publishes its change-set."""

    draft_requested = Signal(int)  # a matter id

    def __init__(self, publish: object) -> None:
        super().__init__()
        self.publish = publish  # callable(ChangeSet)
        self.vault: Vault | None = None
        self.matter_id: int | None = None
        self.summary = QLabel()
        self.summary.setObjectName("matterSummary")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(_("Matter details"))
        self.status = guarded(QComboBox())
        self.status.setAccessibleName(_("Status"))
        for key, label in STATUS_LABELS.items():
            self.status.addItem(_(label), key)
        self.status.activated.connect(self._status_chosen)
        self.assignee = guarded(QComboBox())
        self.assignee.setAccessibleName(_("Assigned to"))
        self.assignee.activated.connect(self._assignee_chosen)
        self.notice_button = QPushButton(_("Add notice…"))
        self.notice_button.clicked.connect(self.add_notice)
        self.grant_button = QPushButton(_("Add grant…"))
        self.grant_button.clicked.connect(self.add_grant)
        self.note_field = QLineEdit()
        self.note_field.setPlaceholderText(_("Add a note and press Enter"))
        self.note_field.setAccessibleName(_("New note"))
        self.note_field.returnPressed.connect(self.add_note)
        self.error = error_label()
        self.timeline = QLabel()
        self.timeline.setObjectName("matterTimeline")
        self.timeline.setWordWrap(True)
        self.checklist = ChecklistView()
        self.checklist.changed.connect(lambda changes: self.publish(changes))  # type: ignore[operator]
        self.draft_button = QPushButton(_("Draft a document…"))
        self.draft_button.clicked.connect(lambda: self.draft_requested.emit(self.matter_id or 0))

        controls = QHBoxLayout()
        controls.addWidget(QLabel(_("Status")))
        controls.addWidget(self.status)
        controls.addWidget(QLabel(_("Assigned to")))
        controls.addWidget(self.assignee, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.notice_button)
        actions.addWidget(self.grant_button)
        actions.addWidget(self.draft_button)
        actions.addStretch(1)
        inner = QWidget()
        box = QVBoxLayout(inner)
        box.addWidget(self.summary)
        box.addLayout(controls)
        box.addLayout(actions)
        box.addWidget(self.error)
        box.addWidget(self.timeline)
        box.addWidget(QLabel("<h3>" + _("Packet checklist") + "</h3>"))
        box.addWidget(self.checklist)
        box.addWidget(self.note_field)
        box.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.show_matter(None, None)

    def show_matter(self, vault: Vault | None, matter_id: int | None) -> None:
        self.vault, self.matter_id = vault, matter_id
        self.error.clear()
        enabled = vault is not None and matter_id is not None
        for widget in (
            self.status,
            self.assignee,
            self.notice_button,
            self.grant_button,
            self.note_field,
            self.draft_button,
        ):
            widget.setEnabled(enabled)
        self.checklist.show_matter(vault if enabled else None, matter_id)
        if not enabled:
            self.summary.setText(_("Select a matter to see its timeline, grants and notes."))
            self.timeline.clear()
            self.assignee.clear()
            return
        assert vault is not None and matter_id is not None
        m = matters.get_matter(vault, matter_id=matter_id)
        esc = html.escape
        facts = [
            (_("Client"), m.client_name),
            (_("Program"), m.program),
            (_("Kind"), _(KIND_LABELS.get(m.kind, m.kind))),
            (_("Employer"), m.employer),
            (_("Receipt number"), m.receipt_number or _("none yet")),
            (_("Filed"), m.filed_on.isoformat() if m.filed_on else ""),
            (
                _("Decision"),
                f"{m.decision} {m.decided_on.isoformat() if m.decided_on else ''}"
                if m.decision
                else "",
            ),
        ]
        self.summary.setText(
            f"<h2>{esc(m.client_name)} · {esc(_(KIND_LABELS.get(m.kind, m.kind)))}</h2><table cellspacing='4'>"
            + "".join(
                f"<tr><td><b>{esc(k)}</b></td><td>{esc(str(v))}</td></tr>" for k, v in facts if v
            )
            + "</table>"
        )
        self.status.setCurrentIndex(max(0, self.status.findData(m.status)))
        self.assignee.clear()
        self.assignee.addItem(_("Nobody"), None)
        for member in staff.list_staff(vault, active_only=True):
            self.assignee.addItem(f"{member.name} ({member.role.replace('_', ' ')})", member.id)
        self.assignee.setCurrentIndex(max(0, self.assignee.findData(m.assigned_staff_id)))
        parts = [f"<h3>{esc(_('Grants'))}</h3>"]
        grants = matters.list_grants(vault, matter_id=matter_id)
        if not grants:
            parts.append(f"<p>{esc(_('No grant recorded.'))}</p>")
        for g in grants:
            label = (
                _("Deferred action")
                if g.kind == "deferred_action"
                else _("Work permit") + f" ({g.category})"
            )
            span = (
                f"{g.start.isoformat() if g.start else '?'} → {g.end.isoformat() if g.end else '?'}"
            )
            ended = (
                f" · <b>{esc(_('terminated'))} {g.terminated_on.isoformat()}</b>"
                if g.terminated_on
                else ""
            )
            parts.append(f"<p>{esc(label)}: {esc(span)}{ended}</p>")
        parts.append(f"<h3>{esc(_('Timeline'))}</h3>")
        events = matters.list_events(vault, matter_id=matter_id)
        if not events:
            parts.append(
                f"<p>{esc(_('No notices yet. Add the receipt, biometrics or RFE notices as they arrive.'))}</p>"
            )
        for e in events:
            when = e.occurred_on.isoformat() if e.occurred_on else ""
            due = f" · {esc(_('due'))} {e.due_on.isoformat()}" if e.due_on else ""
            mailed = f" ({esc(_('mailed'))})" if e.mailed else ""
            detail = f" — {esc(e.details)}" if e.details else ""
            parts.append(
                f"<p><b>{esc(when)}</b> {esc(_(EVENT_LABELS.get(e.kind, e.kind)))}{due}{mailed}{detail}</p>"
            )
        its_notes = notes.list_notes(vault, matter_id=matter_id)
        if its_notes:
            parts.append(f"<h3>{esc(_('Notes'))}</h3>")
            parts.extend(
                f"<p>{esc(n.created_at.strftime('%Y-%m-%d'))} {esc(n.author)}: {esc(n.body)}</p>"
                for n in its_notes
            )
        self.timeline.setText("".join(parts))

    def _after(self, changes: ChangeSet) -> None:
        self.publish(changes)  # type: ignore[operator]
        self.show_matter(self.vault, self.matter_id)

    def _status_chosen(self) -> None:
        if self.vault is None or self.matter_id is None:
            return
        try:
            result = matters.update_matter(
                self.vault, matter_id=self.matter_id, status=str(self.status.currentData())
            )
        except ClinicError as exc:
            self.error.setText(desktop_message(exc))
            return
        self._after(result.changes)

    def _assignee_chosen(self) -> None:
        if self.vault is None or self.matter_id is None:
            return
        result = matters.update_matter(
            self.vault, matter_id=self.matter_id, assigned_staff_id=self.assignee.currentData()
        )
        self._after(result.changes)

    def add_notice(self) -> None:
        if self.vault is None or self.matter_id is None:
            return
        dialog = NoticeDialog(self.vault, self.matter_id, self)
        if dialog.exec():
            self._after(dialog.changes)

    def add_grant(self) -> None:
        if self.vault is None or self.matter_id is None:
            return
        dialog = GrantDialog(self.vault, self.matter_id, self)
        if dialog.exec():
            self._after(dialog.changes)

    def add_note(self) -> None:
        if self.vault is None or self.matter_id is None or not self.note_field.text().strip():
            return
        try:
            result = notes.add_note(
                self.vault, body=self.note_field.text(), matter_id=self.matter_id
            )
        except ClinicError as exc:
            self.error.setText(desktop_message(exc))
            return
        self.note_field.clear()
        self._after(result.changes)
