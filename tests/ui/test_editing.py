"""Correcting what was added, by clicking: a matter, a notice, a grant, a note, an employer, a
worksite and an agency letter; deadlines follow, the status bar says so, the audit log has it.
And errors on the desktop say where to click, not which command-line flag to add."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from clinic_app.services import audit_log, deadlines, employers, letters, matters, notes, staff
from tests.ui.dialogs import on_next_dialog, type_into
from tests.ui.test_workflows import open_window
from ui.main_window import MainWindow


def select_in_timeline(window: MainWindow, text: str) -> None:
    timeline = window.matters.panel.timeline
    row = next(r for r in range(timeline.count()) if text in timeline.item(r).text())
    timeline.setCurrentRow(row)


def test_correct_a_matter_its_notice_grant_and_note(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    open_window(qtbot, window)
    vault = window.vault
    assert vault is not None
    member = staff.add_staff(vault, name="Dana Rivera", role="attorney").record
    page = window.matters
    window.show_page(page)
    page.set_stage("receipt")
    page.table.selectRow(0)
    panel = page.panel
    matter_id = panel.matter_id
    assert matter_id is not None
    # A fixed Monday, not the clock: the RFE answer is due 84 days (twelve weeks) after the
    # notice, so from a Monday and from the Friday ten days before, neither due date lands on a
    # weekend or holiday and moves (with date.today() the test failed on some days).
    today = date(2026, 11, 9)
    result = matters.add_event(vault, matter_id=matter_id, kind="rfe", occurred_on=today)
    grant = matters.add_grant(
        vault,
        matter_id=matter_id,
        kind="deferred_action",
        start=today,
        end=today + timedelta(days=700),
    )
    note = notes.add_note(vault, body="Called the worker", matter_id=matter_id)
    window.bus.publish(result.changes | grant.changes | note.changes)
    problems: list[str] = []

    # The matter: assignee and receipt number, through Edit matter….
    def matter_form(dialog: QDialog) -> None:
        dialog.assignee.setCurrentIndex(dialog.assignee.findData(member.id))  # type: ignore[attr-defined]
        type_into(qtbot, dialog.receipt, "EAC 0000 000 999")  # type: ignore[attr-defined]

    on_next_dialog(qtbot, matter_form, problems)
    qtbot.mouseClick(panel.edit_button, Qt.MouseButton.LeftButton)
    assert not problems, problems
    record = matters.get_matter(vault, matter_id=matter_id)
    assert (record.assigned_staff_id, record.receipt_number) == (member.id, "EAC0000000999")
    assert window.statusBar().currentMessage().startswith("Saved the ")
    assert panel.matter_id == matter_id  # still shown, selected

    # The RFE notice was dated wrong: its deadlines move with it.
    def due_of(kind: str) -> date:
        return next(
            d.due
            for d in deadlines.list_deadlines(vault, today=today, matter_id=matter_id)
            if d.kind == kind
        )

    before = due_of("rfe_response_due")
    select_in_timeline(window, "Request for Evidence")
    on_next_dialog(
        qtbot,
        lambda d: type_into(qtbot, d.occurred, (today - timedelta(days=10)).isoformat()),  # type: ignore[attr-defined]
        problems,
    )
    qtbot.mouseClick(panel.edit_record_button, Qt.MouseButton.LeftButton)
    assert not problems, problems
    assert due_of("rfe_response_due") == before - timedelta(days=10)
    assert "Corrected the notice" in window.statusBar().currentMessage()

    # The grant's end date.
    new_end = today + timedelta(days=1400)
    select_in_timeline(window, "Deferred action")
    on_next_dialog(qtbot, lambda d: type_into(qtbot, d.end, new_end.isoformat()), problems)  # type: ignore[attr-defined]
    qtbot.mouseClick(panel.edit_record_button, Qt.MouseButton.LeftButton)
    assert not problems, problems
    assert matters.get_matter(vault, matter_id=matter_id).grant_end == new_end
    assert due_of("grant_end") == new_end

    # The note.
    def note_form(dialog: QDialog) -> None:
        dialog.body.setFocus()  # type: ignore[attr-defined]
        dialog.body.selectAll()  # type: ignore[attr-defined]
        qtbot.keyClicks(dialog.body, "Called the worker; new phone on file")  # type: ignore[attr-defined]

    select_in_timeline(window, "Called the worker")
    on_next_dialog(qtbot, note_form, problems)
    qtbot.mouseClick(panel.edit_record_button, Qt.MouseButton.LeftButton)
    assert not problems, problems
    assert notes.list_notes(vault, matter_id=matter_id)[0].body.endswith("new phone on file")
    assert "new phone on file" in panel.timeline_text()

    actions = {(e.action, e.record_kind) for e in audit_log.list_events(vault, limit=50)}
    assert {("update", "matter"), ("update", "grant"), ("update", "note")} <= actions


def test_correct_an_employer_a_worksite_and_a_letter(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    open_window(qtbot, window)
    vault = window.vault
    assert vault is not None
    page = window.employers
    window.show_page(page)
    employer_id = page.selected_employer()
    assert employer_id is not None
    problems: list[str] = []

    on_next_dialog(
        qtbot,
        lambda d: type_into(qtbot, d.name, "Riverbend Meat Packers LLC"),
        problems,  # type: ignore[attr-defined]
    )
    qtbot.mouseClick(page.edit_employer_button, Qt.MouseButton.LeftButton)
    assert not problems, problems
    assert (
        employers.get_employer(vault, employer_id=employer_id).name == "Riverbend Meat Packers LLC"
    )
    assert "Riverbend Meat Packers LLC" in page.details.text()

    def worksite_form(dialog: QDialog) -> None:
        type_into(qtbot, dialog.name, "Night shift plant")  # type: ignore[attr-defined]
        type_into(qtbot, dialog.city, "Joliet")  # type: ignore[attr-defined]
        type_into(qtbot, dialog.state, "IL")  # type: ignore[attr-defined]

    sites = len(employers.list_worksites(vault, employer_id=employer_id))
    on_next_dialog(qtbot, worksite_form, problems)
    qtbot.mouseClick(page.new_worksite, Qt.MouseButton.LeftButton)
    assert not problems, problems
    assert len(employers.list_worksites(vault, employer_id=employer_id)) == sites + 1
    assert page.worksite_list.count() == sites + 1

    letter_id = page.selected_letter()
    assert letter_id is not None
    old = letters.get_letter(vault, letter_id=letter_id)

    # A bad date is refused with the field outlined; fixing it saves.
    def bad_letter(dialog: QDialog) -> None:
        type_into(qtbot, dialog.end, "13/45/2025")  # type: ignore[attr-defined]

    on_next_dialog(qtbot, bad_letter, problems)
    qtbot.mouseClick(page.edit_letter_button, Qt.MouseButton.LeftButton)
    assert problems and "Nothing was saved" in problems[0]
    assert letters.get_letter(vault, letter_id=letter_id).period_end == old.period_end
    problems.clear()
    new_end = date(2026, 3, 31)
    on_next_dialog(qtbot, lambda d: type_into(qtbot, d.end, "03/31/2026"), problems)  # type: ignore[attr-defined]
    qtbot.mouseClick(page.edit_letter_button, Qt.MouseButton.LeftButton)
    assert not problems, problems
    assert letters.get_letter(vault, letter_id=letter_id).period_end == new_end
    assert "2026-03-31" in page.letter_list.currentItem().text()


def test_a_missing_clinic_detail_says_where_to_set_it(qtbot, window: MainWindow, tmp_path) -> None:  # type: ignore[no-untyped-def]
    open_window(qtbot, window)
    window.show_page(window.matters)
    window.matters.table.selectRow(0)
    qtbot.mouseClick(window.matters.panel.draft_button, Qt.MouseButton.LeftButton)
    page = window.documents
    page.template.setCurrentIndex(page.template.findData("cover-letter-initial"))
    page.out_dir.setText(str(tmp_path / "drafts"))
    qtbot.mouseClick(page.render_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "clinic details first" in page.message.text(), timeout=60000)
    message = page.message.text()
    # Every missing detail at once, with the place in the app where each is set.
    assert "Settings → Clinic details for letters" in message
    for missing in ("name", "address", "USCIS intake address", "signer's name", "signer's title"):
        assert missing in message
    assert "clinic-app" not in message and "--set" not in message
    assert not (tmp_path / "drafts").exists() or not any((tmp_path / "drafts").iterdir())


def test_client_fields_in_error_are_outlined_until_fixed(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QDialogButtonBox

    from clinic_app.services import clients
    from ui.client_editor import ClientEditor

    open_window(qtbot, window)
    editor = ClientEditor(window.vault, parent=window)  # type: ignore[arg-type]
    qtbot.addWidget(editor)
    editor.show()
    save = editor.buttons.button(QDialogButtonBox.StandardButton.Save)
    qtbot.keyClicks(editor.inputs["first_name"], "Zoila")
    qtbot.keyClicks(editor.inputs["last_name"], "Quispe")
    qtbot.keyClicks(editor.inputs["a_number"], "A12")
    qtbot.keyClicks(editor.inputs["date_of_birth"], "02/30/1990")
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert editor.isVisible()
    for name in ("a_number", "date_of_birth"):
        assert editor.inputs[name].property("inError") is True
    assert "Correct the fields marked in red" in editor.message.text()
    qtbot.keyClicks(editor.inputs["a_number"], "3456789")  # now A123456789
    assert editor.inputs["a_number"].property("inError") is False
    assert editor.message.text()  # the date is still wrong
    editor.inputs["date_of_birth"].clear()
    qtbot.keyClicks(editor.inputs["date_of_birth"], "02/14/1990")
    assert editor.inputs["date_of_birth"].property("inError") is False
    assert editor.message.text() == ""  # every field fixed: the sentence goes too
    assert clients.count_clients(window.vault, search_text="quispe") == 0  # type: ignore[arg-type]


def test_a_clients_languages_are_shown_and_typed_by_name(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """The client form shows 'Spanish, Mam', not 'es, mam', and takes names back in either
    language the app speaks, accents or not ('arabe, Tagalog'), storing their codes."""
    from PySide6.QtWidgets import QDialogButtonBox

    from clinic_app import i18n
    from clinic_app.services import clients
    from ui.client_editor import ClientEditor

    open_window(qtbot, window)
    vault = window.vault
    assert vault is not None
    record = clients.add_client(
        vault, first_name="Zoila", last_name="Quispe", preferred_languages="es, mam"
    ).record
    editor = ClientEditor(vault, record, parent=window)
    qtbot.addWidget(editor)
    editor.show()
    field = editor.inputs["preferred_languages"]
    assert field.text() == "Spanish, Mam"
    type_into(qtbot, field, "arabe, Tagalog")
    qtbot.mouseClick(
        editor.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
    )
    assert clients.get_client(vault, client_id=record.id).preferred_languages == ("ar", "tl")
    i18n.set_language("es")
    try:
        again = ClientEditor(vault, clients.get_client(vault, client_id=record.id), parent=window)
        qtbot.addWidget(again)
        assert again.inputs["preferred_languages"].text() == "árabe, tagalo"
    finally:
        i18n.set_language("en")
