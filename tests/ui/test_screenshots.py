"""`clinic-app --screenshot` renders the app's screens to real PNG files, run as a user would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage


def clinic_app() -> str:
    found = shutil.which("clinic-app") or str(Path(sys.executable).with_name("clinic-app"))
    return found


def test_demo_screenshot_writes_pngs(tmp_path: Path) -> None:
    env = dict(os.environ, CLINIC_APP_PASSPHRASE="screenshot passphrase")
    env.pop("QT_QPA_PLATFORM", None)
    env.pop("DISPLAY", None)
    out = tmp_path / "shots"
    result = subprocess.run(
        [
            clinic_app(),
            "--vault",
            str(tmp_path / "v"),
            "demo",
            "--clients",
            "30",
            "--screenshot",
            str(out),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    for name in ("unlock.png", "clients.png"):
        image = QImage(str(out / name))
        assert not image.isNull(), name
        assert (image.width(), image.height()) == (1366, 768)  # a clinic laptop, by default
    # The clients screen is not blank: it has many distinct colours (text, rows, selection).
    clients = QImage(str(out / "clients.png"))
    colours = {
        clients.pixel(x, y)
        for x in range(0, clients.width(), 7)
        for y in range(0, clients.height(), 7)
    }
    assert len(colours) > 20


def test_screenshot_size_is_checked_before_anything_runs(tmp_path: Path) -> None:
    env = dict(os.environ, CLINIC_APP_PASSPHRASE="screenshot passphrase")
    result = subprocess.run(
        [
            clinic_app(),
            "--vault",
            str(tmp_path / "v"),
            "--screenshot",
            str(tmp_path / "s"),
            "--size",
            "1366by768",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "clinic-app: --size '1366by768' is not a window size; use WIDTHxHEIGHT, like 1366x768."
    )


def test_screenshots_name_the_vault_never_its_path(qtbot, sample_vault_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """Pictures meant for the documentation show the vault's name, not a path on this machine."""
    from PySide6.QtWidgets import QApplication

    from clinic_app.services import vault_ops
    from tests.conftest import PASSPHRASE
    from ui.main_window import MainWindow
    from ui.strings import SCREENSHOT_MODE

    app = QApplication.instance()
    app.setProperty(SCREENSHOT_MODE, True)
    try:
        window = MainWindow(sample_vault_dir, "tester")
        qtbot.addWidget(window)
        assert window.unlock.folder_label.text() == "Vault: vault"
        window.on_unlocked(vault_ops.open_vault(sample_vault_dir, passphrase=PASSPHRASE))
        assert window.status_vault.text() == "Vault: vault"
        window.lock()
    finally:
        app.setProperty(SCREENSHOT_MODE, False)
    window = MainWindow(sample_vault_dir, "tester")  # in daily use the whole path is shown
    qtbot.addWidget(window)
    assert window.unlock.folder_label.text() == f"Vault: {sample_vault_dir}"
