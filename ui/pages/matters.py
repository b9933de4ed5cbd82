"""Matters: a pipeline of stages with counts, a lazily fetched list, and the selected matter's page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clinic_app.i18n import N_, _, format_number
from clinic_app.services import matters
from clinic_app.services.changes import CLIENT, EVENT, GRANT, MATTER, STAFF
from clinic_app.services.records import MatterRecord
from clinic_app.services.server_session import ServerError
from clinic_app.services.vault_ops import Vault
from ui.bus import ChangeBus
from ui.date_input import shown_day
from ui.labels import KIND_LABELS, STATUS_LABELS
from ui.matter_editor import MatterDialog
from ui.matter_view import MatterPanel
from ui.pages.base import Page, says_server_errors
from ui.search_keys import IntoResults
from ui.table_base import Index, PagedTableModel


class MatterTableModel(PagedTableModel[MatterRecord]):
    """Matters page by page, filtered by pipeline stage and client search."""

    # The employer comes second so its name shows whole beside the matter's page on a laptop.
    CLIENT, EMPLOYER, STATUS, RECEIPT, GRANT_END, PERMIT_END, KIND, ASSIGNED = range(8)
    HEADERS = (
        N_("Client"),
        N_("Employer"),
        N_("Stage"),
        N_("Receipt"),
        N_("Grant ends"),
        N_("Permit ends"),
        N_("Kind"),
        N_("Assigned"),
    )

    def __init__(self) -> None:
        super().__init__()
        self.vault: Vault | None = None
        self.status: str | None = None
        self.search = ""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        m = self._rows[index.row()]
        values = (
            m.client_name,
            m.employer,
            _(STATUS_LABELS.get(m.status, m.status)),
            m.receipt_number or "",
            shown_day(m.grant_end),
            shown_day(m.work_permit_end),
            _(KIND_LABELS.get(m.kind, m.kind)),
            m.assigned_to,
        )
        return values[index.column()]

    def _first_read(self) -> tuple[int, list[MatterRecord]]:
        if self.vault is None:
            return 0, []
        return matters.count_matters(self.vault, status=self.status, client_search=self.search), []

    def _read_page(self, offset: int, limit: int) -> list[MatterRecord] | None:
        if self.vault is None:
            return None
        return matters.list_matters(
            self.vault, status=self.status, client_search=self.search, offset=offset, limit=limit
        )

    def matter_id(self, row: int) -> int | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None


# Columns that step aside, in this order, when the list is narrower than all of them.
HIDE_FIRST = (
    MatterTableModel.KIND,
    MatterTableModel.ASSIGNED,
    MatterTableModel.PERMIT_END,
    MatterTableModel.GRANT_END,
    MatterTableModel.RECEIPT,
)


class _Resized(QObject):
    """Calls back when the watched widget changes size."""

    def __init__(self, parent: QObject, callback: Callable[[], None]) -> None:
        super().__init__(parent)
        self.callback = callback

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.callback()
        return False


class MattersPage(Page):
    title = N_("Matters")

    def __init__(self, bus: ChangeBus) -> None:
        super().__init__(bus)
        self.model = MatterTableModel()
        self.model.failed.connect(self.server_failed)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Filter by client name, A-number or receipt number"))
        self.search.setAccessibleName(_("Filter matters"))
        self.search.setClearButtonEnabled(True)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self._filter_changed)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.stages = QButtonGroup(self)
        self.stages.setExclusive(True)
        # Two rows of stages: one row of eleven is wider than a 1366-pixel laptop in Spanish.
        pipeline = QGridLayout()
        pipeline.setSpacing(2)
        self.stage_buttons: dict[str | None, QPushButton] = {}
        for position, (key, label) in enumerate([(None, N_("All")), *STATUS_LABELS.items()]):
            button = QPushButton(_(label))
            button.setCheckable(True)
            button.setAccessibleName(_("Show stage {stage}").format(stage=_(label)))
            button.clicked.connect(lambda _c=False, k=key: self.set_stage(k))
            self.stages.addButton(button)
            self.stage_buttons[key] = button
            pipeline.addWidget(button, position // 6, position % 6)
        self.stage_buttons[None].setChecked(True)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(_("Matters"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAlternatingRowColors(True)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.viewport().installEventFilter(
            _Resized(self, lambda: self._drop_columns_that_do_not_fit())
        )
        # An empty list says why it is empty and what to do (no matter yet, none at this stage,
        # none matching the filter).
        self.empty = QLabel()
        self.empty.setObjectName("mattersEmpty")
        self.empty.setWordWrap(True)
        self.empty.hide()
        self.model.modelReset.connect(self._say_if_empty)
        self.panel = MatterPanel(self.bus.publish)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        IntoResults(self.search, self.table, self._filter_now)
        left = QWidget()
        box = QVBoxLayout(left)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.search)
        box.addWidget(self.table)
        box.addWidget(self.empty)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([580, 420])
        self.new_button = QPushButton(_("New matter…"))
        self.new_button.setToolTip(_("Open a matter for a client"))
        self.new_button.clicked.connect(lambda _c=False: self.new_matter())
        top = QHBoxLayout()
        top.addLayout(pipeline, 1)
        top.addWidget(self.new_button, 0, Qt.AlignmentFlag.AlignTop)
        self.panel.edit_requested.connect(self.edit_matter)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

    def kinds(self) -> frozenset[str]:
        return frozenset({MATTER, GRANT, EVENT, CLIENT, STAFF})

    def reload(self) -> None:
        selected = self.panel.matter_id
        self.model.vault = self.vault
        if self.vault is None:
            self._debounce.stop()
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
            self.model.search = ""
        self.model.reload()
        counts = matters.count_by_status(self.vault) if self.vault else {}
        for key, button in self.stage_buttons.items():
            label = _("All") if key is None else _(STATUS_LABELS[key])
            n = sum(counts.values()) if key is None else counts.get(key, 0)
            button.setText(f"{label} {format_number(n, ',')}" if self.vault else label)
        self._fit_columns()
        if self.vault is not None and selected is not None:
            self.open_matter(selected)  # stays in view even when it has moved to another stage
        else:
            self.panel.show_matter(None, None)

    def _say_if_empty(self) -> None:
        if self.vault is None or self.model.total:
            self.empty.hide()
            return
        if self.model.search.strip():
            text = _(
                "No matter matches the filter; check the spelling, or filter by A-number or "
                "receipt number."
            )
        elif self.model.status is not None:
            text = _("No matter is at the stage “{stage}”. All shows every matter.").format(
                stage=_(STATUS_LABELS[self.model.status])
            )
        else:
            text = _("No matters yet. New matter… opens one for a client.")
        self.empty.setText(text)
        self.empty.show()

    def _fit_columns(self) -> None:
        """Client and employer names whole (up to a limit), dates and receipts at their width."""
        for column in range(self.model.columnCount()):
            self.table.setColumnHidden(column, False)
        self.table.resizeColumnsToContents()
        for column, cap in ((MatterTableModel.CLIENT, 230), (MatterTableModel.EMPLOYER, 260)):
            self.table.setColumnWidth(column, min(cap, max(120, self.table.columnWidth(column))))
        # Before the last shown column stretches to the edge.
        self._natural = [self.table.columnWidth(c) for c in range(self.model.columnCount())]
        self._drop_columns_that_do_not_fit()

    def _drop_columns_that_do_not_fit(self) -> None:
        """No sideways scrolling in the main list: beside the matter's page on a laptop, the
        least needed columns step aside (the matter's page shows them)."""
        natural = getattr(self, "_natural", [])
        if len(natural) != self.model.columnCount():
            return
        width = self.table.viewport().width()
        shown = list(range(self.model.columnCount()))
        for column in HIDE_FIRST:
            if sum(natural[c] for c in shown) <= width:
                break
            shown.remove(column)
        for column in range(self.model.columnCount()):
            self.table.setColumnHidden(column, column not in shown)

    @says_server_errors
    def set_stage(self, status: str | None) -> None:
        self.model.status = status
        self.stage_buttons[status].setChecked(True)
        self.model.reload()
        self.panel.show_matter(None, None)

    def _filter_now(self) -> None:
        """A filter still waiting for a pause in the typing, applied at once."""
        if self._debounce.isActive():
            self._debounce.stop()
            self._filter_changed()

    @says_server_errors
    def _filter_changed(self) -> None:
        if self.vault is None:
            return
        self.model.search = self.search.text()
        self.model.reload()
        self.panel.show_matter(None, None)

    def select_matter(self, matter_id: int) -> bool:
        for row in range(self.model.rowCount()):
            if self.model.matter_id(row) == matter_id:
                self.table.selectRow(row)
                self.panel.show_matter(self.vault, matter_id)
                return True
        return False

    @says_server_errors
    def open_matter(self, matter_id: int) -> None:
        """Show one matter even when the current filters hide it."""
        if not self.select_matter(matter_id):
            self.panel.show_matter(self.vault, matter_id)

    def new_matter(self, client_id: int | None = None, letter_id: int | None = None) -> None:
        if self.vault is None:
            return
        dialog = MatterDialog(self.vault, client_id=client_id, letter_id=letter_id, parent=self)
        if dialog.exec() and dialog.saved_id is not None:
            self.show_saved(dialog)

    @says_server_errors
    def edit_matter(self, matter_id: int) -> None:
        if self.vault is None or not matter_id:
            return
        record = matters.get_matter(self.vault, matter_id=matter_id)
        dialog = MatterDialog(self.vault, matter=record, parent=self)
        if dialog.exec() and dialog.saved_id is not None:
            self.show_saved(dialog)

    def show_saved(self, dialog: MatterDialog) -> None:
        """Say what was saved, and show that matter selected even if the filters hid it."""
        assert dialog.saved_id is not None
        self.bus.publish(dialog.changes, dialog.said)
        if self.vault is None:
            return
        if not self.select_matter(dialog.saved_id):
            self._debounce.stop()
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
            self.model.search = ""
            self.set_stage(None)
            self.open_matter(dialog.saved_id)

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        matter_id = self.model.matter_id(current.row())
        if self.vault is not None and matter_id is not None:
            try:
                self.panel.show_matter(self.vault, matter_id)
            except ServerError as exc:
                self.panel.show_matter(None, None)  # no half-shown matter
                self.server_failed(exc)
