"""Builds the Linux one-folder bundle with PyInstaller, then smoke-tests the built executable.

Run: .venv/bin/python packaging/build.py [--skip-build] [--dist DIR] [--report FILE] [--archive]

Every check runs the frozen `clinic-app` (never the source) with a clean environment: no
PYTHONPATH or virtualenv, HOME and XDG folders in a temporary folder, which is also the working
directory, and Qt's offscreen platform. The bundle's size and time to first window go to
packaging/build-report.json. Exits 1 with one line saying which step failed and why.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import select
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "packaging" / "clinic-app.spec"
LINUX_FILES = ROOT / "packaging" / "linux"
WORK = ROOT / "build" / "pyinstaller"
DEFAULT_DIST = ROOT / "dist"
DEFAULT_REPORT = ROOT / "packaging" / "build-report.json"
APP = "clinic-app"
PASSPHRASE = "smoke test passphrase"
# The same as ui.app.FIRST_WINDOW_ENV / FIRST_WINDOW_LINE (not imported: that would load Qt here).
FIRST_WINDOW_ENV = "CLINIC_APP_QUIT_AFTER_FIRST_WINDOW"
FIRST_WINDOW_LINE = "clinic-app: first window shown"
FIRST_WINDOW_RUNS = 3
DEMO_CLIENTS = 60  # enough that some agency letter covers a batch big enough for worker processes
SCREENSHOTS = ("unlock", "today", "clients", "matter", "employers", "deadlines", "documents")
# Files the frozen app needs that come from other packages (paths inside the bundle's _internal).
BUNDLED_FROM_PACKAGES = (
    "PySide6/Qt/translations/qtbase_es.qm",  # loaded by ui/app.py for Spanish
    "PySide6/Qt/plugins/platforms/libqoffscreen.so",
    "PySide6/Qt/plugins/platforms/libqxcb.so",
    "PySide6/Qt/plugins/platforms/libqwayland.so",
    "PySide6/Qt/plugins/printsupport/libcupsprintersupport.so",  # printing the recovery code
    "babel/locale-data/root.dat",
    "babel/locale-data/es.dat",
    "holidays/locale/en_US/LC_MESSAGES/US.mo",
    "docx/templates/default.docx",
)


class StepFailed(Exception):
    """A build or smoke-test step failed; the message says what to do."""


@dataclass(frozen=True)
class Run:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    def describe(self) -> str:
        tail = (self.stderr.strip() or self.stdout.strip()).splitlines()[-5:]
        return f"'{APP} {' '.join(self.args)}' exited {self.returncode}: " + " | ".join(tail)


@dataclass
class Report:
    version: str
    data: dict[str, Any] = field(default_factory=dict)
    steps: list[dict[str, Any]] = field(default_factory=list)

    def step(self, name: str, action: Callable[[], str | None]) -> None:
        """Run one named step, print its outcome and time, record it; a failure stops the run."""
        print(f"build: {name} ...", flush=True)
        started = time.perf_counter()
        try:
            note = action()
        except StepFailed as exc:
            self.steps.append({"step": name, "ok": False, "error": str(exc)})
            raise StepFailed(f"{name}: {exc}") from None
        seconds = round(time.perf_counter() - started, 2)
        self.steps.append({"step": name, "ok": True, "seconds": seconds})
        print(f"build:   ok ({seconds:.1f} s){': ' + note if note else ''}", flush=True)


# -- version, PyInstaller, build -----------------------------------------------------------------


def pyproject() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle)


def ensure_pyinstaller() -> str:
    """Install the `package` extra (PyInstaller, pinned in constraints.txt) if it is missing."""
    try:
        import PyInstaller
    except ImportError:
        wanted = pyproject()["project"]["optional-dependencies"]["package"]
        command = [sys.executable, "-m", "pip", "install", "--quiet"]
        command += ["-c", str(ROOT / "constraints.txt"), *wanted]
        if subprocess.run(command, check=False).returncode != 0:
            raise StepFailed("installing PyInstaller: pip failed; see its message above") from None
        import PyInstaller
    return str(PyInstaller.__version__)


def build_bundle(dist: Path) -> None:
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean"]
    command += ["--log-level", "WARN", "--distpath", str(dist), "--workpath", str(WORK), str(SPEC)]
    if subprocess.run(command, cwd=ROOT, check=False).returncode != 0:
        raise StepFailed("PyInstaller failed; its messages are above")


def install_desktop_files(bundle: Path, version: str) -> None:
    """share/ in the bundle: the .desktop file, AppStream metadata (with this release) and icons,
    laid out like /usr/share so that copying share/ into a prefix installs them."""
    share = bundle / "share"
    if share.exists():
        shutil.rmtree(share)
    (share / "applications").mkdir(parents=True)
    shutil.copy2(LINUX_FILES / f"{APP}.desktop", share / "applications")
    tree = ET.parse(LINUX_FILES / f"{APP}.metainfo.xml")
    releases = ET.SubElement(tree.getroot(), "releases")
    today = datetime.now(UTC).date().isoformat()
    ET.SubElement(releases, "release", version=version, date=today)
    ET.indent(tree, space="  ")
    (share / "metainfo").mkdir()
    tree.write(share / "metainfo" / f"{APP}.metainfo.xml", encoding="UTF-8", xml_declaration=True)
    icons = ROOT / "resources" / "icons"
    for png in icons.glob(f"{APP}-*.png"):
        size = png.stem.rsplit("-", 1)[1]
        folder = share / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(png, folder / f"{APP}.png")
    scalable = share / "icons" / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True)
    shutil.copy2(icons / f"{APP}.svg", scalable / f"{APP}.svg")


def write_archive(bundle: Path, version: str) -> Path:
    """dist/clinic-app-<version>-linux-<machine>.tar.gz and its .sha256 next to it."""
    archive = bundle.parent / f"{APP}-{version}-linux-{platform.machine()}.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(bundle, arcname=f"{APP}-{version}")
    with archive.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    archive.with_name(archive.name + ".sha256").write_text(f"{digest}  {archive.name}\n")
    return archive


# -- running the frozen app ---------------------------------------------------------------------


def clean_env(base: Path, **extra: str) -> dict[str, str]:
    """Nothing from the developer's shell: no PYTHONPATH, virtualenv, CLINIC_APP_* or display."""
    home = base / "home"
    env = {
        "PATH": os.defpath,
        "LANG": "C.UTF-8",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "TMPDIR": str(base / "tmp"),
        "QT_QPA_PLATFORM": "offscreen",
        "CLINIC_APP_USER": "smoke-test",
        "CLINIC_APP_PASSPHRASE": PASSPHRASE,
    }
    for folder in (home, base / "tmp"):
        folder.mkdir(parents=True, exist_ok=True)
    env.update(extra)
    return env


