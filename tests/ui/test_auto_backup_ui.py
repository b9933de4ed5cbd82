"""Backups by themselves on the desktop: Today's backup-age line, Settings → Backups, close and lock."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog

from clinic_app.services import backup_plan, backup_runs, clients, vault_ops
from tests.conftest import PASSPHRASE
from tests.ui.clipping import clipped
from tests.ui.launch import unlocked
from ui.main_window import MainWindow

WAIT = 30000


def _no_dialog_open() -> bool:
    return not [
        w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()
    ]


def test_today_shows_the_backup_age_and_warns_after_two_missed_weeks(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, sample_vault_dir: Path, tmp_path: Path
) -> None:
    usb = tmp_path / "USB"
    usb.mkdir()
    now = datetime.now().astimezone()
    vault = vault_ops.open_vault(sample_vault_dir, passphrase=PASSPHRASE)
    try:  # a weekly plan whose last copy was made three days ago
        backup_plan.set_plan(vault, folders=[usb], every="weekly", secret=PASSPHRASE)
        backup_runs.run_due_backups(vault, now=now - timedelta(days=3))
    finally:
        vault.close()

    unlocked(qtbot, window)
    row = window.today.backup_row
    assert window.page_stack.currentWidget() is window.today
    qtbot.waitUntil(lambda: "3 days ago" in row.text(), timeout=WAIT)
    assert row.isVisible()
    assert "Last verified backup: 3 days ago (USB)." in row.text()
    assert not row.warning and "⚠" not in row.text()

    qtbot.keyClick(window.workspace, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.is_locked
    qtbot.waitUntil(lambda: not window.auto_backup.closing, timeout=WAIT)
    # Twelve more days pass with the USB stick left in a drawer.
    usb.rename(tmp_path / "drawer")
    window.auto_backup.clock = window.today.backup_row.clock = lambda: now + timedelta(days=12)

    unlocked(qtbot, window)
    # The backup due at unlock finds no USB stick: Today says so when that run ends.
    qtbot.waitUntil(lambda: "not connected" in row.text(), timeout=WAIT)
    text = row.text()
    assert row.warning
    assert "⚠" in text and "Last verified backup: 15 days ago (USB)" in text
    assert "at least two weekly backups were missed" in text
    assert "USB was not connected at the last backup, so it was skipped." in text
    qtbot.waitUntil(lambda: "skipped" in window.auto_backup.label.text(), timeout=WAIT)
    assert window.auto_backup.label.text() == "Backups: USB not connected: skipped."
    assert _no_dialog_open()  # a missing stick is a note, never a dialog in the middle of work


def test_settings_backups_saves_a_plan_backs_up_now_and_drills_a_restore(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch
) -> None:
    usb = tmp_path / "USB"
    usb.mkdir()
    unlocked(qtbot, window)
    window.show_page(window.settings)
    tabs = window.settings.tabs
    bar = tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    tab = window.settings.backups
    assert tabs.currentWidget() is tab

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(usb))
    qtbot.mouseClick(tab.add_folder_button, Qt.MouseButton.LeftButton)
    assert tab.folders.count() == 1 and str(usb) in tab.folders.item(0).text()
    tab.every.setFocus()
    qtbot.keyClick(tab.every, Qt.Key.Key_Down)  # every day → every week
    assert tab.every.currentData() == "weekly"

    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert "Type the vault passphrase" in tab.plan_message.text()
    assert window.vault is not None
    assert not backup_plan.get_plan(window.vault).enabled  # nothing saved

    qtbot.keyClicks(tab.vault_secret, PASSPHRASE)
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.plan_message.text().startswith("Saved"), timeout=WAIT)
    assert "keeping 7 daily copies, 4 weekly copies and 6 monthly copies." in (
        tab.plan_message.text()
    )
    plan = backup_plan.get_plan(window.vault)
    assert plan.every == "weekly" and [d.path for d in plan.destinations] == [usb]
    assert tab.vault_secret.text() == ""  # the passphrase is not left in the field

    qtbot.mouseClick(tab.now_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.now_button.isEnabled(), timeout=WAIT)
    assert tab.message.text() == "Backups: backed up to USB and verified."
    assert tab.copies.rowCount() == 1
    assert [tab.copies.item(0, c).text() for c in (0, 3)] == ["USB", "verified"]

    qtbot.mouseClick(tab.drill_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tab.drill_button.isEnabled(), timeout=WAIT)
    assert tab.message.text().startswith("Restore drill passed"), tab.message.text()
    assert "clients 24/24" in tab.message.text()
    # The plan, the copies and the drill's sentence all readable once the new sentence is laid
    # out (the layout re-flows on the next pass of the event loop; a cut that stays fails).
    qtbot.waitUntil(lambda: clipped(tab) == [], timeout=2000)
    window.show_page(window.today)
    assert "just now (USB)" in window.today.backup_row.text()


def test_closing_the_window_backs_up_first_then_closes(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, sample_vault_dir: Path, tmp_path: Path
) -> None:
    usb = tmp_path / "USB"
    usb.mkdir()
    vault = vault_ops.open_vault(sample_vault_dir, passphrase=PASSPHRASE)
    try:
        backup_plan.set_plan(vault, folders=[usb], every="on-close", secret=PASSPHRASE)
    finally:
        vault.close()
    unlocked(qtbot, window)  # no copy yet: one is made at unlock
    qtbot.waitUntil(lambda: "backed up to USB" in window.auto_backup.label.text(), timeout=WAIT)
    (first,) = usb.glob("*.clinicbackup")
    assert window.vault is not None
    clients.add_client(window.vault, first_name="Ana", last_name="Ruiz")  # a change since

    window.close()  # the window stays until the backup before closing has ended
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT)
    reopened = vault_ops.open_vault(sample_vault_dir, passphrase=PASSPHRASE)  # closed and free
    try:
        (listing,) = backup_runs.list_backups(reopened)
        # Thinning keeps the newest copy of the day: the one made at close, after the change.
        (copy,) = listing.copies
        assert copy.file != first.name and copy.verified == "ok"
        assert clients.count_clients(reopened) == 25
    finally:
        reopened.close()
