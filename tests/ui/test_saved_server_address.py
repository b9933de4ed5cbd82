"""An address saved with a password in it (before such addresses were refused) is neither shown
on the start screen nor kept in the settings file once the app starts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from clinic_app.paths import config_dir
from tests.ui.launch import start_screen
from ui.app import device_settings

SECRET = "Saved-In-The-Address-9"


def test_a_saved_address_loses_its_password_at_start(qtbot: Any, tmp_path: Path) -> None:
    settings = device_settings()
    settings.setValue("server/url", f"postgresql://rosa:{SECRET}@clinic.example.org:5432/clinic")
    settings.setValue("server/user", "rosa")
    settings.sync()
    assert SECRET in (config_dir() / "window.ini").read_text(encoding="utf-8")

    launcher = start_screen(qtbot, tmp_path / "vault")
    unlock = launcher.start.unlock
    qtbot.mouseClick(unlock.server_choice, Qt.MouseButton.LeftButton)
    panel = unlock.server_panel
    assert panel.url.text() == "postgresql://rosa@clinic.example.org:5432/clinic"
    assert SECRET not in (config_dir() / "window.ini").read_text(encoding="utf-8")
    launcher.close()
