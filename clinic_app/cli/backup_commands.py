"""Commands for backups that happen by themselves: the plan, the copies, a run and a restore drill."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from clinic_app.cli import context, secrets
from clinic_app.cli.output import print_json
from clinic_app.i18n import N_, _, format_number, ngettext
from clinic_app.services import backup_drill, backup_plan, backup_runs, backup_status
from clinic_app.services.backup_copies import Copy
from clinic_app.services.backup_plan import BackupPlan
from clinic_app.vault.vault import Vault

KEEP_HELP = N_(
    "how many copies thinning keeps per folder: N daily copies (weekly and monthly as they are), "
    "or D,W,M daily, weekly and monthly (default 7,4,6). The newest copy of each of the last D "
    "days, W weeks and M months is kept, and the newest verified copy always"
)


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "backup-plan",
        parents=[common],
        help=_("show or set where and how often backups happen by themselves"),
        description=_("With no option, show the plan. Options change only what they name."),
    )
    p.add_argument(
        "--folder",
        action="append",
        type=Path,
        metavar="DIR",
        help=_("a folder for automatic backups (repeat for several; replaces the list)"),
    )
    p.add_argument("--every", choices=backup_plan.FREQUENCIES, help=_("how often (default daily)"))
    p.add_argument("--keep", metavar="N|D,W,M", help=_(KEEP_HELP))
    p.add_argument(
        "--own-passphrase",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=_(
            "protect backups with their own passphrase ($CLINIC_APP_BACKUP_PASSPHRASE, the next "
            "line of --passphrase-stdin, or a prompt); --no-own-passphrase goes back to the vault's"
        ),
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_backup_plan)

    p = sub.add_parser(
        "backups",
        parents=[common],
        help=_("list automatic backups per folder, run them, or rehearse a restore"),
        description=_(
            "Lists every copy with its time, size and check result (each copy is read "
            "back against its checksum)."
        ),
    )
    action = p.add_mutually_exclusive_group()
    action.add_argument(
        "--drill",
        action="store_true",
        help=_("restore the newest copy into a temporary folder and compare it with the vault"),
    )
    action.add_argument("--now", action="store_true", help=_("back up to every folder now"))
    action.add_argument(
        "--due",
        action="store_true",
        help=_("back up where a copy is due (as the desktop app does)"),
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_backups)


def cmd_backup_plan(args: argparse.Namespace) -> int:
    context.refuse_server(
        args, "'backup-plan'", _("back up the clinic server with pg_dump (see docs/server.md).")
    )
    passphrase = secrets.vault_passphrase(args)
    changing = any(
        value is not None for value in (args.folder, args.every, args.keep, args.own_passphrase)
    )
    with context.open_vault_with(args, passphrase) as vault:
        plan = backup_plan.get_plan(vault)
        if changing:
            plan = _change_plan(args, vault, plan, passphrase)
        if args.json:
            print_json(plan.to_json())
        else:
            _print_plan(plan)
    return 0


def _change_plan(
    args: argparse.Namespace, vault: Vault, current: BackupPlan, passphrase: str
) -> BackupPlan:
    keep = backup_plan.parse_keep(args.keep, current.keep) if args.keep is not None else None
    own = current.own_passphrase if args.own_passphrase is None else args.own_passphrase
    secret: str | None = None
    if args.own_passphrase:
        secret = secrets.own_backup_passphrase(args)  # asked for: a new own passphrase
    elif backup_plan.needs_secret(vault, own_passphrase=own):
        secret = secrets.own_backup_passphrase(args) if own else passphrase
    return backup_plan.set_plan(
        vault,
        folders=args.folder,
        every=args.every,
        keep=keep,
        own_passphrase=args.own_passphrase,
        secret=secret,
    )


# The plan's codes in the person's words (the codes are also these words' English msgids, so
# English prints them as before).
_PLAN_WORDS = {
    "daily": N_("daily"),
    "weekly": N_("weekly"),
    "on-close": N_("on-close"),
    "vault passphrase": N_("vault passphrase"),
    "own passphrase": N_("own passphrase"),
}


def _plan_word(code: str) -> str:
    return _(_PLAN_WORDS[code]) if code in _PLAN_WORDS else code


def _print_plan(plan: BackupPlan) -> None:
    if not plan.enabled:
        print(
            _(
                "Automatic backups are off. Turn them on with: "
                "clinic-app backup-plan --folder DIR [--every daily|weekly|on-close]"
            )
        )
        if not plan.destinations:
            return
    else:
        print(
            ngettext(
                "Backups: {every}, to {count} folder:",
                "Backups: {every}, to {count} folders:",
                len(plan.destinations),
            ).format(every=_plan_word(plan.every), count=format_number(len(plan.destinations)))
        )
    for destination in plan.destinations:
        state = (
            _("connected") if destination.present else _("not connected now (skipped until it is)")
        )
        print(f"  {destination.path} ({destination.label}): {state}")
    print(
        _(
            "Keep: {copies} in each folder, older ones thinned out by age; the newest verified "
            "copy is always kept."
        ).format(copies=plan.keep.describe())
    )
    print(_("Protected by: the {protected_by}.").format(protected_by=_plan_word(plan.protected_by)))


def cmd_backups(args: argparse.Namespace) -> int:
    context.refuse_server(
        args, "'backups'", _("back up the clinic server with pg_dump (see docs/server.md).")
    )
    now = datetime.now().astimezone()
    with context.open_vault(args) as vault:
        if args.drill:
            return _drill(args, vault)
        if args.now or args.due:
            return _run(args, vault, now, "now" if args.now else "due")
        listings = backup_runs.list_backups(vault)
        status = backup_status.backup_status(vault, now=now)
    if args.json:
        print_json({"destinations": [x.to_json() for x in listings], "status": status.to_json()})
        return 0
    if not listings:
        print(_("No backup folders are set: clinic-app backup-plan --folder DIR"))
    for listing in listings:
        where = f"{listing.destination.label} ({listing.destination.path})"
        if not listing.present:
            print(_("{where}: not connected").format(where=where))
            continue
        print(
            _("{where}: {count} copy(ies)").format(
                where=where, count=format_number(len(listing.copies))
            )
        )
        for copy in listing.copies:
            print("  " + _copy_line(copy))
    print(status.message.rstrip(".") + ".")
    for note in status.notes:
        print(_("Note: {note}").format(note=note))
    return 0


def _copy_line(copy: Copy) -> str:
    made = copy.made.astimezone().strftime("%Y-%m-%d %H:%M")
    result = {"ok": _("verified"), "unverified": _("not yet verified")}.get(
        copy.verified, _("FAILED: {problem}").format(problem=copy.problem)
    )
    return _("{made}  {size:>14} bytes  {result}  {file}").format(
        made=made, size=format_number(copy.size, ","), result=result, file=copy.file
    )


def _run(args: argparse.Namespace, vault: Vault, now: datetime, trigger: str) -> int:
    report = backup_runs.run_due_backups(vault, now=now, trigger=trigger)
    # Every folder disconnected: nothing was backed up, which is not a success.
    nothing = bool(report.outcomes) and all(o.status == "missing" for o in report.outcomes)
    ok = report.ok and not nothing
    if args.json:
        print_json({"ok": ok, "outcomes": [o.to_json() for o in report.outcomes]})
    for outcome in report.outcomes if not args.json else ():
        where = f"{outcome.destination.label} ({outcome.destination.path})"
        if outcome.status == "made" and outcome.copy is not None:
            thinned = (
                _("; {count} older copy(ies) thinned").format(
                    count=format_number(len(outcome.removed))
                )
                if outcome.removed
                else ""
            )
            print(
                _("{where}: {file} written and verified{thinned}.").format(
                    where=where, file=outcome.copy.file, thinned=thinned
                )
            )
        elif outcome.status == "not_due":
            print(_("{where}: not due yet.").format(where=where))
        elif outcome.status == "missing":
            print(_("{where}: not connected; skipped.").format(where=where))
        elif outcome.status == "failed":
            print(
                _(
                    "{where}: the new copy FAILED its check ({problem}); the earlier good copies were kept."
                ).format(where=where, problem=outcome.problem)
            )
        else:
            print(
                _("{where}: nothing written: {problem}").format(
                    where=where, problem=outcome.problem
                )
            )
    if not report.outcomes and not args.json:
        print(_("No backup folders are set: clinic-app backup-plan --folder DIR"))
    return 0 if ok else 1


def _drill(args: argparse.Namespace, vault: Vault) -> int:
    report = backup_drill.restore_drill(vault)
    if args.json:
        print_json({"drill": report.to_json()})
        return 0 if report.ok else 1
    if report.copy is None:
        print(_("Restore drill failed: {problems}.").format(problems="; ".join(report.problems)))
        return 1
    made = report.made.astimezone().strftime("%Y-%m-%d %H:%M") if report.made else "?"
    print(
        _("Restore drill of the newest copy ({destination}, {made}): {copy}").format(
            destination=report.destination, made=made, copy=report.copy
        )
    )
    if report.problems:
        print(_("  FAILED: {problems}.").format(problems="; ".join(report.problems)))
    if report.copy_head:
        chain = (
            ngettext(
                "its audit log is this vault's up to event {head} ({count} event since)",
                "its audit log is this vault's up to event {head} ({count} events since)",
                report.events_since,
            )
            if report.chain_matches
            else _("its audit log does NOT match this vault's at event {head}")
        ).format(head=report.copy_head, count=format_number(report.events_since))
        print(_("  Audit chain: {chain}.").format(chain=chain))
    for table, in_copy, live in report.counts:
        if not in_copy and not live:
            continue
        mark = "" if in_copy == live else _("  (changed since the copy)")
        print(
            _("  {table}: {in_copy} in the copy, {live} in the vault{mark}").format(
                table=table,
                in_copy=format_number(in_copy),
                live=format_number(live),
                mark=mark,
            )
        )
    print(_("Restore drill passed.") if report.ok else _("Restore drill FAILED."))
    return 0 if report.ok else 1
