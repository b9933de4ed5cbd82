"""Helpers shared by the core tests: table dumps, byte scans, spreadsheets, child processes and a
DACA recipient."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from sqlalchemy import text

from clinic_app.store.base import VAULT
from clinic_app.vault.schema import metadata
from clinic_app.vault.vault import Vault

ROOT = Path(__file__).resolve().parents[2]

IMPORT_HEADER = [
    "first_name",
    "last_name",
    "date_of_birth",
    "a_number",
    "employer",
    "worksite_city",
    "worksite_state",
    "agency",
    "letter_date",
    "letter_period_start",
    "letter_period_end",
    "matter_kind",
    "filed_date",
    "receipt_number",
    "deferred_action_start",
    "deferred_action_end",
    "notes",
]


# Clinic details complete enough for every shipped template (an invented clinic).
CLINIC_DETAILS = {
    "name": "Worker Rights Legal Clinic",
    "address": "100 Main St\nSpringfield, IL 62701",
    "phone": "555-0100",
    "email": "intake@example.org",
    "signer_name": "Staff Attorney",
    "signer_title": "Attorney at Law",
    "signer_bar_number": "IL 0000000",
    "uscis_address": "USCIS, Attn: Deferred Action, P.O. Box 0000, Montclair, CA 91763",
    "uscis_address_source": "USCIS filing page",
    "uscis_address_checked": "2025-01-10",
}

# A client, A-number, employer and receipt that appear nowhere else: the leak tests look for
# them (and the spellings search folds them into) in every file outside the vault.
CANARY_FIRST, CANARY_LAST = "Zyxwvutsrq", "Canarío"
CANARY_A_NUMBER = "A918273645"
CANARY_EMPLOYER = "Qwvxjplex Fábrica Canaria"
CANARY_RECEIPT = "WAC9182736450"
CANARY_NEEDLES = [
    CANARY_FIRST,
    CANARY_LAST,
    "canario",
    "zyxwvutsrq canario",
    CANARY_A_NUMBER,
    CANARY_A_NUMBER[1:],
    "Qwvxjplex",
    "Fábrica Canaria",
    CANARY_RECEIPT,
]


def act_as(store: Any, name: str) -> str:
    """Who the audit log names from now on: `name` in a vault (as --as does), the logged-in
    person on the clinic server (where a typed name never counts)."""
    if store.kind == VAULT:
        store.actor = name
    return str(store.actor)


def granted_daca(store: Any, **client: str) -> tuple[int, int]:
    """A client (`client`: their fields) with a granted DACA renewal, deferred action and a work
    permit from 2025-06-30 to 2027-06-30: (client id, matter id)."""
    from clinic_app.services import clients, matters

    person = clients.add_client(store, **client).record
    matter = matters.add_matter(
        store, client_id=person.id, program="daca", kind="renewal", decision="granted"
    ).record
    for kind in ("deferred_action", "work_permit"):
        matters.add_grant(
            store, matter_id=matter.id, kind=kind, start="2025-06-30", end="2027-06-30"
        )
    return person.id, matter.id


def table_names() -> list[str]:
    return [t.name for t in metadata.sorted_tables]


def dump_tables(vault: Vault) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table (and the search index), in a stable order."""
    out: dict[str, list[tuple[object, ...]]] = {}
    with vault.reader() as session:
        conn = session.connection()
        for name in table_names():
            rows = conn.execute(text(f'SELECT * FROM "{name}"')).all()
            out[name] = sorted((tuple(r) for r in rows), key=repr)
        key = "rowid" if conn.dialect.name == "sqlite" else "id"  # FTS5 rows have no id column
        out["client_search"] = [
            tuple(r)
            for r in conn.execute(text(f"SELECT {key}, body FROM client_search ORDER BY {key}"))
        ]
    return out


