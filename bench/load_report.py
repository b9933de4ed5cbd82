"""The clinic server load test's figures as table rows and as its own section of docs/benchmarks.md."""

from __future__ import annotations

from typing import Any

from bench import common
from bench.load_people import EDIT_EVERY

BASELINE = "the same operation by one person on a vault (one laptop), same run"
NAMES = {
    "search": "search as you type (one keystroke)",
    "open": "open a matter (matter, notices, deadlines)",
    "notice": "add a notice",
    "done": "mark a deadline done",
    "render": "render a document, kept encrypted in the store",
    "edit": "save the matter two people are editing",
}


def rows(figures: dict[str, Any], row: Any, goal: Any) -> list[Any]:
    """The rows of `python -m bench` (Row and Goal come from bench.__main__)."""
    s, v = figures["server"], figures["vault"]
    who = f"Clinic server, {figures['staff']} staff"
    out = []
    for op, fig in s["operations"].items():
        base = v["operations"].get(op, {})
        for pct in ("p50", "p95"):
            out.append(
                row(
                    "server-load",
                    f"{who}: {NAMES[op]}, {pct} of {fig['count']}",
                    "ms",
                    fig[f"{pct}_ms"],
                    goal(),
                    BASELINE if base else "—",
                    base.get(f"{pct}_ms"),
                )
            )
    zero = goal(between=(0, 0), note="must be 0")
    out += [
        row(
            "server-load",
            f"{who}: acknowledged writes lost or half-applied (of {s['acknowledged_writes']})",
            "",
            s["lost_updates"] + s["half_applied"] + s["written_twice"],
            zero,
        ),
        row(
            "server-load",
            f"{who}: errors other than the version conflicts provoked ({s['conflicts']})",
            "",
            s["errors"],
            zero,
        ),
    ]
    if s["faults"]:
        out.append(
            row(
                "server-load",
                f"{who}: after a crash and a cut connection, people shown anything but the one "
                f"sentence or not working again by themselves (of {s['interrupted_people']} "
                "interrupted)",
                "",
                (0 if s["only_the_sentence"] else s["interrupted_people"])
                + s["interrupted_people"]
                - s["recovered_people"],
                zero,
            )
        )
    return out


def details_line(figures: dict[str, Any]) -> str:
    s = figures["server"]
    faults = s["faults"] or {}
    shown = f" (shown as “{s['conflict_sentences'][0]}”)" if s["conflict_sentences"] else ""
    conflicts = (
        f"{s['conflicts']} version conflicts provoked by pairs saving one shared matter every "
        f"{EDIT_EVERY:g} s{shown}"
    )
    line = (
        f"- Clinic server load: {figures['staff']} staff (own login and connection each, threads "
        f"of one process on the same machine as the server), {s['elapsed_s']} s, "
        f"{s['ops_total']} operations (bound {figures['max_ops']}), {figures['clients']:,} demo "
        f"clients; {s['acknowledged_writes']} acknowledged writes all found whole afterwards "
        f"({s['lost_updates']} lost, {s['half_applied']} half-applied, {s['written_twice']} "
        f"written twice); {conflicts}; {s['errors']} other errors."
    )
    if faults:
        line += (
            f" Faults: `pg_ctl stop -m immediate` at {faults['crash_at_s']} s, started again at "
            f"{faults['server_back_at_s']} s; {faults['cut_login'] or 'nobody'}'s connection "
            f"ended by the admin (pg_terminate_backend) at {faults['cut_at_s']} s "
            f"({'waiting inside a save' if faults['cut_mid_write_transaction'] else 'inside a read'}"
            f"); {s['interrupted_people']} people interrupted ({s['interruptions']} operations), "
            f"each shown only “{', '.join(s['sentences_seen']) or '—'}”; "
            f"{s['recovered_people']} of them working again without reconnecting; "
            f"{s['unsure_writes']} writes were refused with the sentence, of which "
            f"{s['unsure_that_committed']} had in fact been saved (none twice)."
        )
    return line


def markdown_section(figures: dict[str, Any], command: str) -> str:
    s, v = figures["server"], figures["vault"]
    load = figures["load_average"]
    lines = [
        "## Clinic server under load",
        "",
        f"- Command: `{command}`",
        f"- Machine: {common.machine()['processor']}, {common.machine()['cpus']} CPUs; load "
        f"average (1, 5, 15 min) at start {load['start']}, at end {load['end']} — shared, so "
        "treat the figures as indicative",
        f"- PostgreSQL on loopback (a throwaway cluster, commits durable: fsync and synchronous_commit on), the app's schema, roles and "
        f"row-level security; each person logs in as their own account (attorneys and "
        f"paralegals). People pause as people do (think factor {figures['think']}).",
        "",
        "| Operation | Server p50 | Server p95 | Vault p50 | Vault p95 | Ratio p50 | Count |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for op, fig in s["operations"].items():
        base = v["operations"].get(op)
        ratio = f"{fig['p50_ms'] / base['p50_ms']:.1f}×" if base and base["p50_ms"] else "—"
        lines.append(
            f"| {NAMES[op]} | {fig['p50_ms']} ms | {fig['p95_ms']} ms | "
            f"{base['p50_ms'] if base else '—'} ms | {base['p95_ms'] if base else '—'} ms | "
            f"{ratio} | {fig['count']} |"
        )
    lines += ["", details_line(figures), ""]
    return "\n".join(lines)


def console_lines(f: dict[str, Any]) -> list[str]:
    s, v = f["server"], f["vault"]
    lines = [
        f"{f['staff']} staff, {s['elapsed_s']} s, {s['ops_total']} operations "
        f"(bound {f['max_ops']}); load average {f['load_average']}",
        "operation  server p50/p95 ms   vault p50/p95 ms   ratio p50  count",
    ]
    for op, fig in s["operations"].items():
        base = v["operations"].get(op)
        ratio = f"{fig['p50_ms'] / base['p50_ms']:.2f}x" if base and base["p50_ms"] else "—"
        vault_text = f"{base['p50_ms']}/{base['p95_ms']}" if base else "—"
        lines.append(
            f"{op:<10} {fig['p50_ms']:>8}/{fig['p95_ms']:<10} {vault_text:>16}   {ratio:>7}  "
            f"{fig['count']}"
        )
    lines.append(details_line(f))
    if s["error_samples"]:
        lines.append(f"first errors: {s['error_samples'][:3]}")
    return lines
