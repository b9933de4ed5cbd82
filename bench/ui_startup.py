"""Start-up against a bare PySide6 window: the first (unlock) window, and unlock to a usable main
window on a 10k-client vault; memory."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench import common

# Each measurement runs in a fresh interpreter (offscreen), so imports and Qt start-up are
# counted, and drives the app as `clinic-app` does (ui.app: the application object, the
# launcher, its unlock screen). Two figures:
# - the first window: from the first import of ui.app to the unlock screen shown (painted);
# - unlock to a usable main window: from "Unlock" pressed to the main window shown with Today's
#   rows in it, minus the key derivation (Argon2id, timed where it runs in that unlock). What
#   the typing and the key derivation did not hide counts (opening the database included), and
#   so does anything that slowed the derivation down by running beside it. The passphrase is typed
#   one character at a time from the moment the unlock screen shows, in TYPING_S (fast: 20
#   characters a second); the same with Unlock pressed as soon as the screen shows (nothing
#   hidden by typing) is reported beside it.
# Memory is read from /proc: the resident size at the end and the peak, reset when the vault
# has opened, since Argon2id's 256 MiB working memory is transient and belongs to the unlock.

TYPING_S = 1.0

MEMORY = r"""
def memory_kib():
    fields = {}
    for line in open("/proc/self/status"):
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0])
    return fields.get("VmRSS", 0), fields.get("VmHWM", 0)

def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")  # Linux: the peak resident size restarts from the current one
    except OSError:
        pass
"""

BARE = (
    MEMORY
    + r"""
import time
t0 = time.perf_counter()
from PySide6.QtWidgets import QApplication, QMainWindow, QLabel
app = QApplication([])
w = QMainWindow(); w.setCentralWidget(QLabel("hello")); w.resize(1280, 800); w.show()
app.processEvents()
elapsed = time.perf_counter() - t0
print(elapsed, *memory_kib(), memory_kib()[1])
"""
)

APP = (
    MEMORY
    + r"""
import time
t0 = time.perf_counter()
import sys
from pathlib import Path
from ui import app as ui_app
imported = time.perf_counter()
qapp = ui_app._application()
launcher = ui_app.Launcher(qapp, Path(sys.argv[1]), "bench")
launcher.start.resize(1280, 800)
launcher.show()
qapp.processEvents()
unlock_screen = time.perf_counter()
unlock = launcher.start.unlock
# Each key derivation (Argon2id) is timed where it runs, so exactly its time is left out.
from clinic_app.vault import keyslots
derivations = []
plain_derive = keyslots.KdfParams.derive
def timed_derive(self, secret, salt):
    start = time.perf_counter()
    try:
        return plain_derive(self, secret, salt)
    finally:
        derivations.append(time.perf_counter() - start)
keyslots.KdfParams.derive = timed_derive
marks = {}
def opened(_vault):  # runs first: the vault is open, the main window not yet shown
    marks["with_unlock"] = memory_kib()[1]
    reset_peak()
def usable(_vault):  # runs after the launcher's own slot: the main window is shown and filled
    window = launcher.controller.window
    assert window.isVisible() and window.today.rows, "Today shows no rows"
    qapp.processEvents()  # painted
    marks["done"] = time.perf_counter()
    marks["derivations"] = len(derivations)
    qapp.quit()
unlock.unlocked.disconnect(launcher._unlocked)
unlock.unlocked.connect(opened)
unlock.unlocked.connect(launcher._unlocked)
unlock.unlocked.connect(usable)
from PySide6.QtCore import QTimer
typed = list(sys.argv[2])
pressed = 0.0
def type_one():  # one character per tick, the event loop running between them
    global pressed
    if typed:
        unlock.passphrase.insert(typed.pop(0))
        return
    ticks.stop()
    pressed = time.perf_counter()
    unlock.unlock_button.click()
