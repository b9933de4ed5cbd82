"""Two people at one matter on the desktop: Save after the row changed underneath shows who
changed it and when, and the editor shows their values; other people's changes appear on the
screen without a restart, keeping the selection and the scroll, never under an open editor."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox

from clinic_app.services import audit_log, clients, matters
from clinic_app.services.row_versions import local_time
from clinic_app.services.vault_ops import Vault
from tests.ui.dialogs import type_into
from tests.ui.test_workflows import open_window
from ui.main_window import MainWindow


@contextmanager
def acting_as(vault: Vault, name: str) -> Iterator[None]:
    """Another person's change arriving in the same data (on a server: their own session)."""
    before = vault.actor
    vault.actor = name
    try:
        yield
    finally:
        vault.actor = before


def in_next_dialog(qtbot, steps: Callable[[QDialog], None], failures: list[BaseException]) -> None:  # type: ignore[no-untyped-def]
    """Run `steps` inside the dialog the next click opens (it runs its own event loop); an
    assertion that fails there is kept, and the dialog closed, so the test never hangs."""

    def run() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QDialog):
            QTimer.singleShot(20, run)
            return
        try:
            steps(dialog)
        except BaseException as exc:  # re-raised by the test after the dialog is closed
            failures.append(exc)
        if dialog.isVisible():
            dialog.reject()

    QTimer.singleShot(0, run)


def click_save(qtbot, dialog: QDialog) -> None:  # type: ignore[no-untyped-def]
    save = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)


def test_save_after_the_matter_changed_underneath_shows_the_sentence_and_their_values(
    qtbot,  # type: ignore[no-untyped-def]
    window: MainWindow,
) -> None:
    open_window(qtbot, window)
    vault = window.vault
    assert vault is not None
    page = window.matters
    window.show_page(page)
    page.table.selectRow(0)
    matter_id = page.panel.matter_id
    assert matter_id is not None
    before = matters.get_matter(vault, matter_id=matter_id)
    seen: dict[str, object] = {}

    def two_people(dialog: QDialog) -> None:
        type_into(qtbot, dialog.receipt, "IOE0000000111")  # type: ignore[attr-defined]
        with acting_as(vault, "Ben Ortiz"):  # Ben saves while this editor is open
            matters.update_matter(vault, matter_id=matter_id, receipt_number="IOE0000000222")
        click_save(qtbot, dialog)
        seen["open"] = dialog.isVisible()
        seen["error"] = dialog.error.text()  # type: ignore[attr-defined]
        seen["receipt"] = dialog.receipt.text()  # type: ignore[attr-defined]
        click_save(qtbot, dialog)  # saving what is now shown changes nothing and closes
        seen["closed"] = not dialog.isVisible()

    failures: list[BaseException] = []
    in_next_dialog(qtbot, two_people, failures)
    qtbot.mouseClick(page.panel.edit_button, Qt.MouseButton.LeftButton)
    if failures:
        raise failures[0]

    ben = audit_log.list_events(vault, record_kind="matter", record_id=matter_id, limit=1)[0]
    assert ben.actor == "Ben Ortiz"
    assert seen["open"], "a refused save keeps the editor open"
    assert seen["error"] == (
        f"Ben Ortiz changed this matter at {local_time(ben.at)} — reload to see the changes"
    )
    assert seen["receipt"] == "IOE0000000222"  # the editor reloaded Ben's values
    assert seen["closed"]
    after = matters.get_matter(vault, matter_id=matter_id)
    assert after.receipt_number == "IOE0000000222"  # nothing of the refused save was written
    assert after.version == before.version + 1


def test_other_peoples_changes_appear_keeping_selection_and_scroll(
    qtbot, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    open_window(qtbot, window)
    vault = window.vault
    assert vault is not None
    window.others_changes.timer.setInterval(50)  # the clinic's few seconds, shortened for a test
    page = window.clients
    window.resize(1000, 420)  # fewer rows than the list holds, so it scrolls
    bar = page.table.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)
    last_row = page.model.rowCount() - 1
    page.table.selectRow(last_row)
    client_id = page.selected_client_id()
    assert client_id is not None
    bar.setValue(1)  # the person scrolled up, away from the selected row
    scrolled_to = bar.value()

    with acting_as(vault, "Ben Ortiz"):
        clients.update_client(vault, client_id=client_id, phone="555-0199")
    qtbot.waitUntil(lambda: "555-0199" in page.detail.text(), timeout=10000)

    assert page.selected_client_id() == client_id
    assert bar.value() == scrolled_to


def test_no_refresh_under_an_open_editor(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    open_window(qtbot, window)
    vault = window.vault
    assert vault is not None
    window.others_changes.timer.setInterval(20)
    page = window.clients
    page.table.selectRow(0)
    client_id = page.selected_client_id()
    assert client_id is not None
    resets: list[int] = []
    page.model.modelReset.connect(lambda: resets.append(1))
    seen: dict[str, object] = {}

    def typing_while_others_save(dialog: QDialog) -> None:
        type_into(qtbot, dialog.inputs["phone"], "555-0142")  # type: ignore[attr-defined]
        with acting_as(vault, "Ben Ortiz"):
            clients.update_client(vault, client_id=client_id, email="ben@example.org")
        for _tick in range(3):  # three polls come and go while the editor is open
            with qtbot.waitSignal(window.others_changes.timer.timeout, timeout=5000):
                pass
        seen["typed"] = dialog.text("phone")  # type: ignore[attr-defined]
        seen["resets"] = len(resets)

    failures: list[BaseException] = []
    in_next_dialog(qtbot, typing_while_others_save, failures)
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    if failures:
        raise failures[0]
    assert seen == {"typed": "555-0142", "resets": 0}
    # After the editor closed, the list re-reads.
    qtbot.waitUntil(lambda: bool(resets), timeout=10000)
