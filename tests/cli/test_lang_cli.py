"""`clinic-app --lang es`: deadline titles, reasons and headings in Spanish; JSON keeps ids. On a
vault and the clinic server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from clinic_app.deadlines.packs import load_packs
from tests.cli.conftest import CliTarget, assert_ok, assert_one_line_error, new_target

TODAY = "2026-01-15"


@pytest.fixture(scope="module")
def demo(
    cli_store_kind: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CliTarget]:
    """A 60-worker demo vault, or demo data on a clinic server database (read-only)."""
    base = tmp_path_factory.mktemp("lang")
    with new_target(cli_store_kind, base, request, vault="named") as target:
        assert_ok(target.cli("demo", "--clients", "60", "--seed", "7", "--today", TODAY))
        yield target


def test_deadlines_in_spanish_say_every_rule_in_spanish(demo: CliTarget) -> None:
    rows = demo.json("--lang", "es", "deadlines", "--today", TODAY)
    plain = assert_ok(demo.cli("--lang", "es", "deadlines", "--today", TODAY)).stdout
    packs, _ = load_packs()
    rules = {r.id: r for pack in packs.values() for r in pack.rules}
    seen = {row["rule"] for row in rows if row["rule"] in rules}
    assert len(seen) >= 3  # the demo reaches several rules of several packs
    for rule_id in seen:
        rule = rules[rule_id]
        # An end already passed is said in the past (message_past) where the rule has it.
        said = [
            rule.translations["es"][n]
            for n in ("message", "message_past")
            if n in rule.translations["es"]
        ]
        assert any(text in plain for text in said), rule_id
        assert f"  {rule.message}  " not in plain, rule_id
        if rule.message_past:
            assert f"  {rule.message_past}  " not in plain, rule_id
    assert plain.splitlines()[0].split()[:3] == ["Vence", "Estado", "Qué"]
    assert "    why:" not in plain and "    motivo: " in plain
    # Statuses are words, never ids; JSON keeps the ids.
    assert {row["status"] for row in rows} <= {"overdue", "due_soon", "upcoming", "done", "snoozed"}
    assert "due_soon" not in plain and "overdue " not in plain
    # A date moved off a weekend says so in one Spanish sentence, the day named in Spanish.
    moved = [line for line in plain.splitlines() if "se movió del" in line]
    assert moved and not any(
        "moved from" in line or "Sunday" in line for line in plain.splitlines()
    )
    assert any("(sábado)" in line or "(domingo)" in line for line in moved)


def test_an_unknown_language_is_one_sentence_naming_the_choices(demo: CliTarget) -> None:
    assert_one_line_error(demo.cli("--lang", "xx", "deadlines"), 2, "--lang xx", "en, es")


def test_rules_show_and_affected_in_spanish_have_no_english_frame(demo: CliTarget) -> None:
    shown = assert_ok(demo.cli("--lang", "es", "rules", "show", "--today", TODAY)).stdout
    header = next(line for line in shown.splitlines() if line.startswith("Regla"))
    assert header.split()[:2] == ["Regla", "Cuándo"]
    assert "120 días antes del fin de la acción diferida" in shown
    assert "en pausa desde el 2025-" in shown and "fuente: " in shown  # the CLI keeps ISO dates
    for english in ("since", "source:", "days before", "business_day", "clinic_default", "Rule "):
        assert english not in shown, english
    affected = assert_ok(
        demo.cli("--lang", "es", "affected", "--program", "labor-deferred-action", "--today", TODAY)
    ).stdout
    assert affected.startswith("Acción diferida por motivos laborales: en pausa desde el ")
    assert "Por idioma preferido: español" in affected
    for english in ("Program ", "open matter", "By preferred language", "Matter  Client"):
        assert english not in affected, english


def test_errors_on_a_store_are_in_spanish(demo: CliTarget) -> None:
    """A refused command on either store speaks the chosen language, naming the flag as typed."""
    line = assert_one_line_error(demo.cli("--lang", "es", "client", "99999"), 1, "99999")
    assert "No existe" in line and "There is no" not in line, line
    assert_one_line_error(
        demo.cli("--lang", "es", "deadlines", "--today", "2026-13-01"), 1, "--today"
    )
