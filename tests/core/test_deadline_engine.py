"""The pure deadline engine: dates, rolls over weekends and holidays, statuses, why sentences."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from clinic_app.deadlines.engine import (
    Deadline,
    MatterFacts,
    Occurrence,
    StaffMark,
    TaskFacts,
    plan_matter,
)
from clinic_app.deadlines.finishing import compute_deadlines, status_of
from clinic_app.deadlines.rulebook import ClinicRuleSettings, build_rulebook
from clinic_app.deadlines.rules import RuleBook

TODAY = date(2026, 1, 15)


@pytest.fixture(scope="module")
def book() -> RuleBook:
    return build_rulebook()


def granted(matter_id: int = 1, end: date = date(2027, 3, 1), **extra: object) -> MatterFacts:
    values: dict[str, object] = {
        "matter_id": matter_id,
        "client_id": matter_id,
        "decision": "granted",
        "decided_on": date(2025, 3, 2),
        "filed_on": date(2024, 11, 1),
        "grant_end": end,
        "work_permit_end": end,
    }
    values.update(extra)
    return MatterFacts(**values)  # type: ignore[arg-type]


def by_kind(deadlines: list[Deadline]) -> dict[str, Deadline]:
    found: dict[str, Deadline] = {}
    for deadline in deadlines:
        assert deadline.kind not in found, f"two {deadline.kind} deadlines"
        found[deadline.kind] = deadline
    return found


def test_a_granted_matter_gets_its_grant_dates_and_renewal_targets(book: RuleBook) -> None:
    found = by_kind(compute_deadlines([granted()], book, TODAY, names={1: "Ana López"}))
    assert set(found) == {"grant_end", "work_permit_end", "renewal_prep_start", "renewal_file_by"}
    assert found["grant_end"].due == date(2027, 3, 1)
    assert found["work_permit_end"].due == date(2027, 3, 1)
    # 180 and 120 days before, each moved back to a business day when needed.
    assert found["renewal_prep_start"].due == date(2026, 9, 2)  # a Wednesday
    assert found["renewal_file_by"].due == date(2026, 10, 30)  # 1 Nov 2026 is a Sunday
    assert found["renewal_file_by"].rolled_from == date(2026, 11, 1)
    assert found["grant_end"].client == "Ana López"
    assert all(d.rule.startswith("lda.") for d in found.values())


def test_the_why_sentence_names_the_fact_and_the_clinic_default(book: RuleBook) -> None:
    found = by_kind(compute_deadlines([granted()], book, TODAY))
    prep = found["renewal_prep_start"].why
    assert prep.startswith("Deferred action ends 2027-03-01; the clinic prepares renewals 180 days")
    assert "clinic default, not law" in prep
    assert "Sunday" in found["renewal_file_by"].why
    assert "2026-11-01" in found["renewal_file_by"].why
    assert "not automatically extended" in found["work_permit_end"].why


def test_an_end_already_passed_is_said_in_the_past_in_both_languages(book: RuleBook) -> None:
    ended = granted(end=date(2025, 12, 1))
    found = by_kind(compute_deadlines([ended], book, TODAY, lang="en"))
    assert found["grant_end"].message == "Deferred action ended"
    assert found["grant_end"].why.startswith("Deferred action ended 2025-12-01 (the date on")
    assert found["work_permit_end"].message == "Work permit ended (hard stop)"
    assert found["work_permit_end"].why.startswith("Work permit ended 2025-12-01;")
    es = by_kind(compute_deadlines([ended], book, TODAY, lang="es"))
    assert es["grant_end"].message == "Terminó la acción diferida"
    assert es["work_permit_end"].why.startswith("El permiso de trabajo terminó el 2025-12-01;")
    # The same ends still to come are said as to come; on the day itself too.
    for end in (TODAY, date(2027, 3, 1)):
        coming = by_kind(compute_deadlines([granted(end=end)], book, TODAY, lang="en"))
        assert coming["grant_end"].message == "Deferred action ends"
        assert coming["work_permit_end"].why.startswith(f"Work permit ends {end.isoformat()};")


def test_a_due_date_on_july_4th_moves_before_the_observed_holiday(book: RuleBook) -> None:
    # 120 days before 1 Nov 2026 is Saturday 4 July 2026; Friday 3 July is the observed holiday.
    facts = granted(end=date(2026, 11, 1), work_permit_end=None)
    file_by = by_kind(compute_deadlines([facts], book, TODAY))["renewal_file_by"]
    assert file_by.rolled_from == date(2026, 7, 4)
    assert file_by.due == date(2026, 7, 2)
    assert "Independence Day" in file_by.why


def test_a_due_date_on_a_saturday_moves_to_friday(book: RuleBook) -> None:
    facts = granted(end=date(2026, 11, 29), work_permit_end=None)  # 120 days before: Sat 1 Aug
    file_by = by_kind(compute_deadlines([facts], book, TODAY))["renewal_file_by"]
    assert file_by.rolled_from == date(2026, 8, 1)
    assert file_by.due == date(2026, 7, 31)
    assert file_by.due.weekday() == 4


def test_a_follow_up_on_thanksgiving_moves_to_the_next_business_day(book: RuleBook) -> None:
    facts = MatterFacts(matter_id=1, client_id=1, filed_on=date(2026, 7, 29))  # +120: Thanksgiving
    follow_up = by_kind(compute_deadlines([facts], book, TODAY))["decision_follow_up"]
    assert follow_up.rolled_from == date(2026, 11, 26)
    assert follow_up.due == date(2026, 11, 27)
    assert "Thanksgiving" in follow_up.why


def test_clinic_closed_days_move_dates_too() -> None:
    closed = build_rulebook(ClinicRuleSettings(closed_days={"2026-10-30": "Staff retreat"}))
    file_by = by_kind(compute_deadlines([granted()], closed, TODAY))["renewal_file_by"]
    assert file_by.due == date(2026, 10, 29)
    assert "Staff retreat" in file_by.why


def test_leap_days(book: RuleBook) -> None:
    found = by_kind(compute_deadlines([granted(end=date(2028, 2, 29))], book, TODAY))
    assert found["grant_end"].due == date(2028, 2, 29)
    assert found["renewal_prep_start"].due == date(2027, 9, 2)
    assert found["renewal_file_by"].due == date(2027, 11, 1)
    # An RFE whose 84 days end on 29 February 2028, and one mailed a day earlier.
    facts = MatterFacts(
        matter_id=2,
        client_id=2,
        filed_on=date(2027, 6, 1),
        rfes=(
            Occurrence(key="e1", on=date(2027, 12, 7)),
            Occurrence(key="e2", on=date(2027, 12, 6), mailed=True),
        ),
    )
    rfe = [d for d in compute_deadlines([facts], book, TODAY) if d.kind == "rfe_response_due"]
    assert {d.id: d.due for d in rfe} == {
        "2-lda.rfe_response_due-e1": date(2028, 2, 29),
        "2-lda.rfe_response_due-e2": date(2028, 3, 2),
    }


def test_a_grant_ending_today_is_due_soon_and_overdue_tomorrow(book: RuleBook) -> None:
    day = date(2026, 6, 30)
    facts = granted(end=day)
    on_the_day = by_kind(compute_deadlines([facts], book, day))
    assert on_the_day["grant_end"].status == "due_soon"
    assert on_the_day["work_permit_end"].status == "due_soon"
    after = by_kind(compute_deadlines([facts], book, day + timedelta(days=1)))
    assert after["grant_end"].status == "overdue"


def test_an_expired_grant_keeps_its_end_overdue_and_drops_the_renewal_targets(
    book: RuleBook,
) -> None:
    facts = granted(end=date(2025, 6, 30))
    found = by_kind(compute_deadlines([facts], book, TODAY))
    assert set(found) == {"grant_end", "work_permit_end"}
    assert found["grant_end"].status == "overdue"
    # On the last day of the grant the renewal targets were still shown (and overdue).
    last_day = by_kind(compute_deadlines([facts], book, date(2025, 6, 30)))
    assert last_day["renewal_file_by"].status == "overdue"


def test_a_terminated_grant_gives_one_urgent_review_and_no_renewal_dates(book: RuleBook) -> None:
    facts = granted(terminated_on=date(2025, 12, 1), decision="terminated")
    found = compute_deadlines([facts], book, TODAY)
    assert [d.kind for d in found] == ["termination_review"]
    review = found[0]
    assert review.severity == "critical"
    assert review.status == "overdue"
    assert review.due == date(2025, 12, 1)
    assert "terminated on 2025-12-01" in review.why


def test_a_terminated_decision_without_a_date_uses_no_renewal_rules(book: RuleBook) -> None:
    facts = granted(decision="terminated")
    assert all(d.kind == "termination_review" for d in compute_deadlines([facts], book, TODAY))


def test_a_matter_with_no_dates_has_no_deadlines(book: RuleBook) -> None:
    assert compute_deadlines([MatterFacts(matter_id=1, client_id=1)], book, TODAY) == []
    nothing = MatterFacts(
        matter_id=2,
        client_id=2,
        decision="granted",
        rfes=(Occurrence(key="e1"),),
        biometrics=(Occurrence(key="e2"),),
    )
    assert compute_deadlines([nothing], book, TODAY) == []


def test_rfe_dates_mail_days_stated_dates_and_answers(book: RuleBook) -> None:
    notice = date(2026, 1, 5)
    facts = MatterFacts(
        matter_id=3,
        client_id=3,
        filed_on=date(2025, 10, 1),
        rfes=(
            Occurrence(key="e1", on=notice),
            Occurrence(key="e2", on=notice, mailed=True),
            Occurrence(key="e3", on=notice, stated_due=date(2026, 2, 20)),  # printed, earlier
            Occurrence(key="e4", on=notice, stated_due=date(2026, 6, 1)),  # later: not used
            Occurrence(key="e5", on=notice, answered_on=date(2026, 1, 20)),
        ),
    )
    due = {
        d.id.rsplit("-", 1)[1]: d
        for d in compute_deadlines([facts], book, TODAY)
        if d.kind == "rfe_response_due"
    }
    assert due["e1"].due == date(2026, 3, 30)  # notice + 84 days
    assert due["e2"].due == date(2026, 4, 2)  # + 3 for mail
    assert "sent by mail" in due["e2"].why
    assert due["e3"].due == date(2026, 2, 20)
    assert "gives 2026-02-20" in due["e3"].why
    assert due["e4"].due == date(2026, 3, 30)
    assert due["e5"].status == "done"
    assert due["e5"].done_reason == "answered"
    targets = {
        d.id.rsplit("-", 1)[1]: d
        for d in compute_deadlines([facts], book, TODAY)
        if d.kind == "rfe_internal_target"
    }
    assert targets["e1"].due == date(2026, 3, 16)  # 14 days before the answer is due
    assert targets["e5"].status == "done"


def test_biometrics_reminders_a_week_and_a_day_ahead(book: RuleBook) -> None:
    facts = MatterFacts(
        matter_id=4,
        client_id=4,
        filed_on=date(2025, 12, 1),
        biometrics=(Occurrence(key="e9", on=date(2026, 1, 20)),),
    )
    found = by_kind(compute_deadlines([facts], book, TODAY))
    assert found["biometrics"].due == date(2026, 1, 20)
    assert found["biometrics"].reminders == (7, 1)
    assert found["biometrics"].status == "due_soon"


def test_decision_follow_up_is_done_once_decided(book: RuleBook) -> None:
    pending = MatterFacts(matter_id=5, client_id=5, filed_on=date(2025, 6, 2))
    follow = by_kind(compute_deadlines([pending], book, TODAY))["decision_follow_up"]
    assert follow.status == "overdue"
    assert follow.due == date(2025, 9, 30)
    decided = pending._replace(decision="denied", decided_on=date(2025, 8, 1))
    assert "decision_follow_up" not in by_kind(compute_deadlines([decided], book, TODAY))


def test_a_renewal_matter_completes_the_targets_of_the_grant_it_renews(book: RuleBook) -> None:
    original = granted(matter_id=10, end=date(2026, 5, 1))  # file by 1 Jan 2026
    renewal = MatterFacts(matter_id=11, client_id=10, kind="renewal", created_on=date(2025, 12, 1))
    found = by_kind(
        [d for d in compute_deadlines([original, renewal], book, TODAY) if d.matter_id == 10]
    )
    assert found["renewal_prep_start"].status == "done"
    assert found["renewal_prep_start"].done_reason == "renewal_started"
    assert found["renewal_file_by"].status == "overdue"
    filed = renewal._replace(filed_on=date(2026, 1, 10))
    found = by_kind(
        [d for d in compute_deadlines([original, filed], book, TODAY) if d.matter_id == 10]
    )
    assert found["renewal_file_by"].done_reason == "renewal_filed"
    assert found["grant_end"].status != "done"
    won = filed._replace(decision="granted", grant_end=date(2028, 6, 1))
    found = by_kind(
        [d for d in compute_deadlines([original, won], book, TODAY) if d.matter_id == 10]
    )
    assert found["grant_end"].done_reason == "renewal_granted"
    # A denied renewal continues nothing.
    denied = filed._replace(decision="denied")
    found = by_kind(
        [d for d in compute_deadlines([original, denied], book, TODAY) if d.matter_id == 10]
    )
    assert found["renewal_file_by"].status == "overdue"


def test_letter_period_end_is_for_pending_renewals_only(book: RuleBook) -> None:
    initial = MatterFacts(matter_id=1, client_id=1, letter_period_end=date(2026, 3, 1))
    renewal = initial._replace(matter_id=2, kind="renewal")
    kinds = {(d.matter_id, d.kind) for d in compute_deadlines([initial, renewal], book, TODAY)}
    assert kinds == {(2, "letter_period_end")}
    filed = renewal._replace(filed_on=date(2026, 1, 2))
    found = compute_deadlines([filed], book, TODAY)
    assert [d.status for d in found if d.kind == "letter_period_end"] == ["done"]


def test_staff_marks_done_and_snoozed(book: RuleBook) -> None:
    facts = granted(end=date(2026, 3, 1))
    key = (1, "lda.renewal_file_by", "")
    marks = {
        key: StaffMark(done_at=datetime(2026, 1, 2, tzinfo=UTC), done_by="Rosa"),
        (1, "lda.renewal_prep_start", ""): StaffMark(snoozed_until=date(2026, 1, 20)),
    }
    found = by_kind(compute_deadlines([facts], book, TODAY, marks=marks))
    assert found["renewal_file_by"].status == "done"
    assert found["renewal_file_by"].done_by == "Rosa"
    assert found["renewal_prep_start"].status == "snoozed"
    # A snooze ends on its date: the deadline is overdue again.
    later = by_kind(compute_deadlines([facts], book, date(2026, 1, 20), marks=marks))
    assert later["renewal_prep_start"].status == "overdue"


def test_status_thresholds() -> None:
    assert status_of(date(2026, 1, 14), TODAY, 30) == "overdue"
    assert status_of(TODAY, TODAY, 0) == "due_soon"
    assert status_of(date(2026, 2, 14), TODAY, 30) == "due_soon"
    assert status_of(date(2026, 2, 15), TODAY, 30) == "upcoming"
    assert status_of(date(2025, 1, 1), TODAY, 30, done=True) == "done"
    assert status_of(date(2025, 1, 1), TODAY, 30, snoozed_until=TODAY) == "overdue"


def test_policy_status_is_shown_beside_each_deadline(book: RuleBook) -> None:
    facts = granted()
    before = compute_deadlines([facts], book, date(2024, 12, 1))
    assert {d.policy_status for d in before} == {"open"}
    after = compute_deadlines([facts], book, TODAY)
    assert {d.policy_status for d in after} == {"paused"}
    assert {d.policy_since for d in after} == {date(2025, 1, 24)}


def test_a_policy_change_recorded_by_the_clinic_takes_effect_on_its_date() -> None:
    ended = build_rulebook(
        ClinicRuleSettings(
            policy={
                "labor-deferred-action": [
                    {"status": "ended", "date": "2026-02-01", "source": "Federal Register"}
                ]
            }
        )
    )
    facts = granted()
    assert {d.policy_status for d in compute_deadlines([facts], ended, TODAY)} == {"paused"}
    later = compute_deadlines([facts], ended, date(2026, 2, 1))
    assert {d.policy_status for d in later} == {"ended"}
    assert {d.policy_since for d in later} == {date(2026, 2, 1)}
    # Policy notes label deadlines; they never move them.
    assert [d.due for d in later] == [d.due for d in compute_deadlines([facts], ended, TODAY)]


def test_other_programs_use_their_pack_or_the_work_permit_pack(book: RuleBook) -> None:
    daca = granted(program="daca", end=date(2027, 3, 1))
    found = by_kind(compute_deadlines([daca], book, TODAY))
    assert found["renewal_prep_start"].rule == "daca.renewal_prep_start"
    assert found["renewal_prep_start"].due == date(2026, 10, 2)  # 150 days before (a Friday)
    tps = MatterFacts(matter_id=7, client_id=7, program="tps", work_permit_end=date(2027, 3, 1))
    found = by_kind(compute_deadlines([tps], book, TODAY))
    assert {d.rule for d in found.values()} == {
        "ead.work_permit_end",
        "ead.renewal_prep_start",
        "ead.renewal_file_by",
    }
    assert {d.policy_status for d in found.values()} == {None}
    assert {d.program for d in found.values()} == {"tps"}


def test_a_rule_override_changes_the_dates() -> None:
    later = build_rulebook(
        ClinicRuleSettings(overrides={"lda.renewal_file_by": {"days": 150, "reminders": [3]}})
    )
    file_by = by_kind(compute_deadlines([granted()], later, TODAY))["renewal_file_by"]
    assert file_by.due == date(2026, 10, 2)  # 150 days before 1 March 2027
    assert "150 days" in file_by.why
    assert file_by.reminders == (3,)


def test_tasks_are_deadlines_with_the_rule_task(book: RuleBook) -> None:
    facts = granted()
    task = TaskFacts(
        id=5, matter_id=1, title="Call the employer", due=date(2026, 1, 16), created_by="Rosa"
    )
    found = compute_deadlines([facts], book, TODAY, tasks=[task], staff={})
    tasks = [d for d in found if d.kind == "task"]
    assert [(t.id, t.rule, t.status, t.text) for t in tasks] == [
        ("task-5", "task", "due_soon", "Call the employer")
    ]
    assert found == sorted(found, key=lambda d: (d.due, d.matter_id, d.kind, d.id))


def test_planning_does_not_depend_on_today(book: RuleBook) -> None:
    facts = granted(rfes=(Occurrence(key="e1", on=date(2026, 1, 5)),), decision=None)
    planned = plan_matter(facts, book)
    for today in (date(2020, 1, 1), TODAY, date(2030, 1, 1)):
        assert {(d.rule, d.due) for d in compute_deadlines([facts], book, today)} <= {
            (p.rule_id, p.due) for p in planned
        }
