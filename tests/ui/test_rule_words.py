"""Settings → Deadline rules in words: a changed rule and a rule update's preview name rules by
what they say (in the screen's language) and dates as the language writes them, never by id."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QSpinBox

from clinic_app.deadlines import bundles
from clinic_app.i18n import _
from tests.core.helpers import granted_daca
from tests.core.test_rule_updates import newer_daca
from tests.ui.dialogs import answer_next_question
from tests.ui.test_workflows import open_window
from ui.app import apply_language
from ui.main_window import MainWindow


def test_a_rule_changed_in_settings_is_named_by_what_it_says(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    open_window(qtbot, window)
    page = window.settings
    window.show_page(page)
    table = page.rules
    row = next(
        r for r in range(table.rowCount()) if table.item(r, 0).data(256) == "lda.renewal_file_by"
    )
    box = table.cellWidget(row, 2)
    assert isinstance(box, QSpinBox)
    table.scrollToItem(table.item(row, 0))
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, "150")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    message = page.rules_message.text()
    assert "Labor-based deferred action: File the renewal" in message, message
    assert "150 days" in message and "lda.renewal_file_by" not in message


def test_a_rule_update_preview_in_spanish_says_rules_and_dates_in_spanish(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, monkeypatch, tmp_path: Path, qapp: QApplication
) -> None:
    apply_language(qapp, "es")
    try:
        open_window(qtbot, window)
        assert window.vault is not None
        granted_daca(window.vault, first_name="Rosa", last_name="Garza", state="NM")
        key = Ed25519PrivateKey.generate()
        monkeypatch.setattr(bundles, "trusted_keys", lambda: [key.public_key()])
        update = tmp_path / "rules.cliniccrules"
        update.write_bytes(
            bundles.sign_bundle({"daca": newer_daca()}, key, issued=date(2027, 1, 15))
        )
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(update), ""))
        asked: list[str] = []
        page = window.settings
        window.show_page(page)
        answer_next_question(qtbot, _("Cancel"), asked)  # "Cancelar"
        qtbot.mouseClick(page.install_update, Qt.MouseButton.LeftButton)
        (text,) = asked  # one question, answered
        # The pack's own Spanish: the rule's message, the policy entry's summary, its status.
        assert "DACA: Presentar la renovación de DACA:" in text
        assert "Una entrada de prueba." in text and "en pausa" in text
        assert "15 ene 2027" in text and "2027-01-15" not in text  # dates as Spanish writes them
        assert "daca.renewal_file_by" not in text and "paused" not in text
    finally:
        apply_language(qapp, "en")


def test_a_chosen_rule_shows_its_source_whole(qtbot, window: MainWindow, language: str) -> None:  # type: ignore[no-untyped-def]
    """Settings → Deadline rules: the source column (a long citation) is cut to two lines, so
    clicking a rule writes its source whole under the list, in the screen's words; the days
    box takes only its own width, leaving the room to the rule and its source."""
    from tests.ui.clipping import clipped

    open_window(qtbot, window)
    page = window.settings
    window.show_page(page)
    window.resize(1366, 768)
    QApplication.processEvents()
    table = page.rules
    row = next(
        r for r in range(table.rowCount()) if len(table.item(r, 3).text()) > 200
    )  # a citation far longer than its cell
    table.scrollToItem(table.item(row, 0))
    where = table.visualItemRect(table.item(row, 0)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    QApplication.processEvents()  # the line under the list grows to the source's lines
    shown = page.rule_source.text()
    assert table.item(row, 3).text() in shown, shown
    assert shown.startswith(_("Source: {source}").format(source="")), shown
    assert clipped(page) == [], clipped(page)
    box = table.cellWidget(row, 2)
    assert table.columnWidth(2) <= box.sizeHint().width() + 30, table.columnWidth(2)
