"""`clinic-app --lang es`: deadline titles, reasons and headings in Spanish; JSON keeps ids."""

from __future__ import annotations

from pathlib import Path

from clinic_app.deadlines.rules import load_packs
from tests.cli.conftest import assert_ok, assert_one_line_error, make_env, run_cli

TODAY = "2026-01-15"


def test_deadlines_in_spanish_say_every_rule_in_spanish(tmp_path: Path) -> None:
    env = make_env(tmp_path / "home")
    folder = tmp_path / "vault"
    assert_ok(run_cli("--vault", folder, "demo", "--clients", "60", "--seed", "7", "--today",
                      TODAY, env=env))  # fmt: skip
    rows = assert_ok(
        run_cli("--vault", folder, "--lang", "es", "deadlines", "--today", TODAY, "--json", env=env)
    ).json()
    plain = assert_ok(
        run_cli("--vault", folder, "--lang", "es", "deadlines", "--today", TODAY, env=env)
    ).stdout
    packs, _ = load_packs()
    rules = {r.id: r for pack in packs.values() for r in pack.rules}
    seen = {row["rule"] for row in rows if row["rule"] in rules}
    assert len(seen) >= 3  # the demo reaches several rules of several packs
    for rule_id in seen:
        rule = rules[rule_id]
        assert rule.translations["es"]["message"] in plain, rule_id
        assert f"  {rule.message}  " not in plain, rule_id
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


def test_an_unknown_language_is_one_sentence_naming_the_choices(tmp_path: Path) -> None:
    run = run_cli("--lang", "xx", "deadlines", env=make_env(tmp_path / "home"))
    assert_one_line_error(run, 2, "--lang xx", "en, es")


def test_rules_show_and_affected_in_spanish_have_no_english_frame(tmp_path: Path) -> None:
    env = make_env(tmp_path / "home")
    folder = tmp_path / "vault"
    assert_ok(run_cli("--vault", folder, "demo", "--clients", "30", "--today", TODAY, env=env))
    shown = assert_ok(
        run_cli("--vault", folder, "--lang", "es", "rules", "show", "--today", TODAY, env=env)
    ).stdout
    header = next(line for line in shown.splitlines() if line.startswith("Regla"))
    assert header.split()[:2] == ["Regla", "Cuándo"]
    assert "120 días antes del fin de la acción diferida" in shown
    assert "en pausa desde el 2025-" in shown and "fuente: " in shown  # the CLI keeps ISO dates
    for english in ("since", "source:", "days before", "business_day", "clinic_default", "Rule "):
        assert english not in shown, english
    affected = assert_ok(
        run_cli("--vault", folder, "--lang", "es", "affected", "--program",
                "labor-deferred-action", "--today", TODAY, env=env)
    ).stdout  # fmt: skip
    assert affected.startswith("Acción diferida por motivos laborales: en pausa desde el ")
    assert "Por idioma preferido: español" in affected
    for english in ("Program ", "open matter", "By preferred language", "Matter  Client"):
        assert english not in affected, english
