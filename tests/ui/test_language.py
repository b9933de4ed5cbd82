"""The desktop in Spanish: window title, Qt's own dialogs, dates and labels as Spanish writes them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QPushButton

from clinic_app.domain import vocab
from clinic_app.i18n import format_day, set_language, set_local_dates
from ui.app import apply_language


@pytest.fixture
def spanish(qapp: QApplication) -> Iterator[QApplication]:
    apply_language(qapp, "es")
    yield qapp
    apply_language(qapp, "en")
    set_local_dates(False)
    set_language("en")


def test_window_title_is_spanish(spanish: QApplication, qtbot, sample_vault_dir: Path) -> None:  # type: ignore[no-untyped-def]
    from ui.main_window import MainWindow

    window = MainWindow(sample_vault_dir, "tester")
    qtbot.addWidget(window)
    assert window.windowTitle() == "Gestor de casos de la clínica"
    assert spanish.applicationDisplayName() == "Gestor de casos de la clínica"


def test_qt_standard_buttons_and_file_dialog_are_spanish(spanish: QApplication, qtbot) -> None:  # type: ignore[no-untyped-def]
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel
    )
    qtbot.addWidget(box)
    texts = {b.text().replace("&", "") for b in box.buttons()}
    assert texts == {"Abrir", "Cancelar"}
    dialog = QFileDialog(None, "", str(Path.home()))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    labels = {b.text().replace("&", "") for b in dialog.findChildren(QPushButton) if b.text()}
    assert "Cancelar" in labels and "Cancel" not in labels


def test_dates_and_labels_read_as_spanish_writes_them(spanish: QApplication) -> None:
    assert format_day(date(2026, 11, 30)) == "30 nov 2026"
    assert (
        vocab.label("program", "labor-deferred-action") == "Acción diferida por motivos laborales"
    )
    assert vocab.label("deadline_status", "overdue") == "vencido"
    apply_language(spanish, "en")
    assert format_day(date(2026, 11, 30)) == "Nov 30, 2026"
    assert vocab.label("staff_role", "accredited_representative") == "Accredited representative"
