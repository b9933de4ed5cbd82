"""Crash safety: a process killed at any instant leaves the last committed state intact."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from clinic_app.domain.models import Note
from clinic_app.services import check, clients, deadlines, files, matters, vault_ops
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.core.helpers import big_csv, child

ROWS = 3000
TRIALS = 5
SEED = int(os.environ.get("CLINIC_CRASH_SEED", "20240113"))

IMPORTER = """
import sys
from clinic_app.services import importing, vault_ops
vault = vault_ops.open_vault({folder!r}, passphrase={passphrase!r})
print("ready", flush=True)
report = importing.import_file(
    vault, path={csv!r}, progress=lambda done, total: print("progress", done, flush=True)
)
print("imported", report.created.get("client", 0), flush=True)
vault.close()
print("closed", flush=True)
"""

WRITER = """
import hashlib, sys
from datetime import date
from clinic_app.services import clients, deadlines, files, matters, notes, vault_ops
vault = vault_ops.open_vault({folder!r}, passphrase={passphrase!r})
trial, today = {trial}, date(2025, 1, 1)
print("ready", flush=True)
# Each line is printed only after the service call (and so its commit) has returned.
for i in range(100000):
    c = clients.add_client(vault, first_name="Acked", last_name=f"{{trial}}-{{i}}").record.id
    print("client", c, flush=True)
    m = matters.add_matter(
        vault, client_id=c, kind="initial", filed_on="2024-01-05",
        receipt_number=f"IOE{{trial:03d}}{{i:07d}}",
    ).record.id
    print("matter", m, flush=True)
    print("note", notes.add_note(vault, client_id=c, body=f"note {{trial}}-{{i}}").record.id, flush=True)
    data = f"scan {{trial}}-{{i}} ".encode() * (1 + i % 300)
    stored = files.store_bytes(vault, data=data, filename=f"scan-{{i}}.pdf").record
    print("file", stored.id, hashlib.sha256(data).hexdigest(), flush=True)
    ref = deadlines.list_deadlines(vault, today=today, matter_id=m)[0].id
    deadlines.mark_done(vault, ref=ref, today=today)
    print("done", ref, flush=True)
    task = deadlines.add_task(vault, matter_id=m, due="2030-01-01", title=f"task {{i}}", today=today)
    print("task", task.record.id, flush=True)
