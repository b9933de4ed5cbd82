"""`clinic-app today` and `deadlines --json` on a store shaped like a clinic's morning (a vault and
the clinic server)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.cli.conftest import CliTarget, assert_ok, new_target
from tests.core import queue_vault

DAY = queue_vault.TODAY.isoformat()


@dataclass(frozen=True)
class Morning:
    target: CliTarget
    ids: dict[str, int]


@pytest.fixture(scope="module")
def morning(
    cli_store_kind: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Morning]:
    """A store (a vault or a clinic server database) filled through the services, read-only."""
    with new_target(cli_store_kind, tmp_path_factory.mktemp("today"), request) as target:
        with target.open() as store:
            ids = queue_vault.build(store)
        yield Morning(target, ids)


def test_today_json_puts_the_most_serious_first_and_groups_letter_items(
    morning: Morning,
) -> None:
    target, ids = morning.target, morning.ids
    groups = target.json("today", "--today", DAY)
    rows = [(g["tier"], item) for g in groups for item in g["items"]]
    first = [(tier, item.get("deadline_id") or item["group_id"]) for tier, item in rows[:6]]
    assert first == [
        ("terminated", f"{ids['terminated']}-lda.termination_review"),
        ("work_permit_stop", f"{ids['work_permit']}-lda.work_permit_end"),
        ("due_today", "task-1"),
        ("rfe_biometrics", f"{ids['rfe']}-lda.rfe_internal_target-e1"),
        ("rfe_biometrics", f"{ids['rfe']}-lda.rfe_response_due-e1"),
        ("overdue", "task-2"),  # the most recent of the overdue items
    ]
    # The deferred action ending the same day as the work permit is said in its row.
    permit = rows[1][1]
    assert permit["title"] == "Deferred action and work permit end 2026-06-25"
    assert permit["deadline_ids"] == [
        f"{ids['work_permit']}-lda.work_permit_end",
        f"{ids['work_permit']}-lda.grant_end",
    ]
    # 100 letter-period items: three rows, one per agency letter, each with its workers.
    letter_rows = [item for _tier, item in rows if item["kind"] == "letter_period_end"]
    assert len(letter_rows) == 3
    assert all("group_id" in item and "deadline_id" not in item for item in letter_rows)
    # The backup line comes last. A vault with no backup plan is a warning; the clinic server
    # is backed up where it runs (pg_dump), so there is nothing to warn about on a laptop.
    assert groups[-1]["tier"] == "backup"
    [backup] = groups[-1]["items"]
    assert backup["every"] == "off" and backup["last_verified"] is None
    if target.is_vault:
        assert backup["warning"] is True and groups[-1]["count"] == 1
    else:
        assert backup["warning"] is False and groups[-1]["count"] == 0
        assert "backed up on the server" in backup["message"], backup
    assert [len(item["workers"]) for item in letter_rows] == [33, 33, 34]  # latest period first
    assert sum(len(item["workers"]) for item in letter_rows) == 100
    assert letter_rows[-1]["title"] == (
        "Agency letter period ended 2024-03-18 — DOL-WHD, Riverbend Meat Packers (34 workers)"
    )
    assert all(item["late_days"] is None for item in letter_rows)
    # Counts are rows: the 50 tasks, 3 letter rows and the renewal targets of the permit's matter.
    overdue = next(g for g in groups if g["tier"] == "overdue")
    assert overdue["count"] == len(overdue["items"])
    assert [g["tier"] for g in groups][:5] == [
        "terminated",
        "work_permit_stop",
        "due_today",
        "rfe_biometrics",
        "overdue",
    ]


def test_today_text_and_deadlines_json_carry_the_tiers(
    morning: Morning,
) -> None:
    target, ids = morning.target, morning.ids
    text = assert_ok(target.cli("today", "--today", DAY, "--limit", "2"))
    lines = text.stdout.splitlines()
    assert lines[0].startswith(f"Today, {DAY}: 1 terminated grant · 1 work-permit stop")
    if target.is_vault:
        assert lines[1] == "⚠ Automatic backups are off.", text
    else:
        assert lines[1].startswith("The clinic server is backed up on the server"), text
    assert sum("labor-deferred-action" in line for line in lines) == 1  # the policy, once
    assert any(line.startswith("  … and ") for line in lines)
    listed = target.json("deadlines", "--today", DAY)
    assert all("tier" in d for d in listed)
    assert listed[0]["id"] == f"{ids['terminated']}-lda.termination_review"
    assert listed[0]["tier"] == "terminated"
    assert {d["tier"] for d in listed if d["kind"] == "letter_period_end"} == {"overdue"}


def test_today_refuses_bad_input_in_one_sentence(
    morning: Morning,
) -> None:
    target = morning.target
    for args, words in (
        (("--today", "15/15/2026"), "--today"),
        (("--assignee", "Nobody Here"), "staff"),
        (("--limit", "0"), "--limit"),
    ):
        run = target.cli("today", *args)
        assert run.returncode == 1, run
        assert len(run.stderr_lines) == 1 and words in run.stderr, run
