"""Commands that import, list and show the vault's records."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from pathlib import Path

from clinic_app.cli import context
from clinic_app.cli.output import print_json, print_table, word
from clinic_app.i18n import _, format_number, ngettext
from clinic_app.services import audit_log, clients, importing, letters, matters, restrictions
from clinic_app.services.records import AuditRecord, ImportedAuditRecord, MatterRecord, to_json
from clinic_app.store.base import SERVER


def _import_help() -> str:
    columns = ", ".join(c + ("*" if c in importing.REQUIRED else "") for c in importing.COLUMNS)
    return _(
        "Columns (header row, any case; * required): {columns}. Dates as YYYY-MM-DD or "
        "MM/DD/YYYY. All or nothing: one bad row and nothing is imported."
    ).format(columns=columns)


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "import",
        parents=[common],
        help=_("import workers from a CSV or XLSX spreadsheet"),
        description=_import_help(),
    )
    p.add_argument("file", type=Path)
    p.add_argument("--dry-run", action="store_true", help=_("check every row, write nothing"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("clients", parents=[common], help=_("list or search clients"))
    p.add_argument(
        "--search",
        default="",
        metavar="TEXT",
        help=_("name, other name, A-number, receipt number or employer (accents and case ignored)"),
    )
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_clients)

    p = sub.add_parser("matters", parents=[common], help=_("list matters"))
    p.add_argument("--client", type=int, metavar="ID")
    p.add_argument(
        "--letter", type=int, metavar="ID", help=_("only matters relying on this agency letter")
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_matters)

    p = sub.add_parser(
        "letters", parents=[common], help=_("list agency letters (Statements of Interest)")
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_letters)

    p = sub.add_parser("audit", parents=[common], help=_("show the newest audit log events"))
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--vault-history",
        action="store_true",
        help=_(
            "on a clinic server: the history of laptop vaults moved onto it with "
            "'server import-vault' (who did what on the laptop), read-only"
        ),
    )
    p.set_defaults(func=cmd_audit)


def cmd_import(args: argparse.Namespace) -> int:
    with context.open_store(args) as vault:
        report = importing.import_file(vault, path=args.file, dry_run=args.dry_run)
    if args.json:
        print_json(
            {
                "ok": report.ok,
                "dry_run": report.dry_run,
                "rows": report.rows,
                "problems": [asdict(p) for p in report.problems],
                "warnings": report.warnings,
                "matches": report.matches,
                "possible_duplicates": report.possible_duplicates,
                "created": report.created,
            }
        )
        return 0 if report.ok else 1
    for warning in report.warnings:
        print(_("Warning: {text}").format(text=warning), file=sys.stderr)
    if not report.ok:
        print(
            ngettext(
                "Nothing was imported: {n} problem in {name}:",
                "Nothing was imported: {n} problems in {name}:",
                len(report.problems),
            ).format(n=format_number(len(report.problems)), name=args.file.name),
            file=sys.stderr,
        )
        for problem in report.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    for match in report.matches:
        print(match)
    for line in report.possible_duplicates:
        print(_("Possible duplicate: {line}").format(line=line))
    made = ", ".join(_created(kind, n) for kind, n in report.created.items()) or _("nothing new")
    print(
        (
            ngettext(
                "Would import {rows} row: {made}. (dry run: nothing was written)",
                "Would import {rows} rows: {made}. (dry run: nothing was written)",
                report.rows,
            )
            if report.dry_run
            else ngettext(
                "Imported {rows} row: {made}.", "Imported {rows} rows: {made}.", report.rows
            )
        ).format(rows=format_number(report.rows), made=made)
    )
    return 0


def _created(kind: str, n: int) -> str:
    """'3 clients', '1 employer': what an import made, counted in the person's language."""
    counted = {
        "client": ngettext("{n} client", "{n} clients", n),
        "employer": ngettext("{n} employer", "{n} employers", n),
        "worksite": ngettext("{n} worksite", "{n} worksites", n),
        "letter": ngettext("{n} letter", "{n} letters", n),
        "matter": ngettext("{n} matter", "{n} matters", n),
        "grant": ngettext("{n} grant", "{n} grants", n),
        "note": ngettext("{n} note", "{n} notes", n),
    }.get(kind, f"{{n}} {kind}{'s' if n != 1 else ''}")
    return counted.format(n=format_number(n))


