"""`clinic-app server passwd|renew-cert|import-vault`: passwords, the server certificate, a vault moved in."""

from __future__ import annotations

import argparse
from pathlib import Path

from clinic_app.cli import server_commands as base
from clinic_app.errors import UserError
from clinic_app.i18n import _, format_number, ngettext


def register(
    actions: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    stdin_flag: bool,
) -> None:
    q = actions.add_parser(
        "passwd",
        parents=[common],
        help=_("change your own password, or (an admin) reset another person's"),
        description=_(
            "Changes the password of the account you connect as, or with NAME (an admin "
            "only) resets that person's, and wraps the clinic file key anew for the new password "
            "in the same transaction, so the person still opens evidence files and drafts. "
        )
        + _(base.CONNECT_HELP),
        epilog=_("The new password: the next line of --password-stdin, else asked twice."),
    )
    q.add_argument("name", metavar="NAME", nargs="?", help=_("the account to reset (admins only)"))
    base._connect_options(q, stdin_flag)
    q.set_defaults(func=cmd_passwd)

    q = actions.add_parser(
        "renew-cert",
        parents=[common],
        help=_("issue a new server certificate from the clinic CA (laptops keep working)"),
        description=_(
            "Signs a new certificate and key for the server in DATADIR with the clinic CA "
            "made by 'server create' (the same CA, so laptops need nothing new), keeping the names of "
            "the current certificate, and makes a running server use it at once."
        ),
    )
    q.add_argument("datadir", type=Path, metavar="DATADIR")
    q.add_argument(
        "--host-name",
        metavar="NAME",
        default=None,
        help=_("a new name laptops use to reach this machine (default: the current certificate's)"),
    )
    q.set_defaults(func=cmd_renew_cert)

    q = actions.add_parser(
        "import-vault",
        parents=[common],
        help=_("move a single-laptop vault (records, files, audit history) onto the server"),
        description=_(
            "Copies every record of the vault in DIR onto the clinic server, keeping its "
            "numbers; its evidence files, kept drafts and templates are re-sealed on this computer "
            "under the clinic file key before they are sent; its settings and deadline rules go "
            "with it, and its audit log is kept read-only beside the server's (with one event by "
            "you naming the vault and the counts). All or nothing, in one transaction, by a clinic "
            "admin, onto a server that holds no records yet. "
        )
        + _(base.CONNECT_HELP),
        epilog=_(
            "The vault's passphrase: $CLINIC_APP_PASSPHRASE, else the next line of "
            "--passphrase-stdin (after the admin's password when both come from standard input), "
            "else a prompt."
        ),
    )
    q.add_argument("dir", type=Path, metavar="DIR", help=_("the vault folder"))
    base._connect_options(q, stdin_flag)
    q.set_defaults(func=cmd_import_vault)


# -- passwd ---------------------------------------------------------------------------------------


def cmd_passwd(args: argparse.Namespace) -> int:
    from clinic_app.server import accounts
    from clinic_app.server.connect import person_connection

    params = base._connection_params(args)
    me = str(params["user"])
    target = args.name or me
    accounts.check_login(target, "NAME")
    my_password = base._login_password(args, me)
    with person_connection(params, my_password) as conn:  # a wrong password asks for nothing more
        known = {p.login: p for p in accounts.list_people(conn)}
    if target not in known:
        raise UserError(
            _("There is no clinic account named '{login}': see 'clinic-app server users'.").format(
                login=target
            )
        )
    if target != me and (me not in known or known[me].role != "admin"):
        raise UserError(
            _(
                "Only a clinic admin may reset another person's password: leave out NAME to "
                "change your own."
            )
        )
    new = accounts.check_password(base._new_password(args, target, env_allowed=False))
    engine = accounts.transactional(lambda: person_connection(params, my_password))
    try:
        ended = base._refused_as(
            lambda: accounts.change_password(
                engine, login=target, new_password=new, key_from=(me, my_password)
            ),
            _(
                "The clinic server refused the change (only a clinic admin may reset another "
                "person's password); nothing was changed."
            ),
        )
    finally:
        engine.dispose()
    if target == me:
        print(
            _(
                "Your password is changed ({login}); your copy of the clinic file key opens with "
                "the new one."
            ).format(login=me)
        )
    else:
        print(
            _(
                "The password of {login} is reset and the clinic file key is wrapped for it: give "
                "it to them privately; they can choose their own with 'clinic-app server passwd'."
            ).format(login=target)
        )
    print(sessions_ended(target, ended, own=target == me))
    return 0


