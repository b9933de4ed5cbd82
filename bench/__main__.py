"""Every benchmark in one command: figures as ratios against baselines measured in the same run."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import (
    common,
    deadlines,
    load_report,
    render,
    search,
    server_load,
    ui_startup,
    unlock_import,
)
from bench import conflicts as conflict_check

ROOT = Path(__file__).resolve().parent.parent
FULL_SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (1_000, 10_000)
STARTUP_SIZE = 10_000  # the start-up, memory and unlock figures are for a 10k vault
IMPORT_ROWS = 10_000
IMPORT_INTO_FILLED_ROWS = 1_000  # a clinic's next spreadsheet, into the 10k vault
DOCUMENTS = 500
RUNS = 5  # start-up, unlock and deadline figures are medians of this many runs
# The rows in the table's order; --only takes these names.
NAMES = (
    "startup",
    "unlock",
    "search",
    "deadlines",
    "import",
    "demo",
    "render",
    "memory",
    "growth",
    "conflicts",
    "server-load",
)


@dataclass(frozen=True)
class Goal:
    """A goal checked against the numbers; with no threshold it only asks for the figure."""

    ratio_at_most: float | None = None
    below: float | None = None
    between: tuple[float, float] | None = None
    note: str = ""

    def met(self, value: float, ratio: float | None) -> bool | None:
        checks = []
        if self.ratio_at_most is not None:
            checks.append(ratio is not None and ratio <= self.ratio_at_most)
        if self.below is not None:
            checks.append(value < self.below)
        if self.between is not None:
            checks.append(self.between[0] <= value <= self.between[1])
        return all(checks) if checks else None

    def describe(self, unit: str) -> str:
        parts = []
        if self.ratio_at_most is not None:
            parts.append(f"≤ {self.ratio_at_most:g}×")
        if self.below is not None:
            parts.append(f"< {self.below:g} {unit}")
        if self.between is not None:
            parts.append(f"{self.between[0]:g}–{self.between[1]:g} {unit}")
        text = " and ".join(parts) or "report"
        return f"{text} ({self.note})" if self.note else text


@dataclass(frozen=True)
class Row:
    """One line of the table: a figure, its baseline from the same run, and its goal."""

    name: str  # the --only group it belongs to
    figure: str
    unit: str
    value: float
    goal: Goal
    baseline: str = "—"
    baseline_value: float | None = None

    @property
    def ratio(self) -> float | None:
        return self.value / self.baseline_value if self.baseline_value else None

    @property
    def met(self) -> bool | None:
        return self.goal.met(self.value, self.ratio)

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "figure": self.figure,
            "unit": self.unit,
            "value": self.value,
            "baseline": self.baseline,
            "baseline_value": self.baseline_value,
            "ratio": round(self.ratio, 2) if self.ratio is not None else None,
            "goal": self.goal.describe(self.unit),
            "goal_thresholds": asdict(self.goal),
            "met": self.met,
        }


def size_label(clients: int) -> str:
    return f"{clients // 1000}k" if clients >= 1000 else str(clients)


class Suite:
    """Measures on demand and remembers, so a figure used by two rows is measured once."""

    def __init__(self, sizes: tuple[int, ...], fresh: bool) -> None:
        self.sizes = sizes
        self.fresh = fresh
        self.vaults: dict[str, Any] = {}
        self.details: dict[str, Any] = {}
        self._search: dict[int, dict[str, Any]] = {}
        self._recompute: dict[int, dict[str, Any]] = {}
        self._folders: dict[int, Path] = {}

    @property
    def big(self) -> int:
        return self.sizes[-1]

    def folder(self, clients: int) -> Path:
        """The cached demo vault, the same one all run long; --fresh rebuilds it once."""
        key = size_label(clients)
        if key not in self.vaults:
            folder, built = common.demo_vault(clients, fresh=self.fresh)
            self.vaults[key] = {
                "clients": clients,
                "build_s": round(built, 1) if built is not None else "reused",
                "code_version": folder.name.rsplit("-", 1)[-1],
            }
            # Others may edit the code meanwhile: a new code version must not rebuild mid-run.
            self._folders[clients] = folder
        return self._folders[clients]

    def search(self, clients: int) -> dict[str, Any]:
        if clients not in self._search:
            vault = common.open_vault(self.folder(clients))
            try:
                figures = search.measure(vault, search.typed_queries(vault))
            finally:
                vault.close()
            self._search[clients] = figures
            self.details.setdefault("search", {})[size_label(clients)] = figures
        return self._search[clients]

    def deadlines(self, clients: int) -> dict[str, Any]:
        vault = common.open_vault(self.folder(clients))
        try:
            figures = deadlines.measure(vault, RUNS, common.DEMO_TODAY)
        finally:
            vault.close()
        self._recompute[clients] = figures["full_recompute"]
        self.details.setdefault("deadlines", {})[size_label(clients)] = figures
        return figures

    def recompute(self, clients: int) -> dict[str, Any]:
        if clients not in self._recompute:
            vault = common.open_vault(self.folder(clients))
            try:
                figures = deadlines.full_recompute(vault, RUNS)
            finally:
                vault.close()
            self._recompute[clients] = figures
            self.details.setdefault("full_recompute", {})[size_label(clients)] = figures
        return self._recompute[clients]

    def at_big(self, what: str) -> str:
        """`what` at the biggest size, saying so when a quick run stands in for 100k."""
        label = size_label(self.big)
        if self.big == FULL_SIZES[-1]:
            return f"{what} ({label})"
        return f"{what} ({label}: quick run; the goal is for {size_label(FULL_SIZES[-1])})"

    # -- the rows, one group per --only name ---------------------------------------------

    def startup_rows(self, names: set[str]) -> list[Row]:
        figures = ui_startup.measure(self.folder(STARTUP_SIZE), RUNS)
        self.details["startup"] = figures
        rows = []
        if "startup" in names:
            rows.append(
                Row(
                    "startup",
                    "First window (the unlock screen), offscreen, imports included",
                    "s",
                    figures["app_window_s_median"],
                    Goal(ratio_at_most=1.5),
                    "a bare PySide6 QMainWindow shown",
                    figures["bare_window_s_median"],
                )
            )
            rows.append(
                Row(
                    "startup",
                    f"Unlock to a usable main window, Today's rows shown ({size_label(STARTUP_SIZE)}"
                    " vault, key derivation excluded, passphrase typed in "
                    f"{ui_startup.TYPING_S:g} s)",
                    "s",
                    figures["unlock_to_usable_s_median"],
                    Goal(below=0.15),
                    "a bare PySide6 QMainWindow shown",
                    figures["bare_window_s_median"],
                )
            )
        if "memory" in names:
            rows.append(
                Row(
                    "memory",
                    f"Peak resident memory, main window on a {size_label(STARTUP_SIZE)} vault "
                    "(after unlock)",
                    "MB",
                    figures["app_peak_mb"],
                    Goal(below=250),
                    "a bare PySide6 window",
                    figures["bare_peak_mb"],
                )
            )
        return rows

    def unlock_rows(self) -> list[Row]:
        figures = unlock_import.measure_unlock(self.folder(STARTUP_SIZE), RUNS)
        self.details["unlock"] = figures
        return [
            Row(
                "unlock",
                f"Unlock: key derivation + open ({size_label(STARTUP_SIZE)} vault)",
                "s",
                figures["unlock_s_median"],
                Goal(between=(0.3, 1.0), note="by design"),
            )
        ]

    def search_rows(self) -> list[Row]:
        figures = self.search(self.big)
        baseline = "the same FTS5 query run directly on the SQLCipher connection"
        queries = figures["queries"]
        return [
            Row(
                "search",
                self.at_big(f"Search as you type, p50 of {queries} queries"),
                "ms",
                figures["service_p50_ms"],
                Goal(ratio_at_most=1.5),
                baseline,
                figures["bare_fts5_p50_ms"],
            ),
            Row(
                "search",
                self.at_big(f"Search as you type, p95 of {queries} queries"),
                "ms",
                figures["service_p95_ms"],
                Goal(ratio_at_most=1.5, below=30),
                baseline,
                figures["bare_fts5_p95_ms"],
            ),
        ]

    def deadline_rows(self) -> list[Row]:
        figures = self.deadlines(self.big)
        matters = f"{figures['matters']:,} matters"
        return [
            Row(
                "deadlines",
                self.at_big(f"Deadlines: full recompute, {matters}"),
                "s",
                figures["full_recompute"]["median_ms"] / 1000,
                Goal(below=2),
            ),
            Row(
                "deadlines",
                self.at_big("Deadlines: dashboard query (overdue + next 30 days)"),
                "ms",
                figures["dashboard_overdue_next_30_days"]["median_ms"],
                Goal(below=100),
            ),
            Row(
                "deadlines",
                self.at_big("Today's queue: tiers, counts, grouping and the first 25 rows of each"),
                "ms",
                figures["today_queue"]["median_ms"],
                Goal(below=100),
            ),
            Row(
                "deadlines",
                self.at_big("Today's counts alone (status bar and notification)"),
                "ms",
                figures["today_counts"]["median_ms"],
                Goal(below=100),
            ),
            Row(
                "deadlines",
                self.at_big("Deadlines: one-matter update (service call)"),
                "ms",
                figures["one_matter_update"]["update_matter_service_call"]["median_ms"],
                Goal(below=20),
            ),
        ]

    def import_rows(self) -> list[Row]:
        figures = unlock_import.import_into_new_vault(IMPORT_ROWS)
        self.details["import"] = figures
        return [
            Row(
                "import",
                f"Import {IMPORT_ROWS:,} CSV rows",
                "s",
                figures["import_s"],
                Goal(ratio_at_most=30),
                "reading the same CSV with the csv module",
                figures["csv_module_read_s"],
            ),
            Row(
                "import",
                f"Import {IMPORT_ROWS:,} CSV rows, against the bare write of what it stores",
                "s",
                figures["import_s"],
                Goal(),
                f"the same {figures['bare_write_rows']:,} rows by bare executemany, one transaction",
                figures["bare_write_s"],
            ),
            Row(
                "import",
                f"The floor: bare executemany of the {figures['bare_write_required_rows']:,} rows "
                f"the import must store (records, one audit event each, deadlines, search entries)",
                "s",
                figures["bare_write_required_s"],
                Goal(),
                "reading the same CSV with the csv module",
                figures["csv_module_read_s"],
            ),
            Row(
                "import",
                f"Reading and checking the {IMPORT_ROWS:,} rows first, nothing written (the "
                "import's all-or-nothing parse)",
                "s",
                figures["parse_s"],
                Goal(),
                "reading the same CSV with the csv module",
                figures["csv_module_read_s"],
            ),
            self.import_into_filled_row(),
        ]

    def import_into_filled_row(self) -> Row:
        figures = unlock_import.import_into_filled(
            self.folder(STARTUP_SIZE), IMPORT_INTO_FILLED_ROWS
        )
        self.details["import_into_filled"] = figures
        return Row(
            "import",
            f"Import {IMPORT_INTO_FILLED_ROWS:,} CSV rows into the {size_label(STARTUP_SIZE)} "
            "demo vault (each new worker checked for duplicates)",
            "s",
            figures["into_filled_s"],
            Goal(),
            "the same rows into an empty vault",
            figures["into_empty_s"],
        )

    def demo_rows(self) -> list[Row]:
        figures = unlock_import.demo_fill(self.big)
        self.details["demo"] = figures
        full = self.big == FULL_SIZES[-1]
        return [
            Row(
                "demo",
                self.at_big(f"Demo fill, {self.big:,} clients (clinic-app demo, bulk path)"),
                "s",
                figures["fill_s"],
                Goal(below=15) if full else Goal(),
                "reading a CSV of as many rows with the csv module",
                figures["csv_module_read_s"],
            )
        ]

    def render_rows(self) -> list[Row]:
        figures = render.measure(DOCUMENTS, "declaration")
        self.details["render"] = figures
        return [
            Row(
                "render",
                f"Render {DOCUMENTS} documents (batch, every core)",
                "s",
                figures["all_cores_s"],
                Goal(ratio_at_most=1, note="parallelism must pay"),
                f"one template rendered {DOCUMENTS} times with bare docxtpl in one process",
                figures["bare_docxtpl_one_process_s"],
            )
        ]

    def growth_rows(self) -> list[Row]:
        rows = []
        measures: list[tuple[str, str, Callable[[int], float]]] = [
            ("Search p50", "ms", lambda n: self.search(n)["service_p50_ms"]),
            ("Full recompute", "s", lambda n: self.recompute(n)["median_ms"] / 1000),
        ]
        for what, unit, figure in measures:
            for smaller, bigger in zip(self.sizes, self.sizes[1:], strict=False):
                rows.append(
                    Row(
                        "growth",
                        f"Cost growth: {what.lower()} at {size_label(bigger)}",
                        unit,
                        figure(bigger),
                        Goal(ratio_at_most=10, note="per 10× clients: near-linear or better"),
                        f"the same at {size_label(smaller)}",
                        figure(smaller),
                    )
                )
        return rows

    def conflict_rows(self) -> list[Row]:
        vault = common.open_vault(self.folder(self.big))
        try:
            figures = conflict_check.measure(vault)
        finally:
            vault.close()
        self.details["conflicts"] = figures
        return conflict_check.rows(figures, self.at_big, Row, Goal)

    def server_load_rows(self) -> list[Row]:
        figures = server_load.measure(server_load.Config())
        self.details["server_load"] = figures
        return load_report.rows(figures, Row, Goal)

    def rows(self, names: set[str]) -> list[Row]:
        """The rows asked for, in the table's order."""
        rows: list[Row] = []
        if names & {"startup", "memory"}:
            rows += self.startup_rows(names)
        if "unlock" in names:
            rows += self.unlock_rows()
        if "search" in names:
            rows += self.search_rows()
        if "deadlines" in names:
            rows += self.deadline_rows()
        if "import" in names:
            rows += self.import_rows()
        if "demo" in names:
            rows += self.demo_rows()
        if "render" in names:
            rows += self.render_rows()
        if "growth" in names:
            rows += self.growth_rows()
        if "conflicts" in names:
            rows += self.conflict_rows()
        if "server-load" in names:
            rows += self.server_load_rows()
        return sorted(rows, key=lambda row: NAMES.index(row.name))


