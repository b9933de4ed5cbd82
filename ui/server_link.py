"""The link to the clinic server: one sentence while it is unreachable, and back by itself.

Every few seconds (on a worker thread, so a slow network never freezes the window) one cheap
read goes to the server. While it fails, a banner says the one sentence; once it works again
the banner goes and the visible screen re-reads what it shows. Nothing is retried: the store
reconnects on its next operation, and a save that failed says so and stays unsaved. When the
server ended this session (the password was changed elsewhere, or the account disabled), the
window locks and the sign-in screen says why.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from clinic_app.errors import SessionEnded
from clinic_app.i18n import _
from clinic_app.services import ChangeSet, server_session
from ui.background import Background
from ui.bus import ChangeBus
from ui.feedback import desktop_message
from ui.others_changes import EVERY_KIND
from ui.strings import shown_folder

CHECK_EVERY_MS = 3000


class ServerLink(QObject):
    """Watches an open server store; does nothing for a vault."""

    back = Signal()  # the server answers again after being unreachable
    ended = Signal(str)  # the server ended this session: the window locks and says this

    def __init__(self, bus: ChangeBus, parent: QWidget, interval_ms: int = CHECK_EVERY_MS) -> None:
        super().__init__(parent)
        self.bus = bus
        self.store: Any = None
        self.down = False
        self._checking = False
        # Counts the times a read failed: a check that began before the latest failure answers
        # for a server that may have gone since, so its "it works" does not count.
        self._failures = 0
        self.worker = Background(self)  # its own thread: a check never waits behind a save
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        self.banner = QLabel()
        self.banner.setObjectName("serverUnreachable")
        self.banner.setAccessibleName(_("Clinic server status"))
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "QLabel#serverUnreachable { background: #f8d7da; color: #58151c; padding: 8px;"
            " font-weight: bold; border-bottom: 1px solid #e0a0a8; }"
        )
        self.banner.hide()
        bus.unreachable.connect(self._failed_elsewhere)

    def start(self, store: Any) -> None:
        if not server_session.is_server(store):
            return
        self.store, self.down = store, False
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self.store, self.down = None, False
        self.banner.hide()

    def check(self) -> None:
        store = self.store
        if store is None or self._checking:
            return
        self._checking = True
        began = self._failures
        self.worker.run(
            lambda: _check(store), lambda result: self._answered(result, began), self._failed
        )

    def _answered(self, result: object, began: int) -> None:
        self._checking = False
        if self.store is None:
            return
        if isinstance(result, SessionEnded):
            self.ended.emit(desktop_message(result))
            return
        if not self.down:
            return
        if began != self._failures:
            self.check()  # asked before the last failure: ask again
            return
        self.down = False
        self.banner.hide()
        # What the screen showed may be stale: it re-reads.
        self.bus.publish(ChangeSet(kinds=EVERY_KIND), _("Connected to the clinic server again."))
        self.back.emit()

    def _failed_elsewhere(self, message: str) -> None:
        """A screen could not read: show the sentence now and look again at once, so a server
        that is already back is noticed (and the screens re-read) without waiting."""
        if self.store is None:
            return
        self.down = True
        self._failures += 1
        self.banner.setText(message)
        self.banner.show()
        self.check()

    def _failed(self, message: str) -> None:
        self._checking = False
        if self.store is None:
            return
        self.down = True
        self._failures += 1
        self.banner.setText(message)
        self.banner.show()


def _check(store: Any) -> SessionEnded | None:
    """The link check, on the worker: an ended session comes back as a result, not as the
    failure sentence, since the window locks rather than waits for the server."""
    try:
        server_session.check_link(store)
    except SessionEnded as exc:
        return exc
    return None


def session_label(store: Any) -> str:
    """The status bar's words for an open store: the vault's folder, or the server and who."""
    if server_session.is_server(store):
        return _("Clinic server: {address}, signed in as {user}").format(
            address=server_session.where(store), user=store.actor
        )
    return _("Vault: {folder}").format(folder=shown_folder(store.folder))
