"""The main window: clients table with instant search, a detail pane, lock and auto-lock."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from clinic_app.i18n import _
from clinic_app.services.vault_ops import Vault
from ui.background import Background
from ui.client_detail import ClientDetail
from ui.client_table import ClientTableModel
from ui.unlock import UnlockWidget

APP_TITLE = "Clinic case manager"  # never client data in a window title
DEFAULT_AUTOLOCK_MINUTES = 5


class ClientsPage(QWidget):
    """Search box over a lazily fetched table, with the selected client's details beside it."""

    def __init__(self) -> None:
        super().__init__()
        self.vault: Vault | None = None
        self.search = QLineEdit()
        self.search.setPlaceholderText(
            _("Search name, A-number, receipt number or employer  (Ctrl+K)")
        )
        self.search.setAccessibleName(_("Search clients"))
        self.search.setClearButtonEnabled(True)
        self.model = ClientTableModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(_("Clients"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSortIndicator(
            ClientTableModel.NAME, Qt.SortOrder.AscendingOrder
        )
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAlternatingRowColors(True)
        self.count = QLabel()
        self.count.setObjectName("clientCount")
        self.detail = ClientDetail()
        # Debounce typing so a 100,000-client vault is searched once per pause, not per key.
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(120)
        self._debounce.timeout.connect(self._apply_search)
        self.search.textChanged.connect(lambda _text: self._debounce.start())
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)

        left = QWidget()
        box = QVBoxLayout(left)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.search)
        box.addWidget(self.table)
        box.addWidget(self.count)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    def set_vault(self, vault: Vault | None) -> None:
        self.vault = vault
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.model.set_vault(vault)
        self.detail.clear()
        self._update_count()
        for column, width in ((0, 240), (1, 110), (2, 95), (3, 130), (4, 80)):
            self.table.setColumnWidth(column, width)

    def _apply_search(self) -> None:
        self.model.set_search(self.search.text())
        self.detail.clear()
        self._update_count()

    def _update_count(self) -> None:
        total = self.model.total
        if self.vault is None:
            self.count.clear()
        elif self.search.text().strip():
            self.count.setText(
                _("{n} matching clients").format(n=total)
                if total
                else _("No client matches; check the spelling or search by A-number.")
            )
        else:
            self.count.setText(
                _("{n} clients").format(n=total)
                if total
                else _("No clients yet. Import a spreadsheet with 'clinic-app import FILE'.")
            )

    def _row_changed(self, current: object, _previous: object) -> None:
        row = current.row() if hasattr(current, "row") else -1
        client_id = self.model.client_id(row)
        if self.vault is not None and client_id is not None:
            self.detail.show_client(self.vault, client_id)


class IdleWatcher(QObject):
    """Restarts the auto-lock timer on every key press or mouse action in the app."""

    activity = Signal()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (
            QEvent.Type.KeyPress,
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseMove,
            QEvent.Type.Wheel,
        ):
            self.activity.emit()
        return False


class MainWindow(QMainWindow):
    """Unlock screen until a vault is open, then the clients page; locking drops all client data."""

    def __init__(
        self, vault_dir: object, actor: str, autolock_minutes: int = DEFAULT_AUTOLOCK_MINUTES
    ) -> None:
        super().__init__()
        from pathlib import Path

        self.setWindowTitle(APP_TITLE)
        self.resize(1180, 720)
        self.vault: Vault | None = None
        self.background = Background(self)
        self.unlock = UnlockWidget(Path(str(vault_dir)), actor, self.background)
        self.unlock.unlocked.connect(self.on_unlocked)
        self.clients = ClientsPage()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.unlock)
        self.stack.addWidget(self.clients)
        self.setCentralWidget(self.stack)

        self.toolbar = QToolBar(_("Main"))
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setMovable(False)
        self.addToolBar(self.toolbar)
        self.lock_action = QAction(_("Lock"), self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.lock)
        self.search_action = QAction(_("Search"), self)
        self.search_action.setShortcut(QKeySequence("Ctrl+K"))
        self.search_action.triggered.connect(self.focus_search)
        self.toolbar.addAction(self.search_action)
        self.toolbar.addAction(self.lock_action)
        self.addAction(self.lock_action)
        self.addAction(self.search_action)

        self.status_vault = QLabel()
        self.status_lock = QLabel()
        self.statusBar().addWidget(self.status_vault, 1)
        self.statusBar().addPermanentWidget(self.status_lock)

        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.set_autolock_minutes(autolock_minutes)
        self.idle_timer.timeout.connect(self.lock)
        self.watcher = IdleWatcher(self)
        self.watcher.activity.connect(self._activity)
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.watcher)
            app.applicationStateChanged.connect(self._app_state)  # type: ignore[attr-defined]
        self._show_locked()

    # -- state ----------------------------------------------------------------------------

    def set_autolock_minutes(self, minutes: float) -> None:
        self.idle_timer.setInterval(max(1, int(minutes * 60_000)))

    def on_unlocked(self, vault: Vault) -> None:
        self.vault = vault
        self.clients.set_vault(vault)
        self.stack.setCurrentWidget(self.clients)
        self.lock_action.setEnabled(True)
        self.search_action.setEnabled(True)
        self.status_vault.setText(_("Vault: {folder}").format(folder=vault.folder))
        self.status_lock.setText(_("Unlocked"))
        self.idle_timer.start()
        self.clients.table.setFocus()

    def lock(self) -> None:
        """Drop every model and widget that holds client data, close the vault, show unlock."""
        self.idle_timer.stop()
        self.clients.set_vault(None)
        if self.vault is not None:
            self.vault.close()
            self.vault = None
        self._show_locked()

    def _show_locked(self) -> None:
        self.stack.setCurrentWidget(self.unlock)
        self.unlock.refresh()
        self.lock_action.setEnabled(False)
        self.search_action.setEnabled(False)
        self.status_vault.setText(_("Vault: {folder}").format(folder=self.unlock.vault_dir))
        self.status_lock.setText(_("Locked"))

    @property
    def is_locked(self) -> bool:
        return self.vault is None

    def focus_search(self) -> None:
        if self.vault is not None:
            self.clients.search.setFocus()
            self.clients.search.selectAll()

    def _activity(self) -> None:
        if self.vault is not None:
            self.idle_timer.start()

    def _app_state(self, state: object) -> None:
        # Qt reports the desktop session being locked or suspended as the app turning inactive
        # on some platforms; lock only on "suspended" to avoid locking on a mere focus change.
        from PySide6.QtCore import Qt

        if state == Qt.ApplicationState.ApplicationSuspended and self.vault is not None:
            self.lock()

    def closeEvent(self, event: object) -> None:
        self.background.wait(10000)
        if self.vault is not None:
            self.vault.close()
            self.vault = None
        super().closeEvent(event)  # type: ignore[arg-type]