def number(value: float | None) -> str:
    """Three significant figures, never in exponent form."""
    if value is None:
        return "—"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def verdict(met: bool | None) -> str:
    return {True: "met", False: "missed", None: "reported"}[met]


def table_lines(rows: list[Row]) -> list[str]:
    header = "| Figure | Measured | Baseline (same run) | Baseline value | Ratio | Goal | Result |"
    lines = [header, "|---|---:|---|---:|---:|---|---|"]
    for row in rows:
        baseline = f"{number(row.baseline_value)} {row.unit}" if row.baseline_value else "—"
        ratio = f"{row.ratio:.2f}×" if row.ratio is not None else "—"
        lines.append(
            f"| {row.figure} | {number(row.value)} {row.unit} | {row.baseline} | {baseline} "
            f"| {ratio} | {row.goal.describe(row.unit)} | {verdict(row.met)} |"
        )
    return lines


def describe_machine(report: dict[str, Any]) -> str:
    m = report["machine"]
    return (
        f"{m['processor']}, {m['cpus']} CPUs, {m['memory_gb']} GB RAM, {m['system']} "
        f"({m['machine']}), Python {m['python']}"
    )


def details_lines(details: dict[str, Any]) -> list[str]:
    """A few sub-figures that say where the time goes (all from this run)."""
    lines = []
    if "startup" in details:
        s = details["startup"]
        phases = ", ".join(
            f"{k.replace('_', ' ')} {v:.3f} s" for k, v in s["app_phases_s_median"].items()
        )
        lines.append(
            f"- Start-up phases (medians): {phases}; resident at the end {s['app_resident_mb']} MB, "
            f"peak including the unlock's key derivation {s['app_peak_mb_with_unlock']} MB; "
            "unlock to a usable main window with Unlock pressed as soon as the screen shows "
            f"{s['unlock_to_usable_pressed_at_once_s_median']:.3f} s; the unlock alone "
            f"{s['unlock_alone_s_median']:.3f} s."
        )
    for size, s in details.get("search", {}).items():
        slowest = "; ".join(
            f"{q['kind']}, {q['characters']}-character prefix, {q['matches']:,} matches: "
            f"{q['service_ms']} ms (bare {q['bare_fts5_ms']} ms)"
            for q in s["slowest"][:3]
        )
        lines.append(
            f"- Search at {size}: service p50/p95 {s['service_p50_ms']}/{s['service_p95_ms']} ms, "
            f"bare FTS5 {s['bare_fts5_p50_ms']}/{s['bare_fts5_p95_ms']} ms, median "
            f"{s['matches_median']:,.0f} matches; slowest: {slowest}."
        )
    for size, d in details.get("deadlines", {}).items():
        parts = d["full_recompute_parts"]
        lines.append(
            f"- Deadlines at {size}: {d['full_recompute']['deadlines']:,} deadlines; reading the "
            f"facts {parts['read_facts']['median_ms']} ms and planning (pure engine) "
            f"{parts['plan_pure_engine']['median_ms']} ms of the full recompute."
        )
    if "import" in details:
        d = details["import"]
        lines.append(
            f"- Import: {d['import_rows_per_s']:,} rows/s; it stores {d['bare_write_rows']:,} "
            f"rows (records, audit events, deadlines, conflict keys, search entries), whose bare "
            f"write alone takes {d['bare_write_s']} s = "
            f"{d['bare_write_s'] / d['csv_module_read_s']:.0f}× reading the CSV."
        )
    if "import_into_filled" in details:
        d = details["import_into_filled"]
        lines.append(
            f"- Import into a vault of {d['vault_clients']:,} clients: {d['rows']:,} rows in "
            f"{d['into_filled_s']} s, of which the conflict check of the new workers "
            f"{d['conflict_check_s']} s (into an empty vault: {d['into_empty_s']} s)."
        )
    if "demo" in details:
        d = details["demo"]
        lines.append(f"- Demo fill: {d['clients_per_s']:,} clients/s ({d['matters']:,} matters).")
    if "render" in details and "one_process_s" in details["render"]:
        r = details["render"]
        lines.append(
            f"- Render: {r['one_process_s']} s in one process, {r['all_cores_s']} s on every core."
        )
    if "conflicts" in details:
        lines.append(conflict_check.details_line(details["conflicts"]))
    if "server_load" in details:
        lines.append(load_report.details_line(details["server_load"]))
    return ["## Details", "", *lines, ""] if lines else []


