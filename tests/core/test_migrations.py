"""Alembic migrations: the head schema matches the models; older vaults are backed up first."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from clinic_app.errors import ClinicError
from clinic_app.services import clients, vault_ops
from clinic_app.services.vault_ops import Vault
from clinic_app.vault import migrate
from clinic_app.vault.engine import connect, make_engine
from clinic_app.vault.schema import metadata
from tests.conftest import PASSPHRASE

# Tables the store keeps beside the models: the search index, and on the clinic server the
# encrypted files, the wrapped clinic keys, which rules each matter's deadlines came from, and a
# moved vault's history.
STORE_TABLES = (
    "client_search",
    "file_blob",
    "clinic_key_slot",
    "deadline_basis",
    "imported_audit_event",
)


def _is_search_table(diff: object) -> bool:
    if isinstance(diff, tuple) and len(diff) > 1:
        item = diff[1]
        table = getattr(item, "table", None)
        name = str(getattr(table, "name", None) or getattr(item, "name", ""))
        return name.startswith(STORE_TABLES)
    return False


def test_head_schema_matches_the_models(vault: Vault) -> None:
    assert migrate.current_revision(vault.engine) == migrate.head_revision()
    with vault.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = [d for d in compare_metadata(context, metadata) if not _is_search_table(d)]
    assert diffs == []


def test_every_model_table_exists_with_its_columns(vault: Vault) -> None:
    with vault.engine.connect() as conn:
        inspector = inspect(conn)
        tables = set(inspector.get_table_names())
        for table in metadata.sorted_tables:
            assert table.name in tables
            columns = {c["name"] for c in inspector.get_columns(table.name)}
            assert columns == {c.name for c in table.columns}, table.name
        assert "client_search" in tables
    # The audit log's guards (PostgreSQL's are checked by the store itself).
    assert vault.integrity_problems() == []


def test_head_applies_to_an_empty_database(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    key = bytes(range(32))
    engine = make_engine(db, key)
    try:
        assert migrate.current_revision(engine) is None
        assert migrate.upgrade(engine, db) is True
        assert migrate.current_revision(engine) == migrate.head_revision()
        assert not (tmp_path / "backups").exists(), "a brand-new database needs no backup"
        assert migrate.upgrade(engine, db) is False
    finally:
        engine.dispose()


def test_opening_a_vault_at_head_makes_no_backup(closed_vault: tuple[Path, str]) -> None:
    folder, _ = closed_vault
    vault_ops.open_vault(folder, passphrase=PASSPHRASE).close()
    assert not (folder / "backups").exists()


NEXT_REVISION = '''"""Test-only revision: adds a marker table.

Revision ID: 9002
Revises: {head}
"""

from alembic import op
import sqlalchemy as sa

revision = "9002"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("test_marker", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade() -> None:
    op.drop_table("test_marker")
'''


def test_older_vault_is_backed_up_before_upgrading(
    closed_vault: tuple[Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, _ = closed_vault
    vault = vault_ops.open_vault(folder, passphrase=PASSPHRASE)
    added = clients.add_client(vault, first_name="Old", last_name="Vault").record
    db_key = vault.database_key
    old_head = migrate.head_revision()
    vault.close()
    before = (folder / "vault.db").read_bytes()

    # A newer app: the shipped migrations plus one more revision.
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9002_test_marker.py").write_text(NEXT_REVISION.format(head=old_head))
    monkeypatch.setattr(migrate, "MIGRATIONS", scripts)
    assert migrate.head_revision() == "9002"

    vault = vault_ops.open_vault(folder, passphrase=PASSPHRASE)
    try:
        assert migrate.current_revision(vault.engine) == "9002"
        assert clients.get_client(vault, client_id=added.id).last_name == "Vault"
        with vault.engine.connect() as conn:
            assert "test_marker" in inspect(conn).get_table_names()
    finally:
        vault.close()

    copies = list((folder / "backups").iterdir())
    assert len(copies) == 1
    assert copies[0].name.startswith(f"vault-before-9002-from-{old_head}-")
    assert copies[0].read_bytes() == before  # the untouched, still-encrypted old file
    assert not before.startswith(b"SQLite format 3")
    conn = connect(copies[0], db_key)
    try:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(old_head,)]
    finally:
        conn.close()

    # Opening again at the new head makes no further copy.
    vault_ops.open_vault(folder, passphrase=PASSPHRASE).close()
    assert len(list((folder / "backups").iterdir())) == 1


def test_vault_from_a_newer_app_is_refused_clearly(closed_vault: tuple[Path, str]) -> None:
    folder, _ = closed_vault
    vault = vault_ops.open_vault(folder, passphrase=PASSPHRASE)
    key = vault.database_key
    vault.close()
    conn = connect(folder / "vault.db", key)
    try:
        conn.execute("UPDATE alembic_version SET version_num = 'ffff-from-the-future'")
    finally:
        conn.close()
    for _ in range(2):
        with pytest.raises(ClinicError):
            vault_ops.open_vault(folder, passphrase=PASSPHRASE)
    assert not (folder / "backups").exists() or len(list((folder / "backups").iterdir())) <= 1


def test_opening_a_vault_at_head_does_not_load_alembic(closed_vault: tuple[Path, str]) -> None:
    # Alembic (with Mako and Pygments) costs a quarter of a second at every unlock and CLI
    # command; a vault already at the newest schema only needs its version row compared.
    folder, _ = closed_vault
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from clinic_app.services import vault_ops\n"
        f"vault_ops.open_vault(Path(sys.argv[1]), passphrase={PASSPHRASE!r}).close()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(folder)], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_head_read_from_the_scripts_is_alembics_head() -> None:
    assert (
        migrate.head_revision()
        == ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()
    )


MERGE_REVISION = '''"""Test-only revision: {name}."""

revision = "{revision}"
down_revision = {down}
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
'''


def test_branched_scripts_are_left_to_alembic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_head = migrate.head_revision()
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    versions = scripts / "versions"
    for revision, down in (
        ("9101", repr(old_head)),
        ("9102", repr(old_head)),
        ("9103", "('9101', '9102')"),  # a merge: the down revision is a tuple
    ):
        script = MERGE_REVISION.format(name=revision, revision=revision, down=down)
        (versions / f"{revision}_branch.py").write_text(script)
    monkeypatch.setattr(migrate, "MIGRATIONS", scripts)
    assert migrate.head_revision() == "9103"
    (versions / "9103_branch.py").unlink()  # two heads: Alembic's own error, not a guess
    with pytest.raises(Exception, match="head"):
        migrate.head_revision()
