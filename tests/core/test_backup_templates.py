"""A clinic's own templates travel inside the vault's backups."""

from __future__ import annotations

from pathlib import Path

from clinic_app.resources import resource_path
from clinic_app.services import backup, documents, vault_ops
from clinic_app.services.vault_ops import Vault
from tests.conftest import FAST_KDF, PASSPHRASE


def test_clinic_templates_are_backed_up_and_restored(vault: Vault, tmp_path: Path) -> None:
    source = resource_path("templates", "es", "client-renewal-reminder.docx")
    documents.add_template(vault, path=source, template_id="client-our-reminder", lang="es")
    stored = vault.folder / "templates" / "es" / "client-our-reminder.docx"
    assert stored.is_file()
    out = tmp_path / "b.clinicbackup"
    backup.backup_vault(vault, out=out, vault_passphrase=PASSPHRASE, kdf=FAST_KDF)
    target = tmp_path / "restored"
    backup.restore_backup(backup=out, target=target, backup_passphrase=PASSPHRASE)
    restored = target / "templates" / "es" / "client-our-reminder.docx"
    assert restored.read_bytes() == stored.read_bytes()
    reopened = vault_ops.open_vault(target, passphrase=PASSPHRASE)
    try:
        ids = {t.id for t in documents.list_templates(vault_folder=target)}
    finally:
        reopened.close()
    assert "client-our-reminder" in ids