def markdown(report: dict[str, Any], rows: list[Row]) -> str:
    load = report["load_average"]
    vaults = ", ".join(
        f"{size}: {v['build_s']}{' s' if v['build_s'] != 'reused' else ''}"
        for size, v in sorted(report["vaults"].items(), key=lambda item: item[1]["clients"])
    )
    lines = [
        "# Benchmarks",
        "",
        "Generated by `python -m bench` (see `bench/README.md`); do not edit by hand.",
        "",
        f"- Date: {report['date']}",
        f"- Command: `{report['command']}` ({report['elapsed_s']:.0f} s)",
        f"- Machine: {describe_machine(report)}",
        f"- Load average (1, 5, 15 min) at start {load['start']}, at end {load['end']}"
        " — the machine may be shared, so treat figures as indicative",
        f"- Demo vaults (clients: build time, or reused from the cache): {vaults}; seed "
        f"{common.DEMO_SEED}, built around {common.DEMO_TODAY.isoformat()}",
        "",
        *table_lines(rows),
        "",
        "Ratios are measured ÷ baseline (for cost growth: the figure at the bigger size ÷ the "
        "same at the smaller one); every result is computed from the numbers. Start-up and "
        "memory are medians (memory: maxima) over fresh offscreen interpreters, imports included "
        "and the unlock (key derivation + open) excluded; search times are each query's best of "
        f"{search.REPEATS} runs; the other times are medians of {RUNS} runs. "
        "Every sub-figure is in `bench/results.json`.",
        "",
        *details_lines(report["details"]),
    ]
    return "\n".join(lines)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="1k and 10k vaults only (100k rows measured on 10k)"
    )
    parser.add_argument("--fresh", action="store_true", help="rebuild the cached demo vaults")
    parser.add_argument("--only", metavar="NAME[,NAME]", help=f"rows to run: {','.join(NAMES)}")
    parser.add_argument(
        "--out", type=Path, help="JSON file (default: bench/results.json; quick/--only runs: none)"
    )
    parser.add_argument(
        "--markdown",
        type=Path,
        help="markdown table (default: docs/benchmarks.md; quick/--only runs: none)",
    )
    args = parser.parse_args(argv)
    names = set(args.only.split(",")) if args.only else set(NAMES)
    unknown = names - set(NAMES)
    if unknown:
        parser.error(f"unknown rows {', '.join(sorted(unknown))}; choose from {', '.join(NAMES)}")
    args.names = names
    # Only a complete run replaces the published figures, unless told where to write.
    complete = not args.quick and not args.only
    if complete:
        args.out = args.out or ROOT / "bench" / "results.json"
        args.markdown = args.markdown or ROOT / "docs" / "benchmarks.md"
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    started = time.perf_counter()
    load_start = common.load_average()
    suite = Suite(QUICK_SIZES if args.quick else FULL_SIZES, args.fresh)
    rows = suite.rows(args.names)
    report: dict[str, Any] = {
        "command": " ".join(["python -m bench", *(sys.argv[1:] if argv is None else argv)]),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "mode": "quick" if args.quick else "full",
        "elapsed_s": round(time.perf_counter() - started, 1),
        "machine": common.machine(),
        "load_average": {"start": load_start, "end": common.load_average()},
        "vaults": suite.vaults,
        "rows": [row.as_json() for row in rows],
        "details": suite.details,
    }
    print("\n".join(table_lines(rows)))
    print(
        f"\n{report['mode']} run in {report['elapsed_s']:.0f} s; load average at start "
        f"{load_start}, at end {report['load_average']['end']}; vaults {json.dumps(suite.vaults)}"
    )
    if args.out:
        common.save_json(args.out, report)
        print(f"saved {args.out}")
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(common.keep_sections(args.markdown, markdown(report, rows)))
        print(f"saved {args.markdown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
