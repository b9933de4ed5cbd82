"""An empty list says why it is empty and what to do next, in English and Spanish."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from clinic_app.i18n import _
from clinic_app.services import vault_ops
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.ui.launch import unlocked
from ui.main_window import MainWindow


@pytest.fixture
def empty_window(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The main window over a new clinic's vault (nothing in it yet), unlocked by typing."""
    folder = tmp_path / "vault"
    vault, _code = vault_ops.create_vault(folder, passphrase=PASSPHRASE, kdf=FAST_KDF)
    vault.close()
    window = MainWindow(folder, "tester")
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    unlocked(qtbot, window)
    yield window
    if window.vault is not None:
        window.lock()


def test_an_empty_matters_list_says_what_to_do(
    qtbot, empty_window: MainWindow, language: str
) -> None:  # type: ignore[no-untyped-def]
    """No matter yet: the list says New matter… opens one (the button beside it); a stage
    with none says so and how to see them all; a filter that finds none says what to check."""
    window = empty_window
    page = window.matters
    window.show_page(page)
    QApplication.processEvents()
    new_matter = page.new_button.text()
    assert page.empty.isVisible()
    assert new_matter in page.empty.text(), page.empty.text()
    qtbot.mouseClick(page.stage_buttons["rfe"], Qt.MouseButton.LeftButton)
    assert page.empty.isVisible()
    assert _("RFE") in page.empty.text() and _("All") in page.empty.text(), page.empty.text()
    qtbot.mouseClick(page.stage_buttons[None], Qt.MouseButton.LeftButton)
    page.search.setFocus()
    qtbot.keyClicks(page.search, "zzzz")
    qtbot.waitUntil(lambda: _("A-number").lower() in page.empty.text().lower(), timeout=5000)
    assert page.empty.isVisible()
    # The panel beside the list names the same button, once (no "New matter…." run-on).
    summary = page.panel.summary.text()
    assert new_matter in summary and "…." not in summary, summary


def test_a_filled_matters_list_has_no_empty_hint(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    unlocked(qtbot, window)
    window.show_page(window.matters)
    QApplication.processEvents()
    assert window.matters.model.total > 0
    assert not window.matters.empty.isVisible()


def test_an_empty_deadlines_list_says_what_fills_it(
    qtbot, empty_window: MainWindow, language: str
) -> None:  # type: ignore[no-untyped-def]
    """Nothing due: the line under the list says deadlines come from a matter's grants,
    notices and tasks (the Add task… button beside it); with a filter ticked, that the filter
    hides them."""
    window = empty_window
    page = window.deadlines
    window.show_page(page)
    QApplication.processEvents()
    assert page.model.rowCount() == 0
    add_task = page.task_button.text()
    assert add_task in page.message.text(), page.message.text()
    qtbot.mouseClick(page.overdue_only, Qt.MouseButton.LeftButton)
    assert page.overdue_only.isChecked()
    text = page.message.text()
    assert text and add_task not in text, text


def test_a_new_employer_says_what_to_add_next(
    qtbot, empty_window: MainWindow, language: str
) -> None:  # type: ignore[no-untyped-def]
    """A new employer has no worksite and no agency letter yet: each empty list says which
    button fills it (the button's own words), and the lines cannot be opened or edited."""
    from tests.ui.dialogs import on_next_dialog, type_into

    window = empty_window
    page = window.employers
    window.show_page(page)
    problems: list[str] = []
    on_next_dialog(qtbot, lambda d: type_into(qtbot, d.name, "Harbor Fish Packing"), problems)
    qtbot.mouseClick(page.new_employer, Qt.MouseButton.LeftButton)
    assert problems == []
    QApplication.processEvents()
    assert page.selected_employer() is not None
    letters_hint = page.letter_list.item(0).text()
    assert page.new_letter.text() in letters_hint, letters_hint
    assert page.add_worker_button.text() in letters_hint, letters_hint
    assert page.new_worksite.text() in page.worksite_list.item(0).text()
    assert page.selected_letter() is None
    assert not page.edit_letter_button.isEnabled()
    assert not page.edit_worksite_button.isEnabled()
    assert not page.packets_button.isEnabled()


def test_the_deadline_filters_say_what_they_are_all_of(
    qtbot, language: str, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    """Side by side, the filters' first choices each name what they cover ("Everyone", "Every
    kind", "Every program"): none is a bare word another repeats ("Todos" beside "Todos los
    tipos" left a person asking: all what?)."""
    unlocked(qtbot, window)
    page = window.deadlines
    window.show_page(page)
    QApplication.processEvents()
    firsts = [box.itemText(0) for box in (page.assignee, page.kind, page.program)]
    for one in firsts:
        for other in firsts:
            assert one == other or not other.startswith(one), firsts
