"""No lost updates: two people edit one record; the second save against the changed row is
refused with a sentence naming who changed it and when, and nothing of it is written."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from clinic_app.errors import ConflictError
from clinic_app.services import audit_log, clients, employers, letters, matters, notes, row_versions
from clinic_app.store.base import SERVER
from tests.core.helpers import dump_tables
from tests.people import BEN, ben_logs_in

Vault = Any  # either store: the tests run on the vault and on the clinic server

CLINIC_ZONE = "America/Los_Angeles"  # not UTC, so a sentence in UTC would show


@pytest.fixture(autouse=True)
def clinic_time_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", CLINIC_ZONE)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@contextmanager
def acting_as(vault: Vault, name: str) -> Iterator[Vault]:
    """Another person at the same vault (as the CLI shell does between commands)."""
    before = vault.actor
    vault.actor = name
    try:
        yield vault
    finally:
        vault.actor = before


@pytest.fixture
def ben(
    vault: Vault, store_kind: str, request: pytest.FixtureRequest
) -> Callable[[], AbstractContextManager[Vault]]:
    """Ben Ortiz at the same data: on the clinic server his own login and connection; in a
    vault (one process holds it) the same store acting as him."""
    if store_kind != SERVER:
        return lambda: acting_as(vault, BEN)
    store = ben_logs_in(request.getfixturevalue("pg_server"), request.getfixturevalue("server_db"))
    request.addfinalizer(store.close)
    return lambda: nullcontext(store)


def sentence(vault: Vault, who: str, words: str, kind: str, record_id: int) -> set[str]:
    """The refusal expected from the audit log's newest event for the row, in the clinic's time
    (with the date too when it was not today: either is right at midnight)."""
    at = audit_log.list_events(vault, record_kind=kind, record_id=record_id, limit=1)[0].at
    local = at.replace(tzinfo=at.tzinfo or UTC).astimezone(ZoneInfo(CLINIC_ZONE))
    return {
        f"{who} changed this {words} at {when} — reload to see the changes"
        for when in (local.strftime("%H:%M"), local.strftime("%Y-%m-%d %H:%M"))
    }


@pytest.fixture
def matter_id(vault: Vault) -> int:
    client = clients.add_client(vault, first_name="Rosa", last_name="Cruz").record
    return matters.add_matter(vault, client_id=client.id, kind="initial").record.id


def test_second_save_of_one_matter_is_refused_and_nothing_is_lost(
    vault: Vault, ben: Callable[[], AbstractContextManager[Vault]], matter_id: int
) -> None:
    anas_copy = matters.get_matter(vault, matter_id=matter_id)  # Ana opens the matter
    with ben() as bens_store:  # so does Ben, who saves first
        bens_copy = matters.get_matter(bens_store, matter_id=matter_id)
        assert bens_copy.version == anas_copy.version
        saved = matters.update_matter(
            bens_store, matter_id=matter_id, version=bens_copy.version, status="filed"
        )
        assert saved.record.version == bens_copy.version + 1
    before = dump_tables(vault)

    with pytest.raises(ConflictError) as refused:
        matters.update_matter(
            vault, matter_id=matter_id, version=anas_copy.version, receipt_number="IOE0123456789"
        )

    assert refused.value.message in sentence(vault, BEN, "matter", "matter", matter_id)
    assert (refused.value.kind, refused.value.record_id) == ("matter", matter_id)
    assert dump_tables(vault) == before, "a refused save writes nothing, not even to the log"
    reloaded = matters.get_matter(vault, matter_id=matter_id)
    assert (reloaded.status, reloaded.receipt_number) == ("filed", None)  # Ben's change stands

    # After reloading, Ana's save goes through on top of Ben's.
    again = matters.update_matter(
        vault, matter_id=matter_id, version=reloaded.version, receipt_number="IOE0123456789"
    )
    assert (again.record.status, again.record.receipt_number) == ("filed", "IOE0123456789")
    assert again.record.version == reloaded.version + 1


def test_a_save_without_a_version_reads_and_writes_in_one_transaction(
    vault: Vault, matter_id: int
) -> None:
    matters.update_matter(vault, matter_id=matter_id, status="filed")
    changed = matters.update_matter(vault, matter_id=matter_id, status="receipt")
    assert changed.record.status == "receipt"
    same = matters.update_matter(vault, matter_id=matter_id, status="receipt")
    assert same.changes.empty and same.record.version == changed.record.version


def test_the_database_refuses_a_row_changed_between_read_and_write(
    vault: Vault, ben: Callable[[], AbstractContextManager[Vault]], matter_id: int
) -> None:
    """On a server another person's commit can land after this transaction read the row: the
    UPDATE's own `WHERE version = …` catches it, not only the comparison in Python."""
    from clinic_app.domain.models import Matter

    with ben() as bens_store:
        matters.update_matter(bens_store, matter_id=matter_id, kind="renewal")
    with pytest.raises(ConflictError) as refused, vault.session() as session:
        row = session.get(Matter, matter_id)
        assert row is not None
        # What another connection's commit would do to the row under this transaction.
        session.connection().execute(
            text("UPDATE matter SET version = version + 1 WHERE id = :id"), {"id": matter_id}
        )
        row_versions.apply_changes(
            session, row, {"status": "filed"}, kind="matter", record_id=matter_id
        )
    assert refused.value.message in sentence(vault, BEN, "matter", "matter", matter_id)
    assert matters.get_matter(vault, matter_id=matter_id).status == "intake"


