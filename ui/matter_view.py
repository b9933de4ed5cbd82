"""One matter: its facts, deadlines, grants, notices and notes, and the actions that move it along."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from clinic_app.errors import ClinicError, ConflictError
from clinic_app.i18n import _, format_day
from clinic_app.services import ChangeSet, letters, matters, notes, staff, vocab
from clinic_app.services.records import MatterRecord
from clinic_app.services.vault_ops import Vault
from ui.checklist_view import ChecklistView
from ui.date_input import shown_day
from ui.feedback import desktop_message
from ui.forms import error_label
from ui.guards import guarded
from ui.labels import DECISION_LABELS, EVENT_LABELS, KIND_LABELS, STATUS_LABELS
from ui.matter_deadlines import MatterDeadlines
from ui.notice_dialog import GrantDialog, NoteDialog, NoticeDialog

# Roles of the timeline's items: which record an item is, so Edit… opens the right dialog.
RECORD_ROLE = Qt.ItemDataRole.UserRole


def heading(text: str) -> QLabel:
    label = QLabel("<h3>" + html.escape(text) + "</h3>")
    label.setTextFormat(Qt.TextFormat.RichText)
    return label


class MatterPanel(QWidget):
    """Shows one matter; every action goes through clinic_app.services and publishes its change-set."""

    draft_requested = Signal(int)  # a matter id
    task_requested = Signal(int)  # a matter id: the Deadlines screen's task dialog, for it
    edit_requested = Signal(int)  # a matter id

    def __init__(self, publish: Callable[..., None]) -> None:
        super().__init__()
        self.loaded_version: int | None = None
        self.publish = publish  # publish(ChangeSet, message="")
        self.vault: Vault | None = None
        self.matter_id: int | None = None
        self.summary = QLabel()
        self.summary.setObjectName("matterSummary")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(_("Matter details"))
        self.status = guarded(QComboBox())
        self.status.setAccessibleName(_("Stage"))
        for key, label in STATUS_LABELS.items():
            self.status.addItem(_(label), key)
        self.status.activated.connect(self._status_chosen)
        self.assignee = guarded(QComboBox())
        self.assignee.setAccessibleName(_("Assigned to"))
        self.assignee.activated.connect(self._assignee_chosen)
        self.edit_button = QPushButton(_("Edit matter…"))
        self.edit_button.clicked.connect(lambda _c=False: self.edit_requested.emit(self.matter_id))
        self.notice_button = QPushButton(_("Add notice…"))
        self.notice_button.clicked.connect(lambda _c=False: self.add_notice())
        self.grant_button = QPushButton(_("Add grant…"))
        self.grant_button.clicked.connect(lambda _c=False: self.add_grant())
        self.draft_button = QPushButton(_("Draft a document…"))
        self.draft_button.clicked.connect(
            lambda _c=False: self.draft_requested.emit(self.matter_id or 0)
        )
        self.note_field = QLineEdit()
        self.note_field.setPlaceholderText(_("Add a note and press Enter"))
        self.note_field.setAccessibleName(_("New note"))
        self.note_field.returnPressed.connect(self.add_note)
        self.error = error_label()
        self.deadlines = MatterDeadlines()
        self.deadlines.published.connect(self._after)
        self.deadlines.add_task_requested.connect(self.task_requested.emit)
        self.timeline = QListWidget()
        self.timeline.setObjectName("matterTimeline")
        self.timeline.setAccessibleName(_("Grants, notices and notes"))
        self.timeline.setWordWrap(True)
        self.timeline.itemActivated.connect(lambda _item: self.edit_record())
        self.timeline.currentItemChanged.connect(lambda *_a: self._timeline_selected())
        self.edit_record_button = QPushButton(_("Edit…"))
        self.edit_record_button.setToolTip(_("Correct the selected grant, notice or note"))
        self.edit_record_button.clicked.connect(lambda _c=False: self.edit_record())
        self.checklist = ChecklistView()
        self.checklist.changed.connect(lambda changes: self._after(changes, ""))

        # One row each: side by side, a long Spanish staff name was cut short in the combo box.
        controls = QFormLayout()
        controls.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        controls.addRow(_("Stage"), self.status)
        controls.addRow(_("Assigned to"), self.assignee)
        # Two by two: one row of four is wider than the matter's pane in Spanish.
        actions = QGridLayout()
        for position, button in enumerate(
            (self.notice_button, self.grant_button, self.edit_button, self.draft_button)
        ):
            actions.addWidget(button, position // 2, position % 2)
        actions.setColumnStretch(2, 1)
        record_row = QHBoxLayout()
        record_row.addWidget(heading(_("Grants, notices and notes")))
        record_row.addStretch(1)
        record_row.addWidget(self.edit_record_button)
        inner = QWidget()
        box = QVBoxLayout(inner)
        box.addWidget(self.summary)
        box.addLayout(controls)
        box.addLayout(actions)
        box.addWidget(self.error)
        box.addWidget(heading(_("Deadlines and tasks")))
        box.addWidget(self.deadlines)
        box.addLayout(record_row)
        box.addWidget(self.timeline)
        box.addWidget(self.note_field)
        box.addWidget(heading(_("Packet checklist")))
        box.addWidget(self.checklist)
        box.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll)
        self.show_matter(None, None)

    def show_matter(self, vault: Vault | None, matter_id: int | None) -> None:
        self.vault, self.matter_id = vault, matter_id
        self.error.clear()
        enabled = vault is not None and matter_id is not None
        for widget in (
            self.status,
            self.assignee,
            self.edit_button,
            self.notice_button,
            self.grant_button,
            self.note_field,
            self.draft_button,
        ):
            widget.setEnabled(enabled)
        self.checklist.show_matter(vault if enabled else None, matter_id)
        self.deadlines.show_matter(vault if enabled else None, matter_id)
        self.timeline.clear()
        self._timeline_selected()
        if not enabled:
            self.summary.setText(
                _(
                    "Select a matter to see its deadlines, grants and notices; New matter… opens a new one."
                )
            )
            self.assignee.clear()
            return
        assert vault is not None and matter_id is not None
        m = matters.get_matter(vault, matter_id=matter_id)
        self.loaded_version = m.version  # the stage and assignee boxes save against it
        letter = (
            letters.get_letter(vault, letter_id=m.agency_letter_id) if m.agency_letter_id else None
        )
        esc = html.escape
        facts = [
            (_("Client"), m.client_name),
            (_("Program"), vocab.label("program", m.program)),
            (_("Kind"), _(KIND_LABELS.get(m.kind, m.kind))),
            (_("Employer"), m.employer),
            (
                _("Agency letter"),
                f"{letter.agency} ({shown_day(letter.period_start, '?')} → {shown_day(letter.period_end, '?')})"
                if letter
                else "",
            ),
            (_("Receipt number"), m.receipt_number or _("none yet")),
            (_("Filed"), format_day(m.filed_on) if m.filed_on else ""),
            (_("Decision"), self._decision_text(m)),
        ]
        self.summary.setText(
            f"<h2>{esc(m.client_name)} · {esc(_(KIND_LABELS.get(m.kind, m.kind)))}</h2>"
            "<table cellspacing='4'>"
            + "".join(
                f"<tr><td><b>{esc(k)}</b></td><td>{esc(str(v))}</td></tr>" for k, v in facts if v
            )
            + "</table>"
        )
        self.status.setCurrentIndex(max(0, self.status.findData(m.status)))
        self.assignee.clear()
        self.assignee.addItem(_("Nobody"), None)
        for member in staff.list_staff(vault, active_only=True):
            self.assignee.addItem(member.name, member.id)
        self.assignee.setCurrentIndex(max(0, self.assignee.findData(m.assigned_staff_id)))
        self._fill_timeline(vault, matter_id)

    @staticmethod
    def _decision_text(m: MatterRecord) -> str:
        """The decision and its date. A termination ends a grant: the decision date is still
        the day it was granted, so "Terminated <that day>" would date the termination wrongly."""
        if not m.decision:
            return ""
        if m.decision == "terminated" and m.terminated_on is not None:
            if m.decided_on is not None:
                return _("Granted {granted}, terminated {ended}").format(
                    granted=shown_day(m.decided_on), ended=shown_day(m.terminated_on)
                )
            return _("Terminated {date}").format(date=shown_day(m.terminated_on))
        if m.decision == "terminated":
            return _("Terminated")  # no grant dates its end; the notice below does
        label = _(DECISION_LABELS.get(m.decision, m.decision))
        return f"{label} {shown_day(m.decided_on)}".strip()

    def _fill_timeline(self, vault: Vault, matter_id: int) -> None:
        def add(text: str, kind: str, record_id: int) -> None:
            item = QListWidgetItem(text)
            item.setData(RECORD_ROLE, (kind, record_id))
            self.timeline.addItem(item)

        for g in matters.list_grants(vault, matter_id=matter_id):
            label = (
                _("Deferred action")
                if g.kind == "deferred_action"
                else _("Work permit") + f" ({g.category})"
            )
            span = f"{shown_day(g.start, '?')} → {shown_day(g.end, '?')}"
            ended = (
                " · " + _("terminated {date}").format(date=shown_day(g.terminated_on))
                if g.terminated_on
                else ""
            )
            add(f"{label}: {span}{ended}", "grant", g.id)
        for e in matters.list_events(vault, matter_id=matter_id):
            parts = [
                shown_day(e.occurred_on),
                _(EVENT_LABELS.get(e.kind, e.kind)),
            ]
            if e.due_on:
                parts.append(_("due {date}").format(date=shown_day(e.due_on)))
            if e.mailed:
                parts.append(_("by mail"))
            if e.details:
                parts.append(e.details)
            add(" · ".join(p for p in parts if p), "event", e.id)
        for n in notes.list_notes(vault, matter_id=matter_id):
            add(
                _("Note, {date}, {author}: {text}").format(
                    date=shown_day(n.created_at.date()), author=n.author, text=n.body
                ),
                "note",
                n.id,
            )
        if self.timeline.count() == 0:
            empty = QListWidgetItem(
                _("No notices yet. Add the receipt, biometrics or RFE notices as they arrive.")
            )
            empty.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.timeline.addItem(empty)
        self.timeline.setFixedHeight(min(260, 8 + 24 * max(2, self.timeline.count())))

    def timeline_text(self) -> str:
        return "\n".join(self.timeline.item(i).text() for i in range(self.timeline.count()))

    def _timeline_selected(self) -> None:
        item = self.timeline.currentItem()
        self.edit_record_button.setEnabled(item is not None and item.data(RECORD_ROLE) is not None)

    def _after(self, changes: ChangeSet, said: str = "") -> None:
        self.publish(changes, said)
        self.show_matter(self.vault, self.matter_id)

    def _status_chosen(self) -> None:
        self._save_field(
            {"status": str(self.status.currentData())},
            _("Moved the matter to {stage}.").format(stage=self.status.currentText()),
        )

    def _assignee_chosen(self) -> None:
        self._save_field(
            {"assigned_staff_id": self.assignee.currentData()},
            _("Assigned the matter to {name}.").format(name=self.assignee.currentText()),
        )

    def _save_field(self, fields: dict[str, object], said: str) -> None:
        if self.vault is None or self.matter_id is None:
            return
        try:
            result = matters.update_matter(
                self.vault,
                matter_id=self.matter_id,
                version=self.loaded_version,
                **fields,  # type: ignore[arg-type]
            )
        except ConflictError as exc:
            self.show_matter(self.vault, self.matter_id)  # the other person's values
            self.error.setText(exc.message)
            return
        except ClinicError as exc:
            self.error.setText(desktop_message(exc))
            return
        self._after(result.changes, said)

    def add_notice(self) -> None:
        if self.vault is None or self.matter_id is None:
            return
        dialog = NoticeDialog(self.vault, self.matter_id, parent=self)
        if dialog.exec():
            self._after(dialog.changes, dialog.said)

    def add_grant(self) -> None:
        if self.vault is None or self.matter_id is None:
            return
        dialog = GrantDialog(self.vault, self.matter_id, parent=self)
        if dialog.exec():
            self._after(dialog.changes, dialog.said)

    def edit_record(self) -> None:
        item = self.timeline.currentItem()
        if self.vault is None or self.matter_id is None or item is None:
            return
        found = item.data(RECORD_ROLE)
        if not found:
            return
        kind, record_id = found
        if kind == "grant":
            dialog: GrantDialog | NoticeDialog | NoteDialog = GrantDialog(
                self.vault, self.matter_id, grant_id=record_id, parent=self
            )
        elif kind == "event":
            dialog = NoticeDialog(self.vault, self.matter_id, event_id=record_id, parent=self)
        else:
            dialog = NoteDialog(
                self.vault, notes.get_note(self.vault, note_id=record_id), parent=self
            )
        if dialog.exec():
            self._after(dialog.changes, dialog.said)

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
        self._after(result.changes, _("Note added."))
