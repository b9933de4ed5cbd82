"""Deadlines → Export calendar…: the file holds what the screen's filters chose (a person who
picks their own name in "Assigned" gets their own deadlines, not the whole clinic's), and the
message counts its events in words."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from clinic_app.services import deadlines, matters, staff
from tests.ui.dialogs import export_calendar
from tests.ui.test_workflows import open_window
from ui.main_window import MainWindow


def test_the_calendar_follows_the_assigned_filter(qtbot, window: MainWindow, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    open_window(qtbot, window)
    vault = window.vault
    assert vault is not None
    member = staff.add_staff(vault, name="Dana Rivera", role="paralegal").record
    for matter in matters.list_matters(vault, limit=3):
        matters.update_matter(vault, matter_id=matter.id, assigned_staff_id=member.id)
    page = window.deadlines
    window.show_page(page)
    mine = len(deadlines.list_deadlines(vault, today=page.today, within=90, assignee_id=member.id))
    everyone = len(deadlines.list_deadlines(vault, today=page.today, within=90))
    assert 0 < mine < everyone
    # Choose the person in "Assigned" from the keyboard, as a person tabbing through does.
    page.assignee.setFocus()
    qtbot.keyClicks(page.assignee, member.name[:3])
    assert page.assignee.currentData() == member.id
    out = tmp_path / "mine.ics"
    export_calendar(qtbot, page, monkeypatch, out)
    events = out.read_text("utf-8").count("BEGIN:VEVENT")
    assert events == mine
    word = "event" if events == 1 else "events"
    assert page.message.text() == f"Calendar written to {out} ({events} {word})."


def test_the_calendar_follows_the_kind_and_program_filters(qtbot, window: MainWindow, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A person who narrows the list to one kind of deadline exports just those rows."""
    open_window(qtbot, window)
    vault = window.vault
    assert vault is not None
    page = window.deadlines
    window.show_page(page)
    every = page.model.rowCount()
    # Down through the kinds from the keyboard, as a person tabbing through does.
    page.kind.setFocus()
    shown: dict[str, int] = {}
    for _step in range(1, page.kind.count()):
        qtbot.keyClick(page.kind, Qt.Key.Key_Down)
        shown[page.kind.currentData()] = page.model.rowCount()
    kind = max((k for k in shown if 0 < shown[k] < every), key=lambda k: shown[k])
    while page.kind.currentData() != kind:
        qtbot.keyClick(page.kind, Qt.Key.Key_Up)
    out = tmp_path / "kind.ics"
    export_calendar(qtbot, page, monkeypatch, out)
    assert out.read_text("utf-8").count("BEGIN:VEVENT") == shown[kind] < every
