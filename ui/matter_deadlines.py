"""One matter's deadlines and tasks with their reasons, and the Deadlines screen's actions on them."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clinic_app.i18n import _, current_language
from clinic_app.services import ChangeSet, deadlines, rule_status
from clinic_app.services.deadlines import Deadline
from clinic_app.services.vault_ops import Vault
from ui.deadline_actions import act
from ui.deadline_table import DeadlineTableModel
from ui.forms import error_label
from ui.table_base import Index

ROW_HEIGHT = 26
ASSIGNEE_WIDTH = 130


class MarkedDeadlines(DeadlineTableModel):
    """What is due led by its urgency's mark ("‼ Grant terminated: urgent review"), the
    urgency named in full in the tooltip: colour is never the only signal."""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        value = super().data(index, role)
        if not index.isValid() or index.column() != self.KIND:
            return value
        tier = deadlines.TIER_BY_KEY.get(self.tiers.get(self._rows[index.row()].id, ""))
        if tier is None:
            return value
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{tier.mark} {value}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{tier.mark} {_(tier.title)}\n{value}"
        return value


class MatterDeadlines(QWidget):
    """Done ones stay listed (struck through by their status) so a mistaken mark can be reopened."""

    published = Signal(object, str)  # ChangeSet, what happened
    add_task_requested = Signal(int)  # a matter id

    def __init__(self) -> None:
        super().__init__()
        self.vault: Vault | None = None
        self.matter_id: int | None = None
        self.today = date.today()
        self.model = MarkedDeadlines()
        self.table = QTableView()
        self.table.setObjectName("matterDeadlines")
        self.table.setModel(self.model)
        self.table.setAccessibleName(_("This matter's deadlines"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        for column in (
            DeadlineTableModel.CLIENT,
            DeadlineTableModel.POLICY,
            DeadlineTableModel.TIER,
        ):
            # The matter's own client is shown above; the urgency marks what is due.
            self.table.setColumnHidden(column, True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(DeadlineTableModel.KIND, QHeaderView.ResizeMode.Stretch)
        # The assignee is mostly the matter's own (named above): a narrow column, whole in its
        # tooltip, so what is due keeps the room (Spanish role names are long).
        header.setSectionResizeMode(DeadlineTableModel.ASSIGNEE, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(DeadlineTableModel.ASSIGNEE, ASSIGNEE_WIDTH)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._selected())
        self.why = QLabel()
        self.why.setObjectName("matterDeadlineWhy")
        self.why.setWordWrap(True)
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        # Rules that do not apply where the client lives, and why (e.g. DACA work permits in TX).
        self.not_here = QLabel()
        self.not_here.setObjectName("matterNotHere")
        self.not_here.setWordWrap(True)
        self.done_button = QPushButton(_("Mark done"))
        self.done_button.clicked.connect(lambda _c=False: self._act("done"))
        self.snooze_button = QPushButton(_("Snooze…"))
        self.snooze_button.clicked.connect(lambda _c=False: self._act("snooze"))
        self.reopen_button = QPushButton(_("Reopen"))
        self.reopen_button.clicked.connect(lambda _c=False: self._act("reopen"))
        self.task_button = QPushButton(_("Add task…"))
        self.task_button.clicked.connect(
            lambda _c=False: self.add_task_requested.emit(self.matter_id or 0)
        )
        self.error = error_label()
        buttons = QHBoxLayout()
        for button in (self.done_button, self.snooze_button, self.reopen_button, self.task_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty)
        layout.addWidget(self.table)
        layout.addWidget(self.why)
        layout.addWidget(self.not_here)
        layout.addLayout(buttons)
        layout.addWidget(self.error)

    def show_matter(self, vault: Vault | None, matter_id: int | None) -> None:
        self.vault, self.matter_id = vault, matter_id
        self.today = date.today()
        self.error.clear()
        rows: list[Deadline] = []
        notes: list[rule_status.PlaceNote] = []
        if vault is not None and matter_id is not None:
            rows = deadlines.list_deadlines(
                vault,
                today=self.today,
                matter_id=matter_id,
                include_done=True,
                lang=current_language(),
            )
            notes = rule_status.place_notes(vault, matter_id=matter_id, lang=current_language())
        self.not_here.setText(
            "\n".join(_("Not for this client: {why}.").format(why=n.text) for n in notes)
        )
        self.not_here.setVisible(bool(notes))
        # The same urgency as Today and Deadlines (that column was never filled in here): its
        # mark leads what is due, and its name is in the tooltip (the panel has no room for a
        # column of it beside what is due).
        tiers = deadlines.tiers_of(vault, rows, self.today) if vault is not None and rows else {}
        self.model.set_rows(rows, self.today, tiers)
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows and matter_id is not None)
        self.empty.setText(
            _(
                "No deadlines yet: they follow from the notices and grants you add "
                "(receipt, biometrics, RFE, grant end)."
            )
        )
        # Every row shown (the matter's page scrolls as a whole, never this table alone).
        self.table.resizeRowsToContents()
        self.table.setFixedHeight(
            self.table.horizontalHeader().sizeHint().height()
            + self.table.verticalHeader().length()
            + 2 * self.table.frameWidth()
            + 2
        )
        self.task_button.setEnabled(matter_id is not None and vault is not None)
        self._selected()

    def deadline_ids(self) -> list[str]:
        return [d.id for row in range(self.model.rowCount()) if (d := self.model.deadline(row))]

    def select(self, deadline_id: str) -> bool:
        for row in range(self.model.rowCount()):
            found = self.model.deadline(row)
            if found is not None and found.id == deadline_id:
                self.table.selectRow(row)
                return True
        return False

    def selected(self) -> Deadline | None:
        index = self.table.currentIndex()
        return self.model.deadline(index.row()) if index.isValid() else None

    def _selected(self) -> None:
        d = self.selected()
        self.why.setText(d.why if d else "")
        self.why.setVisible(d is not None)
        self.done_button.setEnabled(d is not None and d.status != "done")
        self.snooze_button.setEnabled(d is not None and d.status not in ("done",))
        self.reopen_button.setEnabled(d is not None and d.status in ("done", "snoozed"))

    def _publish(self, changes: ChangeSet, said: str) -> None:
        self.published.emit(changes, said)

    def _act(self, action: str) -> None:
        d = self.selected()
        if self.vault is None or d is None:
            return
        problem = act(self, self.vault, d, action, self.today, self._publish)
        if problem:
            self.error.setText(problem)
