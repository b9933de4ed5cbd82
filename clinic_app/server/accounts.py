"""People on the clinic server: each a PostgreSQL login (SCRAM) in one group role, with a staff row."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.pool import NullPool

from clinic_app.errors import UserError
from clinic_app.i18n import _
from clinic_app.server import sessions
from clinic_app.server.access import GROUPS, ROLE_NAMES
from clinic_app.store import clinic_key
from clinic_app.vault.keyslots import DEFAULT_KDF, KdfParams

SCRAM_ITERATIONS = 4096  # PostgreSQL's own default for scram_iterations
MIN_PASSWORD = 12
# Login names: lower-case letters, digits and underscores, as people type them at a prompt.
LOGIN_RE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
# The job a staff row names, for an account's group (admins and volunteers have none of their own).
STAFF_JOB = {
    "admin": "other",
    "attorney": "attorney",
    "paralegal": "paralegal",
    "volunteer": "other",
}


@dataclass(frozen=True)
class Person:
    """One account as `server users` lists it."""

    login: str
    name: str
    role: str
    active: bool


def check_login(name: str, flag: str) -> str:
    if not LOGIN_RE.match(name) or name.startswith(("pg_", "clinic_")):
        raise UserError(
            _(
                "{flag} '{name}' is not a usable account name: use lower-case letters, digits "
                "and underscores, starting with a letter (e.g. attorney1)."
            ).format(flag=flag, name=name)
        )
    return name


def check_role(role: str) -> str:
    if role not in ROLE_NAMES:
        raise UserError(_("--role must be one of: {roles}.").format(roles=", ".join(ROLE_NAMES)))
    return role


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UserError(
            _("The new password is too short: use at least {n} characters.").format(n=MIN_PASSWORD)
        )
    return password


def scram_verifier(password: str, *, iterations: int = SCRAM_ITERATIONS) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores (RFC 5802/7677), computed here so the
    password itself never travels in an SQL statement the server might log."""
    salt = secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode("ascii")

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def add_person(
    conn: psycopg.Connection[Any], *, login: str, role: str, password: str, name: str = ""
) -> Person:
    """A new login in `role`'s group with its staff row, in one transaction."""
    check_login(login, "NAME")
    check_role(role)
    check_password(password)
    full_name = name.strip() or login
    with conn.transaction(), conn.cursor() as cur:
        if login_taken(conn, login):
            raise UserError(
                _("There is already an account named '{login}': choose another NAME.").format(
                    login=login
                )
            )
        if staff_name_taken(conn, full_name, login):
            raise UserError(
                _(
                    "'{name}' is already on the staff list: give this account another --full-name."
                ).format(name=full_name)
            )
        # Admins create and disable accounts (CREATEROLE); nobody else may.
        extra = sql.SQL(" CREATEROLE") if role == "admin" else sql.SQL("")
        cur.execute(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}{} IN ROLE {}").format(
                sql.Identifier(login),
                sql.Literal(scram_verifier(password)),
                extra,
                sql.Identifier(GROUPS[role]),
            )
        )
        if role == "admin" and conn.info.server_version >= 160000:
            # From PostgreSQL 16 an account may only put others into groups it administers;
            # administering a group does not make the admin one of its members (INHERIT FALSE).
            for group in GROUPS.values():
                cur.execute(
                    sql.SQL("GRANT {} TO {} WITH ADMIN TRUE, INHERIT FALSE, SET FALSE").format(
                        sql.Identifier(group), sql.Identifier(login)
                    )
                )
        cur.execute("SELECT id FROM staff_member WHERE login = %s", (login,))
        found = cur.fetchone()
        if found is None:
            cur.execute(
                "INSERT INTO staff_member (name, role, email, active, login) "
                "VALUES (%s, %s, '', true, %s)",
                (full_name, STAFF_JOB[role], login),
            )
        else:
            cur.execute("UPDATE staff_member SET active = true WHERE login = %s", (login,))
    return Person(login=login, name=full_name, role=role, active=True)


