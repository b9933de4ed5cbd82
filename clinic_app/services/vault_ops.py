"""Creating, unlocking, recovering and re-keying vaults (the UI and CLI call only these)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from clinic_app.i18n import N_, _
from clinic_app.vault.keyslots import DEFAULT_KDF, KdfParams, check_new_passphrase
from clinic_app.vault.vault import Vault, is_vault

__all__ = [
    "Vault",
    "change_passphrase",
    "check_new_passphrase",
    "create_vault",
    "is_vault",
    "open_vault",
    "passphrase_strength",
    "recover_vault",
    "rotate_key",
    "rotation_size",
]


def create_vault(
    folder: Path, *, passphrase: str, actor: str = "", kdf: KdfParams = DEFAULT_KDF
) -> tuple[Vault, str]:
    """A new, open vault and its recovery code (show the code once; it is never stored)."""
    return Vault.create(Path(folder), passphrase, kdf=kdf, actor=actor)


def open_vault(folder: Path, *, passphrase: str, actor: str = "") -> Vault:
    return Vault.open(Path(folder), passphrase, actor=actor)


def recover_vault(
    folder: Path,
    *,
    recovery_code: str,
    new_passphrase: str,
    actor: str = "",
    kdf: KdfParams = DEFAULT_KDF,
) -> Vault:
    """Unlock with the recovery code and set a new passphrase (the code keeps working)."""
    check_new_passphrase(new_passphrase)
    vault = Vault.open_with_recovery(Path(folder), recovery_code, actor=actor)
    try:
        vault.change_passphrase(new_passphrase, kdf=kdf)
    except BaseException:
        vault.close()
        raise
    return vault


def change_passphrase(vault: Vault, *, new_passphrase: str, kdf: KdfParams = DEFAULT_KDF) -> None:
    vault.change_passphrase(new_passphrase, kdf=kdf)


def passphrase_strength(passphrase: str) -> tuple[int, str]:
    """A 0-4 score and a hint; length matters most for a passphrase typed on a laptop."""
    length = len(passphrase)
    kinds = sum(
        any(test(ch) for ch in passphrase)
        for test in (str.islower, str.isupper, str.isdigit, lambda c: not c.isalnum())
    )
    words = len(passphrase.split())
    score = 0
    if length >= 8:
        score = 1
    if length >= 12 and (kinds >= 2 or words >= 3):
        score = 2
    if length >= 16 and (kinds >= 2 or words >= 4):
        score = 3
    if length >= 24 and (kinds >= 3 or words >= 5):
        score = 4
    hints = {
        0: N_("Too short: use at least 8 characters."),
        1: N_("Weak: a few unrelated words make a strong, memorable passphrase."),
        2: N_("Fair: add another word to make it stronger."),
        3: N_("Good."),
        4: N_("Strong."),
    }
    return score, _(hints[score])


def new_recovery_code(vault: Vault, *, kdf: KdfParams = DEFAULT_KDF) -> str:
    """Replace the recovery slot; show the returned code once (the old code stops working)."""
    return vault.new_recovery_code(kdf=kdf)


def rotate_key(
    vault: Vault,
    *,
    new_passphrase: str,
    kdf: KdfParams = DEFAULT_KDF,
    progress: Callable[[str], None] | None = None,
) -> str:
    """Change the passphrase and lock out old copies: a new data key for the database, every
    stored file and the key slots (a crash leaves the old vault or the new one, never a mix).
    Returns the new recovery code, to show once; the old code and every earlier copy of the
    key-slot file stop opening the vault."""
    return vault.rotate_key(new_passphrase, kdf=kdf, progress=progress)


def rotation_size(vault: Vault) -> tuple[int, int]:
    """(stored files, bytes of the database and the files) a key rotation encrypts again: what
    the confirmation says it will take."""
    files = vault.files.blobs()
    total = (vault.folder / "vault.db").stat().st_size
    for blob in files:
        total += (vault.files.folder / blob[:2] / blob).stat().st_size
    return len(files), total
