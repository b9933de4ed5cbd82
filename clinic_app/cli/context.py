"""Opening the store a command works on (a vault, or the clinic server), with its secret; the day
it works as of (--today)."""

from __future__ import annotations

import getpass
import os
from argparse import ArgumentParser, Namespace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from clinic_app.cli import secrets
from clinic_app.errors import UserError, VaultError
from clinic_app.i18n import _
from clinic_app.paths import is_vault, resolve_vault_dir
from clinic_app.validation_dates import parse_cli_date

if TYPE_CHECKING:  # `clinic-app` with no command starts the app without loading the services
    from clinic_app.services.vault_ops import Vault
    from clinic_app.store.base import Store

ACTOR_ENV = "CLINIC_APP_USER"
SERVER_ENV = "CLINIC_APP_SERVER"
USER_ENV = ACTOR_ENV  # on the clinic server, the person is who the audit log names


def today_or(value: str | None, flag: str = "--today") -> date:
    """The date given with `flag`, else today."""
    return parse_cli_date(value, flag) or date.today()


def today(args: Namespace) -> date:
    """The command's --today, else today."""
    return today_or(getattr(args, "today", None))


def add_today(parser: ArgumentParser) -> None:
    parser.add_argument(
        "--today", metavar="YYYY-MM-DD", help=_("the date to compute against (default: today)")
    )


def vault_dir(args: Namespace) -> Path:
    return resolve_vault_dir(getattr(args, "vault", None))


def actor(args: Namespace) -> str:
    """Who the audit log names: --as, else CLINIC_APP_USER, else the login name."""
    name = getattr(args, "actor", None) or os.environ.get(ACTOR_ENV)
    if name:
        return str(name)
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def server(args: Namespace) -> str | None:
    """The clinic server's address: --server, else CLINIC_APP_SERVER; None for a vault."""
    url = getattr(args, "server", None) or os.environ.get(SERVER_ENV)
    return str(url) if url else None


def open_store(args: Namespace) -> Store:
    """The clinic server when one is named (--server / CLINIC_APP_SERVER), else the vault."""
    url = server(args)
    if url is None:
        return open_vault(args)
    if _kept is not None:
        return _shared(args)
    return open_server(args, url)


def open_server(args: Namespace, url: str) -> Store:
    if getattr(args, "actor", None):
        raise UserError(
            _(
                "--as does not apply to the clinic server: the audit log names the person who logs in; use --user NAME."
            )
        )
    if getattr(args, "vault", None):
        raise UserError(
            _("Name either a vault (--vault) or the clinic server (--server), not both.")
        )
    from clinic_app.store.postgres import PostgresStore

    user = server_user(args, url)
    return PostgresStore.connect(url, user=user, password=secrets.server_password(args, user))


def server_user(args: Namespace, url: str = "") -> str:
    """Who logs in to the clinic server: --user, else CLINIC_APP_USER, else the account the URL
    names (postgresql://attorney1@HOST/…, as the `server` commands take it), else the login name."""
    name = getattr(args, "user", None) or os.environ.get(USER_ENV) or _url_user(url)
    if name:
        return str(name)
    try:
        return getpass.getuser()
    except (KeyError, OSError) as exc:
        raise UserError(_("Name your clinic server account with --user NAME.")) from exc


def _url_user(url: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).username or "" if url else ""
    except ArgumentError:
        return ""  # opening the store names what is wrong with the address


def refuse_server(args: Namespace, what: str, instead: str) -> None:
    """A command about the vault's own files, asked of the clinic server: one sentence, exit 1."""
    if server(args) is not None:
        raise UserError(
            _(
                "{what} works on a vault on this computer, not on the clinic server; {instead}"
            ).format(what=what, instead=instead)
        )


class _KeptOpen:
    """The shell's vault as each command sees it: usable, but a command's close leaves it open."""

    def __init__(self, vault: Store) -> None:
        self._vault = vault

    def __getattr__(self, name: str) -> Any:
        return getattr(self._vault, name)

    def __enter__(self) -> _KeptOpen:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def close(self) -> None:
        pass


# Set by `clinic-app shell` for the commands it runs: one unlock for all of them.
_kept: Store | None = None


def keep_open(vault: Store | None) -> None:
    global _kept
    _kept = vault


def open_vault(args: Namespace) -> Vault:
    """Open the vault named by --vault / CLINIC_APP_VAULT / the default, asking for the passphrase."""
    if _kept is not None:
        return cast("Vault", _shared(args))
    require_vault(args)
    return open_vault_with(args, secrets.vault_passphrase(args))


def open_store_if_unlockable(args: Namespace) -> Store | None:
    """The clinic server or the vault, opened, when there is one and a passphrase can be had
    (for commands that also work without it, such as listing the shipped templates); else None."""
    if _kept is not None:
        return _shared(args)
    if server(args) is not None:
        return open_store(args) if secrets.password_available(args) else None
    if not is_vault(vault_dir(args)) or not secrets.passphrase_available(args):
        return None
    return open_vault(args)


def open_vault_with(args: Namespace, passphrase: str) -> Vault:
    if _kept is not None:
        return cast("Vault", _shared(args))
    require_vault(args)
    from clinic_app.services import vault_ops

    return vault_ops.open_vault(vault_dir(args), passphrase=passphrase, actor=actor(args))


def _shared(args: Namespace) -> Store:
    assert _kept is not None
    from clinic_app.store.base import VAULT

    if _kept.kind != VAULT:
        if getattr(args, "vault", None) or getattr(args, "actor", None):
            raise UserError(
                _("The shell is connected to {name}; run vault commands outside the shell.").format(
                    name=_kept.name
                )
            )
        return cast("Store", _KeptOpen(_kept))
    if getattr(args, "vault", None) and vault_dir(args).resolve() != _kept.folder.resolve():
        raise VaultError(
            _(
                "The shell has {folder} open; run commands on another vault outside the shell."
            ).format(folder=_kept.folder)
        )
    cast("Vault", _kept).actor = actor(args)
    return cast("Store", _KeptOpen(_kept))


def require_vault(args: Namespace) -> None:
    refuse_server(
        args,
        _("This command"),
        _("run it with --vault DIR, or without --server and CLINIC_APP_SERVER."),
    )
    folder = vault_dir(args)
    if not is_vault(folder):
        raise VaultError(
            _(
                "There is no vault in {folder}; create one with 'clinic-app init' or name it with --vault."
            ).format(folder=folder)
        )
