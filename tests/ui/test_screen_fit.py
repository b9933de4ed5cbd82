"""The window fits a 1366×768 laptop screen: on first start, and when a larger layout is restored."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import sys
from pathlib import Path
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication
app = QApplication([])
from ui.main_window import MainWindow
from ui.screen_fit import clamp_to_screen
window = MainWindow(Path(sys.argv[1]), "tester")
window.show()
app.processEvents()
area = window.screen().availableGeometry()
first = window.frameGeometry()
# A layout saved on a big monitor, restored on the laptop.
window.setGeometry(QRect(300, 200, 1900, 1050))
clamp_to_screen(window)
app.processEvents()
restored = window.frameGeometry()
status_bottom = window.statusBar().mapTo(window, window.statusBar().rect().bottomLeft()).y()
print(area.width(), area.height(), first.x(), first.y(), first.width(), first.height(),
      restored.x(), restored.y(), restored.width(), restored.height(), status_bottom, window.height())
"""


def test_window_fits_the_available_area_and_never_restores_larger(tmp_path: Path) -> None:
    # A laptop screen of 1366×768 (Qt's offscreen platform reads its screens from this file).
    config = tmp_path / "screens.json"
    config.write_text(
        json.dumps(
            {
                "windowFrameMargins": True,
                "screens": [
                    {"name": "laptop", "x": 0, "y": 0, "width": 1366, "height": 768, "dpr": 1}
                ],
            }
        )
    )
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}")
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "no-vault-yet")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    numbers = [int(n) for n in result.stdout.split()]
    aw, ah, fx, fy, fw, fh, rx, ry, rw, rh, status_bottom, height = numbers
    assert (aw, ah) == (1366, 768)
    assert fx >= 0 and fy >= 0 and fx + fw <= aw and fy + fh <= ah  # first start
    assert rx >= 0 and ry >= 0 and rx + rw <= aw and ry + rh <= ah  # restored from 1900×1050
    assert status_bottom <= height  # the status bar is on screen
