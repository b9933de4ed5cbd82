"""The environment variables each command reads, written at the end of its --help."""

from __future__ import annotations

import argparse

from clinic_app.cli.context import ACTOR_ENV, SERVER_ENV
from clinic_app.cli.secrets import (
    BACKUP_PASSPHRASE_ENV,
    NEW_PASSPHRASE_ENV,
    PASSPHRASE_ENV,
    PASSWORD_ENV,
    RECOVERY_ENV,
)
from clinic_app.i18n import _
from clinic_app.paths import VAULT_ENV, default_vault_dir


def _meanings() -> dict[str, str]:
    return {
        VAULT_ENV: _("the vault folder when --vault is not given (else {default})").format(
            default=default_vault_dir()
        ),
        PASSPHRASE_ENV: _("the vault passphrase (else --passphrase-stdin, else a prompt)"),
        ACTOR_ENV: _(
            "who the audit log names when --as is not given, and on the clinic server the "
            "account when --user is not given (else the login name)"
        ),
        NEW_PASSPHRASE_ENV: _("the new passphrase (else a prompt)"),
        RECOVERY_ENV: _("the recovery code (else a prompt)"),
        SERVER_ENV: _(
            "the clinic server's URL when --server is not given: the command then works on the "
            "clinic server instead of a vault"
        ),
        PASSWORD_ENV: _(
            "the clinic server password of the account that connects (else --password-stdin, "
            "else a prompt; for 'server create': the first admin's)"
        ),
        BACKUP_PASSPHRASE_ENV: _(
            "the automatic backups' own passphrase with --own-passphrase (else the next line of "
            "--passphrase-stdin, else a prompt)"
        ),
    }


# Commands about the vault's own files (refused on the clinic server): its folder, its
# passphrase, and who is acting.
VAULT_COMMAND = (VAULT_ENV, PASSPHRASE_ENV, ACTOR_ENV)
# Most commands work on a vault or, when one is named, on the clinic server.
STORE_COMMAND = (*VAULT_COMMAND, SERVER_ENV, PASSWORD_ENV)
# The exceptions, by command path.
READS: dict[str, tuple[str, ...]] = {
    "fields": (),
    "template-check": (),
    # The store's own templates are encrypted: listed and copied when it can be opened.
    "templates": (VAULT_ENV, PASSPHRASE_ENV, SERVER_ENV, PASSWORD_ENV),
    "template-copy": (VAULT_ENV, PASSPHRASE_ENV, SERVER_ENV, PASSWORD_ENV),
    **{name: VAULT_COMMAND for name in ("init", "backup", "backups")},
    "passwd": (*VAULT_COMMAND, NEW_PASSPHRASE_ENV),
    "recover": (VAULT_ENV, RECOVERY_ENV, NEW_PASSPHRASE_ENV, ACTOR_ENV),
    # The passphrase the backup was made with; the new folder is always named with --vault.
    "restore": (PASSPHRASE_ENV,),
    "backup-plan": (*VAULT_COMMAND, BACKUP_PASSPHRASE_ENV),
    # The clinic server's commands open no vault.
    "server": (),
    "server create": ("CLINIC_APP_PASSWORD",),
    **{f"server {name}": () for name in ("start", "stop", "status")},
    "server init": ("CLINIC_APP_PASSWORD",),
    **{
        f"server {name}": ("CLINIC_APP_SERVER", ACTOR_ENV, "CLINIC_APP_PASSWORD")
        for name in ("adduser", "users", "disable", "enable", "passwd")
    },
    "server renew-cert": (),
}


def describe(parser: argparse.ArgumentParser, path: str) -> None:
    """Append "Environment: …" to a command's help (and to every action under it)."""
    names = READS.get(path, STORE_COMMAND)
    meanings = _meanings()
    text = (
        _("Environment: ") + "; ".join(f"${name}: {meanings[name]}" for name in names) + "."
        if names
        else _("Environment: none read.")
    )
    if path == "demo":
        text += " " + _(
            "The demo vault goes to --vault DIR, else ${env}, else {default}; it refuses a "
            "folder holding a vault that is not a demo vault."
        ).format(env=VAULT_ENV, default=default_vault_dir())
    parser.epilog = f"{parser.epilog} {text}" if parser.epilog else text
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                describe(child, f"{path} {name}")


def describe_all(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    for name, parser in sub.choices.items():
        describe(parser, name)
