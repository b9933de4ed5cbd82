"""Today: the action queue, most serious first, every row actionable (open, done, snooze)."""

from __future__ import annotations

import html
from datetime import date

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from clinic_app.errors import ClinicError
from clinic_app.i18n import N_, _, current_language, format_day, format_number, ngettext
from clinic_app.services import deadlines, vocab
from clinic_app.services.changes import DEADLINE, EVENT, GRANT, MATTER, SETTING
from clinic_app.services.deadlines import Queue, QueueItem
from clinic_app.services.vault_ops import Vault
from ui.backup_age import BackupAgeRow
from ui.bus import ChangeBus
from ui.confirm import choose
from ui.feedback import desktop_message
from ui.pages.base import Page
from ui.snooze_dialog import ask_until
from ui.stale_rules import StaleRulesLine

PAGE = deadlines.queue.PAGE
# Light backgrounds (dark text) per tier; the tier's name and mark say the same in words.
TIER_COLOURS = {
    "terminated": "#f5c6cb",
    "work_permit_stop": "#f8d7da",
    "due_today": "#ffe8a1",
    "rfe_biometrics": "#fff3cd",
    "overdue": "#fde2d2",
    "week": "#e8f1fb",
    "month": "#eef4fb",
    "quarter": "#f5f8fc",
    "stale": "#ececec",
}
TEXT_BRUSH = QBrush(QColor("#1a1a1a"))  # dark text on every tier's light background
COLUMNS = (N_("Due"), N_("What"), N_("Client"), N_("Assigned"))
ROW, WORKER, MORE = "row", "worker", "more"


def due_counts(vault: Vault, today: date) -> Queue:
    """The one query behind Today's counts, the status bar's and the notification's."""
    return deadlines.build_queue(vault, today=today, per_tier=0)


def when_text(item: QueueItem, today: date) -> str:
    if item.late_days:
        return ngettext("{n} day late", "{n} days late", item.late_days).format(n=item.late_days)
    days = (item.due - today).days
    if days == 0:
        return _("today")
    if days > 0:
        return ngettext("in {n} day", "in {n} days", days).format(n=days)
    return ""


