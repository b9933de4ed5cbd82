"""Opening the vault a command works on, with the passphrase from the usual sources."""

from __future__ import annotations

import getpass
import os
from argparse import Namespace
from pathlib import Path

from clinic_app.cli import secrets
from clinic_app.errors import VaultError
from clinic_app.paths import resolve_vault_dir
from clinic_app.services import vault_ops
from clinic_app.services.vault_ops import Vault

ACTOR_ENV = "CLINIC_APP_USER"


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


def open_vault(args: Namespace) -> Vault:
    """Open the vault named by --vault / CLINIC_APP_VAULT / the default, asking for the passphrase."""
    require_vault(args)
    return open_vault_with(args, secrets.vault_passphrase(args))


def open_vault_with(args: Namespace, passphrase: str) -> Vault:
    require_vault(args)
    return vault_ops.open_vault(vault_dir(args), passphrase=passphrase, actor=actor(args))


def require_vault(args: Namespace) -> None:
    folder = vault_dir(args)
    if not vault_ops.is_vault(folder):
        raise VaultError(
            f"There is no vault in {folder}; create one with 'clinic-app init' or name it with --vault."
        )
