"""The app as a person starts it: the start screen for a vault folder, unlocking, the main window."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.conftest import PASSPHRASE


def start_screen(qtbot: Any, folder: Path) -> Any:
    """The launcher, its start screen shown for the vault in `folder` (or where a new one goes)."""
    from ui.app import Launcher

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    launcher = Launcher(app, folder, "tester")
    qtbot.addWidget(launcher.start)
    launcher.show()
    return launcher


def unlock_with(qtbot: Any, unlock: Any, passphrase: str) -> None:
    """Types `passphrase` into the unlock screen's field (emptied first, as a person selects what
    is there and types over it) and clicks Unlock."""
    unlock.passphrase.clear()
    qtbot.keyClicks(unlock.passphrase, passphrase)
    qtbot.mouseClick(unlock.unlock_button, Qt.MouseButton.LeftButton)


def opened_window(qtbot: Any, launcher: Any) -> Any:
    """The main window the launcher opens once the unlock or connection under way succeeds."""
    qtbot.waitUntil(lambda: launcher.controller is not None, timeout=60_000)
    window = launcher.controller.window
    qtbot.addWidget(window)
    return window


def unlocked(qtbot: Any, window: Any) -> None:
    """Unlocks the main window with the tests' passphrase, typed, and waits until it is open."""
    unlock_with(qtbot, window.unlock, PASSPHRASE)
    qtbot.waitUntil(lambda: not window.is_locked, timeout=30_000)