def cmd_clients(args: argparse.Namespace) -> int:
    with context.open_store(args) as vault:
        rows = clients.list_clients(vault, search_text=args.search, limit=args.limit)
        on_server = vault.kind == SERVER
    if args.json:
        print_json([to_json(r) | {"full_name": r.full_name} for r in rows])
        return 0
    # On the server an empty list may be only what this person may see (a volunteer's own intake).
    empty = (
        _("No clients that you can see yet: add one with 'clinic-app client add'.")
        if on_server
        else _("No clients yet: add some with 'clinic-app import FILE'.")
    )
    print_table(
        [_("ID"), _("Name"), _("A-number"), _("Born"), _("Lang"), _("Employer")],
        [
            (r.id, r.full_name, r.a_number, r.date_of_birth, r.preferred_language, r.employer)
            for r in rows
        ],
        _("No clients match.") if args.search else empty,
    )
    return 0


def matter_table(rows: list[MatterRecord]) -> None:
    print_table(
        [
            _("ID"),
            _("Client"),
            _("Program"),
            _("Kind"),
            _("Status"),
            _("Receipt"),
            _("Grant end"),
            _("Permit end"),
        ],
        [
            (
                m.id,
                m.client_name,
                word("program", m.program),
                word("matter_kind", m.kind),
                word("stage", m.status),
                m.receipt_number,
                m.grant_end,
                m.work_permit_end,
            )
            for m in rows
        ],
        _("No matters."),
    )


def cmd_matters(args: argparse.Namespace) -> int:
    with context.open_store(args) as vault:
        # A mistyped id is an error, not an empty list that looks like "no matters yet".
        if args.client is not None:
            clients.get_client(vault, client_id=args.client)
        if args.letter is not None:
            letters.get_letter(vault, letter_id=args.letter)
        rows = matters.list_matters(vault, client_id=args.client, letter_id=args.letter)
        whole_list = not args.json and args.client is None and args.letter is None
        hidden = restrictions.hidden_matters(vault) if whole_list else []
    if args.json:
        print_json([to_json(m) for m in rows])
        return 0
    matter_table(rows)
    for item in hidden:  # on the clinic server: restricted matters exist, and whom to ask
        print(
            _("Matter {id} is restricted; ask {names} about it.").format(
                id=item.matter_id, names=_(" or ").join(item.ask)
            )
        )
    return 0


def cmd_letters(args: argparse.Namespace) -> int:
    with context.open_store(args) as vault:
        rows = letters.list_letters(vault)
    if args.json:
        print_json([to_json(r) | {"matters": r.matter_count} for r in rows])
        return 0
    print_table(
        [
            _("ID"),
            _("Agency"),
            _("Issued"),
            _("Employer"),
            _("Period start"),
            _("Period end"),
            _("Matters"),
        ],
        [
            (
                r.id,
                r.agency,
                r.date_issued,
                r.employer,
                r.period_start,
                r.period_end,
                format_number(r.matter_count),
            )
            for r in rows
        ],
        _("No agency letters yet."),
    )
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    with context.open_store(args) as vault:
        if args.vault_history:
            return _print_vault_history(audit_log.imported_history(vault, limit=args.limit), args)
        rows = audit_log.list_events(vault, limit=args.limit)
    if args.json:
        print_json([to_json(r) for r in rows])
        return 0
    print_table(
        [_("ID"), _("When (UTC)"), _("Who"), _("Action"), _("Record"), _("Summary")],
        [(r.id, f"{r.at:%Y-%m-%d %H:%M}", r.actor, r.action, _record(r), r.summary) for r in rows],
        _("The audit log is empty."),
    )
    return 0


def _record(event: AuditRecord) -> str:
    if event.record_id is None:
        return event.record_kind
    return f"{event.record_kind} {event.record_id}"


def _print_vault_history(rows: list[ImportedAuditRecord], args: argparse.Namespace) -> int:
    if args.json:
        print_json([to_json(r) for r in rows])
        return 0
    print_table(
        [_("Vault"), _("ID"), _("When (UTC)"), _("Who"), _("Action"), _("Record"), _("Summary")],
        [
            (r.vault_id, r.id, f"{r.at:%Y-%m-%d %H:%M}", r.actor, r.action, _record(r), r.summary)
            for r in rows
        ],
        _(
            "No vault history is kept here: only a clinic server keeps it, for each laptop vault "
            "moved onto it with 'clinic-app server import-vault'."
        ),
    )
    return 0
    print_table(
        [_("ID"), _("When (UTC)"), _("Who"), _("Action"), _("Record"), _("Summary")],
        [
            (
                r.id,
                f"{r.at:%Y-%m-%d %H:%M}",
                r.actor,
                r.action,
                f"{r.record_kind} {r.record_id}" if r.record_id is not None else r.record_kind,
                r.summary,
            )
            for r in rows
        ],
        "The audit log is empty.",
    )
    return 0
