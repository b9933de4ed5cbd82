"""Starting the desktop app, and rendering its screens offscreen to PNG files."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from clinic_app.paths import config_dir
from clinic_app.services import vault_ops
from ui.main_window import MainWindow


def _application() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName("clinic-app")
    app.setApplicationDisplayName("Clinic case manager")
    app.setStyle(
        "Fusion"
    )  # the same look on every platform; follows the system's light or dark scheme
    return app


def device_settings() -> QSettings:
    """Window layout only; never client data (it lives outside the vault, unencrypted)."""
    path = config_dir() / "window.ini"
    path.parent.mkdir(parents=True, exist_ok=True)
    return QSettings(str(path), QSettings.Format.IniFormat)


def run(*, vault_dir: Path, actor: str) -> int:
    app = _application()
    window = MainWindow(vault_dir, actor)
    settings = device_settings()
    geometry = settings.value("main/geometry")
    if geometry is not None:
        window.restoreGeometry(geometry)  # type: ignore[arg-type]
    window.show()
    code = app.exec()
    settings.setValue("main/geometry", window.saveGeometry())
    settings.sync()
    return int(code)


def screenshots(*, vault_dir: Path, passphrase: str, actor: str, out_dir: Path) -> list[Path]:
    """Render the unlock screen and the clients screen of `vault_dir` to PNG files in `out_dir`."""
    app = _application()
    window = MainWindow(vault_dir, actor)
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    written = []
    unlock_png = out_dir / "unlock.png"
    window.grab().save(str(unlock_png))
    written.append(unlock_png)
    vault = vault_ops.open_vault(vault_dir, passphrase=passphrase, actor=actor)
    window.on_unlocked(vault)
    table = window.clients.table
    if window.clients.model.rowCount() > 0:
        table.selectRow(0)
    app.processEvents()
    clients_png = out_dir / "clients.png"
    window.grab().save(str(clients_png))
    written.append(clients_png)
    window.close()
    app.processEvents()
    return written
