"""A desktop session on the clinic server: connect as oneself, check the link, say where it is."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import text

from clinic_app.errors import UserError
from clinic_app.i18n import _
from clinic_app.store.base import SERVER, Store
from clinic_app.store.postgres import UNREACHABLE, PostgresStore, ServerError, display_url


def server_address(url: str, ca_file: str | Path | None) -> str:
    """The address to connect with: `url`, with the clinic CA file as its sslrootcert."""
    url = url.strip()
    if not url.startswith(("postgresql://", "postgres://")):
        raise UserError(
            _(
                "The server address must look like postgresql://HOST:PORT/DB (from the clinic's "
                "IT volunteer)."
            )
        )
    if not ca_file:
        return url
    ca = Path(ca_file).expanduser()
    if not ca.is_file():
        raise UserError(
            _(
                "The clinic CA file {path} does not exist: choose the clinic-ca.crt you were given."
            ).format(path=ca)
        )
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "sslrootcert"]
    query.append(("sslrootcert", str(ca.resolve())))
    return urlunsplit(parts._replace(query=urlencode(query)))


def check_details(url: str, ca_file: str, user: str, password: str) -> list[str]:
    """What is missing before connecting, all at once (empty when nothing is)."""
    missing = []
    if not url.strip():
        missing.append(_("the server address"))
    if not user.strip():
        missing.append(_("your account name"))  # as the sign-in form labels the field
    if not password:
        missing.append(_("your password"))
    del ca_file  # optional: a server on this computer needs none
    return missing


def connect_server(url: str, *, ca_file: str | Path | None, user: str, password: str) -> Store:
    """Log in to the clinic server as `user`; the password is kept in memory only, for this
    session's new connections, and dropped when the session closes (the desktop locks)."""
    missing = check_details(url, str(ca_file or ""), user, password)
    if missing:
        raise UserError(_("Fill in {fields}.").format(fields=", ".join(missing)))
    return PostgresStore.connect(server_address(url, ca_file), user=user.strip(), password=password)


def change_my_password(store: Store, *, current: str, new: str, repeat: str) -> int | None:
    """Change the logged-in person's own password on the clinic server (their copy of the
    clinic file key is wrapped anew in the same transaction) and end their other open sessions;
    returns how many ended (None: the server did not allow it). Everything missing is named at
    once; nothing changes on any problem."""
    if not isinstance(store, PostgresStore):
        raise UserError(
            _(
                "A vault has a passphrase, not a password: use Settings → Change the vault "
                "passphrase…"
            )
        )
    missing = [
        name
        for name, value in (
            (_("your current password"), current),
            (_("the new password"), new),
            (_("the new password again"), repeat),
        )
        if not value
    ]
    if missing:
        raise UserError(_("Fill in {fields}.").format(fields=", ".join(missing)))
    if new != repeat:
        raise UserError(_("The two new passwords differ; nothing was changed."))
    if new == current:
        raise UserError(_("The new password is the same as the current one; nothing was changed."))
    return store.change_password(current, new)


def is_server(store: Store) -> bool:
    return store.kind == SERVER


def where(store: Store) -> str:
    """The server's address without any secret, for the status bar."""
    return display_url(store.engine.url)


def check_link(store: Store) -> None:
    """One cheap read; raises the one 'unreachable' sentence when the server cannot be reached
    (the store reconnects by itself on the next operation once it can)."""
    with store.reader() as session:
        session.connection().execute(text("SELECT 1"))


__all__ = [
    "UNREACHABLE",
    "ServerError",
    "change_my_password",
    "check_details",
    "check_link",
    "connect_server",
    "is_server",
    "server_address",
    "where",
]
