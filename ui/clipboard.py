"""Copying identifiers: the clipboard is cleared 30 seconds later if it still holds them."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

CLEAR_AFTER_MS = 30_000


def copy_sensitive(text: str, clear_after_ms: int = CLEAR_AFTER_MS) -> None:
    clipboard = QApplication.clipboard()
    clipboard.setText(text)

    def clear() -> None:
        if clipboard.text() == text:  # never wipe something the person copied since
            clipboard.clear()

    QTimer.singleShot(clear_after_ms, clear)
