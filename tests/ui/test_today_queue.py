"""Today as an action queue, driven as a person does: what shows first, done and snooze from a row."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QPushButton, QTreeWidgetItem

from clinic_app.services import deadlines, vault_ops
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.core import queue_vault
from tests.ui.dialogs import answer_next_question
from tests.ui.test_workflows import open_window
from ui.main_window import MainWindow
from ui.snooze_dialog import SnoozeDialog


@pytest.fixture
def morning(qtbot, tmp_path: Path) -> Iterator[tuple[MainWindow, dict[str, int]]]:  # type: ignore[no-untyped-def]
    folder = tmp_path / "vault"
    vault, _code = vault_ops.create_vault(
        folder, passphrase=PASSPHRASE, actor="tester", kdf=FAST_KDF
    )
    try:
        ids = queue_vault.build(vault, today=date.today())
    finally:
        vault.close()
    window = MainWindow(folder, "tester")
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    yield window, ids
    if window.vault is not None:
        window.lock()


def rows(window: MainWindow) -> list[QTreeWidgetItem]:
    tree = window.today.tree
    return [
        tree.topLevelItem(i).child(j)
        for i in range(tree.topLevelItemCount())
        for j in range(tree.topLevelItem(i).childCount())
    ]


def visible_rows(window: MainWindow) -> list[QTreeWidgetItem]:
    """Rows (not tier headings) whose whole rectangle is inside the list's viewport."""
    tree = window.today.tree
    area = tree.viewport().rect()
    return [item for item in rows(window) if area.contains(tree.visualItemRect(item))]


def click_row(qtbot, window: MainWindow, text: str) -> QTreeWidgetItem:  # type: ignore[no-untyped-def]
    tree = window.today.tree
    item = next(i for i in rows(window) if i.text(1) == text)
    tree.scrollToItem(item)
    qtbot.mouseClick(
        tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualItemRect(item).center()
    )
    assert tree.currentItem() is item
    return item


def deadline_ids_listed(window: MainWindow) -> set[str]:
    window.show_page(window.deadlines)
    model = window.deadlines.model
    return {model.deadline(r).id for r in range(model.rowCount())}


def test_first_screenful_is_the_most_serious_and_rows_act(qtbot, morning) -> None:  # type: ignore[no-untyped-def]
    window, ids = morning
    open_window(qtbot, window)
    window.show_page(window.today)
    first = visible_rows(window)
    assert [item.text(1) for item in first[:2]] == [
        "Grant terminated: urgent review",
        f"Deferred action and work permit end {(date.today() + timedelta(days=10)).isoformat()}",
    ]
    heading = window.today.tree.topLevelItem(0).text(0)
    assert "Grant terminated: urgent review (1)" in heading  # a name, not only a colour
    status = window.status_counts.text()
    assert status == window.today.queue.summary  # the same words and counts as Today's
    assert "1 due today" in status
    task = next(d for d in deadline_ids_listed(window) if d.startswith("task-"))
    assert task

    # Mark done from the row: Today, the status bar and Deadlines change at once.
    window.show_page(window.today)
    click_row(qtbot, window, "Call the worker back")
    qtbot.mouseClick(window.today.done_button, Qt.MouseButton.LeftButton)
    assert "Call the worker back" not in {i.text(1) for i in rows(window)}
    assert "due today" not in window.status_counts.text()
    assert window.status_counts.text() == window.today.queue.summary
    assert "task-1" not in deadline_ids_listed(window)

    # Snooze from the row, with the date picker's "2 weeks".
    window.show_page(window.today)
    click_row(qtbot, window, "RFE response due")
    before = window.status_counts.text()
    chosen: list[date] = []

    def pick_two_weeks() -> None:
        dialog = next(
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, SnoozeDialog) and w.isVisible()
        )
        two_weeks = next(b for b in dialog.findChildren(QPushButton) if b.text() == "2 weeks")
        qtbot.mouseClick(two_weeks, Qt.MouseButton.LeftButton)
        picked = dialog.date.value()
        assert picked is not None
        chosen.append(picked)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(200, pick_two_weeks)
    qtbot.mouseClick(window.today.snooze_button, Qt.MouseButton.LeftButton)
    assert chosen == [date.today() + timedelta(days=14)]
    rfe = f"{ids['rfe']}-lda.rfe_response_due-e1"
    assert "RFE response due" not in {i.text(1) for i in rows(window)}
    assert window.status_counts.text() != before
    assert window.status_counts.text() == window.today.queue.summary
    assert rfe not in deadline_ids_listed(window)
    snoozed = deadlines.get_deadline(window.vault, ref=rfe, today=date.today())
    assert snoozed.snoozed_until == date.today() + timedelta(days=14)


