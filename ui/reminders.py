"""Reminders while the app runs: a summary at unlock, and a notification when something falls due.

Notifications and the status bar say how many, never who: they can show on a locked screen.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QStyle, QSystemTrayIcon

from clinic_app.i18n import _
from ui.pages.today import due_counts

if TYPE_CHECKING:
    from clinic_app.services.deadlines import Queue
    from ui.main_window import MainWindow

CHECK_EVERY_MS = 15 * 60_000
# The tiers that need action today: a rise in any of them is worth a notification.
NOW_TIERS = ("terminated", "work_permit_stop", "due_today", "rfe_biometrics", "overdue")


class Reminders(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)
        self.tray: QSystemTrayIcon | None = None
        self.last: tuple[int, ...] | None = None
        self.summary = ""

    def start(self, first: Queue | None = None) -> None:
        """Check now and every 15 minutes; `first`, a queue Today read a moment ago, saves the
        first check its own query."""
        if QSystemTrayIcon.isSystemTrayAvailable() and self.tray is None:
            icon = QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation)
            self.tray = QSystemTrayIcon(icon, self)
            self.tray.setToolTip(_("Clinic case manager"))
            self.tray.show()
        self.last = None
        self.check(first=first)
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self.last = None
        self.summary = ""
        self.window.status_counts.clear()

    def counts(self, today: date, first: Queue | None = None) -> dict[str, int]:
        """Rows per tier, from the same query as Today's counts."""
        vault = self.window.vault
        if vault is None:
            return {}
        queue = first if first is not None and first.today == today else due_counts(vault, today)
        self.summary = queue.summary
        return queue.counts

    def check(self, notify: bool = True, first: Queue | None = None) -> None:
        """Refresh the status bar's counts; a rise since the last check is also a notification
        (`notify=False` after the person's own change: they know what they just did)."""
        if self.window.vault is None:
            return
        counts = self.counts(self.window.today.today, first)
        self.window.status_counts.setText(self.summary)
        now = tuple(counts.get(key, 0) for key in NOW_TIERS)
        previous = self.last
        self.last = now
        if notify and self.tray is not None and (previous is None or now > previous) and any(now):
            # At unlock this is the summary of what fell due while the app was closed.
            self.tray.showMessage(
                _("Clinic case manager"), self.summary, QSystemTrayIcon.MessageIcon.Information
            )
