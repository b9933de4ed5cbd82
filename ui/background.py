"""One helper for long work off the GUI thread: progress, cancel, results back on the GUI thread."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from clinic_app.errors import ClinicError
from clinic_app.i18n import _
from clinic_app.os_errors import refused_sentence
from ui.feedback import desktop_message

Progress = Callable[[int, int], None]


class Cancelled(Exception):
    """Raised inside the work when the person pressed Cancel; its transaction rolls back."""


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(str)
    progress = Signal(int, int)


class Job:
    """A handle on running work: `cancel()` stops it at its next progress report."""

    def __init__(self) -> None:
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()


class _Runner(QRunnable):
    def __init__(
        self, work: Callable[..., Any], signals: _Signals, job: Job, with_progress: bool
    ) -> None:
        super().__init__()
        self.work, self.signals, self.job, self.with_progress = work, signals, job, with_progress

    def report(self, done: int, total: int) -> None:
        if self.job.cancelled:
            raise Cancelled
        self.signals.progress.emit(done, total)

    def run(self) -> None:
        try:
            result = self.work(self.report) if self.with_progress else self.work()
        except Cancelled:
            self.signals.failed.emit(_("Cancelled; nothing was changed."))
        except ClinicError as exc:
            self.signals.failed.emit(desktop_message(exc))
        except OSError as exc:  # the system refused a read or write: its cause, in words
            self.signals.failed.emit(refused_sentence(exc))
        except Exception as exc:  # a bug: one sentence on screen, never a traceback
            self.signals.failed.emit(
                _("Something went wrong ({kind}); nothing more was changed.").format(
                    kind=type(exc).__name__
                )
            )
        else:
            self.signals.done.emit(result)


class Background(QObject):
    """Runs callables on a worker thread, one at a time by default (the vault has one writer)."""

    def __init__(self, parent: QObject | None = None, threads: int = 1) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(threads)
        self._live: set[_Signals] = set()

    def run(
        self,
        work: Callable[..., Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[str], None],
        on_progress: Callable[[int, int], None] | None = None,
    ) -> Job:
        """Start `work`; with `on_progress`, `work` receives a progress(done, total) callable."""
        signals = _Signals()
        job = Job()
        self._live.add(signals)  # keep the signal object alive until it has delivered

        def finished_ok(result: object) -> None:
            self._live.discard(signals)
            on_done(result)

        def finished_error(message: str) -> None:
            self._live.discard(signals)
            on_error(desktop_message(message))  # the core's sentence, in the app's words

        signals.done.connect(finished_ok)
        signals.failed.connect(finished_error)
        if on_progress is not None:
            signals.progress.connect(on_progress)
        self.pool.start(_Runner(work, signals, job, on_progress is not None))
        return job

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)
