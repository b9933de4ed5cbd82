"""Commands that create, unlock, re-key, back up, restore and check vaults."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from clinic_app.cli import context, secrets
from clinic_app.cli.output import print_json
from clinic_app.errors import DamagedError, UserError
from clinic_app.i18n import N_, _, format_number, ngettext
from clinic_app.services import backup, check, clients, demo, vault_ops
from clinic_app.store.base import VAULT, Store
from clinic_app.validation_dates import parse_cli_date

RECOVERY_NOTICE = N_(
    """\
Recovery code (shown once, never stored; print it or write it down and keep it locked away):

    {code}

With it, 'clinic-app recover' sets a new passphrase if the passphrase is forgotten.
Without the passphrase or this code, nobody can open the vault: not you, not us."""
)


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("init", parents=[common], help=_("create a new, empty vault"))
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo", parents=[common], help=_("create (if needed) and fill a demo vault"))
    p.add_argument(
        "--clients", type=int, default=200, help=_("how many invented workers (default 200)")
    )
    p.add_argument(
        "--seed", type=int, default=1, help=_("the same seed gives the same vault (default 1)")
    )
    p.add_argument("--today", help=_("date the demo is built around (YYYY-MM-DD; default: today)"))
    p.add_argument(
        "--more",
        action="store_true",
        help=_(
            "add --clients more invented workers to a demo vault that already has some "
            "(without it, a filled demo vault is left as it is and what it holds is shown)"
        ),
    )
    p.add_argument(
        "--screenshot", metavar="DIR", help=_("then render the app's screens to PNG files in DIR")
    )
    p.add_argument(
        "--size", metavar="WxH", help=_("window size for --screenshot (default 1366x768)")
    )
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("passwd", parents=[common], help=_("change the vault passphrase"))
    p.add_argument(
        "--rotate-key",
        action="store_true",
        help=_(
            "also replace the vault's key: the database and every stored file are encrypted "
            "again, a new recovery code is shown, and earlier copies of the key slots (old "
            "passphrases and recovery codes) stop working; use it after a suspected leak"
        ),
    )
    p.set_defaults(func=cmd_passwd)

    p = sub.add_parser(
        "recover", parents=[common], help=_("set a new passphrase with the recovery code")
    )
    p.set_defaults(func=cmd_recover)

    p = sub.add_parser("backup", parents=[common], help=_("write one encrypted backup file"))
    p.add_argument("file", type=Path)
    p.add_argument(
        "--backup-passphrase-stdin",
        action="store_true",
        help=_("protect the backup with its own passphrase, read from standard input"),
    )
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser(
        "restore", parents=[common], help=_("restore a backup into a new vault folder")
    )
    p.add_argument("file", type=Path)
    p.add_argument(
        "--backup-passphrase-stdin",
        action="store_true",
        help=_("the backup has its own passphrase: read it from standard input"),
    )
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser(
        "check", parents=[common], help=_("check database, key slots, file store and audit log")
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_check)


def cmd_init(args: argparse.Namespace) -> int:
    context.refuse_server(
        args,
        "'init'",
        _("the clinic server is set up with 'clinic-app server create' or 'server init'."),
    )
    folder = context.vault_dir(args)
    passphrase = secrets.vault_passphrase(args, confirm=True)
    vault, code = vault_ops.create_vault(folder, passphrase=passphrase, actor=context.actor(args))
    vault.close()
    print(_("Created an encrypted vault in {folder}.").format(folder=folder))
    print(_(RECOVERY_NOTICE).format(code=code))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    if not 1 <= args.clients <= 1_000_000:
        raise UserError(_("--clients must be between 1 and 1,000,000."))
    folder = context.vault_dir(args)
    today = parse_cli_date(args.today, "--today")
    vault: Store
    if context.server(args) is not None:
        vault, code = context.open_store(args), None
        if not demo.is_demo_vault(vault) and clients.count_clients(vault):
            vault.close()
            raise UserError(
                _(
                    "{name} is not a demo vault: it holds real clients, and invented workers would be mixed into them; fill a demo vault on this computer with --vault DIR."
                ).format(name=vault.name)
            )
    elif vault_ops.is_vault(folder):
        vault = context.open_vault(args)
        code = None
        if not demo.is_demo_vault(vault) and clients.count_clients(vault):
            vault.close()
            raise UserError(
                _(
                    "{folder} holds a vault that is not a demo vault; invented workers would be mixed into its clients. Name a folder of its own with --vault DIR."
                ).format(folder=folder)
            )
    else:
        vault, code = vault_ops.create_vault(
            folder,
            passphrase=secrets.vault_passphrase(args, confirm=True),
            actor=context.actor(args),
        )
    try:
        # Asked again for a demo it already has, a person wants that demo, not a second crowd
        # of invented workers beside the first: it is left as it is unless --more says so.
        before = demo.holdings(vault)
        fill = not before.clients or args.more
        report = (
            demo.fill_demo(vault, clients=args.clients, seed=args.seed, today=today)
            if fill
            else None
        )
        after = demo.holdings(vault) if before.clients and fill else before
    finally:
        vault.close()
    if report is None:
        _say_already_filled(args, folder, vault, before)
    else:
        _say_filled(folder, vault, report, after if before.clients else None)
    if code:
        print(_(RECOVERY_NOTICE).format(code=code))
    if args.screenshot:
        from clinic_app.cli.gui import take_screenshots

        return take_screenshots(args, Path(args.screenshot))
    return 0


def _counts(holds: demo.DemoHoldings) -> dict[str, str]:
    return {
        "clients": format_number(holds.clients),
        "matters": format_number(holds.matters),
        "employers": format_number(holds.employers),
        "letters": format_number(holds.letters),
    }


def _say_already_filled(
    args: argparse.Namespace, folder: Path, vault: Store, holds: demo.DemoHoldings
) -> None:
    """`demo` again on a filled demo vault: what it holds, that nothing was added, and how to."""
    already = (
        _(
            "The demo vault in {folder} already holds {clients} workers, {matters} matters, "
            "{employers} employers and {letters} agency letters; nothing was added. To add "
            "{n} more invented workers, run the same command with --more."
        )
        if vault.kind == VAULT
        else _(
            "{server} already holds demo data: {clients} workers, {matters} matters, "
            "{employers} employers and {letters} agency letters; nothing was added. To add "
            "{n} more invented workers, run the same command with --more."
        )
    )
    server = vault.name[:1].upper() + vault.name[1:]
    print(
        already.format(
            folder=folder, server=server, n=format_number(args.clients), **_counts(holds)
        )
    )


def _say_filled(
    folder: Path, vault: Store, report: demo.DemoReport, holds: demo.DemoHoldings | None
) -> None:
    """What `demo` added: the first fill's counts, or (--more) the added and the new totals."""
    where = (
        _("Demo vault in {folder}").format(folder=folder)
        if vault.kind == VAULT
        else _("Demo data on {server}").format(server=vault.name)
    )
    if holds is not None:
        print(
            _(
                "{where}: added {added} workers and {added_matters} matters; it now holds "
                "{clients} workers, {matters} matters, {employers} employers and {letters} "
                "agency letters."
            ).format(
                where=where,
                added=format_number(report.clients),
                added_matters=format_number(report.matters),
                **_counts(holds),
            )
        )
        return
    print(
        _(
            "{where}: {clients} workers, {matters} matters, {employers} employers, "
            "{letters} agency letters."
        ).format(
            where=where,
            clients=format_number(report.clients),
            matters=format_number(report.matters),
            employers=format_number(report.employers),
            letters=format_number(report.letters),
        )
    )


