"""One application-wide signal carrying change-sets; each screen decides whether to refresh."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from clinic_app.services import ChangeSet


class ChangeBus(QObject):
    changed = Signal(object)  # a ChangeSet
    said = Signal(str)  # what just happened, for the status bar ("Saved José Pérez.")
    # A screen's read found the clinic server unreachable: the link shows it and watches for
    # the server's return (then every screen re-reads).
    unreachable = Signal(str)

    def publish(self, changes: ChangeSet, message: str = "") -> None:
        """Tell every screen what changed, and the person what was done (when `message`)."""
        if not changes.empty:
            self.changed.emit(changes)
        if message:
            self.said.emit(message)
