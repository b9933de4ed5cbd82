"""Down or Enter in a search box moves into its list, as a person expects of a search."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QLineEdit

KEYS = {Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter}


class IntoResults(QObject):
    """Down, Enter or Return in `search` runs a search still waiting for a pause in the typing
    (`search_now`), then puts the cursor in `view` on its chosen row, else its first."""

    def __init__(
        self, search: QLineEdit, view: QAbstractItemView, search_now: Callable[[], None]
    ) -> None:
        super().__init__(search)
        self.view, self.search_now = view, search_now
        search.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in KEYS
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            self.search_now()
            model = self.view.model()
            if model is None or model.rowCount() == 0:
                return True  # nothing to move to; the count under the list says so
            if not self.view.currentIndex().isValid():
                self.view.setCurrentIndex(model.index(0, 0))
            self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return True
        return super().eventFilter(watched, event)
