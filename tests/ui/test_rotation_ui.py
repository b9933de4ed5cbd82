"""Settings → "Change passphrase and lock out old copies…": typed, confirmed, done off the GUI
thread; the new recovery code is shown once; the old passphrase no longer opens the vault."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel

from clinic_app.errors import UnlockError
from clinic_app.services import vault_ops
from tests.conftest import PASSPHRASE
from tests.ui.dialogs import answer_next_question
from tests.ui.test_workflows import open_window
from ui.main_window import MainWindow

NEW = "a fresh passphrase after the leak"
CODE = re.compile(r"[A-Z2-7]{4}(?:-[A-Z2-7]{4}){7}")


def _read_and_close_next_message(shown: list[str]) -> None:
    """Read the recovery code the rotation shows when it is done, tick "I have printed or
    written down…" and press Continue as a person would (it is modal: its own event loop)."""
    from ui.recovery_code import RecoveryCodeDialog

    def run() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, RecoveryCodeDialog):
            QTimer.singleShot(20, run)
            return
        texts = [label.text() for label in box.findChildren(QLabel)]
        shown.append("\n".join(texts))
        box.stored.click()
        box.done_button.click()

    QTimer.singleShot(0, run)


def test_settings_replaces_the_key_after_a_worded_confirmation(
    qtbot, window: MainWindow, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    open_window(qtbot, window)
    page = window.settings
    window.show_page(page)
    box = page.rotation
    # A vault's keys, not a server login's password.
    assert box.isVisible() and page.keys_box.isVisible() and not page.password_box.isVisible()
    assert "sealed in the vault" in page.template_message.text()
    asked: list[str] = []


    qtbot.keyClicks(box.first, NEW)
    qtbot.keyClicks(box.repeat, NEW + "x")
    qtbot.mouseClick(box.button, Qt.MouseButton.LeftButton)
    assert box.message.text() == "The two passphrases differ; nothing was changed."
    assert asked == []

    box.repeat.clear()
    qtbot.keyClicks(box.repeat, NEW)
    shown: list[str] = []
    answer_next_question(qtbot, "Lock out old copies", asked)
    _read_and_close_next_message(shown)
    qtbot.mouseClick(box.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box.message.text().startswith("Done:"), timeout=60000)
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)

    (question,) = asked
    assert question.startswith("Lock out old copies: Make a new key for the vault?")
    for words in (
        "The database and 0 stored files (",
        "which takes less than a minute; keep the app open until it is done",
        "a new recovery code replace the old ones",
        "earlier copies of the vault's key slots (in old backups or synced folders) stop opening it",
        "Backups made before still restore with the passphrase they were made with",
    ):
        assert words in question
    assert CODE.search(shown[0]) and "shown once" in shown[0]
    assert box.first.text() == "" and box.repeat.text() == ""

    folder = window.vault.folder  # type: ignore[union-attr]
    window.lock()
    with pytest.raises(UnlockError):
        vault_ops.open_vault(folder, passphrase=PASSPHRASE)
    vault = vault_ops.open_vault(folder, passphrase=NEW)
    try:
        assert vault.key_slots().epoch == 1
        assert len(vault_ops.Vault.key_slots(vault).slots) == 2
    finally:
        vault.close()
