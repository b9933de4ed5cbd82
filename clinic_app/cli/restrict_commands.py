"""`clinic-app matter restrict ID --to NAME[,NAME]` and `--clear`: who may open a matter."""

from __future__ import annotations

import argparse

from clinic_app.cli import context
from clinic_app.cli.usage import flags_for
from clinic_app.errors import UserError
from clinic_app.i18n import _


def add_to(actions: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """Add `restrict` under `matter`."""
    q = actions.add_parser(
        "restrict",
        parents=[common],
        help=_("let only named staff open a matter (others see whom to ask)"),
        description=_(
            "On the clinic server the database enforces it: everyone else sees that the "
            "matter exists and whom to ask, never its details, and a client whose every matter is "
            "restricted is hidden too. With neither --to nor --clear, prints who may open it."
        ),
    )
    q.add_argument("matter_id", type=int, metavar="ID")
    q.add_argument(
        "--to", metavar="NAME[,NAME]", help=_("account or staff-list names, comma-separated")
    )
    q.add_argument("--clear", action="store_true", help=_("lift the restriction"))
    q.set_defaults(func=cmd_matter_restrict)


def cmd_matter_restrict(args: argparse.Namespace) -> int:
    from clinic_app.services import restrictions

    if args.to is not None and args.clear:
        raise UserError(_("Give either --to or --clear, not both."))
    if args.to is not None and not [n for n in args.to.split(",") if n.strip()]:
        raise UserError(_("--to: name at least one person who may open the matter."))
    with context.open_store(args) as vault:
        if args.clear:
            restrictions.clear_restriction(vault, matter_id=args.matter_id)
            print(_("Matter {id} is no longer restricted.").format(id=args.matter_id))
            return 0
        if args.to is not None:
            with flags_for({restrictions.FIELD: "--to"}):
                names = restrictions.restrict_matter(
                    vault, matter_id=args.matter_id, staff=args.to.split(",")
                ).record
        else:
            names = restrictions.restricted_to(vault, matter_id=args.matter_id)
        if names:
            print(
                _("Matter {id} is restricted to: {names}.").format(
                    id=args.matter_id, names=", ".join(names)
                )
            )
        else:
            print(_("Matter {id} is not restricted.").format(id=args.matter_id))
    return 0
