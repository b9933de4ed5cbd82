"""Starting the desktop app, and rendering its screens offscreen to PNG files."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QLibraryInfo,
    QMessageLogContext,
    QSettings,
    QTimer,
    QtMsgType,
    QTranslator,
    qInstallMessageHandler,
)
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMainWindow
from shiboken6 import isValid

from clinic_app.i18n import _, current_language, set_language, set_local_dates
from clinic_app.paths import config_dir
from clinic_app.resources import resource_path
from ui.screen_fit import clamp_to_screen
from ui.start_window import StartWindow
from ui.strings import SCREENSHOT_MODE

if TYPE_CHECKING:  # loaded after the unlock screen is shown (ui/start_window.py)
    from clinic_app.services.vault_ops import Vault
    from ui.main_window import MainWindow


def _application() -> QApplication:
    # The same look on every platform (Fusion follows the system's light or dark scheme). Named
    # on the command line it costs nothing; setStyle afterwards costs a twentieth of the first
    # window (it builds a second style, and PySide the Python side of QStyle).
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication([*sys.argv[:1], "-style", "Fusion"])
    elif app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    app.setApplicationName("clinic-app")
    app.setApplicationDisplayName("Clinic case manager")
    app.setDesktopFileName("clinic-app")  # Wayland matches the window to clinic-app.desktop
    app.setWindowIcon(app_icon())
    return app


# Set by packaging/build.py to time the start-up: report the first window, then quit.
FIRST_WINDOW_ENV = "CLINIC_APP_QUIT_AFTER_FIRST_WINDOW"
FIRST_WINDOW_LINE = "clinic-app: first window shown"


def app_icon() -> QIcon:
    """The app's icon at every size packaging/make_icons.py rendered (PNG, so no SVG plugin is
    needed to show it); Qt reads each file's size itself."""
    icon = QIcon()
    for path in sorted(resource_path("icons").glob("clinic-app-*.png")):
        icon.addFile(str(path))
    return icon


def device_settings() -> QSettings:
    """Window layout only; never client data (it lives outside the vault, unencrypted)."""
    path = config_dir() / "window.ini"
    path.parent.mkdir(parents=True, exist_ok=True)
    return QSettings(str(path), QSettings.Format.IniFormat)


def apply_language(app: QApplication, lang: str) -> None:
    """Switch our catalogs and Qt's own (standard dialogs and buttons) to `lang`."""
    set_language(lang)
    set_local_dates(True)  # the desktop writes dates as its language does; the CLI keeps ISO
    app.setApplicationDisplayName(_("Clinic case manager"))
    while _qt_catalogs:
        old = _qt_catalogs.pop()
        if isValid(old):
            app.removeTranslator(old)
            old.deleteLater()
    if current_language() != "en":
        translator = QTranslator(app)
        _qt_catalogs.append(translator)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if translator.load(f"qtbase_{current_language()}", folder):
            app.installTranslator(translator)
        from ui.qt_gaps import catalog  # a few of Qt's words its own catalog leaves out

        gaps = QTranslator(app)
        _qt_catalogs.append(gaps)
        if gaps.load(str(catalog(current_language()))):
            app.installTranslator(gaps)  # the last installed is asked first


# Qt's catalogs apply_language put in, kept here rather than found again with findChildren,
# which would wrap every child of the application (the style too: a tenth of the first window).
_qt_catalogs: list[QTranslator] = []


class AppController:
    """Owns the main window; a language switch builds a new window and hands it the open vault."""

    def __init__(
        self, app: QApplication, vault_dir: Path, actor: str, lang: str | None = None
    ) -> None:
        self.app, self.vault_dir, self.actor = app, vault_dir, actor
        self.settings = device_settings()
        # --lang wins for this run only; the remembered choice changes only in Settings.
        apply_language(app, lang or str(self.settings.value("language", "en")))
        self.window = self._new_window()

    def _new_window(self) -> MainWindow:
        from ui.main_window import MainWindow

        window = MainWindow(self.vault_dir, self.actor)
        window.language_changed.connect(self.switch_language)
        return window

    def switch_language(self, lang: str) -> None:
        self.settings.setValue("language", lang)
        apply_language(self.app, lang)
        old = self.window
        vault = old.hand_over_vault()
        self.window = self._new_window()
        self.window.restoreGeometry(old.saveGeometry())
        clamp_to_screen(self.window)
        self.window.show()
        if vault is not None:
            self.window.on_unlocked(vault)
            self.window.show_page(self.window.settings)
        old.close()
        old.deleteLater()


