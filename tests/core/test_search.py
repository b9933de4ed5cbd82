"""Client search: accents, A-numbers, receipts, employers, other names, and hostile input."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinic_app import search
from clinic_app.services import clients, employers, matters, vault_ops
from clinic_app.services.vault_ops import Vault
from tests.conftest import FAST_KDF, PASSPHRASE


@dataclass(frozen=True)
class People:
    jose: int
    dang: int
    suharti: int
    maria: int


def _add_people(vault: Vault) -> People:
    riverbend = employers.add_employer(vault, name="Riverbend Meat Packers Inc.").record.id
    harbor = employers.add_employer(vault, name="Harborview Hotel & Suites").record.id
    jose = clients.add_client(
        vault,
        first_name="José",
        last_name="Pérez",
        a_number="A012345678",
        other_names=["Chepe Pérez", "José Luis Pérez Ordóñez"],
    ).record.id
    matters.add_matter(vault, client_id=jose, employer_id=riverbend, receipt_number="IOE0123456789")
    dang = clients.add_client(
        vault, first_name="Đặng", last_name="Thị Hương", a_number="987654321"
    ).record.id
    matters.add_matter(vault, client_id=dang, employer_id=harbor)
    suharti = clients.add_client(vault, first_name="Suharti").record.id
    maria = clients.add_client(vault, first_name="María", last_name="Pérez García").record.id
    return People(jose=jose, dang=dang, suharti=suharti, maria=maria)


@pytest.fixture(scope="module")
def searched(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Vault, People]]:
    """One vault shared by the read-only search tests (building one per test is slow)."""
    vault, _ = vault_ops.create_vault(
        tmp_path_factory.mktemp("search") / "vault", passphrase=PASSPHRASE, kdf=FAST_KDF
    )
    try:
        yield vault, _add_people(vault)
    finally:
        vault.close()


@pytest.fixture
def people(searched: tuple[Vault, People]) -> People:
    return searched[1]


@pytest.fixture
def shared(searched: tuple[Vault, People]) -> Vault:
    return searched[0]


@pytest.fixture
def fresh(vault: Vault) -> People:
    """The same people in the test's own vault, for tests that change records."""
    return _add_people(vault)


def ids(vault: Vault, query: str) -> list[int]:
    return [row.id for row in clients.list_clients(vault, search_text=query)]


@pytest.mark.parametrize(
    "query", ["jose perez", "José Pérez", "JOSE PEREZ", "perez jose", "jos", "pére jo"]
)
def test_accent_and_case_insensitive_names(shared: Vault, people: People, query: str) -> None:
    assert people.jose in ids(shared, query)
    assert people.suharti not in ids(shared, query)


def test_several_words_must_all_match(shared: Vault, people: People) -> None:
    assert set(ids(shared, "perez")) == {people.jose, people.maria}
    assert ids(shared, "maria perez") == [people.maria]
    assert ids(shared, "jose garcia") == []


def test_vietnamese_and_one_word_names(shared: Vault, people: People) -> None:
    assert ids(shared, "dang thi huong") == [people.dang]
    assert ids(shared, "Đặng") == [people.dang]
    assert ids(shared, "suharti") == [people.suharti]


@pytest.mark.parametrize(
    "query",
    [
        "A 012-345-678",
        "12345678",
        "A012345678",
        "012345678",
        "a-012-345-678",
        "A12345678",
        "a.012.345.678",
    ],
)
def test_a_number_in_any_spelling(shared: Vault, people: People, query: str) -> None:
    assert ids(shared, query) == [people.jose]


def test_nine_digit_a_number(shared: Vault, people: People) -> None:
    assert ids(shared, "A 987-654-321") == [people.dang]
    assert ids(shared, "987654321") == [people.dang]


def test_receipt_numbers(shared: Vault, people: People) -> None:
    assert ids(shared, "IOE0123456789") == [people.jose]
    assert ids(shared, "ioe0123456789") == [people.jose]
    assert ids(shared, "IOE9999999999") == []


def test_employer_names(shared: Vault, people: People) -> None:
    assert ids(shared, "riverbend") == [people.jose]
    assert ids(shared, "Harborview hotel") == [people.dang]
    assert ids(shared, "meat packers") == [people.jose]


def test_other_names(shared: Vault, people: People) -> None:
    assert ids(shared, "chepe") == [people.jose]
    assert ids(shared, "ordonez") == [people.jose]


