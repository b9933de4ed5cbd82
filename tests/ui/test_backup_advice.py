"""Settings → Backups with no plan yet: every dead end says which of the tab's buttons to press
next, in the buttons' own words."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.launch import unlocked
from ui.main_window import MainWindow

LEFT = Qt.MouseButton.LeftButton
WAIT = 30000


def test_backups_with_no_folder_name_the_buttons_that_start_them(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    unlocked(qtbot, window)
    settings = window.settings
    window.show_page(settings)
    bar = settings.tabs.tabBar()
    qtbot.mouseClick(bar, LEFT, pos=bar.tabRect(1).center())
    tab = settings.backups
    assert settings.tabs.currentWidget() is tab
    add, save = tab.add_folder_button.text(), tab.save_button.text()
    # The status line: off, and how to turn them on.
    assert "Automatic backups are off." in tab.status.text()
    assert f"“{add}”, then “{save}”" in tab.status.text()

    qtbot.mouseClick(tab.now_button, LEFT)
    qtbot.waitUntil(lambda: tab.now_button.isEnabled() and bool(tab.message.text()), timeout=WAIT)
    assert "No backup folder is set." in tab.message.text()
    assert f"“{add}”, then “{save}”" in tab.message.text()

    qtbot.mouseClick(tab.drill_button, LEFT)
    qtbot.waitUntil(lambda: "drill" in tab.message.text(), timeout=WAIT)
    qtbot.waitUntil(tab.drill_button.isEnabled, timeout=WAIT)
    assert "no verified copy" in tab.message.text()
    assert f"“{tab.now_button.text()}”" in tab.message.text()
