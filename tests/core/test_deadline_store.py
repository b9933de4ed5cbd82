"""Stored deadlines stay current through every write path, and the deadline services work."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from clinic_app.deadlines import sync
from clinic_app.deadlines.facts import load_facts
from clinic_app.deadlines.finishing import compute_deadlines
from clinic_app.deadlines.rules import FINGERPRINT_KEY
from clinic_app.domain.models import AuditEvent, Grant, Matter, Setting
from clinic_app.errors import NotFoundError, UserError, ValidationError
from clinic_app.services import clients, demo, matters, staff
from clinic_app.services import deadlines as dl
from clinic_app.services.vault_ops import Vault
from tests.core.helpers import act_as

TODAY = date(2026, 1, 15)


def stored(vault: Vault) -> set[tuple[object, ...]]:
    """(matter, rule, occurrence, due, done reason) of every stored deadline."""
    with vault.reader() as session:
        rows = session.connection().execute(
            text("SELECT matter_id, rule_id, occurrence, due, done_reason FROM deadline")
        )
        return {(m, r, o, date.fromisoformat(str(d)), reason) for m, r, o, d, reason in rows}


def recomputed(vault: Vault) -> set[tuple[object, ...]]:
    """The same, straight from the pure engine over the vault's current facts."""
    with vault.reader() as session:
        conn = session.connection()
        book = sync.rulebook_from(conn)[0]
        facts = load_facts(conn)
    from clinic_app.deadlines.engine import plan_matter

    return {
        (p.matter_id, p.rule_id, p.occurrence, p.due, p.done_reason)
        for f in facts
        for p in plan_matter(f, book)
    }


def audit_actions(vault: Vault) -> list[tuple[str, str, str]]:
    with vault.reader() as session:
        return [
            (e.action, e.actor, e.summary)
            for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))  # type: ignore[arg-type]
        ]


@pytest.fixture
def worker(vault: Vault) -> tuple[int, int]:
    """A client with one granted matter (deferred action and work permit to 2027-03-01)."""
    client = clients.add_client(vault, first_name="Ana", last_name="López").record
    matter = matters.add_matter(vault, client_id=client.id, decision="granted").record
    for kind in ("deferred_action", "work_permit"):
        matters.add_grant(
            vault, matter_id=matter.id, kind=kind, start="2025-03-02", end="2027-03-01"
        )
    return client.id, matter.id


def test_service_writes_keep_deadlines_current(vault: Vault, worker: tuple[int, int]) -> None:
    _client_id, matter_id = worker
    rules = {r for m, r, *_ in stored(vault) if m == matter_id}
    assert rules == {
        "lda.grant_end",
        "lda.work_permit_end",
        "lda.renewal_prep_start",
        "lda.renewal_file_by",
    }
    assert stored(vault) == recomputed(vault)
    # A notice recorded through the service adds its deadlines at once.
    matters.add_event(vault, matter_id=matter_id, kind="rfe", occurred_on="2026-01-05")
    assert {"lda.rfe_response_due", "lda.rfe_internal_target"} <= {r for _m, r, *_ in stored(vault)}
    assert stored(vault) == recomputed(vault)
    # Terminating the grants leaves one urgent review item.
    matters.terminate_grants(vault, matter_id=matter_id, on="2026-01-10")
    assert {r for m, r, *_ in stored(vault) if m == matter_id} == {"lda.termination_review"}
    assert stored(vault) == recomputed(vault)


def test_the_import_and_the_demo_are_covered(sample_vault: Vault) -> None:
    assert stored(sample_vault), "the imported sample has granted matters"
    assert stored(sample_vault) == recomputed(sample_vault)
    demo.fill_demo(sample_vault, clients=150, seed=4, today=TODAY)
    assert stored(sample_vault) == recomputed(sample_vault)
    kinds = {r.split(".")[1] for _m, r, *_ in stored(sample_vault)}
    assert {"grant_end", "termination_review", "biometrics", "rfe_response_due"} <= kinds


