"""Backups that run by themselves at unlock and before the vault closes, shown in the status bar."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QWidget
from shiboken6 import isValid

from clinic_app.errors import ClinicError
from clinic_app.i18n import _
from clinic_app.services import ChangeSet, backup_plan, backup_runs
from clinic_app.services.backup_runs import RunReport
from clinic_app.services.changes import SETTING
from clinic_app.services.vault_ops import Vault
from ui.background import Background, Progress
from ui.bus import ChangeBus


def local_now() -> datetime:
    return datetime.now().astimezone()


def run_summary(report: RunReport) -> str:
    """One line for the status bar: what was written, skipped or failed where (never a dialog)."""
    parts = []
    for outcome in report.outcomes:
        where = outcome.destination.label
        if outcome.status == "made":
            parts.append(_("backed up to {where} and verified").format(where=where))
        elif outcome.status == "missing":
            parts.append(_("{where} not connected: skipped").format(where=where))
        elif outcome.status == "failed":
            parts.append(
                _("the new copy on {where} failed its check (earlier copies kept)").format(
                    where=where
                )
            )
        elif outcome.status == "error":
            parts.append(_("backup to {where} not written").format(where=where))
    return (_("Backups: ") + "; ".join(parts) + ".") if parts else ""


class AutoBackup(QObject):
    """Runs the plan's due backups on the one background helper: after unlock, and before the
    vault closes (the same job closes it, so nothing else can use the vault in between)."""

    finished = Signal()

    def __init__(self, background: Background, bus: ChangeBus, status_bar: QStatusBar) -> None:
        super().__init__(status_bar)
        self.background = background
        self.bus = bus
        self.clock: Callable[[], datetime] = local_now
        self.label = QLabel()
        self.label.setObjectName("backupStatus")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(160)
        self.progress.setAccessibleName(_("Backup progress"))
        self.progress.hide()
        status_bar.addPermanentWidget(self.label)
        status_bar.addPermanentWidget(self.progress)
        self.closing = 0  # close-time backups still running: the window waits for them
        self._window_to_close: QWidget | None = None

    def at_unlock(self, vault: Vault) -> None:
        if self._enabled(vault):
            self._start(vault, "unlock", close_after=False)

    def before_close(self, vault: Vault) -> bool:
        """Take the vault to back up what is due and then close it, in the background; False when
        there is no plan (the caller closes the vault itself)."""
        if not self._enabled(vault):
            return False
        self.closing += 1
        self._start(vault, "close", close_after=True)
        return True

    def close_window_after(self, window: QWidget) -> None:
        """Close `window` once the backups before closing have ended."""
        self.label.setText(_("Backing up before closing; the window closes by itself."))
        self._window_to_close = window

    def _enabled(self, vault: Vault) -> bool:
        try:
            return backup_plan.get_plan(vault).enabled
        except ClinicError:
            return False

    def _start(self, vault: Vault, trigger: str, *, close_after: bool) -> None:
        clock = self.clock

        def work(progress: Progress) -> RunReport:
            try:
                return backup_runs.run_due_backups(
                    vault, now=clock(), trigger=trigger, progress=progress
                )
            finally:
                if close_after:
                    vault.close()

        self.background.run(
            work,
            lambda report: self._done(report, close_after),
            lambda message: self._failed(message, close_after),
            self._progress,
        )

    def _progress(self, done: int, total: int) -> None:
        if not self.progress.isVisible():
            self.label.setText(_("Backing up…"))
            self.progress.show()
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)

    def _done(self, report: RunReport, closed: bool) -> None:
        if not isValid(self.progress):  # the window went away while the backup ran
            return
        self.progress.hide()
        summary = run_summary(report)
        if summary or self.progress.maximum() > 1:
            self.label.setText(summary)
        if not closed:
            self.bus.publish(ChangeSet(kinds=frozenset({SETTING})))
        self._ended(closed)

    def _failed(self, message: str, closed: bool) -> None:
        if not isValid(self.progress):
            return
        self.progress.hide()
        self.label.setText(_("Backups did not run: {why}").format(why=message))
        self._ended(closed)

    def _ended(self, closed: bool) -> None:
        if closed:
            self.closing -= 1
        if not self.closing and self._window_to_close is not None:
            window = self._window_to_close
            QTimer.singleShot(0, window, window.close)  # dropped if the window is gone by then
            self._window_to_close = None
        self.finished.emit()
