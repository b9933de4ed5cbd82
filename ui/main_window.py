"""The main window: a sidebar of screens, a status bar with the lock state, lock and auto-lock."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from clinic_app.i18n import N_, _
from clinic_app.services import settings as vault_settings
from clinic_app.services.vault_ops import Vault
from ui import screens
from ui.auto_backup import AutoBackup
from ui.background import Background
from ui.bus import ChangeBus
from ui.idle_lock import AUTOLOCK_KEY, DEFAULT_AUTOLOCK, AutoLock, IdleWatcher, idle_message
from ui.others_changes import OthersChanges
from ui.pages.base import Page
from ui.reminders import Reminders
from ui.screen_fit import fit_to_screen
from ui.server_link import ServerLink, session_label
from ui.strings import shown_folder
from ui.unlock import UnlockWidget

if TYPE_CHECKING:
    from ui.pages.clients import ClientsPage
    from ui.pages.deadlines import DeadlinesPage
    from ui.pages.documents import DocumentsPage
    from ui.pages.employers import EmployersPage
    from ui.pages.matters import MattersPage
    from ui.pages.settings import SettingsPage
    from ui.pages.today import TodayPage

APP_TITLE = N_("Clinic case manager")  # never client data in a window title
DEFAULT_AUTOLOCK_MINUTES = 5


class MainWindow(QMainWindow):
    """Unlock screen until a vault is open, then the screens; locking drops all client data."""

    language_changed = Signal(str)  # the app rebuilds its window in the new language

    def __init__(
        self, vault_dir: Path | str, actor: str, autolock_minutes: float = DEFAULT_AUTOLOCK_MINUTES
    ) -> None:
        super().__init__()
        self.setWindowTitle(_(APP_TITLE))
        fit_to_screen(self)
        self.vault: Vault | None = None
        self.background = Background(self)
        self.bus = ChangeBus(self)
        self.unlock = UnlockWidget(Path(vault_dir), actor, self.background)
        self.unlock.unlocked.connect(self.on_unlocked)

        # Screens are built the first time they are shown or used (ui/screens.py): unlocking
        # builds the first one only, so the window is usable sooner.
        self._built: dict[str, Page] = {}
        self.reminders = Reminders(self)
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setAccessibleName(_("Screens"))
        self.sidebar.setFixedWidth(200)
        self.sidebar.setStyleSheet(
            "QListWidget#sidebar { font-size: 11pt; }"
            "QListWidget#sidebar::item { padding: 9px 12px; }"
        )
        self.page_stack = QStackedWidget()
        for _name, title in screens.SCREENS:
            self.sidebar.addItem(_(title))
            self.page_stack.addWidget(QWidget())  # a place kept for the screen
        self.sidebar.currentRowChanged.connect(self._show_index)
        workspace = QWidget()
        row = QHBoxLayout(workspace)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.sidebar)
        row.addWidget(self.page_stack, 1)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.unlock)
        self.stack.addWidget(workspace)
        self.workspace = workspace
        self.autolock = AutoLock(self)
        self.autolock.idle.connect(self._idle_lock)
        self.idle_timer = self.autolock.idle_timer
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.autolock.banner)
        self.server_link = ServerLink(self.bus, self)
        self.server_link.ended.connect(self._session_ended)
        column.addWidget(self.server_link.banner)
        column.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.toolbar = QToolBar(_("Main"))
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setMovable(False)
        self.addToolBar(self.toolbar)
        self.search_action = self._action(_("Search"), "Ctrl+K", self.focus_search)
        self.new_client_action = self._action(_("New client"), "Ctrl+N", self.new_client)
        self.new_matter_action = self._action(_("New matter"), "Ctrl+Shift+N", self.new_matter)
        self.import_action = self._action(_("Import…"), "Ctrl+I", self.import_spreadsheet)
        self.backup_action = self._action(_("Back up…"), "Ctrl+Shift+B", self.back_up)
        self.lock_action = self._action(_("Lock"), "Ctrl+L", self.lock)
        # Ctrl+1 … Ctrl+7: the screens in the sidebar's order (said in each one's tooltip).
        self.screen_actions: list[tuple[QAction, str]] = []
        for index, (_name, title) in enumerate(screens.SCREENS):
            go = QAction(_(title), self)
            go.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            go.triggered.connect(lambda _checked=False, i=index: self.sidebar.setCurrentRow(i))
            self.addAction(go)
            keys = go.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            self.sidebar.item(index).setToolTip(f"{_(title)} ({keys})")
            self.screen_actions.append((go, _(title)))
        self.shortcuts_action = self._action(_("Shortcuts"), "F1", self.show_shortcuts)
        self.vault_actions = [
            self.search_action,
            self.new_client_action,
            self.new_matter_action,
            self.import_action,
            self.backup_action,
            self.lock_action,
            *(go for go, _title in self.screen_actions),
        ]
        self.unlock.restore_requested.connect(self.restore)

        self.status_vault = QLabel()
        self.status_counts = QLabel()
        self.status_counts.setObjectName("statusCounts")
        self.status_lock = QLabel()
        self.statusBar().addWidget(self.status_vault, 1)
        self.statusBar().addPermanentWidget(self.status_counts)
        self.statusBar().addPermanentWidget(self.status_lock)
        # What a save or a delete did, said where the person is looking after the dialog closes.
        self.bus.said.connect(lambda text: self.statusBar().showMessage(text, 15_000))
        # The counts follow every change, not only the 15-minute reminder check.
        self.bus.changed.connect(lambda _changes: self.reminders.check(notify=False))
        self.auto_backup = AutoBackup(self.background, self.bus, self.statusBar())
        self.others_changes = OthersChanges(self.bus, self)

        self.set_autolock_minutes(autolock_minutes)
        self.watcher = IdleWatcher(self)
        self.watcher.activity.connect(self._activity)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.installEventFilter(self.watcher)
            app.applicationStateChanged.connect(self._app_state)
        self._show_locked()

    def _action(self, text: str, shortcut: str, slot: object) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{text} ({keys})")
        action.triggered.connect(slot)
        self.toolbar.addAction(action)
        self.addAction(action)
        return action

    # -- state ----------------------------------------------------------------------------

    def set_autolock_minutes(self, minutes: float) -> None:
        self.autolock.set_minutes(minutes)

    # -- screens, built on first use ---------------------------------------------------------

    def _page(self, name: str) -> Page:
        page = self._built.get(name)
        if page is None:
            page = self._built[name] = screens.build(self, name)
            index = screens.NAMES.index(name)
            placeholder = self.page_stack.widget(index)
            if placeholder is not None:
                self.page_stack.removeWidget(placeholder)
                placeholder.deleteLater()
            self.page_stack.insertWidget(index, page)
            page.set_vault(self.vault)
        return page

    def build_first_screen(self) -> None:
        """Build the screen unlocking shows (empty until then), ahead of the vault."""
        self._page(screens.NAMES[0])

    def _show_index(self, index: int) -> None:
        if 0 <= index < len(screens.NAMES):
            self.page_stack.setCurrentWidget(self._page(screens.NAMES[index]))

    @property
    def pages(self) -> list[Page]:
        """Every screen, in the sidebar's order (building those not built yet)."""
        return [self._page(name) for name in screens.NAMES]

    @property
    def built_pages(self) -> list[Page]:
        return list(self._built.values())

    @property
    def today(self) -> TodayPage:
        return self._page("today")  # type: ignore[return-value]

    @property
    def clients(self) -> ClientsPage:
        return self._page("clients")  # type: ignore[return-value]

    @property
    def matters(self) -> MattersPage:
        return self._page("matters")  # type: ignore[return-value]

    @property
    def employers(self) -> EmployersPage:
        return self._page("employers")  # type: ignore[return-value]

    @property
    def deadlines(self) -> DeadlinesPage:
        return self._page("deadlines")  # type: ignore[return-value]

    @property
    def documents(self) -> DocumentsPage:
        return self._page("documents")  # type: ignore[return-value]

    @property
    def settings(self) -> SettingsPage:
        return self._page("settings")  # type: ignore[return-value]

    def on_unlocked(self, vault: Vault) -> None:
        self.vault = vault
        for page in self.built_pages:
            page.set_vault(vault)
        self.stack.setCurrentWidget(self.workspace)
        self.show_page(self.today)
        for action in self.vault_actions:
            action.setEnabled(True)
        self.status_vault.setText(session_label(vault))
        self.status_lock.setText(_("Unlocked"))
        self.set_autolock_minutes(
            vault_settings.get_setting(vault, key=AUTOLOCK_KEY, default=DEFAULT_AUTOLOCK)
        )
        self.unlock.message.clear()
        self.autolock.start()
        self.reminders.start(self.today.queue)  # Today has just read the counts
        self.others_changes.start(vault)
        self.server_link.start(vault)
        if self.server_link.store is not None:
            # Locking asks the server password again, for the connection just made (this window
            # may have been built before it, while the person typed).
            self.unlock.server_panel.recall()
            self.unlock.choose_server()
        self.auto_backup.at_unlock(vault)

    def show_page(self, page: Page) -> None:
        index = next(i for i, name in enumerate(screens.NAMES) if self._built.get(name) is page)
        self._show_index(index)
        self.sidebar.setCurrentRow(index)

    def lock(self) -> None:
        """Drop every model and widget that holds client data, close the vault, show unlock."""
        self.autolock.stop()
        self.reminders.stop()
        self.others_changes.stop()
        self.server_link.stop()
        self._drop_dialogs()
        for page in self.built_pages:
            page.set_vault(None)
        if self.vault is not None:
            vault, self.vault = self.vault, None
            # With a backup plan, the background backs up what is due and then closes the vault.
            if not self.auto_backup.before_close(vault):
                self.background.wait(10000)
                vault.close()
        self._show_locked()

    def _drop_dialogs(self) -> None:
        """Dialogs hold client data too (an import preview, a client being edited, a question
        naming a client), whether still open or only hidden after use: close them, take them out
        of the window and delete them, so nothing of a client stays behind the unlock screen."""
        for dialog in self.findChildren(QDialog):
            dialog.reject()
            dialog.setParent(None)
            dialog.deleteLater()

    def _show_locked(self) -> None:
        self.stack.setCurrentWidget(self.unlock)
        self.unlock.refresh()
        for action in self.vault_actions:
            action.setEnabled(False)
        self.status_vault.setText(self.unlock.locked_label())
        self.status_lock.setText(_("Locked"))

    def _idle_lock(self, minutes: float) -> None:
        if self.vault is None:
            return
        self.lock()
        self.unlock.say(idle_message(minutes))

    def _session_ended(self, message: str) -> None:
        """The clinic server ended this session (password changed elsewhere, account disabled):
        lock, and say why where the person signs in again."""
        if self.vault is None:
            return
        self.lock()
        self.unlock.say(message)

    @property
    def is_locked(self) -> bool:
        return self.vault is None

    def focus_search(self) -> None:
        if self.vault is not None:
            self.show_page(self.clients)
            self.clients.search.setFocus()
            self.clients.search.selectAll()

    def new_client(self) -> None:
        if self.vault is not None:
            self.show_page(self.clients)
            self.clients.new_client()

    def new_matter(self) -> None:
        """For the client in view on the Clients screen, else chosen in the dialog."""
        if self.vault is None:
            return
        shown = self.page_stack.currentWidget()
        if shown is self._built.get("clients") and self.clients.selected_client_id():
            self.clients.new_matter()
        else:
            self.show_page(self.matters)
            self.matters.new_matter()

    def open_matter(self, matter_id: int) -> None:
        self.show_page(self.matters)
        self.matters.open_matter(matter_id)

    def draft_for_matter(self, matter_id: int) -> None:
        self.show_page(self.documents)
        self.documents.choose_matter(matter_id)

    def open_clinic_settings(self, keys: tuple[str, ...], message: str) -> None:
        self.show_page(self.settings)
        self.settings.show_clinic_fields(keys, message)

    def draft_for_letter(self, letter_id: int) -> None:
        self.show_page(self.documents)
        self.documents.choose_letter(letter_id)

    def show_shortcuts(self) -> None:
        from ui.shortcuts import ShortcutsDialog

        actions = [a for a in self.vault_actions if self.toolbar.widgetForAction(a) is not None]
        ShortcutsDialog(actions, self.screen_actions, self).exec()

    def import_spreadsheet(self) -> None:
        if self.vault is None:
            return
        from ui.import_wizard import ImportWizard

        wizard = ImportWizard(self.vault, self.background, self)
        wizard.exec()
        self.bus.publish(wizard.changes)

    def back_up(self) -> None:
        if self.vault is not None:
            from ui.backup_dialogs import BackupDialog

            BackupDialog(self.vault, self.background, self).exec()

    def restore(self) -> None:
        from ui.backup_dialogs import RestoreDialog

        dialog = RestoreDialog(self.background, self)
        dialog.exec()
        if dialog.restored is not None:
            self.unlock.vault_dir = dialog.restored
            self.unlock.refresh()
            self.status_vault.setText(
                _("Vault: {folder}").format(folder=shown_folder(dialog.restored))
            )

    def hand_over_vault(self) -> Vault | None:
        """Give the open vault to a new window (language switch) without closing it."""
        vault, self.vault = self.vault, None
        for page in self.built_pages:
            page.set_vault(None)
        self.autolock.stop()
        self._show_locked()
        return vault

    def _activity(self) -> None:
        if self.vault is not None:
            self.autolock.activity()

    def _app_state(self, state: Qt.ApplicationState) -> None:
        # Qt reports a suspended session (sleep, on platforms that tell) as "suspended".
        if state == Qt.ApplicationState.ApplicationSuspended and self.vault is not None:
            self.lock()

    def closeEvent(self, event: object) -> None:
        self.background.wait(10000)
        self.lock()  # drops every screen's data before the vault closes
        if self.auto_backup.closing:  # keep the process until the backup before closing ends
            self.auto_backup.close_window_after(self)
            event.ignore()  # type: ignore[attr-defined]
            return
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.watcher)
        super().closeEvent(event)  # type: ignore[arg-type]
