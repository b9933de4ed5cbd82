"""One application-wide signal carrying change-sets; each screen decides whether to refresh."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from clinic_app.services import ChangeSet


class ChangeBus(QObject):
    changed = Signal(object)  # a ChangeSet

    def publish(self, changes: ChangeSet) -> None:
        if not changes.empty:
            self.changed.emit(changes)
