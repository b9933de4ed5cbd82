"""Commands for deadlines: lists and calendars, done/snooze, tasks, affected matters, reports
(the rules have their own module)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from clinic_app.cli import context, rule_commands
from clinic_app.cli.output import cell, print_json, print_table
from clinic_app.domain import vocab
from clinic_app.errors import UserError
from clinic_app.i18n import N_, _, format_number, ngettext
from clinic_app.services import clients, deadlines, matters, reports, rule_status
from clinic_app.services.records import to_json
from clinic_app.validation_dates import parse_cli_date

DEADLINES_HELP = N_(
    "Deadlines computed from the rule packs, and manual tasks, as seen on --today, in the "
    "order of urgency 'clinic-app today' uses (each with its tier in --json). "
    "By default every deadline not yet done; --within DAYS lists what needs action by then "
    "(overdue included, snoozed left out); --overdue only what is late. "
    "--ics FILE writes them to a calendar file instead (by default with initials only)."
)


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "deadlines",
        parents=[common],
        help=_("list deadlines or export them"),
        description=_(DEADLINES_HELP),
    )
    context.add_today(p)
    p.add_argument("--within", type=int, metavar="DAYS", help=_("only what is due within DAYS"))
    p.add_argument("--overdue", action="store_true", help=_("only overdue deadlines"))
    p.add_argument(
        "--assignee", metavar="NAME", help=_("only deadlines assigned to this staff member")
    )
    p.add_argument("--matter", type=int, metavar="ID", help=_("only this matter"))
    p.add_argument("--client", type=int, metavar="ID", help=_("only this client's matters"))
    p.add_argument(
        "--all", action="store_true", help=_("include deadlines already done and snoozed")
    )
    p.add_argument("--limit", type=int, metavar="N", help=_("at most N deadlines"))
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--ics", type=Path, metavar="FILE", help=_("write an .ics calendar file instead")
    )
    p.add_argument(
        "--ics-names",
        choices=deadlines.NAME_MODES,
        default="initials",
        help=_("what the calendar says about the client (default: initials)"),
    )
    p.set_defaults(func=cmd_deadlines)

    p = sub.add_parser(
        "deadline", parents=[common], help=_("mark a deadline done, snooze or reopen it")
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, helptext, func in (
        ("done", N_("mark a deadline or task done"), cmd_deadline_done),
        ("reopen", N_("undo a done mark or a snooze"), cmd_deadline_reopen),
        ("show", N_("show one deadline or task"), cmd_deadline_show),
    ):
        q = actions.add_parser(name, parents=[common], help=_(helptext))
        q.add_argument("ref", metavar="ID", help=_("as listed by 'clinic-app deadlines'"))
        context.add_today(q)
        q.add_argument("--json", action="store_true")
        q.set_defaults(func=func)
    q = actions.add_parser("snooze", parents=[common], help=_("hide a deadline until a date"))
    q.add_argument("ref", metavar="ID")
    q.add_argument("--until", required=True, metavar="YYYY-MM-DD")
    context.add_today(q)
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_deadline_snooze)

    p = sub.add_parser("task", parents=[common], help=_("add a manual task or mark one done"))
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    q = actions.add_parser("add", parents=[common], help=_("add a task to a matter"))
    q.add_argument("--matter", type=int, required=True, metavar="ID")
    q.add_argument("--due", required=True, metavar="YYYY-MM-DD")
    q.add_argument("--assignee", metavar="NAME", help=_("default: the matter's assignee"))
    q.add_argument("text", nargs="+", help=_("what to do"))
    context.add_today(q)
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_task_add)
    q = actions.add_parser("done", parents=[common], help=_("mark a task done"))
    q.add_argument("task_id", type=int, metavar="ID")
    context.add_today(q)
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_task_done)

    rule_commands.register(sub, common)

    p = sub.add_parser(
        "affected", parents=[common], help=_("open matters and live grants under a program")
    )
    p.add_argument("--program", required=True, metavar="ID")
    context.add_today(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_affected)

    p = sub.add_parser("report", parents=[common], help=_("write a report"))
    kinds = p.add_subparsers(dest="report", metavar="REPORT", required=True)
    q = kinds.add_parser(
        "deadlines", parents=[common], help=_("weekly deadline report per assignee (.docx)")
    )
    q.add_argument("--out", type=Path, required=True, metavar="FILE.docx")
    context.add_today(q)
    q.add_argument("--assignee", metavar="NAME", help=_("only this staff member's deadlines"))
    q.add_argument(
        "--max-rows",
        type=int,
        default=reports.MAX_ROWS,
        metavar="N",
        help=_("at most N rows per tier (default {n})").format(n=reports.MAX_ROWS),
    )
    q.set_defaults(func=cmd_report_deadlines)


# -- deadlines ----------------------------------------------------------------------------------

# --ics-names's values in the person's words (English keeps the flag's own value).
ICS_NAMES = {"initials": N_("initials"), "none": N_("none"), "full": N_("full")}


def _deadline_json(d: deadlines.Deadline) -> dict[str, Any]:
    return to_json(d)


def _print_deadlines(rows: list[deadlines.Deadline], empty: str) -> None:
    if not rows:
        print(empty)
        return
    headers = [_("Due"), _("Status"), _("What"), _("Client"), _("Matter"), _("Assigned"), _("ID")]
    table = [
        [
            cell(d.due),
            vocab.label("deadline_status", d.status),
            d.message + (f": {d.text}" if d.text else ""),
            d.client,
            str(d.matter_id),
            d.assignee,
            d.id,
        ]
        for d in rows
    ]
    widths = [max(len(h), *(len(r[i]) for r in table)) for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip())
    print("  ".join("-" * w for w in widths))
    for deadline, row in zip(rows, table, strict=True):
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
        print("    " + _("why: {why}").format(why=deadline.why))
    notes: dict[tuple[str, str, str], int] = {}
    for d in rows:
        if d.policy_status in ("paused", "ended"):
            key = (d.program, d.policy_status, cell(d.policy_since))
            notes[key] = notes.get(key, 0) + 1
    for (program, status, since), count in sorted(notes.items()):
        print(
            _(
                "Note: the {program} program is {status} since {since} ({count} of these "
                "deadlines); see 'clinic-app rules show --program {id}'."
            ).format(
                program=vocab.label("program", program),
                status=vocab.label("program_status", status),
                since=since,
                count=format_number(count),
                id=program,
            )
        )


def cmd_deadlines(args: argparse.Namespace) -> int:
    today = context.today(args)
    if args.within is not None and args.within < 0:
        raise UserError(_("--within must be zero or more days."))
    if args.limit is not None and args.limit < 1:
        raise UserError(_("--limit must be at least 1."))
    with context.open_store(args) as vault:
        assignee_id = (
            deadlines.staff_id_by_name(vault, name=args.assignee) if args.assignee else None
        )
        # A mistyped id is an error, not an empty list that reads as "nothing due".
        if args.client is not None:
            clients.get_client(vault, client_id=args.client)
        if args.matter is not None:
            matters.get_matter(vault, matter_id=args.matter)
        if args.ics:
            export = deadlines.export_calendar(
                vault,
                out=args.ics,
                today=today,
                names=args.ics_names,
                within=args.within,
                overdue=args.overdue,
                assignee_id=assignee_id,
            )
        else:
            rows = deadlines.list_deadlines(
                vault,
                today=today,
                within=args.within,
                overdue=args.overdue,
                assignee_id=assignee_id,
                matter_id=args.matter,
                client_id=args.client,
                include_done=args.all,
            )
            # Rules that do not apply where this client lives: say why there is no such date.
            place = (
                rule_status.place_notes(vault, matter_id=args.matter, client_id=args.client)
                if args.matter is not None or args.client is not None
                else []
            )
            tiers = deadlines.tiers_of(vault, rows, today)
            rows = deadlines.urgency_order(rows, tiers, today)[: args.limit]
    if args.ics:
        if args.json:
            print_json({"ics": str(export.path), "events": export.events, "names": export.names})
        else:
            print(
                ngettext(
                    "Wrote {events} event to {path} (client names: {names}).",
                    "Wrote {events} events to {path} (client names: {names}).",
                    export.events,
                ).format(
                    events=format_number(export.events),
                    path=export.path,
                    names=_(ICS_NAMES.get(export.names, export.names)),
                )
            )
            if export.names == "full":
                print(
                    _(
                        "Warning: this calendar file holds full client names; keep it off "
                        "cloud-synced folders and calendars."
                    ),
                    file=sys.stderr,
                )
        return 0
    if args.json:
        print_json([_deadline_json(d) | {"tier": tiers[d.id]} for d in rows])
        return 0
    _print_deadlines(rows, _("No deadlines match."))
    for note in place:
        print(
            _("Not for this client (matter {matter_id}, {state}): {text}.").format(
                matter_id=note.matter_id, state=note.state, text=note.text
            )
        )
    return 0


def _show_one(args: argparse.Namespace, record: deadlines.Deadline, verb: str) -> int:
    if args.json:
        print_json(_deadline_json(record))
        return 0
    if verb:
        print(verb)
    _print_deadlines([record], "")
    return 0


def cmd_deadline_done(args: argparse.Namespace) -> int:
    with context.open_store(args) as vault:
        changed = deadlines.mark_done(vault, ref=args.ref, today=context.today(args))
    return _show_one(args, changed.record, _("Marked done: {id}.").format(id=changed.record.id))


def cmd_deadline_reopen(args: argparse.Namespace) -> int:
    with context.open_store(args) as vault:
        changed = deadlines.reopen(vault, ref=args.ref, today=context.today(args))
    return _show_one(args, changed.record, _("Reopened {id}.").format(id=changed.record.id))


def cmd_deadline_show(args: argparse.Namespace) -> int:
    with context.open_store(args) as vault:
        record = deadlines.get_deadline(vault, ref=args.ref, today=context.today(args))
    return _show_one(args, record, "")


def cmd_deadline_snooze(args: argparse.Namespace) -> int:
    today = context.today(args)
    until = parse_cli_date(args.until, "--until")
    with context.open_store(args) as vault:
        changed = deadlines.snooze(vault, ref=args.ref, until=until or "", today=today)
    return _show_one(
        args,
        changed.record,
        _("Snoozed until {until}: {id}.").format(until=until, id=changed.record.id),
    )


# -- tasks -----------------------------------------------------------------------------------------


def cmd_task_add(args: argparse.Namespace) -> int:
    today = context.today(args)
    due = parse_cli_date(args.due, "--due")
    with context.open_store(args) as vault:
        assignee_id = (
            deadlines.staff_id_by_name(vault, name=args.assignee) if args.assignee else None
        )
        changed = deadlines.add_task(
            vault,
            matter_id=args.matter,
            due=due or "",
            title=" ".join(args.text),
            today=today,
            assignee_id=assignee_id,
        )
    return _show_one(args, changed.record, _("Added {id}.").format(id=changed.record.id))


def cmd_task_done(args: argparse.Namespace) -> int:
    with context.open_store(args) as vault:
        changed = deadlines.mark_done(vault, ref=f"task-{args.task_id}", today=context.today(args))
    return _show_one(args, changed.record, _("Marked done: {id}.").format(id=changed.record.id))


# -- affected, reports -----------------------------------------------------------------------------


def cmd_affected(args: argparse.Namespace) -> int:
    today = context.today(args)
    with context.open_store(args) as vault:
        report = deadlines.affected(vault, program=args.program, today=today)
    if args.json:
        print_json([to_json(m) | {"policy_status": report.policy_status} for m in report.matters])
        return 0
    count = len(report.matters)
    print(
        ngettext(
            "{program}: {status}; {n} open matter or live grant.",
            "{program}: {status}; {n} open matters or live grants.",
            count,
        ).format(
            program=vocab.label("program", report.program),
            status=rule_commands.policy_status(report.policy_status, report.policy_since),
            n=format_number(count),
        )
    )
    if report.by_language:
        languages = ", ".join(
            f"{vocab.language_label(k) or k} {format_number(n)}"
            for k, n in report.by_language.items()
        )
        print(_("By preferred language: {languages}").format(languages=languages))
    print_table(
        [
            _("Matter"),
            _("Client"),
            _("Language"),
            _("State"),
            _("Kind"),
            _("Stage"),
            _("Grant end"),
            _("Permit end"),
            _("Assigned"),
        ],
        [
            (
                m.matter_id,
                m.client,
                vocab.language_label(m.preferred_language) if m.preferred_language else "",
                m.state,
                vocab.label("matter_kind", m.kind),
                vocab.label("stage", m.status),
                m.grant_end,
                m.work_permit_end,
                m.assignee,
            )
            for m in report.matters
        ],
        _("No open matters or live grants under this program."),
    )
    for m in report.matters:
        for text in m.not_here:
            print(
                _("Matter {id} ({state}): {text}.").format(id=m.matter_id, state=m.state, text=text)
            )
    return 0


def cmd_report_deadlines(args: argparse.Namespace) -> int:
    today = context.today(args)
    if args.max_rows < 1:
        raise UserError(_("--max-rows must be at least 1."))
    if args.out.suffix.lower() != ".docx":
        raise UserError(
            _("The report is a Word file: name it with .docx (not {name}).").format(
                name=args.out.name
            )
        )
    with context.open_store(args) as vault:
        assignee_id = (
            deadlines.staff_id_by_name(vault, name=args.assignee) if args.assignee else None
        )
        summary = reports.deadline_report(
            vault, out=args.out, today=today, assignee_id=assignee_id, max_rows=args.max_rows
        )
    print(
        _(
            "Wrote the deadline report for the week of {week_start} to {path}: {assignees}, {overdue}, {this_week} this week, {next_30} in the next 30 days, {next_90} in the next 90 days, {stale} stale."
        ).format(
            week_start=summary.week_start,
            path=summary.path,
            assignees=ngettext("{n} assignee", "{n} assignees", summary.assignees).format(
                n=format_number(summary.assignees)
            ),
            overdue=ngettext(
                "{n} row needing action now", "{n} rows needing action now", summary.overdue
            ).format(n=format_number(summary.overdue)),
            this_week=format_number(summary.this_week),
            next_30=format_number(summary.next_30),
            next_90=format_number(summary.next_90),
            stale=format_number(summary.stale),
        )
    )
    if summary.truncated:
        print(
            _(
                "Note: tiers longer than {n} rows were cut; 'clinic-app today' lists everything."
            ).format(n=format_number(args.max_rows)),
            file=sys.stderr,
        )
    return 0
