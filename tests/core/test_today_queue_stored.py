"""Today's queue, read from the columns stored at recompute time, equals the queue worked out
from every open deadline of random vaults, before and after the changes that move items."""

from __future__ import annotations

import tempfile
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from clinic_app.deadlines import urgency
from clinic_app.deadlines.engine import TASK_SOON_DAYS
from clinic_app.services import clients, employers, letters, matters, staff
from clinic_app.services import deadlines as dl
from clinic_app.services.vault_ops import Vault, create_vault
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.core import queue_vault
from tests.core.helpers import fuzz

START = date(2026, 3, 2)
PROGRAMS = ("labor-deferred-action", "work-permit", "daca")
offsets = st.integers(-500, 120)

matter_specs = st.fixed_dictionaries(
    {
        "program": st.sampled_from(PROGRAMS),
        "kind": st.sampled_from(("initial", "renewal")),
        "status": st.sampled_from(("intake", "filed", "decision", "closed")),
        "decision": st.sampled_from((None, None, "granted", "denied", "withdrawn")),
        "letter": st.none() | st.integers(0, 2),
        "grant_end": st.none() | offsets,
        # Often the same day as the grant's end (one row for both), sometimes another day.
        "permit_end": st.sampled_from(("same", "same", None)) | offsets,
        "rfe": st.none() | st.integers(-120, 0),
        "staff": st.booleans(),
        "task": st.none() | offsets,
    }
)
changes = st.lists(
    st.tuples(
        st.integers(0, 9),
        st.sampled_from(("terminate", "close", "reopen", "deny", "done", "snooze", "unletter")),
    ),
    max_size=6,
)


def _build(vault: Vault, specs: list[dict[str, Any]], letter_ends: list[int]) -> list[int]:
    paralegal = staff.add_staff(vault, name="Dana Rivera").record.id
    employer = employers.add_employer(vault, name="Riverbend Meat Packers").record.id
    letter_ids = [
        letters.add_letter(
            vault,
            agency="DOL-WHD",
            employer_id=employer,
            period_start=START + timedelta(days=end - 365),
            period_end=START + timedelta(days=end),
        ).record.id
        for end in letter_ends
    ]
    ids = []
    for n, spec in enumerate(specs):
        client = clients.add_client(vault, first_name="Ana", last_name=f"Worker{n:02d}").record.id
        letter = None if spec["letter"] is None else letter_ids[spec["letter"]]
        matter = matters.add_matter(
            vault,
            client_id=client,
            program=spec["program"],
            kind=spec["kind"],
            status=spec["status"],
            decision=spec["decision"],
            agency_letter_id=letter,
            employer_id=employer if letter is not None else None,
            assigned_staff_id=paralegal if spec["staff"] else None,
        ).record.id
        ids.append(matter)
        end = spec["grant_end"]
        if end is not None:
            day = START + timedelta(days=end)
            matters.add_grant(
                vault, matter_id=matter, kind="deferred_action", start="2020-01-01", end=day
            )
        permit = spec["permit_end"]
        if permit == "same":
            permit = end
        if permit is not None:
            day = START + timedelta(days=permit)
            matters.add_grant(
                vault, matter_id=matter, kind="work_permit", start="2020-01-01", end=day
            )
        if spec["rfe"] is not None:
            on = START + timedelta(days=spec["rfe"])
            matters.add_event(vault, matter_id=matter, kind="rfe", occurred_on=on)
        if spec["task"] is not None:
            due = START + timedelta(days=spec["task"])
            dl.add_task(vault, matter_id=matter, due=due, title="Call back", today=START)
    return ids


def _change(vault: Vault, matter_id: int, what: str, today: date) -> None:
    if what == "terminate":
        matters.terminate_grants(vault, matter_id=matter_id, on=today - timedelta(days=3))
    elif what == "close":
        matters.update_matter(vault, matter_id=matter_id, status="closed")
    elif what == "reopen":
        matters.update_matter(vault, matter_id=matter_id, status="filed", decision=None)
    elif what == "deny":
        matters.update_matter(vault, matter_id=matter_id, decision="denied")
    elif what == "unletter":
        matters.update_matter(vault, matter_id=matter_id, agency_letter_id=None)
    else:
        open_ones = [
            d
            for d in dl.list_deadlines(vault, today=today, matter_id=matter_id)
            if d.kind != "task"
        ]
        for d in open_ones[:2]:
            if what == "done":
                dl.mark_done(vault, ref=d.id, today=today)
            else:
                dl.snooze(vault, ref=d.id, until=today + timedelta(days=5), today=today)


