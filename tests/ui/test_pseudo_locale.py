"""Every screen and dialog in a pseudo-locale: any visible text without its ⟦markers⟧ was built
outside the catalog (an f-string, a core sentence, a raw id) and would stay English in Spanish."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from clinic_app.services import clients, demo, letters, matters, vault_ops
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.ui.pseudo import Allowed, pseudo_locale, untranslated
from ui.main_window import MainWindow

SIZE = (1366, 768)


@pytest.fixture
def pseudo(qapp: QApplication) -> Iterator[None]:
    with pseudo_locale(qapp):
        yield


@pytest.fixture
def pseudo_vault(tmp_path: Path, pseudo: None) -> Path:
    """A demo vault built in the pseudo-locale: the demo's own words (staff, notes) are marked."""
    folder = tmp_path / "vault"
    vault, _code = vault_ops.create_vault(folder, passphrase=PASSPHRASE, kdf=FAST_KDF)
    try:
        demo.fill_demo(vault, clients=40, seed=3)
    finally:
        vault.close()
    return folder


def _dialogs(window: MainWindow) -> list[QWidget]:
    """The forms and dialogs a person opens, built over the window (never run)."""
    from ui.backup_dialogs import BackupDialog, RestoreDialog
    from ui.client_editor import ClientEditor
    from ui.create_vault import CreateVaultDialog, RecoverDialog
    from ui.employer_dialogs import EmployerDialog, LetterDialog
    from ui.import_wizard import ImportWizard
    from ui.matter_editor import MatterDialog
    from ui.notice_dialog import GrantDialog, NoticeDialog
    from ui.pages.deadlines import TaskDialog
    from ui.snooze_dialog import SnoozeDialog

    vault = window.vault
    assert vault is not None
    matter_id = window.matters.panel.matter_id
    assert matter_id is not None
    letter = letters.list_letters(vault)[0]
    client = clients.get_client(
        vault, client_id=matters.get_matter(vault, matter_id=matter_id).client_id
    )
    return [
        ClientEditor(vault, parent=window),
        ClientEditor(vault, client, parent=window),
        MatterDialog(vault, letter_id=letter.id, parent=window),
        MatterDialog(vault, matter=matters.get_matter(vault, matter_id=matter_id), parent=window),
        NoticeDialog(vault, matter_id, window),
        GrantDialog(vault, matter_id, window),
        EmployerDialog(vault, window),
        LetterDialog(vault, letter.employer_id, window, record=letter),
        TaskDialog(vault, date.today(), window),
        SnoozeDialog(date.today(), "RFE", window),
        ImportWizard(vault, window.background, window),
        BackupDialog(vault, window.background, window),
        RestoreDialog(window.background, window),
        CreateVaultDialog(window.unlock.vault_dir, "tester", window.background, window),
        RecoverDialog(window.unlock.vault_dir, "tester", window.background, window),
    ]


def test_every_screen_and_dialog_is_all_catalog_text(qtbot, pseudo_vault: Path) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(pseudo_vault, "tester")
    qtbot.addWidget(window)
    window.resize(*SIZE)
    window.show()
    QApplication.processEvents()
    vault = vault_ops.open_vault(pseudo_vault, passphrase=PASSPHRASE)
    allowed = Allowed(vault)
    problems = untranslated(window, allowed, "unlock")
    window.on_unlocked(vault)
    try:
        for page in window.pages:
            window.show_page(page)
            if page is window.clients:
                page.table.selectRow(0)  # type: ignore[attr-defined]
            if page is window.matters:
                # A matter with notices, a checklist and deadlines.
                page.set_stage("rfe")  # type: ignore[attr-defined]
                page.table.selectRow(0)  # type: ignore[attr-defined]
            QApplication.processEvents()
            tabs = getattr(page, "tabs", None)
            for index in range(tabs.count() if tabs is not None else 1):
                if tabs is not None:
                    tabs.setCurrentIndex(index)
                    QApplication.processEvents()
                problems += untranslated(window, allowed, str(page.title))
        for dialog in _dialogs(window):
            dialog.show()
            QApplication.processEvents()
            problems += untranslated(dialog, allowed, type(dialog).__name__)
            if isinstance(dialog, QDialog):
                dialog.reject()
            dialog.close()
    finally:
        window.lock()
    unique = list(dict.fromkeys(problems))
    assert not unique, f"{len(unique)} texts outside the catalog:\n" + "\n".join(unique)
