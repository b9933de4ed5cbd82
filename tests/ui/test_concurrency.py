"""Two processes, one vault: the desktop app holds the vault and the command line is refused in
one sentence, even while the app writes in the background; the app is refused just as clearly
when the command line holds the vault. Whatever runs when, nothing is lost or corrupted.

tests/cli/test_vault_access.py covers two command-line processes; tests/core/test_vault.py two
opens in one process.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from PySide6.QtCore import Qt

from clinic_app.services import check, clients, vault_ops
from tests.cli.conftest import CLI, Run, assert_ok, assert_one_line_error, make_env, run_cli
from tests.conftest import PASSPHRASE
from tests.core.helpers import big_csv
from tests.ui.launch import unlocked
from ui.import_wizard import ImportWizard
from ui.main_window import MainWindow

ROWS = 8000  # long enough that three command-line runs end while it writes
REFUSED = "is already open"


def _cli(folder: Path, home: Path, *args: str | Path) -> Run:
    return run_cli("--vault", folder, *args, env=make_env(home), timeout=60)


def test_cli_is_refused_while_the_window_holds_the_vault(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, sample_vault_dir: Path, isolated_home: Path
) -> None:
    unlocked(qtbot, window)
    run = _cli(sample_vault_dir, isolated_home, "clients")
    line = assert_one_line_error(run, (1, 3), REFUSED)
    assert run.stdout == ""
    assert line.startswith("clinic-app: ") and line.endswith(".")
    # A write is refused the same way, and changes nothing.
    run = _cli(sample_vault_dir, isolated_home, "clinic", "--set", "name=Another Clinic")
    assert_one_line_error(run, (1, 3), REFUSED)
    assert window.vault is not None and clients.count_clients(window.vault) == 24
    # Once the window locks, the command line opens the vault.
    window.lock()
    assert "Brenda" in assert_ok(_cli(sample_vault_dir, isolated_home, "clients")).stdout


def test_background_import_and_a_cli_run_at_the_same_time(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, sample_vault_dir: Path, isolated_home: Path, tmp_path: Path
) -> None:
    unlocked(qtbot, window)
    assert window.vault is not None
    source = big_csv(tmp_path / "workers.csv", ROWS)
    other = big_csv(tmp_path / "other.csv", 50, a_offset=ROWS)
    wizard = ImportWizard(window.vault, window.background, window)  # the window drops it on lock
    wizard.load(source)
    qtbot.waitUntil(wizard.import_button.isEnabled, timeout=60000)  # the dry run is done
    wizard.import_button.click()
    assert wizard.job is not None
    # While the import writes on the app's worker thread, the command line tries to read, to
    # check and to write the same vault, three processes at once: each is refused in one sentence.
    commands = [("clients",), ("check",), ("import", str(other))]
    procs = [
        subprocess.Popen(
            [str(CLI), "--vault", str(sample_vault_dir), *command],
            env=make_env(isolated_home),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for command in commands
    ]
    ended_during_import: dict[int, bool] = {}
    deadline = time.monotonic() + 60
    while len(ended_during_import) < len(procs) and time.monotonic() < deadline:
        qtbot.wait(20)  # the app keeps handling its events (progress) meanwhile
        for i, proc in enumerate(procs):
            if i not in ended_during_import and proc.poll() is not None:
                ended_during_import[i] = wizard.job is not None
    runs = []
    for command, proc in zip(commands, procs, strict=True):
        out, err = proc.communicate(timeout=30)
        runs.append(Run(command, proc.returncode, out.decode(), err.decode()))
    for run in runs:
        assert_one_line_error(run, (1, 3), REFUSED)
    assert any(ended_during_import.values()), "the import ended before any command-line run"
    qtbot.waitUntil(lambda: wizard.job is None, timeout=120000)
    assert f"Imported {ROWS:,} rows: {ROWS:,} clients" in wizard.summary.text()
    window.lock()

    vault = vault_ops.open_vault(sample_vault_dir, passphrase=PASSPHRASE)
    try:
        assert check.check_vault(vault).ok
        assert clients.count_clients(vault) == 24 + ROWS  # the whole import, nothing else
        assert clients.count_clients(vault, search_text=f"Apellido{ROWS - 1}") == 1
        assert clients.count_clients(vault, search_text=f"Worker{ROWS}") == 0  # the CLI's file
    finally:
        vault.close()
    # The command line's import goes through now that the app has let go.
    assert "50" in assert_ok(_cli(sample_vault_dir, isolated_home, "import", other)).stdout


HOLDER = """
import sys, time
from clinic_app.services import vault_ops
vault = vault_ops.open_vault(sys.argv[1], passphrase=sys.argv[2], actor="cli")
print("open", flush=True)
sys.stdin.readline()
vault.close()
"""


def test_window_is_refused_while_another_process_holds_the_vault(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, sample_vault_dir: Path, isolated_home: Path
) -> None:
    import sys

    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(sample_vault_dir), PASSPHRASE],
        env=make_env(isolated_home),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline().strip() == "open", holder.stderr
        window.unlock.passphrase.setText(PASSPHRASE)
        qtbot.mouseClick(window.unlock.unlock_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: REFUSED in window.unlock.message.text(), timeout=10000)
        message = window.unlock.message.text()
        assert "\n" not in message and "Traceback" not in message
        assert window.is_locked
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=30)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait(timeout=30)
    # The other process let go: the same passphrase now unlocks the window.
    unlocked(qtbot, window)
    assert window.vault is not None and check.check_vault(window.vault).ok
