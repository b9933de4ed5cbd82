"""A CLI test's store reached directly: built through the services (faster than one command per
record), and copied for a test that changes it. Works on a vault and on the clinic server."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from clinic_app.services import vault_ops
from tests.cli.conftest import CliTarget, copy_vault, make_env, server_target, vault_target
from tests.conftest import FAST_KDF, PASSPHRASE

_copies = itertools.count(1)


@contextmanager
def new_target(kind: str, base: Path, request: pytest.FixtureRequest) -> Iterator[CliTarget]:
    """An empty store: a vault made with the tests' cheap key derivation (every run unlocks it
    faster than one made by `init`), or a new database on the test clinic server."""
    if kind == "vault":
        folder = base / "vault"
        vault, _code = vault_ops.create_vault(
            folder, passphrase=PASSPHRASE, actor="setup", kdf=FAST_KDF
        )
        vault.close()
        yield vault_target(folder, make_env(base / "home"))
        return
    cluster = request.getfixturevalue("pg_server")
    name = f"cli_{next(_copies)}_{base.name.lower().replace('-', '_')}"[:60]
    cluster.create_database(name, template=request.getfixturevalue("pg_template"))
    try:
        env = make_env(base / "home", passphrase=None, CLINIC_APP_PASSWORD=cluster.password)
        yield server_target(cluster, name, env)
    finally:
        cluster.drop_database(name)


@contextmanager
def copy_of(target: CliTarget, base: Path, request: pytest.FixtureRequest) -> Iterator[CliTarget]:
    """A copy of a store no one has open, for a test that changes it: the vault's folder, or a
    database made with the original as its template."""
    if target.kind == "vault":
        folder = copy_vault(Path(target.place[1]), base / "vault")
        yield dataclasses.replace(vault_target(folder, target.env), actor=target.actor)
        return
    cluster = request.getfixturevalue("pg_server")
    source = make_url(target.place[1]).database
    name = f"{source}_copy{next(_copies)}"[:60]
    cluster.create_database(name, template=source)
    try:
        yield server_target(cluster, name, target.env)
    finally:
        cluster.drop_database(name)


def open_store(target: CliTarget) -> Any:
    """The target's store, opened through the services (typed Any: both stores' services)."""
    if target.kind == "vault":
        return vault_ops.open_vault(
            Path(target.place[1]), passphrase=target.env[target.secret_var], actor="setup"
        )
    from clinic_app.store.postgres import PostgresStore

    return PostgresStore.connect(
        target.place[1], user=target.place[3], password=target.env[target.secret_var]
    )
