"""Counts on screen are written as the language writes numbers: '1,400 clients', '1.400
clientes', never '1100'."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from clinic_app.i18n import format_number
from clinic_app.services import clients, demo, matters, vault_ops
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.ui.launch import unlocked
from ui.main_window import MainWindow

WORKERS = 1400


@pytest.fixture(scope="module")
def big_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("counts") / "vault"
    vault, _code = vault_ops.create_vault(folder, passphrase=PASSPHRASE, kdf=FAST_KDF)
    try:
        demo.fill_demo(vault, clients=WORKERS, seed=3)
    finally:
        vault.close()
    return folder


def test_counts_have_thousands_separators(qtbot, big_vault: Path, language: str) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(big_vault, "tester")
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    unlocked(qtbot, window)
    vault = window.vault
    assert vault is not None
    try:
        total_clients = clients.count_clients(vault)
        total_matters = matters.count_matters(vault)
        assert total_clients >= 1000 and total_matters >= 1000

        window.show_page(window.clients)
        QApplication.processEvents()
        count = window.clients.count.text()
        assert format_number(total_clients, ",") in count, count
        assert str(total_clients) not in count, count

        window.show_page(window.matters)
        QApplication.processEvents()
        every = window.matters.stage_buttons[None].text()
        assert every.endswith(" " + format_number(total_matters, ",")), every

        page = window.deadlines
        window.show_page(page)
        QApplication.processEvents()
        # "Everything", the last choice: picked from the keyboard as a person may.
        page.window_box.setFocus()
        qtbot.keyClick(page.window_box, Qt.Key.Key_End)
        assert page.window_box.currentData() is None
        QApplication.processEvents()
        shown = page.model.rowCount()
        assert shown >= 1000, shown
        assert format_number(shown, ",") in page.message.text(), page.message.text()
        assert str(shown) not in page.message.text(), page.message.text()
    finally:
        window.lock()