def cmd_passwd(args: argparse.Namespace) -> int:
    context.refuse_server(
        args,
        "'passwd'",
        _(
            "change your clinic server password with 'clinic-app server passwd' (a clinic "
            "administrator resets a forgotten one)."
        ),
    )
    with context.open_vault(args) as vault:
        new = secrets.new_passphrase(args)
        if not args.rotate_key:
            vault_ops.change_passphrase(vault, new_passphrase=new)
            print(_("Passphrase changed. The recovery code still works."))
            return 0
        count, size = vault_ops.rotation_size(vault)
        print(
            ngettext(
                "Encrypting the database and {count} kept file (evidence, drafts, templates) ({mb} MB) again under a new key; do not stop the program.",
                "Encrypting the database and {count} kept files (evidence, drafts, templates) ({mb} MB) again under a new key; do not stop the program.",
                count,
            ).format(count=format_number(count), mb=format_number(size / 1e6, ".1f")),
            file=sys.stderr,
        )
        code = vault_ops.rotate_key(vault, new_passphrase=new)
    print(
        _(
            "Passphrase changed and the vault's key replaced: earlier copies of the key slots, the "
            "old passphrase and the old recovery code no longer open it. Backups made before still "
            "restore with the passphrase they were made with."
        )
    )
    print(_(RECOVERY_NOTICE).format(code=code))
    return 0


