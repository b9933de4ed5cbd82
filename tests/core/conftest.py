"""Fixtures for the core tests (no Qt): a vault holding the sample spreadsheet, closed vaults."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from clinic_app.services import importing, vault_ops
from clinic_app.services.vault_ops import Vault
from tests.conftest import FAST_KDF, PASSPHRASE, SAMPLE_CSV


@pytest.fixture
def sample_vault(vault: Vault) -> Vault:
    """An open vault holding the 24 workers of the sample spreadsheet."""
    report = importing.import_file(vault, path=SAMPLE_CSV)
    assert report.ok, report.problems
    return vault


@pytest.fixture
def closed_vault(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """The folder of a created-then-closed vault, and its recovery code."""
    folder = tmp_path / "closed-vault"
    vault, code = vault_ops.create_vault(
        folder, passphrase=PASSPHRASE, actor="tester", kdf=FAST_KDF
    )
    vault.close()
    yield folder, code
