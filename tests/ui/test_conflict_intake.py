"""Conflict check in the desktop's intake forms, driven through the real buttons and fields."""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from clinic_app.services import audit_log, clients, conflicts, employers
from tests.ui.test_workflows import open_window
from ui.client_editor import ClientEditor
from ui.employer_dialogs import EmployerDialog
from ui.main_window import MainWindow

LEFT = Qt.MouseButton.LeftButton


def in_dialog(qtbot, kind: type[QDialog], steps: Callable[[QDialog], None]) -> list[str]:  # type: ignore[no-untyped-def]
    """Run `steps` on the modal dialog the next click opens; problems come back as text."""
    problems: list[str] = []

    def run() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind):
            QTimer.singleShot(20, run)  # not shown yet
            return
        try:
            steps(dialog)
        except Exception as exc:  # reported by the test, after the dialog is closed
            problems.append(f"{type(exc).__name__}: {exc}")
            dialog.reject()

    QTimer.singleShot(0, run)
    return problems


def test_maria_perez_with_swapped_birth_date_is_offered_her_file(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    open_window(qtbot, window)
    assert window.vault is not None
    maria = clients.add_client(
        window.vault, first_name="María José", last_name="Pérez García", date_of_birth="1990-03-04"
    ).record
    before = clients.count_clients(window.vault)
    seen: dict[str, object] = {}

    def fill(editor: QDialog) -> None:
        assert isinstance(editor, ClientEditor)
        assert editor.conflicts is not None
        panel = editor.conflicts
        qtbot.keyClicks(editor.inputs["first_name"], "Maria")
        qtbot.keyClicks(editor.inputs["last_name"], "Perez")
        qtbot.keyClicks(editor.inputs["date_of_birth"], "1990-04-03")  # day and month swapped
        qtbot.waitUntil(lambda: panel.isVisible() and panel.list.count() > 0, timeout=5000)
        qtbot.waitUntil(lambda: "swapped" in panel.list.item(0).text(), timeout=5000)
        seen["first"] = panel.list.item(0).text()
        # Saving before choosing is refused, and says what to do.
        qtbot.mouseClick(editor.buttons.button(editor.buttons.StandardButton.Save), LEFT)
        seen["message"] = editor.message.text()
        assert editor.isVisible()
        qtbot.mouseClick(panel.same_button, LEFT)

    problems = in_dialog(qtbot, ClientEditor, fill)
    qtbot.mouseClick(window.clients.new_button, LEFT)
    assert problems == []
    first = str(seen["first"])
    assert first.startswith("María José Pérez García — may be the same (")
    assert re.match(r"[^\n]* \(\d+ of 100 alike\)\n", first), first  # a score on its scale
    assert "date of birth with day and month swapped (1990-03-04 ~ 1990-04-03)" in first
    assert "surname Pérez García matches 'Perez'" in first
    assert "choose Same person" in str(seen["message"])
    # Her file is open, and nobody new was saved.
    assert "María José Pérez García" in window.clients.detail.label.text()
    assert clients.count_clients(window.vault) == before
    event = audit_log.list_events(window.vault, limit=1)[0]
    assert event.action == "conflict_decision" and event.actor == "tester"
    assert event.summary.startswith(
        f"decision: same_person; client {maria.id}; candidates shown: client {maria.id} ("
    )
    assert "Mar" not in event.summary and "rez" not in event.summary


def test_different_person_saves_and_a_referral_waits_for_the_attorney(
    qtbot, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    open_window(qtbot, window)
    assert window.vault is not None
    employer = employers.add_employer(window.vault, name="Acme Poultry LLC").record
    conflicts.add_party(
        window.vault, name="Roberto Sánchez", role="supervisor", employer_id=employer.id
    )

    def refer(editor: QDialog) -> None:
        assert isinstance(editor, ClientEditor) and editor.conflicts is not None
        panel = editor.conflicts
        qtbot.keyClicks(editor.inputs["first_name"], "Roberto")
        qtbot.keyClicks(editor.inputs["last_name"], "Sanchez")
        qtbot.waitUntil(lambda: panel.list.count() > 0, timeout=5000)
        assert "ADVERSE PARTY" in panel.list.item(0).text()
        assert not panel.same_button.isEnabled()  # a party has no client file to open
        qtbot.mouseClick(panel.refer_button, LEFT)
        qtbot.mouseClick(editor.buttons.button(editor.buttons.StandardButton.Save), LEFT)

    problems = in_dialog(qtbot, ClientEditor, refer)
    qtbot.mouseClick(window.clients.new_button, LEFT)
    assert problems == []
    waiting = conflicts.pending_reviews(window.vault)
    assert len(waiting) == 1 and waiting[0].subject_kind == "client"
    assert waiting[0].candidates[0]["kind"] == "adverse_party"
    assert clients.count_clients(window.vault, search_text="Roberto Sanchez") == 1


def test_new_employer_named_like_a_client_asks_first(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    open_window(qtbot, window)
    assert window.vault is not None
    client = clients.add_client(window.vault, first_name="Efraín", last_name="Tzul Ajpop").record
    window.show_page(window.employers)

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, EmployerDialog)
        panel = dialog.conflicts
        assert panel is not None
        qtbot.keyClicks(dialog.name, "Efrain Tzul Ajpop Roofing")
        qtbot.waitUntil(lambda: panel.list.count() > 0, timeout=5000)
        assert "EMPLOYER" in panel.list.item(0).text()
        qtbot.mouseClick(panel.different_button, LEFT)
        assert "Different person" in panel.choice_label.text()

        qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Save), LEFT)

    problems = in_dialog(qtbot, EmployerDialog, fill)
    qtbot.mouseClick(window.employers.new_employer, LEFT)
    assert problems == []
    assert any(
        e.name == "Efrain Tzul Ajpop Roofing" for e in employers.list_employers(window.vault)
    )
    event = audit_log.list_events(window.vault, limit=1)[0]
    assert event.summary.startswith("decision: different_person; employer ")
    assert f"client {client.id}" in event.summary


