"""A worker's whole intake, by clicking: new client → matter under an agency letter → notices →
RFE → RFE response → grant, with the matter's deadlines shown and updated at each step."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from clinic_app.services import clients, letters, matters
from tests.ui.dialogs import answer_next_question, on_next_dialog, type_into
from tests.ui.test_workflows import open_window
from ui.main_window import MainWindow


def kinds_shown(window: MainWindow) -> dict[str, str]:
    """The matter view's deadlines as a person reads them: kind → status."""
    model = window.matters.panel.deadlines.model
    return {
        d.kind: d.status
        for row in range(model.rowCount())
        if (d := model.deadline(row)) is not None
    }


def test_intake_from_walk_in_to_grant_by_clicking(qtbot, window: MainWindow, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    open_window(qtbot, window)
    vault = window.vault
    assert vault is not None
    today = date.today()
    letter = letters.list_letters(vault)[0]
    problems: list[str] = []
    page = window.clients

    # 1. A walk-in worker becomes a client (the old search would hide them: it is cleared).
    page.search.setText("Flores")
    qtbot.waitUntil(lambda: page.model.total == 2, timeout=5000)

    def client_form(dialog: QDialog) -> None:
        type_into(qtbot, dialog.inputs["first_name"], "Zoila Marisol")  # type: ignore[attr-defined]
        type_into(qtbot, dialog.inputs["last_name"], "Quispe Mamani")  # type: ignore[attr-defined]
        type_into(qtbot, dialog.inputs["a_number"], "A 212-345-678")  # type: ignore[attr-defined]
        type_into(qtbot, dialog.inputs["phone"], "(555) 010-2233")  # type: ignore[attr-defined]

    on_next_dialog(qtbot, client_form, problems)
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    assert not problems, problems
    assert window.statusBar().currentMessage() == "Added Zoila Marisol Quispe Mamani."
    client_id = page.selected_client_id()
    assert client_id is not None
    assert clients.get_client(vault, client_id=client_id).a_number == "A212345678"
    assert "A212345678" in page.detail.text() and "(555) 010-2233" in page.detail.text()
    assert "No matters yet" in page.detail.text()

    # 2. A matter for them under the agency letter, from their panel: the matter opens at once.
    def matter_form(dialog: QDialog) -> None:
        assert dialog.client.currentData() == client_id  # type: ignore[attr-defined]
        dialog.letter.setCurrentIndex(dialog.letter.findData(letter.id))  # type: ignore[attr-defined]
        # The letter names the employer; the worksite list follows it.
        assert dialog.employer.currentData() == letter.employer_id  # type: ignore[attr-defined]
        assert not dialog.employer.isEnabled()  # type: ignore[attr-defined]

    on_next_dialog(qtbot, matter_form, problems)
    qtbot.mouseClick(page.detail.new_matter_button, Qt.MouseButton.LeftButton)
    assert not problems, problems
    panel = window.matters.panel
    assert window.page_stack.currentWidget() is window.matters
    matter_id = panel.matter_id
    assert matter_id is not None
    record = matters.get_matter(vault, matter_id=matter_id)
    assert (record.client_id, record.agency_letter_id) == (client_id, letter.id)
    assert record.employer_id == letter.employer_id
    assert (
        window.statusBar().currentMessage()
    ) == "Opened a new initial matter for Zoila Marisol Quispe Mamani."
    assert panel.checklist.table.rowCount() > 5  # the packet checklist is there at once
    assert kinds_shown(window) == {}
    assert "No deadlines yet" in panel.deadlines.empty.text() and panel.deadlines.empty.isVisible()

    def notice(kind: str, occurred: date, due: date | None = None, receipt: str = "") -> None:
        def fill(dialog: QDialog) -> None:
            dialog.kind.setCurrentIndex(dialog.kind.findData(kind))  # type: ignore[attr-defined]
            type_into(qtbot, dialog.occurred, occurred.isoformat())  # type: ignore[attr-defined]
            if due is not None:
                type_into(qtbot, dialog.due, due.strftime("%m/%d/%Y"))  # type: ignore[attr-defined]
            if receipt:
                type_into(qtbot, dialog.receipt, receipt)  # type: ignore[attr-defined]

        on_next_dialog(qtbot, fill, problems)
        qtbot.mouseClick(panel.notice_button, Qt.MouseButton.LeftButton)
        assert not problems, problems

    # 3. Receipt and biometrics notices.
    notice("receipt", today - timedelta(days=20), receipt="IOE 0123 456 789")
    assert matters.get_matter(vault, matter_id=matter_id).receipt_number == "IOE0123456789"
    assert "IOE0123456789" in panel.summary.text()
    assert "Receipt notice" in panel.timeline_text()
    appointment = today + timedelta(days=10)
    notice("biometrics", today - timedelta(days=2), due=appointment)
    assert kinds_shown(window) == {"biometrics": "upcoming"}
    assert window.statusBar().currentMessage().startswith("Recorded the notice")

    # 4. An RFE: both of its deadlines appear, each with its reason.
    notice("rfe", today - timedelta(days=5))
    shown = kinds_shown(window)
    assert shown["rfe_response_due"] == "upcoming" and shown["rfe_internal_target"] == "upcoming"
    view = panel.deadlines
    rfe = next(
        d.id
        for r in range(view.model.rowCount())
        if (d := view.model.deadline(r)) and d.kind == "rfe_response_due"
    )
    assert view.select(rfe)
    assert "84 days" in view.why.text()

    # 5. Marking the RFE response done offers the "RFE response sent" notice: yes.
    asked: list[str] = []
    answer_next_question(qtbot, "Record the response as sent", asked)
    qtbot.mouseClick(view.done_button, Qt.MouseButton.LeftButton)
    assert asked and "RFE response sent" in asked[0]
    shown = kinds_shown(window)
    assert shown["rfe_response_due"] == "done" and shown["rfe_internal_target"] == "done"
    assert [e.kind for e in matters.list_events(vault, matter_id=matter_id)][-1] == "rfe_response"
    assert "RFE response sent" in panel.timeline_text()

    # 6. The grant: its end and the renewal targets follow.
    end = today + timedelta(days=730)

    def grant_form(dialog: QDialog) -> None:
        type_into(qtbot, dialog.start, today.isoformat())  # type: ignore[attr-defined]
        type_into(qtbot, dialog.end, end.isoformat())  # type: ignore[attr-defined]

    on_next_dialog(qtbot, grant_form, problems)
    qtbot.mouseClick(panel.grant_button, Qt.MouseButton.LeftButton)
    assert not problems, problems
    shown = kinds_shown(window)
    assert {"grant_end", "renewal_file_by", "renewal_prep_start"} <= set(shown)
    assert shown["biometrics"] == "upcoming"
    assert matters.get_matter(vault, matter_id=matter_id).grant_end == end

    # The client's panel lists the matter, and opening it from there shows the same page.
    window.show_page(window.clients)
    assert page.select_client(client_id)
    assert page.detail.select_matter(matter_id)
    window.matters.panel.show_matter(None, None)
    qtbot.mouseClick(page.detail.open_button, Qt.MouseButton.LeftButton)
    assert window.page_stack.currentWidget() is window.matters
    assert window.matters.panel.matter_id == matter_id


def test_bad_notice_date_is_outlined_and_cleared_as_it_is_fixed(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    from ui.notice_dialog import NoticeDialog

    open_window(qtbot, window)
    window.show_page(window.matters)
    window.matters.table.selectRow(0)
    matter_id = window.matters.panel.matter_id
    assert matter_id is not None
    dialog = NoticeDialog(window.vault, matter_id, window.matters)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.kind.setCurrentIndex(dialog.kind.findData("rfe"))
    qtbot.keyClicks(dialog.occurred, "02/30/2026")
    before = len(matters.list_events(window.vault, matter_id=matter_id))  # type: ignore[arg-type]
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
    )
    assert dialog.isVisible()
    assert (
        "notice date" in dialog.error.text().lower() and "Nothing was saved" in dialog.error.text()
    )
    assert dialog.occurred.property("inError") is True and "solid" in dialog.occurred.styleSheet()
    assert len(matters.list_events(window.vault, matter_id=matter_id)) == before  # type: ignore[arg-type]
    dialog.occurred.clear()
    qtbot.keyClicks(dialog.occurred, "02/20/2026")
    assert dialog.occurred.property("inError") is False and dialog.error.text() == ""


def test_add_a_worker_under_an_agency_letter(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    open_window(qtbot, window)
    vault = window.vault
    assert vault is not None
    page = window.employers
    window.show_page(page)
    letter_id = page.selected_letter()
    assert letter_id is not None
    covered = page.covered.count()
    problems: list[str] = []

    def client_form(dialog: QDialog) -> None:
        type_into(qtbot, dialog.inputs["first_name"], "Wendy Yolanda")  # type: ignore[attr-defined]
        type_into(qtbot, dialog.inputs["last_name"], "Tzoc Batz")  # type: ignore[attr-defined]

    def matter_form(dialog: QDialog) -> None:
        assert dialog.letter.currentData() == letter_id  # type: ignore[attr-defined]
        # A walk-in worker: New client… inside the matter dialog, then back to it.
        on_next_dialog(qtbot, client_form, problems)
        qtbot.mouseClick(dialog.new_client_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
        assert "Wendy Yolanda Tzoc Batz" in dialog.client.currentText()  # type: ignore[attr-defined]

    on_next_dialog(qtbot, matter_form, problems)
    qtbot.mouseClick(page.add_worker_button, Qt.MouseButton.LeftButton)
    assert not problems, problems
    assert page.covered.count() == covered + 1
    assert "Wendy Yolanda Tzoc Batz" in page.covered.currentItem().text()
    assert window.statusBar().currentMessage().endswith("for Wendy Yolanda Tzoc Batz.")
    found = matters.list_matters(vault, letter_id=letter_id)
    assert any(m.client_name == "Wendy Yolanda Tzoc Batz" for m in found)
