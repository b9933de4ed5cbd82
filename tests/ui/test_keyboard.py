"""Reaching everything from the keyboard: F1 lists the shortcuts, Ctrl+1 … Ctrl+7 go to the
screens, and Down or Enter in a search box moves into its list."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from clinic_app.i18n import _
from tests.ui.clipping import clipped
from tests.ui.launch import unlocked
from ui.main_window import MainWindow
from ui.shortcuts import ShortcutsDialog


def test_f1_lists_every_shortcut_in_the_screens_language(
    qtbot, language: str, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    unlocked(qtbot, window)
    window.resize(1366, 768)
    seen: dict[str, object] = {}

    def read() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ShortcutsDialog):
            QTimer.singleShot(20, read)
            return
        table = dialog.table
        seen["rows"] = {
            table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())
        }
        seen["cut"] = clipped(dialog)
        dialog.reject()

    QTimer.singleShot(0, read)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    rows: dict[str, str] = seen["rows"]  # type: ignore[assignment]
    assert seen["cut"] == [], seen["cut"]
    search = window.search_action.shortcut().toString(
        window.search_action.shortcut().SequenceFormat.NativeText
    )
    assert rows[search] == _("Search")
    matters = (
        window.screen_actions[2][0]
        .shortcut()
        .toString(window.search_action.shortcut().SequenceFormat.NativeText)
    )
    assert rows[matters] == _("Go to {screen}").format(screen=_("Matters"))
    if language == "es":  # no English left: every line says what it does in Spanish
        assert rows[matters] == "Ir a Casos"
        assert "Shift" not in "".join(rows), rows  # Qt's own key names, in Spanish


def test_ctrl_and_a_number_goes_to_that_screen(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    unlocked(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.page_stack.currentWidget() is window.matters
    assert window.sidebar.currentRow() == 2
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert window.page_stack.currentWidget() is window.deadlines


def test_down_from_the_clients_search_moves_into_the_list(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    unlocked(qtbot, window)
    window.show_page(window.clients)
    page = window.clients
    page.search.setFocus()
    qtbot.keyClicks(page.search, "a")
    qtbot.keyClick(page.search, Qt.Key.Key_Down)  # at once: the search waiting is run first
    assert QApplication.focusWidget() is page.table
    assert page.table.currentIndex().row() == 0
    assert page.detail.client_id == page.model.client_id(0)


def test_enter_in_the_matters_filter_moves_into_the_list(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    unlocked(qtbot, window)
    window.show_page(window.matters)
    page = window.matters
    page.search.setFocus()
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is page.table
    assert page.panel.matter_id == page.model.matter_id(0)


def test_enter_on_a_client_opens_their_form(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """Search, Down into the list, Enter: the chosen client's form opens, as Edit does."""
    from tests.ui.test_conflict_intake import in_dialog
    from ui.client_editor import ClientEditor

    unlocked(qtbot, window)
    window.show_page(window.clients)
    page = window.clients
    page.search.setFocus()
    qtbot.keyClick(page.search, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is page.table
    seen: list[str] = []

    def look(dialog) -> None:  # type: ignore[no-untyped-def]
        seen.append(dialog.windowTitle())
        dialog.reject()

    problems = in_dialog(qtbot, ClientEditor, look)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert problems == []
    assert seen == [_("Edit client")], seen
