"""`clinic-app server …`: make, run and administer the clinic server (PostgreSQL with TLS and roles)."""

from __future__ import annotations

import argparse
import getpass
import os
import socket
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from clinic_app.cli import secrets
from clinic_app.cli.output import print_json, print_table
from clinic_app.errors import UserError
from clinic_app.i18n import N_, _

SERVER_ENV = "CLINIC_APP_SERVER"
USER_ENV = "CLINIC_APP_USER"
PASSWORD_ENV = "CLINIC_APP_PASSWORD"
ROLES = "admin|attorney|paralegal|volunteer"
CONNECT_HELP = N_(
    "Connects with --url (else $CLINIC_APP_SERVER) as the account it names (else "
    "$CLINIC_APP_USER); that account's password comes from $CLINIC_APP_PASSWORD, else the first "
    "line of --password-stdin, else a prompt."
)


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "server",
        parents=[common],
        help=_("make, run and administer the clinic server (PostgreSQL)"),
        description=_(
            "The clinic server: one PostgreSQL that every laptop of the clinic connects "
            "to over TLS, each person with their own account. See docs/server.md."
        ),
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    stdin_flag = not _has_option(common, "--password-stdin")

    q = actions.add_parser(
        "create",
        parents=[common],
        help=_("make a new clinic server on this machine and start it"),
        description=_(
            "Runs initdb in DATADIR with the installed PostgreSQL (15 or newer), makes a "
            "clinic CA and server certificate, requires TLS and SCRAM passwords, starts the server, "
            "installs the schema, roles and row-level security, and adds the first admin account. "
            "Run as root, the server runs as the 'postgres' account; else as yours."
        ),
        epilog=_(
            "The admin's new password: --password-stdin, else $CLINIC_APP_PASSWORD, else a prompt."
        ),
    )
    q.add_argument("datadir", type=Path, metavar="DATADIR")
    q.add_argument("--port", type=int, default=5432, help=_("TCP port (default 5432)"))
    q.add_argument(
        "--host-name",
        metavar="NAME",
        default=None,
        help=_("the name laptops use to reach this machine (default: its host name)"),
    )
    q.add_argument("--db", default="clinic", help=_("database name (default clinic)"))
    q.add_argument(
        "--admin", metavar="NAME", default="admin", help=_("first admin account (default admin)")
    )
    q.add_argument(
        "--listen",
        metavar="ADDRESSES",
        default="*",
        help=_("addresses to listen on (default * : every network of this machine)"),
    )
    _stdin_option(q, stdin_flag)
    q.set_defaults(func=cmd_create)

    for name, text, func in (
        ("start", N_("start the clinic server in DATADIR"), cmd_start),
        ("stop", N_("stop it (open sessions end; every saved change stays)"), cmd_stop),
        ("status", N_("whether it is running, and the URL laptops use"), cmd_status),
    ):
        q = actions.add_parser(name, parents=[common], help=_(text))
        q.add_argument("datadir", type=Path, metavar="DATADIR")
        q.set_defaults(func=func)

    q = actions.add_parser(
        "init",
        parents=[common],
        help=_("install the schema, roles and row-level security on an existing PostgreSQL"),
        description=_(
            "For a PostgreSQL the clinic already runs, or a managed one: connects as an "
            "account that owns the database and may create roles, installs everything (safe to run "
            "again after an upgrade), and prints the pg_hba.conf lines to paste."
        ),
        epilog=_(
            "The URL's account password: $CLINIC_APP_PASSWORD, else --password-stdin's first "
            "line, else a prompt; with --admin, the new admin's password is the next line (or a prompt)."
        ),
    )
    q.add_argument("--url", required=True, metavar="postgresql://ADMIN@HOST:PORT/DB")
    q.add_argument("--admin", metavar="NAME", help=_("also add this first clinic admin account"))
    q.add_argument(
        "--tls-dir",
        type=Path,
        metavar="DIR",
        help=_(
            "also make a clinic CA and server certificate in DIR (new or empty), for a "
            "PostgreSQL the clinic runs itself"
        ),
    )
    q.add_argument(
        "--host-name",
        metavar="NAME",
        help=_(
            "with --tls-dir: the name laptops use to reach the server (default: the URL's host)"
        ),
    )
    _stdin_option(q, stdin_flag)
    q.set_defaults(func=cmd_init)

    q = actions.add_parser(
        "adduser",
        parents=[common],
        help=_("add a person's account"),
        description=_("A login for one person in one role. ") + _(CONNECT_HELP),
        epilog=_("The new person's password: the next line of --password-stdin, else a prompt."),
    )
    q.add_argument("name", metavar="NAME", help=_("account name, e.g. attorney1"))
    q.add_argument("--role", required=True, metavar=ROLES)
    q.add_argument("--full-name", default="", metavar="TEXT", help=_("name on the staff list"))
    _connect_options(q, stdin_flag)
    q.set_defaults(func=cmd_adduser)

    q = actions.add_parser(
        "users", parents=[common], help=_("list the accounts"), description=_(CONNECT_HELP)
    )
    q.add_argument("--json", action="store_true")
    _connect_options(q, stdin_flag)
    q.set_defaults(func=cmd_users)

    from clinic_app.cli import server_sign_in

    server_sign_in.register(actions, common, stdin_flag)

    from clinic_app.cli import server_upkeep_commands

    server_upkeep_commands.register(actions, common, stdin_flag)