"""


def _kill(proc: object) -> None:
    import subprocess

    assert isinstance(proc, subprocess.Popen)
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)


def _read_until(proc: object, predicate: object, deadline: float) -> list[str]:
    """Lines from the child until `predicate(line)` is true (or the child ends)."""
    import subprocess

    assert isinstance(proc, subprocess.Popen) and proc.stdout is not None
    lines: list[str] = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.strip())
        if predicate(line.strip()):  # type: ignore[operator]
            break
    return lines


def _plans(rng: random.Random, trials: int) -> list[tuple[str, int, float]]:
    """Where each trial kills the importer: after some progress line, then a random pause."""
    plans = [
        ("progress", rng.randrange(0, ROWS // 200 + 1) * 200, rng.uniform(0, 0.25))
        for _ in range(trials - 3)
    ]
    # One kill early in the transaction, one right around the commit, and one after the
    # importer said it had finished.
    plans.append(("progress", 200, rng.uniform(0, 0.05)))
    plans.append(("progress", ROWS, rng.uniform(0, 0.4)))
    plans.append(("imported", ROWS, 0.0))
    rng.shuffle(plans)
    return plans


def test_import_killed_at_a_random_moment_is_all_or_nothing(tmp_path: Path) -> None:
    _import_kills(tmp_path, TRIALS)


@pytest.mark.slow
def test_import_killed_many_times(tmp_path: Path) -> None:
    """The long version (run with --long): twenty kills at random moments."""
    _import_kills(tmp_path, 20)


def _import_kills(tmp_path: Path, trials: int) -> None:
    rng = random.Random(SEED + trials)
    outcomes: list[str] = []
    for trial, (marker, after, pause) in enumerate(_plans(rng, trials)):
        folder = tmp_path / f"vault-{trial}"
        vault, _ = vault_ops.create_vault(folder, passphrase=PASSPHRASE, kdf=FAST_KDF)
        existing = clients.add_client(vault, first_name="Before", last_name="Import").record
        vault.close()
        csv_path = big_csv(tmp_path / f"workers-{trial}.csv", ROWS, a_offset=trial * ROWS)
        proc = child(IMPORTER.format(folder=str(folder), passphrase=PASSPHRASE, csv=str(csv_path)))
        try:
            deadline = time.monotonic() + 60
            _read_until(proc, lambda line: line == "ready", deadline)

            def reached(line: str, marker: str = marker, after: int = after) -> bool:
                if marker == "imported":
                    return line.startswith("imported")
                return line.startswith("progress") and int(line.split()[1]) >= after

            lines = _read_until(proc, reached, deadline)
            if pause:
                time.sleep(pause)
        finally:
            _kill(proc)
        context = f"seed {SEED}, trial {trial}: killed after {marker} {after} + {pause:.2f}s"
        assert proc.returncode in (-signal.SIGKILL, 0), context + proc.stderr.read()  # type: ignore[union-attr]

        vault = vault_ops.open_vault(folder, passphrase=PASSPHRASE)
        try:
            report = check.check_vault(vault)
            assert report.ok, f"{context}: {report.problems}"
            count = clients.count_clients(vault)
            assert count in (1, 1 + ROWS), f"{context}: {count} clients"
            assert clients.get_client(vault, client_id=existing.id).first_name == "Before"
            if any(line.startswith("imported") for line in lines):
                assert count == 1 + ROWS, f"{context}: the importer reported success"
            if count == 1 + ROWS:
                # The search index was committed with the rows.
                assert clients.count_clients(vault, search_text="Apellido2999") == 1
            else:
                assert clients.count_clients(vault, search_text="Apellido0") == 0
            outcomes.append("all" if count > 1 else "nothing")
        finally:
            vault.close()
    assert "nothing" in outcomes and "all" in outcomes, outcomes


def test_every_acknowledged_write_survives_a_kill(vault_dir: Path) -> None:
    """Twenty SIGKILLs at random moments of a child making varied writes: nothing acknowledged
    is lost, and the vault always opens and checks clean."""
    _acknowledged_writes_survive(vault_dir, WRITE_TRIALS)


@pytest.mark.slow
def test_every_acknowledged_write_survives_many_kills(vault_dir: Path) -> None:
    """The long version (run with --long): two hundred kills."""
    _acknowledged_writes_survive(vault_dir, 200)


WRITE_TRIALS = 20
TODAY = date(2025, 1, 1)


@dataclass
class Acked:
    """Every write a child reported as committed, by kind."""

    clients: set[int] = field(default_factory=set)
    matters: set[int] = field(default_factory=set)
    notes: set[int] = field(default_factory=set)
    files: dict[int, str] = field(default_factory=dict)  # file id -> sha256
    done: set[str] = field(default_factory=set)  # deadline ids marked done
    tasks: set[str] = field(default_factory=set)
    kinds_cut: Counter[str] = field(default_factory=Counter)  # the write each kill interrupted

    def take(self, line: str) -> bool:
        kind, _, rest = line.partition(" ")
        if kind == "client":
            self.clients.add(int(rest))
        elif kind == "matter":
            self.matters.add(int(rest))
        elif kind == "note":
            self.notes.add(int(rest))
        elif kind == "file":
            file_id, sha = rest.split()
            self.files[int(file_id)] = sha
        elif kind == "done":
            self.done.add(rest)
        elif kind == "task":
            self.tasks.add(rest)
        else:
            return False
        return True

    @property
    def total(self) -> int:
        return sum(
            map(len, (self.clients, self.matters, self.notes, self.files, self.done, self.tasks))
        )


NEXT_WRITE = {
    "client": "matter",
    "matter": "note",
    "note": "file",
    "file": "done",
    "done": "task",
    "task": "client",
    "ready": "client",
}


def _acknowledged_writes_survive(vault_dir: Path, trials: int) -> None:
    rng = random.Random(SEED + trials)
    vault, _ = vault_ops.create_vault(vault_dir, passphrase=PASSPHRASE, kdf=FAST_KDF)
    vault.close()
    acked = Acked()
    for trial in range(trials):
        proc = child(WRITER.format(folder=str(vault_dir), passphrase=PASSPHRASE, trial=trial))
        # Kill after a random number of acknowledged writes, at once or after a random pause of
        # up to 30 ms, so the kill lands inside every kind of write (and sometimes between two).
        target = rng.randint(1, 14)
        pause = rng.uniform(0, 0.03) if rng.random() < 0.5 else 0.0
        try:
            deadline = time.monotonic() + 60
            _read_until(proc, lambda line: line == "ready", deadline)
            seen = [0]

            def enough(line: str, seen: list[int] = seen, target: int = target) -> bool:
                seen[0] += line.split(" ")[0] in NEXT_WRITE and line != "ready"
                return seen[0] >= target

            lines = _read_until(proc, enough, deadline)
            if pause:
                time.sleep(pause)
        finally:
            _kill(proc)
        assert proc.stdout is not None
        # Lines printed between our last read and the kill were acknowledged too.
        lines += [line.strip() for line in proc.stdout.read().splitlines()]
        context = f"seed {SEED}, trial {trial}: {len(lines)} acknowledged"
        assert lines, context + proc.stderr.read()  # type: ignore[union-attr]
        for line in lines:
            assert acked.take(line), f"{context}: unexpected line {line!r}"
        acked.kinds_cut[NEXT_WRITE[lines[-1].split(" ")[0]]] += 1
        _assert_all_present(vault_dir, acked, context)
    # The kills really did land in different kinds of write.
    assert len(acked.kinds_cut) >= min(4, trials), acked.kinds_cut
    assert acked.total >= trials


def _assert_all_present(vault_dir: Path, acked: Acked, context: str) -> None:
    reopened = vault_ops.open_vault(vault_dir, passphrase=PASSPHRASE)
    try:
        report = check.check_vault(reopened)
        assert report.ok, f"{context}: {report.problems}"
        present = {row.id for row in clients.list_clients(reopened)}
        assert sorted(acked.clients - present) == [], f"{context}: clients lost"
        present_matters = {m.id for m in matters.list_matters(reopened)}
        assert sorted(acked.matters - present_matters) == [], f"{context}: matters lost"
        with reopened.reader() as session:
            note_ids = set(session.exec(select(Note.id)))
        assert sorted(acked.notes - note_ids) == [], f"{context}: notes lost"
        for file_id, sha in acked.files.items():
            record, data = files.read_file(reopened, file_id=file_id)
            assert record.sha256 == sha == hashlib.sha256(data).hexdigest(), context
        for ref in acked.done:
            got = deadlines.get_deadline(reopened, ref=ref, today=TODAY)
            assert got.status == "done", f"{context}: {ref} is {got.status}"
        for ref in acked.tasks:
            deadlines.get_deadline(reopened, ref=ref, today=TODAY)  # raises if it was lost
    finally:
        reopened.close()
