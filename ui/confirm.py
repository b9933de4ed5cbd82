"""A question whose buttons say what each one does ("Delete", "Only mark done"), not Yes/No."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QMessageBox, QWidget


def choose(
    parent: QWidget | None,
    title: str,
    text: str,
    choices: Sequence[tuple[str, str]],
    *,
    default: str,
    cancel: str,
) -> str:
    """Ask, with one button per (key, words) in `choices`; the key of the button pressed, or
    `cancel` when the box is closed. Enter presses `default`, Escape `cancel`."""
    box = QMessageBox(
        QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent
    )
    buttons = {
        key: box.addButton(
            words,
            QMessageBox.ButtonRole.RejectRole
            if key == cancel
            else QMessageBox.ButtonRole.AcceptRole,
        )
        for key, words in choices
    }
    box.setDefaultButton(buttons[default])
    box.setEscapeButton(buttons[cancel])
    box.exec()
    pressed = box.clickedButton()
    return next((key for key, button in buttons.items() if button is pressed), cancel)
