"""Settings → "Change the vault passphrase…": one form, typed twice; a mismatch or a passphrase
too short is said in the form, which stays open with nothing changed, and the new one opens the
vault after Save."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from clinic_app.errors import ClinicError
from clinic_app.services import vault_ops
from tests.conftest import PASSPHRASE
from tests.ui.dialogs import type_into
from tests.ui.test_workflows import open_window
from ui.main_window import MainWindow
from ui.passphrase_dialog import PassphraseDialog

LEFT = Qt.MouseButton.LeftButton
NEW = "three rivers under a paper moon"


def test_change_the_passphrase_in_one_form(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, sample_vault_dir: Path, monkeypatch
) -> None:
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a: told.append(text))
    open_window(qtbot, window)
    page = window.settings
    window.show_page(page)
    button = next(
        b
        for b in page.findChildren(type(page.install_update))
        if b.text() == "Change the vault passphrase…"
    )
    said: dict[str, str] = {}

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, PassphraseDialog):
            QTimer.singleShot(20, fill)
            return
        save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
        type_into(qtbot, dialog.first, "short")
        said["weak"] = dialog.strength.text()
        type_into(qtbot, dialog.second, "short")
        qtbot.mouseClick(save, LEFT)
        said["short"] = dialog.error.text() if dialog.isVisible() else "closed"
        type_into(qtbot, dialog.first, NEW)
        said["strong"] = dialog.strength.text()
        type_into(qtbot, dialog.second, NEW + "!")
        qtbot.mouseClick(save, LEFT)
        said["differ"] = dialog.error.text() if dialog.isVisible() else "closed"
        type_into(qtbot, dialog.second, NEW)
        qtbot.mouseClick(save, LEFT)
        said["closed"] = str(not dialog.isVisible())

    QTimer.singleShot(0, fill)
    qtbot.mouseClick(button, LEFT)
    assert said["weak"] == "Too short: use at least 8 characters."
    assert "at least 8" in said["short"], said["short"]  # the form stays open and says why
    assert said["strong"] != said["weak"]
    assert said["differ"] == "The two passphrases differ."
    assert said["closed"] == "True"
    assert told == ["Passphrase changed. The recovery code still works."]
    window.lock()
    vault_ops.open_vault(sample_vault_dir, passphrase=NEW).close()
    with pytest.raises(ClinicError):  # the old one no longer opens it
        vault_ops.open_vault(sample_vault_dir, passphrase=PASSPHRASE)
