"""Calendar export: parsed back with icalendar; stable UIDs; no client names by default."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from clinic_app.deadlines import ics
from clinic_app.errors import UserError
from clinic_app.services import clients, matters, staff
from clinic_app.services import deadlines as dl
from clinic_app.services.vault_ops import Vault
from tests.core.helpers import encodings_of

TODAY = date(2026, 1, 15)
A_NUMBER = "A012345678"
EMPLOYER = "Riverbend Meat Packers"
TASK_TEXT = "Ask Ximena for her pay stubs"


@pytest.fixture
def filled(vault: Vault) -> Vault:
    client = clients.add_client(
        vault, first_name="Ximena", last_name="Quispe Huamán", a_number=A_NUMBER
    ).record
    from clinic_app.services import employers

    employer = employers.add_employer(vault, name=EMPLOYER).record
    paralegal = staff.add_staff(vault, name="Rosa").record
    matter = matters.add_matter(
        vault,
        client_id=client.id,
        decision="granted",
        employer_id=employer.id,
        assigned_staff_id=paralegal.id,
    ).record
    for kind in ("deferred_action", "work_permit"):
        matters.add_grant(
            vault, matter_id=matter.id, kind=kind, start="2025-03-02", end="2027-03-01"
        )
    renewal = matters.add_matter(
        vault,
        client_id=client.id,
        kind="renewal",
        filed_on="2025-12-01",
        assigned_staff_id=paralegal.id,
    ).record
    matters.add_event(vault, matter_id=renewal.id, kind="biometrics", due_on="2026-01-22")
    dl.add_task(vault, matter_id=matter.id, due="2026-01-20", title=TASK_TEXT, today=TODAY)
    return vault


def events(path: Path) -> dict[str, object]:
    calendar = Calendar.from_ical(path.read_bytes())
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_events_parse_back_with_dates_alarms_and_stable_uids(filled: Vault, tmp_path: Path) -> None:
    first, second = tmp_path / "one.ics", tmp_path / "two.ics"
    made = dl.export_calendar(
        filled, out=first, today=TODAY, stamp=datetime(2026, 1, 15, 9, tzinfo=UTC)
    )
    dl.export_calendar(filled, out=second, today=TODAY, stamp=datetime(2026, 1, 16, 9, tzinfo=UTC))
    one, two = events(first), events(second)
    listed = dl.list_deadlines(filled, today=TODAY, include_done=True)
    assert made.events == len(one) == len(listed) >= 6
    assert set(one) == set(two), "exporting again updates the same events"
    assert all(uid.endswith("@clinic-app") for uid in one)
    # The second export is newer, so calendars apply it.
    assert all(int(two[u]["SEQUENCE"]) > int(one[u]["SEQUENCE"]) for u in one)  # type: ignore[index]
    by_summary = {str(e["SUMMARY"]): e for e in one.values()}  # type: ignore[index]
    biometrics = next(e for s, e in by_summary.items() if s.startswith("Biometrics"))
    assert biometrics["DTSTART"].dt == date(2026, 1, 22)  # type: ignore[index]
    assert biometrics["DTEND"].dt == date(2026, 1, 23)  # type: ignore[index]
    triggers = sorted(a["TRIGGER"].dt for a in biometrics.walk("VALARM"))  # type: ignore[attr-defined]
    # A week and a day before, at 9:00.
    assert triggers == [timedelta(days=-7, hours=9), timedelta(days=-1, hours=9)]
    assert "Assigned to: Rosa" in str(biometrics["DESCRIPTION"])  # type: ignore[index]


def test_by_default_no_name_a_number_employer_or_task_text_leaves_the_vault(
    filled: Vault, tmp_path: Path
) -> None:
    out = tmp_path / "deadlines.ics"
    dl.export_calendar(filled, out=out, today=TODAY)
    data = out.read_bytes().lower()
    for secret in ("Ximena", "Quispe", "Huamán", A_NUMBER, "012345678", "Riverbend", "pay stubs"):
        for form in encodings_of(secret):
            assert form not in data, secret
    summaries = [str(e["SUMMARY"]) for e in events(out).values()]  # type: ignore[index]
    assert all("X. Q." in s for s in summaries)
    none = tmp_path / "none.ics"
    dl.export_calendar(filled, out=none, today=TODAY, names="none")
    assert b"X. Q." not in none.read_bytes()
    assert all(
        str(e["SUMMARY"]).endswith("– matter 1") or str(e["SUMMARY"]).endswith("– matter 2")
        for e in events(none).values()
    )  # type: ignore[index]


def test_full_names_only_when_asked(filled: Vault, tmp_path: Path) -> None:
    out = tmp_path / "full.ics"
    dl.export_calendar(filled, out=out, today=TODAY, names="full")
    text = out.read_bytes().decode("utf-8")
    assert "Ximena Quispe Huamán" in text.replace("\r\n ", "")
    assert TASK_TEXT in text.replace("\r\n ", "")
    with pytest.raises(UserError):
        dl.export_calendar(filled, out=out, today=TODAY, names="everything")


def test_done_deadlines_are_cancelled_events(filled: Vault, tmp_path: Path) -> None:
    target = next(d for d in dl.list_deadlines(filled, today=TODAY) if d.kind == "biometrics")
    before = tmp_path / "before.ics"
    dl.export_calendar(filled, out=before, today=TODAY)
    dl.mark_done(filled, ref=target.id, today=TODAY)
    after = tmp_path / "after.ics"
    dl.export_calendar(filled, out=after, today=TODAY)
    uid = ics.event_uid(filled.store_id, target.id)
    assert str(events(before)[uid]["STATUS"]) == "CONFIRMED"  # type: ignore[index]
    cancelled = events(after)[uid]
    assert str(cancelled["STATUS"]) == "CANCELLED"  # type: ignore[index]
    assert list(cancelled.walk("VALARM")) == []  # type: ignore[attr-defined]


def test_uids_differ_between_vaults_and_deadlines() -> None:
    assert ics.event_uid("vault-a", "1-lda.grant_end") == ics.event_uid(
        "vault-a", "1-lda.grant_end"
    )
    assert ics.event_uid("vault-a", "1-lda.grant_end") != ics.event_uid(
        "vault-b", "1-lda.grant_end"
    )
    assert ics.event_uid("vault-a", "1-lda.grant_end") != ics.event_uid(
        "vault-a", "2-lda.grant_end"
    )
    assert ics.initials("José Luis", "Pérez García") == "J. P."
    assert ics.initials("Suharti", "") == "S."
    assert ics.initials("", "") == "?"


def test_the_export_is_in_the_audit_log(filled: Vault, tmp_path: Path) -> None:
    from sqlmodel import col, select

    from clinic_app.domain.models import AuditEvent

    dl.export_calendar(filled, out=tmp_path / "x.ics", today=TODAY, names="initials")
    with filled.reader() as session:
        last = session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc())).first()
    assert last is not None
    assert last.action == "export_calendar"
    assert "names=initials" in last.summary
