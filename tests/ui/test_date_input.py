"""The desktop's date field: typed in the person's order or ISO, or picked in its calendar popup."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCalendarWidget,
    QDialogButtonBox,
    QTableView,
    QToolButton,
)

from clinic_app.services import clients, matters
from clinic_app.vault.vault import Vault
from ui.app import apply_language
from ui.date_input import DateInput
from ui.notice_dialog import GrantDialog, NoticeDialog


@pytest.fixture(params=["es", "en"])
def language(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    apply_language(qapp, request.param)
    yield request.param
    apply_language(qapp, "en")


@pytest.fixture
def matter_id(vault: Vault) -> int:
    client = clients.add_client(vault, first_name="Ana", last_name="Tester").record.id
    return matters.add_matter(vault, client_id=client).record.id


def type_in(qtbot, field: DateInput, text: str) -> None:  # type: ignore[no-untyped-def]
    field.setFocus()
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    qtbot.keyClicks(field, text)


def press_save(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    save = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)


def test_placeholder_names_the_persons_own_order(qtbot, language: str) -> None:  # type: ignore[no-untyped-def]
    field = DateInput("Notice date", "notice date")
    qtbot.addWidget(field)
    assert field.placeholderText() == {"es": "DD/MM/AAAA", "en": "MM/DD/YYYY"}[language]


def test_typed_date_is_read_in_the_persons_order_and_saved(  # type: ignore[no-untyped-def]
    qtbot, vault: Vault, matter_id: int, language: str
) -> None:
    dialog = NoticeDialog(vault, matter_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.kind.setCurrentIndex(dialog.kind.findData("biometrics"))
    type_in(qtbot, dialog.occurred, "05/02/2026")
    type_in(qtbot, dialog.due, "2026-06-09")  # ISO in either language
    press_save(qtbot, dialog)
    assert dialog.result() == 1, dialog.error.text()
    [event] = matters.list_events(vault, matter_id=matter_id)
    # A Spanish speaker's 05/02 is 5 February; an American's is May 2.
    assert event.occurred_on == {"es": date(2026, 2, 5), "en": date(2026, 5, 2)}[language]
    assert event.due_on == date(2026, 6, 9)


def test_leaving_the_field_shows_the_date_as_it_was_read(qtbot, language: str) -> None:  # type: ignore[no-untyped-def]
    field = DateInput("Filed on", "filed on")
    qtbot.addWidget(field)
    field.show()
    type_in(qtbot, field, "2026-2-5")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert field.text() == {"es": "05/02/2026", "en": "02/05/2026"}[language]


def test_bad_dates_say_which_form_to_type_and_nothing_is_saved(  # type: ignore[no-untyped-def]
    qtbot, vault: Vault, matter_id: int, language: str
) -> None:
    dialog = GrantDialog(vault, matter_id)
    qtbot.addWidget(dialog)
    dialog.show()
    type_in(qtbot, dialog.start, "31/02/2026" if language == "es" else "02/31/2026")
    type_in(qtbot, dialog.end, "martes")  # keyClicks types ASCII only
    press_save(qtbot, dialog)
    assert dialog.isVisible()
    expected = {
        "es": "Fecha de inicio: «31/02/2026» no es una fecha real del calendario; escriba "
        "AAAA-MM-DD o DD/MM/AAAA (primero el día). Fecha de finalización: «martes» no es una fecha; "
        "escriba AAAA-MM-DD o DD/MM/AAAA. No se guardó nada.",
        "en": "Start date: '02/31/2026' is not a real calendar date; use YYYY-MM-DD or "
        "MM/DD/YYYY (month first). End date: 'martes' is not a date; use YYYY-MM-DD or "
        "MM/DD/YYYY. Nothing was saved.",
    }[language]
    assert dialog.error.text() == expected
    assert dialog.start.property("inError") and dialog.end.property("inError")
    assert matters.list_grants(vault, matter_id=matter_id) == []
    # Typing a fix clears that field's outline.
    type_in(qtbot, dialog.end, "2027-01-01")
    assert not dialog.end.property("inError")


def _click_day(qtbot, calendar: QCalendarWidget, day: int) -> None:  # type: ignore[no-untyped-def]
    """Click a day of the shown month in the calendar's grid, as a person does."""
    view = calendar.findChild(QTableView)
    model = view.model()
    month = calendar.monthShown()
    for row in range(model.rowCount()):
        for col in range(model.columnCount()):
            index = model.index(row, col)
            # Days of the neighbouring months are drawn too: take the one in this month's rows.
            if str(model.data(index)) == str(day) and (row > 1 or day < 15):
                rect = view.visualRect(index)
                qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
                assert calendar.monthShown() == month
                return
    raise AssertionError(f"day {day} is not in the calendar")


