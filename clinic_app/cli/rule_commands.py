"""`clinic-app rules`: the rule packs and policy status, a rule's days, closed days, policy changes,
a recompute, and `rules update FILE` (a signed update carried on a stick or by mail)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from clinic_app.cli import context
from clinic_app.cli.output import cell, print_json, print_table
from clinic_app.domain import vocab
from clinic_app.errors import UserError
from clinic_app.i18n import _, format_number, ngettext
from clinic_app.services import deadlines, rule_status, rule_updates
from clinic_app.services.records import to_json
from clinic_app.validation_dates import parse_cli_date


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("rules", parents=[common], help=_("show or change the deadline rules"))
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    q = actions.add_parser("show", parents=[common], help=_("rule packs, policy status and rules"))
    q.add_argument("--program", metavar="ID", help=_("only this program"))
    context.add_today(q)
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_rules_show)
    q = actions.add_parser("set", parents=[common], help=_("override a rule's days or reminders"))
    q.add_argument("rule_id", metavar="RULE_ID")
    q.add_argument("--days", type=int, metavar="N", help=_("days before or after the fact"))
    q.add_argument(
        "--reminders", metavar="LIST", help=_("calendar reminders, days before: e.g. 14,7,1")
    )
    q.add_argument("--reset", action="store_true", help=_("back to the shipped numbers"))
    q.set_defaults(func=cmd_rules_set)
    q = actions.add_parser(
        "closed", parents=[common], help=_("list, add or remove clinic closed days")
    )
    q.add_argument("--add", action="append", default=[], metavar="YYYY-MM-DD")
    q.add_argument("--remove", action="append", default=[], metavar="YYYY-MM-DD")
    q.add_argument("--label", default="", help=_("why the clinic is closed (for --add)"))
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_rules_closed)
    q = actions.add_parser("policy", parents=[common], help=_("record a program's policy change"))
    q.add_argument("program", metavar="PROGRAM")
    q.add_argument("--status", required=True, choices=("open", "paused", "ended"))
    q.add_argument("--date", required=True, metavar="YYYY-MM-DD", help=_("when it took effect"))
    q.add_argument("--source", required=True, help=_("where it was announced (URL or citation)"))
    q.add_argument("--summary", default="", help=_("one sentence on what changed"))
    q.set_defaults(func=cmd_rules_policy)
    q = actions.add_parser("recompute", parents=[common], help=_("recompute every deadline now"))
    q.set_defaults(func=cmd_rules_recompute)
    register_rules_actions(actions, common)


def register_rules_actions(
    actions: argparse._SubParsersAction,  # type: ignore[type-arg]
    common: argparse.ArgumentParser,
) -> None:
    q = actions.add_parser(
        "update",
        parents=[common],
        help=_("install a signed rule update from a file"),
        description=_(
            "Check a rule-update file's signature, show what it changes (policies, "
            "rules, how many deadlines move), ask, then install it and recompute every deadline. "
            "An unsigned or altered file is refused and nothing changes."
        ),
    )
    q.add_argument("file", type=Path, metavar="FILE")
    q.add_argument("--yes", action="store_true", help=_("install without asking"))
    q.add_argument("--json", action="store_true", help=_("print what changed as JSON"))
    q.set_defaults(func=cmd_rules_update)


def _confirmed(args: argparse.Namespace) -> bool:
    if args.yes:
        return True
    if not sys.stdin.isatty():
        raise UserError(
            _("Add --yes to install this rule update without being asked; nothing was changed.")
        )
    answer = input(_("Install this rule update and recompute every deadline? [y/N] "))
    return answer.strip().lower() in ("y", "yes", "s", "si", "sí")


def cmd_rules_update(args: argparse.Namespace) -> int:
    with context.open_store(args) as vault:
        preview = rule_updates.preview_update(vault, path=args.file)
        if not args.json:
            for line in preview.lines():
                print(line)
        if not _confirmed(args):
            print(_("Not installed; nothing was changed."))
            return 1
        installed = rule_updates.install_update(vault, path=args.file).record
    if args.json:
        print_json(to_json(installed))
        return 0
    print(
        _(
            "Installed {name}; every deadline was recomputed ({deadlines_moved} moved). The audit log records it."
        ).format(name=args.file.name, deadlines_moved=installed.deadlines_moved)
    )
    return 0


def cmd_rules_show(args: argparse.Namespace) -> int:
    today = context.today(args)
    with context.open_store(args) as vault:
        programs = deadlines.list_programs(vault, today=today)
        warnings = deadlines.rule_warnings(vault)
        closed = deadlines.closed_days(vault)
        stale = {s.program: s for s in rule_status.stale_packs(vault, today=today)}
    if args.program:
        programs = [p for p in programs if p.id == args.program]
        if not programs:
            raise UserError(
                _(
                    "There is no rule pack for '{program}'; 'clinic-app rules show' lists them."
                ).format(program=args.program)
            )
    if args.json:
        print_json(
            {
                "programs": [to_json(p) for p in programs],
                "closed_days": {d.isoformat(): label for d, label in closed.items()},
                "warnings": warnings,
                "stale": [to_json(s) for s in stale.values()],
            }
        )
        return 0
    for program in programs:
        print(
            f"{program.title} [{program.id}]: {policy_status(program.policy_status, program.policy_since)}"
        )
        if program.id in stale:
            print("  " + _("STALE: {line}").format(line=stale[program.id].line))
        if program.caution:
            print(f"  {program.caution}")
        for entry in program.policy:
            who = " " + _("(recorded by the clinic)") if entry.recorded_by_clinic else ""
            status = vocab.label("program_status", entry.status)
            print(f"  {cell(entry.date)}  {status:<8}  {entry.places}{entry.summary}{who}")
            print("              " + _("source: {source}").format(source=entry.source))
        print_table(
            [
                _("Rule"),
                _("When"),
                _("On a closed day"),
                _("Basis"),
                _("Severity"),
                _("Reminders"),
                _("Changed"),
            ],
            [
                (
                    r.id,
                    vocab.rule_when(r.days, r.direction, r.fact, r.where, r.except_states),
                    vocab.label("roll", r.roll),
                    vocab.label("basis", r.basis),
                    vocab.label("severity", r.severity),
                    ",".join(map(str, r.reminders)),
                    "; ".join(
                        f"{_changed_label(k)} {a} → {b}" for k, (a, b) in r.overridden.items()
                    ),
                )
                for r in program.rules
            ],
            _("No rules."),
        )
        print()
    if closed:
        days = ", ".join(f"{cell(d)} ({label})" for d, label in closed.items())
        print(_("Clinic closed days: {days}").format(days=days))
    for warning in warnings:
        print(_("Warning: {warning}.").format(warning=warning), file=sys.stderr)
    print(
        _(
            "Change a rule with 'clinic-app rules set RULE_ID --days N'; "
            "'clinic-app rules show --json' gives each rule's source and when it was last checked."
        )
    )
    return 0


def policy_status(status: str | None, since: date | None) -> str:
    """'paused since 2025-09-29', in the person's language."""
    if not status:
        return _("no policy history")
    return _("{status} since {date}").format(
        status=vocab.label("program_status", status), date=cell(since)
    )


