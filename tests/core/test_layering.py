"""The core never imports Qt or the ui package (checked in a fresh interpreter)."""

from __future__ import annotations

import json

from tests.core.helpers import run_child

PROBE = """
import importlib, json, pkgutil, sys
import clinic_app
names = sorted(m.name for m in pkgutil.walk_packages(clinic_app.__path__, "clinic_app."))
for name in names:
    importlib.import_module(name)
print(json.dumps({
    "imported": names,
    "qt": sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "PyQt5",
                                                               "PyQt6")),
    "ui": sorted(m for m in sys.modules if m == "ui" or m.startswith("ui.")),
}))
"""


def test_core_imports_no_qt_and_no_ui() -> None:
    result = run_child(PROBE)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    imported = set(found["imported"])
    # The walk really covered the core, not just the package root.
    assert {
        "clinic_app.services.importing",
        "clinic_app.vault.vault",
        "clinic_app.search",
        "clinic_app.cli.main",
        "clinic_app.cli.gui",
        "clinic_app.domain.validators",
    } <= imported
    assert len(imported) >= 40
    assert found["qt"] == []
    assert found["ui"] == []


def test_the_probe_would_see_qt() -> None:
    """The same probe notices a Qt import (so the test above can fail)."""
    result = run_child(
        PROBE.replace(
            "for name in names:",
            "import json as PySide6\nsys.modules['PySide6'] = PySide6\nfor name in names:",
        )
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1])["qt"] == ["PySide6"]
