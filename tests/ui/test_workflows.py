"""Workflows through real widgets: add and edit clients, record notices on matters."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from clinic_app.services import clients, matters
from tests.core.helpers import CLINIC_DETAILS
from tests.ui.launch import unlocked
from ui.client_editor import ClientEditor
from ui.date_input import shown_day
from ui.main_window import MainWindow
from ui.notice_dialog import NoticeDialog


def open_window(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    unlocked(qtbot, window)
    window.show_page(window.clients)  # screens read the vault when shown


def test_new_client_with_bad_a_number_is_refused_then_saved(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    open_window(qtbot, window)
    assert window.vault is not None
    editor = ClientEditor(window.vault, parent=window)
    qtbot.addWidget(editor)
    editor.set_text("first_name", "Zoila")
    editor.set_text("last_name", "Quispe Mamani")
    editor.set_text("a_number", "A12")
    editor.set_text("date_of_birth", "02/30/1990")
    editor.save()
    assert editor.result() == 0  # still open
    assert "7 to 9 digits" in editor.errors["a_number"].text()
    assert "not a real calendar date" in editor.errors["date_of_birth"].text()
    assert clients.count_clients(window.vault, search_text="quispe") == 0  # nothing written

    editor.set_text("a_number", "a 012-345-678")
    editor.set_text("date_of_birth", "1990-02-14")
    editor.save()
    assert editor.result() == 1
    saved = clients.get_client(window.vault, client_id=editor.saved_id or -1)
    assert saved.a_number == "A012345678"
    window.bus.publish(editor.changes)
    window.clients.search.setText("quispe")
    qtbot.waitUntil(lambda: window.clients.model.total == 1, timeout=5000)


def test_copy_a_number_clears_the_clipboard(qtbot, window: MainWindow, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import ui.clipboard

    open_window(qtbot, window)
    page = window.clients
    page.search.setText("A-763-371-143")
    qtbot.waitUntil(lambda: page.model.total == 1, timeout=5000)
    page.table.selectRow(0)
    monkeypatch.setattr(ui.clipboard, "CLEAR_AFTER_MS", 50)
    ui.clipboard.copy_sensitive("A763371143", clear_after_ms=50)
    assert QApplication.clipboard().text() == "A763371143"
    qtbot.waitUntil(lambda: QApplication.clipboard().text() == "", timeout=3000)


def test_rfe_notice_on_a_matter_sets_its_due_date(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    open_window(qtbot, window)
    window.show_page(window.matters)
    page = window.matters
    assert page.model.total == 24
    page.set_stage("receipt")  # a pending request: an RFE moves it forward
    assert page.model.total > 0
    page.table.selectRow(0)
    matter_id = page.panel.matter_id
    assert matter_id is not None
    notice = date.today() - timedelta(days=3)
    dialog = NoticeDialog(window.vault, matter_id, page)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("rfe"))
    dialog.occurred.setText(notice.isoformat())
    dialog.mailed.setChecked(True)
    dialog.save()
    assert dialog.result() == 1
    page.panel._after(dialog.changes)
    events = matters.list_events(window.vault, matter_id=matter_id)  # type: ignore[arg-type]
    assert [e.kind for e in events] == ["rfe"]
    assert events[0].due_on == notice + timedelta(days=87)
    assert (notice + timedelta(days=87)).isoformat() in page.panel.timeline_text()
    assert matters.get_matter(window.vault, matter_id=matter_id).status == "rfe"  # type: ignore[arg-type]
    # the pipeline counts follow
    qtbot.waitUntil(lambda: page.stage_buttons["rfe"].text().endswith(" 1"), timeout=5000)


def test_pipeline_stage_filters_the_list(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    open_window(qtbot, window)
    page = window.matters
    window.show_page(page)
    decided = matters.count_matters(window.vault, status="decision")  # type: ignore[arg-type]
    page.set_stage("decision")
    assert page.model.total == decided
    assert 0 < decided < 24
    page.set_stage(None)
    assert page.model.total == 24


def test_import_wizard_shows_bad_rows_and_writes_nothing(
    qtbot, window: MainWindow, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import SAMPLE_CSV
    from ui.import_wizard import ImportWizard

    open_window(qtbot, window)
    assert window.vault is not None
    bad = tmp_path / "bad.csv"
    lines = SAMPLE_CSV.read_text("utf-8-sig").splitlines()
    header = lines[0]
    bad.write_text(
        "\n".join([header, "Nadia,Benali,1990-13-01,A12,,,,,Acme Foods,,,,,,,,,,,,,,"]) + "\n",
        "utf-8",
    )
    wizard = ImportWizard(window.vault, window.background, window)
    qtbot.addWidget(wizard)
    wizard.load(bad)
    qtbot.waitUntil(lambda: "problems" in wizard.summary.text(), timeout=10000)
    items = [wizard.problems.item(i).text() for i in range(wizard.problems.count())]
    assert any(text.startswith("row 2, date_of_birth") for text in items)
    assert any(text.startswith("row 2, a_number") for text in items)
    assert not wizard.import_button.isEnabled()
    assert clients.count_clients(window.vault, search_text="benali") == 0

    good = tmp_path / "good.csv"
    good.write_text(
        "\n".join([header, "Nadia,Benali,1990-12-01,A12345678,,,,,Acme Foods,,,,,,,,,,,,,,"])
        + "\n",
        "utf-8",
    )
    wizard.load(good)
    qtbot.waitUntil(lambda: wizard.import_button.isEnabled(), timeout=10000)
    # What it would make, in words and plurals a person reads ("1 client"), never record ids.
    assert wizard.summary.text() == (
        "1 row is ready to import: 1 client, 1 employer, 1 matter. Nothing has been written yet."
    )
    assert [wizard.problems.item(i).text() for i in range(wizard.problems.count())] == [
        "No problems found: every row can be imported."
    ]
    assert clients.count_clients(window.vault, search_text="benali") == 0  # the check wrote nothing
    wizard.import_button.click()
    qtbot.waitUntil(lambda: wizard.summary.text().startswith("Imported 1 row: "), timeout=10000)
    assert wizard.summary.text() == "Imported 1 row: 1 client, 1 employer, 1 matter."
    assert clients.count_clients(window.vault, search_text="benali") == 1


def test_import_progress_moves_through_the_conflict_check_then_the_writing(
    qtbot, window: MainWindow, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """In a vault with clients, checking each new worker against them is most of an import:
    the bar moves while it runs (the first half), then while the rows are written."""
    from tests.core.helpers import big_csv
    from ui.import_wizard import ImportWizard

    open_window(qtbot, window)
    assert window.vault is not None
    rows = 120
    sheet = big_csv(tmp_path / "workers.csv", rows)
    wizard = ImportWizard(window.vault, window.background, window)
    qtbot.addWidget(wizard)
    shown: list[tuple[int, int]] = []
    wizard.progress.valueChanged.connect(
        lambda value: shown.append((value, wizard.progress.maximum()))
    )
    wizard.load(sheet)
    qtbot.waitUntil(wizard.import_button.isEnabled, timeout=60000)
    qtbot.mouseClick(wizard.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.summary.text().startswith("Imported"), timeout=60000)
    values = [value for value, top in shown if value > 0]
    assert {top for value, top in shown if value > 0} == {2 * rows}
    checking = [v for v in values if v <= rows]
    assert len(checking) >= 3  # every 50 rows checked, and the end of the check
    assert max(values) == 2 * rows
    # Each run (the dry run, then the import) only moves forward.
    runs = [values[: values.index(2 * rows) + 1], values[values.index(2 * rows) + 1 :]]
    assert all(run == sorted(run) for run in runs)
    assert clients.count_clients(window.vault) == 24 + rows


def test_employers_page_lists_letters_and_covered_workers(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    open_window(qtbot, window)
    window.show_page(window.employers)
    page = window.employers
    assert page.employer_list.count() == 4
    for row in range(page.employer_list.count()):
        page.employer_list.setCurrentRow(row)
        if "Riverbend" in page.employer_list.currentItem().text():
            break
    assert page.letter_list.count() == 1
    assert "DOL-WHD" in page.letter_list.item(0).text()
    assert page.covered.count() == 6
    opened: list[int] = []
    page.open_matter.connect(opened.append)
    page.covered.itemActivated.emit(page.covered.item(0))
    assert opened and window.matters.panel.matter_id == opened[0]


def test_render_a_declaration_from_the_documents_screen(
    qtbot, window: MainWindow, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from docx import Document

    from clinic_app.services import documents

    open_window(qtbot, window)
    assert window.vault is not None
    documents.set_clinic_details(
        window.vault,
        values=CLINIC_DETAILS,
    )
    window.show_page(window.matters)
    window.matters.set_stage(None)
    window.matters.table.selectRow(0)
    matter_id = window.matters.panel.matter_id
    assert matter_id is not None
    window.matters.panel.draft_button.click()
    page = window.documents
    assert window.page_stack.currentWidget() is page
    assert page.matter.currentData() == matter_id
    page.template.setCurrentIndex(page.template.findData("declaration"))
    page.out_dir.setText(str(tmp_path / "drafts"))
    qtbot.mouseClick(page.render_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "written" in page.message.text(), timeout=60000)
    if page.anyway_button.isVisible():  # an imported matter with a grant is already decided
        assert "already decided" in page.results.item(0).text()
        page.message.clear()
        qtbot.mouseClick(page.anyway_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "1 draft written" in page.message.text(), timeout=60000)
    written = sorted((tmp_path / "drafts").glob("*.docx"))
    assert len(written) == 1
    record = matters.get_matter(window.vault, matter_id=matter_id)
    text = "\n".join(p.text for p in Document(str(written[0])).paragraphs)
    assert record.client_name.upper() in text.upper()


def test_checklist_and_sign_off_on_the_matter_page(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.services import checklist, staff

    open_window(qtbot, window)
    assert window.vault is not None
    staff.add_staff(window.vault, name="Staff Attorney", role="attorney")
    window.show_page(window.matters)
    # A matter still being prepared (a filed one's checklist is a record, not a to-do).
    client_id = clients.list_clients(window.vault, limit=1)[0].id
    added = matters.add_matter(window.vault, client_id=client_id, kind="initial")
    window.bus.publish(added.changes)
    window.matters.set_stage("intake")
    window.matters.table.selectRow(0)
    assert window.matters.panel.matter_id == added.record.id
    view = window.matters.panel.checklist
    assert view.table.rowCount() > 5
    assert "Not ready" in view.state.text()
    assert not view.sign_button.isEnabled()
    matter_id = window.matters.panel.matter_id
    record = checklist.get_checklist(window.vault, matter_id=matter_id)  # type: ignore[arg-type]
    for row in range(len(record.items)):
        combo = view.table.cellWidget(row, 2)
        combo.setCurrentIndex(combo.findData("received"))  # type: ignore[union-attr]
        combo.activated.emit(combo.currentIndex())  # type: ignore[union-attr]
        view = window.matters.panel.checklist
    assert "waiting for attorney sign-off" in view.state.text()
    assert view.sign_button.isEnabled()
    view.sign_button.click()
    assert "Ready to file" in window.matters.panel.checklist.state.text()
    assert checklist.get_checklist(window.vault, matter_id=matter_id).ready_to_file  # type: ignore[arg-type]


def test_a_filed_matters_checklist_is_a_record_not_a_to_do(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.services import checklist

    open_window(qtbot, window)
    assert window.vault is not None
    page = window.matters
    window.show_page(page)
    page.set_stage("receipt")  # filed, its receipt notice in
    page.table.selectRow(0)
    matter_id = page.panel.matter_id
    assert matter_id is not None
    record = checklist.get_checklist(window.vault, matter_id=matter_id)
    filed = matters.get_matter(window.vault, matter_id=matter_id).filed_on
    assert filed is not None and not record.complete
    state = page.panel.checklist.state.text()
    assert "Not ready" not in state, state
    assert f"Filed on {shown_day(filed)}" in state, state
    assert f"{len(record.outstanding)} required items were not marked received" in state, state


def test_settings_staff_autolock_and_spanish(qtbot, window: MainWindow, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from clinic_app import i18n
    from clinic_app.services import settings, staff
    from ui.app import AppController

    open_window(qtbot, window)
    page = window.settings
    window.show_page(page)
    page.staff_name.setText("Staff Attorney")
    page.staff_role.setCurrentIndex(page.staff_role.findData("attorney"))
    page.add_staff()
    assert [s.name for s in staff.list_staff(window.vault)] == ["Staff Attorney"]  # type: ignore[arg-type]
    assert page.staff_list.count() == 1
    page.autolock.setValue(12)
    page._save_autolock()
    assert settings.get_setting(window.vault, key="ui.autolock_minutes") == 12  # type: ignore[arg-type]
    assert window.idle_timer.interval() == 12 * 60_000

    # Switching language rebuilds the window around the same open vault.
    controller = AppController.__new__(AppController)
    controller.app = QApplication.instance()  # type: ignore[assignment]
    controller.vault_dir, controller.actor = window.unlock.vault_dir, "tester"
    controller.settings = __import__("ui.app", fromlist=["device_settings"]).device_settings()
    controller.window = window
    try:
        controller.switch_language("es")
        new = controller.window
        qtbot.addWidget(new)
        assert new is not window and not new.is_locked
        assert i18n.current_language() == "es"
        labels = [new.sidebar.item(i).text() for i in range(new.sidebar.count())]
        assert "Clientes" in labels and "Configuración" in labels
        new.show_page(new.clients)
        assert new.clients.model.total == 24
    finally:
        from ui.app import apply_language

        apply_language(QApplication.instance(), "en")  # type: ignore[arg-type]
        if controller.window.vault is not None:
            controller.window.lock()


def test_rfe_shows_on_today_and_can_be_marked_done(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.services import deadlines
    from tests.ui.dialogs import answer_next_question

    asked: list[str] = []
    open_window(qtbot, window)
    vault = window.vault
    assert vault is not None
    receipt = next(m for m in matters.list_matters(vault) if m.status == "receipt")
    notice = date.today() - timedelta(days=80)  # due in 4 days: in the RFE tier
    result = matters.add_event(vault, matter_id=receipt.id, kind="rfe", occurred_on=notice)
    window.bus.publish(result.changes)
    today = window.today
    window.show_page(today)
    tree = today.tree
    lines = [
        " ".join(tree.topLevelItem(i).child(j).text(c) for c in range(4))
        for i in range(tree.topLevelItemCount())
        for j in range(tree.topLevelItem(i).childCount())
    ]
    rfe_lines = [
        line for line in lines if "RFE response due" in line and receipt.client_name in line
    ]
    assert rfe_lines, lines[:10]
    assert today.counts["rfe_biometrics"] >= 1

    page = window.deadlines
    window.show_page(page)
    page.window_box.setFocus()
    while page.window_box.currentData() != 7:
        qtbot.keyClick(page.window_box, Qt.Key.Key_Up)
    rows = [page.model.deadline(r) for r in range(page.model.rowCount())]
    target = next(
        r for r in rows if r and r.matter_id == receipt.id and r.kind == "rfe_response_due"
    )
    index = page.model.index(rows.index(target), 0)
    qtbot.mouseClick(
        page.table.viewport(), Qt.MouseButton.LeftButton, pos=page.table.visualRect(index).center()
    )
    answer_next_question(qtbot, "Only mark done", asked)
    qtbot.mouseClick(page.done_button, Qt.MouseButton.LeftButton)
    assert "RFE response" in asked[0]  # offered the notice; "Only mark done" marks this one
    assert deadlines.get_deadline(vault, ref=target.id, today=date.today()).status == "done"
    shown = [page.model.deadline(r) for r in range(page.model.rowCount())]
    assert target.id not in [d.id for d in shown if d]  # done ones leave the open list


def test_calendar_export_from_the_deadlines_screen_has_no_full_names(
    qtbot, window: MainWindow, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    open_window(qtbot, window)
    page = window.deadlines
    window.show_page(page)
    page.window_box.setCurrentIndex(page.window_box.findData(None))
    page.reload_rows()
    out = tmp_path / "deadlines.ics"
    page.write_calendar(out, "initials")
    text = out.read_text("utf-8")
    assert text.startswith("BEGIN:VCALENDAR")
    assert "Flores Nájera" not in text and "Riverbend" not in text
    assert "events" in page.message.text()


def test_rule_override_from_settings_moves_deadlines(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QSpinBox

    from clinic_app.services import deadlines

    open_window(qtbot, window)
    page = window.settings
    window.show_page(page)
    rows = {page.rules.item(r, 0).text(): r for r in range(page.rules.rowCount())}
    row = next(
        r
        for title, r in rows.items()
        if title.startswith("Labor-based deferred action")
        and "renewal" in title.lower()
        and "file" in title.lower()
    )
    box = page.rules.cellWidget(row, 2)
    assert isinstance(box, QSpinBox)
    rule_id = page.rules.item(row, 0).data(256)
    assert rule_id == "lda.renewal_file_by"
    box.setValue(box.value() + 30)
    box.editingFinished.emit()
    assert "recomputed" in page.rules_message.text()
    changed = next(
        r
        for p in deadlines.list_programs(window.vault, today=date.today())  # type: ignore[arg-type]
        for r in p.rules
        if r.id == rule_id
    )
    assert changed.days == box.value() and changed.overridden
