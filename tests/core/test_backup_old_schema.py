"""A backup made by an older version of the app restores, migrates and keeps every record.

The older vault is made the honest way: a vault is filled with data the first schema already
held (clients, employers, letters, matters, grants, events, notes, a stored file), then its
database is taken back to revision 0001 with the shipped alembic downgrades, and the backup
service writes a backup of it while it is still at 0001 (the backup copies the database as it
is; it never migrates). Restoring it with the current app (the `restore` command) upgrades it
to head, keeps the pre-upgrade copy, and every row and file of the old vault is there.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection

from clinic_app.cli.main import main
from clinic_app.errors import VaultError
from clinic_app.services import (
    backup,
    check,
    clients,
    deadlines,
    files,
    importing,
    matters,
    notes,
    vault_ops,
)
from clinic_app.services.vault_ops import Vault
from clinic_app.vault import migrate
from clinic_app.vault.engine import connect
from tests.conftest import FAST_KDF, PASSPHRASE, SAMPLE_CSV

OLD_REVISION = "0001"
Rows = dict[str, list[tuple[object, ...]]]


def _dump(conn: Connection) -> Rows:
    """Every row of every table the database has (whatever its schema), and the search index."""
    names = [
        row[0]
        for row in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'client_search%' "
            "AND name != 'alembic_version' ORDER BY name"
        )
    ]
    out: Rows = {
        name: sorted((tuple(r) for r in conn.exec_driver_sql(f'SELECT * FROM "{name}"')), key=repr)
        for name in names
    }
    out["client_search"] = [
        tuple(r)
        for r in conn.exec_driver_sql("SELECT rowid, body FROM client_search ORDER BY rowid")
    ]
    return out


def _in_old_columns(new: Rows, old: Rows) -> Rows:
    """`new`'s tables that `old` has, each row cut to the old width: later revisions add columns
    at the end (ADD COLUMN), and the rows must hold exactly what they held in the old ones."""
    out: Rows = {}
    for name, rows in old.items():
        width = len(rows[0]) if rows else None
        out[name] = [row[:width] for row in new.get(name, [])]
    return out


def _dump_vault(vault: Vault) -> Rows:
    with vault.engine.connect() as conn:
        return _dump(conn)


def _downgrade(vault: Vault, revision: str) -> None:
    cfg = migrate.alembic_config()
    with vault.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
    vault.engine.dispose()


def _files(vault: Vault, ids: list[int]) -> dict[int, bytes]:
    return {file_id: files.read_file(vault, file_id=file_id)[1] for file_id in ids}


@pytest.fixture
def old_backup(tmp_path: Path) -> tuple[Path, Rows, dict[int, bytes], str]:
    """A backup written from a vault at revision 0001: its path, the rows and files it holds,
    and the head revision of the app that made the vault."""
    folder = tmp_path / "old-vault"
    vault, _ = vault_ops.create_vault(folder, passphrase=PASSPHRASE, actor="tester", kdf=FAST_KDF)
    try:
        assert importing.import_file(vault, path=SAMPLE_CSV).ok
        matter = matters.list_matters(vault)[0]
        scan = files.store_bytes(
            vault, data=b"%PDF-1.4 receipt notice\n" + bytes(range(256)) * 30, filename="i797.pdf"
        ).record
        matters.add_event(
            vault, matter_id=matter.id, kind="rfe", occurred_on="2024-03-01", file_id=scan.id
        )
        notes.add_note(vault, client_id=matter.client_id, body="Llamar después de las 6pm.")
        empty = files.store_bytes(vault, data=b"", filename="empty.txt").record
        head = migrate.head_revision()
        assert head != OLD_REVISION

        _downgrade(vault, OLD_REVISION)
        assert migrate.current_revision(vault.engine) == OLD_REVISION
        tables = _dump_vault(vault)
        assert "deadline" not in tables and "generated_document" not in tables
        assert len(tables["client"]) == 24 and len(tables["note"]) >= 2
        stored = _files(vault, [scan.id, empty.id])

        out = tmp_path / "old.backup"
        backup.backup_vault(vault, out=out, vault_passphrase=PASSPHRASE, kdf=FAST_KDF)
        # Writing the backup did not upgrade the old vault.
        assert migrate.current_revision(vault.engine) == OLD_REVISION
    finally:
        vault.close()
    return out, tables, stored, head


def test_a_backup_from_an_older_schema_restores_and_migrates(
    old_backup: tuple[Path, Rows, dict[int, bytes], str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    made, old_tables, old_files, head = old_backup
    target = tmp_path / "restored"
    monkeypatch.setenv("CLINIC_APP_PASSPHRASE", PASSPHRASE)
    assert main(["--vault", str(target), "restore", str(made)]) == 0, capsys.readouterr().err
    capsys.readouterr()

    vault = vault_ops.open_vault(target, passphrase=PASSPHRASE)
    try:
        assert migrate.current_revision(vault.engine) == head
        report = check.check_vault(vault)
        assert report.ok, report.problems
        assert report.files_checked == len(old_files)
        new_tables = _dump_vault(vault)
        same_columns = _in_old_columns(new_tables, old_tables)
        # Every table of the old schema holds exactly what it held ...
        last_event = max(int(r[0]) for r in old_tables["audit_event"])  # type: ignore[call-overload]
        for name, rows in old_tables.items():
            if name == "audit_event":
                kept = [r for r in new_tables[name] if int(r[0]) <= last_event]  # type: ignore[call-overload]
                assert kept == rows
                later = [r[3] for r in new_tables[name] if int(r[0]) > last_event]  # type: ignore[call-overload]
                assert later == ["restore"]
            else:
                assert same_columns[name] == rows, f"table {name} changed in the restore"
        # ... the tables added since exist, and the files read back byte for byte.
        assert {"deadline", "deadline_task", "checklist_item", "generated_document"} <= set(
            new_tables
        )
        assert _files(vault, list(old_files)) == old_files
        # The upgraded vault works: search, and deadlines computed from the old matters.
        assert clients.count_clients(vault, search_text="brenda flores") == 1
        assert deadlines.list_deadlines(vault, today=date(2025, 1, 1))
    finally:
        vault.close()

    # The copy taken before upgrading is kept, still encrypted and still at the old revision.
    [kept] = sorted((target / "backups").iterdir())
    assert kept.name.startswith(f"vault-before-{head}-from-{OLD_REVISION}-")
    assert not kept.read_bytes().startswith(b"SQLite format 3")
    vault = vault_ops.open_vault(target, passphrase=PASSPHRASE)
    key = vault.database_key
    vault.close()
    conn = connect(kept, key)
    try:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (OLD_REVISION,)
        ]
        assert conn.execute("SELECT count(*) FROM client").fetchone() == (24,)
    finally:
        conn.close()
    # Opening the upgraded vault again makes no further copy.
    assert len(list((target / "backups").iterdir())) == 1


def test_upgrading_an_old_vault_on_a_full_disk_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The copy kept before upgrading cannot be written: one sentence, and the vault stays at
    its old revision, whole, to be upgraded once there is room."""
    from tests.core.test_disk_full import DEV_FULL, assert_full_disk_sentence, fill_disk

    if not DEV_FULL.exists():
        pytest.skip("needs /dev/full (Linux)")
    folder = tmp_path / "old-vault"
    vault, _ = vault_ops.create_vault(folder, passphrase=PASSPHRASE, kdf=FAST_KDF)
    try:
        assert importing.import_file(vault, path=SAMPLE_CSV).ok
        _downgrade(vault, OLD_REVISION)
        before = _dump_vault(vault)
    finally:
        vault.close()
    data = (folder / "vault.db").read_bytes()
    fill_disk(monkeypatch, folder / "backups")
    with pytest.raises(VaultError) as caught:
        vault_ops.open_vault(folder, passphrase=PASSPHRASE)
    assert_full_disk_sentence(caught.value.message)
    assert (folder / "vault.db").read_bytes() == data  # not upgraded, not touched
    assert list((folder / "backups").iterdir()) == [], "a cut-short copy was left behind"
    monkeypatch.undo()
    vault = vault_ops.open_vault(folder, passphrase=PASSPHRASE)  # room again: it upgrades
    try:
        assert migrate.current_revision(vault.engine) == migrate.head_revision()
        after = _dump_vault(vault)
        assert _in_old_columns(after, before) == before
        assert check.check_vault(vault).ok
    finally:
        vault.close()
    assert len(list((folder / "backups").iterdir())) == 1
