"""A clinic's own templates travel inside the vault's backups (sealed among the stored files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinic_app.resources import resource_path
from clinic_app.services import backup, check, documents, vault_ops
from clinic_app.services.documents.templates import read_template
from clinic_app.services.vault_ops import Vault
from tests.conftest import FAST_KDF, PASSPHRASE

# About backups are of the vault's files (the server: pg_dump): not run on the clinic server.
pytestmark = pytest.mark.vault_only


def test_clinic_templates_are_backed_up_and_restored(vault: Vault, tmp_path: Path) -> None:
    source = resource_path("templates", "es", "client-renewal-reminder.docx")
    documents.add_template(vault, path=source, template_id="client-our-reminder", lang="es")
    out = tmp_path / "b.clinicbackup"
    backup.backup_vault(vault, out=out, vault_passphrase=PASSPHRASE, kdf=FAST_KDF)
    target = tmp_path / "restored"
    backup.restore_backup(backup=out, target=target, backup_passphrase=PASSPHRASE)
    assert not list(target.rglob("*.docx"))  # no plain template in the restored folder either
    reopened = vault_ops.open_vault(target, passphrase=PASSPHRASE)
    try:
        ids = {t.id for t in documents.list_templates(vault=reopened)}
        data = read_template(reopened, template_id="client-our-reminder", lang="es")
        assert check.check_vault(reopened).ok
    finally:
        reopened.close()
    assert "client-our-reminder" in ids
    assert data == source.read_bytes()