def _reference(
    vault: Vault, today: date, stale: int, assignee: int | None
) -> dict[str, list[tuple[tuple[object, ...], str, frozenset[str]]]]:
    """Every open deadline read in full, tiered, paired and grouped the plain way: per tier,
    (sort key, row key, deadline ids) of every row, in the queue's order."""
    book = dl.rulebook(vault)
    found = dl.list_deadlines(vault, today=today, within=urgency.HORIZON_DAYS, assignee_id=assignee)
    facts = {d.matter_id: matters.get_matter(vault, matter_id=d.matter_id) for d in found}
    grants = {(d.matter_id, d.due): d for d in found if d.kind == "grant_end"}
    permits = {(d.matter_id, d.due) for d in found if d.kind == "work_permit_end"}
    rows: dict[str, dict[str, tuple[tuple[object, ...], set[str]]]] = defaultdict(dict)
    for d in found:
        if d.kind == "grant_end" and (d.matter_id, d.due) in permits:
            continue
        m = facts[d.matter_id]
        inactive = m.status == "closed" or m.decision in ("denied", "withdrawn")
        soon = TASK_SOON_DAYS if d.kind == "task" else book.rule(d.rule).soon_days
        tier = urgency.tier_of(d.kind, d.due, soon, today, inactive=inactive, stale_after=stale)
        if tier is None:
            continue
        ids = {d.id}
        if d.kind in urgency.LETTER_GROUPED_KINDS and m.agency_letter_id is not None:
            key, tiebreak = f"letter-{m.agency_letter_id}-{d.rule}-{d.due.isoformat()}", 0
        else:
            key, tiebreak = d.id, d.matter_id
            if d.kind == "work_permit_end" and (d.matter_id, d.due) in grants:
                ids.add(grants[(d.matter_id, d.due)].id)
        order = urgency.sort_key(tier, d.due, d.severity, (tiebreak, key), today)
        if key in rows[tier]:
            ids |= rows[tier][key][1]
        rows[tier][key] = (order, ids)
    return {
        tier: sorted((order, key, frozenset(ids)) for key, (order, ids) in found_rows.items())
        for tier, found_rows in rows.items()
    }


def _compare(vault: Vault, today: date, per_tier: int, assignee: int | None) -> None:
    stale = dl.stale_after(vault)
    expected = _reference(vault, today, stale, assignee)
    queue = dl.build_queue(vault, today=today, per_tier=per_tier, assignee_id=assignee)
    assert queue.counts == {t: len(r) for t, r in expected.items() if r}
    for group in queue.groups:
        want = expected[group.tier][:per_tier]
        got = [(item.key, frozenset(item.deadline_ids)) for item in group.items]
        assert got == [(key, ids) for _order, key, ids in want], group.tier
        for item in group.items:
            if item.workers:
                assert len(item.workers) == len(item.deadline_ids)
    counts = dl.build_queue(vault, today=today, per_tier=0, assignee_id=assignee)
    assert counts.counts == queue.counts and counts.summary == queue.summary


@fuzz(10, long=150)  # a vault per example: a few seconds each
@given(
    specs=st.lists(matter_specs, min_size=1, max_size=8),
    letter_ends=st.lists(st.integers(-700, 60), min_size=3, max_size=3),
    later=changes,
    day=st.integers(-30, 400),
    per_tier=st.integers(1, 4),
    stale=st.sampled_from((None, 30, 200)),
    mine=st.booleans(),
)
def test_the_stored_queue_equals_the_full_computation(
    specs: list[dict[str, Any]],
    letter_ends: list[int],
    later: list[tuple[int, str]],
    day: int,
    per_tier: int,
    stale: int | None,
    mine: bool,
) -> None:
    today = START + timedelta(days=day)
    with tempfile.TemporaryDirectory() as folder:
        vault, _code = create_vault(Path(folder) / "v", passphrase=PASSPHRASE, kdf=FAST_KDF)
        try:
            ids = _build(vault, specs, letter_ends)
            if stale is not None:
                dl.set_stale_after(vault, days=stale)
            assignee = staff.list_staff(vault)[0].id if mine else None
            _compare(vault, today, per_tier, assignee)
            for position, what in later:
                _change(vault, ids[position % len(ids)], what, today)
            _compare(vault, today, per_tier, assignee)
        finally:
            vault.close()


def test_a_clinic_morning_on_either_store(vault: Any) -> None:
    """The letter groups, the paired permit and the serious items, then the changes that move
    them, on the vault and (with --stores vault,server) on the clinic server."""
    today = queue_vault.TODAY
    ids = queue_vault.build(vault, today=today, overdue=6)
    for per_tier in (2, 25):
        _compare(vault, today, per_tier, None)
    queue = dl.build_queue(vault, today=today)
    assert sum(1 for g in queue.groups for i in g.items if i.workers) == 3
    matters.terminate_grants(vault, matter_id=ids["work_permit"], on=today - timedelta(days=1))
    matters.update_matter(vault, matter_id=ids["rfe"], status="closed")
    _compare(vault, today, 3, None)
    assert dl.build_queue(vault, today=today).counts["terminated"] == 2
