"""Encrypted one-file backups: round trip, own passphrase, tampering, truncation, safe restore."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinic_app.errors import DamagedError, UnlockError, UserError
from clinic_app.services import audit_log, backup, check, clients, files, matters, vault_ops
from clinic_app.services.vault_ops import Vault
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.core.helpers import dump_tables

# About backups are of the vault's files (the server: pg_dump): not run on the clinic server.
pytestmark = pytest.mark.vault_only

BACKUP_PASSPHRASE = "the backup has its own words"


@pytest.fixture
def filled(sample_vault: Vault) -> Vault:
    """The sample caseload plus a stored scan linked to a matter event."""
    scan = files.store_bytes(
        sample_vault, data=b"%PDF-1.4 pay stub\n" + bytes(range(256)) * 40, filename="pay-stub.pdf"
    ).record
    files.store_bytes(sample_vault, data=b"", filename="empty.txt")
    matter = matters.list_matters(sample_vault)[0]
    matters.add_event(
        sample_vault,
        matter_id=matter.id,
        kind="rfe",
        occurred_on="2024-03-01",
        file_id=scan.id,
        details="needs pay stubs",
    )
    return sample_vault


def _stored_files(vault: Vault) -> dict[str, bytes]:
    from sqlmodel import select

    from clinic_app.domain.models import StoredFile

    with vault.reader() as session:
        ids = [row.id for row in session.exec(select(StoredFile))]
    out = {}
    for file_id in ids:
        assert file_id is not None
        record, data = files.read_file(vault, file_id=file_id)
        out[f"{record.id}:{record.filename}:{record.sha256}"] = data
    return out


def _restore(backup_path: Path, target: Path, **kwargs: str) -> Vault:
    backup.restore_backup(backup=backup_path, target=target, **kwargs)  # type: ignore[arg-type]
    return vault_ops.open_vault(target, passphrase=PASSPHRASE)


def _without_later_audit(
    tables: dict[str, list[tuple[object, ...]]], last_id: int
) -> dict[str, list[tuple[object, ...]]]:
    out = dict(tables)
    out["audit_event"] = [r for r in tables["audit_event"] if int(r[0]) <= last_id]  # type: ignore[call-overload]
    return out


def test_round_trip_gives_identical_data(filled: Vault, tmp_path: Path) -> None:
    before_tables = dump_tables(filled)
    before_files = _stored_files(filled)
    last_audit = max(int(r[0]) for r in before_tables["audit_event"])  # type: ignore[call-overload]
    progress: list[tuple[int, int]] = []
    out = tmp_path / "clinic.backup"
    size = backup.backup_vault(
        filled,
        out=out,
        vault_passphrase=PASSPHRASE,
        kdf=FAST_KDF,
        progress=lambda d, t: progress.append((d, t)),
    )
    assert size == out.stat().st_size > 0
    assert progress and progress[-1][0] == progress[-1][1]
    assert not list(filled.folder.glob(".backup-*")), "the backup's work folder was left behind"
    assert not list(tmp_path.glob("*.partial"))

    restored = _restore(out, tmp_path / "restored", backup_passphrase=PASSPHRASE)
    try:
        after_tables = dump_tables(restored)
        assert _without_later_audit(after_tables, last_audit) == before_tables
        # The restore itself is recorded after the copied history.
        later = [r for r in after_tables["audit_event"] if int(r[0]) > last_audit]  # type: ignore[call-overload]
        assert [r[3] for r in later] == ["restore"]
        assert _stored_files(restored) == before_files
        assert len(before_files) == 2
        assert check.check_vault(restored).ok
        assert clients.count_clients(restored, search_text="brenda flores") == 1
    finally:
        restored.close()
    # The original is untouched apart from its "backup" audit event.
    events = audit_log.list_events(filled, limit=1)
    assert events[0].action == "backup" and events[0].summary == "vault passphrase"


def test_backup_with_its_own_passphrase(filled: Vault, tmp_path: Path) -> None:
    before = dump_tables(filled)
    out = tmp_path / "own.backup"
    backup.backup_vault(
        filled,
        out=out,
        backup_passphrase=BACKUP_PASSPHRASE,
        vault_passphrase=PASSPHRASE,
        kdf=FAST_KDF,
    )
    assert audit_log.list_events(filled, limit=1)[0].summary == "backup passphrase"
    with pytest.raises(UnlockError, match="backup passphrase"):
        backup.restore_backup(backup=out, target=tmp_path / "a", backup_passphrase=PASSPHRASE)
    assert not (tmp_path / "a").exists() or not any((tmp_path / "a").iterdir())
    restored = _restore(
        out, tmp_path / "b", backup_passphrase=BACKUP_PASSPHRASE, vault_passphrase=PASSPHRASE
    )
    try:
        last = max(int(r[0]) for r in before["audit_event"])  # type: ignore[call-overload]
        assert _without_later_audit(dump_tables(restored), last) == before
    finally:
        restored.close()


def test_wrong_backup_passphrase_is_an_unlock_error(filled: Vault, tmp_path: Path) -> None:
    out = tmp_path / "x.backup"
    backup.backup_vault(filled, out=out, vault_passphrase=PASSPHRASE, kdf=FAST_KDF)
    with pytest.raises(UnlockError, match="Wrong passphrase for this backup"):
        backup.restore_backup(backup=out, target=tmp_path / "r", backup_passphrase="not the one!")
    assert not (tmp_path / "r").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".restore-")]


def test_backup_refuses_wrong_vault_passphrase_and_existing_file(
    filled: Vault, tmp_path: Path
) -> None:
    with pytest.raises(UnlockError):
        backup.backup_vault(
            filled, out=tmp_path / "b", vault_passphrase="wrong passphrase", kdf=FAST_KDF
        )
    assert not (tmp_path / "b").exists()
    (tmp_path / "exists").write_bytes(b"keep")
    with pytest.raises(UserError, match="already exists"):
        backup.backup_vault(
            filled, out=tmp_path / "exists", vault_passphrase=PASSPHRASE, kdf=FAST_KDF
        )
    assert (tmp_path / "exists").read_bytes() == b"keep"
    with pytest.raises(UserError, match="at least 8"):
        backup.backup_vault(
            filled,
            out=tmp_path / "c",
            backup_passphrase="short",
            vault_passphrase=PASSPHRASE,
            kdf=FAST_KDF,
        )


@pytest.fixture
def made_backup(filled: Vault, tmp_path: Path) -> Path:
    out = tmp_path / "clinic.backup"
    backup.backup_vault(filled, out=out, vault_passphrase=PASSPHRASE, kdf=FAST_KDF)
    return out


@pytest.mark.parametrize("where", [0.3, 0.5, 0.9, -1])
def test_flipped_byte_is_damage(made_backup: Path, tmp_path: Path, where: float) -> None:
    data = bytearray(made_backup.read_bytes())
    position = len(data) - 1 if where == -1 else int(len(data) * where)
    data[position] ^= 0x01
    made_backup.write_bytes(bytes(data))
    with pytest.raises(DamagedError):
        backup.restore_backup(
            backup=made_backup, target=tmp_path / "r", backup_passphrase=PASSPHRASE
        )
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("keep", [0.5, 0.99])
def test_truncated_backup_is_damage(made_backup: Path, tmp_path: Path, keep: float) -> None:
    data = made_backup.read_bytes()
    made_backup.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(DamagedError, match=r"cut short|altered|damaged"):
        backup.restore_backup(
            backup=made_backup, target=tmp_path / "r", backup_passphrase=PASSPHRASE
        )
    assert not (tmp_path / "r").exists()


def test_extra_bytes_after_the_end_are_damage(made_backup: Path, tmp_path: Path) -> None:
    made_backup.write_bytes(made_backup.read_bytes() + b"\x00")
    with pytest.raises(DamagedError):
        backup.restore_backup(
            backup=made_backup, target=tmp_path / "r", backup_passphrase=PASSPHRASE
        )


def test_not_a_backup(tmp_path: Path) -> None:
    fake = tmp_path / "fake.backup"
    fake.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    with pytest.raises(UserError, match="not a clinic-app backup"):
        backup.restore_backup(backup=fake, target=tmp_path / "r", backup_passphrase=PASSPHRASE)
    with pytest.raises(UserError, match="missing does not exist; check the name"):
        backup.restore_backup(
            backup=tmp_path / "missing", target=tmp_path / "r", backup_passphrase=PASSPHRASE
        )


def test_restore_refuses_an_existing_non_empty_folder(
    made_backup: Path, tmp_path: Path, vault_dir: Path
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    with pytest.raises(UserError, match="already holds files"):
        backup.restore_backup(backup=made_backup, target=other, backup_passphrase=PASSPHRASE)
    assert [p.name for p in other.iterdir()] == ["notes.txt"]
    # Nor over a vault (here, the open source vault itself).
    before = sorted(p.name for p in vault_dir.iterdir())
    with pytest.raises(UserError):
        backup.restore_backup(backup=made_backup, target=vault_dir, backup_passphrase=PASSPHRASE)
    assert sorted(p.name for p in vault_dir.iterdir()) == before


def test_restore_into_an_existing_empty_folder(made_backup: Path, tmp_path: Path) -> None:
    target = tmp_path / "empty"
    target.mkdir()
    restored = _restore(made_backup, target, backup_passphrase=PASSPHRASE)
    try:
        assert clients.count_clients(restored) == 24
    finally:
        restored.close()
