"""The backup and restore dialogs, driven through their fields and buttons on the background helper."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt

from clinic_app.services import clients, vault_ops
from tests.conftest import PASSPHRASE
from tests.ui.test_workflows import open_window
from ui.backup_dialogs import BackupDialog, RestoreDialog
from ui.main_window import MainWindow

OWN = "a passphrase only for this backup"


def test_back_up_with_its_own_passphrase_then_restore(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    open_window(qtbot, window)
    assert window.vault is not None
    dialog = BackupDialog(window.vault, window.background, parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    # Idle, no empty bar that looks like one more field to fill in.
    assert not dialog.progress.isVisible()
    qtbot.mouseClick(dialog.start, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "Choose where to save the backup."
    # A backup's path on a USB drive is read whole where it is typed.
    usb = r"E:\clinic-backups\vault-2026-11-30.clinicbackup"
    assert dialog.target.width() > dialog.target.fontMetrics().horizontalAdvance(usb) + 8
    out = tmp_path / "vault.clinicbackup"
    dialog.target.setText(str(out))
    dialog.vault_secret.setText(PASSPHRASE)
    assert not dialog.own_secret.isEnabled()
    dialog.own.setChecked(True)
    assert dialog.own_secret.isEnabled()
    dialog.own_secret.setText(OWN)
    qtbot.mouseClick(dialog.start, Qt.MouseButton.LeftButton)
    assert not dialog.start.isEnabled()
    qtbot.waitUntil(dialog.start.isEnabled, timeout=30000)
    # Its size as a person reads it, not a count of bytes.
    assert re.fullmatch(
        r"Backup written \(\d+(\.\d)? (MB|KB), encrypted\)\.", dialog.message.text()
    ), dialog.message.text()
    assert out.is_file() and dialog.progress.value() == dialog.progress.maximum()
    assert not dialog.progress.isVisible()  # done: the message says so

    restore = RestoreDialog(window.background, parent=window)
    qtbot.addWidget(restore)
    target = tmp_path / "restored"
    restore.source.setText(str(out))
    restore.folder.setText(str(target))
    restore.vault_secret.setText(PASSPHRASE)
    # Without the backup's own passphrase the restore is refused, and nothing is restored.
    qtbot.mouseClick(restore.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(restore.start.isEnabled, timeout=30000)
    assert restore.restored is None and "passphrase" in restore.message.text()
    assert not vault_ops.is_vault(target)
    restore.own.setChecked(True)
    restore.own_secret.setText(OWN)
    qtbot.mouseClick(restore.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(restore.start.isEnabled, timeout=30000)
    assert restore.restored == target, restore.message.text()
    assert "passed its integrity check" in restore.message.text()
    copy = vault_ops.open_vault(target, passphrase=PASSPHRASE)
    try:
        assert clients.count_clients(copy) == clients.count_clients(window.vault) == 24
    finally:
        copy.close()


def test_restore_asks_for_the_passphrase_the_vault_had_and_both_dialogs_close(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, tmp_path: Path
) -> None:
    """Restore names which passphrase it wants (the backed-up vault's, as it was then); Close
    is there once the work is done, and not while a backup is being written."""
    open_window(qtbot, window)
    assert window.vault is not None
    restore = RestoreDialog(window.background, parent=window)
    qtbot.addWidget(restore)
    restore.show()
    label = restore.form.labelForField(restore.vault_secret).text()
    assert label == "The vault's passphrase when it was backed up"
    assert restore.vault_secret.accessibleName() == label
    qtbot.mouseClick(restore.close_button, Qt.MouseButton.LeftButton)
    assert not restore.isVisible()

    dialog = BackupDialog(window.vault, window.background, parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.form.labelForField(dialog.vault_secret).text() == "Vault passphrase"
    dialog.target.setText(str(tmp_path / "vault.clinicbackup"))
    qtbot.keyClicks(dialog.vault_secret, PASSPHRASE)
    qtbot.mouseClick(dialog.start, Qt.MouseButton.LeftButton)
    assert not dialog.close_button.isEnabled()  # writing: it runs to its end
    qtbot.waitUntil(dialog.start.isEnabled, timeout=30000)
    assert dialog.close_button.isEnabled()
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