def list_people(conn: psycopg.Connection[Any]) -> list[Person]:
    """Every clinic account: its login, staff name, group and whether it may log in."""
    groups = {group: role for role, group in GROUPS.items()}
    with conn.cursor() as cur:
        cur.execute(
            "SELECT r.rolname, r.rolcanlogin, g.rolname, COALESCE(s.name, '') "
            "FROM pg_roles r "
            "JOIN pg_auth_members m ON m.member = r.oid "
            "JOIN pg_roles g ON g.oid = m.roleid AND g.rolname = ANY(%s) "
            "LEFT JOIN staff_member s ON s.login = r.rolname "
            "WHERE NOT r.rolname = ANY(%s) ORDER BY r.rolname",
            (list(groups), list(groups)),
        )
        rows = cur.fetchall()
    return [
        Person(login=str(login), name=str(name), role=groups[str(group)], active=bool(can_login))
        for login, can_login, group, name in rows
    ]


def login_taken(conn: psycopg.Connection[Any], login: str) -> bool:
    """Whether any role of the server (a clinic account or not) already has this name."""
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (login,))
        return cur.fetchone() is not None


def staff_name_taken(conn: psycopg.Connection[Any], name: str, login: str) -> bool:
    """Whether another staff row already has this name (people are named in commands)."""
    with conn.cursor() as cur:
        cur.execute(
            "SELECT 1 FROM staff_member WHERE lower(name) = lower(%s) AND login <> %s",
            (name.strip(), login),
        )
        return cur.fetchone() is not None


@dataclass(frozen=True)
class SignInChange:
    """What `set_sign_in` did: the account after it, whether it changed, and how many of its
    open sessions ended (None: this account may not end them, see sessions.end_sessions)."""

    person: Person
    changed: bool
    ended: int | None = 0


def set_sign_in(
    engine: Engine, *, login: str, allowed: bool, key_from: tuple[str, str]
) -> SignInChange:
    """Let an account log in again (`allowed`) or stop it: the login and its staff row change
    together, with an audit event by the admin, in one transaction; a disabled account's open
    sessions then end. Its records and audit entries stay either way. `key_from` is the
    admin's (login, password), whose copy of the clinic key signs the audit event."""
    with engine.connect() as sa_conn:
        with sa_conn.begin():
            raw = _driver(sa_conn)
            found = {p.login: p for p in list_people(raw)}.get(login)
            if found is None:
                raise UserError(
                    _(
                        "There is no clinic account named '{login}': see 'clinic-app server users'."
                    ).format(login=login)
                )
            if not allowed and login == key_from[0]:
                raise UserError(
                    _(
                        "You cannot disable your own account ({login}): another clinic admin can."
                    ).format(login=login)
                )
            if found.active == allowed:
                return SignInChange(person=found, changed=False)
            data_key = _locked_key(sa_conn, key_from)
            with raw.cursor() as cur:
                word = sql.SQL("LOGIN") if allowed else sql.SQL("NOLOGIN")
                cur.execute(sql.SQL("ALTER ROLE {} {}").format(sql.Identifier(login), word))
                cur.execute(
                    "UPDATE staff_member SET active = %s, version = version + 1 WHERE login = %s",
                    (allowed, login),
                )
            _audit(sa_conn, data_key, "account.enable" if allowed else "account.disable", login)
        person = Person(login=login, name=found.name, role=found.role, active=allowed)
        if allowed:
            return SignInChange(person=person, changed=True)
        # After the commit: an ended session that logs in again must meet the disabled account.
        return SignInChange(person=person, changed=True, ended=sessions.end_sessions(raw, login))


def _driver(sa_conn: Connection) -> psycopg.Connection[Any]:
    raw = sa_conn.connection.driver_connection
    assert isinstance(raw, psycopg.Connection)
    return raw


def _locked_key(sa_conn: Connection, key_from: tuple[str, str]) -> bytes:
    """Take the clinic's write lock (the audit chain has one writer at a time) and open the
    clinic key with `key_from`'s copy of it."""
    from clinic_app.store.postgres import WRITE_LOCK

    sa_conn.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": WRITE_LOCK})
    return clinic_key.unwrap(sa_conn, key_from[0], key_from[1])


