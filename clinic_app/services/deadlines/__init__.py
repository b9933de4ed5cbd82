"""Deadlines and reminders: lists, the dashboard, done/snooze, tasks, rules, calendars, policy.

Computed deadlines are stored (see `clinic_app.deadlines.sync`, which keeps them current on
every write); what depends on the day (status, the policy in force) is worked out when they
are read, from the `today` the caller passes in. Nothing here reads the clock.
"""

from __future__ import annotations

from clinic_app.deadlines.engine import Deadline
from clinic_app.services.deadlines.affected import AffectedMatter, AffectedReport, affected
from clinic_app.services.deadlines.calendar import CalendarExport, export_calendar
from clinic_app.services.deadlines.listing import Dashboard, dashboard, list_deadlines
from clinic_app.services.deadlines.marks import get_deadline, mark_done, parse_ref, reopen, snooze
from clinic_app.services.deadlines.query import (
    KIND_TITLES,
    NAME_MODES,
    ensure_current,
    recompute_all,
    rulebook,
    staff_id_by_name,
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
    "AffectedMatter",
    "AffectedReport",
    "CalendarExport",
    "Dashboard",
    "Deadline",
    "PolicyRecord",
    "ProgramRecord",
    "RuleRecord",
    "add_task",
    "affected",
    "closed_days",
    "dashboard",
    "ensure_current",
    "export_calendar",
    "get_deadline",
    "list_deadlines",
    "list_programs",
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
    "snooze",
    "staff_id_by_name",
]
