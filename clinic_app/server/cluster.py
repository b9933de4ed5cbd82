"""One clinic server folder: its PostgreSQL cluster, TLS files and settings; initdb, start, stop, status."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from clinic_app.errors import UserError
from clinic_app.i18n import _
from clinic_app.server import binaries, tls
from clinic_app.server.binaries import PgPrograms

CA_CERT = "clinic-ca.crt"
CA_KEY = "clinic-ca.key"
INFO = "clinic-server.json"
# The owner connects over the server folder's own socket (never over the network): `peer` checks
# the operating-system account, and root may act as the owner as it can anyway.
IDENT_MAP = "clinic_owner"


@dataclass(frozen=True)
class ServerFolder:
    """Where everything of one clinic server lives, under the folder a person named."""

    root: Path

    @property
    def pgdata(self) -> Path:
        return self.root / "pgdata"

    @property
    def sockets(self) -> Path:
        return self.root / "run"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    @property
    def ca_cert(self) -> Path:
        return self.root / CA_CERT

    @property
    def ca_key(self) -> Path:
        return self.root / CA_KEY

    @property
    def info_file(self) -> Path:
        return self.root / INFO


@dataclass(frozen=True)
class ServerInfo:
    """What `create` chose, kept beside the cluster (no secrets): start and status read it."""

    port: int
    db: str
    host_name: str
    owner: str

    def url(self, folder: ServerFolder) -> str:
        return f"postgresql://{self.host_name}:{self.port}/{self.db}?sslrootcert={folder.ca_cert}"


def read_info(folder: ServerFolder) -> ServerInfo:
    """The server's settings, or one sentence when the folder is not a clinic server."""
    if not folder.pgdata.is_dir() or not folder.info_file.is_file():
        raise UserError(
            _(
                "{path} is not a clinic server folder: check the path, or make one with "
                "'clinic-app server create {path}'."
            ).format(path=folder.root)
        )
    data = json.loads(folder.info_file.read_text(encoding="utf-8"))
    return ServerInfo(
        port=int(data["port"]),
        db=str(data["db"]),
        host_name=str(data["host_name"]),
        owner=str(data["owner"]),
    )


def _locale_args() -> list[str]:
    """A UTF-8 locale when the system has one, so text search knows letters beyond ASCII."""
    try:
        names = subprocess.run(
            ["locale", "-a"], capture_output=True, text=True, check=False
        ).stdout.split()
    except OSError:
        names = []
    for wanted in ("C.utf8", "C.UTF-8", "en_US.utf8", "en_US.UTF-8"):
        if wanted in names:
            return [f"--locale={wanted}"]
    return []


def _conf(info: ServerInfo, folder: ServerFolder, listen: str) -> str:
    return "\n".join(
        [
            "# Written by clinic-app server create: TLS required, SCRAM passwords only.",
            f"listen_addresses = '{listen}'",
            f"port = {info.port}",
            f"unix_socket_directories = '{folder.sockets}'",
            "unix_socket_permissions = 0700",
            "ssl = on",
            "ssl_cert_file = 'server.crt'",
            "ssl_key_file = 'server.key'",
            "ssl_min_protocol_version = 'TLSv1.2'",
            "password_encryption = 'scram-sha-256'",
            "log_connections = on",
            "log_disconnections = on",
            "",
        ]
    )


def hba_lines(db: str, staff_role: str) -> list[str]:
    """The pg_hba.conf lines for laptops: TLS and SCRAM only, clinic staff only, this database."""
    return [
        f"hostssl  {db}  +{staff_role}  0.0.0.0/0  scram-sha-256",
        f"hostssl  {db}  +{staff_role}  ::/0       scram-sha-256",
    ]


def _hba(info: ServerInfo, staff_role: str) -> str:
    lines = [
        "# Written by clinic-app server create. The owner over this folder's socket; clinic staff",
        "# over TLS with a SCRAM password; nothing else (no line matches, so it is refused).",
        "# TYPE   DATABASE  USER  ADDRESS  METHOD",
        f"local    all  {info.owner}  peer map={IDENT_MAP}",
        *hba_lines(info.db, staff_role),
        "",
    ]
    return "\n".join(lines)


def _ident(owner: str) -> str:
    return f"{IDENT_MAP}  {owner}  {owner}\n{IDENT_MAP}  root  {owner}\n"


