"""The start screen's clinic-server sign-in: pressing Connect with the fields empty names every
missing one at once, in the form's own words (the field is "Your account name")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from tests.ui.launch import start_screen


def test_connect_with_nothing_typed_names_the_fields_as_labelled(qtbot: Any, tmp_path: Path) -> None:
    launcher = start_screen(qtbot, tmp_path / "vault")
    unlock = launcher.start.unlock
    qtbot.mouseClick(unlock.server_choice, Qt.MouseButton.LeftButton)
    panel = unlock.server_panel
    for field in (panel.url, panel.ca_file, panel.user, panel.password):
        field.clear()
    qtbot.mouseClick(panel.connect_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.connect_button.isEnabled() and "Fill in" in panel.message.text())
    assert panel.message.text() == "Fill in the server address, your account name, your password."
    launcher.close()
