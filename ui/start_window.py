"""The first window: the unlock screen alone, while the rest of the app loads on a thread."""

from __future__ import annotations

import gc
import importlib
import threading
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QLabel, QMainWindow

from clinic_app.i18n import N_, _
from ui.background import Background
from ui.screen_fit import fit_to_screen
from ui.unlock import UnlockWidget

APP_TITLE = N_("Clinic case manager")  # as ui.main_window's; never client data in a title

# What the main window needs and the unlock screen does not: the database layer (SQLAlchemy,
# SQLModel, Alembic), the services, document drafting and the first screen (Today). Loading them
# takes most of the start-up, so they load while the person types the passphrase; the other
# screens load when first shown (ui/screens.py).
PRELOAD = (
    "clinic_app.services.vault_ops",  # first: the unlock waits for it
    "ui.main_window",
    "ui.pages.today",
)


class Preload:
    """Imports PRELOAD on a daemon thread; `join` waits for it (a failure resurfaces at the real
    import on the GUI thread, with its real traceback)."""

    def __init__(self) -> None:
        self.thread = threading.Thread(target=self._load, name="preload", daemon=True)

    def _load(self) -> None:
        for name in PRELOAD:
            try:
                importlib.import_module(name)
            except Exception:  # reported again by the GUI thread's own import
                return
        # What opening the vault and Today's first fill do whatever the vault, done now (the
        # table mappings, the shipped deadline rules, the language's date formats, holidays).
        from clinic_app.services import ahead

        try:
            ahead.prepare_first_screen(date.today())
        except Exception:  # a damaged pack is reported where the rules are used
            return

    def start(self) -> None:
        self.thread.start()

    @property
    def done(self) -> bool:
        """Started and finished (what it loaded is there, or failed and will fail again)."""
        return self.thread.ident is not None and not self.thread.is_alive()

    def join(self) -> None:
        if self.thread.is_alive() or self.thread.ident is not None:
            self.thread.join()
            # The loaded modules live as long as the app: set them apart from the garbage
            # collector, whose full passes over them cost a tenth of a second or more each,
            # one of them typically while the main window fills after unlocking.
            gc.freeze()


class StartWindow(QMainWindow):
    """Looks like the locked main window; the app swaps in the main window once a vault opens."""

    def __init__(self, vault_dir: Path, actor: str) -> None:
        super().__init__()
        self.setWindowTitle(_(APP_TITLE))
        fit_to_screen(self)
        self.background = Background(self)
        self.preload = Preload()
        self.unlock = UnlockWidget(vault_dir, actor, self.background)
        self.unlock.restore_requested.connect(self.restore)
        self.setCentralWidget(self.unlock)
        self.status_vault = QLabel(self.unlock.locked_label())
        self.unlock.vault_choice.toggled.connect(
            lambda _on: self.status_vault.setText(self.unlock.locked_label())
        )
        self.statusBar().addWidget(self.status_vault, 1)
        self.statusBar().addPermanentWidget(QLabel(_("Locked")))

    def restore(self) -> None:
        self.preload.join()
        from ui.backup_dialogs import RestoreDialog

        dialog = RestoreDialog(self.background, self)
        dialog.exec()
        if dialog.restored is not None:
            self.unlock.vault_dir = dialog.restored
            self.unlock.refresh()
            self.status_vault.setText(_("Vault: {folder}").format(folder=dialog.restored))

    def closeEvent(self, event: object) -> None:
        self.background.wait(10000)  # an unlock or a new vault still being written
        super().closeEvent(event)  # type: ignore[arg-type]
