"""Deadlines → Export calendar… to a place the system refuses: the screen names the path and the
fix in the person's words, never the system's English ("[Errno 20] Not a directory")."""

from __future__ import annotations

from pathlib import Path

from tests.ui.dialogs import export_calendar
from tests.ui.test_workflows import open_window
from ui.main_window import MainWindow

OS_TEXT = ("errno", "Not a directory", "Is a directory", "NotADirectoryError", "went wrong")


def _export_to(qtbot, page, monkeypatch, out: Path) -> str:  # type: ignore[no-untyped-def]
    text = export_calendar(qtbot, page, monkeypatch, out)
    assert not any(word.lower() in text.lower() for word in OS_TEXT), text
    return text


def test_calendar_export_to_a_refused_place_names_path_and_fix(
    qtbot, window: MainWindow, monkeypatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    open_window(qtbot, window)
    page = window.deadlines
    window.show_page(page)
    plain = tmp_path / "notes.txt"
    plain.write_text("not a folder\n")
    under = plain / "deadlines.ics"
    assert _export_to(qtbot, page, monkeypatch, under) == (
        f"{under} cannot be used because part of its path is a file, not a folder; check the "
        "path and try again (nothing was changed)."
    )
    folder = tmp_path / "calendars"
    folder.mkdir()
    text = _export_to(qtbot, page, monkeypatch, folder)
    assert text.startswith(f"{folder} is a folder, not a file; give a file name"), text
    assert plain.read_text() == "not a folder\n" and list(folder.iterdir()) == []
