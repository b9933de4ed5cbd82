"""The clinic server store on a real PostgreSQL: schema install, audit guards, file key, files."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from clinic_app.errors import DamagedError, UnlockError, VaultError
from clinic_app.services import check as check_service
from clinic_app.services import clients, files
from clinic_app.store import clinic_key
from clinic_app.store.base import SERVER, Store
from clinic_app.store.postgres import PostgresStore, make_engine, server_url
from clinic_app.store.postgres_schema import install_schema
from clinic_app.vault import migrate
from tests import pg_cluster
from tests.conftest import FAST_KDF


def test_schema_installs_upgrades_downgrades_and_installs_again(
    pg_server: pg_cluster.Cluster,
) -> None:
    pg_server.create_database("schema_roundtrip")
    engine = make_engine(pg_server.url("schema_roundtrip"), pg_server.user, pg_server.password)
    try:
        assert install_schema(engine) is True
        assert install_schema(engine) is False  # already at the newest revision
        assert migrate.current_revision(engine) == migrate.head_revision()
        from alembic import command

        cfg = migrate.alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "base")
        with engine.connect() as conn:
            left = conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            ).scalars()
            assert set(left) <= {"alembic_version"}
        assert install_schema(engine) is True
        with engine.connect() as conn:
            tables = set(
                conn.execute(
                    text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                ).scalars()
            )
        assert {"client", "matter", "audit_event", "client_search", "file_blob"} <= tables
    finally:
        engine.dispose()
        pg_server.drop_database("schema_roundtrip")


def test_the_audit_log_is_append_only_and_names_the_login(
    server_store: Any, pg_server: pg_cluster.Cluster
) -> None:
    store: Store = server_store
    assert store.kind == SERVER
    assert store.actor == pg_server.user
    clients.add_client(store, first_name="Rosa", last_name="Lima")
    with store.reader() as session:
        actors = set(session.connection().execute(text("SELECT actor FROM audit_event")).scalars())
    assert actors == {pg_server.user}
    with store.engine.connect() as conn:
        for sql in (
            "UPDATE audit_event SET summary = 'x'",
            "DELETE FROM audit_event",
            "TRUNCATE audit_event",
            "INSERT INTO audit_event (at, actor, action, record_kind, summary, prev_hash, hash) "
            "VALUES (now(), 'someone-else', 'create', 'client', '', '', '')",
        ):
            with pytest.raises(DBAPIError) as caught:
                conn.execute(text(sql))
            assert getattr(caught.value.orig, "sqlstate", "") == "42501", sql
            conn.rollback()
    assert check_service.check_vault(store).ok


def test_files_reach_the_server_only_as_ciphertext(server_store: Any) -> None:
    store: Store = server_store
    secret = b"Pay stub of Rosa Lima, Riverbend Meat Packers, 2026"
    stored = files.store_bytes(store, data=secret, filename="stub.txt").record
    assert files.read_file(store, file_id=stored.id)[1] == secret
    with store.engine.connect() as conn:
        sealed = conn.execute(text("SELECT data FROM file_blob")).scalars().all()
    assert len(sealed) == 1
    assert b"Rosa" not in bytes(sealed[0]) and b"Riverbend" not in bytes(sealed[0])
    with store.engine.begin() as conn:  # flip one byte of the ciphertext on the server
        conn.execute(
            text("UPDATE file_blob SET data = overlay(data placing '\\x00'::bytea from 40)")
        )
    with pytest.raises(DamagedError):
        files.read_file(store, file_id=stored.id)
    assert not check_service.check_vault(store).ok


def test_the_clinic_key_opens_only_with_the_persons_password(
    pg_server: pg_cluster.Cluster, server_db: str
) -> None:
    engine = make_engine(server_db, pg_server.user, pg_server.password)
    try:
        with engine.begin() as conn:
            mine = clinic_key.unwrap(conn, pg_server.user, pg_server.password)
            clinic_key.wrap_for(conn, "rosa", "rosa's long password", mine, kdf=FAST_KDF)
            assert clinic_key.unwrap(conn, "rosa", "rosa's long password") == mine
            with pytest.raises(UnlockError):
                clinic_key.unwrap(conn, "rosa", "not her password")
            with pytest.raises(UnlockError):
                clinic_key.unwrap(conn, "nobody", "whatever")
            stored = conn.execute(text("SELECT wrapped FROM clinic_key_slot")).scalars().all()
            assert all(mine not in bytes(w) for w in stored)
    finally:
        engine.dispose()


def test_a_wrong_password_is_refused_in_one_sentence(
    pg_server: pg_cluster.Cluster, server_db: str
) -> None:
    with pytest.raises(UnlockError) as caught:
        PostgresStore.connect(server_db, user=pg_server.user, password="wrong password")
    assert "refused the password" in caught.value.message


def test_tls_is_verified_by_default_off_this_computer() -> None:
    remote = server_url("postgresql://clinic.example.org:5432/clinic?sslrootcert=ca.crt", "rosa")
    assert remote.query["sslmode"] == "verify-full"
    assert remote.username == "rosa"
    local = server_url("postgresql://127.0.0.1:5432/clinic", "rosa")
    assert "sslmode" not in local.query
    chosen = server_url("postgresql://clinic.example.org/clinic?sslmode=verify-ca", "rosa")
    assert chosen.query["sslmode"] == "verify-ca"
    # A mode that does not check the certificate is refused off this computer (docs/security.md).
    for weak in ("require", "prefer", "disable"):
        with pytest.raises(VaultError, match=f"sslmode={weak}.*sslrootcert="):
            server_url(f"postgresql://clinic.example.org/clinic?sslmode={weak}", "rosa")