def worker_pids(executable: Path) -> set[int]:
    """Processes that are batch-rendering workers started from `executable` (Linux /proc)."""
    found: set[int] = set()
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:  # the process ended meanwhile
            continue
        if (
            len(argv) > 1
            and argv[0] == os.fsencode(executable)
            and argv[1] == b"--multiprocessing-fork"
        ):
            found.add(int(proc.name))
    return found


class FrozenApp:
    """The built executable, run in a scratch folder with a clean environment."""

    def __init__(self, executable: Path, scratch: Path) -> None:
        self.executable = executable
        self.scratch = scratch
        self.env = clean_env(scratch)
        self.workers_seen: set[int] = set()

    def run(self, *args: str, watch_workers: bool = False, timeout: float = 300) -> Run:
        proc = subprocess.Popen(
            [str(self.executable), *args],
            cwd=self.scratch,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        collected: dict[str, bytes] = {}

        def communicate() -> None:
            try:
                collected["out"], collected["err"] = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                collected["out"], collected["err"] = proc.communicate()
                collected["err"] += f"\n(killed after {timeout:.0f} s)".encode()

        reader = threading.Thread(target=communicate)
        reader.start()
        while reader.is_alive():
            if watch_workers:  # batch rendering starts them; they live for a second or two
                self.workers_seen |= worker_pids(self.executable)
            reader.join(0.1)
        return Run(
            args,
            proc.returncode,
            collected.get("out", b"").decode("utf-8", "replace"),
            collected.get("err", b"").decode("utf-8", "replace"),
        )

    def ok(self, *args: str, watch_workers: bool = False) -> Run:
        """Run a command that must succeed quietly: exit 0 and nothing on stderr."""
        run = self.run(*args, watch_workers=watch_workers)
        if run.returncode != 0 or run.stderr.strip():
            raise StepFailed(run.describe())
        return run

    def first_window_seconds(self, *, x11: bool = False) -> float:
        """Wall time from starting the process to the app saying its first window is shown.

        Offscreen by default; with `x11`, on a real X server (Xvfb) through the bundled xcb plugin.
        """
        env = clean_env(self.scratch, **{FIRST_WINDOW_ENV: "1"})
        del env["CLINIC_APP_PASSPHRASE"]  # the window asks for it; nothing should read it
        command = [str(self.executable), "--vault", "vault"]
        if x11:
            del env["QT_QPA_PLATFORM"]
            command = ["xvfb-run", "--auto-servernum", *command]
        started = time.perf_counter()
        proc = subprocess.Popen(
            command,
            cwd=self.scratch,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 120)
        line = proc.stdout.readline() if ready else ""  # the app prints it, then quits
        elapsed = time.perf_counter() - started
        if not ready:
            proc.kill()
        out, err = proc.communicate(timeout=60)
        if line.strip() != FIRST_WINDOW_LINE or proc.returncode != 0 or "Traceback" in err:
            tail = " | ".join((line + out + err).strip().splitlines()[-5:])
            raise StepFailed(f"the window did not open (exit {proc.returncode}): {tail}")
        return elapsed


# -- checks -------------------------------------------------------------------------------------


def bundle_size(bundle: Path) -> tuple[int, int]:
    """(bytes, files) of the bundle as unpacked on disk, symbolic links not followed."""
    total = files = 0
    for path in bundle.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += path.stat().st_size
            files += 1
    return total, files


def check_contents(internal: Path, version: str) -> str:
    """Every shipped resource and migration, and the other packages' data files, are bundled."""
    missing = []
    for source, dest, skip in (
        (ROOT / "resources", internal / "resources", {".po", ".pot"}),
        (
            ROOT / "clinic_app" / "vault" / "migrations",
            internal / "clinic_app/vault/migrations",
            set(),
        ),
    ):
        for path in source.rglob("*"):
            if path.is_dir() or path.suffix in skip or path.name.startswith("."):
                continue
            if "__pycache__" in path.parts:
                continue
            if not (dest / path.relative_to(source)).is_file():
                missing.append(str(path.relative_to(ROOT)))
    missing += [name for name in BUNDLED_FROM_PACKAGES if not (internal / name).is_file()]
    if not list((internal / "sqlcipher3").glob("_sqlite3*")):
        missing.append("sqlcipher3/_sqlite3 (the SQLCipher module)")
    bundled_version = internal / "clinic_app" / "VERSION"
    if not bundled_version.is_file() or bundled_version.read_text().strip() != version:
        missing.append(f"clinic_app/VERSION saying {version}")
    if missing:
        raise StepFailed("missing from the bundle: " + ", ".join(missing))
    return "resources, migrations, Qt plugins and translations, babel, holidays, docx, sqlcipher3"


def check_libraries(internal: Path) -> str:
    """Every bundled library and plugin finds what it links against; no broken links.

    A library PyInstaller leaves to the target system on purpose (libGL, libxcb, libwayland-*:
    they must match the system's drivers and display server) may be missing on the build machine;
    any other missing library means the bundle is incomplete.
    """
    from PyInstaller.depend.dylib import include_library

    broken = [
        p.relative_to(internal) for p in internal.rglob("*") if p.is_symlink() and not p.exists()
    ]
    if broken:
        raise StepFailed("broken symbolic links: " + ", ".join(map(str, broken)))
    if shutil.which("ldd") is None:
        return "ldd not found; skipped the link check"
    env = {"PATH": os.defpath, "LD_LIBRARY_PATH": str(internal)}  # as the bootloader sets it
    missing: dict[str, set[str]] = {}
    elves = [p for p in internal.rglob("*.so*") if p.is_file() and not p.is_symlink()]
    for path in elves:
        out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env).stdout
        for name in re.findall(r"^\s*(\S+) => not found", out, re.MULTILINE):
            missing.setdefault(name, set()).add(str(path.relative_to(internal)))
    incomplete = sorted(name for name in missing if include_library(name))
    if incomplete:
        needed_by = {name: sorted(missing[name])[0] for name in incomplete}
        raise StepFailed(
            "libraries not found: "
            + ", ".join(f"{name} (for {user})" for name, user in needed_by.items())
            + ". Install them on the build machine (scripts/setup.sh lists Qt's) and build again, "
            "or drop what needs them in packaging/clinic-app.spec"
        )
    note = f"{len(elves)} libraries and plugins resolve"
    from_system = sorted(missing)
    if from_system:
        note += " (" + ", ".join(from_system) + " come from the user's system, not the bundle)"
    return note


