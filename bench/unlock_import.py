"""Unlock time (key derivation + open) and importing 10,000 spreadsheet rows, with a csv baseline."""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench import common
from clinic_app.services import clients, importing, vault_ops
from clinic_app.services.demo import COMMUNITIES, EMPLOYERS
from clinic_app.vault.vault import Vault

HEADER = list(importing.COLUMNS)


def make_csv(path: Path, rows: int, seed: int = 1) -> None:
    """A realistic spreadsheet of invented workers, in the importer's columns."""
    rng = random.Random(seed)
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(rows):
            firsts, lasts, countries, langs = rng.choice(COMMUNITIES)
            employer = EMPLOYERS[i % len(EMPLOYERS)]
            start = date(2024, 1, 1) + timedelta(days=rng.randint(0, 300))
            writer.writerow(
                [
                    rng.choice(firsts),
                    rng.choice(lasts),
                    f"{rng.randint(1960, 2003)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                    f"A{100_000_000 + i:09d}",
                    rng.choice(countries),
                    langs[0].split(",")[0],
                    "555-0100",
                    "",
                    employer[0],
                    employer[2],
                    employer[3],
                    employer[4],
                    "2023-06-15",
                    "2021-12-22",
                    "2024-12-06",
                    "initial",
                    "2023-11-01",
                    f"IOE{9_000_000_000 + i:010d}",
                    start.isoformat(),
                    (start + timedelta(days=730)).isoformat(),
                    start.isoformat(),
                    (start + timedelta(days=730)).isoformat(),
                    "",
                ]
            )


def measure_unlock(folder: Path, runs: int) -> dict[str, Any]:
    """Unlocking the vault in `folder` with its passphrase (Argon2id + open), `runs` times."""
    unlocks, _ = common.timed(lambda: common.open_vault(folder).close(), runs)
    return {
        "unlock_s_median": round(statistics.median(unlocks), 3),
        "unlock_s_all": [round(u, 3) for u in unlocks],
    }


def measure_import(vault: Vault, sheet: Path, rows: int) -> dict[str, Any]:
    """Importing `sheet` into `vault`, against reading the same file with the csv module."""
    start = time.perf_counter()
    with open(sheet, encoding="utf-8-sig", newline="") as handle:
        baseline_rows = sum(1 for _ in csv.reader(handle))
    baseline = time.perf_counter() - start
    start = time.perf_counter()
    report = importing.import_file(vault, path=sheet)
    elapsed = time.perf_counter() - start
    if not report.ok:
        raise RuntimeError(f"the import failed: {report.problems[:3]}")
    start = time.perf_counter()
    hits = clients.list_clients(vault, search_text="garcia", limit=50)
    search_s = time.perf_counter() - start
    return {
        "csv_module_read_s": round(baseline, 4),
        "csv_rows_read": baseline_rows - 1,
        "import_s": round(elapsed, 3),
        "import_rows_per_s": round(rows / elapsed),
        "import_vs_csv_module_ratio": round(elapsed / baseline, 1),
        "search_after_import_ms": round(search_s * 1000, 1),
        "search_hits": len(hits),
    }


def import_into_new_vault(rows: int) -> dict[str, Any]:
    """A new empty vault (real key derivation) and `rows` spreadsheet rows imported into it."""
    with tempfile.TemporaryDirectory() as tmp:
        sheet = Path(tmp) / "workers.csv"
        make_csv(sheet, rows)
        vault, _code = vault_ops.create_vault(Path(tmp) / "vault", passphrase=common.PASSPHRASE)
        try:
            return {"rows": rows} | measure_import(vault, sheet, rows)
        finally:
            vault.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--unlocks", type=int, default=5)
    parser.add_argument("--out", type=Path, default=common.RESULTS_DIR / "unlock_import.json")
    args = parser.parse_args(argv)
    results: dict[str, Any] = common.machine() | {
        "load_average_at_start": common.load_average(),
        "rows": args.rows,
    }
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "vault"
        start = time.perf_counter()
        vault, _code = vault_ops.create_vault(folder, passphrase=common.PASSPHRASE)
        results["create_s"] = round(time.perf_counter() - start, 3)
        vault.close()
        results.update(measure_unlock(folder, args.unlocks))
        sheet = Path(tmp) / "workers.csv"
        make_csv(sheet, args.rows)
        vault = common.open_vault(folder)
        try:
            results.update(measure_import(vault, sheet, args.rows))
        finally:
            vault.close()
    common.publish(args.out, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
