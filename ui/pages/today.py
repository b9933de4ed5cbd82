"""Today: what needs doing, grouped as overdue, this week, next 30 and next 90 days."""

from __future__ import annotations

import html
from datetime import date, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout

from clinic_app.i18n import N_, _, current_language
from clinic_app.services import deadlines
from clinic_app.services.changes import DEADLINE, EVENT, GRANT, MATTER, SETTING
from clinic_app.services.deadlines import Deadline
from clinic_app.services.vault_ops import Vault
from ui.backup_age import BackupAgeRow
from ui.bus import ChangeBus
from ui.deadline_table import STATUS_COLOURS, kind_label
from ui.pages.base import Page
from ui.stale_rules import StaleRulesLine

GROUPS = [
    ("overdue", N_("Overdue")),
    ("week", N_("This week")),
    ("month", N_("Next 30 days")),
    ("quarter", N_("Next 90 days")),
]


SHOWN = 400  # deadlines read for the list; the counts cover everything
PER_GROUP = 60


def due_counts(
    vault: Vault, today: date, *, limit: int = 0, lang: str | None = None
) -> tuple[deadlines.Dashboard, dict[str, int]]:
    """The one query behind Today's figures and the status bar's: open deadlines due in the next
    90 days, counted as overdue, due today, this week, next 30 and next 90 days."""
    board = deadlines.dashboard(
        vault, today=today, within=90, limit=limit, lang=lang, also_within=(0, 7, 30)
    )
    totals = board.total_within
    overdue = board.counts["overdue"]
    return board, {
        "overdue": overdue,
        "today": totals[0] - overdue,
        "week": totals[7] - overdue,
        "month": totals[30] - totals[7],
        "quarter": board.total - totals[30],
    }


def group_of(deadline: Deadline, today: date) -> str:
    if deadline.due < today or deadline.status == "overdue":
        return "overdue"
    if deadline.due <= today + timedelta(days=7):
        return "week"
    if deadline.due <= today + timedelta(days=30):
        return "month"
    return "quarter"


class TodayPage(Page):
    title = N_("Today")
    open_matter = Signal(int)

    def __init__(self, bus: ChangeBus) -> None:
        super().__init__(bus)
        self.today = date.today()
        self.heading = QLabel()
        self.heading.setObjectName("todayHeading")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.list = QListWidget()
        self.list.setObjectName("todayList")
        self.list.setAccessibleName(_("What needs doing"))
        self.list.setWordWrap(True)
        self.list.setSpacing(3)
        self.list.itemActivated.connect(self._activated)
        self.backup_row = BackupAgeRow(bus)  # last verified backup, a warning when missed
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        self.stale_rules = StaleRulesLine()
        layout.addWidget(self.stale_rules)
        layout.addWidget(self.backup_row)
        layout.addWidget(self.list, 1)
        self.counts: dict[str, int] = {}

    def kinds(self) -> frozenset[str]:
        return frozenset({DEADLINE, MATTER, GRANT, EVENT, SETTING})

    def set_today(self, today: date) -> None:
        self.today = today
        self.reload()

    def reload(self) -> None:
        self.backup_row.show_for(self.vault)
        self.list.clear()
        self.counts = {}
        self.stale_rules.refresh(self.vault, self.today)
        if self.vault is None:
            self.heading.clear()
            return
        # Counts come from the database; only the first items are listed (the rest: Deadlines).
        board, self.counts = due_counts(
            self.vault, self.today, limit=SHOWN, lang=current_language()
        )
        grouped: dict[str, list[Deadline]] = {key: [] for key, _label in GROUPS}
        for d in board.deadlines:
            if d.status not in ("done", "snoozed"):
                grouped[group_of(d, self.today)].append(d)
        flagged = sorted(
            {
                f"{d.program} ({d.policy_status})"
                for d in board.deadlines
                if d.policy_status not in (None, "open")
            }
        )
        head = [f"<h1>{html.escape(_('Today, {date}').format(date=self.today.isoformat()))}</h1>"]
        summary = _(
            "{overdue} overdue · {week} this week · {month} in the next 30 days · {quarter} in the next 90 "
            "days"
        ).format(**self.counts)
        head.append(f"<p>{html.escape(summary)}</p>")
        if flagged:
            head.append(
                "<p style='color:#8a4b00'><b>"
                + html.escape(_("Program status"))
                + ":</b> "
                + html.escape(", ".join(flagged))
                + " · "
                + html.escape(_("matters under these programs are flagged below."))
                + "</p>"
            )
        self.heading.setText("".join(head))
        if not board.total:
            self.list.addItem(
                _(
                    "Nothing is due in the next 90 days. Add grants and notices to matters to "
                    "see their deadlines here."
                )
            )
            return
        for key, label in GROUPS:
            items = grouped[key][:PER_GROUP]
            header = QListWidgetItem(f"{_(label)} ({self.counts[key]})")
            font = header.font()
            font.setBold(True)
            font.setPointSize(font.pointSize() + 2)
            header.setFont(font)
            header.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.list.addItem(header)
            for d in items:
                flag = (
                    f"  ⚠ {d.program}: {d.policy_status}"
                    if d.policy_status not in (None, "open")
                    else ""
                )
                what = d.text if d.kind == "task" and d.text else d.message or kind_label(d.kind)
                item = QListWidgetItem(
                    f"{d.due.isoformat()}  ·  {d.client}  ·  {what}{flag}\n{d.why}"
                )
                item.setData(Qt.ItemDataRole.UserRole, d.matter_id)
                item.setToolTip(d.why)
                item.setBackground(QColor(STATUS_COLOURS.get(d.status, "#ffffff")))
                item.setForeground(QColor("#1a1a1a"))
                self.list.addItem(item)
            hidden = self.counts[key] - len(items)
            if hidden > 0:
                more = QListWidgetItem(_("… and {n} more: see Deadlines").format(n=hidden))
                more.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.list.addItem(more)

    def _activated(self, item: QListWidgetItem) -> None:
        matter_id = item.data(Qt.ItemDataRole.UserRole)
        if matter_id:
            self.open_matter.emit(int(matter_id))
