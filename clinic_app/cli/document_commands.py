"""Commands for Word documents: fields, templates, packet checklists, sign-off, clinic details, drafts
(render, the biggest, has its own module)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from clinic_app.cli import context, render_command, secrets
from clinic_app.cli.output import print_json, print_table, word
from clinic_app.cli.render_command import plain_files_notice
from clinic_app.errors import UserError
from clinic_app.i18n import N_, _, current_language, format_number, ngettext
from clinic_app.services import checklist, documents, matters, vault_ops
from clinic_app.services.checklist import ChecklistRecord
from clinic_app.services.records import to_json
from clinic_app.store.base import SERVER

# Where a template comes from, as a word in the person's language (English keeps the code).
SOURCES = {"clinic": N_("clinic"), "shipped": N_("shipped"), "file": N_("file")}


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("fields", parents=[common], help=_("list the fields templates can use"))
    p.add_argument("--json", action="store_true")
    p.add_argument("--markdown", action="store_true", help=_("print docs/fields.md"))
    p.set_defaults(func=cmd_fields)

    p = sub.add_parser(
        "templates", parents=[common], help=_("list document templates (the clinic's and shipped)")
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_templates)

    p = sub.add_parser(
        "template-check", parents=[common], help=_("check a .docx template against the fields")
    )
    p.add_argument("file", type=Path)
    p.set_defaults(func=cmd_template_check)

    p = sub.add_parser(
        "template-add",
        parents=[common],
        help=_("check a .docx template and seal it in the vault (encrypted, audited)"),
    )
    p.add_argument("file", type=Path)
    p.add_argument("--id", dest="template_id", help=_("template id (default: the file name)"))
    p.add_argument("--lang", default="en", help=_("the template's language (default en)"))
    p.add_argument(
        "--replace", action="store_true", help=_("replace the vault's template of that id")
    )
    p.set_defaults(func=cmd_template_add)

    p = sub.add_parser(
        "template-remove",
        parents=[common],
        help=_("remove the clinic's own template (the shipped one of that id shows again)"),
    )
    p.add_argument("template_id", metavar="ID")
    p.add_argument("--lang", default="en", help=_("the template's language (default en)"))
    p.set_defaults(func=cmd_template_remove)

    p = sub.add_parser(
        "template-copy", parents=[common], help=_("copy a template to a file, to edit it in Word")
    )
    p.add_argument("template")
    p.add_argument("--lang", default="en")
    p.add_argument("--out", type=Path, required=True, metavar="PATH")
    p.set_defaults(func=cmd_template_copy)

    render_command.register(sub, common)

    p = sub.add_parser(
        "checklist", parents=[common], help=_("show or set a matter's packet checklist")
    )
    p.add_argument("matter_id", type=int, metavar="MATTER")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="ITEM=STATUS",
        help=_("status: missing, received, needs_translation or not_applicable (n/a); repeatable"),
    )
    p.add_argument(
        "--fee",
        choices=["fee", "waiver"],
        help=_(
            "how the filing fee is met: the fee, or a fee waiver (Form I-912); cover letters say so"
        ),
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_checklist)

    p = sub.add_parser(
        "sign-off",
        parents=[common],
        help=_("record an attorney's or accredited representative's review of a complete packet"),
    )
    p.add_argument("matter_id", type=int, metavar="MATTER")
    p.add_argument("--by", required=True, metavar="STAFF", help=_("staff member's name or id"))
    p.add_argument("--on", metavar="DATE", help=_("date of the review (default today)"))
    p.set_defaults(func=cmd_sign_off)

    p = sub.add_parser(
        "clinic", parents=[common], help=_("show or set the clinic details documents use")
    )
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help=_(
            r"e.g. name=..., address=..., uscis_address=... (\n for a new line; empty to remove)"
        ),
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_clinic)

    p = sub.add_parser("drafts", parents=[common], help=_("list drafts kept in the vault"))
    p.add_argument("--matter", type=int, metavar="ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_drafts)

    p = sub.add_parser(
        "draft-export", parents=[common], help=_("write a kept draft to a folder as a .docx")
    )
    p.add_argument("draft_id", type=int, metavar="ID")
    p.add_argument("--out", type=Path, required=True, metavar="DIR")
    p.add_argument("--overwrite", action="store_true")
    p.set_defaults(func=cmd_draft_export)


def _pairs(items: list[str], what: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UserError(_("'{item}' is not {what}=VALUE.").format(item=item, what=what))
        out[key.strip()] = value
    return out


# -- fields and templates ---------------------------------------------------------------------


def cmd_fields(args: argparse.Namespace) -> int:
    if args.markdown:
        sys.stdout.write(documents.fields_markdown())
        return 0
    infos = documents.list_fields()
    if args.json:
        print_json([to_json(info) | {"items": [to_json(i) for i in info.items]} for info in infos])
        return 0
    current = ""
    spanish = current_language() == "es"  # the fields' examples are written in en and es
    for info in infos:
        if info.scope != current:
            current = info.scope
            print(f"\n{_(documents.SCOPE_TITLES[current])}")
        for row in (info, *info.items):
            example = (row.example_es if spanish else row.example).replace("\n", " / ")
            shown = _("  e.g. {example}").format(example=example) if example else ""
            print(f"  {row.name} ({row.kind}){shown}")
            print(f"      {_(row.description)}")
    print(_("\nDates are written in the document's language. Full reference: docs/fields.md."))
    return 0


SEALED_NOTE = N_(
    "The vault's own templates are encrypted: give the passphrase ({env} or "
    "--passphrase-stdin) to list or copy them; shipped templates only."
)


def _note_sealed(args: argparse.Namespace) -> None:
    if context.server(args) is not None:
        print(
            _(
                "The clinic's own templates are encrypted on the clinic server: give your "
                "password ({env} or --password-stdin) to list or copy them; shipped templates only."
            ).format(env=secrets.PASSWORD_ENV),
            file=sys.stderr,
        )
    elif vault_ops.is_vault(context.vault_dir(args)):
        print(_(SEALED_NOTE).format(env=secrets.PASSPHRASE_ENV), file=sys.stderr)


def cmd_templates(args: argparse.Namespace) -> int:
    vault = context.open_store_if_unlockable(args)
    if vault is None:
        _note_sealed(args)
        found = documents.list_templates()
    else:
        with vault:
            found = documents.list_templates(vault=vault)
    if args.json:
        print_json(
            [
                {
                    "id": t.id,
                    "language": t.language,
                    "source": t.source,
                    # A clinic's template has no file: it exists only encrypted in the vault.
                    "path": str(t.path) if t.path is not None else None,
                    "title": t.title,
                    "client_letter": t.id.startswith("client-"),
                    "worksite_wide": t.worksite_wide,
                    "sha256": t.sha256 or None,
                }
                for t in found
            ]
        )
        return 0
    print_table(
        [_("Template"), _("Lang"), _("Source"), _("What it is")],
        [
            (
                t.id,
                t.language,
                _(t.source) if t.source in SOURCES else t.source,
                _(t.title) if t.title else t.title,  # shipped titles are in the catalog
            )
            for t in found
        ],
        _("No templates."),
    )
    print(
        _(
            "\nClient letters (client-*) follow each worker's language; add a language by adding "
            "<lang>/<id>.docx with 'clinic-app template-add FILE --lang xx'."
        )
    )
    return 0


def cmd_template_check(args: argparse.Namespace) -> int:
    result = documents.check_template(path=args.file)
    wide = (
        _(" It makes one document per agency letter (it uses workers).")
        if result.worksite_wide
        else ""
    )
    print(
        ngettext(
            "{name} is ready to use: {count} field, all known.{wide}",
            "{name} is ready to use: {count} fields, all known.{wide}",
            len(result.fields),
        ).format(name=result.name, count=format_number(len(result.fields)), wide=wide)
    )
    return 0


def cmd_template_add(args: argparse.Namespace) -> int:
    with context.open_store(args) as vault:
        record = documents.add_template(
            vault,
            path=args.file,
            template_id=args.template_id,
            lang=args.lang,
            replace=args.replace,
        )
    if vault.kind == SERVER:  # encrypted on this laptop under the clinic key, stored as a blob
        print(
            _(
                "Added the template '{id}' ({lang}): it is sealed on the clinic server (encrypted "
                "under the clinic key, checksum {sum}), goes into the server's backups with it, "
                "and 'clinic-app check' notices if it is changed outside the app."
            ).format(id=record.id, lang=record.language, sum=record.sha256[:16])
        )
        return 0
    print(
        _(
            "Added the template '{id}' ({language}): it is sealed in the vault (encrypted, checksum {sha256}), goes into backups with it, and 'clinic-app check' notices if it is changed outside the app."
        ).format(id=record.id, language=record.language, sha256=record.sha256[:16])
    )
    return 0


def cmd_template_remove(args: argparse.Namespace) -> int:
    with context.open_store(args) as vault:
        documents.remove_template(vault, template_id=args.template_id, lang=args.lang)
    if vault.kind == SERVER:
        print(
            _("Removed the clinic's template '{id}' ({lang}) from the clinic server.").format(
                id=args.template_id, lang=args.lang
            )
        )
        return 0
    print(
        _("Removed the vault's template '{template_id}' ({lang}).").format(
            template_id=args.template_id, lang=args.lang
        )
    )
    return 0


def cmd_template_copy(args: argparse.Namespace) -> int:
    vault = context.open_store_if_unlockable(args)
    if vault is None:
        _note_sealed(args)
        target = documents.copy_template(template=args.template, lang=args.lang, out=args.out)
    else:
        with vault:
            target = documents.copy_template(
                template=args.template, lang=args.lang, out=args.out, vault=vault
            )
    print(
        _(
            "Copied to {target}; edit it in Word, then add it with 'clinic-app template-add'."
        ).format(target=target)
    )
    return 0


# -- checklist and sign-off ---------------------------------------------------------------------


# A packet item's status as a word; English keeps the code that --set takes.
CHECKLIST_STATUS = {
    "missing": N_("Missing"),
    "received": N_("Received"),
    "needs_translation": N_("Needs translation"),
    "not_applicable": N_("Not applicable"),
}


def _checklist_status(status: str) -> str:
    if current_language() == "en" or status not in CHECKLIST_STATUS:
        return status.replace("_", " ")
    return _(CHECKLIST_STATUS[status])


def _print_checklist(record: ChecklistRecord) -> None:
    print(
        _("Matter {matter_id}: {kind} request, {program}").format(
            matter_id=record.matter_id,
            kind=word("matter_kind", record.kind),
            program=word("program", record.program),
        )
    )
    print_table(
        [_("Item"), _("Status"), _("Required"), _("What it is")],
        [
            (
                item.key,
                _checklist_status(item.status),
                _("yes") if item.required else _("no"),
                item.title if current_language() == "en" else item.label or item.title,
            )
            for item in record.items
        ],
        _("No items."),
    )
    if record.sign_off is not None:
        s = record.sign_off
        print(
            _("Signed off by {staff_name} ({role}) on {date}.").format(
                staff_name=s.staff_name,
                role=word("staff_role", s.role).replace("_", " "),
                date=s.signed_on.isoformat(),
            )
        )
    state = _("READY TO FILE") if record.ready_to_file else _("not ready to file")
    print(f"{state}: {record.summary}.")


def _checklist_json(record: ChecklistRecord) -> dict[str, object]:
    return {
        "matter_id": record.matter_id,
        "program": record.program,
        "kind": record.kind,
        "ready_to_file": record.ready_to_file,
        "complete": record.complete,
        "summary": record.summary,
        "outstanding": list(record.outstanding),
        "sign_off": to_json(record.sign_off) if record.sign_off else None,
        "items": [to_json(item) for item in record.items],
        "enclosures": list(record.enclosures),
    }


def cmd_checklist(args: argparse.Namespace) -> int:
    statuses = _pairs(args.set, "ITEM")
    with context.open_store(args) as vault:
        if args.fee:
            matters.update_matter(vault, matter_id=args.matter_id, fee=args.fee)
        if statuses:
            record = checklist.set_items(vault, matter_id=args.matter_id, statuses=statuses).record
        else:
            record = checklist.get_checklist(vault, matter_id=args.matter_id)
    if args.json:
        print_json(_checklist_json(record))
    else:
        _print_checklist(record)
    return 0


def cmd_sign_off(args: argparse.Namespace) -> int:
    on = context.today_or(args.on, "--on")
    with context.open_store(args) as vault:
        record = checklist.sign_off(vault, matter_id=args.matter_id, by=args.by, on=on).record
    assert record.sign_off is not None
    print(
        _(
            "Matter {matter_id} signed off by {staff_name} on {date}: ready to file (recorded in the audit log)."
        ).format(
            matter_id=record.matter_id,
            staff_name=record.sign_off.staff_name,
            date=record.sign_off.signed_on.isoformat(),
        )
    )
    return 0


# -- clinic details and kept drafts ----------------------------------------------------------------


def cmd_clinic(args: argparse.Namespace) -> int:
    values = _pairs(args.set, "KEY")
    with context.open_store(args) as vault:
        if values:
            documents.set_clinic_details(vault, values=values)
        details = documents.clinic_details(vault)
    if args.json:
        print_json({"settings": dict(details.values), "warnings": list(details.warnings)})
        return 0
    if values:
        print(
            ngettext(
                "Saved {count} clinic setting.", "Saved {count} clinic settings.", len(values)
            ).format(count=format_number(len(values)))
        )
    print_table(
        [_("Setting"), _("Value")],
        [(key, value.replace("\n", " / ")) for key, value in details.values],
        _("No clinic details yet: set them with 'clinic-app clinic --set name=...'."),
    )
    for warning in details.warnings:
        print(_("Note: {warning}.").format(warning=warning))
    return 0


def cmd_drafts(args: argparse.Namespace) -> int:
    with context.open_store(args) as vault:
        rows = documents.list_drafts(vault, matter_id=args.matter)
    if args.json:
        print_json([to_json(r) for r in rows])
        return 0
    print_table(
        [_("ID"), _("Matter"), _("Letter"), _("Template"), _("Lang"), _("File"), _("Kept (UTC)")],
        [
            (
                r.id,
                r.matter_id,
                r.letter_id,
                r.template,
                r.language,
                r.filename,
                f"{r.created_at:%Y-%m-%d %H:%M}",
            )
            for r in rows
        ],
        _("No drafts are kept on the clinic server.")
        if vault.kind == SERVER
        else _("No drafts are kept in the vault."),
    )
    return 0


def cmd_draft_export(args: argparse.Namespace) -> int:
    with context.open_store(args) as vault:
        target = documents.export_draft(
            vault, draft_id=args.draft_id, out_dir=args.out, overwrite=args.overwrite
        )
    print(
        _("Wrote {target}. {plain_files_notice}").format(
            target=target, plain_files_notice=plain_files_notice(vault.kind == SERVER)
        )
    )
    return 0