def _changed_label(key: str) -> str:
    return {"days": _("days"), "reminders": _("reminders")}.get(key, key)


def _reminder_list(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError:
        raise UserError(
            _(
                "--reminders must be days before the due date, separated by commas (not '{text}')."
            ).format(text=text)
        ) from None
    if not values:
        raise UserError(_("--reminders needs at least one number of days, e.g. 7,1."))
    return values


def cmd_rules_set(args: argparse.Namespace) -> int:
    if args.reset and (args.days is not None or args.reminders):
        raise UserError(_("Use --reset alone, or --days/--reminders without it."))
    with context.open_store(args) as vault:
        if args.reset:
            changed = deadlines.reset_rule(vault, rule_id=args.rule_id)
        else:
            changed = deadlines.set_rule(
                vault,
                rule_id=args.rule_id,
                days=args.days,
                reminders=_reminder_list(args.reminders) if args.reminders else None,
            )
    rule = changed.record
    when = vocab.rule_when(rule.days, rule.direction, rule.fact, rule.where, rule.except_states)
    reminders = ",".join(map(str, rule.reminders)) or _("none")
    print(
        (
            _(
                "{rule}: {when}, reminders {reminders} (changed by the clinic); every deadline was recomputed."
            )
            if rule.overridden
            else _(
                "{rule}: {when}, reminders {reminders} (shipped numbers); every deadline was recomputed."
            )
        ).format(rule=rule.id, when=when, reminders=reminders)
    )
    return 0


def cmd_rules_closed(args: argparse.Namespace) -> int:
    add = [parse_cli_date(d, "--add") for d in args.add]
    remove = [parse_cli_date(d, "--remove") for d in args.remove]
    with context.open_store(args) as vault:
        if add or remove:
            deadlines.set_closed_days(
                vault, add=[d for d in add if d], remove=[d for d in remove if d], label=args.label
            )
        closed = deadlines.closed_days(vault)
    if args.json:
        print_json({d.isoformat(): label for d, label in closed.items()})
        return 0
    print_table(
        [_("Closed day"), _("Why")],
        [(d, label) for d, label in closed.items()],
        _("No clinic closed days (weekends and federal holidays always count as closed)."),
    )
    return 0


def cmd_rules_policy(args: argparse.Namespace) -> int:
    on = parse_cli_date(args.date, "--date")
    with context.open_store(args) as vault:
        deadlines.record_policy(
            vault,
            program=args.program,
            status=args.status,
            on=on or "",
            source=args.source,
            summary=args.summary,
        )
    print(
        _(
            "Recorded: {program} is {status} from {date}. "
            "'clinic-app affected --program {id}' lists the matters to contact."
        ).format(
            program=vocab.label("program", args.program),
            status=vocab.label("program_status", args.status),
            date=cell(on),
            id=args.program,
        )
    )
    return 0


def cmd_rules_recompute(args: argparse.Namespace) -> int:
    with context.open_store(args) as vault:
        report = deadlines.recompute_all(vault)
    print(
        _("Recomputed {deadlines} for {matters}.").format(
            deadlines=ngettext("{n} deadline", "{n} deadlines", report.deadlines).format(
                n=format_number(report.deadlines)
            ),
            matters=ngettext("{n} matter", "{n} matters", report.matters).format(
                n=format_number(report.matters)
            ),
        )
    )
    return 0
