"""Other people's changes appear without restarting: a poll of the audit log's newest number."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QWidget

from clinic_app.errors import ClinicError
from clinic_app.services import ChangeSet, audit_log
from clinic_app.services import changes as kinds
from clinic_app.services.vault_ops import Vault
from ui.bus import ChangeBus

POLL_EVERY_MS = 4000
# Someone else's change may touch anything a screen shows.
EVERY_KIND = frozenset(
    {
        kinds.CLIENT,
        kinds.EMPLOYER,
        kinds.WORKSITE,
        kinds.DISPUTE,
        kinds.LETTER,
        kinds.MATTER,
        kinds.GRANT,
        kinds.EVENT,
        kinds.NOTE,
        kinds.STAFF,
        kinds.FILE,
        kinds.SETTING,
        kinds.DEADLINE,
    }
)


class OthersChanges(QObject):
    """Every few seconds, one cheap read (the newest audit event's number, on either store); when
    it moved and someone else made the change, the visible screen re-reads what it shows,
    keeping the person's selection and scroll. Never under an open editor: its typing would be
    lost, and its save already refuses a row changed underneath it (the next tick after it
    closes refreshes)."""

    def __init__(self, bus: ChangeBus, window: QWidget, interval_ms: int = POLL_EVERY_MS) -> None:
        super().__init__(window)
        self.bus, self.window = bus, window
        self.vault: Vault | None = None
        self.seen = 0
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)

    def start(self, vault: Vault) -> None:
        self.vault = vault
        self.seen = audit_log.newest_sequence(vault)
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self.vault = None

    def _others_changed(self) -> bool:
        """Whether the log moved since the last look, by someone else's hand."""
        if self.vault is None:
            return False
        try:
            newest = audit_log.newest_sequence(self.vault)
            if newest == self.seen:
                return False
            others = audit_log.changed_by_others(self.vault, after=self.seen)
        except ClinicError:
            return False  # a busy or unreachable store: try again on the next tick
        self.seen = newest
        return others

    def check(self) -> None:
        if QApplication.activeModalWidget() is not None or not self._others_changed():
            return
        scrolled = [
            (bar, bar.value())
            for area in self.window.findChildren(QAbstractScrollArea)
            if area.isVisible()
            for bar in (area.verticalScrollBar(), area.horizontalScrollBar())
        ]
        self.bus.publish(ChangeSet(kinds=EVERY_KIND))
        for bar, value in scrolled:
            bar.setValue(value)
