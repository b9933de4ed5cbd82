"""Table model of deadlines, coloured by status, with the 'why' as a tooltip."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from clinic_app.i18n import N_, _
from clinic_app.services import deadlines, vocab
from clinic_app.services.deadlines import Deadline
from ui.date_input import shown_day
from ui.table_base import Index, RecordTableModel

STATUS_LABELS = {
    "overdue": N_("Overdue"),
    "due_soon": N_("Due soon"),
    "upcoming": N_("Upcoming"),
    "done": N_("Done"),
    "snoozed": N_("Snoozed"),
}
POLICY_LABELS = {"paused": N_("Program paused"), "ended": N_("Program ended")}
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
    DUE, TIER, STATUS, CLIENT, KIND, ASSIGNEE, POLICY = range(7)
    HEADERS = (
        N_("Due"),
        N_("Urgency"),
        N_("Status"),
        N_("Client"),
        N_("What"),
        N_("Assigned"),
        N_("Program status"),
    )

    def __init__(self) -> None:
        super().__init__()
        self.today = date.today()
        self.tiers: dict[str, str] = {}
        self._ids: dict[str, int] = {}

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.ToolTipRole
            and orientation == Qt.Orientation.Horizontal
            and section == self.TIER
        ):
            # The dates of a tier are not always in date order: say so where it is read.
            return _(
                "In Today's order, the most serious first; a row's urgency says how its group "
                "is ordered."
            )
        return super().headerData(section, orientation, role)

    def set_rows(
        self, rows: list[Deadline], today: date, tiers: dict[str, str] | None = None
    ) -> None:
        self.beginResetModel()
        self._rows, self.today, self.tiers = rows, today, tiers or {}
        self._ids = {d.id: i for i, d in enumerate(rows)}
        self.endResetModel()

    def row_of(self, deadline_id: str) -> int | None:
        return self._ids.get(deadline_id)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        d = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            column = index.column()
            if column == self.DUE:
                return shown_day(d.due)
            if column == self.TIER:
                tier = deadlines.TIER_BY_KEY.get(self.tiers.get(d.id, ""))
                return f"{tier.mark} {_(tier.title)}" if tier else ""
            if column == self.STATUS:
                # One row, one deadline: "Vencido", not the Today heading's plural "Vencidos".
                word = vocab.label("deadline_status", d.status)
                label = word[:1].upper() + word[1:]
                return (
                    f"{label} → {shown_day(d.snoozed_until)}"
                    if d.snoozed_until and d.status == "snoozed"
                    else label
                )
            if column == self.CLIENT:
                return d.client
            if column == self.KIND:
                return d.text if d.kind == "task" and d.text else d.message or kind_label(d.kind)
            if column == self.ASSIGNEE:
                return d.assignee
            if column == self.POLICY:
                # The program's own name is in the Program filter; here only what changed.
                status = d.policy_status
                return "" if status in (None, "open") else _(POLICY_LABELS.get(status, status))
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == self.TIER:
            # Why the group is where it is, and its order (work-permit stops: nearest to today).
            tier = deadlines.TIER_BY_KEY.get(self.tiers.get(d.id, ""))
            return f"{tier.mark} {_(tier.title)}\n{_(tier.reason)}" if tier else None
        if role == Qt.ItemDataRole.ToolTipRole:
            # The cell's whole text first (a narrow column cuts it), then why it is due.
            text = self.data(index, Qt.ItemDataRole.DisplayRole)
            return f"{text}\n{d.why}" if text else d.why
        if role == Qt.ItemDataRole.BackgroundRole:
            return QColor(STATUS_COLOURS.get(d.status, "#ffffff"))
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor("#1a1a1a")
        if role == Qt.ItemDataRole.UserRole:
            return d.id
        return None

    def deadline(self, row: int) -> Deadline | None:
        return self.record(row)
