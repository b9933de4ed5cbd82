"""Search as you type: the Clients screen's search through the service against bare FTS5."""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench import common
from clinic_app import search
from clinic_app.domain.text import fold
from clinic_app.services import clients
from clinic_app.vault.vault import Vault

# A person typing produces prefixes of names, A-numbers, receipt numbers and employer names;
# 200 of them (a fixed seed) are taken from the demo vault. Each is timed as the Clients screen
# runs it when typing pauses (`ClientTableModel.reload`: `clients.search_page`, the first page
# and the count when the page is full) and, as the baseline, as the service's FTS5 query (`search.RANKED_SQL`
# and `search.COUNT_SQL` with the service's own MATCH expression) run on the vault's raw
# SQLCipher connection: the count and the first page's ids, best first; the search itself, with
# nothing around it.

# The page the Clients table fetches first as a person types
# (`ui.client_table.ClientTableModel.SEARCH_PAGE`); kept here so the benchmark needs no Qt.
PAGE = 50
QUERIES = 200
SEED = 7
REPEATS = 3


@dataclass(frozen=True)
class Query:
    text: str
    kind: str  # what was being typed; results name the kind, never the text (no names in files)


def _sources(vault: Vault) -> dict[str, list[str]]:
    """What people search for, as stored in the vault."""
    with vault.reader() as session:
        conn = session.connection()
        people = conn.execute(text("SELECT first_name, last_name, a_number FROM client")).all()
        receipts = conn.execute(
            text("SELECT receipt_number FROM matter WHERE receipt_number IS NOT NULL")
        ).all()
        employers = conn.execute(text("SELECT name FROM employer")).all()
    a_numbers = [a for _f, _l, a in people if a]
    return {
        "first name": [f for f, _l, _a in people if f],
        "last name": [last for _f, last, _a in people if last],
        "full name": [f"{f} {last}".strip() for f, last, _a in people],
        "A-number": a_numbers,
        "A-number digits": [a[1:] for a in a_numbers],
        "receipt number": [r for (r,) in receipts],
        "employer": [e for (e,) in employers],
    }


def typed_queries(vault: Vault, count: int = QUERIES, seed: int = SEED) -> list[Query]:
    """`count` prefixes (1..n characters) of real values, half of them typed without accents."""
    sources = {kind: values for kind, values in _sources(vault).items() if values}
    kinds = sorted(sources)
    rng = random.Random(seed)
    queries: list[Query] = []
    while len(queries) < count:
        kind = rng.choice(kinds)
        target = rng.choice(sources[kind])
        if rng.random() < 0.5:
            target = fold(target)  # how most people type: lower case, no accents
        typed = target[: rng.randint(1, len(target))].strip()  # the screen strips the text too
        if search.match_expression(typed) is not None:
            queries.append(Query(typed, kind))
    return queries


def service_search(vault: Vault, query: str) -> int:
    """What the Clients screen runs when typing pauses: the count and the first page."""
    total, _rows = clients.search_page(vault, search_text=query, limit=PAGE)
    return total


def bare_search(cursor: Any, expression: str) -> int:
    """The baseline: the service's two FTS5 queries on the raw connection: the count, then the
    ids of the first page, best first."""
    total = int(cursor.execute(search.COUNT_SQL, {"q": expression}).fetchone()[0])
    if total:
        cursor.execute(search.RANKED_SQL + " LIMIT :limit", {"q": expression, "limit": PAGE})
        cursor.fetchall()
    return total


def measure(vault: Vault, queries: list[Query], repeats: int = REPEATS) -> dict[str, Any]:
    """p50/p95 of the service and of the bare query, and the slowest queries (by kind).

    Each query's time is its best of `repeats` runs: on a shared machine the slower runs
    measure the other processes.
    """
    raw = vault.engine.raw_connection()  # a pooled, keyed connection of the same engine
    try:
        cursor = raw.cursor()
        expressions = [search.match_expression(q.text) or "" for q in queries]
        for query, expression in zip(queries, expressions, strict=True):  # warm the page cache
            bare_search(cursor, expression)
            service_search(vault, query.text)
        service, bare, matches = [], [], []
        for i, (query, expression) in enumerate(zip(queries, expressions, strict=True)):
            runs: dict[str, list[float]] = {"service": [], "bare": []}
            for repeat in range(repeats):
                # Alternate which goes first, so neither always finds the other's pages cached.
                for which in ("bare", "service") if (i + repeat) % 2 else ("service", "bare"):
                    start = time.perf_counter()
                    if which == "bare":
                        found = bare_search(cursor, expression)
                    else:
                        total = service_search(vault, query.text)
                    runs[which].append(time.perf_counter() - start)
            if total != found:
                raise RuntimeError(f"the service found {total} clients, the bare query {found}")
            service.append(min(runs["service"]))
            bare.append(min(runs["bare"]))
            matches.append(found)
        cursor.close()
    finally:
        raw.close()
    figures = {
        "queries": len(queries),
        "repeats_per_query": repeats,
        "service_p50_ms": round(common.percentile(service, 50) * 1000, 2),
        "service_p95_ms": round(common.percentile(service, 95) * 1000, 2),
        "service_max_ms": round(max(service) * 1000, 2),
        "bare_fts5_p50_ms": round(common.percentile(bare, 50) * 1000, 2),
        "bare_fts5_p95_ms": round(common.percentile(bare, 95) * 1000, 2),
        "bare_fts5_max_ms": round(max(bare) * 1000, 2),
        "matches_median": statistics.median(matches),
        "matches_max": max(matches),
        "queries_by_kind": {
            kind: sum(1 for q in queries if q.kind == kind)
            for kind in sorted({q.kind for q in queries})
        },
    }
    figures["ratio_p50"] = round(figures["service_p50_ms"] / figures["bare_fts5_p50_ms"], 2)
    figures["ratio_p95"] = round(figures["service_p95_ms"] / figures["bare_fts5_p95_ms"], 2)
    slowest = sorted(range(len(queries)), key=lambda i: service[i], reverse=True)[:5]
    figures["slowest"] = [
        {
            "kind": queries[i].kind,
            "characters": len(queries[i].text),
            "matches": matches[i],
            "service_ms": round(service[i] * 1000, 1),
            "bare_fts5_ms": round(bare[i] * 1000, 1),
        }
        for i in slowest
    ]
    return figures


def profile(vault: Vault, queries: list[Query], top: int = 15) -> str:
    """cProfile of the service over the queries: the functions with the most own time."""
    profiler = cProfile.Profile()
    profiler.enable()
    for query in queries:
        service_search(vault, query.text)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=QUERIES)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--repeats", type=int, default=REPEATS, help="runs per query (best kept)")
    parser.add_argument("--fresh", action="store_true", help="rebuild the demo vault")
    parser.add_argument(
        "--profile", action="store_true", help="also print a cProfile of the service"
    )
    parser.add_argument(
        "--out", type=Path, default=common.RESULTS_DIR / "search.json", help="JSON file to write"
    )
    args = parser.parse_args(argv)
    results: dict[str, Any] = common.machine() | {
        "load_average_at_start": common.load_average(),
        "clients": args.clients,
    }
    vault, built = common.open_demo(args.clients, fresh=args.fresh)
    try:
        results["demo_build_s"] = round(built, 1) if built is not None else "reused"
        queries = typed_queries(vault, args.queries, args.seed)
        results.update(measure(vault, queries, args.repeats))
        if args.profile:
            print(profile(vault, queries))
    finally:
        vault.close()
    common.publish(args.out, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
