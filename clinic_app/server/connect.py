"""Connections to the clinic server: the owner over the server folder's socket, people over TLS."""

from __future__ import annotations

import os
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict

from clinic_app.errors import UnlockError, UserError
from clinic_app.i18n import _
from clinic_app.server.cluster import ServerFolder, ServerInfo

# TLS modes that check the server's certificate; weaker ones are refused rather than used.
VERIFYING = ("verify-full", "verify-ca")


def owner_connection(folder: ServerFolder, info: ServerInfo, db: str) -> psycopg.Connection[Any]:
    """The server's owner, over the folder's own socket (peer authentication, no password)."""
    return psycopg.connect(
        host=str(folder.sockets), port=info.port, user=info.owner, dbname=db, autocommit=True
    )


def url_parts(url: str, flag: str = "--url") -> dict[str, Any]:
    """The libpq parameters of a server URL, TLS verify-full unless it names a checking mode."""
    try:
        params: dict[str, Any] = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        raise UserError(
            _(
                "{flag} is not a PostgreSQL URL: write it as "
                "postgresql://NAME@HOST:PORT/DB?sslrootcert=clinic-ca.crt"
            ).format(flag=flag)
        ) from None
    if params.get("password"):
        # Never taken from the address: it would show in the process list (--url) and in the
        # environment of every program started from that shell.
        raise UserError(
            _(
                "{flag} holds a password: take it out (postgresql://NAME@HOST:PORT/DB) and give "
                "the password in $CLINIC_APP_PASSWORD, with --password-stdin or at the prompt."
            ).format(flag=flag)
        )
    if not url.startswith(("postgresql://", "postgres://")):
        raise UserError(
            _(
                "{flag} is not a PostgreSQL URL: write it as "
                "postgresql://NAME@HOST:PORT/DB?sslrootcert=clinic-ca.crt"
            ).format(flag=flag)
        )
    params.setdefault("sslmode", "verify-full")
    host = str(params.get("host", ""))
    if params["sslmode"] not in VERIFYING and not host.startswith("/"):
        raise UserError(
            _(
                "{flag} asks for sslmode={mode}, which does not check the server's certificate: "
                "leave sslmode out (verify-full) and give sslrootcert=."
            ).format(flag=flag, mode=params["sslmode"])
        )
    root = params.get("sslrootcert")
    if root and root != "system" and not os.path.isfile(str(root)):
        raise UserError(
            _("{flag}: the CA certificate {path} does not exist; copy clinic-ca.crt there.").format(
                flag=flag, path=root
            )
        )
    if not params.get("dbname"):
        raise UserError(
            _("{flag} names no database: end it with /DB (e.g. /clinic).").format(flag=flag)
        )
    return params


def person_connection(params: dict[str, Any], password: str) -> psycopg.Connection[Any]:
    """A person's own session; a refused password or an unreachable server is one sentence."""
    secret: dict[str, Any] = {"password": password} if password else {}
    try:
        return psycopg.connect(**params, **secret, autocommit=True, connect_timeout=15)
    except psycopg.OperationalError as exc:
        raise _connection_error(exc, params) from None


def _connection_error(exc: psycopg.OperationalError, params: dict[str, Any]) -> Exception:
    text = str(exc)
    where = f"{params.get('host', 'localhost')}:{params.get('port', 5432)}"
    if "password authentication failed" in text or "no password supplied" in text:
        return UnlockError(
            _("The clinic server refused the password for '{user}'.").format(
                user=params.get("user", "")
            )
        )
    if "pg_hba.conf" in text:
        # Only members of the clinic's staff group get in over TLS: an unknown name fails here.
        return UnlockError(
            _(
                "The clinic server at {where} has no account named {user} that may log in: check "
                "the name in --url (or $CLINIC_APP_USER), or ask a clinic admin to add it with "
                "'clinic-app server adduser'."
            ).format(where=where, user=params.get("user", ""))
        )
    if "certificate" in text or "SSL" in text or "ssl" in text:
        return UserError(
            _(
                "The clinic server at {where} could not be verified ({why}): check the host name "
                "and that sslrootcert= names the clinic's clinic-ca.crt."
            ).format(where=where, why=text.strip().splitlines()[-1])
        )
    return UserError(
        _("The clinic server at {where} is unreachable: {why}").format(
            where=where, why=text.strip().splitlines()[-1] if text.strip() else type(exc).__name__
        )
    )