def check_desktop_files(bundle: Path) -> str:
    share = bundle / "share"
    desktop = share / "applications" / f"{APP}.desktop"
    metainfo = share / "metainfo" / f"{APP}.metainfo.xml"
    for path in (desktop, metainfo, share / "icons/hicolor/256x256/apps" / f"{APP}.png"):
        if not path.is_file():
            raise StepFailed(f"{path.relative_to(bundle)} is missing; build without --skip-build")
    try:
        ET.parse(metainfo)
    except ET.ParseError as exc:
        raise StepFailed(f"{metainfo.name} is not well-formed XML: {exc}") from None
    notes = ["metainfo is well-formed XML"]
    if shutil.which("desktop-file-validate"):
        proc = subprocess.run(
            ["desktop-file-validate", str(desktop)], capture_output=True, text=True
        )
        if proc.returncode != 0 or "error:" in proc.stdout:
            raise StepFailed(f"desktop-file-validate: {proc.stdout.strip()}")
        notes.append("desktop-file-validate passed")
    if shutil.which("appstreamcli"):
        proc = subprocess.run(
            ["appstreamcli", "validate", "--no-net", str(metainfo)], capture_output=True, text=True
        )
        errors = [line for line in proc.stdout.splitlines() if line.startswith("E:")]
        if errors:
            raise StepFailed("appstreamcli: " + " | ".join(errors))
        # Warnings are reported, not fatal: the id is not reverse-DNS (see packaging/README.md).
        warnings = [line.split()[2] for line in proc.stdout.splitlines() if line.startswith("W:")]
        notes.append("appstreamcli: no errors" + (f", warnings {warnings}" if warnings else ""))
    return "; ".join(notes)