def test_direct_session_writes_are_covered_and_rollbacks_leave_nothing(
    vault: Vault, worker: tuple[int, int]
) -> None:
    _client_id, matter_id = worker
    before = stored(vault)
    with pytest.raises(RuntimeError), vault.session() as session:
        grant = session.exec(select(Grant).where(Grant.matter_id == matter_id)).first()
        assert grant is not None
        grant.end = date(2030, 1, 1)
        session.add(grant)
        session.flush()
        raise RuntimeError("abandon the change")
    assert stored(vault) == before
    with vault.session() as session:
        for grant in session.exec(select(Grant).where(Grant.matter_id == matter_id)):
            grant.end = date(2030, 1, 1)
            session.add(grant)
    assert (matter_id, "lda.grant_end", "", date(2030, 1, 1), "") in stored(vault)
    assert stored(vault) == recomputed(vault)


def test_a_deleted_matter_takes_its_deadlines_and_tasks_along(
    vault: Vault, worker: tuple[int, int]
) -> None:
    _client_id, matter_id = worker
    dl.add_task(vault, matter_id=matter_id, due="2026-02-01", title="Call", today=TODAY)
    first = dl.list_deadlines(vault, today=TODAY, matter_id=matter_id)[0]
    dl.mark_done(vault, ref=first.id, today=TODAY)
    with vault.session() as session:
        for grant in session.exec(select(Grant).where(Grant.matter_id == matter_id)):
            session.delete(grant)
        session.flush()
        row = session.get(Matter, matter_id)
        assert row is not None
        session.delete(row)
    assert stored(vault) == set()
    assert dl.list_deadlines(vault, today=TODAY, include_done=True) == []


def test_a_changed_letter_period_reaches_its_matters(sample_vault: Vault) -> None:
    with sample_vault.reader() as session:
        letter_id, matter_id = (
            session.connection()
            .execute(
                text("SELECT agency_letter_id, id FROM matter WHERE agency_letter_id IS NOT NULL")
            )
            .first()
        )  # type: ignore[misc]
    with sample_vault.session() as session:
        row = session.get(Matter, matter_id)
        assert row is not None
        row.kind, row.decision, row.decided_on, row.filed_on = "renewal", None, None, None
        session.add(row)
    from clinic_app.domain.models import AgencyLetter

    with sample_vault.session() as session:
        letter = session.get(AgencyLetter, letter_id)
        assert letter is not None
        letter.period_end = date(2026, 6, 30)
        session.add(letter)
    assert (matter_id, "lda.letter_period_end", "", date(2026, 6, 30), "") in stored(sample_vault)
    assert stored(sample_vault) == recomputed(sample_vault)


def test_stale_deadlines_are_recomputed_before_they_are_read(
    vault: Vault, worker: tuple[int, int]
) -> None:
    with vault.session() as session:
        session.connection().execute(text("DELETE FROM deadline"))
        session.connection().execute(
            text("DELETE FROM setting WHERE key = :key"), {"key": FINGERPRINT_KEY}
        )
    assert stored(vault) == set()
    assert dl.list_deadlines(vault, today=TODAY)
    assert stored(vault) == recomputed(vault)
    assert dl.ensure_current(vault) is False


def test_rule_overrides_are_audited_and_recompute_everything(
    vault: Vault, worker: tuple[int, int]
) -> None:
    _client_id, _matter_id = worker
    rosa = act_as(vault, "Rosa (paralegal)")
    changed = dl.set_rule(vault, rule_id="lda.renewal_file_by", days=150)
    assert changed.record.days == 150
    assert changed.record.overridden == {"days": [120, 150]}
    file_by = [d for d in dl.list_deadlines(vault, today=TODAY) if d.kind == "renewal_file_by"]
    assert [d.due for d in file_by] == [date(2026, 10, 2)]
    assert stored(vault) == recomputed(vault)
    action, actor, summary = audit_actions(vault)[-1]
    assert (action, actor) == ("rule_override", rosa)
    assert "lda.renewal_file_by" in summary and "120 -> 150" in summary
    dl.reset_rule(vault, rule_id="lda.renewal_file_by")
    file_by = [d for d in dl.list_deadlines(vault, today=TODAY) if d.kind == "renewal_file_by"]
    assert [d.due for d in file_by] == [date(2026, 10, 30)]
    assert audit_actions(vault)[-1][0] == "rule_reset"
    with pytest.raises(UserError, match="no rule"):
        dl.set_rule(vault, rule_id="lda.nothing", days=3)
    with pytest.raises(ValidationError):
        dl.set_rule(vault, rule_id="lda.renewal_file_by", days=-1)


