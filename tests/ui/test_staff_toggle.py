"""Settings → Staff: the button under the list says what it will do to whom ("Deactivate Ana
Ruiz", then "Reactivate Ana Ruiz"), and the status bar says what it did."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from clinic_app.i18n import _
from tests.ui.launch import unlocked
from ui.main_window import MainWindow


def _click_row(qtbot, page, name: str) -> None:  # type: ignore[no-untyped-def]
    staff_list = page.staff_list
    item = next(
        staff_list.item(r)
        for r in range(staff_list.count())
        if staff_list.item(r).text().startswith(name)
    )
    page.scroll.ensureWidgetVisible(staff_list)
    staff_list.scrollToItem(item)
    where = staff_list.visualItemRect(item).center()
    qtbot.mouseClick(staff_list.viewport(), Qt.MouseButton.LeftButton, pos=where)


def test_the_staff_button_names_what_it_does(qtbot, language: str, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    unlocked(qtbot, window)
    page = window.settings
    window.show_page(page)
    assert not page.toggle_button.isEnabled()  # nobody chosen yet
    page.staff_name.setFocus()
    qtbot.keyClicks(page.staff_name, "Ana Ruiz")
    add = next(b for b in page.findChildren(type(page.toggle_button)) if b.text() == _("Add"))
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    _click_row(qtbot, page, "Ana Ruiz")
    assert page.toggle_button.text() == _("Deactivate {name}").format(name="Ana Ruiz")
    qtbot.mouseClick(page.toggle_button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    said = window.statusBar().currentMessage()
    assert said.startswith("Ana Ruiz") and said != "Ana Ruiz", said
    _click_row(qtbot, page, "Ana Ruiz")
    assert _("inactive") in page.staff_list.currentItem().text()
    assert page.toggle_button.text() == _("Reactivate {name}").format(name="Ana Ruiz")
    qtbot.mouseClick(page.toggle_button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    _click_row(qtbot, page, "Ana Ruiz")
    assert _("inactive") not in page.staff_list.currentItem().text()


def test_an_empty_staff_list_says_how_to_add_someone(qtbot, language: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A new clinic's vault has no staff: the list says to type a name, choose the role and
    press Add (the button's own word); the line cannot be deactivated."""
    from clinic_app.services import vault_ops
    from tests.conftest import FAST_KDF, PASSPHRASE

    folder = tmp_path / "vault"
    vault, _code = vault_ops.create_vault(folder, passphrase=PASSPHRASE, kdf=FAST_KDF)
    vault.close()
    window = MainWindow(folder, "tester")
    qtbot.addWidget(window)
    window.show()
    unlocked(qtbot, window)
    page = window.settings
    window.show_page(page)
    QApplication.processEvents()
    assert page.staff_list.count() == 1
    hint = page.staff_list.item(0).text()
    assert _("Add") in hint, hint
    _click_row(qtbot, page, hint)
    assert not page.toggle_button.isEnabled()
    window.lock()