class TodayPage(Page):
    title = N_("Today")
    open_matter = Signal(int)

    def __init__(self, bus: ChangeBus) -> None:
        super().__init__(bus)
        self.today = date.today()
        self.queue: Queue | None = None
        self.counts: dict[str, int] = {}
        self.pages: dict[str, int] = {}  # rows read per tier (grows with "Show more")
        self.rows: dict[str, QueueItem] = {}
        self.heading = QLabel()
        self.heading.setObjectName("todayHeading")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.tree = QTreeWidget()
        self.tree.setObjectName("todayList")
        self.tree.setAccessibleName(_("What needs doing, most serious first"))
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels([_(c) for c in COLUMNS])
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._menu)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        self.tree.itemActivated.connect(self._activated)
        self.tree.currentItemChanged.connect(lambda *_a: self._selected())
        self.why = QLabel()
        self.why.setObjectName("todayWhy")
        self.why.setWordWrap(True)
        self.open_button = QPushButton(_("&Open matter"))
        self.open_button.clicked.connect(lambda _checked=False: self.open_current())
        self.done_button = QPushButton(_("Mark &done"))
        self.done_button.clicked.connect(lambda _checked=False: self.done_current())
        self.snooze_button = QPushButton(_("&Snooze…"))
        self.snooze_button.clicked.connect(lambda _checked=False: self.snooze_current())
        for button, name in (
            (self.open_button, _("Open the selected item's matter")),
            (self.done_button, _("Mark the selected item done")),
            (self.snooze_button, _("Snooze the selected item until a date")),
        ):
            button.setAccessibleName(name)
        # Keyboard: Enter opens; Ctrl+D marks done; Ctrl+Shift+S snoozes (and the Alt letters).
        QShortcut(QKeySequence("Ctrl+D"), self.tree, self.done_current)
        QShortcut(QKeySequence("Ctrl+Shift+S"), self.tree, self.snooze_current)
        self.message = QLabel()
        self.message.setObjectName("todayMessage")
        actions = QHBoxLayout()
        for button in (self.open_button, self.done_button, self.snooze_button):
            actions.addWidget(button)
        actions.addWidget(self.message, 1)
        self.backup_row = BackupAgeRow(bus)  # last verified backup, a warning when missed
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        self.stale_rules = StaleRulesLine()
        layout.addWidget(self.stale_rules)
        layout.addWidget(self.backup_row)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.why)
        layout.addLayout(actions)
        self._selected()

    def kinds(self) -> frozenset[str]:
        return frozenset({DEADLINE, MATTER, GRANT, EVENT, SETTING})

    def set_today(self, today: date) -> None:
        self.today = today
        self.reload()

    # -- reading -------------------------------------------------------------------------

    def reload(self) -> None:
        self.backup_row.show_for(self.vault)
        current = self._current_key()
        self.tree.clear()
        self.rows = {}
        self.counts = {}
        self.stale_rules.refresh(self.vault, self.today)
        self.queue = None
        if self.vault is None:
            self.heading.clear()
            self.why.clear()
            self.message.clear()
            self._selected()
            return
        queue = deadlines.build_queue(
            self.vault,
            today=self.today,
            per_tier={key: self.pages.get(key, PAGE) for key in TIER_COLOURS},
            lang=current_language(),
        )
        self.queue, self.counts = queue, dict(queue.counts)
        head = [f"<h1>{html.escape(_('Today, {date}').format(date=format_day(self.today)))}</h1>"]
        head.append(f"<p><b>{html.escape(queue.summary)}</b></p>")
        for note in queue.policies:
            head.append(
                "<p style='color:#7a3e00'>⚠ "
                + html.escape(
                    _("{program} is {status} since {since}: {summary}").format(
                        program=note.title,
                        status=vocab.label("program_status", note.status),
                        since=format_day(note.since),
                        summary=note.summary,
                    )
                )
                + "</p>"
            )
        self.heading.setText("".join(head))
        if not queue.groups:
            empty = QTreeWidgetItem(
                [
                    _(
                        "Nothing is due in the next 90 days. Add grants and notices to matters "
                        "to see their deadlines here."
                    )
                ]
            )
            self.tree.addTopLevelItem(empty)
            empty.setFirstColumnSpanned(True)  # spanning works once the item is in the tree
        select: QTreeWidgetItem | None = None
        for group in queue.groups:
            top = QTreeWidgetItem(
                [f"{group.mark}  {group.title} ({format_number(group.count, ',')})"]
            )
            top.setToolTip(0, group.reason)
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(top)
            top.setFirstColumnSpanned(True)
            # One brush per tier, shared by its cells (a colour would make a brush per cell).
            background = QBrush(QColor(TIER_COLOURS.get(group.tier, "#ffffff")))
            for row in group.items:
                child = self._row_item(row, group.mark, background)
                top.addChild(child)
                if row.key == current:
                    select = child
            hidden = group.count - len(group.items)
            if hidden > 0:
                more = QTreeWidgetItem(
                    [
                        _("Show {n} more of {count}…").format(
                            n=format_number(min(hidden, PAGE), ","),
                            count=format_number(hidden, ","),
                        )
                    ]
                )
                more.setData(0, Qt.ItemDataRole.UserRole, (MORE, group.tier))
                top.addChild(more)
                more.setFirstColumnSpanned(True)
            top.setExpanded(True)
        self._fit_columns()
        first = self._first_row()
        self.tree.setCurrentItem(select or first)
        self.tree.scrollToTop()
        self._selected()

    def _fit_columns(self) -> None:
        """The due date, client and assignee as wide as their text (in any language), within
        caps that leave the title room; a title or name cut short is whole in its tooltip."""
        for column, cap in ((0, 320), (2, 230), (3, 210)):
            self.tree.resizeColumnToContents(column)
            self.tree.setColumnWidth(column, min(cap, self.tree.columnWidth(column)))

    def _row_item(self, row: QueueItem, mark: str, background: QBrush) -> QTreeWidgetItem:
        self.rows[row.key] = row
        when = when_text(row, self.today)
        due = f"{mark} {format_day(row.due)}" + (f" · {when}" if when else "")
        who = (
            ngettext("{n} worker", "{n} workers", len(row.workers)).format(
                n=format_number(len(row.workers), ",")
            )
            if row.workers
            else row.client
        )
        texts = (due, row.title, who, row.assignee)
        item = QTreeWidgetItem(texts)
        item.setData(0, Qt.ItemDataRole.UserRole, (ROW, row.key))
        for column, text in enumerate(texts):
            item.setBackground(column, background)
            item.setForeground(column, TEXT_BRUSH)
            # The cell's whole text first (a long title is cut to the column), then why.
            item.setToolTip(column, f"{text}\n{row.why}".strip())
        for worker in row.workers:
            child = QTreeWidgetItem(["", worker.client, worker.deadline_id, ""])
            child.setData(0, Qt.ItemDataRole.UserRole, (WORKER, row.key, worker.deadline_id))
            child.setToolTip(1, f"{worker.client}\n{row.why}")
            child.setToolTip(2, worker.deadline_id)
            item.addChild(child)
        return item

    def _first_row(self) -> QTreeWidgetItem | None:
        for index in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(index)
            if top.childCount():
                return top.child(0)
        return None

    # -- the selected row ----------------------------------------------------------------

    def _current_key(self) -> str | None:
        item = self.tree.currentItem()
        data = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        return str(data[1]) if data and data[0] == ROW else None

    def _target(self) -> tuple[QueueItem, list[str], int | None] | None:
        """The selected row, the deadline ids an action applies to, and the matter to open."""
        item = self.tree.currentItem()
        data = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        if not data or data[0] not in (ROW, WORKER):
            return None
        row = self.rows.get(str(data[1]))
        if row is None:
            return None
        if data[0] == WORKER:
            worker = next(w for w in row.workers if w.deadline_id == data[2])
            return row, [worker.deadline_id], worker.matter_id
        return row, list(row.deadline_ids), row.matter_id

    def _selected(self) -> None:
        target = self._target()
        self.why.setText(
            target[0].why if target else _("Select a row to see why it is due and act on it.")
        )
        self.open_button.setEnabled(target is not None and target[2] is not None)
        self.done_button.setEnabled(target is not None)
        self.snooze_button.setEnabled(target is not None)

    def _activated(self, item: QTreeWidgetItem) -> None:
        data = item.data(0, Qt.ItemDataRole.UserRole)
        if data and data[0] == MORE:
            self.pages[data[1]] = self.pages.get(data[1], PAGE) + PAGE
            self.reload()
            return
        if data and data[0] == ROW and self.rows[str(data[1])].workers:
            item.setExpanded(not item.isExpanded())
            return
        self.open_current()

    def _menu(self, point: QPoint) -> None:
        item = self.tree.itemAt(point)
        if item is None:
            return
        self.tree.setCurrentItem(item)
        target = self._target()
        if target is None:
            return
        menu = QMenu(self)
        if target[2] is not None:
            menu.addAction(_("Open matter"), self.open_current)
        menu.addAction(_("Mark done"), self.done_current)
        menu.addAction(_("Snooze…"), self.snooze_current)
        menu.exec(self.tree.viewport().mapToGlobal(point))

    # -- actions -------------------------------------------------------------------------

    def open_current(self) -> None:
        target = self._target()
        if target is not None and target[2] is not None:
            self.open_matter.emit(target[2])

    def done_current(self) -> None:
        target = self._target()
        if self.vault is None or target is None:
            return
        row, ids, _matter = target
        if len(ids) > 2:
            answer = choose(
                self,
                _("Mark done"),
                _("Mark “{what}” done for all {n} workers?").format(what=row.title, n=len(ids)),
                [("all", _("Mark done for all")), ("cancel", _("Cancel"))],
                default="all",
                cancel="cancel",
            )
            if answer != "all":
                return
        try:
            changes = deadlines.mark_all_done(self.vault, refs=ids, today=self.today)
        except ClinicError as exc:
            self.message.setText(desktop_message(exc))
            return
        self.bus.publish(changes, _("Marked done: {what}.").format(what=row.title))

    def snooze_current(self) -> None:
        target = self._target()
        if self.vault is None or target is None:
            return
        row, ids, _matter = target
        until = ask_until(self.today, row.title, self)
        if until is None:
            return
        try:
            changes = deadlines.snooze_all(self.vault, refs=ids, until=until, today=self.today)
        except ClinicError as exc:
            self.message.setText(desktop_message(exc))
            return
        self.bus.publish(
            changes,
            _("Snoozed until {date}: {what}.").format(date=format_day(until), what=row.title),
        )