def test_count_matches_list(shared: Vault, people: People) -> None:
    assert clients.count_clients(shared, search_text="perez") == 2
    assert clients.count_clients(shared) == 4
    assert len(clients.list_clients(shared, search_text="perez", limit=1)) == 1


def test_index_follows_edits_and_deletes(vault: Vault, fresh: People) -> None:
    clients.update_client(vault, client_id=fresh.suharti, last_name="Wiranto")
    assert ids(vault, "wiranto") == [fresh.suharti]
    riverbend = next(e for e in employers.list_employers(vault) if e.name.startswith("Riverbend"))
    employers.update_employer(vault, employer_id=riverbend.id, name="Bluewater Foods")
    assert ids(vault, "bluewater") == [fresh.jose]
    assert ids(vault, "riverbend") == []
    clients.delete_client(vault, client_id=fresh.maria)
    assert ids(vault, "maria") == []


def test_matter_added_later_is_searchable(vault: Vault, fresh: People) -> None:
    employer = employers.add_employer(vault, name="Pacific Garment Works").record.id
    matters.add_matter(
        vault, client_id=fresh.suharti, employer_id=employer, receipt_number="EAC1112223334"
    )
    assert ids(vault, "pacific garment") == [fresh.suharti]
    assert ids(vault, "EAC1112223334") == [fresh.suharti]


def test_receipt_recorded_by_a_receipt_notice_is_searchable(vault: Vault, fresh: People) -> None:
    matter = matters.list_matters(vault, client_id=fresh.dang)[0]
    matters.add_event(
        vault,
        matter_id=matter.id,
        kind="receipt",
        occurred_on="2024-01-05",
        receipt_number="LIN0001112223",
    )
    assert matters.get_matter(vault, matter_id=matter.id).receipt_number == "LIN0001112223"
    assert ids(vault, "LIN0001112223") == [fresh.dang]


HOSTILE = [
    '"',
    "'",
    "AND OR",
    "*",
    "()",
    "(",
    ")",
    "NEAR(a b)",
    "a OR b",
    "NOT",
    "-",
    "^",
    "col:val",
    "body:jose",
    '"jose',
    "jose*",
    "{body}: x",
    "\\",
    "%",
    "_",
    "\x00",
    "'; DROP TABLE client; --",
    "client_search",
    "  ",
    "🙂",
    "ा",
    "‮",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_fts_syntax_in_a_query_never_crashes(shared: Vault, people: People, query: str) -> None:
    found = ids(shared, query)
    assert set(found) <= {people.jose, people.dang, people.suharti, people.maria}
    assert clients.count_clients(shared, search_text=query) == len(found)
    assert clients.count_clients(shared) == 4


def test_query_with_syntax_still_finds_the_words(shared: Vault, people: People) -> None:
    assert ids(shared, '"jose" (perez)') == [people.jose]
    assert ids(shared, "jose*") == [people.jose]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=40))
def test_arbitrary_text_never_raises(shared: Vault, people: People, query: str) -> None:
    found = ids(shared, query)
    assert set(found) <= {people.jose, people.dang, people.suharti, people.maria}
    assert len(found) == len(set(found))


def test_match_expression_quotes_every_term() -> None:
    assert search.match_expression('jo"se OR *') == '"jo"* AND "se"* AND "or"*'
    assert search.match_expression("***") is None
    assert search.match_expression("A-012-345-678") == '"12345678"* OR "a012345678"'


def test_pages_of_a_search_cover_every_match_once_best_first(vault: Vault) -> None:
    # Equal ranks everywhere (the same name), so only the tie-break keeps pages apart.
    for i in range(23):
        clients.add_client(vault, first_name="Rosa", last_name=f"Same {i}")
    clients.add_client(vault, first_name="Rosa", last_name="Rosa")  # ranks first: two hits
    total = clients.count_clients(vault, search_text="ros")
    assert total == 24
    pages = [
        clients.list_clients(vault, search_text="ros", offset=start, limit=5)
        for start in range(0, total, 5)
    ]
    ids = [row.id for page in pages for row in page]
    assert len(ids) == len(set(ids)) == total
    assert [len(page) for page in pages] == [5, 5, 5, 5, 4]
    assert pages[0][0].last_name == "Rosa"
    everything = clients.list_clients(vault, search_text="ros")
    assert [row.id for row in everything] == ids
