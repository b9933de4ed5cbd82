"""`clinic-app server import-vault`: a real demo vault moved onto a real clinic server (made by
`server create`), through the console script; all or nothing, and history nobody can forge."""

from __future__ import annotations

import os
import pwd
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import psycopg
import pytest
from sqlmodel import col, select

from clinic_app.domain.models import AuditEvent, StoredFile
from clinic_app.services import files
from clinic_app.store.postgres import PostgresStore
from clinic_app.vault.vault import Vault
from tests.cli.conftest import PASSPHRASE, assert_ok, assert_one_line_error, make_env, run_cli
from tests.server.conftest import ADMIN, ADMIN_PASSWORD, PASSWORD, free_port


@dataclass(frozen=True)
class Server:
    folder: Path
    url: str
    env: dict[str, str]

    def admin_env(self, password: str = ADMIN_PASSWORD) -> dict[str, str]:
        return {
            **self.env,
            "CLINIC_APP_SERVER": self.url_for(ADMIN),
            "CLINIC_APP_PASSWORD": password,
        }

    def url_for(self, login: str) -> str:
        return self.url.replace("postgresql://", f"postgresql://{login}@", 1)

    def connect(
        self, login: str = ADMIN, password: str = ADMIN_PASSWORD
    ) -> psycopg.Connection[Any]:
        return psycopg.connect(self.url_for(login), password=password, autocommit=True)

    def digest(self) -> list[tuple[Any, ...]]:
        """Row counts of every table the admin can read: equal means nothing was written."""
        with self.connect() as conn:
            tables = [
                r[0]
                for r in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
                )
            ]
            return [(t, conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()) for t in tables]


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A new clinic server of its own (the import needs one that holds no records yet)."""
    base = Path(tempfile.mkdtemp(prefix="clinic-import-tests-", dir="/tmp"))
    base.chmod(0o755)
    env = make_env(tmp_path_factory.mktemp("import-home"), passphrase=None)
    folder = base / "server"
    created = run_cli(
        *("server", "create", folder, "--port", str(free_port()), "--host-name", "localhost"),
        *("--listen", "127.0.0.1", "--admin", ADMIN, "--password-stdin"),
        env=env,
        stdin=ADMIN_PASSWORD + "\n",
    )
    url = next(w for w in assert_ok(created).stdout.split() if w.startswith("postgresql://"))
    try:
        yield Server(folder, url, env)
    finally:
        run_cli("server", "stop", folder, env=env)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def demo_vault(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], bytes]:
    """`demo --clients 12`, the clinic's letterhead, one kept draft and one sealed template."""
    base = tmp_path_factory.mktemp("import-vault")
    env = make_env(base / "home")
    folder = base / "vault"
    assert_ok(run_cli("--vault", folder, "demo", "--clients", "12", "--seed", "5", env=env))
    assert_ok(run_cli("--vault", folder, "clinic", "--set", "name=Test Clinic",
                      "--set", "address=1 Main St", "--set", "phone=555-0100", env=env))  # fmt: skip
    assert_ok(run_cli("--vault", folder, "render", "client-policy-change", "--matter", "1",
                      "--keep-in-vault", "--anyway", env=env))  # fmt: skip
    source = base / "carta.docx"
    document = docx.Document()
    document.add_paragraph("Estimada {{ client.first_name }}:")
    document.save(str(source))
    assert_ok(run_cli("--vault", folder, "template-add", source, "--id", "client-cierre",
                      "--lang", "es", env=env))  # fmt: skip
    return folder, env, source.read_bytes()


def _json(*args: Any, env: dict[str, str]) -> Any:
    return assert_ok(run_cli(*args, "--json", env=env)).json()