def _audit(sa_conn: Connection, data_key: bytes, action: str, login: str) -> None:
    """One audit event about an account, by the logged-in account, in `sa_conn`'s transaction."""
    from sqlmodel import Session

    from clinic_app.vault import audit
    from clinic_app.vault.keyslots import subkey

    actor = str(sa_conn.execute(text("SELECT current_user")).scalar_one())
    with Session(bind=sa_conn) as session:
        session.info.update(audit_key=subkey(data_key, "audit"), actor=actor)
        audit.record(session, action=action, record_kind="staff", summary=login)
        session.flush()


def transactional(conn_factory: Callable[[], psycopg.Connection[Any]]) -> Engine:
    """An SQLAlchemy engine over fresh connections from `conn_factory`, in transactions (the
    clinic key's slots are written through SQLAlchemy, as the app reads them)."""

    def connect() -> psycopg.Connection[Any]:
        conn = conn_factory()
        conn.autocommit = False
        return conn

    return create_engine("postgresql+psycopg://", creator=connect, poolclass=NullPool)


def enrol(
    engine: Engine,
    *,
    login: str,
    role: str,
    password: str,
    name: str = "",
    key_from: tuple[str, str] | None,
    kdf: KdfParams = DEFAULT_KDF,
) -> Person:
    """Add a person and wrap the clinic file key for them, in one transaction.

    `key_from` is the (login, password) of the admin adding them, whose slot opens the key;
    None makes the clinic's key (for the first admin of a new server: it is kept only wrapped).
    """
    with engine.begin() as sa_conn:
        data_key = clinic_key.new_key() if key_from is None else _locked_key(sa_conn, key_from)
        person = add_person(_driver(sa_conn), login=login, role=role, password=password, name=name)
        clinic_key.wrap_for(sa_conn, login, password, data_key, kdf=kdf)
        if key_from is not None:  # the first admin of a new server is added by its owner
            _audit(sa_conn, data_key, "account.add", login)
    return person


def has_any_key_slot(engine: Engine) -> bool:
    with engine.connect() as sa_conn:
        return bool(
            sa_conn.execute(text("SELECT EXISTS (SELECT 1 FROM clinic_key_slot)")).scalar_one()
        )


def change_password(
    engine: Engine,
    *,
    login: str,
    new_password: str,
    key_from: tuple[str, str],
    kdf: KdfParams = DEFAULT_KDF,
    keep: Callable[[], Collection[int]] | None = None,
) -> int | None:
    """Set `login`'s password and wrap the clinic file key anew under it, in one transaction,
    so the login and that person's copy of the key never disagree; then end that person's
    other open sessions (a stolen session must not outlive the change), all but this one and
    the server processes `keep()` names, called once the change is committed. Returns how
    many ended (None: not allowed to).

    `key_from` is the (login, password) whose slot opens the key: the person themself, or the
    admin resetting a forgotten password (the old one is unknown, so the old slot cannot be
    opened; the admin's copy of the same key is wrapped for the new password instead). The
    change is recorded in the audit log under the account that made it.
    """
    check_password(new_password)
    with engine.connect() as sa_conn:
        with sa_conn.begin():
            data_key = _locked_key(sa_conn, key_from)
            raw = _driver(sa_conn)
            with raw.cursor() as cur:
                cur.execute(
                    sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                        sql.Identifier(login), sql.Literal(scram_verifier(new_password))
                    )
                )
            if login != key_from[0]:
                # An admin may not read (so not delete) another person's slot: a function may.
                sa_conn.execute(text("SELECT clinic_remove_key_slot(:who)"), {"who": login})
            clinic_key.wrap_for(sa_conn, login, new_password, data_key, kdf=kdf)
            actor = str(sa_conn.execute(text("SELECT current_user")).scalar_one())
            action = "account.password" if login == actor else "account.password_reset"
            _audit(sa_conn, data_key, action, login)
        # After the commit, on the same connection (the login's old password may no longer
        # open a new one): an ended session that logs in again meets the new password.
        return sessions.end_sessions(raw, login, keep=keep)
