"""A big demo fill invents its rows in a second process: the vault it writes is the one a fill in
one process writes, also when that process dies midway."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path

import pytest
from sqlalchemy import text

from clinic_app.services import demo, demo_worker, vault_ops
from tests.conftest import FAST_KDF, PASSPHRASE

TABLES = ("client", "matter", "grant", "matter_event", "note", "deadline", "client_search")
STAMPS = {"created_at", "updated_at", "computed_at"}  # the clock's, not the seed's


def _filled(folder: Path, workers: int) -> dict[str, tuple[int, str]]:
    """Every row the fill wrote (timestamps aside), table by table: a count and a digest."""
    vault, _code = vault_ops.create_vault(folder, passphrase=PASSPHRASE, kdf=FAST_KDF)
    try:
        demo.fill_demo(
            vault, clients=260, seed=3, today=date(2026, 1, 1), chunk=50, workers=workers
        )
        found = {}
        with vault.engine.connect() as conn:
            for table in TABLES:
                rows = conn.execute(text(f'SELECT * FROM "{table}" ORDER BY 1')).mappings()
                kept = [{k: str(v) for k, v in r.items() if k not in STAMPS} for r in rows]
                digest = hashlib.sha256(json.dumps(kept, sort_keys=True).encode()).hexdigest()
                found[table] = (len(kept), digest)
        return found
    finally:
        vault.close()


def test_rows_invented_in_a_second_process_make_the_same_vault(tmp_path: Path) -> None:
    alone = _filled(tmp_path / "one", workers=1)
    assert alone["client"][0] == 260 and alone["matter"][0] >= 260
    assert _filled(tmp_path / "two", workers=2) == alone


def _send_one_then_die(plan: demo_worker.Plan, sending: Connection) -> None:
    """A worker killed after its first chunk (as out of memory would)."""
    for item in demo_worker.invent(plan):
        sending.send(item)
        break
    sending.close()


def test_a_worker_that_dies_midway_leaves_the_vault_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = _filled(tmp_path / "one", workers=1)
    monkeypatch.setattr(demo_worker, "_send_all", _send_one_then_die)
    assert _filled(tmp_path / "two", workers=2) == alone


def test_the_demo_files_and_decides_nothing_in_the_future(tmp_path: Path) -> None:
    """Invented cases read as real ones: what has happened (filed, decided, a grant begun,
    an event) is dated today or before; only ends, appointments and due dates lie ahead."""
    today = date(2026, 1, 1)
    vault, _code = vault_ops.create_vault(tmp_path / "v", passphrase=PASSPHRASE, kdf=FAST_KDF)
    try:
        demo.fill_demo(vault, clients=400, seed=5, today=today)
        with vault.engine.connect() as conn:
            latest = conn.execute(
                text(
                    "SELECT (SELECT max(filed_on) FROM matter), (SELECT max(decided_on) FROM "
                    "matter), (SELECT max(start) FROM \"grant\" g JOIN matter m ON m.id = "
                    "g.matter_id WHERE m.kind <> 'renewal')"
                )
            ).one()
            ahead = conn.execute(
                text("SELECT count(*) FROM \"grant\" WHERE \"end\" > :today"),
                {"today": today.isoformat()},
            ).scalar_one()
    finally:
        vault.close()
    assert all(day is not None and date.fromisoformat(day) <= today for day in latest), latest
    assert ahead > 100  # and many grants still run past today


def test_no_worker_is_given_a_staff_members_name(tmp_path: Path) -> None:
    """Staff and workers are named from the same lists; a worker drawn with a staff member's
    name takes the list's next surname, so no calendar or list shows two people as one (seed 7
    draws a worker with the name of one of its staff)."""
    vault, _code = vault_ops.create_vault(tmp_path / "v", passphrase=PASSPHRASE, kdf=FAST_KDF)
    try:
        demo.fill_demo(vault, clients=120, seed=7, today=date(2026, 1, 15), workers=1)
        with vault.engine.connect() as conn:
            staff = {n.casefold() for (n,) in conn.execute(text("SELECT name FROM staff_member"))}
            workers = {
                f"{first} {last}".strip().casefold()
                for first, last in conn.execute(text("SELECT first_name, last_name FROM client"))
            }
    finally:
        vault.close()
    assert len(staff) == len(demo.STAFF_ROLES) and len(workers) > 100
    assert not staff & workers
