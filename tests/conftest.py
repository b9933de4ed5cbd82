"""Shared fixtures: temporary homes, fast key derivation for unit tests, open temporary vaults."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

# Qt tests run offscreen, whatever the machine has.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from clinic_app.services import vault_ops
from clinic_app.services.vault_ops import Vault
from clinic_app.store.base import SERVER, VAULT
from clinic_app.vault.keyslots import KdfParams
from tests import pg_cluster

# A loaded 2-core CI machine must not turn slow examples into failures.
settings.register_profile("clinic", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("clinic")

DATA = Path(__file__).parent / "data"
SAMPLE_CSV = DATA / "clinic-spreadsheet.csv"
PASSPHRASE = "correct horse battery"
# Unit tests use a cheap Argon2id cost; the CLI tests and benchmarks use the real one.
FAST_KDF = KdfParams(memory_kib=8 * 1024, iterations=1, lanes=1)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--long", action="store_true", default=False, help="run the long reliability tests"
    )
    parser.addoption(
        "--stores",
        default=os.environ.get("CLINIC_TESTS_STORES", VAULT),
        help="which stores the store-agnostic tests run on: vault, server or both (comma-separated)",
    )
    parser.addoption(
        "--package",
        action="store_true",
        default=False,
        help="build the frozen app with PyInstaller (if dist/ has none) and smoke-test it",
    )


LONG_RUN_ENV = "CLINIC_TESTS_LONG"

# Opt-in markers: the option that runs them, and why they are skipped otherwise.
OPT_IN = {
    "slow": ("--long", "long test: run with --long"),
    "package": ("--package", "builds the desktop bundle: run with --package"),
}


def pytest_configure(config: pytest.Config) -> None:
    # Read by tests.core.helpers.fuzz when test modules are imported (after this): with --long,
    # the property tests run their long example counts.
    if config.getoption("--long"):
        os.environ[LONG_RUN_ENV] = "1"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test of a store (the `vault` fixture) runs on the vault and on the clinic server,
    except those marked `vault_only` (the vault's file format: key slots, backups, tampering)."""
    wanted = [k.strip() for k in str(metafunc.config.getoption("--stores")).split(",") if k.strip()]
    kinds = [k for k in (VAULT, SERVER) if k in wanted] or [VAULT]
    if metafunc.definition.get_closest_marker("vault_only"):
        kinds = [VAULT]
    if "store_kind" in metafunc.fixturenames:
        metafunc.parametrize("store_kind", kinds, indirect=True)
    if "cli_store_kind" in metafunc.fixturenames:  # a store shared by a module's CLI tests
        metafunc.parametrize("cli_store_kind", kinds, indirect=True, scope="module")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for marker, (option, reason) in OPT_IN.items():
        if config.getoption(option):
            continue
        skip = pytest.mark.skip(reason=reason)
        for item in items:
            if marker in item.keywords:
                item.add_marker(skip)


# The app's settings and secrets from the environment: never leaked into a test from outside.
CLINIC_VARS = (
    "CLINIC_APP_VAULT",
    "CLINIC_APP_PASSPHRASE",
    "CLINIC_APP_NEW_PASSPHRASE",
    "CLINIC_APP_RECOVERY_CODE",
    "CLINIC_APP_BACKUP_PASSPHRASE",
    "CLINIC_APP_USER",
    "CLINIC_APP_SERVER",
    "CLINIC_APP_PASSWORD",
)
# Where the app keeps its files, below HOME.
XDG = (
    ("XDG_CONFIG_HOME", ".config"),
    ("XDG_DATA_HOME", ".local/share"),
    ("XDG_CACHE_HOME", ".cache"),
    ("XDG_STATE_HOME", ".local/state"),
)


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test gets its own HOME and XDG folders, so nothing touches the real user's."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for var, sub in XDG:
        monkeypatch.setenv(var, str(home / sub))
    for var in CLINIC_VARS:
        monkeypatch.delenv(var, raising=False)
    return home


@pytest.fixture
def vault_dir(tmp_path: Path) -> Path:
    return tmp_path / "vault"


@pytest.fixture
def new_vault(vault_dir: Path) -> Iterator[tuple[Vault, str]]:
    """A freshly created, open vault and its recovery code."""
    vault, code = vault_ops.create_vault(
        vault_dir, passphrase=PASSPHRASE, actor="tester", kdf=FAST_KDF
    )
    try:
        yield vault, code
    finally:
        vault.close()


@pytest.fixture
def store_kind(request: pytest.FixtureRequest) -> str:
    return str(getattr(request, "param", VAULT))


@pytest.fixture
def vault(store_kind: str, request: pytest.FixtureRequest) -> Any:
    """An open, empty store: a new vault, or a fresh database on the test clinic server.

    Typed Any: the tests of both stores call the same services (the Store protocol)."""
    if store_kind == SERVER:
        return request.getfixturevalue("server_store")
    return request.getfixturevalue("new_vault")[0]


# -- the clinic server (PostgreSQL) -------------------------------------------------------------

_databases = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pg_cluster.Cluster]:
    """One throwaway PostgreSQL cluster for the whole test session (started on first use)."""
    try:
        cluster = pg_cluster.start_cluster(user="tester")
    except pg_cluster.ClusterUnavailable as exc:
        pytest.skip(str(exc))
    try:
        yield cluster
    finally:
        pg_cluster.remove_cluster(cluster)


@pytest.fixture(scope="session")
def pg_template(pg_server: pg_cluster.Cluster) -> str:
    """A database with the app's schema and a clinic key wrapped for the test login, copied
    for each test (CREATE DATABASE ... TEMPLATE is much faster than migrating)."""
    return pg_cluster.prepare_template(pg_server, "clinic_template", kdf=FAST_KDF)


@pytest.fixture
def server_db(pg_server: pg_cluster.Cluster, pg_template: str) -> Iterator[str]:
    """The URL of a fresh database made from the template, dropped after the test."""
    name = f"clinic_{next(_databases)}"
    pg_server.create_database(name, template=pg_template)
    try:
        yield pg_server.url(name)
    finally:
        pg_server.drop_database(name)


@pytest.fixture
def server_store(pg_server: pg_cluster.Cluster, server_db: str) -> Iterator[Any]:
    from clinic_app.store.postgres import PostgresStore

    store = PostgresStore.connect(server_db, user=pg_server.user, password=pg_server.password)
    try:
        yield store
    finally:
        store.close()
