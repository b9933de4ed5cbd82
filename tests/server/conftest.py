"""One clinic server for the session, made by the real `clinic-app server create`, and people on it.

The server lives in a folder under the system's temporary folder that the `postgres` account can
reach (run as root, as CI is, the server runs as `postgres`). Every test connects to it over TLS
with verify-full, as the person it is about, with plain psycopg.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.cli.conftest import Run, assert_ok, make_env, run_cli

ADMIN = "admin"
ADMIN_PASSWORD = "admin-password-for-tests"
# Everyone's password in these tests (each account still logs in with SCRAM over TLS).
PASSWORD = "a-password-for-tests"
URL_RE = re.compile(r"postgresql://\S+")
FINGERPRINT_RE = re.compile(r"\b(?:[0-9A-F]{2}:){31}[0-9A-F]{2}\b")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class ClinicServer:
    folder: Path
    url: str  # as `server create` printed it
    fingerprint: str
    port: int
    created: Run
    env: dict[str, str]

    def url_for(self, login: str) -> str:
        return self.url.replace("postgresql://", f"postgresql://{login}@", 1)

    def connect(
        self, login: str, password: str = PASSWORD, **extra: Any
    ) -> psycopg.Connection[Any]:
        """`login`'s own session over TLS (sslmode defaults to verify-full, as the app's)."""
        return psycopg.connect(
            self.url_for(login), password=password, sslmode="verify-full", autocommit=True, **extra
        )

    def admin(self) -> psycopg.Connection[Any]:
        return self.connect(ADMIN, ADMIN_PASSWORD)


@pytest.fixture(scope="session")
def server_base() -> Iterator[Path]:
    # Not pytest's tmp_path: its parent folder is private to this account, and the `postgres`
    # account must reach the server folder.
    base = Path(tempfile.mkdtemp(prefix="clinic-server-tests-", dir="/tmp"))
    base.chmod(0o755)
    yield base
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def clinic_server(
    server_base: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ClinicServer]:
    home = tmp_path_factory.mktemp("server-home")
    env = make_env(home, passphrase=None)
    folder = server_base / "server"
    port = free_port()
    created = run_cli(
        "server",
        "create",
        folder,
        "--port",
        str(port),
        "--host-name",
        "localhost",
        "--listen",
        "127.0.0.1",
        "--admin",
        ADMIN,
        "--password-stdin",
        env=env,
        stdin=ADMIN_PASSWORD + "\n",
    )
    assert_ok(created)
    urls = URL_RE.findall(created.stdout)
    prints = FINGERPRINT_RE.findall(created.stdout)
    assert len(urls) == 1 and len(prints) == 1, created
    server = ClinicServer(folder, urls[0], prints[0], port, created, env)
    yield server
    run_cli("server", "stop", folder, env=env)


def person_env(server: ClinicServer, login: str, password: str = PASSWORD) -> dict[str, str]:
    """The environment of a CLI run as `login`: the server's URL and that account's password."""
    return {
        **server.env,
        "CLINIC_APP_SERVER": server.url_for(login),
        "CLINIC_APP_PASSWORD": password,
    }


def owner_socket_url(server: ClinicServer, db: str) -> str:
    """The server owner's URL over the server folder's socket (peer authentication)."""
    owner = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    return f"postgresql://{owner}@/{db}?host={server.folder / 'run'}&port={server.port}"
