"""Qt's own file dialog speaks the screen's language: the words Qt's Spanish catalog leaves in
English come from the app's catalog (ui/qt_gaps.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QFileDialog,
    QFileSystemModel,
    QLabel,
    QTreeView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from ui.app import apply_language


def _words(qtbot: QtBot, mode: QFileDialog.AcceptMode, folder: Path) -> dict[str, str]:
    """Every label, button, tooltip and column header of Qt's own (not the desktop's native)
    file dialog, by where it is, and the Type it shows for a folder."""
    dialog = QFileDialog(None, "x", str(folder))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setAcceptMode(mode)
    qtbot.addWidget(dialog)
    dialog.show()
    model = dialog.findChild(QFileSystemModel)
    inside = model.index(str(folder / "evidence"))
    qtbot.waitUntil(lambda: bool(model.type(inside)))  # filled in by Qt's file-info thread
    found: dict[str, str] = {"a folder's type": model.type(inside)}
    for i, widget in enumerate(dialog.findChildren(QWidget)):
        where = f"{widget.objectName() or type(widget).__name__}#{i}"
        if isinstance(widget, QLabel | QAbstractButton) and widget.text():
            found[f"{where} text"] = widget.text()
        if widget.toolTip():
            found[f"{where} tip"] = widget.toolTip()
        if isinstance(widget, QComboBox) and widget.objectName() == "fileTypeCombo":
            found[f"{where} types"] = widget.itemText(0)
        if isinstance(widget, QTreeView):
            model = widget.model()
            for column in range(model.columnCount()):
                header = model.headerData(column, Qt.Orientation.Horizontal)
                found[f"{where} column {column}"] = str(header)
    dialog.close()
    return found


@pytest.fixture
def english_then_spanish(qapp: QApplication) -> Iterator[QApplication]:
    yield qapp
    apply_language(qapp, "en")


@pytest.mark.parametrize(
    "mode", [QFileDialog.AcceptMode.AcceptOpen, QFileDialog.AcceptMode.AcceptSave]
)
def test_qt_file_dialog_has_no_english_words_left_in_spanish(
    qtbot: QtBot, english_then_spanish: QApplication, mode: QFileDialog.AcceptMode, tmp_path: Path
) -> None:
    (tmp_path / "evidence").mkdir()
    apply_language(english_then_spanish, "en")
    english = _words(qtbot, mode, tmp_path)
    apply_language(english_then_spanish, "es")
    spanish = _words(qtbot, mode, tmp_path)
    assert english.keys() == spanish.keys()
    assert "&Look in:" in english.values() and "Files of &type:" in english.values()
    left = {where: words for where, words in english.items() if spanish[where] == words}
    assert left == {}, left
    assert "&Buscar en:" in spanish.values()
    assert (english["a folder's type"], spanish["a folder's type"]) == ("Folder", "Carpeta")
