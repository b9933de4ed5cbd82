"""The deadline commands as a subprocess, on both stores (a vault and the clinic server): the JSON
contract, calendars, reports, rules, marks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from icalendar import Calendar

from clinic_app.deadlines.urgency import TIERS
from tests.cli.conftest import CliTarget, Run, assert_ok, assert_one_line_error, new_target, run_cli
from tests.cli.stores import own_copy

TODAY = "2026-01-15"
CONTRACT = {"matter_id", "client_id", "client", "kind", "due", "status", "rule", "why"}
STATUSES = {"overdue", "due_soon", "upcoming", "done", "snoozed"}


@pytest.fixture(scope="module")
def demo_vault(
    cli_store_kind: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CliTarget]:
    """120 demo workers built around TODAY (read-only for the tests that share it)."""
    with new_target(cli_store_kind, tmp_path_factory.mktemp("deadlines-cli"), request) as target:
        assert_ok(run_cli(*target.place, "demo", "--clients", "120", "--seed", "7",
                          "--today", TODAY, env=target.env))  # fmt: skip
        yield target


own_vault = own_copy("demo_vault")  # a copy a test may change


def attempt(vault: CliTarget, *args: str | Path) -> Run:
    return run_cli(*vault.place, *args, env=vault.env)


def cli(vault: CliTarget, *args: str | Path) -> Run:
    return assert_ok(attempt(vault, *args))


def as_rosa(vault: CliTarget) -> tuple[list[str], str]:
    """The options for a run by Rosa, and whom the audit log names for it: --as in a vault; the
    clinic server names its login (and refuses --as)."""
    return (["--as", "Rosa"], "Rosa") if vault.kind == "vault" else ([], vault.actor)


def deadlines_json(vault: CliTarget, *args: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = cli(vault, "deadlines", "--today", TODAY, "--json", *args).json()
    return data


@pytest.fixture(scope="module")
def listed(demo_vault: CliTarget) -> list[dict[str, Any]]:
    """`deadlines --json` of the shared demo vault, as printed."""
    return deadlines_json(demo_vault)


def test_the_json_contract(listed: list[dict[str, Any]]) -> None:
    rows = listed
    assert rows, "a demo vault has deadlines"
    for row in rows:
        assert set(row) >= CONTRACT, row
        assert row["status"] in STATUSES - {"done"}
        assert row["rule"] and row["why"] and row["client"]
        date.fromisoformat(row["due"])
    # In Today's order of urgency: tier by tier (those outside the queue last).
    order = [tier.key for tier in TIERS] + ["later"]
    ranks = [order.index(row["tier"]) for row in rows]
    assert ranks == sorted(ranks)
    assert {row["status"] for row in rows} >= {"overdue", "upcoming"}
    assert {row["policy_status"] for row in rows} == {"paused"}


def test_within_overdue_and_assignee_filters(
    demo_vault: CliTarget, listed: list[dict[str, Any]]
) -> None:
    everything = listed
    horizon = (date.fromisoformat(TODAY) + timedelta(days=30)).isoformat()
    within = deadlines_json(demo_vault, "--within", "30")
    assert {r["id"] for r in within} == {
        r["id"] for r in everything if r["due"] <= horizon and r["status"] != "snoozed"
    }
    overdue = deadlines_json(demo_vault, "--overdue")
    assert overdue and {r["status"] for r in overdue} == {"overdue"}
    assert all(r["due"] < TODAY for r in overdue)
    name = everything[0]["assignee"]
    assert name
    mine = deadlines_json(demo_vault, "--assignee", name.upper())
    assert mine and {r["assignee"] for r in mine} == {name}
    assert len(mine) < len(everything)
    error = attempt(demo_vault, "deadlines", "--assignee", "Nobody Here")
    assert_one_line_error(error, 1, "no staff member named 'Nobody Here'")
    bad_day = attempt(demo_vault, "deadlines", "--today", "2026-13-01")
    assert_one_line_error(bad_day, 1, "--today")


def test_the_human_listing_says_why(demo_vault: CliTarget) -> None:
    out = cli(demo_vault, "deadlines", "--today", TODAY, "--within", "14").stdout
    assert out.splitlines()[0].split() == [
        "Due",
        "Status",
        "What",
        "Client",
        "Matter",
        "Assigned",
        "ID",
    ]
    assert "    why: " in out
    assert "program is paused since 2025-01-24" in out


def test_calendar_export_is_stable_and_initials_only(
    demo_vault: CliTarget, listed: list[dict[str, Any]], tmp_path: Path
) -> None:
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    done = cli(demo_vault, "deadlines", "--today", TODAY, "--ics", first)
    assert "client names: initials" in done.stdout
    cli(demo_vault, "deadlines", "--today", TODAY, "--ics", second, "--ics-names", "initials")
    one = {str(e["UID"]) for e in Calendar.from_ical(first.read_bytes()).walk("VEVENT")}
    two = {str(e["UID"]) for e in Calendar.from_ical(second.read_bytes()).walk("VEVENT")}
    assert one and one == two
    names = {r["client"] for r in listed}
    data = first.read_bytes().decode("utf-8").replace("\r\n ", "")
    assert not [n for n in names if n in data]
    full = tmp_path / "full.ics"
    run = assert_ok(
        attempt(demo_vault, "deadlines", "--today", TODAY, "--ics", full, "--ics-names", "full")
    )
    assert "full client names" in run.stderr
    assert [n for n in names if n in full.read_bytes().decode("utf-8").replace("\r\n ", "")]


def test_affected_lists_open_matters_of_a_program(demo_vault: CliTarget) -> None:
    rows = cli(
        demo_vault, "affected", "--program", "labor-deferred-action", "--today", TODAY, "--json"
    ).json()
    assert rows
    for row in rows:
        assert {"matter_id", "client_id", "client", "preferred_language", "policy_status"} <= set(
            row
        )
        assert row["terminated_on"] is None
        assert row["policy_status"] == "paused"
    error = attempt(demo_vault, "affected", "--program", "nope")
    assert_one_line_error(error, 1, "no program 'nope'")


def test_the_weekly_report(demo_vault: CliTarget, tmp_path: Path) -> None:
    out = tmp_path / "weekly.docx"
    run = cli(demo_vault, "report", "deadlines", "--out", out, "--today", TODAY)
    assert "Wrote the deadline report" in run.stdout
    document = Document(str(out))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert any("Overdue (" in h for h in headings)
    assert document.tables[0].rows[0].cells[0].text == "Assignee"
    bad = attempt(demo_vault, "report", "deadlines", "--out", tmp_path / "x.pdf")
    assert_one_line_error(bad, 1, ".docx")


def test_rules_show_and_override(own_vault: CliTarget) -> None:
    shown = cli(own_vault, "rules", "show", "--json").json()
    programs = {p["id"]: p for p in shown["programs"]}
    rule = next(
        r for r in programs["labor-deferred-action"]["rules"] if r["id"] == "lda.renewal_file_by"
    )
    assert (rule["days"], rule["basis"], rule["overridden"]) == (120, "clinic_default", {})
    assert rule["source"] and rule["last_checked"]
    before = {
        r["id"]: r["due"] for r in deadlines_json(own_vault) if r["kind"] == "renewal_file_by"
    }
    assert before
    rosa, actor = as_rosa(own_vault)
    run = cli(own_vault, *rosa, "rules", "set", "lda.renewal_file_by", "--days", "150")
    assert "150 days before the end of deferred action" in run.stdout
    after = {
        r["id"]: r["due"]
        for r in deadlines_json(own_vault, "--all")
        if r["kind"] == "renewal_file_by"
    }
    for ref, due in before.items():
        assert date.fromisoformat(after[ref]) < date.fromisoformat(due) - timedelta(days=25)
    audit = cli(own_vault, "audit", "--json", "--limit", "5").json()
    assert any(
        e["action"] == "rule_override"
        and e["actor"] == actor
        and "lda.renewal_file_by" in e["summary"]
        for e in audit
    )
    shown = cli(own_vault, "rules", "show", "--json", "--program", "labor-deferred-action").json()
    rule = next(r for r in shown["programs"][0]["rules"] if r["id"] == "lda.renewal_file_by")
    assert rule["overridden"] == {"days": [120, 150]}
    cli(own_vault, "rules", "set", "lda.renewal_file_by", "--reset")
    restored = {
        r["id"]: r["due"] for r in deadlines_json(own_vault) if r["kind"] == "renewal_file_by"
    }
    assert restored == before
    error = attempt(own_vault, "rules", "set", "lda.nothing", "--days", "3")
    assert_one_line_error(error, 1, "no rule 'lda.nothing'")


def test_done_snooze_and_tasks(own_vault: CliTarget) -> None:
    rosa, actor = as_rosa(own_vault)
    first = deadlines_json(own_vault, "--overdue")[0]
    done = cli(own_vault, *rosa, "deadline", "done", first["id"], "--today", TODAY, "--json").json()
    assert (done["status"], done["done_by"]) == ("done", actor)
    assert first["id"] not in {r["id"] for r in deadlines_json(own_vault)}
    assert first["id"] in {r["id"] for r in deadlines_json(own_vault, "--all")}
    second = deadlines_json(own_vault, "--overdue")[0]
    snoozed = cli(
        own_vault,
        "deadline",
        "snooze",
        second["id"],
        "--until",
        "2026-02-01",
        "--today",
        TODAY,
        "--json",
    ).json()
    assert snoozed["status"] == "snoozed"
    assert second["id"] not in {r["id"] for r in deadlines_json(own_vault, "--overdue")}
    task = cli(
        own_vault,
        "task",
        "add",
        "--matter",
        str(first["matter_id"]),
        "--due",
        "2026-01-20",
        "--today",
        TODAY,
        "--json",
        "Call",
        "the",
        "worker",
    ).json()
    assert (task["kind"], task["rule"], task["text"], task["status"]) == (
        "task",
        "task",
        "Call the worker",
        "due_soon",
    )
    listed = {r["id"]: r for r in deadlines_json(own_vault, "--within", "7")}
    assert listed[task["id"]]["client"] == first["client"]
    cli(own_vault, "task", "done", task["id"].split("-")[1])
    assert task["id"] not in {r["id"] for r in deadlines_json(own_vault)}
    audit = cli(own_vault, "audit", "--json", "--limit", "10").json()
    actions = {e["action"] for e in audit}
    assert {"deadline_done", "deadline_snooze", "create"} <= actions
    assert not any("worker" in e["summary"].lower() for e in audit)
    missing = attempt(own_vault, "deadline", "done", "99999-lda.grant_end")
    assert_one_line_error(missing, 1, "no deadline 99999-lda.grant_end")
    past = attempt(
        own_vault, "deadline", "snooze", second["id"], "--until", "2026-01-01", "--today", TODAY
    )
    assert_one_line_error(past, 1, "after today")


def test_policy_change_and_closed_days(own_vault: CliTarget) -> None:
    run = cli(
        own_vault,
        "rules",
        "policy",
        "labor-deferred-action",
        "--status",
        "ended",
        "--date",
        "2026-01-10",
        "--source",
        "Federal Register notice",
    )
    assert "affected --program labor-deferred-action" in run.stdout
    assert {r["policy_status"] for r in deadlines_json(own_vault)} == {"ended"}
    closed = cli(
        own_vault, "rules", "closed", "--add", "2026-12-24", "--label", "Clinic party", "--json"
    ).json()
    assert closed == {"2026-12-24": "Clinic party"}
    assert all(
        r["due"] != "2026-12-24" or r["rolled_from"] is None for r in deadlines_json(own_vault)
    )
