"""Services: validation before writing, unique A-numbers, events moving matters, change-sets, audit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from clinic_app.errors import NotFoundError, ValidationError
from clinic_app.services import (
    audit_log,
    clients,
    employers,
    files,
    letters,
    matters,
    notes,
    settings,
    staff,
)
from clinic_app.services.changes import (
    CLIENT,
    EMPLOYER,
    EVENT,
    FILE,
    GRANT,
    LETTER,
    MATTER,
    NOTE,
    SETTING,
    STAFF,
    ChangeSet,
)
from clinic_app.services.vault_ops import Vault
from tests.core.helpers import dump_tables


def _audit_count(vault: Vault) -> int:
    return len(audit_log.list_events(vault, limit=100_000))


@pytest.fixture
def matter_id(vault: Vault) -> int:
    client = clients.add_client(vault, first_name="Rosa", last_name="Cruz").record
    employer = employers.add_employer(vault, name="Acme Farms").record
    return matters.add_matter(vault, client_id=client.id, employer_id=employer.id).record.id


# -- clients ---------------------------------------------------------------------------------


def test_add_client_normalizes_and_reports_the_change(vault: Vault) -> None:
    changed = clients.add_client(
        vault,
        first_name="  Ana Lucía ",
        last_name="Hernández López",
        a_number="a-12-345-678",
        date_of_birth="03/04/1990",
        preferred_languages=["Spanish", "mam"],
        other_names="Lucy\n\n  Ana H. ",
        email=" ana@example.org ",
    )
    record = changed.record
    assert changed.changes == ChangeSet.of(CLIENT, record.id)
    assert changed.changes.touches(CLIENT) and not changed.changes.touches(MATTER)
    assert record.first_name == "Ana Lucía"
    assert record.a_number == "A012345678"
    assert record.date_of_birth == date(1990, 3, 4)
    assert record.preferred_languages == ("es", "mam")
    assert record.other_names == ("Lucy", "Ana H.")
    assert record.email == "ana@example.org"
    assert record.full_name == "Ana Lucía Hernández López"
    assert clients.get_client(vault, client_id=record.id) == record


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"a_number": "A12"}, "A-number"),
        ({"date_of_birth": "2023-02-30"}, "date of birth"),
        ({"date_of_birth": (date.today() + timedelta(days=2)).isoformat()}, "date of birth"),
        ({"email": "not an email"}, "email"),
        ({"preferred_languages": "Elvish"}, "preferred language"),
        ({"first_name": "", "last_name": " "}, "name"),
        ({"favourite_colour": "blue"}, "favourite_colour"),
    ],
)
def test_add_client_refuses_bad_fields_and_writes_nothing(
    vault: Vault, fields: dict[str, str], field: str
) -> None:
    before = dump_tables(vault)
    values = {"first_name": "Ana", **fields}
    with pytest.raises(ValidationError) as info:
        clients.add_client(vault, **values)  # type: ignore[arg-type]
    assert info.value.field == field
    assert str(info.value).startswith(f"{field}: ")
    assert dump_tables(vault) == before


def test_update_client_with_bad_a_number_writes_nothing(vault: Vault) -> None:
    record = clients.add_client(vault, first_name="Ana", a_number="A012345678").record
    before = dump_tables(vault)
    with pytest.raises(ValidationError) as info:
        clients.update_client(vault, client_id=record.id, a_number="A-12-34", phone="555-0100")
    assert info.value.field == "A-number"
    assert dump_tables(vault) == before
    assert clients.get_client(vault, client_id=record.id) == record


def test_duplicate_a_number_is_refused_in_any_spelling(vault: Vault) -> None:
    first = clients.add_client(vault, first_name="Ana", a_number="A012345678").record
    before = dump_tables(vault)
    with pytest.raises(ValidationError) as info:
        clients.add_client(vault, first_name="Other", a_number="12-345-678")
    assert info.value.field == "A-number"
    assert f"client {first.id}" in info.value.problem
    assert dump_tables(vault) == before
    second = clients.add_client(vault, first_name="Luis", a_number="A987654321").record
    with pytest.raises(ValidationError, match="A-number"):
        clients.update_client(vault, client_id=second.id, a_number="A 012 345 678")
    # Setting a client's own A-number again, or clearing it, is fine.
    clients.update_client(vault, client_id=first.id, a_number="012345678")
    assert clients.update_client(vault, client_id=second.id, a_number="").record.a_number is None


def test_update_client_changes_and_audits_field_names_only(vault: Vault) -> None:
    record = clients.add_client(
        vault, first_name="Ana", last_name="Lopez", a_number="A012345678"
    ).record
    changed = clients.update_client(
        vault,
        client_id=record.id,
        last_name="Zamora-Quispe",
        phone="555-867-5309",
        a_number="A-012-345-678",
    )
    assert changed.changes == ChangeSet.of(CLIENT, record.id)
    assert changed.record.last_name == "Zamora-Quispe"
    assert changed.record.updated_at >= record.updated_at
    [event] = audit_log.list_events(vault, record_kind=CLIENT, record_id=record.id, limit=1)
    assert event.action == "update"
    assert event.summary == "fields: last_name, phone"  # the A-number did not really change
    assert "Zamora" not in event.summary and "867" not in event.summary


def test_update_without_a_change_is_an_empty_change_set(vault: Vault) -> None:
    record = clients.add_client(vault, first_name="Ana").record
    events = _audit_count(vault)
    changed = clients.update_client(vault, client_id=record.id, first_name=" Ana ")
    assert changed.changes.empty
    assert _audit_count(vault) == events


def test_update_cannot_blank_both_names(vault: Vault) -> None:
    record = clients.add_client(vault, first_name="Ana").record
    with pytest.raises(ValidationError, match="name"):
        clients.update_client(vault, client_id=record.id, first_name="")
    assert clients.get_client(vault, client_id=record.id).first_name == "Ana"


def test_missing_records_are_not_found(vault: Vault) -> None:
    with pytest.raises(NotFoundError):
        clients.get_client(vault, client_id=404)
    with pytest.raises(NotFoundError):
        clients.update_client(vault, client_id=404, first_name="X")
    with pytest.raises(NotFoundError):
        matters.add_matter(vault, client_id=404)
    with pytest.raises(NotFoundError):
        matters.add_event(vault, matter_id=404, kind="filed")


def test_delete_client_with_matters_is_refused(vault: Vault, matter_id: int) -> None:
    client_id = matters.get_matter(vault, matter_id=matter_id).client_id
    with pytest.raises(ValidationError, match="close them"):
        clients.delete_client(vault, client_id=client_id)
    assert clients.count_clients(vault) == 1
    lone = clients.add_client(vault, first_name="Lone").record
    assert clients.delete_client(vault, client_id=lone.id) == ChangeSet.of(CLIENT, lone.id)
    with pytest.raises(NotFoundError):
        clients.get_client(vault, client_id=lone.id)
    assert clients.count_clients(vault, search_text="lone") == 0
    assert audit_log.list_events(vault, limit=1)[0].action == "delete"


def test_delete_client_with_notes(vault: Vault) -> None:
    lone = clients.add_client(vault, first_name="Lone").record
    notes.add_note(vault, client_id=lone.id, body="called")
    assert clients.delete_client(vault, client_id=lone.id) == ChangeSet.of(CLIENT, lone.id)
    with pytest.raises(NotFoundError):
        clients.get_client(vault, client_id=lone.id)
    assert notes.list_notes(vault, client_id=lone.id) == []


def test_list_clients_sorting_and_paging(vault: Vault) -> None:
    for first, last in (("Carla", "Zeta"), ("Ana", "Alfa"), ("Beto", "Mu")):
        clients.add_client(vault, first_name=first, last_name=last)
    assert [c.last_name for c in clients.list_clients(vault)] == ["Alfa", "Mu", "Zeta"]
    assert [
        c.first_name for c in clients.list_clients(vault, order_by="first_name", descending=True)
    ] == ["Carla", "Beto", "Ana"]
    assert [c.last_name for c in clients.list_clients(vault, offset=1, limit=1)] == ["Mu"]


def test_list_rows_carry_the_latest_employer_and_first_language(vault: Vault) -> None:
    worker = clients.add_client(
        vault,
        first_name="Ana",
        last_name="Alfa",
        preferred_languages="es, en",
        date_of_birth="1990-02-03",
    ).record
    clients.add_client(vault, first_name="Beto", last_name="Mu")
    old = employers.add_employer(vault, name="Old Farm").record
    new = employers.add_employer(vault, name="New Plant").record
    matters.add_matter(vault, client_id=worker.id, employer_id=old.id)
    matters.add_matter(vault, client_id=worker.id, employer_id=new.id)
    matters.add_matter(vault, client_id=worker.id)  # the newest matter has no employer
    for rows in (clients.list_clients(vault), clients.list_clients(vault, search_text="alfa")):
        ana = next(r for r in rows if r.id == worker.id)
        assert (ana.employer, ana.preferred_language) == ("New Plant", "es")
        assert ana.date_of_birth == date(1990, 2, 3)
    beto = next(r for r in clients.list_clients(vault) if r.first_name == "Beto")
    assert (beto.employer, beto.preferred_language, beto.date_of_birth) == ("", "", None)


# -- matters and events ---------------------------------------------------------------------


@pytest.mark.parametrize(("mailed", "days"), [(False, 84), (True, 87)])
def test_rfe_without_due_date_gets_the_regulatory_one(
    vault: Vault, matter_id: int, mailed: bool, days: int
) -> None:
    changed = matters.add_event(
        vault, matter_id=matter_id, kind="RFE", occurred_on="03/01/2024", mailed=mailed
    )
    assert changed.record.due_on == date(2024, 3, 1) + timedelta(days=days)
    assert changed.record.kind == "rfe"
    assert changed.changes.kinds == frozenset({EVENT, MATTER})
    assert changed.changes.ids_of(MATTER) == {matter_id}
    assert matters.get_matter(vault, matter_id=matter_id).status == "rfe"


def test_rfe_with_a_due_date_keeps_it(vault: Vault, matter_id: int) -> None:
    event = matters.add_event(
        vault, matter_id=matter_id, kind="rfe", occurred_on="2024-03-01", due_on="2024-04-15"
    ).record
    assert event.due_on == date(2024, 4, 15)


def test_event_validation_writes_nothing(vault: Vault, matter_id: int) -> None:
    before = dump_tables(vault)
    with pytest.raises(ValidationError, match="notice date"):
        matters.add_event(vault, matter_id=matter_id, kind="rfe")
    with pytest.raises(ValidationError, match="appointment date"):
        matters.add_event(vault, matter_id=matter_id, kind="biometrics", occurred_on="2024-01-01")
    with pytest.raises(ValidationError) as info:
        matters.add_event(
            vault, matter_id=matter_id, kind="rfe", occurred_on="2024-03-01", due_on="2024-02-01"
        )
    assert info.value.field == "due date"
    with pytest.raises(ValidationError, match="event kind"):
        matters.add_event(vault, matter_id=matter_id, kind="party")
    assert dump_tables(vault) == before


def test_events_move_a_matter_forward_never_back(vault: Vault, matter_id: int) -> None:
    assert matters.get_matter(vault, matter_id=matter_id).status == "intake"
    matters.add_event(vault, matter_id=matter_id, kind="filed", occurred_on="2024-01-02")
    matter = matters.get_matter(vault, matter_id=matter_id)
    assert (matter.status, matter.filed_on) == ("filed", date(2024, 1, 2))
    matters.add_event(
        vault, matter_id=matter_id, kind="biometrics", occurred_on="2024-02-01", due_on="2024-02-15"
    )
    assert matters.get_matter(vault, matter_id=matter_id).status == "biometrics"
    matters.add_event(
        vault, matter_id=matter_id, kind="decision", occurred_on="2024-05-01", decision="granted"
    )
    matter = matters.get_matter(vault, matter_id=matter_id)
    assert (matter.status, matter.decision, matter.decided_on) == (
        "decision",
        "granted",
        date(2024, 5, 1),
    )
    # A late-recorded notice does not move the matter back.
    matters.add_event(vault, matter_id=matter_id, kind="receipt", occurred_on="2024-01-20")
    assert matters.get_matter(vault, matter_id=matter_id).status == "decision"
    kinds = [e.kind for e in matters.list_events(vault, matter_id=matter_id)]
    assert kinds == ["filed", "receipt", "biometrics", "decision"]


def test_receipt_event_records_the_receipt_number(vault: Vault, matter_id: int) -> None:
    matters.add_event(
        vault,
        matter_id=matter_id,
        kind="receipt",
        occurred_on="2024-01-20",
        receipt_number="ioe-0123456789",
    )
    assert matters.get_matter(vault, matter_id=matter_id).receipt_number == "IOE0123456789"


def test_termination_event_terminates_grants(vault: Vault, matter_id: int) -> None:
    da = matters.add_grant(
        vault, matter_id=matter_id, kind="deferred_action", start="2024-01-01", end="2027-12-31"
    )
    assert da.changes.kinds == frozenset({GRANT, MATTER})
    wp = matters.add_grant(
        vault, matter_id=matter_id, kind="work permit", start="2024-01-01", end="2027-12-31"
    ).record
    assert wp.category == "c14"
    changed = matters.add_event(
        vault, matter_id=matter_id, kind="termination", occurred_on="2025-02-10"
    )
    assert changed.changes.kinds == frozenset({EVENT, MATTER, GRANT})
    grants = matters.list_grants(vault, matter_id=matter_id)
    assert {g.terminated_on for g in grants} == {date(2025, 2, 10)}
    matter = matters.get_matter(vault, matter_id=matter_id)
    assert (matter.status, matter.decision) == ("closed", "terminated")
    assert matter.terminated_on == date(2025, 2, 10)


def test_terminate_grants_leaves_earlier_terminations(vault: Vault, matter_id: int) -> None:
    first = matters.add_grant(
        vault, matter_id=matter_id, kind="deferred_action", start="2024-01-01", end="2026-01-01"
    ).record
    matters.terminate_grants(vault, matter_id=matter_id, on="2024-06-01")
    second = matters.add_grant(
        vault, matter_id=matter_id, kind="work_permit", start="2024-01-01", end="2026-01-01"
    ).record
    changes = matters.terminate_grants(vault, matter_id=matter_id, on="2025-01-01")
    assert changes.ids_of(GRANT) == {second.id}
    by_id = {g.id: g.terminated_on for g in matters.list_grants(vault, matter_id=matter_id)}
    assert by_id == {first.id: date(2024, 6, 1), second.id: date(2025, 1, 1)}


def test_a_termination_leaves_a_grant_that_had_already_ended_as_ended(
    vault: Vault, matter_id: int
) -> None:
    """A termination notice dated after a grant's end does not make that grant 'terminated'
    (Today's urgent review, the affected lists and letters would call it cancelled)."""
    old = matters.add_grant(
        vault, matter_id=matter_id, kind="work_permit", start="2023-01-01", end="2025-01-01"
    ).record
    live = matters.add_grant(
        vault, matter_id=matter_id, kind="deferred_action", start="2024-01-01", end="2026-01-01"
    ).record
    changes = matters.terminate_grants(vault, matter_id=matter_id, on="2025-06-01")
    assert changes.ids_of(GRANT) == {live.id}
    by_id = {g.id: g.terminated_on for g in matters.list_grants(vault, matter_id=matter_id)}
    assert by_id == {old.id: None, live.id: date(2025, 6, 1)}


def test_grant_dates_in_the_wrong_order_are_refused(vault: Vault, matter_id: int) -> None:
    with pytest.raises(ValidationError) as info:
        matters.add_grant(
            vault, matter_id=matter_id, kind="deferred_action", start="2025-01-01", end="2024-12-31"
        )
    assert info.value.field == "deferred action end"
    assert matters.list_grants(vault, matter_id=matter_id) == []


def test_matter_fields_are_validated(vault: Vault, matter_id: int) -> None:
    with pytest.raises(ValidationError, match="receipt number"):
        matters.update_matter(vault, matter_id=matter_id, receipt_number="IOE123")
    with pytest.raises(ValidationError, match="decided on"):
        matters.update_matter(
            vault, matter_id=matter_id, filed_on="2024-05-01", decided_on="2024-04-01"
        )
    with pytest.raises(NotFoundError):
        matters.update_matter(vault, matter_id=matter_id, employer_id=999)
    matter = matters.get_matter(vault, matter_id=matter_id)
    assert (matter.receipt_number, matter.filed_on, matter.decided_on) == (None, None, None)
    changed = matters.update_matter(vault, matter_id=matter_id, status="Attorney Review")
    assert changed.record.status == "attorney_review"
    assert changed.changes == ChangeSet.of(MATTER, matter_id)


def test_letter_counts_its_matters(vault: Vault) -> None:
    employer = employers.add_employer(vault, name="Acme Farms", state="ca").record
    assert employer.state == "CA"
    letter = letters.add_letter(
        vault,
        agency="DOL-WHD",
        employer_id=employer.id,
        date_issued="06/15/2023",
        period_start="2022-01-01",
        period_end="2024-12-31",
    )
    assert letter.changes == ChangeSet.of(LETTER, letter.record.id)
    for name in ("Ana", "Luis"):
        client = clients.add_client(vault, first_name=name).record
        matter = matters.add_matter(
            vault, client_id=client.id, agency_letter_id=letter.record.id
        ).record
        assert matter.employer_id == employer.id  # taken from the letter
    [listed] = letters.list_letters(vault)
    assert listed.matter_count == 2 and listed.date_issued == date(2023, 6, 15)
    with pytest.raises(ValidationError, match="letter period end"):
        letters.add_letter(
            vault,
            agency="OSHA",
            employer_id=employer.id,
            period_start="2024-01-01",
            period_end="2023-01-01",
        )


def test_other_change_sets_name_their_kinds(vault: Vault, matter_id: int) -> None:
    client_id = matters.get_matter(vault, matter_id=matter_id).client_id
    assert notes.add_note(vault, client_id=client_id, body="hi").changes.kinds == {NOTE}
    assert employers.add_employer(vault, name="B Co").changes.kinds == {EMPLOYER}
    assert staff.add_staff(vault, name="Paula", role="attorney").changes.kinds == {STAFF}
    assert files.store_bytes(vault, data=b"x", filename="x.txt").changes.kinds == {FILE}
    assert settings.set_setting(vault, key="clinic.name", value="Centro").kinds == {SETTING}
    assert settings.get_setting(vault, key="clinic.name") == "Centro"


# -- audit -------------------------------------------------------------------------------------


def test_audit_summaries_hold_no_client_data(vault: Vault, matter_id: int) -> None:
    secret_bits = [
        "Zamora",
        "Quispe",
        "A555444333",
        "555444333",
        "LIN0001112223",
        "needs pay stubs",
        "Acme",
        "Rosa",
        "Cruz",
        "secret note",
        "555-0199",
    ]
    client_id = matters.get_matter(vault, matter_id=matter_id).client_id
    clients.update_client(
        vault,
        client_id=client_id,
        last_name="Zamora Quispe",
        a_number="A555444333",
        phone="555-0199",
    )
    matters.update_matter(vault, matter_id=matter_id, receipt_number="LIN0001112223")
    matters.add_event(
        vault, matter_id=matter_id, kind="rfe", occurred_on="2024-03-01", details="needs pay stubs"
    )
    notes.add_note(vault, matter_id=matter_id, body="secret note")
    events = audit_log.list_events(vault, limit=1000)
    assert events, "nothing was audited"
    for event in events:
        for bit in secret_bits:
            assert bit.lower() not in event.summary.lower(), (event, bit)
    actions = {(e.action, e.record_kind) for e in events}
    assert {
        ("create", CLIENT),
        ("update", CLIENT),
        ("create", MATTER),
        ("update", MATTER),
        ("create", EVENT),
        ("create", NOTE),
        ("create", EMPLOYER),
    } <= actions
    assert all(e.actor == "tester" for e in events)
