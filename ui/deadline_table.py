"""Table model of deadlines, coloured by status, with the 'why' as a tooltip."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from clinic_app.i18n import N_, _
from clinic_app.services import deadlines
from clinic_app.services.deadlines import Deadline
from ui.table_base import Index, RecordTableModel

STATUS_LABELS = {
    "overdue": N_("Overdue"),
    "due_soon": N_("Due soon"),
    "upcoming": N_("Upcoming"),
    "done": N_("Done"),
    "snoozed": N_("Snoozed"),
}
# Light backgrounds that stay readable in light and dark themes with dark text.
STATUS_COLOURS = {
    "overdue": "#f8d7da",
    "due_soon": "#fff3cd",
    "upcoming": "#e8f1fb",
    "done": "#e2f0d9",
    "snoozed": "#ececec",
}


def kind_label(kind: str) -> str:
    return _(deadlines.KIND_TITLES.get(kind, kind.replace("_", " ").capitalize()))


class DeadlineTableModel(RecordTableModel[Deadline]):
    DUE, STATUS, CLIENT, KIND, ASSIGNEE, POLICY = range(6)
    HEADERS = (
        N_("Due"),
        N_("Status"),
        N_("Client"),
        N_("What"),
        N_("Assigned"),
        N_("Program status"),
    )

    def __init__(self) -> None:
        super().__init__()
        self.today = date.today()

    def set_rows(self, rows: list[Deadline], today: date) -> None:
        self.beginResetModel()
        self._rows, self.today = rows, today
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        d = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            column = index.column()
            if column == self.DUE:
                return d.due.isoformat()
            if column == self.STATUS:
                label = _(STATUS_LABELS.get(d.status, d.status))
                return (
                    f"{label} → {d.snoozed_until.isoformat()}"
                    if d.snoozed_until and d.status == "snoozed"
                    else label
                )
            if column == self.CLIENT:
                return d.client
            if column == self.KIND:
                return d.text if d.kind == "task" and d.text else kind_label(d.kind)
            if column == self.ASSIGNEE:
                return d.assignee
            if column == self.POLICY:
                return (
                    "" if d.policy_status in (None, "open") else f"{d.program}: {d.policy_status}"
                )
        if role == Qt.ItemDataRole.ToolTipRole:
            return d.why
        if role == Qt.ItemDataRole.BackgroundRole:
            return QColor(STATUS_COLOURS.get(d.status, "#ffffff"))
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor("#1a1a1a")
        if role == Qt.ItemDataRole.UserRole:
            return d.id
        return None

    def deadline(self, row: int) -> Deadline | None:
        return self.record(row)
