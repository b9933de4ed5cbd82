"""The frozen build: packaging/build.py smoke-tests dist/clinic-app (building it first if missing).

Opt-in, as it takes a minute or two: pytest --package.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "dist" / "clinic-app"

pytestmark = pytest.mark.package


def test_frozen_bundle_passes_the_smoke_test(tmp_path: Path) -> None:
    report_path = tmp_path / "build-report.json"
    command = [sys.executable, str(ROOT / "packaging" / "build.py"), "--report", str(report_path)]
    if (BUNDLE / "clinic-app").is_file():
        command.append("--skip-build")
    proc = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=1800, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads(report_path.read_text(encoding="utf-8"))
    with (ROOT / "pyproject.toml").open("rb") as handle:
        version = tomllib.load(handle)["project"]["version"]
    assert report["ok"] and report["version"] == version
    assert all(step["ok"] for step in report["steps"]), report["steps"]
    assert report["bundle_mb"] > 0 and report["first_window_seconds"] > 0
