"""The clinic server store: PostgreSQL through SQLAlchemy + psycopg, one login per person, TLS.

The audit log names the PostgreSQL login (a trigger refuses any other name); writes take one
transaction-scoped advisory lock, so the audit hash chain has one writer at a time, as in the
vault; files are sealed on this computer under the clinic data key before they are sent.
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlmodel import Session

from clinic_app.errors import ServerError as ServerError
from clinic_app.errors import UnlockError, UserError, VaultError
from clinic_app.i18n import _
from clinic_app.paths import APP_NAME
from clinic_app.store import clinic_key
from clinic_app.store.address import carries_password
from clinic_app.store.base import SERVER
from clinic_app.store.pg_errors import UNREACHABLE as UNREACHABLE
from clinic_app.store.pg_errors import connect_error, translate_on
from clinic_app.store.pg_errors import display_url as display_url
from clinic_app.store.pgfiles import ServerFileStore
from clinic_app.vault.keyslots import subkey

# One number for "the clinic's write lock" (pg_advisory_xact_lock takes a bigint).
WRITE_LOCK = 0x636C696E6963  # "clinic"
LOOPBACK = {"localhost", "127.0.0.1", "::1"}
SERVER_ENV = "CLINIC_APP_SERVER"
USER_ENV = "CLINIC_APP_USER"
PASSWORD_ENV = "CLINIC_APP_PASSWORD"


def server_url(url: str, user: str) -> URL:
    """The SQLAlchemy URL for a libpq-style `postgresql://HOST:PORT/DB?...` and a login name.

    TLS with the server's certificate verified is the default (sslmode=verify-full) unless the
    server is on this computer (loopback or a socket folder), where nothing crosses a network.
    An address holding a password is refused before anything repeats the address.
    """
    if carries_password(url):
        # The desktop saves the address it connected with, and the CLI takes it from --url or
        # the environment: a password inside it would land in a settings file, a process list
        # or an error message.
        raise VaultError(
            _(
                "The server address holds a password: take it out (postgresql://HOST:PORT/DB, or "
                "NAME@HOST); the password goes in its own box, or in $CLINIC_APP_PASSWORD on the "
                "command line, so it never lands in a saved setting or a process list."
            )
        )
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise VaultError(
            _(
                "'{url}' is not a server address; use postgresql://HOST:PORT/DB?sslrootcert=CA-FILE."
            ).format(url=url)
        ) from exc
    if parsed.get_backend_name() not in ("postgresql", "postgres"):
        raise VaultError(
            _(
                "'{url}' is not a PostgreSQL address; use "
                "postgresql://HOST:PORT/DB?sslrootcert=CA-FILE."
            ).format(url=url)
        )
    if not parsed.database:
        raise VaultError(
            _("The server address '{url}' names no database; add /DB to it.").format(url=url)
        )
    query = dict(parsed.query)
    host = str(query.get("host") or parsed.host or "")
    local = host in LOOPBACK or host.startswith("/")
    if "sslmode" not in query and not local:
        query["sslmode"] = "verify-full"
    if not local and query["sslmode"] not in ("verify-full", "verify-ca"):
        # docs/security.md promises it: off this computer, the server's certificate is checked.
        raise VaultError(
            _(
                "The server address asks for sslmode={mode}, which does not check the server's "
                "certificate: leave sslmode out of --server (verify-full) and give sslrootcert=."
            ).format(mode=query["sslmode"])
        )
    return URL.create(
        "postgresql+psycopg",
        username=user or parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=query,
    )


# Each engine's login password, in memory only (never in a URL string, never on disk).
_passwords: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()
# Each engine's open connections, by server process id: a password changed in this session
# ends the person's other sessions, never these. (Not application_name: any session of the
# person could copy another's, and a stolen one would then outlive the change.)
_pids: weakref.WeakKeyDictionary[Engine, set[int]] = weakref.WeakKeyDictionary()


def session_pids(engine: Engine) -> frozenset[int]:
    """The server process ids of this engine's open connections."""
    return frozenset(_pids.get(engine, ()))


def _forget(engine: Engine) -> None:
    """Close an engine's connections and drop its password (the engine may live on in a
    reference cycle until the garbage collector runs; the password must not)."""
    engine.dispose()
    _passwords.pop(engine, None)


def make_engine(url: str, user: str, password: str, *, pool_size: int = 2) -> Engine:
    """An engine for one person's login; the password stays in memory, never in a URL string."""
    sa_url = server_url(url, user)
    engine = create_engine(
        sa_url,
        connect_args={"connect_timeout": 10, "application_name": APP_NAME},
        pool_size=pool_size,
        max_overflow=4,
        pool_pre_ping=True,  # a server restarted since the last use is reconnected quietly
        hide_parameters=True,  # an error's text never quotes the values bound (client data)
    )
    _passwords[engine] = password
    _pids[engine] = set()

    @event.listens_for(engine, "do_connect")
    def _login(_dialect: Any, _record: Any, _cargs: Any, cparams: dict[str, Any]) -> None:
        # Read at each new connection, so a password changed in this session is the one used.
        password = _passwords.get(engine)
        if password is None:  # the session was closed (the desktop locked): no new login
            raise ServerError(_("The connection to the clinic server is closed; connect again."))
        cparams["password"] = password

    @event.listens_for(engine, "connect")
    def _opened(dbapi_conn: Any, record: Any) -> None:
        record.info["pid"] = int(dbapi_conn.info.backend_pid)
        _pids[engine].add(record.info["pid"])

    @event.listens_for(engine, "close")
    def _closed(_dbapi_conn: Any, record: Any) -> None:
        _pids[engine].discard(record.info.get("pid", 0))

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        if not conn.get_execution_options().get("clinic_readonly", False):
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK})")

    return engine


