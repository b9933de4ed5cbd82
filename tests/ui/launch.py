"""The app as a person starts it: the start screen for a vault folder, shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication


def start_screen(qtbot: Any, folder: Path) -> Any:
    """The launcher, its start screen shown for the vault in `folder` (or where a new one goes)."""
    from ui.app import Launcher

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    launcher = Launcher(app, folder, "tester")
    qtbot.addWidget(launcher.start)
    launcher.show()
    return launcher
