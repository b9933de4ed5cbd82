"""A new server certificate from the clinic's own CA (same CA: laptops keep connecting)."""

from __future__ import annotations

import datetime as dt
import os
import pwd
from dataclasses import dataclass

from clinic_app.errors import UserError
from clinic_app.i18n import _
from clinic_app.server import binaries, cluster, tls
from clinic_app.server.binaries import PgPrograms
from clinic_app.server.cluster import ServerFolder

SERVER_CERT = "server.crt"
SERVER_KEY = "server.key"


@dataclass(frozen=True)
class Renewed:
    names: list[str]
    expires: dt.datetime
    ca_fingerprint: str
    reloaded: bool


def server_certificate(folder: ServerFolder) -> bytes | None:
    """The server certificate PostgreSQL uses, or None when it cannot be read."""
    try:
        return (folder.pgdata / SERVER_CERT).read_bytes()
    except OSError:
        return None


def renew(programs: PgPrograms, folder: ServerFolder, host_name: str | None) -> Renewed:
    """Issue a new server certificate and key from DATADIR's clinic CA, keeping the names of the
    current certificate (or `host_name` and this machine's own names), and make a running
    server use it (PostgreSQL re-reads its TLS files on reload; open sessions continue)."""
    info = cluster.read_info(folder)
    try:
        ca_key = folder.ca_key.read_bytes()
        ca_cert = folder.ca_cert.read_bytes()
    except PermissionError:
        raise UserError(
            _(
                "The clinic CA's key {path} is readable only by the account that made the server: "
                "run this command as that account (or with sudo)."
            ).format(path=folder.ca_key)
        ) from None
    except FileNotFoundError as exc:
        raise UserError(
            _(
                "{path} is missing: a new server certificate needs the clinic CA's certificate "
                "and key in the server folder (copy them back from the clinic's safe place)."
            ).format(path=exc.filename)
        ) from None
    if host_name is not None:
        names = [host_name, "localhost", "127.0.0.1", "::1"]
    else:
        current = server_certificate(folder)
        names = tls.certificate_names(current) if current else []
        names = names or [info.host_name, "localhost", "127.0.0.1", "::1"]
    cert, key = tls.renew_server(ca_cert, ca_key, list(dict.fromkeys(names)))
    _replace(folder, SERVER_KEY, key, private=True)
    _replace(folder, SERVER_CERT, cert, private=False)
    running = cluster.is_running(programs, folder)
    if running:
        binaries.run_program(
            [programs.path("pg_ctl"), "reload", "-D", str(folder.pgdata)],
            _("Reloading the clinic server"),
        )
    return Renewed(
        names=tls.certificate_names(cert),
        expires=tls.expires(cert),
        ca_fingerprint=tls.fingerprint(ca_cert),
        reloaded=running,
    )


def _replace(folder: ServerFolder, name: str, data: bytes, *, private: bool) -> None:
    """Write beside the old file and rename over it, so PostgreSQL never reads half a key."""
    target = folder.pgdata / name
    temporary = folder.pgdata / f".{name}.new"
    temporary.unlink(missing_ok=True)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600 if private else 0o644)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    if binaries.running_as_root():
        entry = pwd.getpwnam(binaries.SERVICE_ACCOUNT)
        os.chown(temporary, entry.pw_uid, entry.pw_gid)
    os.replace(temporary, target)
