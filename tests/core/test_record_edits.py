"""Editing every record that can be added: fields checked, nothing written on an error, audit
entries naming the fields, deadlines following the new dates, and what makes a demo vault."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from clinic_app.errors import NotFoundError, ValidationError
from clinic_app.services import audit_log, clients, demo, employers, letters, matters, notes, staff
from clinic_app.services import deadlines as deadline_service
from clinic_app.services.changes import EVENT, GRANT, LETTER, MATTER, NOTE, WORKSITE
from clinic_app.services.vault_ops import Vault
from tests.core.helpers import dump_tables

TODAY = date(2026, 1, 15)


def _due(vault: Vault, matter_id: int, kind: str) -> list[date]:
    found = deadline_service.list_deadlines(
        vault, today=TODAY, matter_id=matter_id, include_done=True
    )
    return sorted(d.due for d in found if d.kind == kind)


def _last_audit(vault: Vault) -> tuple[str, str, int | None, str]:
    event = audit_log.list_events(vault, limit=1)[0]
    return event.action, event.record_kind, event.record_id, event.summary


@pytest.fixture
def setup(vault: Vault) -> dict[str, int]:
    client = clients.add_client(vault, first_name="Rosa", last_name="Cruz").record
    employer = employers.add_employer(vault, name="Acme Farms").record
    site = employers.add_worksite(vault, employer_id=employer.id, city="Salinas", state="ca")
    letter = letters.add_letter(
        vault,
        agency="DOL-WHD",
        employer_id=employer.id,
        date_issued="2025-06-01",
        period_start="2025-06-01",
        period_end="2027-06-01",
    ).record
    matter = matters.add_matter(
        vault, client_id=client.id, kind="renewal", agency_letter_id=letter.id
    ).record
    return {
        "client": client.id,
        "employer": employer.id,
        "worksite": site.record.id,
        "letter": letter.id,
        "matter": matter.id,
    }


def test_matter_under_a_letter_takes_its_employer(vault: Vault, setup: dict[str, int]) -> None:
    record = matters.get_matter(vault, matter_id=setup["matter"])
    assert record.employer_id == setup["employer"]
    assert _due(vault, setup["matter"], "letter_period_end") == [date(2027, 6, 1)]


def test_a_worksite_of_another_employer_is_refused(vault: Vault, setup: dict[str, int]) -> None:
    other = employers.add_employer(vault, name="Other Foods").record
    site = employers.add_worksite(vault, employer_id=other.id, city="Fresno", state="CA").record
    before = dump_tables(vault)
    with pytest.raises(ValidationError) as caught:
        matters.add_matter(
            vault, client_id=setup["client"], agency_letter_id=setup["letter"], worksite_id=site.id
        )
    assert caught.value.field == "worksite"
    with pytest.raises(ValidationError):
        matters.update_matter(vault, matter_id=setup["matter"], worksite_id=site.id)
    assert dump_tables(vault) == before


def test_update_grant_moves_its_deadlines(vault: Vault, setup: dict[str, int]) -> None:
    grant = matters.add_grant(
        vault,
        matter_id=setup["matter"],
        kind="deferred-action",
        start="2025-01-01",
        end="2027-01-01",
    ).record
    assert _due(vault, setup["matter"], "grant_end") == [date(2027, 1, 1)]
    changed = matters.update_grant(vault, grant_id=grant.id, end="2028-01-03")
    assert changed.record.end == date(2028, 1, 3)
    assert changed.changes.touches(GRANT, MATTER)
    assert _due(vault, setup["matter"], "grant_end") == [date(2028, 1, 3)]
    assert _last_audit(vault) == ("update", GRANT, grant.id, "fields: end")
    unchanged = matters.update_grant(vault, grant_id=grant.id, end="2028-01-03")
    assert unchanged.changes.empty


def test_update_grant_checks_before_writing(vault: Vault, setup: dict[str, int]) -> None:
    grant = matters.add_grant(
        vault, matter_id=setup["matter"], kind="work_permit", start="2025-01-01", end="2027-01-01"
    ).record
    before = dump_tables(vault)
    with pytest.raises(ValidationError) as caught:
        matters.update_grant(vault, grant_id=grant.id, end="2024-12-31")
    assert caught.value.field == "work permit end"
    with pytest.raises(ValidationError) as caught:
        matters.update_grant(vault, grant_id=grant.id, start="31/12/2024")
    assert "YYYY-MM-DD or MM/DD/YYYY" in caught.value.problem
    with pytest.raises(NotFoundError):
        matters.update_grant(vault, grant_id=999, end="2030-01-01")
    assert dump_tables(vault) == before


def test_update_notice_moves_the_rfe_deadline(vault: Vault, setup: dict[str, int]) -> None:
    rfe = matters.add_notice(
        vault, matter_id=setup["matter"], kind="rfe", occurred_on="2026-01-05"
    ).record
    assert rfe.due_on == date(2026, 1, 5) + timedelta(days=84)
    changed = matters.update_notice(vault, event_id=rfe.id, due_on="2026-03-02", details="mailed")
    assert changed.record.due_on == date(2026, 3, 2)
    assert changed.changes.touches(EVENT, MATTER)
    assert _due(vault, setup["matter"], "rfe_response_due") == [date(2026, 3, 2)]
    assert _last_audit(vault) == ("update", EVENT, rfe.id, "fields: details, due_on")


def test_update_notice_keeps_the_rules_of_its_kind(vault: Vault, setup: dict[str, int]) -> None:
    bio = matters.add_notice(
        vault,
        matter_id=setup["matter"],
        kind="biometrics",
        occurred_on="2026-01-02",
        due_on="2026-02-01",
    ).record
    before = dump_tables(vault)
    with pytest.raises(ValidationError) as caught:
        matters.update_event(vault, event_id=bio.id, due_on="")
    assert caught.value.field == "appointment date"
    with pytest.raises(ValidationError) as caught:
        matters.update_event(vault, event_id=bio.id, due_on="2025-12-01")
    assert caught.value.field == "due date"
    assert dump_tables(vault) == before


def test_update_worksite_letter_and_note(vault: Vault, setup: dict[str, int]) -> None:
    site = employers.update_worksite(vault, worksite_id=setup["worksite"], city=" Watsonville ")
    assert site.record.city == "Watsonville" and site.record.state == "CA"
    assert site.changes.ids_of(WORKSITE) == {setup["worksite"]}
    assert _last_audit(vault) == ("update", WORKSITE, setup["worksite"], "fields: city")

    letter = letters.update_letter(
        vault, letter_id=setup["letter"], period_end="2027-09-30", reference=" WHD-1 "
    )
    assert letter.record.period_end == date(2027, 9, 30) and letter.record.reference == "WHD-1"
    assert letter.changes.ids_of(LETTER) == {setup["letter"]}
    assert _due(vault, setup["matter"], "letter_period_end") == [date(2027, 9, 30)]

    note = notes.add_note(vault, client_id=setup["client"], body="Called back").record
    edited = notes.update_note(vault, note_id=note.id, body="Called back; prefers mornings")
    assert edited.record.body == "Called back; prefers mornings"
    assert edited.record.author == note.author and edited.record.created_at == note.created_at
    assert edited.changes.ids_of(NOTE) == {note.id}


def test_bad_letter_and_note_edits_write_nothing(vault: Vault, setup: dict[str, int]) -> None:
    other = employers.add_employer(vault, name="Other Foods").record
    far = employers.add_worksite(vault, employer_id=other.id, city="Fresno", state="CA").record
    note = notes.add_note(vault, client_id=setup["client"], body="First call").record
    before = dump_tables(vault)
    for call, field in (
        (
            lambda: letters.update_letter(
                vault, letter_id=setup["letter"], period_end="2020-01-01"
            ),
            "letter period end",
        ),
        (lambda: letters.update_letter(vault, letter_id=setup["letter"], agency=" "), "agency"),
        (
            lambda: letters.update_letter(vault, letter_id=setup["letter"], worksite_id=far.id),
            "worksite",
        ),
        (lambda: notes.update_note(vault, note_id=note.id, body="  "), "note"),
    ):
        with pytest.raises(ValidationError) as caught:
            call()
        assert caught.value.field == field
    assert dump_tables(vault) == before


def test_staff_names_are_unique_ignoring_case(vault: Vault) -> None:
    staff.add_staff(vault, name="Dana Rivera", role="attorney")
    before = dump_tables(vault)
    with pytest.raises(ValidationError) as caught:
        staff.add_staff(vault, name="dana rivera ", role="paralegal")
    assert caught.value.field == "staff name"
    assert dump_tables(vault) == before


def test_a_demo_vault_stops_being_one_when_a_person_adds_a_client(vault: Vault) -> None:
    assert not demo.is_demo_vault(vault)
    demo.fill_demo(vault, clients=3, seed=2, today=TODAY)
    assert demo.is_demo_vault(vault)
    matters.add_notice(vault, matter_id=1, kind="receipt", occurred_on="2026-01-02")
    assert demo.is_demo_vault(vault)  # notices on invented workers are still invented
    clients.add_client(vault, first_name="Someone", last_name="Typed")
    assert not demo.is_demo_vault(vault)
