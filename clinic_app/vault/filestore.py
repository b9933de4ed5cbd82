"""Encrypted file store: each file sealed with AES-256-GCM under its own random name."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from clinic_app.errors import DamagedError, NotFoundError, VaultError
from clinic_app.i18n import _
from clinic_app.vault.fsutil import atomic_write

MAGIC = b"CAF1"


def seal(aead: AESGCM, blob: str, data: bytes) -> bytes:
    """`data` encrypted under a fresh nonce, bound to its blob name (the same on both stores)."""
    nonce = os.urandom(12)
    return MAGIC + nonce + aead.encrypt(nonce, data, blob.encode())


def unseal(aead: AESGCM, blob: str, sealed: bytes) -> bytes:
    """The plain bytes of a sealed file; damage or tampering raises DamagedError."""
    if not sealed.startswith(MAGIC) or len(sealed) < len(MAGIC) + 12 + 16:
        raise DamagedError(_("The stored file {blob} is damaged.").format(blob=blob))
    nonce = sealed[len(MAGIC) : len(MAGIC) + 12]
    try:
        return aead.decrypt(nonce, sealed[len(MAGIC) + 12 :], blob.encode())
    except InvalidTag as exc:
        raise DamagedError(
            _("The stored file {blob} has been altered or damaged.").format(blob=blob)
        ) from exc


class FileStore:
    """Blobs under <vault>/files/, named by random ids that say nothing about their content."""

    def __init__(self, folder: Path, key: bytes) -> None:
        self.folder = folder
        self._aead: AESGCM | None = AESGCM(key)

    def close(self) -> None:
        """Forget the key (the vault locked): this object opens no file any more."""
        self._aead = None

    def _key(self) -> AESGCM:
        if self._aead is None:
            raise VaultError(_("The vault is locked; unlock it again to open its files."))
        return self._aead

    def _path(self, blob: str) -> Path:
        if not blob.isalnum():
            raise NotFoundError(_("No stored file named '{blob}'.").format(blob=blob))
        return self.folder / blob[:2] / blob

    def put(self, data: bytes) -> str:
        """Encrypt and store `data`; returns its blob name."""
        blob = secrets.token_hex(16)
        self.put_as(blob, data)
        return blob

    def put_as(self, blob: str, data: bytes) -> None:
        """Encrypt and store `data` under a given blob name (a key rotation keeps the names)."""
        sealed = seal(self._key(), blob, data)
        atomic_write(self._path(blob), sealed)

    def get(self, blob: str) -> bytes:
        """Decrypt a stored file; tampering or damage raises DamagedError."""
        aead, path = self._key(), self._path(blob)
        try:
            sealed = path.read_bytes()
        except FileNotFoundError as exc:
            raise DamagedError(
                _("The stored file {blob} is missing from the vault.").format(blob=blob)
            ) from exc
        return unseal(aead, blob, sealed)

    def delete(self, blob: str) -> None:
        self._path(blob).unlink(missing_ok=True)

    def blobs(self) -> list[str]:
        """Every blob name present on disk."""
        if not self.folder.is_dir():
            return []
        return sorted(
            p.name for p in self.folder.glob("*/*") if p.is_file() and not p.name.startswith(".")
        )
