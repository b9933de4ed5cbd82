"""Deadlines and reminders: lists, the dashboard, done/snooze, tasks, rules, calendars, policy.

Computed deadlines are stored (see `clinic_app.deadlines.sync`, which keeps them current on
every write); what depends on the day (status, the policy in force) is worked out when they
are read, from the `today` the caller passes in. Nothing here reads the clock.
"""

from __future__ import annotations

from clinic_app.deadlines.engine import Deadline
from clinic_app.deadlines.urgency import TIER_BY_KEY, TIERS, Tier
from clinic_app.services.deadlines.affected import AffectedMatter, AffectedReport, affected
from clinic_app.services.deadlines.calendar import CalendarExport, export_calendar
from clinic_app.services.deadlines.listing import Dashboard, dashboard, list_deadlines
from clinic_app.services.deadlines.marks import (
    get_deadline,
    mark_all_done,
    mark_done,
    parse_ref,
    reopen,
    snooze,
    snooze_all,
)
from clinic_app.services.deadlines.query import (
    KIND_TITLES,
    NAME_MODES,
    ensure_current,
    recompute_all,
    rulebook,
    staff_id_by_name,
)
from clinic_app.services.deadlines.queue import (
    UNASSIGNED,
    PolicyNote,
    Queue,
    QueueGroup,
    QueueItem,
    Worker,
    build_queue,
    set_stale_after,
    stale_after,
    tiers_of,
    urgency_order,
)
from clinic_app.services.deadlines.rules import (
    PolicyRecord,
    ProgramRecord,
    RuleRecord,
    closed_days,
    list_programs,
    record_policy,
    reset_rule,
    rule_warnings,
    set_closed_days,
    set_rule,
)
from clinic_app.services.deadlines.tasks import add_task

__all__ = [
    "KIND_TITLES",
    "NAME_MODES",
    "TIERS",
    "TIER_BY_KEY",
    "UNASSIGNED",
    "AffectedMatter",
    "AffectedReport",
    "CalendarExport",
    "Dashboard",
    "Deadline",
    "PolicyNote",
    "PolicyRecord",
    "ProgramRecord",
    "Queue",
    "QueueGroup",
    "QueueItem",
    "RuleRecord",
    "Tier",
    "Worker",
    "add_task",
    "affected",
    "build_queue",
    "closed_days",
    "dashboard",
    "ensure_current",
    "export_calendar",
    "get_deadline",
    "list_deadlines",
    "list_programs",
    "mark_all_done",
    "mark_done",
    "parse_ref",
    "recompute_all",
    "record_policy",
    "reopen",
    "reset_rule",
    "rule_warnings",
    "rulebook",
    "set_closed_days",
    "set_rule",
    "set_stale_after",
    "snooze",
    "snooze_all",
    "staff_id_by_name",
    "stale_after",
    "tiers_of",
    "urgency_order",
]
