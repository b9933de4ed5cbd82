"""Deadlines on a big demo vault: full recompute, the dashboard query, one-matter updates.

Builds a demo vault once (100,000 workers by default) and reuses it on later runs; prints the
figures and saves them as JSON. Goals from issue 4, on a 2-core machine: full recompute under
2 s, the dashboard's "overdue + next 30 days" under 100 ms, one-matter update under 20 ms.
This never passes or fails on a time: it measures.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, text

from clinic_app.deadlines import sync
from clinic_app.deadlines.engine import plan_matter
from clinic_app.deadlines.facts import load_facts
from clinic_app.domain.models import Grant, Matter, MatterEvent
from clinic_app.services import deadlines, demo, matters, vault_ops
from clinic_app.vault.vault import Vault

PASSPHRASE = "benchmark passphrase"


def timed(fn: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    """Seconds for each of `runs` calls, and the last result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return times, result


def ms(values: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(values) * 1000, 1),
        "min_ms": round(min(values) * 1000, 1),
        "max_ms": round(max(values) * 1000, 1),
    }


def build_or_reuse(
    folder: Path, clients: int, today: date, fresh: bool
) -> tuple[Vault, float | None]:
    if fresh and folder.exists():
        shutil.rmtree(folder)
    if vault_ops.is_vault(folder):
        return vault_ops.open_vault(folder, passphrase=PASSPHRASE, actor="bench"), None
    vault, _code = vault_ops.create_vault(folder, passphrase=PASSPHRASE, actor="bench")
    start = time.perf_counter()
    demo.fill_demo(vault, clients=clients, seed=1, today=today)
    return vault, time.perf_counter() - start


def counts(vault: Vault) -> dict[str, int]:
    with vault.reader() as session:
        conn = session.connection()
        return {
            "matters": int(conn.execute(text("SELECT count(*) FROM matter")).scalar_one()),
            "deadlines_stored": int(
                conn.execute(text("SELECT count(*) FROM deadline")).scalar_one()
            ),
        }


def engine_breakdown(vault: Vault, runs: int) -> dict[str, Any]:
    """The parts of a full recompute: reading facts, planning (the pure engine).

    Measured as the recompute runs them, with the cyclic garbage collector paused.
    """
    gc.disable()
    try:
        with vault.reader() as session:
            conn = session.connection()
            book = sync.rulebook_from(conn)[0]
            read, facts = timed(lambda: load_facts(conn), runs)
        plan, planned = timed(lambda: [p for f in facts for p in plan_matter(f, book)], runs)
    finally:
        gc.enable()
    return {"read_facts": ms(read), "plan_pure_engine": ms(plan), "planned": len(planned)}


def one_matter_updates(vault: Vault, runs: int, today: date) -> dict[str, Any]:
    """Change a matter's filing date through the service (one transaction, deadlines included)."""
    with vault.reader() as session:
        ids = [
            int(r[0])
            for r in session.connection().execute(
                text("SELECT id FROM matter WHERE decision IS NULL ORDER BY id LIMIT :n"),
                {"n": runs * 2},
            )
        ]
    picks = iter(ids)
    shift = iter(range(130, 130 + 3 * runs))  # a new filing date on every call: a real change

    def update() -> None:
        day = today - timedelta(days=next(shift))
        matters.update_matter(vault, matter_id=next(picks), filed_on=day)

    with_hook, _ = timed(update, runs)

    def refresh_only() -> None:
        with vault.session() as session:
            sync.refresh(session.connection(), matter_ids={next(picks)})

    refresh, _ = timed(refresh_only, runs)
    # The same service call with the deadline hook switched off: what the hook adds.
    hooks = [
        (Matter, "after_update", sync._matter_updated),
        (Grant, "after_update", sync._child_updated),
        (MatterEvent, "after_update", sync._child_updated),
    ]
    for target, name, fn in hooks:
        event.remove(target, name, fn)
    try:
        picks = iter(ids[:runs])
        without, _ = timed(update, runs)
    finally:
        for target, name, fn in hooks:
            event.listen(target, name, fn)
    deadlines.recompute_all(vault)  # the unhooked updates left their matters stale
    return {
        "update_matter_service_call": ms(with_hook),
        "same_call_without_deadline_hook": ms(without),
        "refresh_one_matter_only": ms(refresh),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--today", default="2026-01-01", help="date the demo is built around")
    parser.add_argument(
        "--vault",
        type=Path,
        default=None,
        help="where the demo vault is built or reused (default: a folder in the temp directory)",
    )
    parser.add_argument("--fresh", action="store_true", help="rebuild the demo vault")
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent / "results" / "deadlines.json"
    )
    args = parser.parse_args(argv)
    today = date.fromisoformat(args.today)
    folder = (
        args.vault or Path(tempfile.gettempdir()) / "clinic-app-bench" / f"deadlines-{args.clients}"
    )
    results: dict[str, Any] = {
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()]
        if hasattr(os, "getloadavg")
        else None,
        "clients": args.clients,
        "today": today.isoformat(),
        "vault": str(folder),
    }
    vault, built = build_or_reuse(folder, args.clients, today, args.fresh)
    try:
        results["demo_fill_s_with_deadlines"] = round(built, 1) if built is not None else "reused"
        deadlines.ensure_current(vault)
        results.update(counts(vault))
        full, report = timed(lambda: deadlines.recompute_all(vault), args.runs)
        results["full_recompute"] = ms(full) | {"deadlines": report.deadlines}
        results["full_recompute_parts"] = engine_breakdown(vault, max(1, args.runs // 2))
        first, _ = timed(lambda: deadlines.dashboard(vault, today=today, within=30), 1)
        results["dashboard_first_call_ms"] = round(first[0] * 1000, 1)
        board_times, board = timed(
            lambda: deadlines.dashboard(vault, today=today, within=30, limit=200), args.runs
        )
        results["dashboard_overdue_next_30_days"] = ms(board_times) | {
            "counts": board.counts,
            "rows_returned": len(board.deadlines),
        }
        listing_times, listing = timed(
            lambda: deadlines.list_deadlines(vault, today=today, within=30), args.runs
        )
        results["full_list_overdue_next_30_days"] = ms(listing_times) | {"rows": len(listing)}
        results["one_matter_update"] = one_matter_updates(vault, args.runs, today)
    finally:
        vault.close()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    print(f"saved to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
