"""Clinic server under load and faults: N staff on loopback, p50/p95 per operation, every write checked.

`python -m bench.server_load [--staff 20] [--seconds 60] [--faults]` prints the figures and saves
them to `bench/results/server_load.json`; `python -m bench --only server-load` puts them in the
table. The same operations are run by one person on a single-laptop vault (one process, one
connection, as a vault is used) as the baseline, in the same run.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench import common, load_people, load_report, load_setup
from bench.load_people import OPERATIONS, Person, PersonLog, Tickets, World
from clinic_app.services import files as files_service
from clinic_app.services import matters
from clinic_app.services.changes import EVENT
from clinic_app.services.deadlines import get_deadline
from clinic_app.store.postgres import UNREACHABLE
from clinic_app.vault import audit
from clinic_app.vault.keyslots import KdfParams

BASELINE_ROUNDS = 10  # each operation this many times on the vault
# The key derivation at login is not what is measured (a person logs in once a day).
FAST_KDF = KdfParams(memory_kib=8 * 1024, iterations=1, lanes=1)


@dataclass(frozen=True)
class Config:
    staff: int = 20
    seconds: float = 60.0
    max_ops: int = 3000  # across everyone; reached first only on a fast machine
    clients: int = 1000
    faults: bool = True
    think: float = 1.0  # 1: people pause as people do (keystrokes, reading); 0: flat out


def make_world(store: Any, staff: int) -> World:
    """Names to type and matters to open, read once from the store."""
    with store.reader() as session:
        conn = session.connection()
        names = tuple(
            str(n)
            for n in conn.execute(
                text("SELECT last_name FROM client ORDER BY id LIMIT 300")
            ).scalars()
        )
        ids = tuple(
            int(i) for i in conn.execute(text("SELECT id FROM matter ORDER BY id")).scalars()
        )
        staff_ids = tuple(
            int(i) for i in conn.execute(text("SELECT id FROM staff_member ORDER BY id")).scalars()
        )
    pairs = max(1, staff // 2)
    # The shared matters are left out of everyone's own share, so only the pair edits them.
    return World(names, ids[pairs:], ids[:pairs], staff_ids, load_setup.TODAY)


def run_people(
    stores: list[Any],
    world: World,
    config: Config,
    logins: list[str],
    hold: threading.Event | None = None,
) -> list[PersonLog]:
    """Everyone works until the time (and any faults) are over; then each does one more thing."""
    logs = [PersonLog(login) for login in logins]
    tickets = Tickets(config.max_ops, time.monotonic() + config.seconds, hold)
    people = [
        Person(i, len(stores), store, world, logs[i], config.think)
        for i, store in enumerate(stores)
    ]
    threads = [threading.Thread(target=p.run, args=(tickets,), daemon=True) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=config.seconds + 240)
    for person in people:
        person.next_operation()
    return logs


def verify(store: Any, logs: list[PersonLog]) -> dict[str, Any]:
    """Every acknowledged write is there whole; an unsure one is there whole or not at all."""
    lost: list[str] = []
    half: list[str] = []
    with store.reader() as session:
        conn = session.connection()
        events = conn.execute(
            text("SELECT id, matter_id, details FROM matter_event WHERE details LIKE 'load %'")
        ).all()
        audited = {
            int(i)
            for i in conn.execute(
                text(
                    "SELECT record_id FROM audit_event WHERE record_kind = :k AND action = 'create'"
                ),
                {"k": EVENT},
            ).scalars()
            if i is not None
        }
        chain = audit.verify(session, store.audit_key)
    by_token: dict[str, list[tuple[int, int]]] = {}
    for event_id, matter_id, details in events:
        by_token.setdefault(str(details), []).append((int(event_id), int(matter_id)))
        if int(event_id) not in audited:
            half.append(f"notice {event_id} has no audit entry")
    twice = [token for token, rows in by_token.items() if len(rows) > 1]
    unsure_committed = 0
    for log in logs:
        for event_id, matter_id, token in log.notices:
            if by_token.get(token) != [(event_id, matter_id)]:
                lost.append(f"{log.login}: notice {event_id} ({token})")
        unsure_committed += sum(1 for token in log.unsure_notices if token in by_token)
        for ref in log.done:
            if get_deadline(store, ref=ref, today=load_setup.TODAY).done_on is None:
                lost.append(f"{log.login}: deadline {ref} not done")
        for file_id in log.kept:
            try:
                files_service.read_file(store, file_id=file_id)
            except Exception as exc:  # a missing or undecryptable draft is a lost write
                lost.append(f"{log.login}: kept draft {file_id}: {exc}")
    lost += _lost_edits(store, [e for log in logs for e in log.edits])
    return {
        "acknowledged_writes": sum(
            len(x.notices) + len(x.done) + len(x.kept) + len(x.edits) for x in logs
        ),
        "lost_updates": len(lost),
        "lost": lost[:20],
        "half_applied": len(half) + len(chain),
        "half": (half + chain)[:20],
        "written_twice": len(twice),
        "unsure_writes": sum(len(x.unsure_notices) + len(x.unsure_done) for x in logs),
        "unsure_that_committed": unsure_committed,
    }


def _lost_edits(store: Any, edits: list[load_people.Edit]) -> list[str]:
    """Two saves acknowledged from the same loaded version: one overwrote the other unseen."""
    lost = []
    for matter_id in sorted({e.matter_id for e in edits}):
        mine = sorted((e for e in edits if e.matter_id == matter_id), key=lambda e: e.saved)
        loaded = [e.loaded for e in mine]
        if len(set(loaded)) != len(loaded):
            lost.append(f"matter {matter_id}: two saves from one loaded version")
        now = matters.get_matter(store, matter_id=matter_id)
        last = mine[-1] if mine else None
        if last and now.version == last.saved and now.assigned_staff_id != last.assignee:
            lost.append(f"matter {matter_id}: the last acknowledged save is not what is stored")
    return lost


def summarize(logs: list[PersonLog]) -> dict[str, Any]:
    ops: dict[str, Any] = {}
    for op in OPERATIONS:
        samples = [t for log in logs for t in log.times.get(op, [])]
        if samples:
            ops[op] = {
                "count": len(samples),
                "p50_ms": round(common.percentile(samples, 50) * 1000, 1),
                "p95_ms": round(common.percentile(samples, 95) * 1000, 1),
            }
    sentences = sorted({s for log in logs for s in log.sentences})
    interrupted = [log for log in logs if log.sentences]
    return {
        "operations": ops,
        "ops_total": sum(log.ops for log in logs),
        "conflicts": sum(log.conflicts for log in logs),
        "conflict_sentences": sorted({c for log in logs for c in log.conflict_sentences})[:3],
        "errors": sum(len(log.errors) for log in logs),
        "error_samples": [e for log in logs for e in log.errors][:10],
        "interrupted_people": len(interrupted),
        "interruptions": sum(len(log.sentences) for log in logs),
        "sentences_seen": sentences,
        "only_the_sentence": all(s == UNREACHABLE for s in sentences),
        "recovered_people": sum(1 for log in interrupted if log.recovered()),
    }


def run_server(config: Config) -> dict[str, Any]:
    with load_setup.load_server(config.staff, config.clients, FAST_KDF) as server:
        logins = [load_setup.login(i) for i in range(config.staff)]
        stores = [server.connect(who) for who in logins]
        try:
            world = make_world(stores[0], config.staff)
            faults = load_setup.FaultLog()
            over = threading.Event()  # the faults are over and the server is up
            started = time.monotonic()
            if config.faults:
                threading.Thread(
                    target=load_setup.run_faults,
                    args=(server, started, config.seconds, faults, over),
                    daemon=True,
                ).start()
            else:
                over.set()
            logs = run_people(stores, world, config, logins, over)
            elapsed = time.monotonic() - started
        finally:
            for store in stores:
                store.close()
        with server.owner_store() as owner:
            checked = verify(owner, logs)
            counts = load_setup.server_counts(owner)
    figures = summarize(logs)
    cut = next((log for log in logs if log.login == faults.cut_login), None)
    figures.update(
        checked,
        elapsed_s=round(elapsed, 1),
        faults=faults.as_json() if config.faults else None,
        cut_person_saw=sorted(set(cut.sentences)) if cut else [],
        cut_person_recovered=cut.recovered() if cut else None,
        counts=counts,
    )
    return figures


def run_vault(config: Config, rounds: int = BASELINE_ROUNDS) -> dict[str, Any]:
    """The baseline: one person on a vault with the same records does every operation
    `rounds` times (a vault has one user at a time; pauses are not measured, so none)."""
    with load_setup.load_vault(config.clients, FAST_KDF) as vault:
        world = make_world(vault, 2)
        log = PersonLog("laptop")
        person = Person(0, 1, vault, world, log, think=0.0)
        for _round in range(rounds):
            for op in OPERATIONS:
                person.once(op)
        checked = verify(vault, [log])
    figures = summarize([log])
    figures.update(checked)
    return figures


def measure(config: Config) -> dict[str, Any]:
    load_start = common.load_average()
    server = run_server(config)
    vault = run_vault(config)
    return {
        "staff": config.staff,
        "seconds": config.seconds,
        "max_ops": config.max_ops,
        "clients": config.clients,
        "think": config.think,
        "server": server,
        "vault": vault,
        "load_average": {"start": load_start, "end": common.load_average()},
    }


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.server_load", description=__doc__)
    parser.add_argument("--staff", type=int, default=Config.staff)
    parser.add_argument("--seconds", type=float, default=Config.seconds)
    parser.add_argument("--max-ops", type=int, default=Config.max_ops)
    parser.add_argument("--clients", type=int, default=Config.clients)
    parser.add_argument("--no-faults", action="store_true", help="no crash and no cut connection")
    parser.add_argument("--think", type=float, default=Config.think, help="0: no pauses")
    parser.add_argument(
        "--markdown",
        type=Path,
        help="markdown file for the 'Clinic server under load' section (default with the default "
        "staff and seconds: docs/benchmarks.md; other sections are kept)",
    )
    args = parser.parse_args(argv)
    if args.markdown is None and (args.staff, args.seconds) == (Config.staff, Config.seconds):
        args.markdown = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    config = Config(
        args.staff, args.seconds, args.max_ops, args.clients, not args.no_faults, args.think
    )
    figures = measure(config)
    for line in load_report.console_lines(figures):
        print(line)
    common.save_json(common.RESULTS_DIR / "server_load.json", figures)
    if args.markdown:
        command = "python -m bench.server_load " + " ".join(
            argv if argv is not None else sys.argv[1:]
        )
        common.write_section(
            args.markdown, "server-load", load_report.markdown_section(figures, command.strip())
        )
        print(f"saved the clinic server section of {args.markdown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
