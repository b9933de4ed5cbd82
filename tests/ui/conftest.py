"""Fixtures for the Qt tests: a vault with the sample imported, and a main window over it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from clinic_app.services import importing, vault_ops
from tests.conftest import FAST_KDF, PASSPHRASE, SAMPLE_CSV
from ui.app import apply_language


@pytest.fixture
def sample_vault_dir(tmp_path: Path) -> Path:
    """A closed vault holding the 24 workers of the sample spreadsheet."""
    folder = tmp_path / "vault"
    vault, _code = vault_ops.create_vault(
        folder, passphrase=PASSPHRASE, actor="tester", kdf=FAST_KDF
    )
    try:
        report = importing.import_file(vault, path=SAMPLE_CSV)
        assert report.ok, report.problems
    finally:
        vault.close()
    return folder


@pytest.fixture
def window(qtbot, sample_vault_dir: Path) -> Iterator[object]:  # type: ignore[no-untyped-def]
    from ui.main_window import MainWindow

    win = MainWindow(sample_vault_dir, "tester")
    qtbot.addWidget(win)
    win.show()
    yield win
    if win.vault is not None:
        win.lock()


@pytest.fixture(autouse=True)
def _iso_dates_after_each_test() -> Iterator[None]:
    """A test that switched the language (and so the date style) leaves ISO dates behind it."""
    yield
    from clinic_app.i18n import set_local_dates

    set_local_dates(False)


@pytest.fixture(params=["en", "es"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    """The test runs twice: with the screens in English, then in Spanish (a test file may
    define its own, as test_date_input does for its order)."""
    apply_language(qapp, request.param)
    yield request.param
    apply_language(qapp, "en")