def docx_text(path: Path) -> str:
    """The text of a .docx the built app wrote, read with python-docx as the app itself reads it."""
    from clinic_app.documents.engine import read_text

    return "\n".join(read_text(path.read_bytes()))


def smoke_test(bundle: Path, version: str, report: Report) -> None:
    """Exercise the built executable: CLI, documents (also in worker processes), GUI offscreen."""
    from clinic_app.documents.batch import PARALLEL_FROM

    executable = bundle / APP
    internal = bundle / "_internal"
    if not executable.is_file():
        where = os.path.relpath(executable)
        raise StepFailed(f"no built executable at {where}; build first (without --skip-build)")
    size, files = bundle_size(bundle)
    report.data.update(bundle_bytes=size, bundle_mb=round(size / 1e6, 1), bundle_files=files)
    print(f"build: bundle {bundle.name}/: {size / 1e6:.1f} MB unpacked in {files} files")

    report.step("bundle contents", lambda: check_contents(internal, version))
    report.step("bundled libraries", lambda: check_libraries(internal))
    report.step("desktop files", lambda: check_desktop_files(bundle))

    with tempfile.TemporaryDirectory(prefix="clinic-app-smoke-") as scratch:
        app = FrozenApp(executable, Path(scratch))

        def version_check() -> str:
            out = app.ok("--version").stdout.strip()
            if out != f"{APP} {version}":
                raise StepFailed(f"--version printed {out!r}, pyproject.toml says {version}")
            return out

        def init() -> str:
            run = app.ok("--vault", "vault", "init")
            if not re.search(r"\b[A-Z2-7]{4}(?:-[A-Z2-7]{4}){7}\b", run.stdout):
                raise StepFailed("init printed no recovery code")
            return "vault created"

        def demo() -> str:
            shots = app.scratch / "shots"
            args = ("--vault", "vault", "demo", "--clients", str(DEMO_CLIENTS), "--seed", "1")
            run = app.ok(*args, "--today", "2026-01-01", "--screenshot", str(shots))
            bad = []
            for name in SCREENSHOTS:
                png = shots / f"{name}.png"
                if not png.is_file() or png.stat().st_size < 2000:
                    bad.append(f"{name}.png")
                elif png.read_bytes()[:8] != b"\x89PNG\r\n\x1a\n":
                    bad.append(f"{name}.png (not a PNG)")
            if bad:
                raise StepFailed("screenshots missing or empty: " + ", ".join(bad))
            return f"{run.stdout.splitlines()[0]} {len(list(shots.glob('*.png')))} screenshots"

        def clients() -> str:
            table = app.ok("--vault", "vault", "clients").stdout.splitlines()
            listed = json.loads(app.ok("--vault", "vault", "clients", "--json").stdout)
            if len(listed) != DEMO_CLIENTS or len(table) < 3:
                raise StepFailed(f"expected {DEMO_CLIENTS} clients, got {len(listed)}")
            return f"{len(listed)} clients"

        def deadlines() -> str:
            data = json.loads(app.ok("--vault", "vault", "deadlines", "--json").stdout)
            if not isinstance(data, list) or not data or "due" not in data[0]:
                raise StepFailed("deadlines --json gave no deadlines")
            return f"{len(data)} deadlines parsed from JSON"

        def render_one() -> str:
            out = app.scratch / "one"
            args = ("--vault", "vault", "render", "declaration", "--matter", "1")
            run = app.ok(*args, "--out", str(out), "--today", "2026-01-15", "--json")
            document = json.loads(run.stdout)["documents"][0]
            path = app.scratch / document["path"]
            text = docx_text(path)
            worker = str(document["worker"])
            if worker.lower() not in text.lower():
                raise StepFailed(f"{path.name} does not name the client {worker!r}")
            return f"{path.name} opens with python-docx and names the client"

        def render_batch() -> str:
            letters = json.loads(app.ok("--vault", "vault", "letters", "--json").stdout)
            letter = max(letters, key=lambda item: int(item["matters"]))
            if int(letter["matters"]) < PARALLEL_FROM:
                raise StepFailed(f"no agency letter covers {PARALLEL_FROM} matters in the demo")
            app.workers_seen.clear()
            out = app.scratch / "batch"
            args = ("--vault", "vault", "render", "declaration", "--letter", str(letter["id"]))
            run = app.ok(*args, "--out", str(out), "--json", watch_workers=True)
            result = json.loads(run.stdout)
            if result["failed"] or result["written"] != letter["matters"]:
                raise StepFailed(f"wrote {result['written']} of {letter['matters']} documents")
            if not app.workers_seen:
                raise StepFailed(
                    "the batch ran without worker processes (is freeze_support called?)"
                )
            files = [p for p in out.glob("*.docx") if p.name != "index.docx"]
            for path in files:
                docx_text(path)  # each one opens
            return f"{len(files)} documents by {len(app.workers_seen)} worker processes"

        def first_window() -> str:
            times = [app.first_window_seconds() for _ in range(FIRST_WINDOW_RUNS)]
            report.data["first_window_seconds"] = round(statistics.median(times), 2)
            report.data["first_window_runs"] = [round(t, 2) for t in times]
            return f"median {statistics.median(times):.2f} s of {[round(t, 2) for t in times]}"

        def x11_window() -> str:
            if shutil.which("xvfb-run") is None:
                return "xvfb-run not found; skipped (offscreen only)"
            return f"{app.first_window_seconds(x11=True):.2f} s including Xvfb's start"

        report.step("--version", version_check)
        report.step("init", init)
        report.step("demo --screenshot", demo)
        report.step("clients", clients)
        report.step("deadlines --json", deadlines)
        report.step("render one declaration", render_one)
        report.step("render a batch (worker processes)", render_batch)
        report.step("time to first window", first_window)
        report.step("first window on X11 (Xvfb)", x11_window)


