"""One ordering of urgency for every surface: the tier table and where a deadline falls in it.

Pure (no I/O, no clock). The tiers are data: an ordered table saying which kinds of deadline
each tier takes and on which days; a deadline belongs to the first tier that takes it. Within
a tier, the rule pack's `severity` breaks ties. Today, Deadlines, the notification counts, the
command line, the calendar export and the weekly report all order by this table.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import NamedTuple

from clinic_app.deadlines.engine import LETTER_GROUPED_KINDS, PAIRED_GRANT, PAIRED_PERMIT
from clinic_app.i18n import N_, _, format_number, ngettext

STALE_AFTER_DAYS = 365  # the clinic may change it (setting "urgency.stale_after_days")
HORIZON_DAYS = 90  # the queue looks this far ahead
SEVERITY_RANK = {"critical": 0, "high": 1, "normal": 2, "info": 3}
RFE_KINDS = ("rfe_response_due", "rfe_internal_target", "biometrics")
# One row for a fact shared by many workers: the kinds grouped by agency letter
# (LETTER_GROUPED_KINDS). A grant end on the same day as the same matter's work-permit end is
# said in that row. Both are worked out when deadlines are planned and stored on their rows.
PAIRED_KINDS = (PAIRED_GRANT, PAIRED_PERMIT)


class Tier(NamedTuple):
    """One step of the ordering: which deadlines it takes, and how it is named and marked."""

    key: str
    title: str  # N_() text: translate when shown
    mark: str  # a symbol beside the name, so colour is never the only signal
    reason: str  # N_() text: why this tier is where it is
    kinds: tuple[str, ...] | None  # None: any kind
    window: str  # any | hard_stop | today | soon | late | days:N | stale
    order: str = "soonest"  # soonest | latest (late items) | nearest (either side of today)


TIERS: tuple[Tier, ...] = (
    Tier(
        "terminated",
        N_("Grant terminated: urgent review"),
        "‼",
        N_("A terminated grant leaves the worker unprotected now."),
        ("termination_review",),
        "any",
        order="latest",
    ),
    Tier(
        "work_permit_stop",
        N_("Work permit at its hard stop"),
        "■",
        N_(
            "The work permit is not extended automatically: the worker must stop working. "
            "Nearest to today first, whether just ended or about to end."
        ),
        ("work_permit_end",),
        "hard_stop",
        order="nearest",
    ),
    Tier("due_today", N_("Due today"), "●", N_("Due today."), None, "today"),
    Tier(
        "rfe_biometrics",
        N_("RFE responses and biometrics"),
        "◆",
        N_("A missed RFE answer or appointment can end the request."),
        RFE_KINDS,
        "soon",
    ),
    Tier(
        "overdue",
        N_("Overdue"),
        "▲",
        N_("Late; the most recent first, since they can still be acted on."),
        None,
        "late",
        order="latest",
    ),
    Tier("week", N_("This week"), "▸", N_("Due in the next 7 days."), None, "days:7"),
    Tier("month", N_("Next 30 days"), "▹", N_("Due in the next 30 days."), None, "days:30"),
    Tier("quarter", N_("Next 90 days"), "·", N_("Due in the next 90 days."), None, "days:90"),
    Tier(
        "stale",
        N_("Stale — review or close"),
        "○",
        N_("Long past, on matters no longer active: close them or reopen the matter."),
        None,
        "stale",
        order="latest",
    ),
)
TIER_BY_KEY = {tier.key: tier for tier in TIERS}
TIER_RANK = {tier.key: rank for rank, tier in enumerate(TIERS)}


def tier_of(
    kind: str,
    due: date,
    soon_days: int,
    today: date,
    *,
    inactive: bool = False,
    stale_after: int = STALE_AFTER_DAYS,
) -> str | None:
    """The key of the first tier that takes an open deadline; None beyond the horizon.

    `inactive`: the matter is closed, denied or withdrawn (so an old item there is stale, and
    an ended work permit is no longer a worker's hard stop).
    """
    if inactive and due < today - timedelta(days=stale_after):
        return "stale"
    ahead = (due - today).days
    for tier in TIERS:
        if tier.kinds is not None and kind not in tier.kinds:
            continue
        window = tier.window
        if window == "any":
            return tier.key
        if window == "hard_stop":
            if ahead <= soon_days and not (ahead < 0 and inactive):
                return tier.key
        elif window == "today":
            if ahead == 0:
                return tier.key
        elif window == "soon":
            if ahead <= soon_days:
                return tier.key
        elif window == "late":
            if ahead < 0:
                return tier.key
        elif window.startswith("days:") and ahead <= int(window[5:]):
            return tier.key
    return None


def sort_key(
    tier: str, due: date, severity: str, tiebreak: tuple[int, str], today: date
) -> tuple[object, ...]:
    """Order within a tier: by date as the tier says, then severity, then the tiebreak."""
    order = TIER_BY_KEY[tier].order
    if order == "latest":
        day = -due.toordinal()
    elif order == "nearest":
        day = abs((due - today).days)
    else:
        day = due.toordinal()
    return (TIER_RANK[tier], day, SEVERITY_RANK.get(severity, 9), tiebreak)


def title(tier: str) -> str:
    return _(TIER_BY_KEY[tier].title)


def summary(counts: Mapping[str, int]) -> str:
    """One sentence of counts, the same on Today, the status bar and the notification.

    Only the tiers that need action now are named (never who: it can show on a locked screen).
    """
    parts = []
    for key in ("terminated", "work_permit_stop", "due_today", "rfe_biometrics", "overdue"):
        n = counts.get(key, 0)
        if not n:
            continue
        parts.append(
            {
                "terminated": lambda n: ngettext(
                    "{n} terminated grant", "{n} terminated grants", n
                ),
                "work_permit_stop": lambda n: ngettext(
                    "{n} work-permit stop", "{n} work-permit stops", n
                ),
                "due_today": lambda n: ngettext("{n} due today", "{n} due today", n),
                "rfe_biometrics": lambda n: ngettext(
                    "{n} RFE or biometrics", "{n} RFEs or biometrics", n
                ),
                "overdue": lambda n: ngettext("{n} overdue", "{n} overdue", n),
            }[key](n).format(n=format_number(n, ","))
        )
    if not parts:
        return _("Nothing needs action today")
    return " · ".join(parts)


__all__ = [
    "HORIZON_DAYS",
    "LETTER_GROUPED_KINDS",
    "PAIRED_KINDS",
    "STALE_AFTER_DAYS",
    "TIERS",
    "TIER_BY_KEY",
    "Tier",
    "sort_key",
    "summary",
    "tier_of",
    "title",
]
