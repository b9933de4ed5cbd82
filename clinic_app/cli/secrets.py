"""Where the CLI gets passphrases and codes: environment, one line of stdin, or a prompt."""

from __future__ import annotations

import getpass
import os
import sys
from argparse import Namespace

from clinic_app.errors import UserError
from clinic_app.i18n import N_, _

PASSPHRASE_ENV = "CLINIC_APP_PASSPHRASE"
NEW_PASSPHRASE_ENV = "CLINIC_APP_NEW_PASSPHRASE"
RECOVERY_ENV = "CLINIC_APP_RECOVERY_CODE"
BACKUP_PASSPHRASE_ENV = "CLINIC_APP_BACKUP_PASSPHRASE"
PASSWORD_ENV = "CLINIC_APP_PASSWORD"


class StdinLines:
    """Reads secrets from standard input one line at a time, in the order the command asks."""

    def __init__(self) -> None:
        self._used = 0

    def next(self, what: str) -> str:
        line = sys.stdin.readline()
        if not line:
            raise UserError(
                _("Expected the {what} on standard input, but it ended.").format(what=_(what))
            )
        self._used += 1
        return line.rstrip("\r\n")


_stdin = StdinLines()


def _prompt(label: str, confirm: bool, env: str = PASSPHRASE_ENV) -> str:
    if not sys.stdin.isatty():
        raise UserError(
            _("No {label} given: set {env}, or pass --passphrase-stdin and pipe it in.").format(
                label=_(label), env=env
            )
        )
    shown = _(label)
    first = getpass.getpass(f"{shown[:1].upper()}{shown[1:]}: ")
    if confirm and getpass.getpass(_("Repeat the {label}: ").format(label=shown)) != first:
        raise UserError(
            _("The second {label} typed differs from the first; nothing was changed.").format(
                label=shown
            )
        )
    return first


def _asked(args: Namespace, env: str, what: str, confirm: bool) -> str:
    """The secret in `env`, else the next line of --passphrase-stdin, else a prompt."""
    given = os.environ.get(env)
    if given:
        return given
    if getattr(args, "passphrase_stdin", False):
        return _stdin.next(what)
    return _prompt(what, confirm, env)


# The passphrase `clinic-app shell` unlocked with, for the commands it runs that need it again
# (a backup is protected by it): asked once, kept only in this process's memory.
_remembered: str | None = None


def remember(passphrase: str | None) -> None:
    global _remembered
    _remembered = passphrase


def vault_passphrase(args: Namespace, *, confirm: bool = False) -> str:
    """The vault passphrase: env, else --passphrase-stdin, else a prompt."""
    if _remembered is not None:
        return _remembered
    return _asked(args, PASSPHRASE_ENV, N_("vault passphrase"), confirm)


def server_password(args: Namespace, user: str) -> str:
    """The clinic server password of `user`: env, else --password-stdin, else a prompt."""
    if _remembered is not None:
        return _remembered
    env = os.environ.get(PASSWORD_ENV)
    if env:
        return env
    if getattr(args, "password_stdin", False) or getattr(args, "passphrase_stdin", False):
        return _stdin.next(N_("clinic server password"))
    if not sys.stdin.isatty():
        raise UserError(
            _(
                "No password given for {user}: set {env}, or pass --password-stdin and pipe it in."
            ).format(user=user, env=PASSWORD_ENV)
        )
    return getpass.getpass(_("Clinic server password for {user}: ").format(user=user))


def passphrase_available(args: Namespace) -> bool:
    """Whether vault_passphrase would find one without failing (env, stdin, a terminal)."""
    return bool(
        _remembered is not None
        or os.environ.get(PASSPHRASE_ENV)
        or getattr(args, "passphrase_stdin", False)
        or sys.stdin.isatty()
    )


def password_available(args: Namespace) -> bool:
    """Whether server_password would find one without failing (env, stdin, a terminal)."""
    return bool(
        _remembered is not None
        or os.environ.get(PASSWORD_ENV)
        or getattr(args, "password_stdin", False)
        or getattr(args, "passphrase_stdin", False)
        or sys.stdin.isatty()
    )


def new_passphrase(args: Namespace) -> str:
    return _asked(args, NEW_PASSPHRASE_ENV, N_("new passphrase"), True)


def recovery_code(args: Namespace) -> str:
    env = os.environ.get(RECOVERY_ENV)
    if env:
        return env
    if getattr(args, "passphrase_stdin", False):
        return _stdin.next(N_("recovery code"))
    if not sys.stdin.isatty():
        raise UserError(
            _("No recovery code given: set {env} or pipe it in with --passphrase-stdin.").format(
                env=RECOVERY_ENV
            )
        )
    return getpass.getpass(_("Recovery code: "))  # not echoed: it opens the vault like a passphrase


def backup_passphrase(args: Namespace, *, confirm: bool) -> str | None:
    """The backup's own passphrase (--backup-passphrase-stdin), or None to use the vault's."""
    if getattr(args, "backup_passphrase_stdin", False):
        return _stdin.next(N_("backup passphrase"))
    return None


def own_backup_passphrase(args: Namespace) -> str:
    """The automatic backups' own passphrase: env, else the next stdin line, else a prompt."""
    return _asked(args, BACKUP_PASSPHRASE_ENV, N_("backup passphrase"), True)
