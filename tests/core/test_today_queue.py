"""The order of urgency (pure) and the queue's stale group, counts and pages on a real vault."""

from __future__ import annotations

from datetime import date, timedelta

from clinic_app.deadlines import urgency
from clinic_app.services import clients, matters
from clinic_app.services import deadlines as dl
from clinic_app.services.vault_ops import Vault

TODAY = date(2026, 6, 15)


def test_each_deadline_takes_the_first_tier_that_fits() -> None:
    late, soon = TODAY - timedelta(days=3), TODAY + timedelta(days=5)
    assert urgency.tier_of("termination_review", late, 0, TODAY) == "terminated"
    assert urgency.tier_of("work_permit_end", TODAY + timedelta(days=80), 90, TODAY) == (
        "work_permit_stop"
    )
    # An ended work permit is a hard stop while the matter is active, not once it is closed.
    assert urgency.tier_of("work_permit_end", late, 90, TODAY) == "work_permit_stop"
    assert urgency.tier_of("work_permit_end", late, 90, TODAY, inactive=True) == "overdue"
    assert urgency.tier_of("rfe_response_due", TODAY, 21, TODAY) == "due_today"
    assert urgency.tier_of("biometrics", soon, 7, TODAY) == "rfe_biometrics"
    assert urgency.tier_of("biometrics", TODAY + timedelta(days=20), 7, TODAY) == "month"
    assert urgency.tier_of("task", late, 7, TODAY) == "overdue"
    assert urgency.tier_of("task", soon, 7, TODAY) == "week"
    assert urgency.tier_of("task", TODAY + timedelta(days=91), 7, TODAY) is None
    old = TODAY - timedelta(days=400)
    assert urgency.tier_of("task", old, 7, TODAY) == "overdue"
    assert urgency.tier_of("task", old, 7, TODAY, inactive=True) == "stale"
    assert urgency.tier_of("task", old, 7, TODAY, inactive=True, stale_after=500) == "overdue"
    # Late items: the most recent first.
    keys = [urgency.sort_key("overdue", d, "normal", (0, ""), TODAY) for d in (old, late)]
    assert sorted(keys) == [keys[1], keys[0]]


def _matter(vault: Vault, name: str, **fields: object) -> int:
    client = clients.add_client(vault, first_name=name, last_name="Queue").record.id
    return matters.add_matter(vault, client_id=client, **fields).record.id  # type: ignore[arg-type]


def test_old_items_on_closed_matters_are_stale_and_counts_match_rows(vault: Vault) -> None:
    active = _matter(vault, "Ana", filed_on="2024-09-02")
    closed = _matter(vault, "Luis", filed_on="2024-09-02", status="closed")
    queue = dl.build_queue(vault, today=TODAY, per_tier=1000)
    tiers = {item.matter_id: g.tier for g in queue.groups for item in g.items}
    assert tiers == {active: "overdue", closed: "stale"}
    assert [g.tier for g in queue.groups] == ["overdue", "stale"]
    assert queue.groups[-1].title == "Stale — review or close"
    assert all(g.count == len(g.items) for g in queue.groups)
    assert dl.build_queue(vault, today=TODAY, per_tier=0).counts == queue.counts
    # The clinic moves the horizon: the closed matter's item is no longer stale.
    dl.set_stale_after(vault, days=3000)
    queue = dl.build_queue(vault, today=TODAY)
    assert [g.tier for g in queue.groups] == ["overdue"]
    assert queue.counts == {"overdue": 2}


def test_the_summary_writes_big_counts_as_people_read_them() -> None:
    """Today, the status bar and the notification say '1,204 overdue', as every other count on
    screen does ('1.204 vencidos' in Spanish), not '1204 overdue'."""
    from clinic_app import i18n
    from clinic_app.deadlines import urgency

    counts = {"terminated": 0, "work_permit_stop": 2, "overdue": 1204}
    assert urgency.summary(counts) == "2 work-permit stops · 1,204 overdue"
    i18n.set_language("es")
    try:
        assert "1.204" in urgency.summary(counts)
    finally:
        i18n.set_language("en")
