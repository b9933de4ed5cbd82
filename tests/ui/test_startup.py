"""The unlock screen shows before the database code loads; unlocking swaps in the main window."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import PASSPHRASE
from tests.ui.launch import opened_window, start_screen, unlock_with

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "docxtpl", "clinic_app.services", "ui.main_window")


def _fresh(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `code` in a new interpreter; it prints which HEAVY modules got loaded."""
    check = f"\nimport sys\nprint(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    return subprocess.run(
        [sys.executable, "-c", code + check],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_first_window_modules_load_no_database_code() -> None:
    done = _fresh("import ui.app, ui.start_window, ui.unlock", QT_QPA_PLATFORM="offscreen")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_the_main_window_loads_only_the_first_screen() -> None:
    # The other screens' modules load when first shown (ui/screens.py).
    screens = ("ui.pages.clients", "ui.pages.matters", "ui.pages.documents", "ui.pages.settings")
    code = f"import ui.main_window, sys\nprint(sorted(m for m in {screens!r} if m in sys.modules))"
    done = _fresh(code, QT_QPA_PLATFORM="offscreen")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-2] == "[]"


def test_what_loads_while_the_passphrase_is_typed_leaves_out_document_drafting() -> None:
    # The main window and Today need the vault and the deadline services only: the other
    # services (drafting, import, demo) load when a screen or a command first uses them.
    later = (
        "docxtpl",
        "jinja2",
        "alembic",
        "clinic_app.services.documents",
        "clinic_app.services.importing",
        "clinic_app.services.demo",
    )
    code = (
        "import importlib, sys\n"
        "from ui.start_window import PRELOAD\n"
        "for name in PRELOAD:\n"
        "    importlib.import_module(name)\n"
        f"print(sorted(m for m in {later!r} if m in sys.modules))"
    )
    done = _fresh(code, QT_QPA_PLATFORM="offscreen")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-2] == "[]"


def test_what_runs_while_the_passphrase_is_typed_leaves_unlocking_only_the_vault_to_read() -> None:
    # The preload thread, run to its end as the unlock screen runs it: the table mappings are
    # set up (else the vault's first query does it, inside the unlock), and still no drafting.
    code = (
        "from sqlalchemy import inspect\n"
        "from ui.start_window import Preload\n"
        "preload = Preload()\n"
        "preload.start()\n"
        "preload.join()\n"
        "from clinic_app.domain.models import Client\n"
        "mappers = inspect(Client).registry.mappers\n"
        "print(len(mappers) > 10 and all(m.configured for m in mappers))\n"
        "print('docxtpl' in sys.modules or 'alembic' in sys.modules)"
    )
    done = _fresh("import sys\n" + code, QT_QPA_PLATFORM="offscreen")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-3:-1] == ["True", "False"]


def test_clinic_app_without_a_command_loads_no_command_modules(tmp_path: Path) -> None:
    # No display: the app says so (exit 1) after parsing, which is as far as the CLI goes alone.
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["QT_QPA_PLATFORM"] = ""
    code = (
        f"from clinic_app.cli.main import main\nprint('exit', main(['--vault', {str(tmp_path)!r}]))"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            code + f"\nimport sys\nprint(sorted(m for m in {HEAVY!r} if m in sys.modules))",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = done.stdout.strip().splitlines()
    assert lines[-2] == "exit 1"
    assert "No display is available" in done.stderr
    assert lines[-1] == "[]"


def test_unlock_on_the_first_window_opens_the_main_window(qtbot, sample_vault_dir: Path) -> None:  # type: ignore[no-untyped-def]
    launcher = start_screen(qtbot, sample_vault_dir)
    assert launcher.window is launcher.start
    unlock_with(qtbot, launcher.start.unlock, PASSPHRASE)
    window = opened_window(qtbot, launcher)
    assert window.isVisible() and not launcher.start.isVisible()
    assert not window.is_locked
    window.show_page(window.clients)
    assert window.clients.model.rowCount() == 24  # the sample's workers, read from the vault
    window.lock_action.trigger()
    assert window.is_locked
    launcher.close()


def test_a_wrong_passphrase_then_the_right_one_opens_the_main_window(  # type: ignore[no-untyped-def]
    qtbot, sample_vault_dir: Path
) -> None:
    # The main window is built while the key is derived, before the passphrase is known to be
    # right: a failed attempt keeps the unlock screen in front, and the next one uses that window.
    launcher = start_screen(qtbot, sample_vault_dir)
    unlock = launcher.start.unlock
    unlock_with(qtbot, unlock, "not the passphrase")
    qtbot.waitUntil(lambda: unlock.unlock_button.isEnabled(), timeout=30_000)
    assert unlock.message.text() != ""
    assert launcher.window is launcher.start and launcher.start.isVisible()
    unlock_with(qtbot, unlock, PASSPHRASE)
    window = opened_window(qtbot, launcher)
    assert window.isVisible() and not launcher.start.isVisible()
    assert window.today.isVisible() and window.today.queue is not None  # read at unlock
    assert window.status_counts.text() == window.today.queue.summary
    launcher.close()


def test_the_first_window_reads_no_package_metadata() -> None:
    # The version is read when asked for (`clinic-app --version`), not at every start.
    done = _fresh(
        "import ui.app\nimport sys\nprint('importlib.metadata' in sys.modules)",
        QT_QPA_PLATFORM="offscreen",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-2] == "False"


def test_pyside_still_tells_modules_that_use_it_from_those_that_do_not(tmp_path: Path) -> None:
    # ui/quick_imports.py answers PySide's question (does this module's source mention PySide6?)
    # from the file's bytes: the answers stay PySide's own, 0 for a user and -1 for the rest.
    (tmp_path / "uses_qt.py").write_text("from PySide6.QtCore import QObject\n")
    (tmp_path / "plain.py").write_text("VALUE = 1\n")
    code = (
        "import sys\n"
        f"sys.path.insert(0, {str(tmp_path)!r})\n"
        "import ui, uses_qt, plain\n"
        "from shibokensupport import feature\n"
        "print(feature._mod_uses_pyside.quick,"
        " feature.pyside_feature_dict['uses_qt'], feature.pyside_feature_dict['plain'])"
    )
    done = _fresh(code, QT_QPA_PLATFORM="offscreen")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-2] == "True 0 -1"