def cmd_recover(args: argparse.Namespace) -> int:
    context.refuse_server(
        args,
        "'recover'",
        _(
            "change your clinic server password with 'clinic-app server passwd' (a clinic "
            "administrator resets a forgotten one)."
        ),
    )
    folder = context.vault_dir(args)
    code = secrets.recovery_code(args)
    vault = vault_ops.recover_vault(
        folder,
        recovery_code=code,
        new_passphrase=secrets.new_passphrase(args),
        actor=context.actor(args),
    )
    vault.close()
    print(_("New passphrase set. The recovery code still works; keep it safe."))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    context.refuse_server(
        args, "'backup'", _("back up the clinic server with pg_dump (see docs/server.md).")
    )
    passphrase = secrets.vault_passphrase(args)
    own = secrets.backup_passphrase(args, confirm=True)
    with context.open_vault_with(args, passphrase) as vault:
        size = backup.backup_vault(
            vault, out=args.file, backup_passphrase=own, vault_passphrase=passphrase
        )
    protected = _("its own passphrase") if own is not None else _("the vault passphrase")
    print(
        _("Backup written to {file} ({size} bytes, encrypted; protected by {protected}).").format(
            file=args.file, size=format_number(size, ","), protected=protected
        )
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    context.refuse_server(
        args, "'restore'", _("restore the clinic server with pg_restore (see docs/server.md).")
    )
    if not getattr(args, "vault", None):
        raise UserError(
            _("Name the new vault folder with --vault DIR (restore never overwrites a vault).")
        )
    target = Path(args.vault)
    if args.backup_passphrase_stdin:
        # Same order as `backup`: the vault passphrase first, then the backup's own.
        vault_secret = secrets.vault_passphrase(args)
        backup_secret = secrets.backup_passphrase(args, confirm=False) or ""
    else:
        backup_secret = secrets.vault_passphrase(args)
        vault_secret = None
    backup.restore_backup(
        backup=args.file,
        target=target,
        backup_passphrase=backup_secret,
        vault_passphrase=vault_secret,
    )
    print(
        _("Restored the backup into {target}; it passed its integrity check.").format(target=target)
    )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    try:
        vault = context.open_store(args)
    except DamagedError as exc:
        # A check that cannot even read the vault has failed: exit 1, as for any damage found.
        _report_damage(args, exc)
        return 1
    try:
        report = check.check_vault(vault)
    except DamagedError as exc:
        _report_damage(args, exc)
        return 1
    finally:
        vault.close()
    _report_check(
        args,
        list(report.problems),
        list(report.notes),
        report.files_checked,
        on_server=vault.kind != VAULT,
    )
    return 0 if report.ok else 1


def _report_damage(args: argparse.Namespace, exc: DamagedError) -> None:
    if getattr(args, "json", False):
        print_json({"ok": False, "problems": [exc.message], "notes": [], "files_checked": 0})
    else:
        print(exc.message, file=sys.stderr)  # already says what to do


def _report_check(
    args: argparse.Namespace,
    problems: list[str],
    notes: list[str],
    files: int,
    *,
    on_server: bool = False,
) -> None:
    if getattr(args, "json", False):
        print_json(
            {"ok": not problems, "problems": problems, "notes": notes, "files_checked": files}
        )
        return
    # The clinic server has no key slots of the vault's kind (its logins are PostgreSQL's), and
    # is restored from the clinic's nightly dump, not from a vault backup.
    if problems and on_server:
        print(
            _(
                "The clinic server's database is damaged or was altered: {problems}. Restore it "
                "from the clinic's latest backup (docs/server.md, Backups)."
            ).format(problems="; ".join(problems)),
            file=sys.stderr,
        )
    elif problems:
        print(
            _("The vault is damaged or was altered: {problems}. Restore it from a backup.").format(
                problems="; ".join(problems)
            ),
            file=sys.stderr,
        )
    elif on_server:
        print(
            ngettext(
                "Clinic server OK: database, audit log and {files} kept file (evidence, drafts, templates) verified.",
                "Clinic server OK: database, audit log and {files} kept files (evidence, drafts, templates) verified.",
                files,
            ).format(files=format_number(files))
        )
    else:
        print(
            ngettext(
                "Vault OK: database, key slots, audit log and {files} kept file (evidence, drafts, templates) verified.",
                "Vault OK: database, key slots, audit log and {files} kept files (evidence, drafts, templates) verified.",
                files,
            ).format(files=format_number(files))
        )
    for note in notes:
        print(_("Note: {note}.").format(note=note))
