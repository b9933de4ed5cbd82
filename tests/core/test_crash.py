"""Crash safety: a process killed at any instant leaves the last committed state intact."""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import pytest

from clinic_app.services import check, clients, vault_ops
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

ADDER = """
from clinic_app.services import clients, vault_ops
vault = vault_ops.open_vault({folder!r}, passphrase={passphrase!r})
print("ready", flush=True)
for i in range(100000):
    record = clients.add_client(vault, first_name="Acked", last_name=str(i)).record
    print(record.id, flush=True)
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


def test_every_acknowledged_add_survives_a_kill(vault_dir: Path) -> None:
    rng = random.Random(SEED + 1)
    vault, _ = vault_ops.create_vault(vault_dir, passphrase=PASSPHRASE, kdf=FAST_KDF)
    vault.close()
    acknowledged: list[int] = []
    for _trial in range(2):
        proc = child(ADDER.format(folder=str(vault_dir), passphrase=PASSPHRASE))
        target = rng.randint(20, 120)
        try:
            deadline = time.monotonic() + 60
            _read_until(proc, lambda line: line == "ready", deadline)
            seen = [0]

            def enough(line: str, seen: list[int] = seen, target: int = target) -> bool:
                seen[0] += line.isdigit()
                return seen[0] >= target

            lines = _read_until(proc, enough, deadline)
            acknowledged.extend(int(line) for line in lines if line.isdigit())
            time.sleep(rng.uniform(0, 0.05))
        finally:
            _kill(proc)
        assert len(acknowledged) >= 20, proc.stderr.read()  # type: ignore[union-attr]
        reopened = vault_ops.open_vault(vault_dir, passphrase=PASSPHRASE)
        try:
            assert check.check_vault(reopened).ok
            present = {row.id for row in clients.list_clients(reopened)}
            missing = sorted(set(acknowledged) - present)
            assert missing == [], f"acknowledged but lost: {missing}"
            for client_id in acknowledged[-3:]:
                assert clients.get_client(reopened, client_id=client_id).first_name == "Acked"
        finally:
            reopened.close()
