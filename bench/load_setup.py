"""The clinic server and the vault the load test runs on, and the faults it injects into the server."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import text

from bench import common
from clinic_app.server import access, accounts
from clinic_app.services import demo, vault_ops
from clinic_app.services import documents as documents_service
from clinic_app.store import clinic_key
from clinic_app.store.postgres import WRITE_LOCK, PostgresStore, make_engine
from clinic_app.store.postgres_schema import install_schema
from clinic_app.vault.keyslots import KdfParams
from clinic_app.vault.vault import Vault
from tests import pg_cluster

DB = "clinic_load"
ADMIN = "load_admin"
PASSWORD = "a-load-test-password"  # every simulated person's (each still logs in with SCRAM)
SEED = 11
TODAY = date(2026, 1, 1)  # the demo's own date, so the deadlines it makes are the ones marked done


def login(i: int) -> str:
    return f"staff_{i:02d}"


@dataclass
class LoadServer:
    """A throwaway cluster with the app's schema, access rules, `staff` logins and demo records."""

    cluster: pg_cluster.Cluster
    staff: int
    kdf: KdfParams
    url: str = ""
    data_key: bytes = b""

    def connect(self, who: str) -> PostgresStore:
        return PostgresStore.connect(self.url, user=who, password=PASSWORD)

    def admin_connection(self) -> psycopg.Connection[Any]:
        """The clinic's administrator account, as an admin ends another person's session."""
        return psycopg.connect(
            host="127.0.0.1",
            port=self.cluster.port,
            dbname=DB,
            user=ADMIN,
            password=PASSWORD,
            autocommit=True,
            connect_timeout=5,
        )

    def owner_store(self) -> PostgresStore:
        return PostgresStore.connect(
            self.url, user=self.cluster.user, password=self.cluster.password
        )


def _people(server: LoadServer) -> None:
    """The admin and each simulated person: a login in a role group, with the clinic key."""
    cluster = server.cluster
    with cluster.connect(DB) as owner:
        access.install_access(owner, DB)
        accounts.add_person(owner, login=ADMIN, role="admin", password=PASSWORD)
        for i in range(server.staff):
            role = "attorney" if i % 2 == 0 else "paralegal"
            accounts.add_person(owner, login=login(i), role=role, password=PASSWORD)
    engine = make_engine(server.url, cluster.user, cluster.password)
    try:
        with engine.begin() as conn:
            for who in (cluster.user, ADMIN, *(login(i) for i in range(server.staff))):
                clinic_key.wrap_for(
                    conn,
                    who,
                    PASSWORD if who != cluster.user else cluster.password,
                    server.data_key,
                    kdf=server.kdf,
                )
    finally:
        engine.dispose()


@contextlib.contextmanager
def load_server(staff: int, clients: int, kdf: KdfParams) -> Iterator[LoadServer]:
    """Start the cluster, fill it, and remove it afterwards (also after a failure)."""
    # Durable: the crash must not take acknowledged commits with it (synchronous_commit off would).
    cluster = pg_cluster.start_cluster(durable=True)
    try:
        cluster.create_database(DB)
        server = LoadServer(cluster, staff, kdf, url=cluster.url(DB), data_key=clinic_key.new_key())
        engine = make_engine(server.url, cluster.user, cluster.password)
        try:
            install_schema(engine)
        finally:
            engine.dispose()
        _people(server)
        with server.owner_store() as store:
            demo.fill_demo(store, clients=clients, seed=SEED, today=TODAY)
            documents_service.set_clinic_details(store, values=common.CLINIC)
        yield server
    finally:
        pg_cluster.remove_cluster(cluster)


@contextlib.contextmanager
def load_vault(clients: int, kdf: KdfParams) -> Iterator[Vault]:
    """A single-laptop vault with the same demo records, for the baseline."""
    folder = Path(tempfile.mkdtemp(prefix="clinic-load-vault-"))
    try:
        vault, _code = vault_ops.create_vault(folder / "vault", passphrase=PASSWORD, kdf=kdf)
        try:
            demo.fill_demo(vault, clients=clients, seed=SEED, today=TODAY)
            documents_service.set_clinic_details(vault, values=common.CLINIC)
            yield vault
        finally:
            vault.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class FaultLog:
    """What the fault thread did and when (seconds since the load started)."""

    crash_at: float | None = None
    back_at: float | None = None
    cut_at: float | None = None
    cut_login: str = ""
    cut_was_writing: bool = False
    problems: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "crash_at_s": self.crash_at,
            "server_back_at_s": self.back_at,
            "cut_at_s": self.cut_at,
            "cut_login": self.cut_login,
            "cut_mid_write_transaction": self.cut_was_writing,
            "problems": self.problems,
        }


def _cut_one(server: LoadServer, deadline: float) -> tuple[str, bool] | None:
    """End one person's connection mid-transaction, from the admin's session.

    So that the cut certainly lands inside a write transaction, the owner holds the clinic's
    write lock for a moment: the next person to save waits for it inside their transaction,
    and that connection is the one ended. Without a writer in time, anyone inside a read
    transaction is cut instead.
    """
    watch = psycopg.connect(
        host="127.0.0.1",
        port=server.cluster.port,
        dbname=DB,
        user=server.cluster.user,
        password=server.cluster.password,
    )
    with watch, server.admin_connection() as admin:
        watch.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
        while time.monotonic() < deadline:
            watch.execute("SELECT pg_stat_clear_snapshot()")  # else one snapshot per transaction
            row = watch.execute(
                "SELECT a.pid, a.usename, NOT l.granted FROM pg_stat_activity a "
                "LEFT JOIN pg_locks l ON l.pid = a.pid AND l.locktype = 'advisory' "
                "AND NOT l.granted "
                "WHERE a.usename LIKE 'staff\\_%%' AND a.xact_start IS NOT NULL "
                "AND a.state <> 'idle' ORDER BY 3 DESC NULLS LAST LIMIT 1"
            ).fetchone()
            if row is not None and (row[2] or time.monotonic() > deadline - 1.0):
                ended = admin.execute("SELECT pg_terminate_backend(%s)", (row[0],)).fetchone()
                if ended and ended[0]:
                    return str(row[1]), bool(row[2])
            time.sleep(0.005)
    return None


def run_faults(
    server: LoadServer, started: float, seconds: float, log: FaultLog, over: threading.Event
) -> None:
    """A crash (pg_ctl stop -m immediate, then start) at a quarter of the run, a cut at half;
    `over` is set once both are done and the server is up (people work on until then)."""
    try:
        time.sleep(seconds / 4)
        log.crash_at = round(time.monotonic() - started, 2)
        server.cluster.stop("immediate")
        time.sleep(min(2.0, seconds / 10))  # people keep working against a server that is down
        server.cluster.launch()
        log.back_at = round(time.monotonic() - started, 2)
        time.sleep(max(0.0, started + seconds / 2 - time.monotonic()))
        cut = _cut_one(server, time.monotonic() + max(2.0, seconds / 4))
        if cut is None:
            log.problems.append("no person was inside a transaction to cut")
        else:
            log.cut_at = round(time.monotonic() - started, 2)
            log.cut_login, log.cut_was_writing = cut
    except Exception as exc:  # reported with the figures, never a silent pass
        log.problems.append(f"{type(exc).__name__}: {exc}")
    finally:
        over.set()


def server_counts(store: PostgresStore) -> dict[str, int]:
    with store.reader() as session:
        conn = session.connection()
        return {
            name: int(conn.execute(text(f"SELECT count(*) FROM {name}")).scalar_one())
            for name in ("client", "matter", "matter_event", "audit_event")
        }
