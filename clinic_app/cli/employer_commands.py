"""Commands that add employers, their worksites and agency letters (Statements of Interest)."""

from __future__ import annotations

import argparse

from clinic_app.cli.adding import add_record, fields_of
from clinic_app.i18n import _
from clinic_app.services import employers, letters

LETTER_FIELD_FLAGS = {
    "agency": "--agency",
    "letter date": "--issued",
    "letter period start": "--period-start",
    "letter period end": "--period-end",
}


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("employer", parents=[common], help=_("add an employer"))
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    q = actions.add_parser("add", parents=[common], help=_("add an employer"))
    q.add_argument("name", metavar="NAME")
    q.add_argument("--address", default="", metavar="TEXT")
    q.add_argument("--city", default="", metavar="TEXT")
    q.add_argument("--state", default="", metavar="XX")
    q.add_argument("--json", action="store_true", help=_("print the new employer, with its id"))
    q.set_defaults(func=cmd_employer_add)

    p = sub.add_parser("worksite", parents=[common], help=_("add an employer's worksite"))
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    q = actions.add_parser("add", parents=[common], help=_("add a worksite"))
    q.add_argument("--employer", type=int, required=True, metavar="ID")
    q.add_argument("--city", required=True, metavar="TEXT")
    q.add_argument("--state", required=True, metavar="XX")
    q.add_argument("--name", default="", metavar="TEXT", help=_("what the workers call it"))
    q.add_argument("--address", default="", metavar="TEXT")
    q.add_argument("--json", action="store_true", help=_("print the new worksite, with its id"))
    q.set_defaults(func=cmd_worksite_add)

    p = sub.add_parser(
        "letter", parents=[common], help=_("add an agency letter (Statement of Interest)")
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    q = actions.add_parser(
        "add",
        parents=[common],
        help=_("record a Statement of Interest; matters opened with --letter rely on it"),
    )
    q.add_argument("--agency", required=True, metavar="TEXT", help=_("e.g. DOL-WHD, NLRB, EEOC"))
    q.add_argument("--employer", type=int, required=True, metavar="ID")
    q.add_argument("--worksite", type=int, metavar="ID")
    q.add_argument("--issued", required=True, metavar="DATE", help=_("the date on the letter"))
    q.add_argument("--period-start", required=True, metavar="DATE")
    q.add_argument("--period-end", required=True, metavar="DATE")
    q.add_argument("--reference", default="", metavar="TEXT", help=_("the agency's case number"))
    q.add_argument("--json", action="store_true", help=_("print the new letter, with its id"))
    q.set_defaults(func=cmd_letter_add)


def cmd_employer_add(args: argparse.Namespace) -> int:
    employer_flags = {"employer name": "NAME", "employer address": "--address", "city": "--city"}
    return add_record(
        args,
        employer_flags,
        lambda store: employers.add_employer(store, **_place(args)),
        lambda record: _("Added employer {id}: {name}.").format(id=record.id, name=record.name),
    )


WORKSITE_FIELD_FLAGS = {
    "worksite name": "--name",
    "worksite address": "--address",
    "city": "--city",
}


def _place(args: argparse.Namespace) -> dict[str, str]:
    return fields_of(args, name="name", address="address", city="city", state="state")


def cmd_worksite_add(args: argparse.Namespace) -> int:
    return add_record(
        args,
        WORKSITE_FIELD_FLAGS,
        lambda store: employers.add_worksite(store, employer_id=args.employer, **_place(args)),
        lambda record: _("Added worksite {id} of employer {employer}: {city}, {state}.").format(
            id=record.id, employer=record.employer_id, city=record.city, state=record.state
        ),
    )


def cmd_letter_add(args: argparse.Namespace) -> int:
    fields = fields_of(
        args,
        agency="agency",
        employer_id="employer",
        worksite_id="worksite",
        date_issued="issued",
        period_start="period_start",
        period_end="period_end",
        reference="reference",
    )
    return add_record(
        args,
        LETTER_FIELD_FLAGS,
        lambda store: letters.add_letter(store, **fields),
        lambda record: _(
            "Added agency letter {id}: {agency}, {employer}, {start} to {end}."
        ).format(
            id=record.id,
            agency=record.agency,
            employer=record.employer,
            start=record.period_start,
            end=record.period_end,
        ),
    )
