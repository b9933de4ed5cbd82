"""A throwaway PostgreSQL cluster for the tests: initdb + pg_ctl in a temporary folder, loopback only.

PostgreSQL refuses to run as root, and CI runs as root: then the folder belongs to the `postgres`
system account (made by Debian's package) and initdb/pg_ctl run through `runuser -u postgres --`.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psycopg
    from sqlalchemy import Engine

    from clinic_app.vault.keyslots import KdfParams

SUPERUSER = "clinic_test"
SERVICE_ACCOUNT = "postgres"


class ClusterUnavailable(RuntimeError):
    """PostgreSQL's server programs are not installed (or cannot run here)."""


def find_bin(name: str) -> str:
    """A PostgreSQL server program: on PATH, else in Debian's /usr/lib/postgresql/N/bin (newest)."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if not versions:
        raise ClusterUnavailable(
            f"PostgreSQL's {name} was not found; install the 'postgresql' package "
            "(bash scripts/setup.sh does)."
        )
    return versions[-1]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Cluster:
    """A running cluster; `url(db)` is what the app connects with (no TLS: loopback only)."""

    folder: Path
    port: int
    user: str = SUPERUSER
    password: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    as_root: bool = False
    # Off: fast, and enough while the server is only ever stopped cleanly. On: a commit is
    # acknowledged only once it is on disk, as a real server's, for tests that crash it.
    durable: bool = False
    _admin_cache: Engine | None = None

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, db: str = "postgres") -> str:
        return f"postgresql://127.0.0.1:{self.port}/{db}"

    def connect(self, db: str = "postgres") -> psycopg.Connection[Any]:
        """The cluster owner's session on `db`, in autocommit, as tests set a server up."""
        import psycopg  # only where a server is wanted, as below

        return psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            dbname=db,
            user=self.user,
            password=self.password,
            autocommit=True,
        )

    def _run(self, *argv: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = list(argv)
        if self.as_root:
            command = ["runuser", "-u", SERVICE_ACCOUNT, "--", *command]
        return subprocess.run(
            command, capture_output=True, text=True, check=check, timeout=120, cwd="/"
        )

    def start(self) -> None:
        pwfile = self.folder / "pw"
        pwfile.write_text(self.password + "\n")
        if self.as_root:
            shutil.chown(pwfile, SERVICE_ACCOUNT)
        self._run(
            find_bin("initdb"),
            "-D",
            str(self.data),
            "-U",
            self.user,
            "--pwfile",
            str(pwfile),
            "--auth",
            "scram-sha-256",
            "--encoding",
            "UTF8",
            "--locale",
            "C.UTF-8",
            "--no-sync",  # a throwaway cluster: durability is not what the tests measure
        )
        pwfile.unlink()
        self.launch()

    def launch(self) -> None:
        """Start the server on the existing data folder (again after a stop or a crash)."""
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} "
            f"-c unix_socket_directories={self.folder} -c max_connections=200"
        )
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(
            find_bin("pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.folder / "server.log"),
            "-w",
            "-t",
            "60",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(find_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def admin_engine(self, db: str = "postgres") -> Engine:
        """An engine as the cluster's superuser; AUTOCOMMIT (CREATE DATABASE needs it)."""
        from clinic_app.store.postgres import make_engine

        return make_engine(self.url(db), self.user, self.password).execution_options(
            isolation_level="AUTOCOMMIT"
        )

    def _admin(self, sql: str) -> None:
        engine = self._admin_cache
        if engine is None:
            engine = self._admin_cache = self.admin_engine()
        with engine.connect() as conn:
            conn.exec_driver_sql(sql)

    def create_database(self, name: str, template: str | None = None) -> None:
        extra = f" TEMPLATE {template}" if template else ""
        self._admin(f"CREATE DATABASE {name}{extra}")

    def drop_database(self, name: str) -> None:
        self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def log(self) -> str:
        path = self.folder / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""


def start_cluster(user: str = SUPERUSER, *, durable: bool = False) -> Cluster:
    """Start one cluster in a new temporary folder on a free loopback port."""
    as_root = os.geteuid() == 0 if hasattr(os, "geteuid") else False
    folder = Path(tempfile.mkdtemp(prefix="clinic-pg-"))
    if as_root:
        shutil.chown(folder, SERVICE_ACCOUNT)
        folder.chmod(0o700)
    last: subprocess.CalledProcessError | None = None
    for _attempt in range(3):  # another process may take the free port before the server does
        cluster = Cluster(
            folder=folder, port=free_port(), user=user, as_root=as_root, durable=durable
        )
        try:
            if cluster.data.exists():
                shutil.rmtree(cluster.data)
            cluster.start()
            return cluster
        except subprocess.CalledProcessError as exc:
            last = exc
            cluster.stop("immediate")
            time.sleep(0.5)
    raise ClusterUnavailable(
        f"the test PostgreSQL cluster did not start: {last.stderr if last else ''}"
    )


def prepare_template(cluster: Cluster, name: str, *, kdf: KdfParams) -> str:
    """A database holding the app's schema and a clinic key wrapped for the superuser."""

    from clinic_app.server import access
    from clinic_app.store import clinic_key
    from clinic_app.store.postgres import make_engine
    from clinic_app.store.postgres_schema import install_schema

    cluster.create_database(name)
    engine = make_engine(cluster.url(name), cluster.user, cluster.password)
    try:
        install_schema(engine)
        with engine.begin() as conn:
            clinic_key.wrap_for(conn, cluster.user, cluster.password, clinic_key.new_key(), kdf=kdf)
    finally:
        engine.dispose()  # a template with a connection open cannot be copied
    # The roles, policies and SECURITY DEFINER functions, as `server init` installs them (the
    # superuser the tests log in as passes every policy, so nothing is hidden from it).
    with cluster.connect(name) as owner:
        access.install_access(owner, name)
    return name


def remove_cluster(cluster: Cluster) -> None:
    if cluster._admin_cache is not None:
        cluster._admin_cache.dispose()
    cluster.stop("fast")
    shutil.rmtree(cluster.folder, ignore_errors=True)
