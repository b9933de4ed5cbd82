"""Auto-lock on idle: activity watching, and a visible countdown before a half-typed form is lost."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from clinic_app.i18n import _, ngettext

AUTOLOCK_KEY = "ui.autolock_minutes"  # the vault setting: minutes idle before locking
DEFAULT_AUTOLOCK = 5

WARN_MS = 30_000  # the countdown shows this long before locking


class IdleWatcher(QObject):
    """Reports every key press or mouse action anywhere in the app."""

    activity = Signal()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (
            QEvent.Type.KeyPress,
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseMove,
            QEvent.Type.Wheel,
        ):
            self.activity.emit()
        return False


class AutoLock(QObject):
    """Locks after `minutes` without activity; in the last 30 seconds a banner counts down, so a
    person typing into a form sees it coming and a move of the mouse keeps the vault open."""

    idle = Signal(float)  # the auto-lock minutes that passed without activity

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.minutes = 5.0
        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.timeout.connect(self._expired)
        self.warn_timer = QTimer(self)
        self.warn_timer.setSingleShot(True)
        self.warn_timer.timeout.connect(self._warn)
        self.tick = QTimer(self)
        self.tick.setInterval(1000)
        self.tick.timeout.connect(self._update_banner)
        self.banner = QLabel()
        self.banner.setObjectName("lockCountdown")
        self.banner.setAccessibleName(_("Auto-lock countdown"))
        self.banner.setStyleSheet(
            "QLabel#lockCountdown { background: #fff3cd; color: #5c4400; padding: 8px;"
            " font-weight: bold; border-bottom: 1px solid #e0c060; }"
        )
        self.banner.hide()

    def set_minutes(self, minutes: float) -> None:
        self.minutes = minutes
        total = max(1, int(minutes * 60_000))
        self.idle_timer.setInterval(total)
        # A very short auto-lock (tests) warns for its second half instead of 30 seconds.
        self.warn_timer.setInterval(max(1, total - min(WARN_MS, total // 2)))
        if self.idle_timer.isActive():
            self.start()

    def start(self) -> None:
        self.banner.hide()
        self.tick.stop()
        self.idle_timer.start()
        self.warn_timer.start()

    def stop(self) -> None:
        self.idle_timer.stop()
        self.warn_timer.stop()
        self.tick.stop()
        self.banner.hide()

    def activity(self) -> None:
        if self.idle_timer.isActive():
            self.start()

    @property
    def warning(self) -> bool:
        return self.banner.isVisible()

    def _warn(self) -> None:
        self._update_banner()
        self.banner.show()
        self.tick.start()

    def _update_banner(self) -> None:
        seconds = max(0, (self.idle_timer.remainingTime() + 999) // 1000)
        self.banner.setText(
            ngettext(
                "Locking in {n} s — move the mouse to stay unlocked",
                "Locking in {n} s — move the mouse to stay unlocked",
                seconds,
            ).format(n=seconds)
        )

    def _expired(self) -> None:
        self.stop()
        self.idle.emit(self.minutes)


def idle_message(minutes: float) -> str:
    """What the unlock screen says after an idle lock."""
    whole = max(1, round(minutes))
    return ngettext(
        "Locked after {n} minute idle; unsaved changes in an open form were not kept.",
        "Locked after {n} minutes idle; unsaved changes in an open form were not kept.",
        whole,
    ).format(n=whole)