ticks = QTimer()
ticks.setInterval(int(1000 * float(sys.argv[3]) / len(typed)))
ticks.timeout.connect(type_one)
ticks.start()
QTimer.singleShot(120_000, qapp.quit)  # an unlock that never ends fails the run, below
qapp.exec()
resident, peak = memory_kib()
window = launcher.controller.window
window.lock()
from clinic_app.services import vault_ops
alone = time.perf_counter()
vault_ops.open_vault(Path(sys.argv[1]), passphrase=sys.argv[2], actor="bench").close()
alone = time.perf_counter() - alone
usable_s = marks["done"] - pressed - sum(derivations[:marks["derivations"]])
phases = (imported - t0, unlock_screen - imported, usable_s)
print(*phases, unlock_screen - t0, resident, peak, max(marks["with_unlock"], peak), alone)
"""
)


# The app's own modules compiled to bytecode, as an installed app has them (pip compiles at
# install, the frozen bundle ships .pyc) and as the libraries of both windows already are: a
# checkout run with PYTHONDONTWRITEBYTECODE would otherwise compile them from source at every
# start, which no installed app does. The first (discarded) run of each script writes them here.
PYCACHE = Path(tempfile.gettempdir()) / "clinic-app-bench" / "pycache"


def run(code: str, *args: str) -> list[float]:
    """The figures the script prints last: seconds first, then memory in KiB."""
    with tempfile.TemporaryDirectory(prefix="clinic-app-bench-config-") as config:
        # The app's device settings (window layout, last way in) go to a folder of their own.
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=config)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
        done = subprocess.run(
            [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True
        )
    lines = done.stdout.strip().splitlines()
    if not lines:  # the figures are printed before exit; a crash before them is a real failure
        raise RuntimeError(f"measurement failed: {done.stderr.strip()[-500:]}")
    return [float(x) for x in lines[-1].split()]


def measure(folder: Path, runs: int) -> dict[str, Any]:
    """Median start-up of both windows over `runs` fresh interpreters, and their memory."""
    bare, app, at_once = [], [], []
    run(BARE)  # once first, discarded: bytecode written (PYCACHE), files in the page cache
    run(APP, str(folder), common.PASSPHRASE, "0")
    for _ in range(runs):  # interleaved, so a change in the machine's load touches all three
        bare.append(run(BARE))  # seconds, resident, peak, peak
        app.append(run(APP, str(folder), common.PASSPHRASE, str(TYPING_S)))
        at_once.append(run(APP, str(folder), common.PASSPHRASE, "0"))
    # app: imports, unlock screen shown, unlock to a usable main window, first window in all;
    # then resident, peak, peak with the unlock; the unlock alone
    bare_s = statistics.median(b[0] for b in bare)
    app_s = statistics.median(a[3] for a in app)
    usable_s = statistics.median(a[2] for a in app)

    def mb(values: list[float]) -> float:
        return round(max(values) / 1024, 1)

    return {
        "runs": runs,
        "bare_window_s_median": round(bare_s, 3),
        "app_window_s_median": round(app_s, 3),
        "app_window_s_all": [round(a[3], 3) for a in app],
        "unlock_to_usable_s_median": round(usable_s, 3),
        "unlock_to_usable_s_all": [round(a[2], 3) for a in app],
        "app_phases_s_median": {
            name: round(statistics.median(a[i] for a in app), 3)
            for i, name in enumerate(("imports", "unlock_screen_shown", "usable_after_unlock"))
        },
        "passphrase_typed_in_s": TYPING_S,
        "unlock_to_usable_pressed_at_once_s_median": round(
            statistics.median(a[2] for a in at_once), 3
        ),
        "unlock_to_usable_pressed_at_once_s_all": [round(a[2], 3) for a in at_once],
        "unlock_alone_s_median": round(statistics.median(a[7] for a in app), 3),
        "ratio_app_to_bare": round(app_s / bare_s, 2),
        "ratio_usable_to_bare": round(usable_s / bare_s, 2),
        "bare_resident_mb": mb([b[1] for b in bare]),
        "bare_peak_mb": mb([b[2] for b in bare]),
        "app_resident_mb": mb([a[4] for a in app]),
        "app_peak_mb": mb([a[5] for a in app]),
        "app_peak_mb_with_unlock": mb([a[6] for a in app]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--fresh", action="store_true", help="rebuild the demo vault")
    parser.add_argument("--out", type=Path, default=common.RESULTS_DIR / "ui_startup.json")
    args = parser.parse_args(argv)
    folder, built = common.demo_vault(args.clients, fresh=args.fresh)
    results: dict[str, Any] = common.machine() | {
        "load_average_at_start": common.load_average(),
        "clients": args.clients,
        "demo_build_s": round(built, 1) if built is not None else "reused",
    }
    results.update(measure(folder, args.runs))
    results |= {"goal_ratio": 1.5, "goal_unlock_to_usable_s": 0.15, "goal_peak_mb": 250}
    common.publish(args.out, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
