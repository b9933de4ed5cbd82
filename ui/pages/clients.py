"""Clients: instant accent-insensitive search over a lazily fetched table, details and editing."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clinic_app.errors import ClinicError, ConflictError
from clinic_app.i18n import N_, _, format_number, ngettext
from clinic_app.services import ChangeSet, clients
from clinic_app.services.changes import CLIENT, GRANT, MATTER, NOTE
from clinic_app.services.server_session import ServerError
from ui.bus import ChangeBus
from ui.client_detail import ClientDetail
from ui.client_editor import ClientEditor
from ui.client_table import ClientTableModel
from ui.clipboard import copy_sensitive
from ui.confirm import choose
from ui.feedback import desktop_message
from ui.matter_editor import MatterDialog
from ui.pages.base import Page
from ui.search_keys import IntoResults

EMPLOYER_WIDTH = 150


class ClientsPage(Page):
    title = N_("Clients")
    open_matter = Signal(int)

    def __init__(self, bus: ChangeBus) -> None:
        super().__init__(bus)
        self.search = QLineEdit()
        self.search.setPlaceholderText(
            _("Search name, A-number, receipt number or employer  (Ctrl+K)")
        )
        self.search.setAccessibleName(_("Search clients"))
        self.search.setClearButtonEnabled(True)
        self.new_button = QPushButton(_("New client"))
        self.new_button.setToolTip(_("Add a client (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_client)
        self.edit_button = QPushButton(_("Edit"))
        self.edit_button.clicked.connect(self.edit_client)
        self.delete_button = QPushButton(_("Delete…"))
        # A lambda: `clicked` passes `checked`, which must never reach a slot's own parameters.
        self.delete_button.clicked.connect(lambda _checked=False: self.delete_client())
        self.copy_button = QPushButton(_("Copy A-number"))
        self.copy_button.setToolTip(_("The clipboard is cleared after 30 seconds"))
        self.copy_button.clicked.connect(self.copy_a_number)
        self.model = ClientTableModel()
        self.model.failed.connect(self.server_failed)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(_("Clients"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Tab leaves the list for the buttons under it (arrows move in it): stepping cell by
        # cell through every client would trap a keyboard user in the list.
        self.table.setTabKeyNavigation(False)
        self.table.horizontalHeader().setSortIndicator(
            ClientTableModel.NAME, Qt.SortOrder.AscendingOrder
        )
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().setVisible(False)
        # One line per client, cut with "…" where too long (the tooltip has it whole): wrapped
        # employer names made every row two lines high and about 20 clients fit at 768 px.
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAlternatingRowColors(True)
        # Double-click or Enter on a client opens their form, as Edit does.
        self.table.activated.connect(lambda _index: self.edit_client())
        self.count = QLabel()
        self.count.setWordWrap(True)  # "no client matches…" beside the buttons, never cut
        self.count.setObjectName("clientCount")
        self.detail = ClientDetail()
        self.detail.open_matter.connect(self.open_matter.emit)
        self.detail.new_matter.connect(self.new_matter)
        # Debounce typing so a 100,000-client vault is searched once per pause, not per key.
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(120)
        self._debounce.timeout.connect(self._apply_search)
        self.search.textChanged.connect(lambda _text: self._debounce.start())
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        IntoResults(self.search, self.table, self._search_now)

        # The search box has the whole width, so what it searches is read whole in Spanish too;
        # the buttons sit under the list, beside its count, in reading (and Tab) order.
        bar = QHBoxLayout()
        bar.addWidget(self.count, 1)
        for button in (self.new_button, self.edit_button, self.copy_button, self.delete_button):
            bar.addWidget(button)
        left = QWidget()
        box = QVBoxLayout(left)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.search)
        box.addWidget(self.table)
        box.addLayout(bar)
        QWidget.setTabOrder(self.search, self.table)
        QWidget.setTabOrder(self.table, self.new_button)
        QWidget.setTabOrder(self.new_button, self.edit_button)
        QWidget.setTabOrder(self.edit_button, self.copy_button)
        QWidget.setTabOrder(self.copy_button, self.delete_button)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([700, 380])  # the details get room for an address line from the start
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self._update_buttons()

    def kinds(self) -> frozenset[str]:
        return frozenset({CLIENT, MATTER, GRANT, NOTE})

    def reload(self) -> None:
        current = self.selected_client_id()
        if self.vault is None:
            self._debounce.stop()
            self.search.blockSignals(True)
            self.search.clear()
            self.search.blockSignals(False)
        self.model.set_vault(self.vault, search=self.search.text())
        self.detail.clear()
        self._update_count()
        self._fit_columns()
        if current is not None:
            self.select_client(current)
        self._update_buttons()

    def _fit_columns(self) -> None:
        """Every column as wide as what it shows (headers included, in any language), names
        capped so the employer column stays in view beside the details."""
        self.table.resizeColumnsToContents()
        for column, cap in ((ClientTableModel.NAME, 220), (ClientTableModel.COUNTRY, 140)):
            self.table.setColumnWidth(column, min(cap, self.table.columnWidth(column)))
        # The employer (the last column, which takes the rest) needs some 150 pixels to show a
        # name whole on two lines; longer headers (Spanish) take it from the names' column.
        others = sum(
            self.table.columnWidth(c)
            for c in range(ClientTableModel.EMPLOYER)
            if not self.table.isColumnHidden(c)
        )
        room = self.table.viewport().width() - self.table.verticalScrollBar().sizeHint().width()
        short = EMPLOYER_WIDTH - (room - others)
        if short > 0:
            name = self.table.columnWidth(ClientTableModel.NAME)
            self.table.setColumnWidth(ClientTableModel.NAME, max(140, name - short))

    def selected_client_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.client_id(index.row()) if index.isValid() else None

    def select_client(self, client_id: int) -> bool:
        for row in range(self.model.rowCount()):
            if self.model.client_id(row) == client_id:
                self.table.selectRow(row)
                return True
        return False

    def _search_now(self) -> None:
        """A search still waiting for a pause in the typing, run at once."""
        if self._debounce.isActive():
            self._debounce.stop()
            self._apply_search()

    def _apply_search(self) -> None:
        if self.vault is None:
            return
        try:
            self.model.set_search(self.search.text())
        except ServerError as exc:  # the same sentence as every screen; searched again when back
            self.detail.clear()
            self.count.clear()  # not "no client matches": nothing could be searched
            self._update_buttons()
            self.server_failed(exc)
            return
        self.detail.clear()
        self._update_count()
        self._update_buttons()

    def _update_count(self) -> None:
        total = self.model.total
        if self.vault is None:
            self.count.clear()
        elif self.search.text().strip():
            self.count.setText(
                ngettext("{n} matching client", "{n} matching clients", total).format(
                    n=format_number(total, ",")
                )
                if total
                else _("No client matches; check the spelling or search by A-number.")
            )
        else:
            self.count.setText(
                ngettext("{n} client", "{n} clients", total).format(n=format_number(total, ","))
                if total
                else _("No clients yet. Add one with New client, or import a spreadsheet.")
            )

    def _update_buttons(self) -> None:
        has_vault = self.vault is not None
        selected = self.selected_client_id() is not None
        self.new_button.setEnabled(has_vault)
        self.edit_button.setEnabled(has_vault and selected)
        # Only for a client with an A-number on file: the button never does nothing.
        row = self.table.currentIndex().row()
        has_number = selected and bool(self.model.a_number(row))
        self.copy_button.setEnabled(has_vault and has_number)
        self.copy_button.setToolTip(
            _("The clipboard is cleared after 30 seconds")
            if has_number or not selected
            else _("This client has no A-number on file")
        )
        self.delete_button.setEnabled(has_vault and selected)

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        client_id = self.model.client_id(current.row())
        if self.vault is not None and client_id is not None:
            try:
                self.detail.show_client(self.vault, client_id)
            except ServerError as exc:
                self.detail.clear()  # no half-shown client
                self.server_failed(exc)
        self._update_buttons()

    def new_client(self) -> None:
        if self.vault is None:
            return
        editor = ClientEditor(self.vault, parent=self)
        if editor.exec():
            self._saved(editor, _("Added {name}."))
        elif editor.conflicts is not None and editor.conflicts.opened is not None:
            # The conflict check found this person on file: open their file instead.
            self.reveal(editor.conflicts.opened[1])

    def edit_client(self) -> None:
        client_id = self.selected_client_id()
        if self.vault is None or client_id is None:
            return
        editor = ClientEditor(
            self.vault, clients.get_client(self.vault, client_id=client_id), parent=self
        )
        if editor.exec():
            self._saved(editor, _("Saved {name}."))

    def new_matter(self) -> None:
        """Open a matter for the selected client; the matter's page shows it at once."""
        client_id = self.selected_client_id() or self.detail.client_id
        if self.vault is None or client_id is None:
            return
        dialog = MatterDialog(self.vault, client_id=client_id, parent=self)
        if dialog.exec() and dialog.saved_id is not None:
            self.bus.publish(dialog.changes, dialog.said)
            self.open_matter.emit(dialog.saved_id)

    def _saved(self, editor: ClientEditor, said: str) -> None:
        """Say what was saved and show that client, selected, even when the search hid them."""
        if editor.saved_id is None or self.vault is None:
            return
        record = clients.get_client(self.vault, client_id=editor.saved_id)
        self.bus.publish(editor.changes, said.format(name=record.full_name))
        self.reveal(editor.saved_id)

    def reveal(self, client_id: int) -> None:
        """Show a client selected in the list with their details, even when the search hid them."""
        if self.vault is None:
            return
        record = clients.get_client(self.vault, client_id=client_id)
        # The old search hides them: clear it; in a long list beyond the first page, search for
        # them by name instead.
        for text in ("", record.full_name):
            if self.select_client(client_id):
                break
            self._set_search_quietly(text)
        self.select_client(client_id)
        self.detail.show_client(self.vault, client_id)
        self.table.setFocus()

    def _set_search_quietly(self, text: str) -> None:
        self._debounce.stop()
        self.search.blockSignals(True)
        self.search.setText(text)
        self.search.blockSignals(False)
        self.model.set_search(text)
        self._update_count()

    def delete_client(self) -> None:
        """Delete after a confirmation that names who will be deleted (clients with matters are kept)."""
        client_id = self.selected_client_id()
        if self.vault is None or client_id is None:
            return
        record = clients.get_client(self.vault, client_id=client_id)
        answer = choose(
            self,
            _("Delete client"),
            _("Delete {name} and their notes? This cannot be undone.").format(
                name=record.full_name
            ),
            [("delete", _("Delete")), ("keep", _("Cancel"))],
            default="keep",  # Enter on the question keeps the client
            cancel="keep",
        )
        if answer != "delete":
            return
        try:
            changes = clients.delete_client(self.vault, client_id=client_id, version=record.version)
        except ClinicError as exc:
            QMessageBox.information(self, _("Delete client"), desktop_message(exc))
            if isinstance(exc, ConflictError):
                self.refresh()  # the other person's values
            return
        self.bus.publish(changes, _("Deleted {name}.").format(name=record.full_name))

    def copy_a_number(self) -> None:
        client_id = self.selected_client_id()
        if self.vault is None or client_id is None:
            return
        record = clients.get_client(self.vault, client_id=client_id)
        if record.a_number:
            copy_sensitive(record.a_number)
            self.bus.publish(
                ChangeSet(),
                _("Copied {name}'s A-number; the clipboard is cleared in 30 seconds.").format(
                    name=record.full_name
                ),
            )
