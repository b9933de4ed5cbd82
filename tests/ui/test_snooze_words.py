"""Deadlines → Snooze…: the status bar says until when as the screen writes dates (it said
'until 2026-12-08' on a Spanish screen)."""

from __future__ import annotations

import re
from datetime import timedelta

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from tests.ui.test_workflows import open_window
from ui.app import apply_language
from ui.date_input import shown_day
from ui.main_window import MainWindow
from ui.snooze_dialog import SnoozeDialog

LEFT = Qt.MouseButton.LeftButton


def test_snoozed_until_a_day_written_the_spanish_way(qtbot, window: MainWindow, qapp: QApplication) -> None:  # type: ignore[no-untyped-def]
    apply_language(qapp, "es")
    try:
        open_window(qtbot, window)
        page = window.deadlines
        window.show_page(page)
        rect = page.table.visualRect(page.model.index(0, 0))
        qtbot.mouseClick(page.table.viewport(), LEFT, pos=rect.center())
        assert page.snooze_button.isEnabled()

        def one_week() -> None:
            dialog = QApplication.activeModalWidget()
            if not isinstance(dialog, SnoozeDialog):
                QTimer.singleShot(20, one_week)
                return
            qtbot.mouseClick(dialog.shortcuts[0], LEFT)  # 1 semana
            qtbot.mouseClick(dialog.ok_button, LEFT)

        QTimer.singleShot(0, one_week)
        qtbot.mouseClick(page.snooze_button, LEFT)
        said = window.statusBar().currentMessage()
        assert shown_day(page.today + timedelta(days=7)) in said, said
        assert not re.search(r"\d{4}-\d{2}-\d{2}", said), said
    finally:
        apply_language(qapp, "en")
