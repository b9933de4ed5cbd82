"""Snooze until a date: a date picker with one-week, two-week and one-month shortcuts."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from clinic_app.errors import ValidationError
from clinic_app.i18n import N_, _, format_day
from ui.date_input import DateInput
from ui.forms import error_label

SHORTCUTS = [(7, N_("1 week")), (14, N_("2 weeks")), (30, N_("1 month"))]


def add_month(day: date) -> date:
    """The same day next month (the month's last day when it has no such day)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month, last)
        except ValueError:
            continue
    return day + timedelta(days=30)


class SnoozeDialog(QDialog):
    """Asks until when; `until` holds the chosen date after `exec()` returns accepted."""

    def __init__(self, today: date, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today = today
        self.until: date | None = None
        self.setWindowTitle(_("Snooze"))
        label = QLabel(_("Hide “{what}” until:").format(what=what))
        label.setWordWrap(True)
        self.date = DateInput(_("Snooze until"), "snooze until")
        self.date.setObjectName("snoozeDate")
        self.date.set_value(today + timedelta(days=7))
        self.error = error_label()
        label.setBuddy(self.date)
        quick = QHBoxLayout()
        self.shortcuts: list[QPushButton] = []
        for days, text in SHORTCUTS:
            button = QPushButton(_(text))
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, d=days: self._pick(d))
            quick.addWidget(button)
            self.shortcuts.append(button)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Snooze"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.date)
        layout.addLayout(quick)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.date.setFocus()

    def _pick(self, days: int) -> None:
        chosen = add_month(self.today) if days == 30 else self.today + timedelta(days=days)
        self.date.set_value(chosen)

    def _accept(self) -> None:
        try:
            picked = self.date.value()
        except ValidationError as exc:
            self.error.setText(exc.message)
            return
        if picked is None or picked <= self.today:
            self.error.setText(
                _("Choose a day after today ({today}).").format(today=format_day(self.today))
            )
            return
        self.until = picked
        self.accept()


def ask_until(today: date, what: str, parent: QWidget | None = None) -> date | None:
    """The date to snooze to, or None when the person cancels."""
    dialog = SnoozeDialog(today, what, parent)
    return dialog.until if dialog.exec() else None
