"""What every screen of the main window offers: a title, a vault to show, and change handling."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QMessageBox, QWidget

from clinic_app.errors import SessionEnded
from clinic_app.i18n import _
from clinic_app.services import ChangeSet
from clinic_app.services.server_session import UNREACHABLE, ServerError
from clinic_app.services.vault_ops import Vault
from ui.bus import ChangeBus
from ui.feedback import desktop_message

P = ParamSpec("P")
R = TypeVar("R")
PageT = TypeVar("PageT", bound="Page")


def says_server_errors(
    method: Callable[Concatenate[PageT, P], R],
) -> Callable[Concatenate[PageT, P], R | None]:
    """A screen's action whose reads may fail on the clinic server (a row opened, a filter
    chosen): it says the one sentence instead, never a traceback, and the screen reads again by
    itself once the server answers."""

    @functools.wraps(method)
    def run(page: PageT, /, *args: P.args, **kwargs: P.kwargs) -> R | None:
        try:
            return method(page, *args, **kwargs)
        except ServerError as exc:
            page.server_failed(exc)
            return None

    return run


class Page(QWidget):
    """Base of a screen. `set_vault(None)` must drop every widget and model holding client data."""

    title = ""

    def __init__(self, bus: ChangeBus) -> None:
        super().__init__()
        self.bus = bus
        self.vault: Vault | None = None
        self._stale = False
        bus.changed.connect(self._on_changes)

    def set_vault(self, vault: Vault | None) -> None:
        """Show `vault`; a hidden screen reads it only when it is next shown (fast unlock)."""
        self.vault = vault
        self._stale = True
        if vault is None or self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        self._stale = False
        try:
            self.reload()
        except ServerError as exc:
            self.server_failed(exc)

    def server_failed(self, exc: ServerError) -> None:
        """A read failed on the clinic server: say its one sentence (never a traceback), and
        read again by itself once the server answers."""
        self._stale = True
        message = desktop_message(exc)
        self.bus.said.emit(message)
        if exc.message == _(UNREACHABLE) or isinstance(exc, SessionEnded):
            # The link looks at once: back, still down, or this session ended (then it locks).
            self.bus.unreachable.emit(message)

    def reload(self) -> None:
        """Re-read everything shown from the vault (or clear it when locked)."""

    def kinds(self) -> frozenset[str]:
        """Record kinds whose changes make this screen reload."""
        return frozenset()

    def showEvent(self, event: QShowEvent) -> None:
        if getattr(self, "_stale", False) and self.vault is not None:
            self.refresh()
        super().showEvent(event)

    def _on_changes(self, changes: ChangeSet) -> None:
        if self.vault is not None and changes.touches(*self.kinds()):
            if self.isVisible():
                self.refresh()
            else:
                self._stale = True

    def show_error(self, message: str) -> None:
        QMessageBox.warning(
            self, _(self.title) or _("Clinic case manager"), desktop_message(message)
        )