def _has_option(parser: argparse.ArgumentParser, flag: str) -> bool:
    return any(flag in action.option_strings for action in parser._actions)


def _stdin_option(parser: argparse.ArgumentParser, add: bool) -> None:
    if add:
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help=_("read the password(s) from standard input, one per line"),
        )


def _connect_options(parser: argparse.ArgumentParser, stdin_flag: bool) -> None:
    parser.add_argument(
        "--url",
        metavar="URL",
        default=None,
        help=_(
            "the clinic server, postgresql://NAME@HOST:PORT/DB?sslrootcert=clinic-ca.crt "
            "(else $CLINIC_APP_SERVER)"
        ),
    )
    _stdin_option(parser, stdin_flag)


# -- passwords ------------------------------------------------------------------------------------


def _login_password(args: argparse.Namespace, user: str) -> str:
    """The connecting account's password: env, else the next stdin line, else a prompt."""
    env = os.environ.get(PASSWORD_ENV)
    if env:
        return env
    if getattr(args, "password_stdin", False):
        return secrets._stdin.next(_("password of {user}").format(user=user))
    if not sys.stdin.isatty():
        raise UserError(
            _("No password for {user}: set {env}, or pass --password-stdin and pipe it in.").format(
                user=user, env=PASSWORD_ENV
            )
        )
    return getpass.getpass(_("Password for {user}: ").format(user=user))


def _new_password(args: argparse.Namespace, who: str, *, env_allowed: bool) -> str:
    """A new account's password: the next stdin line, else (for `create`) env, else asked twice."""
    if getattr(args, "password_stdin", False):
        return secrets._stdin.next(_("new password of {who}").format(who=who))
    env = os.environ.get(PASSWORD_ENV) if env_allowed else None
    if env:
        return env
    if not sys.stdin.isatty():
        raise UserError(
            _(
                "No password for the new account {who}: pass --password-stdin and pipe it in."
            ).format(who=who)
        )
    first = getpass.getpass(_("New password for {who}: ").format(who=who))
    if getpass.getpass(_("Repeat it: ")) != first:
        raise UserError(_("The two passwords differ; nothing was changed."))
    return first


def _connection_params(args: argparse.Namespace) -> dict[str, Any]:
    from clinic_app.server.connect import url_parts

    url = args.url or getattr(args, "server", None) or os.environ.get(SERVER_ENV)
    if not url:
        raise UserError(
            _(
                "No clinic server given: pass --url postgresql://NAME@HOST:PORT/DB?sslrootcert=… "
                "or set {env}."
            ).format(env=SERVER_ENV)
        )
    params = url_parts(url)
    if not params.get("user"):
        user = getattr(args, "user", None) or os.environ.get(USER_ENV)
        if not user:
            raise UserError(
                _(
                    "No account to connect as: put it in --url (postgresql://NAME@HOST/…) or set {env}."
                ).format(env=USER_ENV)
            )
        params["user"] = user
    return params


def _admin_session(args: argparse.Namespace) -> Any:
    from clinic_app.server.connect import person_connection

    params = _connection_params(args)
    return person_connection(params, _login_password(args, str(params["user"])))


# -- create, start, stop, status -----------------------------------------------------------------