def click_deadline(qtbot, page, deadline_id: str) -> None:  # type: ignore[no-untyped-def]
    row = page.model.row_of(deadline_id)
    assert row is not None, deadline_id
    index = page.model.index(row, 0)
    page.table.scrollTo(index)
    qtbot.mouseClick(
        page.table.viewport(), Qt.MouseButton.LeftButton, pos=page.table.visualRect(index).center()
    )
    assert page.selected() is not None and page.selected().id == deadline_id


def test_deadlines_keep_filters_and_selection_and_include_done_in_any_range(qtbot, morning) -> None:  # type: ignore[no-untyped-def]
    window, _ids = morning
    open_window(qtbot, window)
    page = window.deadlines
    window.show_page(page)
    page.window_box.setFocus()
    qtbot.keyClick(page.window_box, Qt.Key.Key_Up)  # "Next 90 days" -> "Next 30 days"
    # A combo box's type-to-find starts over after a pause between keys; on a busy machine
    # the pause can pass between two of them, so it is made long for this typing.
    interval = QApplication.keyboardInputInterval()
    QApplication.setKeyboardInputInterval(10_000)
    try:
        qtbot.keyClicks(page.kind, "Task")
    finally:
        QApplication.setKeyboardInputInterval(interval)
    assert page.window_box.currentData() == 30 and page.kind.currentData() == "task"
    assert {page.model.deadline(r).kind for r in range(page.model.rowCount())} == {"task"}
    click_deadline(qtbot, page, "task-3")
    qtbot.mouseClick(page.done_button, Qt.MouseButton.LeftButton)
    assert page.window_box.currentData() == 30 and page.kind.currentData() == "task"
    assert "task-3" not in {page.model.deadline(r).id for r in range(page.model.rowCount())}
    qtbot.mouseClick(page.show_done, Qt.MouseButton.LeftButton)  # works with "Next 30 days"
    listed = {
        page.model.deadline(r).id: page.model.deadline(r) for r in range(page.model.rowCount())
    }
    assert listed["task-3"].status == "done"
    # The selection stays on its row through another action and the reload after it.
    click_deadline(qtbot, page, "task-4")
    qtbot.mouseClick(page.done_button, Qt.MouseButton.LeftButton)
    assert page.selected() is not None and page.selected().id == "task-4"
    assert page.kind.currentData() == "task" and page.show_done.isChecked()


def test_rfe_response_done_closes_its_target_and_offers_the_notice(
    qtbot, morning, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    window, ids = morning
    open_window(qtbot, window)
    page = window.deadlines
    window.show_page(page)
    asked: list[str] = []
    response = f"{ids['rfe']}-lda.rfe_response_due-e1"
    click_deadline(qtbot, page, response)
    answer_next_question(qtbot, "Only mark done", asked)
    qtbot.mouseClick(page.done_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1 and "RFE response" in asked[0]
    target = deadlines.get_deadline(
        window.vault, ref=f"{ids['rfe']}-lda.rfe_internal_target-e1", today=date.today()
    )
    assert target.status == "done"
    assert "RFE" not in window.status_counts.text()  # both RFE rows left the queue
    window.show_page(window.today)
    assert window.status_counts.text() == window.today.queue.summary
