"""Unlock time (key derivation + open) and importing 10,000 spreadsheet rows, with a csv baseline."""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from clinic_app.services import clients, importing, vault_ops
from clinic_app.services.demo import COMMUNITIES, EMPLOYERS

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--unlocks", type=int, default=5)
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent / "results" / "unlock_import.json"
    )
    args = parser.parse_args(argv)
    results: dict[str, object] = {"python": sys.version.split()[0], "rows": args.rows}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "vault"
        t0 = time.perf_counter()
        vault, _code = vault_ops.create_vault(folder, passphrase="benchmark passphrase")
        results["create_s"] = round(time.perf_counter() - t0, 3)
        vault.close()
        unlocks = []
        for _ in range(args.unlocks):
            t0 = time.perf_counter()
            vault = vault_ops.open_vault(folder, passphrase="benchmark passphrase")
            unlocks.append(time.perf_counter() - t0)
            vault.close()
        results["unlock_s_median"] = round(statistics.median(unlocks), 3)
        results["unlock_s_all"] = [round(u, 3) for u in unlocks]

        sheet = Path(tmp) / "workers.csv"
        make_csv(sheet, args.rows)
        t0 = time.perf_counter()
        with open(sheet, encoding="utf-8-sig", newline="") as handle:
            baseline_rows = sum(1 for _ in csv.reader(handle))
        baseline = time.perf_counter() - t0
        vault = vault_ops.open_vault(folder, passphrase="benchmark passphrase")
        try:
            t0 = time.perf_counter()
            report = importing.import_file(vault, path=sheet)
            elapsed = time.perf_counter() - t0
            assert report.ok, report.problems[:3]
            t0 = time.perf_counter()
            hits = clients.list_clients(vault, search_text="garcia", limit=50)
            search_s = time.perf_counter() - t0
        finally:
            vault.close()
        results.update(
            {
                "csv_module_read_s": round(baseline, 4),
                "csv_rows_read": baseline_rows - 1,
                "import_s": round(elapsed, 3),
                "import_rows_per_s": round(args.rows / elapsed),
                "import_vs_csv_module_ratio": round(elapsed / baseline, 1),
                "search_after_import_ms": round(search_s * 1000, 1),
                "search_hits": len(hits),
            }
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    width = max(len(k) for k in results)
    for key, value in results.items():
        print(f"{key.ljust(width)}  {value}")
    print(f"saved to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
