"""Calendar export (RFC 5545, via `icalendar`): one all-day event per deadline, stable UIDs.

Calendars sync to cloud services, so by default ("initials") no full client name, A-number,
employer or task text leaves the vault through a calendar file: an event says what is due,
for whom by initials and matter number, and why (the why sentences hold only dates and rule
text). A UID is derived from the vault's id and the deadline's id, so exporting again updates
the same events in Outlook or Google Calendar instead of adding copies.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from clinic_app.deadlines.engine import Deadline
from clinic_app.deadlines.urgency import TIER_BY_KEY
from clinic_app.i18n import _

# `icalendar` is imported when a calendar is built: every command line run would pay for it.

NAME_MODES = ("initials", "none", "full")
PRODID = "-//clinic-app//Deadlines//EN"
REMINDER_HOUR = 9  # alarms go off at 9:00 on the day they are due
_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
_PRIORITY = {"critical": 1, "high": 3, "normal": 5, "info": 9}
# iCalendar PRIORITY (1 highest) by tier of urgency, when the export knows the tiers.
_TIER_PRIORITY = {
    "terminated": 1,
    "work_permit_stop": 1,
    "due_today": 2,
    "rfe_biometrics": 2,
    "overdue": 3,
    "week": 4,
    "month": 5,
    "quarter": 6,
    "stale": 9,
}


def initials(first: str, last: str) -> str:
    """'José Luis', 'Pérez García' -> 'J. P.'; a one-word name gives one initial."""
    letters = [part.strip()[0].upper() for part in (first, last) if part and part.strip()]
    return " ".join(f"{letter}." for letter in letters) or "?"


def event_uid(vault_id: str, deadline_id: str) -> str:
    """Stable for the same deadline of the same vault; says nothing about the client."""
    digest = hashlib.sha256(f"{vault_id}\x1f{deadline_id}".encode()).hexdigest()[:32]
    return f"{digest}@clinic-app"


def _who(deadline: Deadline, names: str, initials_by_client: Mapping[int, str]) -> str:
    matter = _("matter {id}").format(id=deadline.matter_id)
    if names == "full" and deadline.client:
        return f"{deadline.client} ({matter})"
    if names == "initials":
        return f"{initials_by_client.get(deadline.client_id, '?')} ({matter})"
    return matter


def _event(
    deadline: Deadline,
    *,
    vault_id: str,
    names: str,
    initials_by_client: Mapping[int, str],
    stamp: datetime,
    sequence: int,
    reminders: tuple[int, ...],
    tier: str = "",
) -> Any:
    from icalendar import Alarm, Event

    what = deadline.message
    if deadline.kind == "task" and names == "full" and deadline.text:
        what = f"{what}: {deadline.text}"
    summary = f"{what} – {_who(deadline, names, initials_by_client)}"
    lines = [deadline.why]
    if deadline.policy_status in ("paused", "ended"):
        lines.append(
            _("Program policy: {status} since {since}.").format(
                status=deadline.policy_status,
                since=deadline.policy_since.isoformat() if deadline.policy_since else "?",
            )
        )
    if deadline.assignee:
        lines.append(_("Assigned to: {name}").format(name=deadline.assignee))
    lines.append(_("Deadline id: {id} (rule {rule})").format(id=deadline.id, rule=deadline.rule))
    event = Event()
    event.add("uid", event_uid(vault_id, deadline.id))
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("sequence", sequence)
    event.add("dtstart", deadline.due)
    event.add("dtend", deadline.due + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", "\n".join(lines))
    if tier in TIER_BY_KEY:
        event.add("categories", [_(TIER_BY_KEY[tier].title), deadline.kind])
        event.add("priority", _TIER_PRIORITY.get(tier, 5))
    else:
        event.add("categories", [deadline.kind])
        event.add("priority", _PRIORITY.get(deadline.severity, 5))
    event.add("transp", "TRANSPARENT")
    event.add("status", "CANCELLED" if deadline.status == "done" else "CONFIRMED")
    if deadline.status != "done":
        for days in reminders:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", summary)
            # Relative to the all-day event's start (midnight): 9:00 on the day, `days` before.
            alarm.add("trigger", timedelta(days=-days, hours=REMINDER_HOUR))
            event.add_component(alarm)
    return event


def build_calendar(
    deadlines: Iterable[Deadline],
    *,
    vault_id: str,
    names: str = "initials",
    initials: Mapping[int, str] | None = None,
    stamp: datetime,
    reminders: Mapping[str, tuple[int, ...]] | None = None,
    tiers: Mapping[str, str] | None = None,
) -> bytes:
    """The .ics bytes for these deadlines. `reminders` (rule id -> days before) overrides the
    reminders carried by each deadline; `stamp` is the export time; `tiers` (deadline id ->
    tier of urgency) sets each event's priority and category the way Today orders them."""
    from icalendar import Calendar

    if names not in NAME_MODES:
        raise ValueError(f"names must be one of {NAME_MODES}")
    stamp = stamp.astimezone(UTC) if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    # Calendars apply an update only when its sequence number is higher than the one they hold:
    # minutes since 2024 always grow from one export to the next.
    sequence = max(0, int((stamp - _EPOCH).total_seconds() // 60))
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("Clinic deadlines"))
    for deadline in deadlines:
        rule_reminders = (reminders or {}).get(deadline.rule, deadline.reminders)
        calendar.add_component(
            _event(
                deadline,
                vault_id=vault_id,
                names=names,
                initials_by_client=initials or {},
                stamp=stamp,
                sequence=sequence,
                reminders=rule_reminders,
                tier=(tiers or {}).get(deadline.id, ""),
            )
        )
    data: bytes = calendar.to_ical()
    return data


__all__ = ["NAME_MODES", "build_calendar", "event_uid", "initials"]
