"""`clinic-app server disable|enable`: stop an account from logging in, or let it log in again."""

from __future__ import annotations

import argparse
from typing import Any

from clinic_app.cli import server_commands as base
from clinic_app.cli.server_upkeep_commands import sessions_ended
from clinic_app.i18n import N_, _


def register(
    actions: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    stdin_flag: bool,
) -> None:
    for name, text, description, func in (
        (
            "disable",
            N_("stop an account from logging in (its records and history stay)"),
            N_(
                "By a clinic admin: the account can no longer log in and its open sessions end; "
                "its records and audit history stay, and 'server enable' lets it in again. "
            ),
            cmd_disable,
        ),
        (
            "enable",
            N_("let a disabled account log in again"),
            N_(
                "By a clinic admin: a disabled account may log in again, with the password it "
                "had (reset it with 'server passwd NAME'). "
            ),
            cmd_enable,
        ),
    ):
        q = actions.add_parser(
            name,
            parents=[common],
            help=_(text),
            description=_(description) + _(base.CONNECT_HELP),
        )
        q.add_argument("name", metavar="NAME", help=_("the account, as 'server users' lists it"))
        base._connect_options(q, stdin_flag)
        q.set_defaults(func=func)


def cmd_disable(args: argparse.Namespace) -> int:
    change = _set_sign_in(args, allowed=False)
    login = change.person.login
    if not change.changed:
        print(_("{login} was already disabled; nothing was changed.").format(login=login))
        return 0
    print(_("{login} can no longer log in; their records and history stay.").format(login=login))
    print(sessions_ended(login, change.ended, own=False))
    return 0


def cmd_enable(args: argparse.Namespace) -> int:
    change = _set_sign_in(args, allowed=True)
    login = change.person.login
    if not change.changed:
        print(_("{login} can already log in; nothing was changed.").format(login=login))
        return 0
    print(
        _(
            "{login} can log in again, with the password they had; to give them a new one: "
            "'clinic-app server passwd {login}'."
        ).format(login=login)
    )
    return 0


def _set_sign_in(args: argparse.Namespace, *, allowed: bool) -> Any:
    """Enable or disable args.name as the connecting admin (audited; see accounts.set_sign_in)."""
    from clinic_app.server import accounts
    from clinic_app.server.connect import person_connection

    params = base._connection_params(args)
    admin = str(params["user"])
    admin_password = base._login_password(args, admin)
    person_connection(params, admin_password).close()  # a wrong password: one sentence, exit 3
    engine = accounts.transactional(lambda: person_connection(params, admin_password))
    try:
        return base._as_admin(
            lambda: accounts.set_sign_in(
                engine, login=args.name, allowed=allowed, key_from=(admin, admin_password)
            )
        )
    finally:
        engine.dispose()
