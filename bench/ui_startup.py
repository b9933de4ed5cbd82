"""Start-up to a usable main window on a 10k-client vault, against a bare PySide6 window; peak memory.

Each measurement runs in a fresh interpreter (offscreen), so imports and Qt start-up are counted.
Key derivation is excluded (the vault is opened with its key already derived), as the goal says.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PASSPHRASE = "benchmark passphrase"

RSS = r"""
def rss_kib():
    # Resident memory now (the peak would count Argon2id's transient 256 MiB in the app's case).
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0
"""

BARE = (
    RSS
    + r"""
import time
t0 = time.perf_counter()
from PySide6.QtWidgets import QApplication, QMainWindow, QLabel
app = QApplication([])
w = QMainWindow(); w.setCentralWidget(QLabel("hello")); w.resize(1280, 800); w.show()
app.processEvents()
print(time.perf_counter() - t0, rss_kib())
"""
)

APP = (
    RSS
    + r"""
import sys, time
from pathlib import Path
from clinic_app.services import vault_ops
vault = vault_ops.open_vault(Path(sys.argv[1]), passphrase=sys.argv[2])  # key derivation: not counted
t0 = time.perf_counter()
from PySide6.QtWidgets import QApplication
from ui.main_window import MainWindow
app = QApplication([])
w = MainWindow(Path(sys.argv[1]), "bench"); w.resize(1280, 800); w.show()
w.on_unlocked(vault)
app.processEvents()
elapsed = time.perf_counter() - t0
print(elapsed, rss_kib())
w.lock()
"""
)


def run(code: str, *args: str) -> tuple[float, float]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True
    )
    out = done.stdout.split()
    if len(out) < 2:  # the figures are printed before exit; a crash before them is a real failure
        raise RuntimeError(f"measurement failed: {done.stderr.strip()[-500:]}")
    return float(out[-2]), float(out[-1]) / 1024  # seconds, MB


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent / "results" / "ui_startup.json"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "vault"
        env = dict(os.environ, CLINIC_APP_PASSPHRASE=PASSPHRASE)
        t0 = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "clinic_app",
                "--vault",
                str(folder),
                "demo",
                "--clients",
                str(args.clients),
            ],
            env=env,
            check=True,
            capture_output=True,
        )
        build = time.perf_counter() - t0
        bare = [run(BARE) for _ in range(args.runs)]
        app = [run(APP, str(folder), PASSPHRASE) for _ in range(args.runs)]
    bare_s = statistics.median(b[0] for b in bare)
    app_s = statistics.median(a[0] for a in app)
    results = {
        "clients": args.clients,
        "demo_build_s": round(build, 1),
        "bare_window_s_median": round(bare_s, 3),
        "app_window_s_median": round(app_s, 3),
        "ratio_app_to_bare": round(app_s / bare_s, 2),
        "goal_ratio": 1.5,
        "bare_resident_mb": round(max(b[1] for b in bare), 1),
        "app_resident_mb": round(max(a[1] for a in app), 1),
        "goal_peak_mb": 250,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    width = max(len(k) for k in results)
    for key, value in results.items():
        print(f"{key.ljust(width)}  {value}")
    print(f"saved to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
