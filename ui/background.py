"""One helper for long work off the GUI thread: results and errors come back on the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from clinic_app.errors import ClinicError


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(str)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self.work = work
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.work()
        except ClinicError as exc:
            self.signals.failed.emit(exc.message)
        except Exception as exc:  # a bug: say so in one sentence, never a traceback on screen
            self.signals.failed.emit(
                f"Something went wrong ({type(exc).__name__}); nothing more was changed."
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
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[str], None],
    ) -> None:
        signals = _Signals()
        self._live.add(signals)  # keep the signal object alive until it has delivered

        def finished_ok(result: object) -> None:
            self._live.discard(signals)
            on_done(result)

        def finished_error(message: str) -> None:
            self._live.discard(signals)
            on_error(message)

        signals.done.connect(finished_ok)
        signals.failed.connect(finished_error)
        self.pool.start(_Job(work, signals))

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)
