"""A key derived ahead of the open (the desktop starts it at "Unlock", while code still loads)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from clinic_app.errors import UnlockError, VaultError
from clinic_app.services import unlock_ahead, vault_ops
from clinic_app.vault import keyslots
from tests.conftest import PASSPHRASE


@pytest.fixture
def derivations(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The secrets Argon2id is run on from now on."""
    seen: list[bytes] = []
    real = keyslots.Argon2id

    class Counting:
        def __init__(self, **kwargs: Any) -> None:
            self.kdf = real(**kwargs)

        def derive(self, secret: bytes) -> bytes:
            seen.append(secret)
            return self.kdf.derive(secret)

    monkeypatch.setattr(keyslots, "Argon2id", Counting)
    return seen


def test_the_open_takes_the_key_derived_ahead(
    closed_vault: tuple[Path, str], derivations: list[bytes]
) -> None:
    folder, _ = closed_vault
    unlock_ahead.derive_ahead(folder, passphrase=PASSPHRASE)
    vault = vault_ops.open_vault(folder, passphrase=PASSPHRASE, actor="tester")
    vault.close()
    assert len(derivations) == 1
    # Taken once: the next open derives again.
    vault_ops.open_vault(folder, passphrase=PASSPHRASE, actor="tester").close()
    assert len(derivations) == 2


def test_a_wrong_passphrase_derived_ahead_opens_nothing(
    closed_vault: tuple[Path, str], derivations: list[bytes]
) -> None:
    folder, _ = closed_vault
    unlock_ahead.derive_ahead(folder, passphrase="not the passphrase")
    with pytest.raises(UnlockError, match="Wrong passphrase"):
        vault_ops.open_vault(folder, passphrase="not the passphrase", actor="tester")
    # A key derived ahead for another passphrase is never used for this one.
    unlock_ahead.derive_ahead(folder, passphrase="not the passphrase")
    vault_ops.open_vault(folder, passphrase=PASSPHRASE, actor="tester").close()
    unlock_ahead.forget_ahead()
    assert len(derivations) == 3


def test_no_vault_is_left_for_the_open_to_report(tmp_path: Path) -> None:
    unlock_ahead.derive_ahead(tmp_path, passphrase=PASSPHRASE)
    with pytest.raises(VaultError, match="There is no vault"):
        vault_ops.open_vault(tmp_path, passphrase=PASSPHRASE, actor="tester")


def test_deriving_ahead_loads_no_database_code() -> None:
    code = (
        "import sys\n"
        "from clinic_app.services import unlock_ahead\n"
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