# -- main ---------------------------------------------------------------------------------------


def write_report(path: Path, report: Report, ok: bool) -> None:
    data = {
        "ok": ok,
        "version": report.version,
        "platform": f"{platform.system()} {platform.machine()}",
        "python": platform.python_version(),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **report.data,
        "steps": report.steps,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-build", action="store_true", help="smoke-test an existing bundle")
    parser.add_argument(
        "--dist", type=Path, default=DEFAULT_DIST, help="folder holding the bundle (default: dist)"
    )
    parser.add_argument(
        "--report", type=Path, default=DEFAULT_REPORT, help="where to write the JSON report"
    )
    parser.add_argument(
        "--archive", action="store_true", help="also write a .tar.gz of the bundle and its SHA-256"
    )
    args = parser.parse_args(argv)
    if sys.platform != "linux":
        message = "this script builds and tests the Linux bundle; see packaging/README.md"
        print(f"build: {message} for Windows and macOS.", file=sys.stderr)
        return 2
    version = str(pyproject()["project"]["version"])
    dist = args.dist.resolve()
    bundle = dist / APP
    report = Report(version)
    ok = False
    try:
        if not args.skip_build:
            pyinstaller = ensure_pyinstaller()
            report.data["pyinstaller"] = pyinstaller
            started = time.perf_counter()
            report.step(f"PyInstaller {pyinstaller} build", lambda: build_bundle(dist))
            report.step("install desktop files", lambda: install_desktop_files(bundle, version))
            report.data["build_seconds"] = round(time.perf_counter() - started, 1)
        smoke_test(bundle, version, report)
        if args.archive:
            report.step("archive", lambda: write_archive(bundle, version).name)
        ok = True
    except StepFailed as exc:
        print(f"build: FAILED at {exc}", file=sys.stderr)
    finally:
        write_report(args.report, report, ok)
    if not ok:
        return 1
    print(
        f"build: clinic-app {version} bundle OK: {report.data['bundle_mb']} MB unpacked, "
        f"first window in {report.data['first_window_seconds']} s"
        + (f", built in {report.data['build_seconds']} s" if "build_seconds" in report.data else "")
        + f". Report: {os.path.relpath(args.report)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