def local_folder(url: URL) -> Path:
    """This computer's folder for one server (clinic templates): named by a digest of the address."""
    digest = hashlib.sha256(display_url(url).encode()).hexdigest()[:16]
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "servers" / digest


class PostgresStore:
    """An open connection to the clinic server as one person."""

    kind = SERVER

    def __init__(self, engine: Engine, data_key: bytes, actor: str) -> None:
        self.engine = engine
        self._actor = actor
        self._data_key = data_key
        self._store_id = clinic_key.key_id(data_key)  # public; the key is dropped at close
        self._audit_key = subkey(data_key, "audit")
        self.files = ServerFileStore(engine, subkey(data_key, "files"))
        self.folder = local_folder(engine.url)
        self._open = True

    @classmethod
    def connect(cls, url: str, *, user: str, password: str) -> PostgresStore:
        """Log in as `user`: check the password, read the login name, unwrap the file key."""
        engine = make_engine(url, user, password)
        where = display_url(engine.url)
        try:
            with engine.connect() as conn:
                actor = str(conn.execute(text("SELECT current_user")).scalar_one())
                data_key = clinic_key.unwrap(conn, actor, password)
        except SADatabaseError as exc:
            _forget(engine)
            raise connect_error(exc, where, user or "?") from exc
        except BaseException:
            _forget(engine)
            raise
        return cls(engine, data_key, actor)

    @property
    def actor(self) -> str:
        return self._actor

    def change_password(self, current: str, new: str) -> int | None:
        """Set this person's own password and wrap their copy of the clinic file key under it,
        in one transaction (audited); this session's later connections log in with it, and the
        person's other sessions (another laptop, a command-line shell) end: how many did."""
        from clinic_app.server import accounts  # the server's account tools, on first use

        accounts.check_password(new)

        def committed() -> frozenset[int]:
            # From the commit on, this session's new connections log in with the new password,
            # and its open ones carry on.
            _passwords[self.engine] = new
            return session_pids(self.engine)

        try:
            ended = accounts.change_password(
                self.engine,
                login=self.actor,
                new_password=new,
                key_from=(self.actor, current),
                keep=committed,  # this session carries on; the person's others end
            )
        except UnlockError as exc:  # the current password does not open this person's key slot
            raise UserError(_("That is not your current password; nothing was changed.")) from exc
        except SADatabaseError as exc:
            raise translate_on(self.engine, exc) or ServerError(_(UNREACHABLE)) from exc
        _passwords[self.engine] = new
        return ended

    def key_from(self) -> tuple[str, str]:
        """This person's login and password, which open their copy of the clinic file key: an
        admin's account changes in this session (a person added, a reset) wrap it for others."""
        self._require_open()
        return self.actor, _passwords[self.engine]

    @property
    def name(self) -> str:
        # Said inside a sentence ("Demo data on the clinic server at …"), in its language.
        return _("the clinic server at {url}").format(url=display_url(self.engine.url))

    @property
    def is_open(self) -> bool:
        return self._open

    @property
    def audit_key(self) -> bytes:
        return self._audit_key

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction, holding the clinic's write lock; rolled back on any error."""
        self._require_open()
        try:
            with Session(self.engine, expire_on_commit=False) as session:
                session.info.update(audit_key=self._audit_key, actor=self.actor)
                with session.begin():
                    yield session
        except SADatabaseError as exc:
            translated = translate_on(self.engine, exc)
            if translated is None:
                raise
            raise translated from exc

    @contextmanager
    def reader(self) -> Iterator[Session]:
        """A read-only transaction (PostgreSQL refuses any write in it)."""
        self._require_open()
        engine = self.engine.execution_options(clinic_readonly=True, postgresql_readonly=True)
        try:
            with Session(engine) as session:
                session.info.update(audit_key=self._audit_key, actor=self.actor)
                yield session
        except SADatabaseError as exc:
            translated = translate_on(self.engine, exc)
            if translated is None:
                raise
            raise translated from exc

    @property
    def store_id(self) -> str:
        """The clinic's id: a public digest of its data key, the same on every laptop."""
        return self._store_id

    def check_notes(self) -> list[str]:
        return []

    def drafts_folder(self) -> Path | None:
        return None  # drafts written to disk are this computer's business, not the server's

    def integrity_problems(self) -> list[str]:
        """Server-side checks: the schema is the app's, the audit triggers are in place."""
        problems: list[str] = []
        with self.engine.connect() as conn:
            triggers = {
                str(name)
                for name in conn.execute(
                    text(
                        "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_event'::regclass "
                        "AND NOT tgisinternal"
                    )
                ).scalars()
            }
            from clinic_app.server.vault_import import history_problems

            problems.extend(history_problems(conn))
        missing = {
            "audit_event_no_update",
            "audit_event_no_truncate",
            "audit_event_login",
        } - triggers
        if missing:
            problems.append(
                _(
                    "the audit log's append-only guards were removed from the clinic server "
                    "({names}): run 'clinic-app server init' again to put them back"
                ).format(names=", ".join(sorted(missing)))
            )
        return problems

    def _require_open(self) -> None:
        if not self._open:
            raise VaultError(_("The connection to the clinic server is closed; connect again."))

    def close(self) -> None:
        """End the session: its connections, the password it logged in with and every key."""
        _forget(self.engine)
        self.files.close()
        self._data_key = b""
        self._audit_key = b""
        self._open = False

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
