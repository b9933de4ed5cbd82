"""Import…: a spreadsheet without a required column is refused with a sentence that sends the
person to the window's list of columns, and the window shows that list (it said 'see the
README', which a paralegal at the clinic's laptop does not have)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog

from clinic_app.services import importing
from tests.ui.test_workflows import open_window
from ui.import_wizard import ImportWizard
from ui.main_window import MainWindow


def test_a_missing_column_is_named_and_the_window_lists_the_columns(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, monkeypatch, tmp_path: Path
) -> None:
    sheet = tmp_path / "workers.csv"
    sheet.write_text("first_name,last_name,phone\nAna,Ruiz,555-0100\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(sheet), ""))
    open_window(qtbot, window)
    seen: dict[str, str] = {}

    def look() -> None:
        wizard = QApplication.activeModalWidget()
        if not isinstance(wizard, ImportWizard):
            QTimer.singleShot(20, look)
            return
        qtbot.mouseClick(wizard.choose_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "employer" in wizard.summary.text(), timeout=10_000)
        seen["summary"] = wizard.summary.text()
        seen["columns"] = wizard.columns_label.text() if wizard.columns_label.isVisible() else ""
        seen["import"] = str(wizard.import_button.isEnabled())
        wizard.reject()

    QTimer.singleShot(0, look)
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)  # Ctrl+I: Import…
    assert "(the Import… window lists the columns)" in seen["summary"]
    assert seen["import"] == "False"
    columns = seen["columns"]
    assert "first_name, last_name, employer are required" in columns
    assert all(name in columns for name in importing.COLUMNS)
    assert "README" not in columns


def test_the_preview_shows_long_headers_and_names_whole(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, monkeypatch, tmp_path: Path
) -> None:
    from tests.ui.clipping import clipped

    sheet = tmp_path / "workers.csv"
    sheet.write_text(
        "first_name,last_name,employer,deferred_action_start,deferred_action_end\n"
        "Ana,Ruiz,Evergreen Landscaping Services of Greater Houston,2024-01-10,2026-01-09\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(sheet), ""))
    open_window(qtbot, window)
    cut: list[list[str]] = []

    def look() -> None:
        wizard = QApplication.activeModalWidget()
        if not isinstance(wizard, ImportWizard):
            QTimer.singleShot(20, look)
            return
        qtbot.mouseClick(wizard.choose_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: wizard.choose_button.isEnabled(), timeout=10_000)
        cut.append(clipped(wizard))
        wizard.reject()

    QTimer.singleShot(0, look)
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert cut == [[]]


def test_before_a_file_is_chosen_the_window_says_what_will_happen(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, monkeypatch, tmp_path: Path
) -> None:
    """No empty table and empty list under the columns: a sentence says the rows show there and
    are all checked before anything is written; choosing a file brings the two boxes."""
    sheet = tmp_path / "workers.csv"
    sheet.write_text("first_name,last_name,employer\nAna,Ruiz,Evergreen\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(sheet), ""))
    open_window(qtbot, window)
    seen: dict[str, object] = {}

    def look() -> None:
        wizard = QApplication.activeModalWidget()
        if not isinstance(wizard, ImportWizard):
            QTimer.singleShot(20, look)
            return
        seen["before"] = (wizard.preview.isVisible(), wizard.problems.isVisible())
        seen["hint"] = wizard.summary.text()
        seen["columns"] = wizard.columns_label.text()
        qtbot.mouseClick(wizard.choose_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: wizard.import_button.isEnabled(), timeout=10_000)
        seen["after"] = (wizard.preview.isVisible(), wizard.problems.isVisible())
        wizard.reject()

    QTimer.singleShot(0, look)
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)  # Ctrl+I: Import…
    assert seen["before"] == (False, False)
    assert "nothing is imported until you press Import" in str(seen["hint"])
    assert "written as here in every language" in str(seen["columns"])
    assert seen["after"] == (True, True)