def init_cluster(
    programs: PgPrograms,
    folder: ServerFolder,
    info: ServerInfo,
    *,
    listen: str,
    staff_role: str,
    clinic_name: str,
) -> str:
    """initdb, the clinic CA and server certificate, the settings and pg_hba.conf; returns the
    CA's SHA-256 fingerprint. `folder.root` must be new or empty."""
    folder.root.mkdir(parents=True, exist_ok=True)
    folder.root.chmod(0o755)  # the CA certificate is public; the cluster folder inside is 0700
    folder.sockets.mkdir(mode=0o700)
    certs = tls.issue(clinic_name, _cert_names(info.host_name))
    folder.ca_cert.write_bytes(certs.ca_cert)
    tls.write_private(folder.ca_key, certs.ca_key)
    binaries.give_to_server_account(folder.root)
    _check_reachable(folder)
    binaries.run_program(
        [
            programs.path("initdb"),
            "-D",
            str(folder.pgdata),
            "-U",
            info.owner,
            "--encoding=UTF8",
            *_locale_args(),
            "--auth-local=peer",
            "--auth-host=scram-sha-256",
        ],
        _("initdb"),
    )
    tls.write_private(folder.pgdata / "server.key", certs.server_key)
    (folder.pgdata / "server.crt").write_bytes(certs.server_cert)
    (folder.pgdata / "clinic.conf").write_text(_conf(info, folder, listen), encoding="utf-8")
    with (folder.pgdata / "postgresql.conf").open("a", encoding="utf-8") as conf:
        conf.write("\ninclude_if_exists = 'clinic.conf'\n")
    (folder.pgdata / "pg_hba.conf").write_text(_hba(info, staff_role), encoding="utf-8")
    (folder.pgdata / "pg_ident.conf").write_text(_ident(info.owner), encoding="utf-8")
    folder.info_file.write_text(
        json.dumps(
            {"port": info.port, "db": info.db, "host_name": info.host_name, "owner": info.owner},
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    binaries.give_to_server_account(folder.root)
    # The CA's key signs server certificates; only whoever made the server may read it.
    os.chown(folder.ca_key, os.geteuid(), os.getegid())
    return tls.fingerprint(certs.ca_cert)


def _cert_names(host_name: str) -> list[str]:
    # The name laptops use first; this machine's own names so a check on the server itself works.
    return [host_name, "localhost", "127.0.0.1", "::1"]


def _check_reachable(folder: ServerFolder) -> None:
    if not binaries.running_as_root():
        return
    probe = subprocess.run(
        binaries.as_server_account(["test", "-w", str(folder.root)]), check=False
    )
    if probe.returncode != 0:
        raise UserError(
            _(
                "The '{account}' account cannot reach {path} (a parent folder is private): "
                "choose a folder such as /var/lib/clinic-server."
            ).format(account=binaries.SERVICE_ACCOUNT, path=folder.root)
        )


def is_running(programs: PgPrograms, folder: ServerFolder) -> bool:
    proc = subprocess.run(
        binaries.as_server_account([programs.path("pg_ctl"), "status", "-D", str(folder.pgdata)]),
        capture_output=True,
        text=True,
        check=False,
        cwd="/",
    )
    return proc.returncode == 0


def server_pid(folder: ServerFolder) -> int | None:
    try:
        first = (folder.pgdata / "postmaster.pid").read_text(encoding="utf-8").split("\n", 1)[0]
        return int(first)
    except (OSError, ValueError):
        return None


def _log_reason(folder: ServerFolder) -> str | None:
    """The server's own last complaint in its log (pg_ctl only says to look there)."""
    try:
        lines = folder.log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    for line in reversed(lines[-200:]):
        if "FATAL:" in line or "could not bind" in line:
            return line.split("FATAL:", 1)[-1].strip()
    return None


def start(programs: PgPrograms, folder: ServerFolder) -> None:
    try:
        _start(programs, folder)
    except UserError as exc:
        reason = _log_reason(folder)
        if reason is None:
            raise
        raise UserError(
            _("The clinic server in {path} did not start: {why}").format(
                path=folder.root, why=reason
            )
        ) from exc


def _start(programs: PgPrograms, folder: ServerFolder) -> None:
    binaries.run_program(
        [
            programs.path("pg_ctl"),
            "start",
            "-D",
            str(folder.pgdata),
            "-l",
            str(folder.log),
            "-w",
            "-t",
            "120",
        ],
        _("Starting the clinic server (see {log})").format(log=folder.log),
    )


def stop(programs: PgPrograms, folder: ServerFolder) -> None:
    # "fast": open sessions are rolled back and closed, so every committed write stays.
    binaries.run_program(
        [
            programs.path("pg_ctl"),
            "stop",
            "-D",
            str(folder.pgdata),
            "-m",
            "fast",
            "-w",
            "-t",
            "120",
        ],
        _("Stopping the clinic server"),
    )
