"""Shared benchmark helpers: timing, statistics, machine facts and cached demo vaults."""

from __future__ import annotations

import hashlib
import json
import math
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import clinic_app
from clinic_app.services import demo, vault_ops
from clinic_app.vault.vault import Vault

PASSPHRASE = "benchmark passphrase"
DEMO_SEED = 1
DEMO_TODAY = date(2026, 1, 1)  # fixed, so a cached vault and a fresh one hold the same records
RESULTS_DIR = Path(__file__).parent / "results"
CACHE_ROOT = Path(tempfile.gettempdir()) / "clinic-app-bench"
PACKAGE = Path(clinic_app.__file__).parent
# The clinic details documents are rendered with (invented, example addresses).
CLINIC = {
    "name": "Worker Justice Legal Clinic",
    "address": "200 Example Ave\nSpringfield, IL 62701",
    "phone": "(555) 010-0100",
    "email": "intake@clinic.example",
    "signer_name": "Signing Attorney",
    "signer_title": "Attorney at Law",
    "uscis_address": "P.O. Box 0000\nMontclair, CA 91763",
    "uscis_address_source": "benchmark",
    "uscis_address_checked": "2025-01-01",
}

# The code that decides what a demo vault holds; a change to any of it means a rebuild.
VAULT_SHAPING_CODE = ("services/demo.py", "search.py", "domain", "vault", "deadlines")


def timed(fn: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    """Seconds for each of `runs` calls, and the last result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return times, result


def ms(values: list[float]) -> dict[str, float]:
    """Median, min and max of timings given in seconds, in milliseconds."""
    return {
        "median_ms": round(statistics.median(values) * 1000, 1),
        "min_ms": round(min(values) * 1000, 1),
        "max_ms": round(max(values) * 1000, 1),
    }


def percentile(values: list[float], pct: float) -> float:
    """The nearest-rank percentile (p50 is the median of an odd count, p95 a value measured)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def load_average() -> list[float] | None:
    return [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None


def machine() -> dict[str, Any]:
    """What the figures were measured on (no host name, no user, no path)."""
    return {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "system": f"{platform.system()} {platform.release()}",
        "machine": platform.machine(),
        "processor": cpu_model(),
        "cpus": os.cpu_count(),
        "memory_gb": memory_gb(),
    }


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def code_version() -> str:
    """A short hash of the package version, the demo's seed and date, and the code shaping it."""
    digest = hashlib.sha256(f"{clinic_app.__version__} {DEMO_SEED} {DEMO_TODAY}".encode())
    for name in VAULT_SHAPING_CODE:
        target = PACKAGE / name
        files = sorted(target.rglob("*.py")) if target.is_dir() else [target]
        for path in files:
            digest.update(str(path.relative_to(PACKAGE)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def demo_folder(clients: int) -> Path:
    return CACHE_ROOT / f"demo-{clients}-{code_version()}"


def demo_vault(
    clients: int, *, fresh: bool = False, folder: Path | None = None
) -> tuple[Path, float | None]:
    """A closed demo vault of `clients` workers, and its build time (None when reused).

    By default it lives in the cache, keyed by size and code version; cached vaults of the same
    size made by older code are removed. It is built under a temporary name and renamed when
    complete, so an interrupted build is never reused.
    """
    cached = folder is None
    folder = demo_folder(clients) if folder is None else folder
    if fresh and folder.exists():
        shutil.rmtree(folder)
    if vault_ops.is_vault(folder):
        return folder, None
    if cached:
        CACHE_ROOT.mkdir(parents=True, exist_ok=True)
        for stale in CACHE_ROOT.glob(f"demo-{clients}-*"):
            shutil.rmtree(stale)
    building = folder.with_name(folder.name + ".building")
    if building.exists():
        shutil.rmtree(building)
    start = time.perf_counter()
    vault, _code = vault_ops.create_vault(building, passphrase=PASSPHRASE, actor="bench")
    try:
        demo.fill_demo(vault, clients=clients, seed=DEMO_SEED, today=DEMO_TODAY)
    finally:
        vault.close()
    building.rename(folder)
    return folder, time.perf_counter() - start


def open_vault(folder: Path) -> Vault:
    return vault_ops.open_vault(folder, passphrase=PASSPHRASE, actor="bench")


def open_demo(clients: int, *, fresh: bool = False) -> tuple[Vault, float | None]:
    """The cached demo vault of `clients` workers, open, and its build time (None when reused)."""
    folder, built = demo_vault(clients, fresh=fresh)
    return open_vault(folder), built


def save_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def print_figures(results: dict[str, Any]) -> None:
    """Flat figures as aligned `key  value` lines."""
    width = max(len(k) for k in results)
    for key, value in results.items():
        print(f"{key.ljust(width)}  {value}")


def publish(path: Path, results: dict[str, Any]) -> None:
    """Close a benchmark run: note the load average at the end, save the JSON, print the figures."""
    results["load_average_at_end"] = load_average()
    save_json(path, results)
    print_figures(results)
    print(f"saved to {path}")


SECTION_START = "<!-- section: {name} -->"
SECTION_END = "<!-- /section: {name} -->"


def section_text(name: str, body: str) -> str:
    return f"{SECTION_START.format(name=name)}\n{body.rstrip()}\n{SECTION_END.format(name=name)}\n"


def write_section(path: Path, name: str, body: str) -> None:
    """Put one benchmark's own section into a markdown file, replacing only that section."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    start, end = SECTION_START.format(name=name), SECTION_END.format(name=name)
    block = section_text(name, body)
    if start in text and end in text:
        head, rest = text.split(start, 1)
        tail = rest.split(end, 1)[1].lstrip("\n")
        text = head + block + ("\n" + tail if tail else "")
    else:
        text = text.rstrip("\n") + ("\n\n" if text else "") + block
    path.write_text(text, encoding="utf-8")


def keep_sections(path: Path, generated: str) -> str:
    """`generated` with the sections other benchmarks wrote into `path` kept at its end."""
    if not path.exists():
        return generated
    text = path.read_text(encoding="utf-8")
    kept = []
    marker = SECTION_START.split("{", 1)[0]
    for part in text.split(marker)[1:]:
        name = part.split(" -->", 1)[0]
        end = SECTION_END.format(name=name)
        if end in part:
            kept.append(marker + part.split(end, 1)[0] + end + "\n")
    return generated.rstrip("\n") + "\n\n" + "\n".join(kept) if kept else generated
