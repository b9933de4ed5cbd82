"""`clinic-app rules update FILE`: install a signed rule update carried on a stick or by mail."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from clinic_app.cli import context
from clinic_app.cli.output import print_json
from clinic_app.errors import UserError
from clinic_app.i18n import _
from clinic_app.services import rule_updates
from clinic_app.services.records import to_json


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