def test_new_matter_against_an_employer_whose_manager_is_a_client(
    qtbot, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    from ui.matter_editor import MatterDialog

    open_window(qtbot, window)
    assert window.vault is not None
    vault = window.vault
    employer = employers.add_employer(vault, name="Lakeside Poultry LLC").record
    conflicts.add_party(vault, name="Marisol Coc Batz", role="manager", employer_id=employer.id)
    manager_client = clients.add_client(vault, first_name="Marisol", last_name="Coc").record
    worker = clients.add_client(vault, first_name="Tomás", last_name="Ixcoy").record
    dialog = MatterDialog(vault, client_id=worker.id, parent=window)
    qtbot.addWidget(dialog)
    dialog.show()
    panel = dialog.conflicts
    assert panel is not None
    dialog.employer.setCurrentIndex(dialog.employer.findData(employer.id))
    qtbot.waitUntil(lambda: panel.list.count() > 0, timeout=5000)
    first = panel.list.item(0).text()
    assert first.startswith("Marisol Coc — ADVERSE PARTY") and "employer's side" in first
    save = dialog.buttons.button(dialog.buttons.StandardButton.Save)
    qtbot.mouseClick(save, LEFT)
    assert "choose Same person" in dialog.error.text() and dialog.saved_id is None
    qtbot.mouseClick(panel.refer_button, LEFT)
    qtbot.mouseClick(save, LEFT)
    assert dialog.saved_id is not None
    waiting = conflicts.pending_reviews(vault)
    assert [(w.subject_kind, w.subject_id) for w in waiting] == [("matter", dialog.saved_id)]
    assert waiting[0].candidates[0]["record_id"] == manager_client.id


def test_import_check_lists_possible_duplicates(qtbot, window: MainWindow, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import SAMPLE_CSV
    from ui.import_wizard import ImportWizard

    open_window(qtbot, window)
    assert window.vault is not None
    header = SAMPLE_CSV.read_text("utf-8-sig").splitlines()[0]
    sheet = tmp_path / "returning.csv"
    # Alejandro Aguilar Ramos (born 1965-01-01) is in the sample, written here with one surname.
    sheet.write_text(
        header + "\nAlejandro,Aguilar,1965-01-01,,,,,,Acme Foods" + "," * 14 + "\n", "utf-8"
    )
    wizard = ImportWizard(window.vault, window.background, window)
    qtbot.addWidget(wizard)
    wizard.load(sheet)
    qtbot.waitUntil(lambda: wizard.import_button.isEnabled(), timeout=10000)
    items = [wizard.problems.item(i).text() for i in range(wizard.problems.count())]
    found = [t for t in items if t.startswith("Possible duplicate: row 2: may be client")]
    assert found and "same date of birth" in found[0], items


def test_a_check_that_finds_nobody_is_kept_as_done(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    open_window(qtbot, window)
    assert window.vault is not None

    def fill(editor: QDialog) -> None:
        assert isinstance(editor, ClientEditor)
        qtbot.keyClicks(editor.inputs["first_name"], "Zoila")
        qtbot.keyClicks(editor.inputs["last_name"], "Quispe Mamani")
        qtbot.mouseClick(editor.buttons.button(editor.buttons.StandardButton.Save), LEFT)

    problems = in_dialog(qtbot, ClientEditor, fill)
    qtbot.mouseClick(window.clients.new_button, LEFT)
    assert problems == []
    saved = window.clients.selected_client_id()
    event = audit_log.list_events(window.vault, limit=1)[0]
    assert event.summary == f"decision: no_match; client {saved}; candidates shown: none"