def write_csv(
    path: Path,
    rows: Iterable[Sequence[object]],
    header: Sequence[str] = IMPORT_HEADER,
    *,
    bom: bool = False,
) -> Path:
    with open(path, "w", newline="", encoding="utf-8-sig" if bom else "utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
    return path


def big_csv(path: Path, rows: int, *, a_offset: int = 0) -> Path:
    """A valid import file of `rows` workers at ten employers, each with a unique A-number."""
    return write_csv(
        path,
        (
            [
                f"Worker{i}",
                f"Apellido{i}",
                "1980-01-01",
                f"A{300_000_000 + a_offset + i}",
                f"Employer {i % 10}",
                "Houston",
                "TX",
                "OSHA",
                "2023-05-01",
                "2022-01-01",
                "2024-12-31",
                "initial",
                "2023-06-01",
                f"IOE{5_000_000_000 + a_offset + i}",
                "2023-09-01",
                "2025-08-31",
                "",
            ]
            for i in range(rows)
        ),
    )


def encodings_of(needle: str) -> list[bytes]:
    """The byte forms a leaked string would take in a file: UTF-8 and UTF-16 (both orders)."""
    return [needle.encode(enc).lower() for enc in ("utf-8", "utf-16-le", "utf-16-be")]


def files_under(*roots: Path) -> list[Path]:
    found: list[Path] = []
    for root in roots:
        if root.is_file():
            found.append(root)
        elif root.is_dir():
            for dirpath, _dirs, names in os.walk(root):
                found.extend(Path(dirpath) / name for name in names)
    return found


def scan_for(needles: Iterable[str], *roots: Path) -> list[tuple[Path, str, bytes]]:
    """Every (file, needle, encoded form) where a needle's bytes appear (ASCII case ignored)."""
    forms = [(needle, form) for needle in needles for form in encodings_of(needle)]
    hits: list[tuple[Path, str, bytes]] = []
    for path in files_under(*roots):
        try:
            data = path.read_bytes().lower()
        except OSError:
            continue
        for needle, form in forms:
            if form in data:
                hits.append((path, needle, form))
    return hits


def child(code: str, **kwargs: object) -> subprocess.Popen[str]:
    """A Python child process running `code` (dedented) with the test's environment."""
    return subprocess.Popen(  # type: ignore[call-overload,no-any-return]
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=str(ROOT),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


@dataclass(frozen=True)
class Killed:
    """A child run by `kill_child_when`: the lines it printed before the kill, how it ended."""

    lines: list[str]
    returncode: int
    stderr: str


def kill_child_when(
    code: str,
    stop: Callable[[list[str]], bool],
    *,
    pause: float = 0.0,
    answer: bool = False,
    timeout: float = 120,
) -> Killed:
    """Run `code` in a child, reading the lines it prints, and SIGKILL it `pause` seconds after
    `stop(lines so far)` holds (or once it has ended, or after `timeout`).

    With `answer`, the child waits for a line on stdin after each report: every report but the
    stopping one is answered, so the kill lands exactly there; with a `pause`, the stopping one is
    answered too and the kill lands that long into what comes next."""
    proc = child(code, stdin=subprocess.PIPE if answer else subprocess.DEVNULL)
    assert proc.stdout is not None
    lines: list[str] = []
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = proc.stdout.readline().strip()
            if not line:
                break
            lines.append(line)
            stopping = stop(lines)
            if answer and (pause or not stopping):
                assert proc.stdin is not None
                proc.stdin.write("\n")
                proc.stdin.flush()
            if stopping:
                break
        time.sleep(pause)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    return Killed(lines, proc.returncode, proc.stderr.read() if proc.stderr else "")


def run_child(code: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=str(ROOT),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def fuzz(examples: int, long: int | None = None) -> Callable[[Any], Any]:
    """Hypothesis settings for a property test: `examples` in CI, `long` with --long."""
    from tests.conftest import LONG_RUN_ENV

    return settings(
        max_examples=long if long is not None and os.environ.get(LONG_RUN_ENV) else examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
