"""Commands for matters (show, add, edit) and what hangs off them: notices, grants and notes."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from clinic_app.cli import context, restrict_commands
from clinic_app.cli.adding import add_record, fields_of
from clinic_app.cli.output import print_json, print_table, word
from clinic_app.cli.usage import flags_for, if_version_flag
from clinic_app.errors import UserError
from clinic_app.i18n import _
from clinic_app.services import deadlines, matters, notes, staff
from clinic_app.services.matters import MatterFields
from clinic_app.services.records import MatterRecord, to_json
from clinic_app.store.base import SERVER, Store

KINDS = "initial|renewal|extension"
NOTICE_KINDS = "receipt|biometrics|rfe|rfe-response|decision|termination"
MATTER_FIELD_FLAGS = {
    "matter kind": "--kind",
    "status": "--status",
    "filed on": "--filed",
    "receipt number": "--receipt",
    "worksite": "--worksite",
    "program": "--program",
}
NOTICE_FIELD_FLAGS = {
    "event kind": "--kind",
    "notice date": "--date",
    "due date": "--due",
    "appointment date": "--due",
    "receipt number": "--receipt",
    "decision": "--decision",
}
GRANT_FIELD_FLAGS = {"grant kind": "--kind", "*start": "--start", "*end": "--end"}


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "matter",
        parents=[common],
        help=_("show, open or edit a matter"),
        description=_("'clinic-app matter ID' is short for 'matter show ID'."),
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    q = actions.add_parser(
        "show", parents=[common], help=_("a matter with its grants, notices, notes and deadlines")
    )
    q.add_argument("matter_id", type=int, metavar="ID")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_matter_show)
    q = actions.add_parser("add", parents=[common], help=_("open a matter for a client"))
    q.add_argument("--client", type=int, required=True, metavar="ID")
    q.add_argument("--kind", required=True, metavar=KINDS)
    _matter_links(q)
    q.add_argument("--json", action="store_true", help=_("print the new matter, with its id"))
    q.set_defaults(func=cmd_matter_add)
    q = actions.add_parser("edit", parents=[common], help=_("change a matter's fields"))
    q.add_argument("matter_id", type=int, metavar="ID")
    q.add_argument(
        "--status",
        metavar="STAGE",
        help=_("pipeline stage: {stages}").format(stages=", ".join(_stages())),
    )
    q.add_argument("--kind", metavar=KINDS)
    q.add_argument("--filed", metavar="DATE", help=_("date filed with USCIS ('' clears it)"))
    q.add_argument("--receipt", metavar="NUMBER", help=_("USCIS receipt number ('' clears it)"))
    _matter_links(q)
    if_version_flag(q, "matter")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_matter_edit)
    restrict_commands.add_to(actions, common)

    p = sub.add_parser("notice", parents=[common], help=_("record a USCIS notice on a matter"))
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    q = actions.add_parser(
        "add",
        parents=[common],
        help=_("record a notice; the matter moves along and its deadlines follow"),
        description=_(
            "An RFE without --due is due 84 days after --date (87 with --mailed). "
            "A biometrics notice needs the appointment day as --due."
        ),
    )
    q.add_argument("--matter", type=int, required=True, metavar="ID")
    q.add_argument("--kind", required=True, metavar=NOTICE_KINDS)
    q.add_argument("--date", required=True, metavar="DATE", help=_("the date on the notice"))
    q.add_argument("--due", metavar="DATE", help=_("RFE response due date, or appointment day"))
    q.add_argument("--receipt", metavar="NUMBER", help=_("receipt number (receipt notices)"))
    q.add_argument("--decision", metavar="granted|denied", help=_("outcome (decision notices)"))
    q.add_argument("--mailed", action="store_true", help=_("the RFE came by mail (3 more days)"))
    q.add_argument("--details", default="", metavar="TEXT")
    q.add_argument("--json", action="store_true", help=_("print the new notice, with its id"))
    q.set_defaults(func=cmd_notice_add)

    p = sub.add_parser("grant", parents=[common], help=_("record a grant on a matter"))
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    q = actions.add_parser("add", parents=[common], help=_("deferred action or a work permit"))
    q.add_argument("--matter", type=int, required=True, metavar="ID")
    q.add_argument("--kind", required=True, metavar="deferred-action|work-permit")
    q.add_argument("--start", required=True, metavar="DATE")
    q.add_argument("--end", required=True, metavar="DATE")
    q.add_argument("--category", default="", help=_("work-permit category (default c14)"))
    q.add_argument("--json", action="store_true", help=_("print the new grant, with its id"))
    q.set_defaults(func=cmd_grant_add)

    p = sub.add_parser("note", parents=[common], help=_("add a note to a client or a matter"))
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    q = actions.add_parser("add", parents=[common], help=_("add a note"))
    on = q.add_mutually_exclusive_group(required=True)
    on.add_argument("--client", type=int, metavar="ID")
    on.add_argument("--matter", type=int, metavar="ID")
    q.add_argument("text", nargs="+", metavar="TEXT")
    q.add_argument("--json", action="store_true", help=_("print the new note, with its id"))
    q.set_defaults(func=cmd_note_add)


def _stages() -> list[str]:
    from clinic_app.domain.vocab import MATTER_STATUSES

    return [s.replace("_", "-") for s in MATTER_STATUSES]


def _matter_links(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--program", metavar="ID", help=_("program (default labor-deferred-action)")
    )
    parser.add_argument("--letter", type=int, metavar="ID", help=_("the agency letter relied on"))
    parser.add_argument("--employer", type=int, metavar="ID", help=_("default: the letter's"))
    parser.add_argument("--worksite", type=int, metavar="ID", help=_("default: the letter's"))
    parser.add_argument("--assignee", metavar="NAME", help=_("staff member ('' for nobody)"))


def _staff_id(vault: Store, name: str) -> int | None:
    if not name.strip():
        return None
    found = staff.find_staff(vault, name=name)
    if found is None and vault.kind == SERVER:
        raise UserError(
            _(
                "--assignee: there is no one named '{name}' on the clinic server; give a name or "
                "account from 'clinic-app staff', or have an admin add the person with "
                "'clinic-app server adduser'."
            ).format(name=name.strip())
        )
    if found is None:
        raise UserError(
            _(
                "--assignee: there is no staff member named '{name}'; add one with "
                "'clinic-app staff add \"{name}\" --role paralegal' or see 'clinic-app staff'."
            ).format(name=name.strip())
        )
    return found.id


def _matter_fields(vault: Store, args: argparse.Namespace) -> MatterFields:
    fields: dict[str, Any] = {}
    for attr, key in (
        ("program", "program"),
        ("kind", "kind"),
        ("status", "status"),
        ("letter", "agency_letter_id"),
        ("employer", "employer_id"),
        ("worksite", "worksite_id"),
        ("filed", "filed_on"),
        ("receipt", "receipt_number"),
    ):
        value = getattr(args, attr, None)
        if value is not None:
            fields[key] = value
    if args.assignee is not None:
        fields["assigned_staff_id"] = _staff_id(vault, args.assignee)
    if fields.get("receipt_number") == "":
        fields["receipt_number"] = None
    return fields  # type: ignore[return-value]


def matter_json(vault: Store, record: MatterRecord) -> dict[str, Any]:
    """A matter with everything the commands set, and the deadlines that follow from it."""
    found = deadlines.list_deadlines(
        vault, today=date.today(), matter_id=record.id, include_done=True
    )
    return to_json(record) | {
        "grants": [to_json(g) for g in matters.list_grants(vault, matter_id=record.id)],
        "notices": [to_json(e) for e in matters.list_events(vault, matter_id=record.id)],
        "notes": [to_json(n) for n in notes.list_notes(vault, matter_id=record.id)],
        "deadlines": [to_json(d) for d in found],
    }


def _show(vault: Store, record: MatterRecord, as_json: bool) -> None:
    data = matter_json(vault, record)
    if as_json:
        print_json(data)
        return
    print(
        _("Matter {id}: {kind} {program} request for {client} (client {client_id})").format(
            id=record.id,
            kind=word("matter_kind", record.kind),
            program=word("program", record.program),
            client=record.client_name,
            client_id=record.client_id,
        )
    )
    for label, value in (
        (_("Status"), word("stage", record.status).replace("_", " ")),
        (_("Agency letter"), record.agency_letter_id),
        (_("Employer"), record.employer),
        (_("Worksite"), record.worksite_id),
        (_("Assignee"), record.assigned_to),
        (_("Filed"), record.filed_on),
        (_("Receipt"), record.receipt_number),
        (_("Decision"), word("decision", record.decision or "")),
    ):
        if value:
            print(f"  {label}: {value}")
    for grant in data["grants"]:
        print(
            f"  {_('Grant')} {grant['id']}: {word('grant_kind', grant['kind'])} {grant['start']} – {grant['end']}"
        )
    for notice in data["notices"]:
        due = f" ({_('due')} {notice['due_on']})" if notice["due_on"] else ""
        print(
            f"  {_('Notice')} {notice['id']}: {word('notice', notice['kind'])} {notice['occurred_on']}{due}"
        )
    for note in data["notes"]:
        print(f"  [{note['created_at'][:10]}] {note['body']}")
    print()
    print_table(
        [_("Deadline"), _("Due"), _("Status"), _("What")],
        [
            (d["id"], d["due"], word("deadline_status", d["status"]), d["message"])
            for d in data["deadlines"]
        ],
        _("No deadlines follow from this matter yet."),
    )


def cmd_matter_show(args: argparse.Namespace) -> int:
    with context.open_store(args) as vault:
        _show(vault, matters.get_matter(vault, matter_id=args.matter_id), args.json)
    return 0


def cmd_matter_add(args: argparse.Namespace) -> int:
    with context.open_store(args) as vault:
        fields = _matter_fields(vault, args)
        with flags_for(MATTER_FIELD_FLAGS):
            record = matters.add_matter(vault, client_id=args.client, **fields).record
        if not args.json:
            print(
                _("Opened matter {id} for client {client}.").format(
                    id=record.id, client=args.client
                )
            )
        _show(vault, record, args.json)
    return 0


def cmd_matter_edit(args: argparse.Namespace) -> int:
    with context.open_store(args) as vault:
        fields = _matter_fields(vault, args)
        if not fields:
            raise UserError(
                _(
                    "Nothing to change: give at least one flag (see 'clinic-app matter edit --help')."
                )
            )
        with flags_for(MATTER_FIELD_FLAGS):
            changed = matters.update_matter(
                vault, matter_id=args.matter_id, version=args.if_version, **fields
            )
        if not args.json:
            print(
                _("Matter {id} updated.").format(id=args.matter_id)
                if not changed.changes.empty
                else _("Matter {id} already had those values; nothing changed.").format(
                    id=args.matter_id
                )
            )
        _show(vault, changed.record, args.json)
    return 0


def cmd_notice_add(args: argparse.Namespace) -> int:
    kind = args.kind.strip().lower().replace("-", "_")
    if args.receipt is not None and kind != "receipt":
        raise UserError(_("--receipt: only a receipt notice carries a receipt number."))
    if args.decision is not None and kind != "decision":
        raise UserError(_("--decision: only a decision notice carries an outcome."))
    with context.open_store(args) as vault, flags_for(NOTICE_FIELD_FLAGS):
        changed = matters.add_notice(
            vault,
            matter_id=args.matter,
            kind=args.kind,
            occurred_on=args.date,
            due_on=args.due,
            mailed=args.mailed,
            details=args.details,
            receipt_number=args.receipt,
            decision=args.decision,
        )
        status = matters.get_matter(vault, matter_id=args.matter).status
    if args.json:
        print_json(to_json(changed.record) | {"matter_status": status})
    else:
        print(
            _("Recorded {kind} notice {id} on matter {matter}; it is now at {status}.").format(
                kind=changed.record.kind.replace("_", " "),
                id=changed.record.id,
                matter=args.matter,
                status=status.replace("_", " "),
            )
        )
    return 0


def cmd_grant_add(args: argparse.Namespace) -> int:
    fields = fields_of(
        args, matter_id="matter", kind="kind", start="start", end="end", category="category"
    )
    return add_record(
        args,
        GRANT_FIELD_FLAGS,
        lambda store: matters.add_grant(store, **fields),
        lambda record: _("Recorded grant {id} on matter {matter}: {kind} {start} to {end}.").format(
            id=record.id,
            matter=args.matter,
            kind=record.kind.replace("_", " "),
            start=record.start,
            end=record.end,
        ),
    )


def cmd_note_add(args: argparse.Namespace) -> int:
    return add_record(
        args,
        {"note": "TEXT"},
        lambda store: notes.add_note(
            store, body=" ".join(args.text), client_id=args.client, matter_id=args.matter
        ),
        lambda record: _("Added note {id}.").format(id=record.id),
    )
