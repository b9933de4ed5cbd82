"""The one date field of the desktop: typed in the person's own order (or ISO), or picked from a
calendar that drops down from it."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QLocale, QPoint, QRect, Qt
from PySide6.QtGui import QAction, QIcon, QKeyEvent, QPainter, QPixmap
from PySide6.QtWidgets import QCalendarWidget, QLineEdit, QToolButton, QWidget

from clinic_app.errors import UserError, ValidationError
from clinic_app.i18n import _, current_language, date_pattern, format_day, numeric_day
from clinic_app.services.dates import date_formats, parse_date
from ui.feedback import mark_error


def _calendar_icon(widget: QWidget) -> QIcon:
    """A small calendar page drawn in the text colour (icon themes are missing on many laptops)."""
    pixmap = QPixmap(16, 16)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    colour = widget.palette().text().color()
    painter.setPen(colour)
    painter.drawRect(QRect(1, 2, 13, 12))
    painter.fillRect(QRect(1, 2, 14, 3), colour)
    for row in range(2):
        for col in range(3):
            painter.fillRect(QRect(3 + col * 4, 7 + row * 3, 2, 2), colour)
    painter.end()
    return QIcon(pixmap)


class DateInput(QLineEdit):
    """A date typed as the person's language writes it (DD/MM/AAAA in Spanish, MM/DD/YYYY in
    English) or as ISO, or picked in the calendar (the button, or Alt+Down). `field` is the
    name the services give the date in their errors, so the form can outline this field."""

    def __init__(self, label: str, field: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label, self.field = label, field
        self.setAccessibleName(label)
        self.setPlaceholderText(date_pattern())
        self.setToolTip(
            _("Type the date as {formats}, or pick it in the calendar (Alt+Down).").format(
                formats=date_formats(current_language())
            )
        )
        # An icon-only button: its words are its tooltip and accessible name, never drawn text.
        pick = _("Pick the date in a calendar")
        self.picker = QAction(_calendar_icon(self), "", self)
        self.picker.setToolTip(pick)
        self.addAction(self.picker, QLineEdit.ActionPosition.TrailingPosition)
        for button in self.findChildren(QToolButton):
            button.setAccessibleName(pick)
        self.picker.triggered.connect(lambda _checked=False: self.open_calendar())
        self.calendar: QCalendarWidget | None = None
        # Once typed, the date is shown back in the language's form: the person sees how it was read.
        self.editingFinished.connect(self._tidy)

    # -- reading and writing -------------------------------------------------------------------

    def value(self) -> date | None:
        """The date typed or picked; None when blank. A bad date raises one sentence that names
        this field as the screen does and the forms the person can type."""
        try:
            return parse_date(self.text(), self.field, lang=current_language())
        except ValidationError as exc:
            raise ValidationError(self.field, exc.problem, label=self.label) from exc

    def iso(self) -> str | None:
        """The date as the services take it (ISO 8601), or None when blank."""
        day = self.value()
        return day.isoformat() if day else None

    def set_value(self, day: date | None) -> None:
        self.setText(numeric_day(day) if day else "")

    def _tidy(self) -> None:
        try:
            day = self.value()
        except ValidationError:
            return  # left as typed: the form says what is wrong when it is saved
        if day is not None and self.text() != numeric_day(day):
            self.set_value(day)

    # -- the calendar ----------------------------------------------------------------------------

    def open_calendar(self) -> None:
        if self.calendar is None:
            self.calendar = QCalendarWidget(self)
            self.calendar.setWindowFlags(Qt.WindowType.Popup)
            self.calendar.setAccessibleName(_("Calendar for {field}").format(field=self.label))
            self.calendar.setGridVisible(True)
            self.calendar.setVerticalHeaderFormat(
                QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader  # week numbers: noise here
            )
            # The calendar selects the clicked or activated day before it signals; the slot
            # reads that selection instead of the signal's argument.
            self.calendar.clicked.connect(lambda _day: self._picked())
            self.calendar.activated.connect(lambda _day: self._picked())
        lang = current_language()
        self.calendar.setLocale(QLocale(lang if lang != "en" else "en_US"))
        try:
            shown = self.value() or date.today()
        except ValidationError:
            shown = date.today()
        self.calendar.setSelectedDate(QDate(shown.year, shown.month, shown.day))
        self.calendar.adjustSize()
        below = self.mapToGlobal(QPoint(0, self.height()))
        self.calendar.move(below)
        self.calendar.show()
        self.calendar.setFocus()

    def _picked(self) -> None:
        if self.calendar is None:
            return
        day = self.calendar.selectedDate()
        self.set_value(date(day.year(), day.month(), day.day()))
        self.calendar.hide()
        self.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Alt+Down opens a drop-down in every toolkit; F4 as in Windows' own date fields.
        down = (
            event.key() == Qt.Key.Key_Down and event.modifiers() & Qt.KeyboardModifier.AltModifier
        )
        if down or event.key() == Qt.Key.Key_F4:
            self.open_calendar()
            return
        super().keyPressEvent(event)


def read_dates(*fields: DateInput) -> list[str | None]:
    """Every field's ISO date; when any is wrong, every wrong field is outlined and one error
    carries all their sentences at once."""
    values: list[str | None] = []
    problems: list[str] = []
    for field in fields:
        try:
            values.append(field.iso())
        except ValidationError as exc:
            mark_error(field, True)
            problems.append(exc.message)
            values.append(None)
    if problems:
        raise UserError(" ".join(problems))
    return values


def shown_day(value: date | None, missing: str = "") -> str:
    """A date as a screen shows it ('Nov 30, 2026', '30 nov 2026'); `missing` when there is none."""
    return format_day(value) if value else missing
