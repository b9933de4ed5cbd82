"""Files on the clinic server: sealed with AES-256-GCM on the laptop, stored as bytea ciphertext."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DatabaseError as SADatabaseError

from clinic_app.errors import DamagedError, NotFoundError, VaultError
from clinic_app.i18n import _
from clinic_app.store.pg_errors import translate_on
from clinic_app.vault.filestore import seal, unseal


class ServerFileStore:
    """Blobs in the `file_blob` table, named by random ids; the server sees only ciphertext."""

    def __init__(self, engine: Engine, key: bytes) -> None:
        self._engine = engine
        self._aead: AESGCM | None = AESGCM(key)

    def close(self) -> None:
        """Forget the key (the session ended): this object opens no file any more."""
        self._aead = None

    def _key(self) -> AESGCM:
        if self._aead is None:
            raise VaultError(_("The connection to the clinic server is closed; connect again."))
        return self._aead

    @contextmanager
    def _server_errors(self) -> Iterator[None]:
        """A failed read or write says the store's one sentence (unreachable, session ended),
        as the store's transactions do."""
        try:
            yield
        except SADatabaseError as exc:
            translated = translate_on(self._engine, exc)
            if translated is None:
                raise
            raise translated from exc

    @staticmethod
    def _check(blob: str) -> str:
        if not blob.isalnum():
            raise NotFoundError(_("No stored file named '{blob}'.").format(blob=blob))
        return blob

    def put(self, data: bytes) -> str:
        """Encrypt and store `data` in a transaction of its own (as the vault writes a file)."""
        blob = secrets.token_hex(16)
        sealed = seal(self._key(), blob, data)
        with self._server_errors(), self._engine.begin() as conn:
            conn.execute(
                text("INSERT INTO file_blob (blob, data) VALUES (:b, :d)"), {"b": blob, "d": sealed}
            )
        return blob

    def get(self, blob: str) -> bytes:
        """Decrypt a stored file; tampering or damage raises DamagedError."""
        aead = self._key()
        with self._server_errors(), self._engine.connect() as conn:
            row = conn.execute(
                text("SELECT data FROM file_blob WHERE blob = :b"), {"b": self._check(blob)}
            ).first()
        if row is None:
            raise DamagedError(
                _("The stored file {blob} is missing from the clinic server.").format(blob=blob)
            )
        return unseal(aead, blob, bytes(row[0]))

    def delete(self, blob: str) -> None:
        with self._server_errors(), self._engine.begin() as conn:
            conn.execute(text("DELETE FROM file_blob WHERE blob = :b"), {"b": self._check(blob)})

    def blobs(self) -> list[str]:
        with self._server_errors(), self._engine.connect() as conn:
            rows = conn.execute(text("SELECT blob FROM file_blob ORDER BY blob"))
            return [str(b) for b in rows.scalars()]

    def put_in(self, conn: Connection, blob: str, data: bytes) -> None:
        """Seal `data` under a given blob name inside the caller's transaction (a vault's
        files moved onto the server keep their names, so its records still point at them)."""
        sealed = seal(self._key(), self._check(blob), data)
        conn.execute(
            text("INSERT INTO file_blob (blob, data) VALUES (:b, :d)"), {"b": blob, "d": sealed}
        )
