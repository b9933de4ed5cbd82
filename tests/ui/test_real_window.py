"""The app opens a real X11 window under Xvfb (not just offscreen), and the UI keeps its layering."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.ui.test_screenshots import clinic_app

UI = Path(__file__).resolve().parents[2] / "ui"
# Besides the services: language, where files live, errors (the app's, and the sentences for
# what the system refused, shared with the CLI), and the one shipped-resources helper.
ALLOWED_CORE = (
    "clinic_app.services",
    "clinic_app.i18n",
    "clinic_app.paths",
    "clinic_app.errors",
    "clinic_app.os_errors",
    "clinic_app.resources",
)


@pytest.mark.skipif(
    shutil.which("xvfb-run") is None, reason="Xvfb is not installed (scripts/setup.sh installs it)"
)
def test_app_runs_in_a_real_x11_window(sample_vault_dir: Path, tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")
    }
    env["QT_DEBUG_PLUGINS"] = "0"
    proc = subprocess.Popen(
        [
            "xvfb-run",
            "-a",
            "-s",
            "-screen 0 1280x800x24",
            clinic_app(),
            "--vault",
            str(sample_vault_dir),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        time.sleep(4)
        alive = proc.poll() is None
    finally:
        os.killpg(proc.pid, 15)
        _out, err = proc.communicate(timeout=20)
    assert alive, f"the app exited early: {err}"
    assert "could not load the Qt platform plugin" not in err
    assert "Traceback" not in err


def test_ui_talks_to_the_core_only_through_services() -> None:
    offenders = []
    for path in UI.rglob("*.py"):  # the pages too
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name.startswith("clinic_app") and not name.startswith(ALLOWED_CORE):
                    offenders.append(f"{path.name}: {name}")
    assert offenders == []