def cmd_create(args: argparse.Namespace) -> int:
    from clinic_app.server import accounts, binaries, provision

    provision.check_port(args.port)
    provision.check_db_name(args.db)
    host = provision.check_host_name(args.host_name or socket.gethostname())
    accounts.check_login(args.admin, "--admin")
    provision.check_new_folder(args.datadir)
    provision.check_port_free(args.port, args.listen)
    programs = binaries.find_programs()
    password = accounts.check_password(_new_password(args, args.admin, env_allowed=True))
    created = provision.create_server(
        args.datadir,
        port=args.port,
        host_name=host,
        db=args.db,
        admin=args.admin,
        admin_password=password,
        listen=args.listen,
    )
    print(
        _("The clinic server is running in {path} (PostgreSQL {version}, port {port}).").format(
            path=created.folder.root, version=programs.version, port=created.info.port
        )
    )
    print(_("Laptops connect with this URL (copy clinic-ca.crt to each and fix its path):"))
    print(f"  {created.url}")
    print(_("Clinic CA fingerprint (SHA-256): {fp}").format(fp=created.ca_fingerprint))
    print(
        _("First admin account: {name}. Add people with 'clinic-app server adduser'.").format(
            name=args.admin
        )
    )
    return 0


def _folder_and_programs(args: argparse.Namespace) -> tuple[Any, Any, Any]:
    from clinic_app.server import binaries, cluster

    folder = cluster.ServerFolder(args.datadir.resolve())
    info = cluster.read_info(folder)
    return folder, info, binaries.find_programs()


def cmd_start(args: argparse.Namespace) -> int:
    from clinic_app.server import cluster

    folder, info, programs = _folder_and_programs(args)
    if cluster.is_running(programs, folder):
        print(_("The clinic server in {path} is already running.").format(path=folder.root))
        return 0
    cluster.start(programs, folder)
    print(
        _("The clinic server in {path} is running on port {port}.").format(
            path=folder.root, port=info.port
        )
    )
    return 0


def cmd_stop(args: argparse.Namespace) -> int:
    from clinic_app.server import cluster

    folder, _info, programs = _folder_and_programs(args)
    if not cluster.is_running(programs, folder):
        print(_("The clinic server in {path} is not running.").format(path=folder.root))
        return 0
    cluster.stop(programs, folder)
    print(_("The clinic server in {path} has stopped.").format(path=folder.root))
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from clinic_app.server import cluster, tls

    folder, info, programs = _folder_and_programs(args)
    running = cluster.is_running(programs, folder)
    if running:
        print(
            _("The clinic server in {path} is running (process {pid}, port {port}).").format(
                path=folder.root, pid=cluster.server_pid(folder), port=info.port
            )
        )
    else:
        print(_("The clinic server in {path} is not running.").format(path=folder.root))
    print(_("URL: {url}").format(url=info.url(folder)))
    print(
        _("Clinic CA fingerprint (SHA-256): {fp}").format(
            fp=tls.fingerprint(folder.ca_cert.read_bytes())
        )
    )
    _print_certificate_expiry(folder)
    return 0 if running else 1


def _print_certificate_expiry(folder: Any) -> None:
    import datetime as dt

    from clinic_app.server import renewal, tls

    cert = renewal.server_certificate(folder)
    if cert is None:
        return
    until = tls.expires(cert)
    print(_("Server certificate valid until {date}.").format(date=until.strftime("%Y-%m-%d")))
    if until - dt.datetime.now(dt.UTC) < dt.timedelta(days=60):
        print(
            _(
                "It expires soon: issue a new one with 'clinic-app server renew-cert {path}'."
            ).format(path=folder.root)
        )