def test_a_failed_import_changes_nothing_and_says_which_flag_fixes_it(
    empty_server: Server, demo_vault: tuple[Path, dict[str, str], bytes], tmp_path: Path
) -> None:
    folder, _env, _template = demo_vault
    before = empty_server.digest()
    admin = empty_server.admin_env()
    wrong = run_cli(
        "server", "import-vault", folder, env={**admin, "CLINIC_APP_PASSPHRASE": "nope"}
    )
    assert_one_line_error(wrong, 3, "does not open the vault", "--passphrase-stdin")
    # A vault saved by a newer clinic-app (its schema revision unknown to this one).
    newer = shutil.copytree(folder, tmp_path / "newer", ignore=shutil.ignore_patterns("vault.lock"))
    with Vault.open(newer, PASSPHRASE) as vault, vault.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999_future'")
    refused = run_cli(
        "server", "import-vault", newer, env={**admin, "CLINIC_APP_PASSPHRASE": PASSPHRASE}
    )
    assert_one_line_error(refused, 1, "newer version of clinic-app")
    assert empty_server.digest() == before
    # Only an admin moves a vault in.
    assert_ok(run_cli("server", "adduser", "ana_imp", "--role", "attorney", "--password-stdin",
                      env=admin, stdin=PASSWORD + "\n"))  # fmt: skip
    before = empty_server.digest()  # with the new account (its staff row and audit event)
    attorney = {**empty_server.env, "CLINIC_APP_SERVER": empty_server.url_for("ana_imp"),
                "CLINIC_APP_PASSWORD": PASSWORD, "CLINIC_APP_PASSPHRASE": PASSPHRASE}  # fmt: skip
    not_admin = run_cli("server", "import-vault", folder, env=attorney)
    assert_one_line_error(not_admin, 1, "Only a clinic admin", "--url")
    assert empty_server.digest() == before