def _records(
    vault: Vault, matter_id: int
) -> list[tuple[str, Callable[..., object], str, Any, dict[str, str]]]:
    """Every kind an editor saves: its update, the update's id keyword, the record as loaded,
    and one changed field."""
    client_id = matters.get_matter(vault, matter_id=matter_id).client_id
    employer = employers.add_employer(vault, name="Acme Farms").record
    site = employers.add_worksite(vault, employer_id=employer.id, city="Salinas").record
    letter = letters.add_letter(vault, agency="DOL-WHD", employer_id=employer.id).record
    grant = matters.add_grant(
        vault, matter_id=matter_id, kind="deferred_action", start="2025-01-01", end="2027-01-01"
    ).record
    notice = matters.add_notice(
        vault, matter_id=matter_id, kind="receipt", occurred_on="2025-02-01"
    ).record
    note = notes.add_note(vault, body="Called the employer.", matter_id=matter_id).record
    client = clients.get_client(vault, client_id=client_id)
    matter = matters.get_matter(vault, matter_id=matter_id)

    return [
        ("client", clients.update_client, "client_id", client, {"phone": "555-0100"}),
        ("matter", matters.update_matter, "matter_id", matter, {"status": "filed"}),
        ("employer", employers.update_employer, "employer_id", employer, {"city": "Salinas"}),
        ("worksite", employers.update_worksite, "worksite_id", site, {"name": "North field"}),
        ("letter", letters.update_letter, "letter_id", letter, {"reference": "SOI-1"}),
        ("grant", matters.update_grant, "grant_id", grant, {"end": "2027-02-01"}),
        ("event", matters.update_notice, "event_id", notice, {"details": "Mailed"}),
        ("note", notes.update_note, "note_id", note, {"body": "Called them twice."}),
    ]


WORDS = {
    "client": "client",
    "matter": "matter",
    "employer": "employer",
    "worksite": "worksite",
    "letter": "agency letter",
    "grant": "grant",
    "event": "notice",
    "note": "note",
}


def test_every_editable_record_refuses_a_save_against_a_changed_row(
    vault: Vault, ben: Callable[[], AbstractContextManager[Vault]], matter_id: int
) -> None:
    for kind, update, id_keyword, loaded, change in _records(vault, matter_id):
        record_id, version = loaded.id, loaded.version
        with ben() as bens_store:
            update(bens_store, **{id_keyword: record_id}, version=version, **change)
        before = dump_tables(vault)
        with pytest.raises(ConflictError) as refused:
            update(vault, **{id_keyword: record_id}, version=version, **change)
        assert refused.value.message in sentence(vault, BEN, WORDS[kind], kind, record_id)
        assert dump_tables(vault) == before, kind


def test_deleting_a_client_someone_changed_is_refused(
    vault: Vault, ben: Callable[[], AbstractContextManager[Vault]]
) -> None:
    loaded = clients.add_client(vault, first_name="Luis", last_name="Vega").record
    with ben() as bens_store:
        clients.update_client(bens_store, client_id=loaded.id, phone="555-0101")
    with pytest.raises(ConflictError):
        clients.delete_client(vault, client_id=loaded.id, version=loaded.version)
    assert clients.get_client(vault, client_id=loaded.id).phone == "555-0101"


def test_the_newest_audit_sequence_moves_with_every_change(vault: Vault, matter_id: int) -> None:
    first = audit_log.newest_sequence(vault)
    assert first == audit_log.list_events(vault, limit=1)[0].id
    matters.update_matter(vault, matter_id=matter_id, status="filed")
    assert audit_log.newest_sequence(vault) > first
    moved = audit_log.newest_sequence(vault)
    matters.update_matter(vault, matter_id=matter_id, status="filed")  # nothing changed
    assert audit_log.newest_sequence(vault) == moved


def test_a_change_from_another_day_names_the_date() -> None:
    today = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
    assert row_versions.local_time(datetime(2026, 3, 2, 17, 42), today) == "09:42"
    assert row_versions.local_time(datetime(2026, 2, 27, 17, 42), today) == "2026-02-27 09:42"


def test_changes_by_others_are_told_from_ones_own(
    vault: Vault, ben: Callable[[], AbstractContextManager[Vault]], matter_id: int
) -> None:
    seen = audit_log.newest_sequence(vault)
    matters.update_matter(vault, matter_id=matter_id, status="filed")  # the store's own person
    assert not audit_log.changed_by_others(vault, after=seen)
    with ben() as bens_store:
        matters.update_matter(bens_store, matter_id=matter_id, status="receipt")
    assert audit_log.changed_by_others(vault, after=seen)
    assert not audit_log.changed_by_others(vault, after=audit_log.newest_sequence(vault))
