"""Unlock time (key derivation + open), importing 10,000 spreadsheet rows and the demo fill, with
a csv baseline."""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bench import common
from clinic_app.services import clients, demo, importing, vault_ops
from clinic_app.services.demo import COMMUNITIES, EMPLOYERS
from clinic_app.vault import bulk
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
            end = (start + timedelta(days=730)).isoformat()
            row = {
                "first_name": rng.choice(firsts),
                "last_name": rng.choice(lasts),
                "date_of_birth": f"{rng.randint(1960, 2003)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                "a_number": f"A{100_000_000 + i:09d}",
                "country_of_birth": rng.choice(countries),
                "preferred_language": langs[0].split(",")[0],
                "phone": "555-0100",
                "address": f"{100 + i % 900} Main St, {employer[2]}, {employer[3]}",
                "employer": employer[0],
                "worksite_city": employer[2],
                "worksite_state": employer[3],
                "agency": employer[4],
                "letter_date": "2023-06-15",
                "letter_period_start": "2021-12-22",
                "letter_period_end": "2024-12-06",
                "matter_kind": "initial",
                "filed_date": "2023-11-01",
                "receipt_number": f"IOE{9_000_000_000 + i:010d}",
                "deferred_action_start": start.isoformat(),
                "deferred_action_end": end,
                "work_permit_start": start.isoformat(),
                "work_permit_end": end,
            }
            # Written by column name: the importer's columns grow over time.
            writer.writerow([row.get(column, "") for column in HEADER])


def measure_unlock(folder: Path, runs: int) -> dict[str, Any]:
    """Unlocking the vault in `folder` with its passphrase (Argon2id + open), `runs` times."""
    unlocks, _ = common.timed(lambda: common.open_vault(folder).close(), runs)
    return {
        "unlock_s_median": round(statistics.median(unlocks), 3),
        "unlock_s_all": [round(u, 3) for u in unlocks],
    }


def measure_import(vault: Vault, sheet: Path, rows: int) -> dict[str, Any]:
    """Importing `sheet` into `vault`, against reading the same file with the csv module."""
    csv_read_s(sheet)  # once first, so the baseline reads the file from the page cache too
    baseline, baseline_rows = csv_read_s(sheet)
    parse = parse_s(sheet)
    start, processor = time.perf_counter(), time.process_time()
    report = importing.import_file(vault, path=sheet)
    elapsed = time.perf_counter() - start
    processor = time.process_time() - processor
    if not report.ok:
        raise RuntimeError(f"the import failed: {report.problems[:3]}")
    start = time.perf_counter()
    hits = clients.list_clients(vault, search_text="garcia", limit=50)
    search_s = time.perf_counter() - start
    return {
        "csv_module_read_s": round(baseline, 4),
        "csv_rows_read": baseline_rows,
        "import_s": round(elapsed, 3),
        "import_processor_s": round(processor, 3),
        "parse_s": round(parse, 3),
        "import_rows_per_s": round(rows / elapsed),
        "import_vs_csv_module_ratio": round(elapsed / baseline, 1),
        "search_after_import_ms": round(search_s * 1000, 1),
        "search_hits": len(hits),
    }


def import_into_new_vault(rows: int) -> dict[str, Any]:
    """A new empty vault (real key derivation) and `rows` spreadsheet rows imported into it;
    then the rows the import wrote, written again into another new vault with nothing else."""
    with tempfile.TemporaryDirectory() as tmp:
        sheet = Path(tmp) / "workers.csv"
        make_csv(sheet, rows)
        vault, _code = vault_ops.create_vault(Path(tmp) / "vault", passphrase=common.PASSPHRASE)
        try:
            figures = {"rows": rows} | measure_import(vault, sheet, rows)
            written = rows_in(vault)
        finally:
            vault.close()
        other, _code = vault_ops.create_vault(Path(tmp) / "bare", passphrase=common.PASSPHRASE)
        try:
            figures |= bare_write(other, written)
        finally:
            other.close()
        # The rows the issue itself asks an import to store (the records, one audit event per
        # record, the new matters' deadlines, the search entries), without the conflict keys:
        # the floor any import path on this storage engine stands on.
        required = {t: rows for t, rows in written.items() if t not in OPTIONAL_TABLES}
        third, _code = vault_ops.create_vault(Path(tmp) / "floor", passphrase=common.PASSPHRASE)
        try:
            floor = bare_write(third, required)
        finally:
            third.close()
        figures |= {"bare_write_required_s": floor["bare_write_s"]}
        figures |= {"bare_write_required_rows": floor["bare_write_rows"]}
    return figures


# What an import stores beyond what the issue that set its goal asks for: the duplicate check's
# keys (a later issue's), which could be kept some other way.
OPTIONAL_TABLES = frozenset({"conflict_key"})