def sessions_ended(login: str, ended: int | None, *, own: bool) -> str:
    """What became of the person's open sessions after a password change or a disable."""
    if ended is None:
        return _(
            "This server does not let clinic admins end open sessions (the pg_signal_backend "
            "role), so a session {login} already has open carries on until it closes."
        ).format(login=login)
    if own and not ended:
        return _("You had no other open session.")
    if own:
        return ngettext(
            "Your {n} other open session (another computer, the desktop app or a shell) was "
            "ended; sign in there again with the new password.",
            "Your {n} other open sessions (other computers, the desktop app or a shell) were "
            "ended; sign in there again with the new password.",
            ended,
        ).format(n=format_number(ended))
    if not ended:
        return _("{login} had no open session.").format(login=login)
    return ngettext(
        "{n} open session of {login} was ended.", "{n} open sessions of {login} were ended.", ended
    ).format(n=format_number(ended), login=login)


# -- renew-cert -----------------------------------------------------------------------------------


def cmd_renew_cert(args: argparse.Namespace) -> int:
    from clinic_app.server import binaries, cluster, provision, renewal

    folder = cluster.ServerFolder(args.datadir.resolve())
    cluster.read_info(folder)
    host = provision.check_host_name(args.host_name) if args.host_name is not None else None
    renewed = renewal.renew(binaries.find_programs(), folder, host)
    print(
        _("A new server certificate for {names} is in place, valid until {date}.").format(
            names=", ".join(renewed.names), date=renewed.expires.strftime("%Y-%m-%d")
        )
    )
    if renewed.reloaded:
        print(_("The running server uses it now; open sessions continue."))
    else:
        print(
            _("The server uses it when it starts ('clinic-app server start {path}').").format(
                path=folder.root
            )
        )
    print(
        _("Clinic CA fingerprint (SHA-256, unchanged: laptops need nothing new): {fp}").format(
            fp=renewed.ca_fingerprint
        )
    )
    return 0


# -- import-vault ---------------------------------------------------------------------------------


def cmd_import_vault(args: argparse.Namespace) -> int:
    import os

    from sqlalchemy import text

    from clinic_app.cli import secrets
    from clinic_app.errors import UnlockError
    from clinic_app.server import vault_import
    from clinic_app.store.postgres import PostgresStore
    from clinic_app.vault.vault import Vault

    params = base._connection_params(args)
    url = args.url or getattr(args, "server", None) or os.environ.get(base.SERVER_ENV)
    user = str(params["user"])
    store = PostgresStore.connect(str(url), user=user, password=base._login_password(args, user))
    try:
        with store.reader() as session:
            role = session.connection().execute(text("SELECT clinic_role()")).scalar()
        if role != "admin":
            raise UserError(
                _(
                    "Only a clinic admin may move a vault onto the server: connect as one with "
                    "--url postgresql://ADMIN@HOST:PORT/DB (or --user ADMIN)."
                )
            )
        passphrase = secrets.vault_passphrase(args)
        try:
            vault = Vault.open(args.dir, passphrase, actor=user)
        except UnlockError:
            raise UnlockError(
                _(
                    "The passphrase does not open the vault in {dir}: give that vault's passphrase "
                    "in $CLINIC_APP_PASSPHRASE or with --passphrase-stdin."
                ).format(dir=args.dir)
            ) from None
        try:
            moved = vault_import.import_vault(vault, store)
        finally:
            vault.close()
    finally:
        store.close()
    print(_("Moved the vault in {dir} onto the clinic server:").format(dir=args.dir))
    print(
        _(
            "  {clients} clients, {matters} matters, {deadlines} deadlines, {files} files "
            "(evidence, drafts, templates), {history} audit history events, {rows} rows in all."
        ).format(
            clients=format_number(moved.rows["client"]),
            matters=format_number(moved.rows["matter"]),
            deadlines=format_number(moved.rows["deadline"]),
            files=format_number(moved.files),
            history=format_number(moved.history),
            rows=format_number(sum(moved.rows.values())),
        )
    )
    print(
        _(
            "  Staff: {matched} matched to server accounts by name, {added} added to the staff "
            "list without an account; settings: {settings}."
        ).format(matched=moved.staff_matched, added=moved.staff_added, settings=moved.settings)
    )
    return 0
