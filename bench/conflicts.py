"""Conflict check: precision and recall on the labelled pairs, and the time of one check at 100k.

`python -m bench.conflicts [--clients N]` prints the figures and saves them to
`bench/results/conflicts.json`; `python -m bench --only conflicts` puts them in the table.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import text

from bench import common
from clinic_app.conflicts import THRESHOLD, Person, score_person
from clinic_app.domain.text import fold
from clinic_app.domain.validators import normalize_a_number
from clinic_app.services import conflicts
from clinic_app.vault.vault import Vault

PAIRS = Path(__file__).resolve().parent.parent / "tests" / "data" / "conflicts" / "pairs.csv"
CHECKS = 200
SEED = 19
# The baseline's cut-off: a WRatio this high is what a plain fuzzy scan would call a match.
BASELINE_CUTOFF = 85
BASELINE_RUNS = 15  # each reads and scores every name: seconds at 100k


def _person(row: dict[str, str], side: str) -> Person:
    def get(name: str) -> str:
        return row[f"{side}_{name}"].strip()

    return Person(
        first_name=get("first"),
        last_name=get("last"),
        other_names=tuple(line for line in get("other").splitlines() if line),
        date_of_birth=date.fromisoformat(get("dob")) if get("dob") else None,
        a_number=normalize_a_number(get("a_number") or None),
        phone=get("phone"),
    )


@dataclass(frozen=True)
class Labelled:
    form: str
    match: bool
    existing: Person
    entry: Person


def load_pairs(path: Path = PAIRS) -> list[Labelled]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Labelled(row["form"], row["label"] == "match", _person(row, "a"), _person(row, "b"))
            for row in csv.DictReader(handle)
        ]


def evaluate(pairs: list[Labelled], threshold: int = THRESHOLD) -> dict[str, Any]:
    """Precision and recall of the scorer at `threshold`, with the misses by form."""
    tp = fp = fn = tn = 0
    missed: dict[str, int] = {}
    wrong: dict[str, int] = {}
    for pair in pairs:
        flagged = score_person(pair.entry, pair.existing).score >= threshold
        if pair.match and flagged:
            tp += 1
        elif pair.match:
            fn += 1
            missed[pair.form] = missed.get(pair.form, 0) + 1
        elif flagged:
            fp += 1
            wrong[pair.form] = wrong.get(pair.form, 0) + 1
        else:
            tn += 1
    return {
        "pairs": len(pairs),
        "matches": tp + fn,
        "threshold": threshold,
        "precision": round(tp / (tp + fp), 3) if tp + fp else 0.0,
        "recall": round(tp / (tp + fn), 3) if tp + fn else 0.0,
        "true_positives": tp,
        "false_positives": fp,
        "false_negatives": fn,
        "true_negatives": tn,
        "missed_by_form": missed,
        "false_alarms_by_form": wrong,
        "forms": sorted({p.form for p in pairs}),
    }


def baseline_quality(pairs: list[Labelled]) -> dict[str, Any]:
    """The same pairs through a raw rapidfuzz WRatio of the folded full names."""
    tp = fp = fn = 0
    for pair in pairs:
        score = fuzz.WRatio(fold(pair.entry.full_name), fold(pair.existing.full_name))
        flagged = score >= BASELINE_CUTOFF
        tp += pair.match and flagged
        fp += (not pair.match) and flagged
        fn += pair.match and not flagged
    return {
        "cutoff": BASELINE_CUTOFF,
        "precision": round(tp / (tp + fp), 3) if tp + fp else 0.0,
        "recall": round(tp / (tp + fn), 3) if tp + fn else 0.0,
    }


def _entries(vault: Vault, count: int) -> list[tuple[int, conflicts.PersonQuery]]:
    """Intake entries made from stored clients (with the id of the client each was made from):
    accents dropped, one surname, some with the date of birth (a third of those with day and
    month swapped)."""
    with vault.reader() as session:
        rows = (
            session.connection()
            .execute(text("SELECT id, first_name, last_name, date_of_birth FROM client"))
            .all()
        )
    rng = random.Random(SEED)
    out = []
    for cid, first, last, born in rng.sample(rows, count):
        day = date.fromisoformat(str(born)) if born and rng.random() < 0.6 else None
        if day and day.day <= 12 and rng.random() < 0.3:
            day = day.replace(month=day.day, day=day.month)
        surname = (last or "").split()[:1]
        query = conflicts.PersonQuery(
            first_name=fold(first), last_name=fold(" ".join(surname)), date_of_birth=day
        )
        out.append((int(cid), query))
    return out


def measure_speed(vault: Vault, count: int = CHECKS) -> dict[str, Any]:
    """One check (service call, prefilter + scoring) against a raw rapidfuzz scan of every name."""
    made_from = _entries(vault, count)
    entries = [entry for _cid, entry in made_from]
    for entry in entries[:5]:  # warm caches (variant table, metaphone codes)
        conflicts.check_person(vault, entry)
    service: list[float] = []
    found = []
    shown = {True: [0, 0], False: [0, 0]}  # with a birth date: [source shown, checks]
    for cid, entry in made_from:
        start = time.perf_counter()
        matches = conflicts.check_person(vault, entry)
        service.append(time.perf_counter() - start)
        found.append(len(matches))
        tally = shown[entry.date_of_birth is not None]
        tally[0] += any(m.record_kind == "client" and m.record_id == cid for m in matches)
        tally[1] += 1
    # Baseline: what a check without the index does: read every name, score them all.
    raw: list[float] = []
    scan_only: list[float] = []
    for entry in entries[:BASELINE_RUNS]:
        start = time.perf_counter()
        with vault.reader() as session:
            names = [
                fold(f"{f} {last}")
                for f, last in session.connection()
                .execute(text("SELECT first_name, last_name FROM client"))
                .all()
            ]
        scan_start = time.perf_counter()
        process.extract(
            fold(f"{entry.first_name} {entry.last_name}"),
            names,
            scorer=fuzz.WRatio,
            limit=20,
            score_cutoff=BASELINE_CUTOFF,
        )
        raw.append(time.perf_counter() - start)
        scan_only.append(time.perf_counter() - scan_start)
    return {
        "checks": len(entries),
        "service_p50_ms": round(common.percentile(service, 50) * 1000, 1),
        "service_p95_ms": round(common.percentile(service, 95) * 1000, 1),
        "service_max_ms": round(max(service) * 1000, 1),
        "matches_median": statistics.median(found),
        # Whether the client an entry was made from is among the matches shown (at most 20).
        "source_shown_with_dob": shown[True],
        "source_shown_name_only": shown[False],
        "baseline_runs": len(raw),
        "raw_scan_p50_ms": round(common.percentile(raw, 50) * 1000, 1),
        "raw_scan_names_in_memory_p50_ms": round(common.percentile(scan_only, 50) * 1000, 1),
    }


def measure(vault: Vault | None = None) -> dict[str, Any]:
    pairs = load_pairs()
    figures: dict[str, Any] = {
        "quality": evaluate(pairs),
        "baseline_quality": baseline_quality(pairs),
    }
    if vault is not None:
        figures["speed"] = measure_speed(vault)
    return figures


def rows(figures: dict[str, Any], at_big: Any, row: Any, goal: Any) -> list[Any]:
    """The rows of `python -m bench` (Row and Goal come from bench.__main__)."""
    q, b = figures["quality"], figures["baseline_quality"]
    baseline = f"raw rapidfuzz WRatio ≥ {b['cutoff']} of the full names"
    out = [
        row(
            "conflicts",
            f"Conflict check: recall on {q['pairs']} labelled pairs (score ≥ {q['threshold']})",
            "",
            q["recall"],
            goal(between=(0.95, 1.0)),
            baseline,
            b["recall"],
        ),
        row(
            "conflicts",
            f"Conflict check: precision on {q['pairs']} labelled pairs",
            "",
            q["precision"],
            goal(between=(0.90, 1.0)),
            baseline,
            b["precision"],
        ),
    ]
    speed = figures.get("speed")
    if speed:
        scan = "a raw rapidfuzz scan of every client's name, names read from the vault"
        for pct in ("p50", "p95"):
            out.append(
                row(
                    "conflicts",
                    at_big(
                        f"Conflict check (prefilter + scoring), {pct} of {speed['checks']} checks"
                    ),
                    "ms",
                    speed[f"service_{pct}_ms"],
                    goal(below=100),
                    scan,
                    speed["raw_scan_p50_ms"],
                )
            )
    return out


def details_line(figures: dict[str, Any]) -> str:
    q = figures["quality"]
    line = (
        f"- Conflict check: {q['true_positives']} of {q['matches']} true matches found, "
        f"{q['false_positives']} false alarms among {q['pairs'] - q['matches']} look-alikes; "
        f"misses by form {q['missed_by_form'] or 'none'}, false alarms by form "
        f"{q['false_alarms_by_form'] or 'none'}."
    )
    speed = figures.get("speed")
    if speed:
        line += (
            f" One check: p50/p95/max {speed['service_p50_ms']}/{speed['service_p95_ms']}/"
            f"{speed['service_max_ms']} ms; the raw scan {speed['raw_scan_p50_ms']} ms "
            f"({speed['raw_scan_names_in_memory_p50_ms']} ms with the names already in memory)."
            f" The client an entry was made from was among the matches shown in "
            f"{speed['source_shown_with_dob'][0]} of {speed['source_shown_with_dob'][1]} checks "
            f"with a birth date and {speed['source_shown_name_only'][0]} of "
            f"{speed['source_shown_name_only'][1]} with the name only (the demo gives about 140 "
            "clients each name; at most 20 are shown)."
        )
    return line


def markdown_section(figures: dict[str, Any], clients: int, load: list[float] | None) -> str:
    q, b = figures["quality"], figures["baseline_quality"]
    m = common.machine()
    lines = [
        "## Conflict check",
        "",
        f"Measured by `python -m bench.conflicts` on "
        f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC; {m['processor']}, {m['cpus']} "
        f"CPUs; load average at the end {load} (the machine was shared: treat times as "
        "indicative).",
        "",
        "| Figure | Measured | Baseline (same run) | Goal | Result |",
        "|---|---:|---|---|---|",
        f"| Recall on {q['pairs']} labelled pairs ({q['matches']} true matches), score ≥ "
        f"{q['threshold']} | {q['recall']:.3f} | raw WRatio ≥ {b['cutoff']}: {b['recall']:.3f} "
        f"| ≥ 0.95 | {'met' if q['recall'] >= 0.95 else 'missed'} |",
        f"| Precision on the same pairs | {q['precision']:.3f} | raw WRatio ≥ {b['cutoff']}: "
        f"{b['precision']:.3f} | ≥ 0.90 | {'met' if q['precision'] >= 0.90 else 'missed'} |",
    ]
    speed = figures.get("speed")
    if speed:
        for pct in ("p50", "p95"):
            value = speed[f"service_{pct}_ms"]
            lines.append(
                f"| One check against {clients:,} clients, {pct} of {speed['checks']} "
                f"| {value} ms | raw rapidfuzz scan of every name: {speed['raw_scan_p50_ms']} ms "
                f"(names already in memory: {speed['raw_scan_names_in_memory_p50_ms']} ms) "
                f"| < 100 ms | {'met' if value < 100 else 'missed'} |"
            )
    lines += [
        "",
        "The labelled pairs are made by `tests/data/conflicts/make_pairs.py` from invented "
        "names, one form per hard case (accents, one of two surnames, reordered or hyphenated "
        "surnames, initials, name variants, transliterations, first and last names swapped, "
        "one-word names, typos, day/month-swapped birth dates, A-number spellings, phone, other "
        "names used, particles) and look-alike non-matches (shared surnames, siblings sharing a "
        "phone, Mario/María, the same name with another birth date or A-number, look-alike "
        "surnames, another second surname or given name). The same person wrote the pairs and "
        "the scorer, so these figures show that the hard forms are handled, not how real "
        "intake data will score.",
        "",
        details_line(figures),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.conflicts", description=__doc__)
    parser.add_argument(
        "--clients", type=int, default=100_000, help="demo vault size (0: quality only)"
    )
    parser.add_argument(
        "--markdown",
        type=Path,
        help="markdown file to put the 'Conflict check' section in (default with 100,000 "
        "clients: docs/benchmarks.md; other sections are kept)",
    )
    parser.add_argument(
        "--vault",
        type=Path,
        metavar="DIR",
        help="an existing demo vault of --clients workers (else the cached one, built if needed)",
    )
    args = parser.parse_args(argv)
    if args.markdown is None and args.clients == 100_000:
        args.markdown = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
    if args.vault:
        vault: Vault | None = common.open_vault(args.vault)
    else:
        vault = common.open_demo(args.clients)[0] if args.clients else None
    try:
        figures = measure(vault)
    finally:
        if vault is not None:
            vault.close()
    flat: dict[str, Any] = {}
    for group, values in figures.items():
        for key, value in values.items():
            flat[f"{group}.{key}"] = value
    flat["machine"] = common.machine()
    common.publish(common.RESULTS_DIR / "conflicts.json", flat)
    if args.markdown:
        section = markdown_section(figures, args.clients, common.load_average())
        common.write_section(args.markdown, "conflicts", section)
        print(f"saved the conflict check section of {args.markdown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