def import_into_filled(demo_folder: Path, rows: int) -> dict[str, Any]:
    """`rows` spreadsheet rows imported into a copy of a demo vault (each new worker checked
    against its clients for possible duplicates), against the same rows into an empty vault."""
    with tempfile.TemporaryDirectory() as tmp:
        sheet = Path(tmp) / "workers.csv"
        make_csv(sheet, rows, seed=2)  # other people than the demo's, with the same names
        empty, _code = vault_ops.create_vault(Path(tmp) / "empty", passphrase=common.PASSPHRASE)
        try:
            into_empty, _checked = timed_import(empty, sheet)
        finally:
            empty.close()
        shutil.copytree(demo_folder, Path(tmp) / "filled")
        filled = common.open_vault(Path(tmp) / "filled")
        try:
            clients_before = clients.count_clients(filled)
            into_filled, checked = timed_import(filled, sheet)
        finally:
            filled.close()
    return {
        "rows": rows,
        "vault_clients": clients_before,
        "into_empty_s": round(into_empty, 3),
        "into_filled_s": round(into_filled, 3),
        "conflict_check_s": round(checked, 3),
    }


def timed_import(vault: Vault, sheet: Path) -> tuple[float, float]:
    """Seconds to import `sheet`, and of those the conflict check of its new workers."""
    start = time.perf_counter()
    checked: list[float] = []

    def checking(done: int, total: int) -> None:
        if done == total:
            checked.append(time.perf_counter() - start)

    report = importing.import_file(vault, path=sheet, checking=checking)
    elapsed = time.perf_counter() - start
    if not report.ok:
        raise RuntimeError(f"the import failed: {report.problems[:3]}")
    return elapsed, checked[-1]


Written = dict[str, tuple[list[str], list[tuple[Any, ...]]]]


def rows_in(vault: Vault) -> Written:
    """Every row of every table of `vault` (the full-text index as rowid and body), by table."""
    with vault.engine.connect() as conn:
        raw: Any = conn.connection.dbapi_connection
        tables = [
            name
            for (name,) in raw.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE "
                "'CREATE VIRTUAL%' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'client_search_%'"
            )
        ]
        found: Written = {}
        for table in tables:
            columns = [row[1] for row in raw.execute(f'PRAGMA table_info("{table}")')]
            found[table] = (columns, raw.execute(f'SELECT * FROM "{table}"').fetchall())
        found["client_search"] = (
            ["rowid", "body"],
            raw.execute("SELECT rowid, body FROM client_search").fetchall(),
        )
    return found


def bare_write(vault: Vault, written: Written) -> dict[str, Any]:
    """The floor under the import: the same rows into a new vault by the driver's executemany
    alone (one statement per table, a column empty in every row as a literal NULL, one
    transaction, the same page cache as the import's), nothing parsed, checked or computed."""
    statements: list[tuple[str, list[tuple[Any, ...]]]] = []
    for table, (columns, values) in written.items():
        if not values:
            continue
        empty = [all(row[i] is None for row in values) for i in range(len(columns))]
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("NULL" if e else "?" for e in empty)
        kept = [i for i, e in enumerate(empty) if not e]
        # OR IGNORE: a new vault has a few rows already (its settings, its first event).
        statements.append(
            (
                f'INSERT OR IGNORE INTO "{table}" ({names}) VALUES ({marks})',
                [tuple(row[i] for i in kept) for row in values],
            )
        )
    with vault.engine.connect() as conn:
        raw: Any = conn.connection.dbapi_connection
        raw.execute(f"PRAGMA cache_size = {-bulk.BULK_CACHE_KIB}")
        start = time.perf_counter()
        raw.execute("BEGIN IMMEDIATE")
        for sql, bound in statements:
            raw.executemany(sql, bound)
        raw.execute("COMMIT")
        elapsed = time.perf_counter() - start
    rows = sum(len(bound) for _sql, bound in statements)
    return {"bare_write_s": round(elapsed, 3), "bare_write_rows": rows}


def parse_s(sheet: Path) -> float:
    """The part of an import that writes nothing: reading and checking every row first (all or
    nothing), as the import does before its transaction."""
    report = importing.ImportReport()
    start = time.perf_counter()
    with bulk.gc_paused():
        importing.parse_file(sheet, report)
    elapsed = time.perf_counter() - start
    if report.problems:
        raise RuntimeError(f"the sheet has problems: {report.problems[:3]}")
    return elapsed


def csv_read_s(sheet: Path) -> tuple[float, int]:
    """The baseline: reading `sheet` with the csv module (seconds, data rows)."""
    start = time.perf_counter()
    with open(sheet, encoding="utf-8-sig", newline="") as handle:
        rows = sum(1 for _ in csv.reader(handle))
    return time.perf_counter() - start, rows - 1


def demo_fill(clients: int) -> dict[str, Any]:
    """`clinic-app demo --clients N`'s fill (the importer's bulk path) into a new vault, against
    reading a spreadsheet of as many rows with the csv module."""
    with tempfile.TemporaryDirectory() as tmp:
        sheet = Path(tmp) / "workers.csv"
        make_csv(sheet, clients)
        baseline, _rows = csv_read_s(sheet)
        vault, _code = vault_ops.create_vault(Path(tmp) / "vault", passphrase=common.PASSPHRASE)
        try:
            start = time.perf_counter()
            report = demo.fill_demo(vault, clients=clients, seed=common.DEMO_SEED)
            elapsed = time.perf_counter() - start
        finally:
            vault.close()
    return {
        "clients": clients,
        "matters": report.matters,
        "fill_s": round(elapsed, 2),
        "csv_module_read_s": round(baseline, 4),
        "clients_per_s": round(clients / elapsed),
    }


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
