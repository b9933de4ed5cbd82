"""Search on the clinic server finds the same clients in the same order as in a vault."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinic_app.services import clients, employers, importing, matters, vault_ops
from clinic_app.store.base import Store
from clinic_app.store.postgres import PostgresStore
from tests import pg_cluster
from tests.conftest import FAST_KDF, PASSPHRASE, SAMPLE_CSV


def _fill(store: Store) -> None:
    """The sample spreadsheet plus people whose names stress folding and ranking."""
    report = importing.import_file(store, path=SAMPLE_CSV)
    assert report.ok, report.problems
    riverbend = employers.add_employer(store, name="Riverbend Meat Packers Inc.").record.id
    jose = clients.add_client(
        store,
        first_name="José",
        last_name="Pérez",
        a_number="A012345678",
        other_names=["Chepe Pérez", "José Luis Pérez Ordóñez"],
    ).record.id
    matters.add_matter(store, client_id=jose, employer_id=riverbend, receipt_number="IOE0123456789")
    clients.add_client(store, first_name="Đặng", last_name="Thị Hương", a_number="987654321")
    clients.add_client(store, first_name="María", last_name="Pérez García")
    clients.add_client(store, first_name="Rosa", last_name="Rosa Rosales")
    for i in range(6):  # equal ranks: only the tie-break orders them
        clients.add_client(store, first_name="Rosa", last_name=f"Same {i}")


@pytest.fixture(scope="module")
def both(
    tmp_path_factory: pytest.TempPathFactory,
    pg_server: pg_cluster.Cluster,
    pg_template: str,
) -> Iterator[tuple[Store, Store]]:
    vault, _ = vault_ops.create_vault(
        Path(tmp_path_factory.mktemp("search-both")) / "vault", passphrase=PASSPHRASE, kdf=FAST_KDF
    )
    pg_server.create_database("search_both", template=pg_template)
    server = PostgresStore.connect(
        pg_server.url("search_both"), user=pg_server.user, password=pg_server.password
    )
    try:
        _fill(vault)
        _fill(server)
        yield vault, server
    finally:
        vault.close()
        server.close()
        pg_server.drop_database("search_both")


def _found(store: Store, query: str, **page: Any) -> list[tuple[str, str]]:
    # Ids may differ between stores only if the data did; compare names, in order.
    rows = clients.list_clients(store, search_text=query, **page)
    return [(row.first_name, row.last_name) for row in rows]


TYPED = [
    "a",
    "ro",
    "rosa",
    "rosa ros",
    "same",
    "jose perez",
    "JOSÉ",
    "pére jo",
    "chepe",
    "dang huong",
    "đặng",
    "ordonez",
    "riverbend",
    "meat pack",
    "A-012-345-678",
    "012345678",
    "5678",
    "345678",
    "987654321",
    "IOE 0123 456 789",
    "ioe",
    "e r",
    "gar",
    "o",
    "zzz",
    '"jose" (perez)',
    "jose*",
    "'; DROP TABLE client; --",
    "🙂",
]


@pytest.mark.parametrize("query", TYPED)
def test_same_clients_in_the_same_order(both: tuple[Store, Store], query: str) -> None:
    vault, server = both
    expected = _found(vault, query)
    assert _found(server, query) == expected
    assert clients.count_clients(server, search_text=query) == len(expected)


def test_pages_match_too(both: tuple[Store, Store]) -> None:
    vault, server = both
    for offset in (0, 3, 7):
        page = {"offset": offset, "limit": 4}
        assert _found(server, "rosa", **page) == _found(vault, "rosa", **page)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(alphabet="aeiourosjpégdñ AÁ0123456789-", max_size=12))
def test_any_typed_text_finds_the_same(both: tuple[Store, Store], query: str) -> None:
    vault, server = both
    assert _found(server, query) == _found(vault, query)
