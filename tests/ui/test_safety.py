"""No accidental change to saved data: confirmations by click, the wheel, auto-lock's warning."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox, QMessageBox, QSpinBox, QWidget

from clinic_app.services import ChangeSet, checklist, clients, deadlines, settings
from tests.ui.dialogs import answer_next_question
from tests.ui.test_workflows import open_window
from ui.main_window import MainWindow


def wheel(widget: QWidget, steps: int = 1) -> None:
    """A real wheel event over the middle of `widget`, as a mouse turn would send it."""
    centre = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(centre.toPoint())),
        QPoint(0, 0),
        QPoint(0, -120 * steps),  # scrolling down: a combo moves to its next item
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def test_delete_asks_by_name_and_no_keeps_the_client(
    qtbot, window: MainWindow, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    open_window(qtbot, window)
    vault = window.vault
    assert vault is not None
    lonely = clients.add_client(vault, first_name="Solo", last_name="Sinasunto").record
    asked: list[str] = []
    page = window.clients
    window.bus.publish(ChangeSet.of("client", lonely.id))
    assert page.select_client(lonely.id)
    # The buttons say what they do: "Delete" or "Cancel", not Yes and No.
    answer_next_question(qtbot, "Cancel", asked)
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert asked == ["Delete client: Delete Solo Sinasunto and their notes? This cannot be undone."]
    assert clients.count_clients(vault, search_text="sinasunto") == 1  # "Cancel" keeps them

    answer_next_question(qtbot, "Delete", asked)
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 2
    assert clients.count_clients(vault, search_text="sinasunto") == 0
    assert window.statusBar().currentMessage() == "Deleted Solo Sinasunto."


def test_delete_of_a_client_with_matters_is_refused_by_click(
    qtbot, window: MainWindow, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    open_window(qtbot, window)
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *_a: told.append(text))
    page = window.clients
    page.search.setText("Flores Nájera")
    qtbot.waitUntil(lambda: page.model.total == 2, timeout=5000)
    page.table.selectRow(0)
    answer_next_question(qtbot, "Delete", [])
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert told and "has matters" in told[0]
    assert clients.count_clients(window.vault, search_text="flores najera") == 2  # type: ignore[arg-type]


def test_new_recovery_code_asks_first(qtbot, window: MainWindow, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.services import vault_ops

    open_window(qtbot, window)
    asked: list[str] = []
    made: list[bool] = []
    monkeypatch.setattr(vault_ops, "new_recovery_code", lambda *_a, **_k: made.append(True))
    window.show_page(window.settings)
    answer_next_question(qtbot, "Cancel", asked)
    qtbot.mouseClick(window.settings.recovery_button, Qt.MouseButton.LeftButton)
    assert asked == [
        "Recovery code: Make a new recovery code? The old printed code will stop working."
    ]
    assert not made  # "Cancel" changed nothing


def test_wheel_over_an_unfocused_checklist_combo_changes_nothing(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    open_window(qtbot, window)
    window.show_page(window.matters)
    window.matters.table.selectRow(0)
    matter_id = window.matters.panel.matter_id
    assert matter_id is not None
    view = window.matters.panel.checklist
    combo = view.table.cellWidget(0, 2)
    assert isinstance(combo, QComboBox)
    before = checklist.get_checklist(window.vault, matter_id=matter_id).items[0].status  # type: ignore[arg-type]
    window.matters.table.setFocus()
    wheel(combo)
    wheel(combo)
    assert combo.currentData() == before
    assert checklist.get_checklist(window.vault, matter_id=matter_id).items[0].status == before  # type: ignore[arg-type]
    # Focused on purpose (a click or Tab), the wheel does move it: the guard only blocks strays.
    combo.setFocus()
    wheel(combo)
    assert combo.currentData() != before


def test_wheel_over_an_unfocused_rule_spin_box_changes_nothing(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    open_window(qtbot, window)
    page = window.settings
    window.show_page(page)
    box = page.rules.cellWidget(0, 2)
    assert isinstance(box, QSpinBox)
    rule_id = page.rules.item(0, 0).data(256)
    before = box.value()
    page.rules.setFocus()
    wheel(box, 3)
    page.autolock.setFocus()  # leaving the box would save a changed value
    assert box.value() == before
    rules = {
        r.id: r for p in deadlines.list_programs(window.vault, today=date.today()) for r in p.rules
    }  # type: ignore[arg-type]
    assert rules[rule_id].days == before and not rules[rule_id].overridden
    minutes = page.autolock.value()
    page.rules.setFocus()
    wheel(page.autolock, 2)
    assert page.autolock.value() == minutes


def test_auto_lock_counts_down_then_says_why_it_locked(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    open_window(qtbot, window)
    window.set_autolock_minutes(0.02)  # 1.2 s: the countdown shows for the last 0.6 s
    window.autolock.start()
    qtbot.waitUntil(lambda: window.autolock.banner.isVisible(), timeout=5000)
    assert "move the mouse to stay unlocked" in window.autolock.banner.text()
    assert window.autolock.banner.text().startswith("Locking in ")
    # Moving the mouse keeps the vault open and hides the countdown.
    qtbot.mouseMove(window.clients.table, QPoint(20, 20))
    qtbot.mouseMove(window.clients.table, QPoint(30, 30))
    assert not window.is_locked and not window.autolock.banner.isVisible()
    qtbot.waitUntil(lambda: window.is_locked, timeout=5000)
    assert window.clients.model.rowCount() == 0  # locking still drops the data
    assert "Locked after 1 minute idle" in window.unlock.message.text()
    window.set_autolock_minutes(5)


def test_status_bar_counts_follow_every_change(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    open_window(qtbot, window)
    vault = window.vault
    assert vault is not None
    before = window.status_counts.text()
    assert before  # the summary shows from unlock on
    from clinic_app.services import matters

    target = matters.list_matters(vault)[0]
    result = deadlines.add_task(
        vault, matter_id=target.id, due=date.today(), title="Call the worker", today=date.today()
    )
    window.bus.publish(result.changes)
    assert window.status_counts.text() != before  # at once, not at the next 15-minute check
    queue = __import__("ui.pages.today", fromlist=["due_counts"]).due_counts(vault, date.today())
    assert window.status_counts.text() == queue.summary
    assert f"{queue.counts['due_today']} due today" in window.status_counts.text()
    assert settings.get_setting(vault, key="ui.autolock_minutes", default=5) == 5
