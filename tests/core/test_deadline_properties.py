"""Properties of the engine over any facts: never a deadline without a source rule, never a crash."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinic_app.deadlines.engine import (
    STATUSES,
    MatterFacts,
    Occurrence,
    StaffMark,
    link_renewals,
    plan_matter,
)
from clinic_app.deadlines.finishing import compute_deadlines
from clinic_app.deadlines.rulebook import ClinicRuleSettings, build_rulebook
from clinic_app.domain.vocab import DECISIONS, MATTER_KINDS, MATTER_STATUSES

BOOK = build_rulebook()
OVERRIDDEN = build_rulebook(
    ClinicRuleSettings(
        overrides={"lda.renewal_file_by": {"days": 0}, "lda.rfe_response_due": {"days": 3650}},
        closed_days={"2026-07-02": "closed", "2026-07-06": "closed"},
    )
)
PROGRAMS = ["labor-deferred-action", "daca", "work-permit", "tps", "u-visa"]

# Mostly ordinary dates, sometimes the very first and last ones a date can hold.
dates = st.one_of(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)),
    st.sampled_from([date.min, date.max, date(2028, 2, 29), date(2026, 7, 4)]),
)
maybe = st.none() | dates


@st.composite
def occurrences(draw: st.DrawFn, prefix: str) -> tuple[Occurrence, ...]:
    count = draw(st.integers(0, 3))
    return tuple(
        Occurrence(
            key=f"{prefix}{i}",
            on=draw(maybe),
            mailed=draw(st.booleans()),
            stated_due=draw(maybe),
            answered_on=draw(maybe),
        )
        for i in range(count)
    )


@st.composite
def matter_facts(draw: st.DrawFn, matter_id: int, client_id: int) -> MatterFacts:
    return MatterFacts(
        matter_id=matter_id,
        client_id=client_id,
        program=draw(st.sampled_from(PROGRAMS)),
        kind=draw(st.sampled_from(MATTER_KINDS)),
        status=draw(st.sampled_from(MATTER_STATUSES)),
        decision=draw(st.none() | st.sampled_from(DECISIONS)),
        created_on=draw(maybe),
        filed_on=draw(maybe),
        receipt_on=draw(maybe),
        decided_on=draw(maybe),
        grant_end=draw(maybe),
        work_permit_end=draw(maybe),
        terminated_on=draw(maybe),
        letter_period_end=draw(maybe),
        rfes=draw(occurrences("e")),
        biometrics=draw(occurrences("b")),
    )


@st.composite
def caseloads(draw: st.DrawFn) -> list[MatterFacts]:
    count = draw(st.integers(1, 5))
    return [draw(matter_facts(i + 1, draw(st.integers(1, 3)))) for i in range(count)]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(caseloads(), dates, st.booleans())
def test_every_deadline_comes_from_a_rule_of_its_matters_program(
    matters: list[MatterFacts], today: date, overridden: bool
) -> None:
    book = OVERRIDDEN if overridden else BOOK
    found = compute_deadlines(matters, book, today)
    programs = {m.matter_id: m.program for m in matters}
    for deadline in found:
        rule = book.rule(deadline.rule)  # raises if the rule does not exist
        assert rule in book.pack_for(programs[deadline.matter_id]).rules
        assert deadline.kind == rule.kind
        assert deadline.status in STATUSES
        assert deadline.why
        assert deadline.program == programs[deadline.matter_id]
    assert found == sorted(found, key=lambda d: (d.due, d.matter_id, d.kind, d.id))


@settings(max_examples=300, deadline=None)
@given(caseloads(), dates)
def test_terminated_matters_get_only_the_review(matters: list[MatterFacts], today: date) -> None:
    for facts in link_renewals(matters):
        planned = plan_matter(facts, BOOK)
        kinds = {BOOK.rule(p.rule_id).kind for p in planned}
        if facts.terminated:
            assert kinds <= {"termination_review"}
            if facts.terminated_on is not None:
                assert len(planned) == 1
        else:
            assert "termination_review" not in kinds


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 50), st.sampled_from(PROGRAMS), dates)
def test_a_matter_without_any_date_has_no_deadline(
    matter_id: int, program: str, today: date
) -> None:
    bare = MatterFacts(
        matter_id=matter_id,
        client_id=1,
        program=program,
        rfes=(Occurrence(key="e1"),),
        biometrics=(Occurrence(key="b1"),),
    )
    assert compute_deadlines([bare], BOOK, today) == []


@settings(max_examples=200, deadline=None)
@given(caseloads(), dates, dates)
def test_status_follows_the_day_and_staff_marks(
    matters: list[MatterFacts], today: date, snooze: date
) -> None:
    keys = {p.key for facts in link_renewals(matters) for p in plan_matter(facts, BOOK)}
    snoozed = {key: StaffMark(snoozed_until=snooze) for key in keys}
    for deadline in compute_deadlines(matters, BOOK, today, marks=snoozed):
        if deadline.done_reason:
            assert deadline.status == "done"
        elif snooze > today:
            assert deadline.status == "snoozed"
        elif deadline.due < today:
            assert deadline.status == "overdue"
        else:
            assert deadline.status in ("due_soon", "upcoming")


@settings(max_examples=200, deadline=None)
@given(caseloads())
def test_planning_is_deterministic_and_rolled_dates_are_business_days(
    matters: list[MatterFacts],
) -> None:
    linked = link_renewals(matters)
    for facts in linked:
        first = plan_matter(facts, BOOK)
        assert first == plan_matter(facts, BOOK)
        for planned in first:
            rule = BOOK.rule(planned.rule_id)
            if rule.roll != "none" and planned.due != planned.unrolled:
                assert BOOK.calendar.is_business_day(planned.due)
                assert abs(planned.due - planned.unrolled) < timedelta(days=15)
