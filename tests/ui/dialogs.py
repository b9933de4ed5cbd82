"""Driving modal dialogs from a test: fill the one a click opens, then press its Save button."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLineEdit,
)


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


def answer_next_question(qtbot, button: str, asked: list[str], tries: int = 500) -> None:  # type: ignore[no-untyped-def]
    """Press the button worded `button` in the question box the next click opens, as a person
    reads and answers it; its title and text go to `asked`. Gives up after `tries` looks (about
    ten seconds), so a question that never comes fails the test's assertion, never hangs it."""
    from PySide6.QtWidgets import QMessageBox

    def run(left: int) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            if left:
                QTimer.singleShot(20, lambda: run(left - 1))
            return
        asked.append(f"{box.windowTitle()}: {box.text()}")
        pressed = next((b for b in box.buttons() if b.text() == button), None)
        if pressed is None:  # said in `asked`, and closed: the test fails, it does not hang
            asked.append(f"no button {button!r} among {[b.text() for b in box.buttons()]}")
            box.reject()
            return
        qtbot.mouseClick(pressed, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, lambda: run(tries))


def export_calendar(qtbot, page, monkeypatch, out: Path) -> str:  # type: ignore[no-untyped-def]
    """Deadlines → Export calendar… into `out` as a person does: the button, then OK on the
    first choice of what the file may show (initials only). The screen's message, after."""
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))

    def choose_names() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QInputDialog):
            QTimer.singleShot(20, choose_names)  # not shown yet
            return
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, choose_names)
    qtbot.mouseClick(page.ics_button, Qt.MouseButton.LeftButton)
    return str(page.message.text())
