"""The unlock screen and the clients window, driven through real widgets offscreen."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from clinic_app.i18n import _
from clinic_app.services import demo, vault_ops
from tests.conftest import FAST_KDF, PASSPHRASE
from ui.client_table import ClientTableModel
from ui.main_window import APP_TITLE, MainWindow


def unlock(qtbot, win: MainWindow, passphrase: str = PASSPHRASE) -> None:  # type: ignore[no-untyped-def]
    win.unlock.passphrase.setText(passphrase)
    qtbot.mouseClick(win.unlock.unlock_button, Qt.MouseButton.LeftButton)


def test_unlock_shows_clients_and_locking_drops_them(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    assert window.is_locked
    assert window.stack.currentWidget() is window.unlock
    unlock(qtbot, window)
    qtbot.waitUntil(lambda: not window.is_locked, timeout=10000)
    assert window.stack.currentWidget() is window.workspace
    assert window.page_stack.currentWidget() is window.today  # the first screen: what needs doing
    window.show_page(window.clients)
    model = window.clients.model
    assert model.total == 24
    assert model.rowCount() == 24
    names = {model.data(model.index(r, ClientTableModel.NAME)) for r in range(model.rowCount())}
    assert "Brenda Yaneth Flores Nájera" in names
    assert window.windowTitle() == _(APP_TITLE)

    window.lock_action.trigger()
    assert window.is_locked
    assert model.rowCount() == 0
    assert window.stack.currentWidget() is window.unlock
    assert "Nájera" not in window.clients.detail.text()


def test_wrong_passphrase_says_so_and_stays_locked(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    unlock(qtbot, window, "not the passphrase")
    qtbot.waitUntil(lambda: window.unlock.passphrase.isEnabled(), timeout=10000)
    qtbot.waitUntil(lambda: "Wrong passphrase" in window.unlock.message.text(), timeout=10000)
    assert window.is_locked


def test_search_is_accent_insensitive_and_shows_details(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    unlock(qtbot, window)
    qtbot.waitUntil(lambda: not window.is_locked, timeout=10000)
    page = window.clients
    window.show_page(page)
    qtbot.keyClicks(page.search, "flores najera")
    qtbot.waitUntil(lambda: page.model.total == 2, timeout=5000)
    assert "2 matching clients" in page.count.text()
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: "Flores Nájera" in page.detail.text(), timeout=5000)
    assert "Evergreen Landscaping Services" in page.detail.text()

    page.search.clear()
    qtbot.keyClicks(page.search, "zzzz-no-such-worker")
    qtbot.waitUntil(lambda: page.model.total == 0, timeout=5000)
    assert "No client matches" in page.count.text()


def test_ctrl_k_focuses_search(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    unlock(qtbot, window)
    qtbot.waitUntil(lambda: not window.is_locked, timeout=10000)
    qtbot.keyClicks(window.clients.search, "abc")
    window.clients.table.setFocus()
    qtbot.keyClick(window.clients.table, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.focusWidget() is window.clients.search
    assert window.clients.search.selectedText() == "abc"  # ready to type over


def test_auto_lock_after_idle(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    unlock(qtbot, window)
    qtbot.waitUntil(lambda: not window.is_locked, timeout=10000)
    assert window.idle_timer.interval() == 5 * 60_000  # the vault's setting (default 5 minutes)
    window.set_autolock_minutes(0.002)  # about 120 ms
    window.idle_timer.start()
    qtbot.waitUntil(lambda: window.is_locked, timeout=5000)
    assert window.clients.model.rowCount() == 0
    # and it can be unlocked again
    window.set_autolock_minutes(5)
    unlock(qtbot, window)
    qtbot.waitUntil(lambda: not window.is_locked, timeout=10000)
    window.show_page(window.clients)
    assert window.clients.model.total == 24


def test_table_model_fetches_lazily(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    vault, _ = vault_ops.create_vault(tmp_path / "big", passphrase=PASSPHRASE, kdf=FAST_KDF)
    try:
        demo.fill_demo(vault, clients=3000, seed=5)
        model = ClientTableModel(vault)
        assert model.total == 3000
        assert model.rowCount() == ClientTableModel.PAGE  # one page, not 3,000 rows
        assert model.fetches == 1
        assert model.canFetchMore()
        model.fetchMore()
        assert model.rowCount() == 2 * ClientTableModel.PAGE
        model.sort(ClientTableModel.NAME, Qt.SortOrder.DescendingOrder)
        assert model.rowCount() == ClientTableModel.PAGE
        first = model.data(model.index(0, ClientTableModel.NAME))
        model.sort(ClientTableModel.NAME, Qt.SortOrder.AscendingOrder)
        assert model.data(model.index(0, ClientTableModel.NAME)) != first
    finally:
        vault.close()


def test_create_vault_dialog_shows_recovery_code_once(qtbot, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.services import vault_ops as ops
    from ui.background import Background
    from ui.create_vault import CreateVaultDialog

    real_create = ops.create_vault
    monkeypatch.setattr(
        ops, "create_vault", lambda folder, **kw: real_create(folder, kdf=FAST_KDF, **kw)
    )
    background = Background()
    dialog = CreateVaultDialog(tmp_path / "new", "tester", background)
    qtbot.addWidget(dialog)
    dialog.first.setText("short")
    dialog.second.setText("short")
    dialog.create_button.click()
    assert "at least 8" in dialog.error.text()
    assert not (tmp_path / "new").exists()

    dialog.first.setText("a long enough passphrase")
    dialog.second.setText("a long enough passphrase")
    dialog.create_button.click()
    qtbot.waitUntil(lambda: dialog.pages.currentIndex() == 1, timeout=10000)
    assert re.fullmatch(r"([A-Z2-7]{4}-){7}[A-Z2-7]{4}", dialog.code_label.text())
    assert not dialog.done_button.isEnabled()
    dialog.reject()  # cannot leave before acknowledging the code
    assert dialog.isVisible() or dialog.result() == 0
    dialog.stored.setChecked(True)
    assert dialog.done_button.isEnabled()
    assert dialog.vault is not None
    dialog.vault.close()
    reopened = vault_ops.Vault.open_with_recovery(tmp_path / "new", dialog.code_label.text())
    reopened.close()


def test_hidden_screens_read_the_vault_only_when_shown(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    unlock(qtbot, window)
    qtbot.waitUntil(lambda: not window.is_locked, timeout=10000)
    assert window.page_stack.currentWidget() is window.today
    assert window.matters.model.total == 0  # not read yet: unlocking stays fast
    window.show_page(window.matters)
    assert window.matters.model.total == 24


@pytest.mark.slow
def test_table_model_fetches_lazily_over_100000_clients(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    vault, _ = vault_ops.create_vault(tmp_path / "huge", passphrase=PASSPHRASE, kdf=FAST_KDF)
    try:
        demo.fill_demo(vault, clients=100_000, seed=9)
        model = ClientTableModel(vault)
        assert model.total == 100_000
        assert model.rowCount() == ClientTableModel.PAGE
        for _ in range(3):
            model.fetchMore()
        assert model.rowCount() == 4 * ClientTableModel.PAGE
        model.set_search("garcia")
        assert 0 < model.total < 100_000
        assert model.rowCount() == min(model.total, ClientTableModel.SEARCH_PAGE)
    finally:
        vault.close()


def test_screens_are_built_when_first_shown(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    unlock(qtbot, window)
    qtbot.waitUntil(lambda: not window.is_locked, timeout=10000)
    # Unlocking builds the first screen only; the sidebar lists them all.
    assert [type(page).__name__ for page in window.built_pages] == ["TodayPage"]
    assert window.sidebar.count() == 7
    assert window.sidebar.item(1).text() == _("Clients")
    rect = window.sidebar.visualItemRect(window.sidebar.item(1))
    qtbot.mouseClick(window.sidebar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    shown = window.page_stack.currentWidget()
    assert type(shown).__name__ == "ClientsPage"
    assert shown is window.clients
    assert window.clients.model.total == 24  # built with the open vault and read when shown
    assert {type(page).__name__ for page in window.built_pages} == {"TodayPage", "ClientsPage"}
    window.lock_action.trigger()
    assert window.clients.model.rowCount() == 0  # a built screen drops its data on lock