def test_picking_a_day_in_the_calendar_popup_fills_the_field(  # type: ignore[no-untyped-def]
    qtbot, vault: Vault, matter_id: int, language: str
) -> None:
    dialog = NoticeDialog(vault, matter_id)
    qtbot.addWidget(dialog)
    dialog.show()
    type_in(qtbot, dialog.occurred, "2026-04-01")  # the popup opens on the typed month
    button = next(b for b in dialog.occurred.findChildren(QToolButton) if b.isVisible())
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    calendar = dialog.occurred.calendar
    assert calendar is not None and calendar.isVisible()
    assert (calendar.yearShown(), calendar.monthShown()) == (2026, 4)
    # The month is named in the person's language.
    assert calendar.locale().name().startswith(language)
    _click_day(qtbot, calendar, 17)
    assert not calendar.isVisible()
    assert dialog.occurred.text() == {"es": "17/04/2026", "en": "04/17/2026"}[language]
    press_save(qtbot, dialog)
    assert dialog.result() == 1, dialog.error.text()
    [event] = matters.list_events(vault, matter_id=matter_id)
    assert event.occurred_on == date(2026, 4, 17)


def test_alt_down_opens_the_calendar_and_enter_picks(qtbot, language: str) -> None:  # type: ignore[no-untyped-def]
    field = DateInput("Due date", "due date")
    qtbot.addWidget(field)
    field.show()
    type_in(qtbot, field, "2026-06-10")
    qtbot.keyClick(field, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    calendar = field.calendar
    assert calendar is not None and calendar.isVisible()
    view = calendar.findChild(QTableView)
    qtbot.keyClick(view, Qt.Key.Key_Right)  # the next day
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert field.value() == date(2026, 6, 11)
    assert not calendar.isVisible()


def test_the_notice_form_names_its_second_date_for_the_kind_chosen(
    qtbot, vault: Vault, matter_id: int, language: str
) -> None:  # type: ignore[no-untyped-def]
    """An RFE's second date is when the response is due, a biometrics notice's is the
    appointment: the label says which, in the screen's language, as the kind is chosen."""
    dialog = NoticeDialog(vault, matter_id)
    qtbot.addWidget(dialog)
    dialog.show()
    said: dict[str, str] = {}
    dialog.kind.setFocus()
    for _step in range(dialog.kind.count()):
        said[dialog.kind.currentData()] = dialog.due_label.text()
        qtbot.keyClick(dialog.kind, Qt.Key.Key_Down)  # through the kinds from the keyboard
    words = {
        "en": ("Response due", "Appointment date", "Due date"),
        "es": ("Fecha límite de respuesta", "Fecha de la cita", "Fecha de vencimiento"),
    }[language]
    assert (said["rfe"], said["biometrics"], said["other"]) == words
    assert dialog.due.accessibleName() == dialog.due_label.text()
    # The RFE's "came by mail" box, shown only now, widens the form to read whole.
    while dialog.kind.currentData() != "rfe":
        qtbot.keyClick(dialog.kind, Qt.Key.Key_Up)
    qtbot.waitUntil(lambda: dialog.mailed.width() >= dialog.mailed.minimumSizeHint().width())
    assert dialog.width() >= 480
