"""Finding the installed PostgreSQL programs and running them as the account that owns the server."""

from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from clinic_app.errors import UserError
from clinic_app.i18n import _

MIN_VERSION = 15
# Where PostgreSQL's packages put their programs when they are not on PATH: Debian and Ubuntu,
# the PGDG packages for Fedora/RHEL, Homebrew on macOS.
USUAL_FOLDERS = (
    "/usr/lib/postgresql/*/bin",
    "/usr/pgsql-*/bin",
    "/opt/homebrew/opt/postgresql@*/bin",
    "/usr/local/opt/postgresql@*/bin",
)
# PostgreSQL refuses to run as root; run as root, the server belongs to this system account
# (the one Debian's postgresql package creates, as pg_createcluster does).
SERVICE_ACCOUNT = "postgres"


@dataclass(frozen=True)
class PgPrograms:
    """The folder holding initdb, pg_ctl and postgres, and their major version."""

    bin_dir: Path
    version: int

    def path(self, program: str) -> str:
        return str(self.bin_dir / program)


def _major_version(bin_dir: Path) -> int | None:
    try:
        out = subprocess.run(
            [str(bin_dir / "pg_ctl"), "--version"], capture_output=True, text=True, check=False
        ).stdout
    except OSError:
        return None
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(match.group(1)) if match else None


def _candidates() -> list[Path]:
    found: list[Path] = []
    on_path = shutil.which("initdb")
    if on_path:
        found.append(Path(os.path.realpath(on_path)).parent)
    folders: list[str] = []
    for pattern in USUAL_FOLDERS:
        folders.extend(glob.glob(pattern))
    # Newest version first: "17" sorts after "9" only as a number.
    folders.sort(key=lambda f: [int(n) for n in re.findall(r"\d+", f)] or [0], reverse=True)
    found.extend(Path(f) for f in folders)
    return [f for f in found if (f / "initdb").is_file() and (f / "pg_ctl").is_file()]


def find_programs() -> PgPrograms:
    """PostgreSQL 15 or newer, from PATH first, else the usual install folders (newest)."""
    older: list[int] = []
    for bin_dir in _candidates():
        version = _major_version(bin_dir)
        if version is None:
            continue
        if version >= MIN_VERSION:
            return PgPrograms(bin_dir, version)
        older.append(version)
    if older:
        raise UserError(
            _(
                "PostgreSQL {found} is installed but the clinic server needs {min} or newer: "
                "install a newer PostgreSQL (Debian: apt install postgresql)."
            ).format(found=max(older), min=MIN_VERSION)
        )
    raise UserError(
        _(
            "PostgreSQL's programs (initdb, pg_ctl) were not found: install PostgreSQL {min} or "
            "newer (Debian: apt install postgresql), or put its bin folder on PATH."
        ).format(min=MIN_VERSION)
    )


def running_as_root() -> bool:
    return os.geteuid() == 0


def server_account() -> str:
    """The account the server runs as: `postgres` when run as root, else the caller."""
    if running_as_root():
        try:
            pwd.getpwnam(SERVICE_ACCOUNT)
        except KeyError:
            raise UserError(
                _(
                    "PostgreSQL will not run as root and there is no '{account}' system "
                    "account: install Debian's postgresql package, or run this as a normal account."
                ).format(account=SERVICE_ACCOUNT)
            ) from None
        return SERVICE_ACCOUNT
    return pwd.getpwuid(os.geteuid()).pw_name


def as_server_account(argv: Sequence[str]) -> list[str]:
    """`argv` run as the server's account: through runuser when we are root."""
    if running_as_root():
        return ["runuser", "-u", SERVICE_ACCOUNT, "--", *argv]
    return list(argv)


def give_to_server_account(path: Path) -> None:
    """Make `path` (and what is under it) belong to the server's account when we are root."""
    if not running_as_root():
        return
    entry = pwd.getpwnam(SERVICE_ACCOUNT)
    for folder, dirs, files in os.walk(path):
        os.chown(folder, entry.pw_uid, entry.pw_gid)
        for name in dirs + files:
            os.chown(os.path.join(folder, name), entry.pw_uid, entry.pw_gid, follow_symlinks=False)


def run_program(argv: Sequence[str], what: str) -> subprocess.CompletedProcess[str]:
    """Run a PostgreSQL program as the server's account; a failure is one sentence with its
    last line of output (the part that says why)."""
    proc = subprocess.run(
        as_server_account(argv), capture_output=True, text=True, check=False, cwd="/"
    )
    if proc.returncode != 0:
        lines = [ln.strip() for ln in (proc.stderr + proc.stdout).splitlines() if ln.strip()]
        why = lines[-1] if lines else _("exit status {code}").format(code=proc.returncode)
        raise UserError(_("{what} failed: {why}").format(what=what, why=why))
    return proc
