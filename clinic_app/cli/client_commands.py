"""Commands for clients (show by id or name, add, edit) and staff (list, add)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from clinic_app.cli import context
from clinic_app.cli.output import print_json, print_table, word
from clinic_app.cli.record_commands import matter_table
from clinic_app.cli.usage import flags_for, if_version_flag
from clinic_app.domain.vocab import STAFF_ROLES
from clinic_app.errors import UserError
from clinic_app.i18n import N_, _, format_number
from clinic_app.services import clients, conflicts, matters, notes, staff
from clinic_app.services.clients import ClientFields
from clinic_app.services.records import ClientRecord, to_json
from clinic_app.store.base import Store

# (flag, ClientFields key, help) for every client field a command can set.
CLIENT_FLAGS = (
    ("--first-name", "first_name", N_("given names, as the person writes them")),
    ("--last-name", "last_name", N_("family names (a one-word name may go in either)")),
    ("--dob", "date_of_birth", N_("date of birth, YYYY-MM-DD or MM/DD/YYYY")),
    ("--a-number", "a_number", N_("A-number in any spelling (A-012-345-678, 12345678)")),
    ("--country", "country_of_birth", N_("country of birth")),
    ("--language", "preferred_languages", N_("languages, preferred first: es or 'es,mam'")),
    ("--phone", "phone", N_("phone number")),
    ("--email", "email", N_("email address")),
    ("--address", "address", N_("postal address (write \\n for a new line)")),
    ("--state", "state", N_("US state the client lives in (default: read from --address)")),
    ("--safe-contact", "safe_contact", N_("how to reach the person safely")),
    (
        "--contact-rules",
        "contact_rules",
        N_("safe-contact rules letters follow: no_mail, text_only, no_voicemail ('' clears them)"),
    ),
    ("--mail-to", "mail_to", N_("mail letters here, not to the home address (\\n for a new line)")),
    ("--other-names", "other_names", N_("other names used, separated by ';'")),
)
# Which flag set a field the services name in an error.
CLIENT_FIELD_FLAGS = {
    "name": "--first-name or --last-name",
    "first name": "--first-name",
    "last name": "--last-name",
    "other names": "--other-names",
    "country of birth": "--country",
    "phone": "--phone",
    "address": "--address",
    "safe contact": "--safe-contact",
    "safe-contact rules": "--contact-rules",
    "mail to": "--mail-to",
    "date of birth": "--dob",
    "A-number": "--a-number",
    "preferred language": "--language",
    "email": "--email",
    "state": "--state",
}
ROLES = "|".join(r.replace("_", "-") for r in STAFF_ROLES if r != "other")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "client",
        parents=[common],
        help=_("show, add or edit a client"),
        description=_(
            "'clinic-app client ID' (or a name to search for) is short for 'client show'."
        ),
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    q = actions.add_parser(
        "show", parents=[common], help=_("one client with matters and notes, by id or by name")
    )
    q.add_argument("client", metavar="ID|NAME", help=_("a client id, or a name to search for"))
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_client_show)
    q = actions.add_parser("add", parents=[common], help=_("add a client"))
    _client_flags(q)
    q.add_argument("--json", action="store_true", help=_("print the new client, with its id"))
    q.set_defaults(func=cmd_client_add)
    q = actions.add_parser(
        "edit", parents=[common], help=_("change some of a client's fields ('' clears one)")
    )
    q.add_argument("client_id", type=int, metavar="ID")
    _client_flags(q)
    if_version_flag(q, "client")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_client_edit)

    p = sub.add_parser(
        "staff",
        parents=[common],
        help=_("list staff members, or add one"),
        description=_("Staff are named by --assignee, --by and the import's assignee column."),
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_staff_list)
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    q = actions.add_parser("add", parents=[common], help=_("add a staff member"))
    q.add_argument("name", metavar="NAME")
    q.add_argument(
        "--role",
        required=True,
        metavar="ROLE",
        help=_("{roles} (only attorneys and accredited representatives sign off packets)").format(
            roles=ROLES
        ),
    )
    q.add_argument("--email", default="", help=_("email address"))
    q.add_argument("--json", action="store_true", help=_("print the new staff member, with its id"))
    q.set_defaults(func=cmd_staff_add)


def _client_flags(parser: argparse.ArgumentParser) -> None:
    for flag, _key, helptext in CLIENT_FLAGS:
        parser.add_argument(flag, metavar="TEXT" if flag != "--dob" else "DATE", help=_(helptext))


def _client_fields(args: argparse.Namespace) -> ClientFields:
    fields: dict[str, Any] = {}
    for flag, key, _help in CLIENT_FLAGS:
        value = getattr(args, flag[2:].replace("-", "_"))
        if value is None:
            continue
        if key in ("address", "mail_to"):
            value = value.replace("\\n", "\n")
        elif key == "other_names":
            value = [part.strip() for part in value.split(";")]
        fields[key] = value
    return fields  # type: ignore[return-value]


def _client_json(vault: Store, record: ClientRecord) -> dict[str, Any]:
    """A client with everything the commands set: fields, matters and notes."""
    return to_json(record) | {
        "full_name": record.full_name,
        "matters": [to_json(m) for m in matters.list_matters(vault, client_id=record.id)],
        "notes": [to_json(n) for n in notes.list_notes(vault, client_id=record.id)],
    }


def cmd_client_add(args: argparse.Namespace) -> int:
    fields = _client_fields(args)
    with context.open_store(args) as vault, flags_for(CLIENT_FIELD_FLAGS):
        record = clients.add_client(vault, **fields).record
        found, check_id = conflicts.check_added_client(vault, client_id=record.id)
        data = _client_json(vault, record) if args.json else None
    if data is not None:
        print_json(data | {"conflicts": [m.as_json() for m in found]})
    else:
        print(_("Added client {id}: {name}.").format(id=record.id, name=record.full_name))
    if found:  # nobody here to ask: an attorney decides (conflicts review)
        print(
            _(
                "Possible conflict: {n} possible matches, best {name} ({score}); sent to an "
                "attorney as conflict check {check} (clinic-app conflicts review)."
            ).format(
                n=format_number(len(found)),
                name=found[0].name,
                score=found[0].score,
                check=check_id,
            ),
            file=sys.stderr,
        )
    return 0


def cmd_client_edit(args: argparse.Namespace) -> int:
    fields = _client_fields(args)
    if not fields:
        raise UserError(
            _("Nothing to change: give at least one of {flags}.").format(
                flags=", ".join(flag for flag, _k, _h in CLIENT_FLAGS)
            )
        )
    with context.open_store(args) as vault, flags_for(CLIENT_FIELD_FLAGS):
        changed = clients.update_client(
            vault, client_id=args.client_id, version=args.if_version, **fields
        )
        data = _client_json(vault, changed.record) if args.json else None
    if data is not None:
        print_json(data)
    elif changed.changes.empty:
        print(_("Client {id} already had those values; nothing changed.").format(id=args.client_id))
    else:
        print(_("Client {id} updated.").format(id=args.client_id))
    return 0


def find_client(vault: Store, text: str) -> ClientRecord:
    """The client with this id, or the only client a search for this text finds."""
    if text.strip().isdigit():
        return clients.get_client(vault, client_id=int(text))
    found = clients.list_clients(vault, search_text=text, limit=6)
    if not found:
        raise UserError(
            _(
                "No client matches '{text}'; list clients with 'clinic-app clients --search'."
            ).format(text=text)
        )
    if len(found) > 1:
        total = clients.count_clients(vault, search_text=text)
        shown = ", ".join(f"{c.id} {c.full_name}" for c in found[:5])
        raise UserError(
            _("{n} clients match '{text}' ({shown}{more}); name one by its id.").format(
                n=format_number(total), text=text, shown=shown, more=", …" if total > 5 else ""
            )
        )
    return clients.get_client(vault, client_id=found[0].id)


def cmd_client_show(args: argparse.Namespace) -> int:
    with context.open_store(args) as vault:
        record = find_client(vault, args.client)
        if args.json:
            print_json(_client_json(vault, record))
            return 0
        its_matters = matters.list_matters(vault, client_id=record.id)
        its_notes = notes.list_notes(vault, client_id=record.id)
    print(_("{full_name} (client {id})").format(full_name=record.full_name, id=record.id))
    for label, value in (
        (_("A-number"), record.a_number or _("none")),
        (_("Born"), record.date_of_birth),
        (_("Country of birth"), record.country_of_birth),
        (_("Languages"), ", ".join(record.preferred_languages)),
        (_("Phone"), record.phone),
        (_("Email"), record.email),
        (_("Address"), record.address.replace("\n", ", ")),
        (_("State"), record.state),
        (_("Safe contact"), record.safe_contact),
        (_("Safe-contact rules"), ", ".join(record.contact_rules)),
        (_("Mail to"), record.mail_to.replace("\n", ", ")),
        (_("Other names"), "; ".join(record.other_names)),
    ):
        if value:
            print(f"  {label}: {value}")
    print()
    matter_table(its_matters)
    for note in its_notes:
        print(f"  [{note.created_at:%Y-%m-%d}] {note.body}")
    return 0


def cmd_staff_list(args: argparse.Namespace) -> int:
    with context.open_store(args) as vault:
        rows = staff.list_staff(vault)
    if args.json:
        print_json([to_json(r) for r in rows])
        return 0
    print_table(
        [_("ID"), _("Name"), _("Role"), _("Email"), _("Active")],
        [
            (
                r.id,
                r.name,
                word("staff_role", r.role).replace("_", " "),
                r.email,
                _("yes") if r.active else _("no"),
            )
            for r in rows
        ],
        _("No staff yet: add one with 'clinic-app staff add NAME --role {roles}'.").format(
            roles=ROLES
        ),
    )
    return 0


def cmd_staff_add(args: argparse.Namespace) -> int:
    with context.open_store(args) as vault, flags_for({"staff name": "NAME", "role": "--role"}):
        record = staff.add_staff(vault, name=args.name, role=args.role, email=args.email).record
    if args.json:
        print_json(to_json(record))
    else:
        print(
            _("Added staff member {id}: {name} ({role}).").format(
                id=record.id,
                name=record.name,
                role=word("staff_role", record.role).replace("_", " "),
            )
        )
    return 0
