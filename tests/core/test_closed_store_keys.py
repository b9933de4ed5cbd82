"""Locking drops the keys: a closed vault or server session opens no stored file and (on the
server) logs in no more, whoever still holds the object."""

from __future__ import annotations

from typing import Any

import pytest

from clinic_app.errors import VaultError
from clinic_app.services import files
from clinic_app.store.base import SERVER


def test_a_closed_store_opens_no_file_and_logs_in_no_more(vault: Any) -> None:
    stored = files.store_bytes(vault, data=b"a scanned pay stub", filename="stub.pdf").record
    blob = next(iter(vault.files.blobs()))
    assert files.read_file(vault, file_id=stored.id)[1] == b"a scanned pay stub"
    vault.close()
    with pytest.raises(VaultError):
        vault.files.get(blob)
    with pytest.raises(VaultError):
        vault.files.put(b"anything")
    if vault.kind == SERVER:
        # The engine outlives the session object's use: it must not log in again by itself.
        with pytest.raises(VaultError, match="closed"):
            vault.engine.connect()