def test_overrides_written_through_the_settings_service_also_recompute(
    vault: Vault, worker: tuple[int, int]
) -> None:
    from clinic_app.services import settings

    settings.set_setting(
        vault, key="deadlines.overrides", value={"lda.renewal_prep_start": {"days": 200}}
    )
    prep = [d for d in dl.list_deadlines(vault, today=TODAY) if d.kind == "renewal_prep_start"]
    assert [d.due for d in prep] == [date(2026, 8, 13)]  # 200 days before 2027-03-01


def test_closed_days_move_due_dates(vault: Vault, worker: tuple[int, int]) -> None:
    dl.set_closed_days(vault, add=["2026-10-30"], label="Staff retreat")
    assert dl.closed_days(vault) == {date(2026, 10, 30): "Staff retreat"}
    file_by = [d for d in dl.list_deadlines(vault, today=TODAY) if d.kind == "renewal_file_by"]
    assert [d.due for d in file_by] == [date(2026, 10, 29)]
    dl.set_closed_days(vault, remove=["2026-10-30"])
    file_by = [d for d in dl.list_deadlines(vault, today=TODAY) if d.kind == "renewal_file_by"]
    assert [d.due for d in file_by] == [date(2026, 10, 30)]
    with pytest.raises(NotFoundError):
        dl.set_closed_days(vault, remove=["2026-10-30"])


def test_done_snooze_reopen_with_who_and_when(vault: Vault, worker: tuple[int, int]) -> None:
    rosa = act_as(vault, "Rosa")
    ref = next(
        d.id for d in dl.list_deadlines(vault, today=TODAY) if d.kind == "renewal_prep_start"
    )
    done = dl.mark_done(vault, ref=ref, today=TODAY).record
    assert (done.status, done.done_by, done.done_reason) == ("done", rosa, "marked_done")
    assert ref not in {d.id for d in dl.list_deadlines(vault, today=TODAY)}
    assert ref in {d.id for d in dl.list_deadlines(vault, today=TODAY, include_done=True)}
    # The mark survives a recompute (it is keyed by matter, rule and notice).
    dl.recompute_all(vault)
    assert dl.get_deadline(vault, ref=ref, today=TODAY).status == "done"
    reopened = dl.reopen(vault, ref=ref, today=TODAY).record
    assert reopened.status == "upcoming"
    snoozed = dl.snooze(vault, ref=ref, until="2026-03-01", today=TODAY).record
    assert (snoozed.status, snoozed.snoozed_until) == ("snoozed", date(2026, 3, 1))
    assert ref not in {d.id for d in dl.list_deadlines(vault, today=TODAY, within=400)}
    with pytest.raises(ValidationError):
        dl.snooze(vault, ref=ref, until="2026-01-15", today=TODAY)
    actions = [(a, who, s) for a, who, s in audit_actions(vault) if a.startswith("deadline_")]
    assert actions == [
        ("deadline_done", rosa, "lda.renewal_prep_start"),
        ("deadline_reopen", rosa, "lda.renewal_prep_start"),
        ("deadline_snooze", rosa, "lda.renewal_prep_start until 2026-03-01"),
    ]
    with pytest.raises(NotFoundError):
        dl.mark_done(vault, ref="999-lda.grant_end", today=TODAY)
    with pytest.raises(UserError, match="not a deadline id"):
        dl.mark_done(vault, ref="grant end", today=TODAY)