class Launcher:
    """Shows the unlock screen first, and swaps in the main window once a vault opens."""

    def __init__(
        self, app: QApplication, vault_dir: Path, actor: str, lang: str | None = None
    ) -> None:
        self.app, self.actor, self.lang = app, actor, lang
        self.settings = device_settings()
        # --lang wins for this run only; the remembered choice changes only in Settings.
        apply_language(app, lang or str(self.settings.value("language", "en")))
        self.start = StartWindow(vault_dir, actor)
        geometry = self.settings.value("main/geometry")
        if geometry is not None:
            self.start.restoreGeometry(geometry)  # type: ignore[arg-type]
            clamp_to_screen(self.start)
        self.start.unlock.unlocked.connect(self._unlocked)
        self.controller: AppController | None = None
        self._ready: AppController | None = None  # built, hidden, while the person types

    def show(self) -> None:
        self.start.show()
        # The rest of the app loads while the person types, from once the event loop has shown
        # the window: started sooner, its imports would hold the interpreter while Qt paints.
        QTimer.singleShot(0, self.start.preload.start)
        QTimer.singleShot(0, self._prepare)

    def _prepare(self) -> None:
        # Once the rest has loaded (usually before the passphrase is typed), build the main
        # window hidden, then its first screen, each in one turn of the event loop so typing
        # stays fluid: pressing Unlock then leaves only the key derivation and Today's rows.
        if self.controller is not None:
            return
        if self._ready is not None:
            self._ready.window.build_first_screen()
            return
        if not self.start.preload.done:  # look again soon, the window answering meanwhile
            QTimer.singleShot(20, self._prepare)
            return
        self.start.preload.join()
        self._ready = AppController(self.app, self.start.unlock.vault_dir, self.actor, self.lang)
        QTimer.singleShot(0, self._prepare)

    def _unlocked(self, vault: Vault) -> None:
        # Key derivation has hidden most of the loading; wait for what is left, then swap windows.
        self.start.preload.join()
        folder = self.start.unlock.vault_dir
        ready, self._ready = self._ready, None
        if ready is None or ready.vault_dir != folder:  # another folder was chosen meanwhile
            if ready is not None:
                ready.window.close()
                ready.window.deleteLater()
            ready = AppController(self.app, folder, self.actor, self.lang)
        self.controller = ready
        window = self.controller.window
        window.restoreGeometry(self.start.saveGeometry())
        clamp_to_screen(window)
        window.show()
        window.on_unlocked(vault)
        self.start.hide()

    @property
    def window(self) -> QMainWindow:
        """The window in front: the unlock screen until the first unlock, then the main window."""
        return self.controller.window if self.controller is not None else self.start

    def close(self) -> None:
        self.settings.setValue("main/geometry", self.window.saveGeometry())
        self.settings.sync()
        # Tear the windows down while Qt is still alive, not during interpreter shutdown.
        windows = [self.start, self.window]
        if self._ready is not None:  # built for an unlock that did not succeed
            windows.append(self._ready.window)
        for window in windows:
            window.close()
            window.deleteLater()
        self.app.processEvents()


def run(*, vault_dir: Path, actor: str, lang: str | None = None) -> int:
    from ui import crash

    crash.install()  # the running desktop only: tests keep pytest-qt's own hook
    app = _application()
    launcher = Launcher(app, vault_dir, actor, lang)
    launcher.show()
    if os.environ.get(FIRST_WINDOW_ENV):
        QTimer.singleShot(0, lambda: _report_first_window(app))
    code = app.exec()
    launcher.close()
    return int(code)


def _report_first_window(app: QApplication) -> None:
    # Runs once the event loop has shown (and painted) the first window.
    print(FIRST_WINDOW_LINE, flush=True)
    app.quit()


def _quiet_offscreen(_mode: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    # The offscreen platform warns about window hints it cannot honour; nothing to act on.
    if "propagateSizeHints" not in message:
        sys.stderr.write(message + "\n")


SCREENSHOT_SIZE = (1366, 768)  # a typical clinic laptop's screen


def screenshots(
    *,
    vault_dir: Path,
    passphrase: str,
    actor: str,
    out_dir: Path,
    size: tuple[int, int] = SCREENSHOT_SIZE,
    lang: str | None = None,
) -> list[Path]:
    """Render the unlock screen and every main screen of `vault_dir` to PNG files in `out_dir`,
    the window `size` pixels (a 1366×768 laptop screen by default)."""
    from clinic_app.services import vault_ops
    from ui.main_window import MainWindow

    qInstallMessageHandler(_quiet_offscreen)
    app = _application()
    app.setProperty(SCREENSHOT_MODE, True)  # the vault's name on screen, never its path
    apply_language(app, lang or str(device_settings().value("language", "en")))
    window = MainWindow(vault_dir, actor)
    window.resize(*size)
    window.show()
    written: list[Path] = []

    def shot(name: str) -> None:
        app.processEvents()
        path = out_dir / f"{name}.png"
        window.grab().save(str(path))
        written.append(path)

    shot("unlock")
    vault = vault_ops.open_vault(vault_dir, passphrase=passphrase, actor=actor)
    window.on_unlocked(vault)
    for page in window.pages:
        window.show_page(page)
        if page is window.clients and window.clients.model.rowCount() > 0:
            window.clients.table.selectRow(0)
        if page is window.matters and window.matters.model.rowCount() > 0:
            window.matters.table.selectRow(0)
        shot(
            SCREENSHOT_NAMES.get(
                page.title, page.title.lower().replace(" & ", "-").replace(" ", "-")
            )
        )
    window.close()
    app.processEvents()
    return written


# File names the README and the issue refer to, by screen title.
SCREENSHOT_NAMES = {"Matters": "matter", "Employers & letters": "employers"}
