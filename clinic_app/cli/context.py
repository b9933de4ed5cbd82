"""Opening the vault a command works on, with the passphrase from the usual sources."""

from __future__ import annotations

import getpass
import os
from argparse import Namespace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from clinic_app.cli import secrets
from clinic_app.errors import VaultError
from clinic_app.paths import is_vault, resolve_vault_dir

if TYPE_CHECKING:  # `clinic-app` with no command starts the app without loading the services
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


class _KeptOpen:
    """The shell's vault as each command sees it: usable, but a command's close leaves it open."""

    def __init__(self, vault: Vault) -> None:
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
_kept: Vault | None = None


def keep_open(vault: Vault | None) -> None:
    global _kept
    _kept = vault


def open_vault(args: Namespace) -> Vault:
    """Open the vault named by --vault / CLINIC_APP_VAULT / the default, asking for the passphrase."""
    if _kept is not None:
        return _shared(args)
    require_vault(args)
    return open_vault_with(args, secrets.vault_passphrase(args))


def open_vault_with(args: Namespace, passphrase: str) -> Vault:
    if _kept is not None:
        return _shared(args)
    require_vault(args)
    from clinic_app.services import vault_ops

    return vault_ops.open_vault(vault_dir(args), passphrase=passphrase, actor=actor(args))


def _shared(args: Namespace) -> Vault:
    assert _kept is not None
    if getattr(args, "vault", None) and vault_dir(args).resolve() != _kept.folder.resolve():
        raise VaultError(
            f"The shell has {_kept.folder} open; run commands on another vault outside the shell."
        )
    _kept.actor = actor(args)
    return cast("Vault", _KeptOpen(_kept))


def require_vault(args: Namespace) -> None:
    folder = vault_dir(args)
    if not is_vault(folder):
        raise VaultError(
            f"There is no vault in {folder}; create one with 'clinic-app init' or name it with --vault."
        )
