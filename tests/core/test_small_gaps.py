"""Small gaps: restored vaults are private, file names carry no direction tricks, real passphrases."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from clinic_app.documents import naming
from clinic_app.errors import UserError, VaultError
from clinic_app.services import backup, files, vault_ops
from clinic_app.services.vault_ops import Vault
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.core.test_documents import TODAY, Worksite, worksite  # noqa: F401 (a fixture)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
@pytest.mark.vault_only  # the vault's own files
def test_a_restored_vault_is_as_private_as_a_new_one(
    vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files.store_bytes(vault, data=b"scan", filename="scan.pdf")
    out = tmp_path / "clinic.backup"
    backup.backup_vault(vault, out=out, vault_passphrase=PASSPHRASE, kdf=FAST_KDF)
    os.umask(0o022)  # the usual umask: what made restored vaults 755/644
    target = tmp_path / "restored"
    backup.restore_backup(backup=out, target=target, backup_passphrase=PASSPHRASE)
    modes = {
        str(p.relative_to(target)): stat.S_IMODE(p.stat().st_mode)
        for p in [target, *target.rglob("*")]
    }
    assert modes["."] == 0o700
    assert {k: m for k, m in modes.items() if m not in (0o600, 0o700)} == {}
    assert modes["vault.db"] == 0o600 and modes["keyslots.json"] == 0o600


def test_bidi_controls_never_reach_file_names() -> None:
    name = naming.document_filename(
        "Rlo_Bidi\u202egnp.exe", "Ana\u2066", "declaration", date(2027, 3, 1)
    )
    assert name == "Rlo-Bidignp.exe_Ana_declaration_2027-03-01.docx"
    assert naming.clean_filename("scan\u202efdp.exe") == "scanfdp.exe.docx"
    assert not any(0x80 <= ord(c) <= 0x9F for c in naming.safe_part("a\x85b"))


def test_a_name_stored_before_the_check_makes_a_plain_file_name(
    worksite: Worksite,  # noqa: F811 (the fixture imported above)
    tmp_path: Path,
) -> None:
    from clinic_app.services import documents

    with worksite.vault.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE client SET last_name = 'Rlo_Bidi\u202egnp.exe' WHERE first_name = 'Efraín'"
            )
        )
    report = documents.render_documents(
        worksite.vault, template="declaration", matter_id=worksite.matters["Efraín"],
        out_dir=tmp_path / "out", today=TODAY,
    )  # fmt: skip
    [made] = report.written
    assert made.filename is not None
    assert made.filename.startswith("Rlo-Bidignp.exe_Efraín_declaration_2027-03-01")
    assert not any(ch in made.filename for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2069")
    assert [p.name for p in (tmp_path / "out").iterdir()] == [made.filename]


@pytest.mark.parametrize("weak", [" " * 8, " " * 20, "a b c d e f g", "\t\t\t\t\t\t\t\t\t"])
def test_a_passphrase_needs_eight_characters_besides_spaces(tmp_path: Path, weak: str) -> None:
    with pytest.raises(VaultError, match="at least 8 characters besides spaces"):
        vault_ops.create_vault(tmp_path / "v", passphrase=weak, actor="t", kdf=FAST_KDF)
    assert not (tmp_path / "v" / "keyslots.json").exists()
    created, _code = vault_ops.create_vault(
        tmp_path / "ok", passphrase="a b c d e f g h", actor="t", kdf=FAST_KDF
    )
    created.close()


def test_a_backup_passphrase_of_spaces_is_refused(vault: Vault, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="at least 8 characters besides spaces"):
        backup.backup_vault(
            vault, out=tmp_path / "b", vault_passphrase=PASSPHRASE, backup_passphrase=" " * 12
        )
    assert not (tmp_path / "b").exists()
