"""Setting up a clinic server: `server create` (a new cluster here) and `server init` (an existing one)."""

from __future__ import annotations

import contextlib
import re
import shutil
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy import create_engine

from clinic_app.errors import UserError
from clinic_app.i18n import _
from clinic_app.server import access, accounts, binaries, cluster
from clinic_app.server.cluster import ServerFolder, ServerInfo
from clinic_app.server.connect import owner_connection

DB_RE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
HOST_RE = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]{0,252}[A-Za-z0-9])?$|^[0-9a-fA-F:]+$")


@dataclass(frozen=True)
class CreatedServer:
    url: str
    ca_fingerprint: str
    folder: ServerFolder
    info: ServerInfo


def check_db_name(db: str) -> str:
    if not DB_RE.match(db):
        raise UserError(
            _(
                "--db '{db}' is not a usable database name: use lower-case letters, digits and "
                "underscores, starting with a letter (e.g. clinic)."
            ).format(db=db)
        )
    return db


def check_port(port: int) -> int:
    if not 1 <= port <= 65535:
        raise UserError(_("--port must be a number from 1 to 65535."))
    return port


def check_port_free(port: int, listen: str) -> None:
    """Refuse a port something else already listens on (Debian's own PostgreSQL takes 5432)."""
    address = "" if listen in ("*", "0.0.0.0") else listen.split(",")[0].strip()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((address, port))
        except OSError:
            raise UserError(
                _(
                    "Port {port} is already in use on this machine (another PostgreSQL?): "
                    "choose another --port, or stop what uses it."
                ).format(port=port)
            ) from None


def check_host_name(name: str) -> str:
    if not HOST_RE.match(name):
        raise UserError(
            _(
                "--host-name '{name}' is not a host name or address: give the name laptops use to "
                "reach this machine (e.g. clinic-server.local)."
            ).format(name=name)
        )
    return name


def check_new_folder(root: Path, flag: str = "DATADIR") -> None:
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise UserError(
            _("{path} already holds files: give {flag} a new or empty folder.").format(
                path=root, flag=flag
            )
        )


def install_tables(conn_factory: Callable[[], psycopg.Connection[Any]]) -> None:
    """The app's schema (the Alembic chain, search, audit guards), created or upgraded."""
    from clinic_app.store.postgres_schema import install_schema

    def transactional() -> psycopg.Connection[Any]:
        # The upgrade is one transaction: SQLAlchemy's, not one commit per statement.
        conn = conn_factory()
        conn.autocommit = False
        return conn

    engine = create_engine("postgresql+psycopg://", creator=transactional)
    try:
        install_schema(engine)
    finally:
        engine.dispose()


def install_everything(
    conn_factory: Callable[[], psycopg.Connection[Any]],
    db: str,
    *,
    admin: str | None,
    admin_password: str | None,
) -> None:
    """Schema, roles, grants, policies, and the first admin account when one is named."""
    install_tables(conn_factory)
    engine = accounts.transactional(conn_factory)
    try:
        with conn_factory() as conn:
            known = {p.login for p in accounts.list_people(conn)}
        first = admin is not None and admin_password is not None and admin not in known
        if first and accounts.has_any_key_slot(engine):
            # The clinic's file key exists already and only its holders can share it.
            raise UserError(
                _(
                    "This database already has clinic accounts: an existing admin adds {name} "
                    "with 'clinic-app server adduser' (leave out --admin here)."
                ).format(name=admin)
            )
        with conn_factory() as conn:
            access.install_access(conn, db)
        if first:
            assert admin is not None and admin_password is not None
            accounts.enrol(
                engine, login=admin, role="admin", password=admin_password, key_from=None
            )
    finally:
        engine.dispose()


def _create_database(folder: ServerFolder, info: ServerInfo) -> None:
    with owner_connection(folder, info, "postgres") as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(
                sql.Identifier(info.db)
            )
        )


def create_server(
    root: Path,
    *,
    port: int,
    host_name: str,
    db: str,
    admin: str,
    admin_password: str,
    listen: str = "*",
) -> CreatedServer:
    """A new cluster in `root`, running, with the schema, access rules and the first admin.

    If any step fails the folder is removed (and the server stopped), so a second try starts
    clean; the caller has already checked every input.
    """
    programs = binaries.find_programs()
    owner = binaries.server_account()
    folder = ServerFolder(root.resolve())
    info = ServerInfo(port=port, db=db, host_name=host_name, owner=owner)
    existed = folder.root.exists()
    started = False
    try:
        fingerprint = cluster.init_cluster(
            programs,
            folder,
            info,
            listen=listen,
            staff_role=access.STAFF_ROLE,
            clinic_name=db,
        )
        cluster.start(programs, folder)
        started = True
        _create_database(folder, info)
        install_everything(
            lambda: owner_connection(folder, info, db),
            db,
            admin=admin,
            admin_password=admin_password,
        )
    except BaseException:
        if started:
            # The folder goes anyway; the error that matters is the first one.
            with contextlib.suppress(UserError):
                cluster.stop(programs, folder)
        if existed:
            for child in folder.root.iterdir():
                if child.is_dir():
                    shutil.rmtree(child, ignore_errors=True)
                else:
                    child.unlink(missing_ok=True)
        else:
            shutil.rmtree(folder.root, ignore_errors=True)
        raise
    return CreatedServer(url=info.url(folder), ca_fingerprint=fingerprint, folder=folder, info=info)
