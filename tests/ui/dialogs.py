"""Driving modal dialogs from a test: fill the one a click opens, then press its Save button."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QLineEdit


def on_next_dialog(qtbot, fill: Callable[[QDialog], None], problems: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Run `fill` on the dialog the next click opens (dialogs run their own event loop), then
    press its Save button as a person would. A dialog that refuses to close is cancelled and
    its message kept, so a failure shows up as an assertion, never as a hung test."""

    def run() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QDialog):
            QTimer.singleShot(20, run)  # not shown yet
            return
        fill(dialog)
        save = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
        if dialog.isVisible():
            problems.append(getattr(dialog, "error", dialog).text())  # type: ignore[union-attr]
            dialog.reject()

    QTimer.singleShot(0, run)


def type_into(qtbot, field: QLineEdit, text: str) -> None:  # type: ignore[no-untyped-def]
    field.setFocus()
    field.clear()
    qtbot.keyClicks(field, text)
