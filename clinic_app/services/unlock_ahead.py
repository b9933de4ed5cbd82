"""Starting an unlock's key derivation before the database code has loaded (a faster unlock)."""

from __future__ import annotations

from pathlib import Path

from clinic_app.paths import SLOTS_NAME
from clinic_app.vault import keyslots

# Light on purpose: the key derivation needs no SQLAlchemy, so the desktop can start it the
# moment "Unlock" is pressed, while the rest of the app may still be loading.


def derive_ahead(folder: Path, *, passphrase: str) -> None:
    """Derive the key for `passphrase` on the vault in `folder` now (half a second or more, by
    design); the next `vault_ops.open_vault` of that vault with that passphrase takes it instead
    of deriving again. A missing or damaged vault is left for the open to report."""
    keyslots.derive_ahead(Path(folder) / SLOTS_NAME, passphrase)


def forget_ahead() -> None:
    """Drop a key derived ahead that no open took."""
    keyslots.forget_ahead()
