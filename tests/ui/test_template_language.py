"""Settings → Word templates → Add or replace a template…: the language is chosen by its name
("Spanish"), not typed as a code, and the template is sealed in that language."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLineEdit,
)

from tests.ui.dialogs import type_into
from tests.ui.test_workflows import open_window
from ui.main_window import MainWindow

LEFT = Qt.MouseButton.LeftButton


def test_a_template_language_is_chosen_by_name(qtbot, window: MainWindow, monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    open_window(qtbot, window)
    document = Document()
    document.add_paragraph("Hola {{ client.first_name }}: cerramos el lunes.")
    source = tmp_path / "cierre.docx"
    document.save(str(source))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(source), ""))
    offered: list[list[str]] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QInputDialog):
            QTimer.singleShot(20, answer)
            return
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        if not dialog.comboBoxItems():  # first the template's id, typed
            type_into(qtbot, dialog.findChild(QLineEdit), "client-cierre")
            qtbot.mouseClick(ok, LEFT)
            QTimer.singleShot(20, answer)
            return
        combo = dialog.findChild(QComboBox)
        offered.append([combo.itemText(i) for i in range(combo.count())])
        combo.setCurrentIndex(combo.findText("Spanish"))
        qtbot.mouseClick(ok, LEFT)

    QTimer.singleShot(0, answer)
    page = window.settings
    window.show_page(page)
    qtbot.mouseClick(page.add_template_button, LEFT)
    assert offered == [["English", "Spanish"]]
    assert "Template added" in page.template_message.text()
    listing = page.template_list
    rows = [tuple(listing.item(i).data(256)) for i in range(listing.count())]
    assert ("client-cierre", "es", "clinic") in rows