def test_tasks_with_assignees(vault: Vault, worker: tuple[int, int]) -> None:
    _client_id, matter_id = worker
    rosa = staff.add_staff(vault, name="Rosa").record
    juan = staff.add_staff(vault, name="Juan").record
    matters.update_matter(vault, matter_id=matter_id, assigned_staff_id=juan.id)
    task = dl.add_task(
        vault,
        matter_id=matter_id,
        due="2026-01-20",
        title="Call Ana about her pay stubs",
        today=TODAY,
        assignee_id=rosa.id,
    ).record
    assert (task.kind, task.rule, task.assignee, task.status) == (
        "task",
        "task",
        "Rosa",
        "due_soon",
    )
    mine = dl.list_deadlines(vault, today=TODAY, assignee_id=rosa.id)
    assert [d.id for d in mine] == [task.id]
    assert all(
        d.assignee == "Juan" for d in dl.list_deadlines(vault, today=TODAY, assignee_id=juan.id)
    )
    assert dl.mark_done(vault, ref=task.id, today=TODAY).record.status == "done"
    assert all(d.id != task.id for d in dl.list_deadlines(vault, today=TODAY))
    # The task's text never reaches the audit log.
    assert not any("pay stubs" in s for _a, _w, s in audit_actions(vault))
    with pytest.raises(NotFoundError):
        dl.add_task(vault, matter_id=9999, due="2026-01-20", title="x", today=TODAY)
    with pytest.raises(ValidationError):
        dl.add_task(vault, matter_id=matter_id, due="", title="x", today=TODAY)
    assert dl.staff_id_by_name(vault, name="rosa") == rosa.id
    with pytest.raises(UserError, match="no staff member named 'Pat'"):
        dl.staff_id_by_name(vault, name="Pat")


def test_listing_filters_and_the_dashboard_agree(sample_vault: Vault) -> None:
    demo.fill_demo(sample_vault, clients=120, seed=2, today=TODAY)
    everything = dl.list_deadlines(sample_vault, today=TODAY)
    assert everything == sorted(everything, key=lambda d: (d.due, d.matter_id, d.kind, d.id))
    overdue = dl.list_deadlines(sample_vault, today=TODAY, overdue=True)
    assert overdue and {d.status for d in overdue} == {"overdue"}
    assert {d.id for d in overdue} == {d.id for d in everything if d.status == "overdue"}
    soon = dl.list_deadlines(sample_vault, today=TODAY, within=30)
    assert {d.id for d in soon} == {
        d.id
        for d in everything
        if d.status in ("overdue", "due_soon", "upcoming") and (d.due - TODAY).days <= 30
    }
    board = dl.dashboard(sample_vault, today=TODAY, within=30, limit=10)
    assert board.total == len(soon)
    assert board.counts["overdue"] == len(overdue)
    assert [d.id for d in board.deadlines] == [d.id for d in soon[:10]]
    # The same as the engine computes from the facts, straight.
    with sample_vault.reader() as session:
        conn = session.connection()
        book = sync.rulebook_from(conn)[0]
        names = dl_names(conn)
        facts = load_facts(conn)
    pure = compute_deadlines(facts, book, TODAY, names=names)
    assert [(d.id, d.due, d.status, d.why, d.client) for d in pure if d.status != "done"] == [
        (d.id, d.due, d.status, d.why, d.client) for d in everything
    ]


def test_shorter_horizons_from_one_dashboard_call_match_separate_calls(
    sample_vault: Vault,
) -> None:
    demo.fill_demo(sample_vault, clients=120, seed=4, today=TODAY)
    # Marks and tasks change the counts: some done, some snoozed, a task due this week.
    soon = dl.list_deadlines(sample_vault, today=TODAY, within=30)
    dl.mark_done(sample_vault, ref=soon[0].id, today=TODAY)
    dl.snooze(sample_vault, ref=soon[1].id, until=TODAY + timedelta(days=40), today=TODAY)
    matter_id = soon[2].matter_id
    dl.add_task(
        sample_vault, matter_id=matter_id, due=TODAY + timedelta(days=3), title="call", today=TODAY
    )
    board = dl.dashboard(sample_vault, today=TODAY, within=90, limit=5, also_within=(0, 7, 30))
    for days in (0, 7, 30):
        alone = dl.dashboard(sample_vault, today=TODAY, within=days, limit=0).total
        assert board.total_within[days] == alone, days
    assert board.total_within[7] < board.total_within[30] < board.total


