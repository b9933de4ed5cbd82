"""Clients → Copy A-number: it says what it copied (and that the clipboard is cleared), and it
is greyed for a client with no A-number on file instead of doing nothing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from clinic_app.services import clients
from tests.ui.launch import unlocked
from ui.main_window import MainWindow


def _click_client(qtbot, page, client_id: int) -> None:  # type: ignore[no-untyped-def]
    row = next(r for r in range(page.model.rowCount()) if page.model.client_id(r) == client_id)
    page.table.scrollTo(page.model.index(row, 0))
    where = page.table.visualRect(page.model.index(row, 0)).center()
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=where)


def test_copy_a_number_says_what_it_did(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    unlocked(qtbot, window)
    assert window.vault is not None
    with_number = clients.add_client(
        window.vault, first_name="Aaron", last_name="Aaberg", a_number="A012345678"
    ).record
    without = clients.add_client(window.vault, first_name="Abel", last_name="Aabye").record
    page = window.clients
    window.show_page(page)
    page.reload()
    QApplication.processEvents()

    _click_client(qtbot, page, with_number.id)
    assert page.copy_button.isEnabled()
    qtbot.mouseClick(page.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == "A012345678"
    said = window.statusBar().currentMessage()
    assert "Aaron Aaberg" in said and "30 seconds" in said, said

    _click_client(qtbot, page, without.id)
    assert not page.copy_button.isEnabled()
    assert "no A-number" in page.copy_button.toolTip()
    QApplication.clipboard().clear()
