"""The clinic server's failures in one sentence each: unreachable, the session ended, refused."""

from __future__ import annotations

import re

from sqlalchemy import Engine
from sqlalchemy.engine import URL
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import DBAPIError

from clinic_app.errors import ClinicError, ServerError, SessionEnded, UnlockError
from clinic_app.i18n import N_, _

UNREACHABLE = N_("The clinic server is unreachable — nothing was saved; try again.")
# The server ended this session (clinic_app/server/sessions.py): its next login was refused.
PASSWORD_CHANGED = N_(
    "Your session on the clinic server has ended because your password was changed (on another "
    "computer, or reset by a clinic admin); nothing was saved: connect again with the new "
    "password ($CLINIC_APP_PASSWORD, --password-stdin or the prompt)."
)
ACCOUNT_DISABLED = N_(
    "Your session on the clinic server has ended because a clinic admin disabled your account; "
    "nothing was saved: ask a clinic admin if this is a mistake."
)


def display_url(url: URL) -> str:
    """The address for messages: no password, no driver name."""
    port = f":{url.port}" if url.port else ""
    return f"postgresql://{url.host or 'localhost'}{port}/{url.database}"


def translate(exc: SADatabaseError, where: str) -> ClinicError | None:
    """One sentence for a failed server operation, by SQLSTATE; None for a bug."""
    orig = exc.orig
    sqlstate = str(getattr(orig, "sqlstate", "") or "")
    message = str(orig) if orig is not None else str(exc)
    ended = _ended(message)
    if ended is not None:
        return ended
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return ServerError(_(UNREACHABLE))
    if sqlstate.startswith("08") or (not sqlstate and _looks_unreachable(message)):
        return ServerError(_(UNREACHABLE))
    if sqlstate in ("40001", "40P01", "55P03"):
        return ServerError(
            _("Someone else was changing the same records; try again (nothing was changed).")
        )
    if sqlstate == "42501":
        return ServerError(
            _(
                "Your account on the clinic server may not do that (nothing was changed); "
                "ask the clinic's administrator."
            )
        )
    if sqlstate == "53100":
        return ServerError(
            _(
                "The clinic server's disk is full ({where}); tell the administrator "
                "(nothing was changed)."
            ).format(where=where)
        )
    if sqlstate.startswith("57P"):  # the server is shutting down or was restarted
        return ServerError(_(UNREACHABLE))
    return None


def translate_on(engine: Engine, exc: SADatabaseError) -> ClinicError | None:
    """`translate` for a statement of this engine's session. When the server itself closed the
    connection under the statement, one new login tells why: refused, the session was ended
    (a password change or a disabled account ends the person's sessions); else the server is
    going down or restarting, and the sentence stays 'unreachable'."""
    translated = translate(exc, display_url(engine.url))
    if isinstance(translated, SessionEnded) or not _closed_by_server(exc):
        return translated
    try:
        with engine.connect():
            pass
    except SADatabaseError as probe:
        ended = _ended(str(probe.orig) if probe.orig is not None else str(probe))
        return ended or translated
    except ClinicError:  # this session was closed meanwhile: no new login is tried
        return translated
    return translated


def _closed_by_server(exc: SADatabaseError) -> bool:
    """The server ended this connection (it answered, so it was there a moment ago): an
    administrator's pg_terminate_backend, or a shutdown."""
    orig = exc.orig
    if str(getattr(orig, "sqlstate", "") or "") == "57P01":
        return True
    message = (str(orig) if orig is not None else str(exc)).lower()
    return "terminating connection" in message or "server closed the connection" in message


def _ended(message: str) -> SessionEnded | None:
    """This session's new login refused: the login worked when the session began, so the
    password was changed or the account disabled since (which also ended its connections)."""
    lowered = message.lower()
    if "password authentication failed" in lowered:
        return SessionEnded(_(PASSWORD_CHANGED), reason="password")
    if "not permitted to log in" in lowered or ("role" in lowered and "does not exist" in lowered):
        return SessionEnded(_(ACCOUNT_DISABLED), reason="disabled")
    return None


def _looks_unreachable(message: str) -> bool:
    # A restarting server refuses logins with these before it accepts them again (libpq gives
    # such a refused connection no SQLSTATE).
    words = (
        "connection refused",
        "could not connect",
        "server closed",
        "timeout",
        "timed out",
        "not yet accepting connections",
        "is starting up",
        "is shutting down",
        "in recovery mode",
        "terminating connection",
        "consuming input failed",
    )
    return any(w in message.lower() for w in words)


def connect_error(exc: SADatabaseError, where: str, user: str) -> ClinicError:
    """A failed first connection in one sentence (exit 3 for a login that is refused)."""
    message = str(exc.orig) if exc.orig is not None else str(exc)
    lowered = message.lower()
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return UnlockError(
            _("The clinic server at {where} refused the password for {user}.").format(
                where=where, user=user
            )
        )
    if "role" in lowered and "does not exist" in lowered:
        return UnlockError(
            _("The clinic server at {where} has no account named {user}.").format(
                where=where, user=user
            )
        )
    if "not permitted to log in" in lowered:
        return UnlockError(
            _("The account {user} is disabled on the clinic server at {where}.").format(
                where=where, user=user
            )
        )
    if "no pg_hba.conf entry" in lowered:
        # The server lets in only members of the clinic's staff group (pg_hba.conf): an unknown
        # name fails here, before any password, and its message also mentions the encryption.
        return UnlockError(
            _(
                "The clinic server at {where} has no account named {user} that may log in: check "
                "--user (or $CLINIC_APP_USER), or ask a clinic admin to add it with "
                "'clinic-app server adduser'."
            ).format(where=where, user=user)
        )
    if "root certificate" in lowered or "sslrootcert" in lowered:
        return ServerError(
            _(
                "No clinic CA certificate for {where}: add ?sslrootcert=FILE to the server "
                "address (the clinic-ca.crt from 'clinic-app server create')."
            ).format(where=where)
        )
    if "certificate" in lowered or "ssl" in lowered:
        found = re.sub(r"\s+", " ", message.strip().splitlines()[-1] if message.strip() else "")
        return ServerError(
            _(
                "The clinic server at {where} could not be verified ({found}); check the server "
                "address and the clinic CA file."
            ).format(where=where, found=found)
        )
    if "database" in lowered and "does not exist" in lowered:
        return ServerError(
            _("The clinic server at {where} has no such database; check the address.").format(
                where=where
            )
        )
    if str(getattr(exc.orig, "sqlstate", "") or "") == "42P01":  # undefined table
        # A database of the server, but not one `server init` set up for the clinic.
        return ServerError(
            _(
                "The database at {where} is not a clinic's (it has none of the app's tables); "
                "check the address, or set it up with 'clinic-app server init'."
            ).format(where=where)
        )
    translated = translate(exc, where)
    if translated is not None:
        return translated
    return ServerError(
        _("The clinic server at {where} could not be reached; try again.").format(where=where)
    )