def dl_names(conn: object) -> dict[int, str]:
    from clinic_app.domain.text import full_name

    rows = conn.execute(text("SELECT id, first_name, last_name FROM client"))  # type: ignore[attr-defined]
    return {i: full_name(f, last) for i, f, last in rows}


def test_policy_notes_and_affected_matters(sample_vault: Vault) -> None:
    demo.fill_demo(sample_vault, clients=80, seed=3, today=TODAY)
    report = dl.affected(sample_vault, program="labor-deferred-action", today=TODAY)
    assert report.policy_status == "paused"
    assert report.matters
    for m in report.matters:
        ends = [d for d in (m.grant_end, m.work_permit_end) if d]
        assert m.terminated_on is None
        assert m.decision not in ("denied", "withdrawn", "terminated")
        assert (ends and max(ends) >= TODAY) or (not ends and m.status != "closed")
    with sample_vault.reader() as session:
        terminated = {
            r[0]
            for r in session.connection().execute(
                text('SELECT matter_id FROM "grant" WHERE terminated_on IS NOT NULL')
            )
        }
    assert terminated and not terminated & {m.matter_id for m in report.matters}
    assert sum(report.by_language.values()) == len(report.matters)
    dl.record_policy(
        sample_vault,
        program="labor-deferred-action",
        status="ended",
        on="2026-01-10",
        source="Federal Register notice",
    )
    assert (
        dl.affected(sample_vault, program="labor-deferred-action", today=TODAY).policy_status
        == "ended"
    )
    assert {d.policy_status for d in dl.list_deadlines(sample_vault, today=TODAY)} == {"ended"}
    assert audit_actions(sample_vault)[-1][2] == "labor-deferred-action: ended from 2026-01-10"
    with pytest.raises(UserError, match="no program"):
        dl.affected(sample_vault, program="nothing-here", today=TODAY)


def test_programs_and_rules_are_listed_with_their_sources(vault: Vault) -> None:
    programs = {p.id: p for p in dl.list_programs(vault, today=TODAY)}
    assert {"labor-deferred-action", "daca", "work-permit"} <= set(programs)
    lda = programs["labor-deferred-action"]
    assert (lda.policy_status, lda.policy_since) == ("paused", date(2025, 1, 24))
    assert lda.policy[0].status == "open" and lda.policy[0].date == date(2023, 1, 13)
    for rule in lda.rules:
        assert rule.source and rule.last_checked is not None
    json.dumps([r.overridden for r in lda.rules])
    settings_rows = []
    with vault.reader() as session:
        settings_rows = [s.key for s in session.exec(select(Setting))]
    assert "deadlines.overrides" not in settings_rows


def test_a_full_recompute_leaves_the_schema_as_migrated(
    vault: Vault, worker: tuple[int, int]
) -> None:
    def indexes() -> set[tuple[str, str]]:
        with vault.reader() as session:
            conn = session.connection()
            sql = (
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'deadline'"
                if conn.dialect.name == "sqlite"
                else "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'deadline'"
            )
            return {(name, sql or "") for name, sql in conn.execute(text(sql))}

    before = indexes()
    assert {name for name, _sql in before} >= {"ix_deadline_open", "ix_deadline_matter_id"}
    report = dl.recompute_all(vault)
    assert report.full and report.deadlines == len(stored(vault))
    assert indexes() == before
    with pytest.raises(RuntimeError), vault.session() as session:
        sync.refresh(session.connection())
        raise RuntimeError("abandon after the indexes were dropped and built again")
    assert indexes() == before
