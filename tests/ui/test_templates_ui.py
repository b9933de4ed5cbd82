"""Settings → Word templates with templates sealed in the vault: add, copy back out, remove."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog

from clinic_app.services import audit_log
from tests.ui.test_workflows import open_window
from ui.main_window import MainWindow


def _rows(page: object) -> list[tuple[str, str, str]]:
    """(template id, language, origin) of each row; the row itself shows words, not ids."""
    listing = page.template_list  # type: ignore[attr-defined]
    return [tuple(listing.item(i).data(256)) for i in range(listing.count())]


def test_settings_adds_copies_and_removes_a_sealed_template(
    qtbot, window: MainWindow, monkeypatch, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    open_window(qtbot, window)
    document = Document()
    document.add_paragraph("Hola {{ client.first_name }}: cerramos el lunes.")
    source = tmp_path / "cierre.docx"
    document.save(str(source))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(source), ""))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("client-cierre", True))
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("es", True))
    page = window.settings
    window.show_page(page)

    qtbot.mouseClick(page.add_template_button, Qt.MouseButton.LeftButton)
    assert "Template added" in page.template_message.text()
    assert ("client-cierre", "es", "clinic") in _rows(page)
    shown = [page.template_list.item(i).text() for i in range(page.template_list.count())]
    assert "client-cierre · Spanish · clinic" in shown  # no title of its own: its name
    assert window.vault is not None
    assert not list(window.vault.folder.rglob("*.docx"))  # sealed, not a plain file

    listing = page.template_list
    listing.setCurrentRow(_rows(page).index(("client-cierre", "es", "clinic")))
    out = tmp_path / "copia.docx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    qtbot.mouseClick(page.copy_template_button, Qt.MouseButton.LeftButton)
    assert out.read_bytes() == source.read_bytes()

    listing.setCurrentRow(_rows(page).index(("declaration", "en", "shipped")))
    qtbot.mouseClick(page.remove_template_button, Qt.MouseButton.LeftButton)
    assert "only the clinic's own can be removed" in page.template_message.text()

    listing.setCurrentRow(_rows(page).index(("client-cierre", "es", "clinic")))
    qtbot.mouseClick(page.remove_template_button, Qt.MouseButton.LeftButton)
    assert "Template removed" in page.template_message.text()
    assert ("client-cierre", "es", "clinic") not in _rows(page)
    actions = [e.action for e in audit_log.list_events(window.vault, record_kind="template")]
    assert actions[:2] == ["remove_template", "add_template"]
