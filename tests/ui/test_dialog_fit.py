"""The small forms, opened as a person opens them, in English and Spanish: what is typed into
them and what they list reads whole and in words."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QLineEdit

from clinic_app.services import clients, matters
from tests.ui.clipping import clipped
from tests.ui.dialogs import type_into
from tests.ui.test_workflows import open_window
from ui.main_window import MainWindow

LEFT = Qt.MouseButton.LeftButton
EMPLOYER = "Riverbend Meat Packers Incorporated"
ADDRESS = "4100 Industrial Parkway, Building C"


def in_next_dialog(qtbot, look: Callable[[QDialog], None], seen: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Run `look` on the dialog the next click opens, then close it; what failed is kept."""

    def run() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QDialog):
            QTimer.singleShot(20, run)
            return
        try:
            look(dialog)
        except AssertionError as exc:
            seen.append(str(exc))
        finally:
            if dialog.isVisible():  # saved ones have closed; a reject now would undo it
                dialog.reject()

    QTimer.singleShot(0, run)


def shown_whole(field: QLineEdit) -> bool:
    frame = field.style().pixelMetric(field.style().PixelMetric.PM_DefaultFrameWidth)
    return field.fontMetrics().horizontalAdvance(field.text()) <= field.width() - 2 * frame - 4


def test_employer_and_letter_forms_show_a_long_name_whole(qtbot, window: MainWindow, language: str) -> None:  # type: ignore[no-untyped-def]
    open_window(qtbot, window)
    page = window.employers
    window.show_page(page)
    problems: list[str] = []

    def employer(dialog: QDialog) -> None:
        fields = [f for f in dialog.findChildren(QLineEdit) if f.isVisible()]
        type_into(qtbot, fields[0], EMPLOYER)
        type_into(qtbot, fields[1], ADDRESS)
        assert shown_whole(fields[0]) and shown_whole(fields[1]), dialog.width()
        assert not clipped(dialog), clipped(dialog)

    in_next_dialog(qtbot, employer, problems)
    qtbot.mouseClick(page.new_employer, LEFT)
    assert not problems, problems

    # The agency field's examples (DOL-WHD, NLRB, …) read whole before anything is typed.
    employers = page.employer_list
    first = employers.visualItemRect(employers.item(0)).center()
    qtbot.mouseClick(employers.viewport(), LEFT, pos=first)
    assert page.new_letter.isEnabled()
    in_next_dialog(qtbot, lambda d: _no_clipping(d), problems)
    qtbot.mouseClick(page.new_letter, LEFT)
    assert not problems, problems


def _no_clipping(dialog: QDialog) -> None:
    QApplication.processEvents()
    assert not clipped(dialog), clipped(dialog)


def test_the_task_form_lists_matters_with_their_kind_in_words(qtbot, window: MainWindow, language: str) -> None:  # type: ignore[no-untyped-def]
    open_window(qtbot, window)
    vault = window.vault
    assert vault is not None
    person = next(c for c in clients.list_clients(vault) if matters.list_matters(vault, client_id=c.id))
    kinds = {m.kind for m in matters.list_matters(vault, client_id=person.id)}
    page = window.deadlines
    window.show_page(page)
    problems: list[str] = []

    def task(dialog: QDialog) -> None:
        assert not clipped(dialog), clipped(dialog)  # the placeholder reads whole
        box = dialog.matter  # type: ignore[attr-defined]
        qtbot.keyClicks(box.lineEdit(), person.last_name)
        listed = [box.itemText(i) for i in range(box.count())]
        box.hidePopup()
        assert listed, "no matter listed"
        for kind in kinds:  # "Renewal", never the id "renewal"
            assert not any(f"· {kind} " in text for text in listed), listed
        assert all(" (#" in text for text in listed), listed

    in_next_dialog(qtbot, task, problems)
    qtbot.mouseClick(page.task_button, LEFT)
    assert not problems, problems


HINT = "The packet checklist and the deadlines appear as soon as the matter is saved."


def _labels(dialog: QDialog) -> list[str]:
    return [label.text() for label in dialog.findChildren(QLabel) if label.isVisible()]


def test_the_checklist_hint_is_for_a_new_matter_only(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    open_window(qtbot, window)
    page = window.matters
    window.show_page(page)
    rect = page.table.visualRect(page.model.index(0, 0))
    qtbot.mouseClick(page.table.viewport(), LEFT, pos=rect.center())
    qtbot.waitUntil(lambda: page.panel.matter_id is not None, timeout=5000)
    seen: dict[str, list[str]] = {}
    problems: list[str] = []
    in_next_dialog(qtbot, lambda d: seen.setdefault("edit", _labels(d)) and None, problems)
    qtbot.mouseClick(page.panel.edit_button, LEFT)
    in_next_dialog(qtbot, lambda d: seen.setdefault("new", _labels(d)) and None, problems)
    qtbot.mouseClick(page.new_button, LEFT)
    assert not problems, problems
    assert HINT in seen["new"]
    assert HINT not in seen["edit"]  # its checklist and deadlines are there already


def test_a_grant_that_already_ended_is_recorded_as_ended(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """Add grant…: the category row is a work permit's only; a permit whose end has passed is
    said to have ended, on the date as the screen writes dates."""
    from datetime import date

    from PySide6.QtWidgets import QDialogButtonBox

    from ui.date_input import shown_day

    open_window(qtbot, window)
    page = window.matters
    window.show_page(page)
    rect = page.table.visualRect(page.model.index(0, 0))
    qtbot.mouseClick(page.table.viewport(), LEFT, pos=rect.center())
    qtbot.waitUntil(lambda: page.panel.matter_id is not None, timeout=5000)
    seen: dict[str, bool] = {}
    problems: list[str] = []

    def fill(dialog: QDialog) -> None:
        seen["category for deferred action"] = dialog.category.isVisible()  # type: ignore[attr-defined]
        kind = dialog.kind  # type: ignore[attr-defined]
        kind.setFocus()
        qtbot.keyClick(kind, Qt.Key.Key_Down)  # Work permit (EAD)
        seen["category for a work permit"] = dialog.category.isVisible()  # type: ignore[attr-defined]
        type_into(qtbot, dialog.start, "2023-01-10")  # type: ignore[attr-defined]
        type_into(qtbot, dialog.end, "2025-01-09")  # type: ignore[attr-defined]
        save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)  # type: ignore[attr-defined]
        qtbot.mouseClick(save, LEFT)
        if dialog.isVisible():
            raise AssertionError(dialog.error.text())  # type: ignore[attr-defined]

    in_next_dialog(qtbot, fill, problems)
    qtbot.mouseClick(page.panel.grant_button, LEFT)
    assert not problems, problems
    assert seen == {"category for deferred action": False, "category for a work permit": True}
    said = window.statusBar().currentMessage()
    assert said == (
        f"Recorded the grant (Work permit (EAD), ended {shown_day(date(2025, 1, 9))}); "
        "its deadlines follow."
    )