def test_every_record_file_and_event_arrives_and_nobody_can_forge_history(
    empty_server: Server, demo_vault: tuple[Path, dict[str, str], bytes], tmp_path: Path
) -> None:
    folder, venv, template = demo_vault
    admin = {**empty_server.admin_env(), "CLINIC_APP_PASSPHRASE": PASSPHRASE}
    vault_side = {
        what: _json("--vault", folder, what, env=venv)
        for what in ("clients", "matters", "deadlines", "drafts")
    }
    with Vault.open(folder, PASSPHRASE) as vault, vault.reader() as session:
        history = [
            (e.id, e.actor, e.action, e.hash)
            for e in session.exec(select(AuditEvent).order_by(col(AuditEvent.id)))
        ]

    moved = assert_ok(run_cli("server", "import-vault", folder, env=admin)).stdout
    assert f"{len(vault_side['clients'])} clients, {len(vault_side['matters'])} matters" in moved
    assert f"{len(history)} audit history events" in moved

    for what in ("clients", "matters", "deadlines", "drafts"):
        server_side = _json(what, env=admin)
        # Staff are renumbered onto the server's staff list (matched by name: the names agree).
        for row in [*server_side, *vault_side[what]]:
            row.pop("assigned_staff_id", None)
        assert server_side == vault_side[what], what

    # Every file opens under the clinic key, byte for byte the vault's; the server holds only
    # ciphertext (the template's text is not in the stored bytes).
    with (
        Vault.open(folder, PASSPHRASE) as vault,
        PostgresStore.connect(empty_server.url, user=ADMIN, password=ADMIN_PASSWORD) as store,
    ):
        with vault.reader() as session:
            ids = [f.id for f in session.exec(select(StoredFile))]
        assert len(ids) == 2
        plain = []
        for file_id in ids:
            record, data = files.read_file(store, file_id=file_id)
            assert (record, data) == files.read_file(vault, file_id=file_id)
            plain.append(data)
    with empty_server.connect() as conn:
        blobs = [bytes(r[0]) for r in conn.execute("SELECT data FROM file_blob")]
        assert len(blobs) == 2
        assert not any(data[:64] in blob for data in plain for blob in blobs)
    copied = empty_server.folder.parent / "copia.docx"
    assert_ok(run_cli("template-copy", "client-cierre", "--lang", "es", "--out", copied, env=admin))
    assert copied.read_bytes() == template

    # The vault's history, read-only, with the importing admin's own event naming it.
    with empty_server.connect() as conn:
        kept = conn.execute(
            "SELECT id, actor, action, hash FROM imported_audit_event ORDER BY id"
        ).fetchall()
        assert kept == history
        (event,) = conn.execute(
            "SELECT actor, summary FROM audit_event WHERE action = 'vault.import'"
        ).fetchall()
        assert event[0] == ADMIN and f"{len(history)} history events" in event[1]
        for forge in ("UPDATE imported_audit_event SET actor = 'x'",
                      "DELETE FROM imported_audit_event",
                      "INSERT INTO imported_audit_event (vault_id, id, at, actor, action, "
                      "record_kind, summary, prev_hash, hash) "
                      "VALUES ('v', 1, now(), 'x', 'x', 'x', '', '', '')",
                      "SELECT clinic_import_history('v', '[]')",
                      "SELECT clinic_import_rows('v', 'client', '[]')"):  # fmt: skip
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(forge)
    assert_ok(run_cli("server", "adduser", "ben_imp", "--role", "volunteer", "--password-stdin",
                      env=admin, stdin=PASSWORD + "\n"))  # fmt: skip
    with empty_server.connect("ben_imp", PASSWORD) as conn:
        assert conn.execute("SELECT count(*) FROM imported_audit_event").fetchone() == (
            len(history),
        )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT clinic_import_rows('v', 'client', '[]')")
    # New records continue after the imported numbers; the search finds imported clients.
    first = vault_side["clients"][0]
    found = _json("clients", "--search", first["last_name"], env=admin)
    assert first["id"] in [c["id"] for c in found]

    # The clinic's details came along (a setting); the laptop's own settings did not.
    assert _json("clinic", env=admin)["settings"]["name"] == "Test Clinic"

    # Run twice, or another vault whose records would collide: refused in one sentence, nothing
    # changed.
    before = empty_server.digest()
    again = run_cli("server", "import-vault", folder, env=admin)
    assert_one_line_error(again, 1, "already moved onto the clinic server", "--url")
    other = tmp_path / "other"
    assert_ok(run_cli("--vault", other, "init", env=venv))
    assert_ok(run_cli("--vault", other, "client", "add", "--first-name", "Ana",
                      "--last-name", "Otra", env=venv))  # fmt: skip
    clash = run_cli("server", "import-vault", other, env=admin)
    assert_one_line_error(clash, 1, "already holds records", "--url")
    assert empty_server.digest() == before

    # New records continue after the imported numbers.
    volunteer = {**empty_server.env, "CLINIC_APP_SERVER": empty_server.url_for("ben_imp"),
                 "CLINIC_APP_PASSWORD": PASSWORD}  # fmt: skip
    added = _json("client", "add", "--first-name", "Nueva", "--last-name", "Persona", env=volunteer)
    assert added["id"] == max(c["id"] for c in vault_side["clients"]) + 1

    # Anyone on the staff reads the laptop's history with `audit --vault-history`, newest first;
    # the server's own log stays apart (it holds the import, not the laptop's events).
    kept_history = _json("audit", "--vault-history", "--limit", "100000", env=volunteer)
    assert [(e["id"], e["actor"], e["action"]) for e in kept_history] == [
        (i, actor, action) for i, actor, action, _hash in reversed(history)
    ]
    with Vault.open(folder, PASSPHRASE) as vault:
        vault_id = vault.vault_id
    assert {e["vault_id"] for e in kept_history} == {vault_id}
    table = assert_ok(run_cli("audit", "--vault-history", "--limit", "3", env=volunteer)).stdout
    assert table.splitlines()[0].split()[:3] == ["Vault", "ID", "When"]
    assert len(table.splitlines()) == 2 + 3 and vault_id in table.splitlines()[2]
    assert "vault.import" in [e["action"] for e in _json("audit", env=volunteer)]
    assert "vault.import" not in [e["action"] for e in kept_history]
    on_laptop = assert_ok(run_cli("--vault", folder, "audit", "--vault-history", env=venv))
    assert "only a clinic server keeps it" in on_laptop.stdout
    assert _json("--vault", folder, "audit", "--vault-history", env=venv) == []

    # `check` on the server passes, and notices a history whose links were cut by someone with
    # the server owner's powers (who alone can lift the append-only guard).
    assert_ok(run_cli("check", env=admin))
    port = int(empty_server.url.split(":")[2].split("/")[0])
    owner = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
    with psycopg.connect(
        f"postgresql://{owner}@/clinic?host={empty_server.folder / 'run'}&port={port}",
        autocommit=True,
    ) as conn:
        conn.execute("ALTER TABLE imported_audit_event DISABLE TRIGGER imported_audit_no_update")
        conn.execute("DELETE FROM imported_audit_event WHERE id = %s", (history[1][0],))
        conn.execute("ALTER TABLE imported_audit_event ENABLE TRIGGER imported_audit_no_update")
    checked = run_cli("check", env=admin)
    assert checked.returncode == 1, checked
    assert "imported history of vault" in checked.stdout + checked.stderr
