"""`clinic-app today`: the action queue, tiers of urgency in order, with counts and rows."""

from __future__ import annotations

import argparse
from datetime import date, datetime
from typing import Any

from clinic_app.cli import context
from clinic_app.cli.output import print_json
from clinic_app.domain import vocab
from clinic_app.errors import UserError
from clinic_app.i18n import N_, _, format_number, ngettext
from clinic_app.services import backup_status, deadlines, rule_status
from clinic_app.services.deadlines import Queue, QueueItem
from clinic_app.validation_dates import parse_cli_date

TODAY_HELP = N_(
    "What needs doing, most serious first: terminated grants, work permits at their hard stop, "
    "due today, RFEs and biometrics, other overdue items (most recent first), this week, the "
    "next 30 and 90 days, then stale items on closed matters. Items that repeat one fact for "
    "many workers (an agency letter's period) are one row with the workers' ids."
)


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "today",
        parents=[common],
        help=_("the action queue, most serious first"),
        description=_(TODAY_HELP),
    )
    p.add_argument(
        "--today", metavar="YYYY-MM-DD", help=_("the date to compute against (default: today)")
    )
    p.add_argument("--assignee", metavar="NAME", help=_("only this staff member's items"))
    p.add_argument(
        "--limit", type=int, metavar="N", help=_("at most N rows per tier (default: all)")
    )
    p.add_argument(
        "--stale-after",
        type=int,
        metavar="DAYS",
        help=_(
            "set the clinic's horizon for 'Stale — review or close' (default 365 days), then list"
        ),
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_today)


def item_json(item: QueueItem) -> dict[str, Any]:
    out: dict[str, Any] = (
        {"group_id": item.group_id} if item.group_id else {"deadline_id": item.deadline_ids[0]}
    )
    out |= {
        "deadline_ids": list(item.deadline_ids),
        "matter_id": item.matter_id,
        "client_id": item.client_id,
        "client": item.client,
        "due": item.due.isoformat(),
        "kind": item.kind,
        "title": item.title,
        "why": item.why,
        "severity": item.severity,
        "assignee": item.assignee,
        "late_days": item.late_days,
    }
    if item.workers:
        out["workers"] = [
            {
                "deadline_id": w.deadline_id,
                "matter_id": w.matter_id,
                "client_id": w.client_id,
                "client": w.client,
            }
            for w in item.workers
        ]
    return out


def queue_json(queue: Queue) -> list[dict[str, Any]]:
    return [
        {
            "tier": g.tier,
            "title": g.title,
            "count": g.count,
            "items": [item_json(i) for i in g.items],
        }
        for g in queue.groups
    ]


def stale_json(stale: list[rule_status.StalePack]) -> list[dict[str, Any]]:
    """Rule packs past their review date, as one more group at the end (only when any are)."""
    if not stale:
        return []
    items = [
        {
            "program": s.program,
            "title": s.title,
            "last_checked": s.last_checked.isoformat() if s.last_checked else None,
            "review_by": s.review_by.isoformat(),
            "line": s.line,
        }
        for s in stale
    ]
    return [
        {
            "tier": "rules_to_recheck",
            "title": "Rules to re-check",
            "count": len(items),
            "items": items,
        }
    ]


def backup_json(status: backup_status.BackupStatus) -> list[dict[str, Any]]:
    """The age of the newest verified backup, as one more group at the end (always: a clinic
    with no plan or an old copy must see it); `count` is 1 when it is a warning."""
    return [
        {
            "tier": "backup",
            "title": status.message,
            "count": 1 if status.warning else 0,
            "items": [{"kind": "backup_age", **status.to_json()}],
        }
    ]


def _print(
    queue: Queue, stale: list[rule_status.StalePack], backup: backup_status.BackupStatus
) -> None:
    print(_("Today, {day}: {summary}.").format(day=queue.today.isoformat(), summary=queue.summary))
    print(("⚠ " if backup.warning else "") + backup.message)
    for pack in stale:
        print(_("Rules to re-check: {line}").format(line=pack.line))
    for note in queue.policies:
        print(
            _(
                "Policy: {program} is {status} since {since}; "
                "see 'clinic-app rules show --program {id}'."
            ).format(
                program=note.title,
                status=vocab.label("program_status", note.status),
                since=note.since.isoformat(),
                id=note.program,
            )
        )
    if not queue.groups:
        print(_("Nothing is due in the next 90 days."))
    for group in queue.groups:
        print()
        print(f"{group.mark} {group.title} ({format_number(group.count)})")
        for item in group.items:
            late = (
                "  ("
                + ngettext("{n} day late", "{n} days late", item.late_days).format(
                    n=format_number(item.late_days)
                )
                + ")"
                if item.late_days
                else ""
            )
            who = f"  {item.client}" if item.client else ""
            ident = item.group_id or item.deadline_ids[0]
            print(f"  {item.due.isoformat()}  {item.title}{who}{late}  [{ident}]")
            if item.workers:
                ids = ", ".join(w.deadline_id for w in item.workers)
                print("      " + _("workers: {ids}").format(ids=ids))
            else:
                print("      " + _("why: {why}").format(why=item.why))
        hidden = group.count - len(group.items)
        if hidden > 0:
            print("  " + _("… and {n} more (--limit)").format(n=format_number(hidden)))


def cmd_today(args: argparse.Namespace) -> int:
    today = parse_cli_date(args.today, "--today") or date.today()
    if args.limit is not None and args.limit < 1:
        raise UserError(_("--limit must be at least 1."))
    if args.stale_after is not None and not 30 <= args.stale_after <= 3650:
        raise UserError(_("--stale-after must be a number of days from 30 to 3650."))
    with context.open_store(args) as vault:
        assignee_id = (
            deadlines.staff_id_by_name(vault, name=args.assignee) if args.assignee else None
        )
        if args.stale_after is not None:
            deadlines.set_stale_after(vault, days=args.stale_after)
        queue = deadlines.build_queue(
            vault,
            today=today,
            assignee_id=assignee_id,
            per_tier=args.limit if args.limit is not None else 1_000_000,
        )
        stale = rule_status.stale_packs(vault, today=today)
        backup = backup_status.backup_status(vault, now=datetime.now().astimezone())
    if args.json:
        print_json(queue_json(queue) + stale_json(stale) + backup_json(backup))
        return 0
    _print(queue, stale, backup)
    return 0
