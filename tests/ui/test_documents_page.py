"""The Documents screen knows the case: reasons, Make them anyway, batch choices, missing details."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from clinic_app.services import documents, vault_ops
from tests.case_states import TODAY, Worksite, build
from tests.conftest import FAST_KDF, PASSPHRASE
from ui.main_window import MainWindow


@pytest.fixture
def case_vault(tmp_path: Path) -> tuple[Path, Worksite]:
    folder = tmp_path / "vault"
    vault, _code = vault_ops.create_vault(
        folder, passphrase=PASSPHRASE, actor="tester", kdf=FAST_KDF
    )
    try:
        site = build(vault)
    finally:
        vault.close()
    return folder, site


@pytest.fixture
def window(qtbot, case_vault: tuple[Path, Worksite]) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    win = MainWindow(case_vault[0], "tester")
    qtbot.addWidget(win)
    win.show()
    win.unlock.passphrase.setText(PASSPHRASE)
    qtbot.mouseClick(win.unlock.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not win.is_locked, timeout=10000)
    win.show_page(win.documents)
    win.documents.today = lambda: TODAY
    yield win
    if win.vault is not None:
        win.lock()


def _results(page: object) -> list[str]:
    return [page.results.item(i).text() for i in range(page.results.count())]  # type: ignore[attr-defined]


def test_a_refused_matter_shows_why_then_render_anyway_makes_it(
    qtbot, window: MainWindow, case_vault: tuple[Path, Worksite], tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    page = window.documents
    page.template.setCurrentIndex(page.template.findData("cover-letter-renewal"))
    page.choose_matter(case_vault[1].matters["D2"])
    page.out_dir.setText(str(tmp_path / "drafts"))
    # Before anything is made, the list says what goes there and which button makes it.
    assert page.render_button.text() == "Make drafts"
    assert not page.progress.isVisible()  # no empty bar that looks like a field to type in
    assert _results(page) == [
        "The drafts you make are listed here. Choose a template and a matter (or an agency "
        "letter), then Make drafts; double-click a draft to open it."
    ]
    qtbot.mouseClick(page.render_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "written" in page.message.text(), timeout=60000)
    assert "the grant was terminated on 2026-09-15" in _results(page)[0]
    assert len(_results(page)) == 1  # the hint made way for the result
    assert not page.progress.isVisible()
    assert "choose Make them anyway" in page.message.text()
    assert page.anyway_button.text() == "Make them anyway"
    assert page.anyway_button.isVisible()
    assert not (tmp_path / "drafts").exists() or not list((tmp_path / "drafts").iterdir())
    qtbot.mouseClick(page.anyway_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "1 draft written" in page.message.text(), timeout=60000)
    assert "made anyway although the grant was terminated" in _results(page)[0]
    assert len(list((tmp_path / "drafts").glob("*.docx"))) == 1
    assert not page.anyway_button.isVisible()


def test_batch_choices_on_the_screen(
    qtbot, window: MainWindow, case_vault: tuple[Path, Worksite], tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    page = window.documents
    page.template.setCurrentIndex(page.template.findData("client-renewal-reminder"))
    qtbot.mouseClick(page.for_letter, Qt.MouseButton.LeftButton)
    page.letter.setCurrentIndex(page.letter.findData(case_vault[1].letter_id))
    page.grant_state.setCurrentIndex(page.grant_state.findData("ending"))
    qtbot.mouseClick(page.one_per_client, Qt.MouseButton.LeftButton)
    assert page.one_per_client.isChecked(), page.one_per_client.isEnabled()
    page.out_dir.setText(str(tmp_path / "drafts"))
    qtbot.mouseClick(page.render_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "written" in page.message.text(), timeout=60000)
    rows = _results(page)
    assert page.message.text().startswith("1 draft written. Double-click"), rows
    assert rows[0] == "✓ Ñancupil_Bernardo_follow-up_2027-03-01_en.docx"
    # In the screen's words (the choice under Only), never the command line's flag.
    assert any("left out: its grant (ended) is not one chosen under Only" in row for row in rows)
    assert any("left out: one per client" in row for row in rows)
    assert not any("--" in row for row in rows), rows


def test_missing_clinic_details_open_settings_at_the_first_with_all_outlined(
    qtbot, window: MainWindow, case_vault: tuple[Path, Worksite], tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    assert window.vault is not None
    documents.set_clinic_details(window.vault, values={"name": "", "signer_title": ""})
    page = window.documents
    page.template.setCurrentIndex(page.template.findData("cover-letter-initial"))
    page.choose_matter(case_vault[1].matters["F1"])
    qtbot.mouseClick(page.render_button, Qt.MouseButton.LeftButton)
    assert window.page_stack.currentWidget() is window.settings
    assert QApplication.focusWidget() is window.settings.clinic_fields["name"]
    message = window.settings.clinic_message.text()
    assert "the clinic's name, the signer's title" in message
    assert "Settings → Clinic details for letters" in message
    # Every missing detail is outlined, not only the first; typing in one clears its outline.
    fields = window.settings.clinic_fields
    assert fields["name"].property("inError") and fields["signer_title"].property("inError")
    assert not fields["phone"].property("inError")
    qtbot.keyClicks(fields["name"], "Workers Legal Clinic")
    assert not fields["name"].property("inError")
    assert fields["signer_title"].property("inError")


def test_safe_contact_rules_are_ticked_in_words_in_the_client_editor(
    qtbot, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    """A box per rule, labelled in words (never an id to spell, in English in a Spanish form):
    ticked ones are saved, and an edit shows them ticked and can untick one."""
    from PySide6.QtWidgets import QDialogButtonBox

    from clinic_app.services import clients
    from ui.client_editor import ClientEditor

    assert window.vault is not None
    editor = ClientEditor(window.vault, parent=window)
    qtbot.addWidget(editor)
    editor.show()
    assert [box.text() for box in editor.rules.values()] == [
        "Do not mail",
        "Text messages only",
        "No voicemail",
    ]
    qtbot.keyClicks(editor.inputs["first_name"], "Ines")
    qtbot.mouseClick(editor.rules["no_mail"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(editor.rules["text_only"], Qt.MouseButton.LeftButton)
    qtbot.keyClicks(editor.inputs["mail_to"], "PO Box 12, Marshalltown, IA")
    save = editor.buttons.button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    saved = clients.get_client(window.vault, client_id=editor.saved_id or -1)
    assert saved.contact_rules == ("no_mail", "text_only")

    again = ClientEditor(window.vault, saved, parent=window)
    qtbot.addWidget(again)
    again.show()
    assert [box.isChecked() for box in again.rules.values()] == [True, True, False]
    qtbot.mouseClick(again.rules["text_only"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(
        again.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
    )
    assert clients.get_client(window.vault, client_id=saved.id).contact_rules == ("no_mail",)
    assert saved.mail_to == "PO Box 12, Marshalltown, IA"


def test_the_soi_request_lists_closed_workers_only_when_asked(
    qtbot, window: MainWindow, case_vault: tuple[Path, Worksite], tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.documents.engine import read_text

    page = window.documents
    page.template.setCurrentIndex(page.template.findData("soi-request"))
    qtbot.mouseClick(page.for_letter, Qt.MouseButton.LeftButton)
    page.letter.setCurrentIndex(page.letter.findData(case_vault[1].letter_id))
    # On its own row the box is as wide as the form: click its tick box, at the left.
    tick = QPoint(8, page.all_workers.height() // 2)
    qtbot.mouseClick(page.all_workers, Qt.MouseButton.LeftButton, pos=tick)
    assert page.all_workers.isChecked()
    page.out_dir.setText(str(tmp_path / "drafts"))
    qtbot.mouseClick(page.render_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "written" in page.message.text(), timeout=60000)
    (made,) = (tmp_path / "drafts").glob("*.docx")
    assert "Hilario Apaza" in "\n".join(read_text(made.read_bytes()))  # denied, listed as asked


def test_matters_to_pick_are_named_in_the_screens_language(
    qtbot, qapp: QApplication, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    from ui.app import apply_language

    apply_language(qapp, "es")
    try:
        page = window.documents
        field = page.matter.lineEdit()
        field.setFocus()
        qtbot.keyClicks(field, "Yupanqui")
        shown = [page.matter.itemText(i) for i in range(page.matter.count())]
    finally:
        apply_language(qapp, "en")
    # Labels, never ids: "Renovación", not "renewal" or "gathering_evidence".
    assert shown and all(text.startswith("Dámaso Yupanqui · ") for text in shown), shown
    assert any(" · Renovación · " in text for text in shown), shown
    assert not any("renewal" in text or "_" in text for text in shown), shown


def test_long_reasons_wrap_in_the_results_list(
    qtbot, window: MainWindow, case_vault: tuple[Path, Worksite], tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """In a window narrower than the screen, a batch's lines saying why a draft was not made
    are read whole: they wrap to the list's width, and the list never scrolls sideways."""
    from tests.ui.clipping import clipped

    window.resize(1024, 700)
    page = window.documents
    page.template.setCurrentIndex(page.template.findData("client-appointment-reminder"))
    qtbot.mouseClick(page.for_letter, Qt.MouseButton.LeftButton)
    page.letter.setCurrentIndex(page.letter.findData(case_vault[1].letter_id))
    page.out_dir.setText(str(tmp_path / "drafts"))
    qtbot.mouseClick(page.render_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "written" in page.message.text(), timeout=60000)
    QApplication.processEvents()
    results = page.results
    metrics = results.fontMetrics()
    assert any(
        metrics.horizontalAdvance(results.item(i).text()) > results.viewport().width()
        for i in range(results.count())
    ), "no line long enough to need wrapping"
    assert results.horizontalScrollBar().maximum() == 0
    for i in range(results.count()):
        item = results.item(i)
        rect = results.visualItemRect(item)
        needed = metrics.boundingRect(
            0, 0, rect.width() - 4, 10_000, Qt.TextFlag.TextWordWrap, item.text()
        )
        assert needed.height() <= rect.height() and needed.width() <= rect.width(), item.text()
    assert clipped(page) == [], clipped(page)
