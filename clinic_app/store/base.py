"""What every store gives the services: transactions, an encrypted file store and who is acting."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol, Self, runtime_checkable

from sqlalchemy import Engine
from sqlmodel import Session

VAULT = "vault"
SERVER = "server"


class FileStorage(Protocol):
    """Encrypted blobs named by random ids (evidence, kept drafts)."""

    def put(self, data: bytes) -> str: ...

    def get(self, blob: str) -> bytes: ...

    def delete(self, blob: str) -> None: ...

    def blobs(self) -> list[str]: ...


@runtime_checkable
class Store(Protocol):
    """An open store. `session()` is one audited write transaction, `reader()` a read-only view.

    `kind` is VAULT or SERVER, `name` says which one in a sentence (a folder, a server address).
    `folder` is a local folder of the store's own (the vault folder; on a server, this
    computer's folder for that server), where clinic templates are kept.
    """

    kind: str
    engine: Engine
    folder: Path

    @property
    def actor(self) -> str:
        """Who the audit log names (on the server: the login, which nobody can retype)."""
        ...

    @property
    def files(self) -> FileStorage: ...

    @property
    def name(self) -> str: ...

    @property
    def is_open(self) -> bool: ...

    @property
    def audit_key(self) -> bytes: ...

    @property
    def store_id(self) -> str: ...

    def session(self) -> AbstractContextManager[Session]: ...

    def reader(self) -> AbstractContextManager[Session]: ...

    def drafts_folder(self) -> Path | None: ...

    def integrity_problems(self) -> list[str]: ...

    def check_notes(self) -> list[str]: ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: object) -> None: ...
