"""A vault on this computer has no clinic server accounts: Settings shows no Staff accounts tab."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from tests.ui.launch import unlocked


def test_a_vault_has_no_staff_accounts_tab(qtbot: Any, window: Any) -> None:
    unlocked(qtbot, window)
    entry = window.sidebar.item(window.pages.index(window.settings))
    qtbot.mouseClick(
        window.sidebar.viewport(),
        Qt.MouseButton.LeftButton,
        pos=window.sidebar.visualItemRect(entry).center(),
    )
    qtbot.waitUntil(window.settings.isVisible)
    page = window.settings
    assert not page.tabs.isTabVisible(page.tabs.indexOf(page.accounts))
    assert [
        page.tabs.tabText(i) for i in range(page.tabs.count()) if page.tabs.isTabVisible(i)
    ] == [
        "General",
        "Backups",
    ]
    window.lock_action.trigger()