# -- init and accounts ---------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    from clinic_app.server import access, accounts, cluster, provision, tls
    from clinic_app.server.connect import person_connection, url_parts

    params = url_parts(args.url)
    if not params.get("user"):
        raise UserError(_("--url names no account: write it as postgresql://ADMIN@HOST:PORT/DB."))
    db = provision.check_db_name(str(params["dbname"]))
    if args.admin is not None:
        accounts.check_login(args.admin, "--admin")
    tls_names = _tls_names(args, params)
    # Over the server's own socket the owner is known by its system account: no password.
    on_socket = str(params.get("host", "")).startswith("/")
    password = "" if on_socket else _login_password(args, str(params["user"]))
    admin_password = None
    if args.admin is not None:
        admin_password = accounts.check_password(_new_password(args, args.admin, env_allowed=False))
    # One test connection first, so a wrong password or URL changes nothing.
    person_connection(params, password).close()
    provision.install_everything(
        lambda: person_connection(params, password),
        db,
        admin=args.admin,
        admin_password=admin_password,
    )
    print(_("The clinic schema, roles and row-level security are installed in {db}.").format(db=db))
    if args.admin is not None:
        print(_("First admin account: {name}.").format(name=args.admin))
    print(
        _(
            "Paste these lines into pg_hba.conf (above any other 'host' line), then reload PostgreSQL:"
        )
    )
    for line in cluster.hba_lines(db, access.STAFF_ROLE):
        print(f"  {line}")
    print(_("And in postgresql.conf: ssl = on, password_encryption = scram-sha-256."))
    if tls_names is not None:
        fingerprint = tls.write_tls_folder(args.tls_dir, db, tls_names)
        print(
            _(
                "TLS files in {dir}: copy server.crt and server.key (0600, owned by the server's "
                "account) to the data folder, set ssl_cert_file = 'server.crt' and ssl_key_file = "
                "'server.key', and give clinic-ca.crt to every laptop. Keep clinic-ca.key safe."
            ).format(dir=args.tls_dir)
        )
        print(_("Clinic CA fingerprint (SHA-256): {fp}").format(fp=fingerprint))
    return 0


def _tls_names(args: argparse.Namespace, params: dict[str, Any]) -> list[str] | None:
    """The certificate's names for --tls-dir (checked before anything is written), or None."""
    from clinic_app.server import provision

    if args.tls_dir is None:
        if args.host_name is not None:
            raise UserError(
                _("--host-name goes with --tls-dir: add --tls-dir DIR, or leave it out.")
            )
        return None
    provision.check_new_folder(args.tls_dir, "--tls-dir")
    host = str(params.get("host", ""))
    name = args.host_name or (host if host and not host.startswith("/") else socket.gethostname())
    return [provision.check_host_name(name), "localhost", "127.0.0.1", "::1"]


def cmd_adduser(args: argparse.Namespace) -> int:
    from clinic_app.server import accounts
    from clinic_app.server.connect import person_connection

    accounts.check_login(args.name, "NAME")
    accounts.check_role(args.role)
    params = _connection_params(args)
    admin = str(params["user"])
    admin_password = _login_password(args, admin)
    person_connection(params, admin_password).close()  # a wrong password asks for nothing more
    password = accounts.check_password(_new_password(args, args.name, env_allowed=False))
    engine = accounts.transactional(lambda: person_connection(params, admin_password))
    try:
        person = _as_admin(
            lambda: accounts.enrol(
                engine,
                login=args.name,
                role=args.role,
                password=password,
                name=args.full_name,
                key_from=(admin, admin_password),
            )
        )
    finally:
        engine.dispose()
    print(
        _("Added {login} ({name}) as {role}.").format(
            login=person.login, name=person.name, role=person.role
        )
    )
    return 0


def cmd_users(args: argparse.Namespace) -> int:
    from clinic_app.server import accounts

    with _admin_session(args) as conn:
        people = accounts.list_people(conn)
    if args.json:
        print_json([asdict(p) for p in people])
        return 0
    print_table(
        [_("ACCOUNT"), _("NAME"), _("ROLE"), _("STATE")],
        [(p.login, p.name, p.role, _("active") if p.active else _("disabled")) for p in people],
        _("No accounts yet."),
    )
    return 0


def _as_admin(step: Any) -> Any:
    """Run an account change; PostgreSQL's refusal becomes the sentence a person can act on."""
    return _refused_as(
        step,
        _(
            "Only a clinic admin account may add, disable or enable accounts: connect as one with "
            "--url."
        ),
    )


def _refused_as(step: Any, sentence: str) -> Any:
    """Run `step`; PostgreSQL's refusal (the account lacks the privilege) becomes `sentence`."""
    import psycopg
    from sqlalchemy.exc import DBAPIError

    try:
        return step()
    except (psycopg.errors.InsufficientPrivilege, DBAPIError) as exc:
        refused = psycopg.errors.InsufficientPrivilege
        if isinstance(exc, DBAPIError) and not isinstance(exc.orig, refused):
            raise
        raise UserError(sentence) from None
