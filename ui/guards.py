"""Saved data changes only on purpose: combo and spin boxes ignore the mouse wheel unless focused."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QWidget

W = TypeVar("W", bound=QWidget)


class WheelGuard(QObject):
    """Drops wheel events aimed at a widget that does not have the keyboard focus.

    Scrolling a page past a checklist combo or a rule spin box then scrolls the page (the event
    goes on to the parent), instead of silently changing a saved value under the pointer.
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Wheel
            and isinstance(watched, QWidget)
            and not watched.hasFocus()
        ):
            parent = watched.parentWidget()
            if parent is not None:  # the list or page around it scrolls instead
                QApplication.sendEvent(parent, event)
            return True
        return False


_guard: WheelGuard | None = None


def _shared_guard() -> WheelGuard:
    global _guard
    if _guard is None:
        _guard = WheelGuard(QApplication.instance())
    return _guard


def guarded(widget: W) -> W:
    """Make a combo or spin box that writes data take focus only by click or Tab, and ignore the
    wheel until it has it. Returns the widget, so it can wrap a constructor call."""
    assert isinstance(widget, QComboBox | QAbstractSpinBox)
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    widget.installEventFilter(_shared_guard())
    return widget
