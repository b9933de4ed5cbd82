"""Rule packs: the shipped ones are complete and sourced; mistakes in a pack are clear errors."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from clinic_app.deadlines.calendar import BusinessCalendar
from clinic_app.deadlines.packs import load_packs, parse_pack, shipped_pack_files
from clinic_app.deadlines.rulebook import ClinicRuleSettings, build_rulebook
from clinic_app.deadlines.rules import FALLBACK_PROGRAM, KINDS, RulePackError
from clinic_app.resources import resource_path

REQUIRED_KINDS = {
    "grant_end",
    "work_permit_end",
    "renewal_prep_start",
    "renewal_file_by",
    "letter_period_end",
    "rfe_response_due",
    "rfe_internal_target",
    "biometrics",
    "decision_follow_up",
    "termination_review",
}

MINIMAL = """
schema = 1
[program]
id = "test-program"
title = "Test"

[[rules]]
id = "t.grant_end"
kind = "grant_end"
fact = "grant_end"
days = 0
basis = "agency"
message = "Ends"
why = "Ends {fact_date}"
source = "A notice"
last_checked = 2026-01-01
"""


def test_the_shipped_packs_are_found_through_the_resource_helper() -> None:
    names = {p.name for p in shipped_pack_files()}
    assert {"labor-deferred-action.toml", "daca.toml", "work-permit.toml"} <= names
    assert resource_path("rules", "daca.toml").is_file()
    packs, digest = load_packs()
    assert {"labor-deferred-action", "daca", FALLBACK_PROGRAM} <= set(packs)
    assert len(digest) == 64


def test_the_flagship_pack_covers_every_kind_and_cites_sources() -> None:
    packs, _ = load_packs()
    lda = packs["labor-deferred-action"]
    assert {r.kind for r in lda.rules} == REQUIRED_KINDS
    for rule in lda.rules:
        assert rule.source, rule.id
        assert rule.last_checked is not None, rule.id
        assert rule.message and rule.why, rule.id
    by_kind = {r.kind: r for r in lda.rules}
    # Clinic-practice numbers are labelled as such, never as law.
    for kind, days in (("renewal_prep_start", 180), ("renewal_file_by", 120)):
        rule = by_kind[kind]
        assert (rule.days, rule.direction, rule.basis) == (days, "before", "clinic_default")
        assert "not law" in rule.why
    rfe = by_kind["rfe_response_due"]
    assert (rfe.days, rfe.mailed_extra_days, rfe.basis) == (84, 3, "law")
    target = by_kind["rfe_internal_target"]
    assert (target.fact, target.days, target.direction) == ("rfe_response_due", 14, "before")
    assert by_kind["biometrics"].reminders == (7, 1)
    assert by_kind["termination_review"].when == ("terminated",)
    assert by_kind["termination_review"].severity == "critical"


def test_the_flagship_policy_history() -> None:
    packs, _ = load_packs()
    history = [(e.status, e.on) for e in packs["labor-deferred-action"].policy]
    assert history[0] == ("open", date(2023, 1, 13))
    assert ("open", date(2024, 1, 17)) in history
    assert history[-1] == ("paused", date(2025, 1, 24))
    for entry in packs["labor-deferred-action"].policy:
        assert entry.source and entry.last_checked is not None
    summaries = " ".join(e.summary for e in packs["labor-deferred-action"].policy)
    assert "2 years" in summaries and "4 years" in summaries


def test_daca_uses_the_uscis_window() -> None:
    packs, _ = load_packs()
    rules = {r.kind: r for r in packs["daca"].rules}
    assert (rules["renewal_prep_start"].days, rules["renewal_file_by"].days) == (150, 120)
    assert rules["renewal_file_by"].basis == "agency"


def test_every_shipped_rule_id_is_unique_and_prefixed_by_its_pack() -> None:
    packs, _ = load_packs()
    ids = [r.id for p in packs.values() for r in p.rules]
    assert len(ids) == len(set(ids))
    prefixes = {p.program: {r.id.split(".")[0] for r in p.rules} for p in packs.values()}
    assert all(len(found) == 1 for found in prefixes.values())
    assert all(r.kind in KINDS for p in packs.values() for r in p.rules)


def test_a_minimal_pack_parses() -> None:
    pack = parse_pack(MINIMAL, "test.toml")
    assert pack.program == "test-program"
    assert pack.rules[0].roll == "none"
    assert pack.policy == ()


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (('fact = "grant_end"', 'fact = "moon_phase"'), "'fact' must be one of"),
        (('why = "Ends {fact_date}"', 'why = "Ends {client_name}"'), "{client_name}"),
        (("days = 0", "days = -4"), "'days' must be a whole number"),
        (('basis = "agency"', 'basis = "hunch"'), "'basis' must be one of"),
        (('source = "A notice"\n', ""), "'source' must be a non-empty text"),
        (('kind = "grant_end"', 'kind = "task"'), "'kind' must be one of"),
        (('id = "t.grant_end"', 'id = "Grant End"'), "'id' must look like"),
        (("last_checked = 2026-01-01", 'last_checked = "soon"'), "'last_checked' must be a date"),
        (("schema = 1", "schema = 2"), "'schema' must be 1"),
        (("days = 0", 'days = 0\nroll = "sideways"'), "'roll' must be one of"),
        (("days = 0", 'days = 0\ncolour = "red"'), "unknown field colour"),
        (("days = 0", 'days = 0\nwhen = ["sometimes"]'), "'when' has 'sometimes'"),
    ],
)
def test_a_malformed_pack_is_one_clear_sentence(change: tuple[str, str], needle: str) -> None:
    old, new = change
    assert old in MINIMAL
    with pytest.raises(RulePackError) as caught:
        parse_pack(MINIMAL.replace(old, new, 1), "/somewhere/broken.toml")
    message = caught.value.message
    assert message.startswith("Rule pack broken.toml")
    assert needle in message
    assert "\n" not in message


def test_two_rules_of_one_kind_and_unknown_chains_are_refused() -> None:
    twice = MINIMAL + MINIMAL[MINIMAL.index("[[rules]]") :].replace("t.grant_end", "t.again")
    with pytest.raises(RulePackError, match="one rule per kind"):
        parse_pack(twice, "twice.toml")
    chained = MINIMAL.replace('fact = "grant_end"', 'fact = "rfe_response_due"')
    with pytest.raises(RulePackError, match="kind of an earlier rule"):
        parse_pack(chained, "chained.toml")
    with pytest.raises(RulePackError, match="not valid TOML"):
        parse_pack("schema = ", "bad.toml")


def test_packs_with_the_same_program_or_rule_id_are_refused(tmp_path: Path) -> None:
    first = tmp_path / "a.toml"
    second = tmp_path / "b.toml"
    first.write_text(MINIMAL)
    second.write_text(MINIMAL)
    with pytest.raises(RulePackError, match="two packs"):
        load_packs([first, second])
    second.write_text(MINIMAL.replace('id = "test-program"', 'id = "other"'))
    with pytest.raises(RulePackError, match=r"also used in a\.toml"):
        load_packs([first, second])
    second.write_text(
        MINIMAL.replace('id = "test-program"', 'id = "other"').replace("t.grant_end", "o.end")
    )
    with pytest.raises(RulePackError, match="work-permit"):
        load_packs([first, second])


def test_the_shipped_files_are_plain_toml_a_clinic_can_read() -> None:
    for path in shipped_pack_files():
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        assert raw["schema"] == 1
        assert raw["program"]["id"] == path.stem


def test_overrides_closed_days_and_policy_notes() -> None:
    shipped = build_rulebook()
    changed = build_rulebook(
        ClinicRuleSettings(
            overrides={
                "lda.renewal_file_by": {"days": 150},
                "lda.gone": {"days": 3},
                "lda.grant_end": {"days": "soon"},
            },
            closed_days={"2026-12-24": "Closed", "not a day": "?"},
            policy={"daca": [{"status": "ended", "date": "2026-02-01", "source": "court"}]},
        )
    )
    assert changed.rule("lda.renewal_file_by").days == 150
    assert changed.rule("lda.renewal_file_by").overridden == {"days": (120, 150)}
    assert shipped.rule("lda.renewal_file_by").days == 120
    assert changed.rule("lda.grant_end").days == 0
    warnings = " ".join(changed.warnings)
    assert "lda.gone" in warnings and "lda.grant_end" in warnings and "not a day" in warnings
    assert changed.calendar.closed_reason(date(2026, 12, 24)) == "Closed"
    ended = changed.policy_on("daca", date(2026, 3, 1))
    assert ended is not None and ended.status == "ended" and ended.recorded_by_clinic
    assert changed.fingerprint != shipped.fingerprint
    # A policy note alone changes no date, so it does not change the fingerprint.
    noted = build_rulebook(
        ClinicRuleSettings(policy={"daca": [{"status": "ended", "date": "2026-02-01"}]})
    )
    assert noted.fingerprint == shipped.fingerprint
    assert shipped.policy_on("labor-deferred-action", date(2022, 1, 1)) is None


def test_the_business_calendar() -> None:
    calendar = BusinessCalendar({date(2026, 12, 24): "Clinic party"})
    assert calendar.closed_reason(date(2026, 7, 4)) == "Independence Day"
    assert calendar.closed_reason(date(2026, 7, 3)) == "Independence Day (observed)"
    assert calendar.closed_reason(date(2026, 7, 11)) == "Saturday"
    assert calendar.closed_reason(date(2026, 12, 24)) == "Clinic party"
    assert calendar.is_business_day(date(2026, 12, 23))
    assert calendar.roll(date(2026, 12, 25), "previous_business_day") == date(2026, 12, 23)
    assert calendar.roll(date(2026, 12, 24), "next_business_day") == date(2026, 12, 28)
    assert calendar.roll(date(2026, 12, 26), "none") == date(2026, 12, 26)
    # New Year's Day 2028 is a Saturday: Friday 31 December 2027 is the observed holiday.
    assert calendar.closed_reason(date(2027, 12, 31)) == "New Year's Day (observed)"
    every_day = BusinessCalendar(
        {date(2026, 1, 1) + (date(2026, 1, 2) - date(2026, 1, 1)) * i: "x" for i in range(100)}
    )
    assert every_day.roll(date(2026, 2, 1), "next_business_day") == date(2026, 2, 1)


def test_a_broken_pack_is_named_in_the_persons_language() -> None:
    from clinic_app.i18n import set_language

    set_language("es")
    try:
        with pytest.raises(RulePackError) as caught:
            parse_pack(MINIMAL.replace('fact = "grant_end"', 'fact = "nowhere"'), "roto.toml")
        with pytest.raises(RulePackError) as unreadable:
            parse_pack("schema = ", "malo.toml")
    finally:
        set_language("en")
    assert caught.value.message.startswith("Paquete de reglas roto.toml, regla t.grant_end: ")
    assert "debe ser uno de estos" in caught.value.message
    assert unreadable.value.message.startswith("El paquete de reglas malo.toml no es TOML válido")
