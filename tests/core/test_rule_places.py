"""Rules that depend on where a client lives: the 2025 DACA pack, a Texas client, a move."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from clinic_app.deadlines.packs import load_packs, parse_pack
from clinic_app.deadlines.rules import RulePackError
from clinic_app.domain.places import normalize_state, state_from_address
from clinic_app.errors import ValidationError
from clinic_app.services import clients, matters, rule_status
from clinic_app.services import deadlines as dl
from clinic_app.services.vault_ops import Vault
from tests.core.helpers import granted_daca
from tests.core.test_rules_packs import MINIMAL

TODAY = date(2026, 11, 30)
RENEWAL = "daca.work_permit_renewal"


def test_the_daca_pack_carries_the_2025_entries_with_sources_and_both_languages() -> None:
    daca = load_packs()[0]["daca"]
    by_day = {(e.on, e.where): e for e in daca.policy}
    for day in (date(2025, 1, 17), date(2025, 3, 11), date(2025, 9, 29)):
        entry = by_day[(day, ())]
        assert entry.source and entry.last_checked == date(2026, 11, 30)
        assert "es" in entry.translations
    texas = by_day[(date(2025, 3, 11), ("TX",))]
    assert "Texas" in texas.summary and "Texas" in texas.translations["es"]["summary"]
    # Where only a secondary source could be read, or a court has not ruled, the entry says so.
    assert "Secondary source" in by_day[(date(2025, 1, 17), ())].summary
    assert "PENDING the court's order" in by_day[(date(2025, 9, 29), ())].summary
    assert "NOT checked" in by_day[(date(2025, 9, 29), ())].source
    rules = {r.id: r for r in daca.rules}
    assert rules[RENEWAL].except_ == ("TX",)
    assert "150 and 120" in rules["daca.renewal_prep_start"].why
    for rule in daca.rules:
        assert {"message", "why"} <= set(rule.translations["es"]), rule.id
    assert daca.review_by is not None and daca.last_checked is not None
    assert (daca.review_by - daca.last_checked).days == 90


@pytest.mark.parametrize(
    ("address", "state"),
    [
        ("200 Example Ave\nSpringfield, IL 62701", "IL"),
        ("1 Main St\nEl Paso, Texas 79901", "TX"),
        ("4 Calle Sol\nLas Cruces, New Mexico", "NM"),
        ("12 Rue\nMexico City, Mexico", ""),
        ("", ""),
        ("Apartment 3\nPortland, OR", "OR"),
    ],
)
def test_the_state_is_read_from_an_address(address: str, state: str) -> None:
    assert state_from_address(address) == state


def test_a_state_is_a_code_or_a_name() -> None:
    assert normalize_state("texas") == normalize_state("tx") == "TX"
    assert normalize_state("New Mexico") == normalize_state("nm") == "NM"
    with pytest.raises(ValidationError) as caught:
        normalize_state("Tejas del Norte")
    assert "two-letter code" in caught.value.problem


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        ('where = ["ZZ"]', "'where' has 'ZZ'"),
        ('except = ["TX"]', "needs 'not_here'"),
        ('where = ["TX"]\nexcept = ["NM"]\nnot_here = "x"', "not both"),
    ],
)
def test_place_fields_are_checked(extra: str, needle: str) -> None:
    with pytest.raises(RulePackError) as caught:
        parse_pack(MINIMAL.replace("days = 0", "days = 0\n" + extra), "places.toml")
    assert needle in caught.value.message


@pytest.fixture
def texas_daca(vault: Vault) -> tuple[int, int]:
    """A DACA recipient in Texas, card and grant ending 2027-06-30."""
    made = granted_daca(
        vault, first_name="Rosa", last_name="Garza", address="9 Elm St\nAustin, TX 78701"
    )
    assert clients.get_client(vault, client_id=made[0]).state == "TX"
    return made


def _rules(vault: Vault, matter_id: int) -> set[str]:
    return {
        d.rule
        for d in dl.list_deadlines(vault, today=TODAY, matter_id=matter_id, include_done=True)
    }


def test_a_texas_client_has_no_work_permit_renewal_and_a_move_brings_it_back(
    vault: Vault, texas_daca: tuple[int, int]
) -> None:
    client_id, matter_id = texas_daca
    assert RENEWAL not in _rules(vault, matter_id)
    assert {"daca.renewal_file_by", "daca.work_permit_end"} <= _rules(vault, matter_id)
    notes = rule_status.place_notes(vault, matter_id=matter_id)
    assert [n.rule_id for n in notes] == [RENEWAL]
    assert "Texas" in notes[0].text and "2025-03-11" in notes[0].text
    spanish = rule_status.place_notes(vault, matter_id=matter_id, lang="es")
    assert "residentes de Texas" in spanish[0].text
    # Texas policy entries label the Texas client's deadlines.
    shown = dl.list_deadlines(vault, today=TODAY, matter_id=matter_id)
    assert {d.policy_since for d in shown} == {date(2025, 9, 29)}
    report = dl.affected(vault, program="daca", today=TODAY)
    (row,) = report.matters
    assert row.state == "TX" and "Texas" in row.not_here[0]
    # The client moves to New Mexico: the deadline comes back at once, with its date.
    clients.update_client(vault, client_id=client_id, state="New Mexico")
    assert RENEWAL in _rules(vault, matter_id)
    due = {d.rule: d.due for d in dl.list_deadlines(vault, today=TODAY, matter_id=matter_id)}
    assert due[RENEWAL] == date(2027, 6, 30) - timedelta(days=120) == due["daca.renewal_file_by"]
    assert rule_status.place_notes(vault, matter_id=matter_id) == []
    assert dl.affected(vault, program="daca", today=TODAY).matters[0].not_here == ()
    # Back to Texas by a new address alone.
    clients.update_client(vault, client_id=client_id, address="3 Oak Rd\nHouston, TX 77002")
    assert RENEWAL not in _rules(vault, matter_id)


def test_a_client_whose_state_is_unknown_keeps_every_date(vault: Vault) -> None:
    client = clients.add_client(vault, first_name="Luis", last_name="Mora").record
    assert client.state == ""
    matter = matters.add_matter(
        vault, client_id=client.id, program="daca", decision="granted"
    ).record
    matters.add_grant(
        vault, matter_id=matter.id, kind="work_permit", start="2025-06-30", end="2027-06-30"
    )
    assert RENEWAL in _rules(vault, matter.id)
    assert rule_status.place_notes(vault, client_id=client.id) == []


def test_stale_packs_are_reported_after_their_review_date(vault: Vault) -> None:
    packs = load_packs()[0]
    daca = packs["daca"]
    assert daca.review_by is not None
    on_the_day = rule_status.stale_packs(vault, today=daca.review_by)
    assert "daca" not in {s.program for s in on_the_day}
    later = rule_status.stale_packs(vault, today=date(2099, 1, 1))
    assert {s.program for s in later} == set(packs)
    line = next(s.line for s in later if s.program == "daca")
    assert line == (
        f"The {daca.title} rules were last checked on {daca.last_checked}; "
        "have an attorney confirm them."
    )


def test_the_weekly_report_names_a_stale_pack(
    vault: Vault, texas_daca: tuple[int, int], tmp_path: Path
) -> None:
    from clinic_app.documents.engine import read_text
    from clinic_app.services import reports

    daca = load_packs()[0]["daca"]
    line = rule_status.stale_line(daca.title, daca.last_checked)
    out = tmp_path / "report.docx"
    reports.deadline_report(vault, out=out, today=date(2027, 3, 1))
    assert line in "\n".join(read_text(out.read_bytes()))
    reports.deadline_report(vault, out=out, today=date(2026, 12, 1))
    assert line not in "\n".join(read_text(out.read_bytes()))
