"""A second person on the test clinic server: Ben Ortiz, with his own login, key slot and staff row."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from tests import pg_cluster
from tests.conftest import FAST_KDF

BEN = "Ben Ortiz"
BEN_LOGIN = "ben"
BEN_PASSWORD = "ben-password-for-tests"


def add_ben(cluster: pg_cluster.Cluster, url: str) -> None:
    """Ben's own login on the test clinic server, with his key slot and his staff row."""
    from clinic_app.store import clinic_key
    from clinic_app.store.postgres import make_engine

    with cluster.admin_engine().connect() as conn:  # roles belong to the whole cluster
        conn.exec_driver_sql(
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ben') "
            "THEN CREATE ROLE ben LOGIN SUPERUSER; END IF; END $$"
        )
        conn.exec_driver_sql(f"ALTER ROLE ben PASSWORD '{BEN_PASSWORD}'")
    engine = make_engine(url, cluster.user, cluster.password)
    try:
        with engine.begin() as conn:
            key = clinic_key.unwrap(conn, cluster.user, cluster.password)
            clinic_key.wrap_for(conn, BEN_LOGIN, BEN_PASSWORD, key, kdf=FAST_KDF)
            conn.execute(
                text(
                    "INSERT INTO staff_member (name, role, email, active, login) "
                    "VALUES (:name, 'paralegal', '', true, :login)"
                ),
                {"name": BEN, "login": BEN_LOGIN},
            )
    finally:
        engine.dispose()


def ben_logs_in(cluster: pg_cluster.Cluster, url: str) -> Any:
    """Ben's own store (his login and connection) on the database at `url`."""
    from clinic_app.store.postgres import PostgresStore

    add_ben(cluster, url)
    return PostgresStore.connect(url, user=BEN_LOGIN, password=BEN_PASSWORD)
