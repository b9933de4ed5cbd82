"""Where things live: flag, then environment variable, then the platformdirs default."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "clinic-app"
VAULT_ENV = "CLINIC_APP_VAULT"


def default_vault_dir() -> Path:
    """The vault used when neither --vault nor CLINIC_APP_VAULT says otherwise."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "vault"


def resolve_vault_dir(flag: str | Path | None) -> Path:
    """Pick the vault folder from the CLI flag, the environment, or the default."""
    if flag:
        return Path(flag).expanduser()
    env = os.environ.get(VAULT_ENV)
    if env:
        return Path(env).expanduser()
    return default_vault_dir()


def config_dir() -> Path:
    """Device-local preferences (never client data)."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


SLOTS_NAME = "keyslots.json"  # the key-slot file, whose presence makes a folder a vault


def is_vault(folder: Path) -> bool:
    """Whether `folder` holds a vault; light (no database code), so the unlock screen can ask."""
    return (folder / SLOTS_NAME).is_file()
