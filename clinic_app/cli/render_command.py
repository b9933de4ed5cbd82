"""The `render` command: fill a template for one matter, or for every matter under a letter."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from clinic_app.cli import context
from clinic_app.cli.output import print_json
from clinic_app.errors import UserError
from clinic_app.i18n import _, format_number, ngettext
from clinic_app.services import documents
from clinic_app.services.records import to_json
from clinic_app.store.base import SERVER


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "render",
        parents=[common],
        help=_("fill a template for one matter, or for every matter under an agency letter"),
        description=_(
            "TEMPLATE is a template id (see 'clinic-app templates') or the path of a .docx. "
        )
        + _(documents.PLAIN_FILES_NOTICE),
    )
    p.add_argument("template", metavar="TEMPLATE")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--matter", type=int, metavar="ID")
    target.add_argument(
        "--letter", type=int, metavar="LETTER_ID", help=_("every matter using this agency letter")
    )
    p.add_argument("--out", type=Path, metavar="DIR", help=_("folder for the .docx files"))
    p.add_argument(
        "--lang",
        help=_(
            "language of every document (default: client letters in each worker's language, "
            "else English; everything else in English)"
        ),
    )
    p.add_argument("--today", help=_("date written on the documents (YYYY-MM-DD; default today)"))
    p.add_argument(
        "--keep-in-vault",
        action="store_true",
        help=_("also (or, without --out, only) keep encrypted copies in the vault"),
    )
    p.add_argument("--overwrite", action="store_true", help=_("replace files of the same name"))
    p.add_argument(
        "--anyway",
        action="store_true",
        help=_("make it even for a matter the template is not for (recorded in the audit log)"),
    )
    batch = p.add_argument_group(_("choosing matters under --letter"))
    batch.add_argument(
        "--kind",
        action="append",
        default=[],
        help=_("initial, renewal, extension, other (repeatable)"),
    )
    batch.add_argument(
        "--stage",
        action="append",
        default=[],
        help=_("a pipeline stage, e.g. drafting (repeatable)"),
    )
    batch.add_argument(
        "--grant-state",
        action="append",
        default=[],
        choices=["live", "ending", "ended", "terminated"],
        help=_(
            "the worker's grant: live (includes ending), ending (within --within days), ended, terminated"
        ),
    )
    batch.add_argument(
        "--within", type=int, default=180, metavar="DAYS", help=_("days for 'ending' (default 180)")
    )
    batch.add_argument(
        "--one-per-client",
        action="store_true",
        help=_("one document per worker (their open matter, else the newest)"),
    )
    batch.add_argument(
        "--all-workers",
        action="store_true",
        help=_("worksite-wide documents: list workers whose matters are decided or closed too"),
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_render)


def plain_files_notice(on_server: bool) -> str:
    """What a .docx written out means; on the clinic server, where encrypted copies go instead."""
    if not on_server:
        return _(documents.PLAIN_FILES_NOTICE)
    return _(
        "Generated drafts are plain .docx files (Word must open them): they are not encrypted, so "
        "anyone who can open this folder can read them. Delete them when done, or keep encrypted "
        "copies on the clinic server instead with --keep-in-vault."
    )


def cmd_render(args: argparse.Namespace) -> int:
    today = context.today_or(args.today)
    with context.open_store(args) as vault:
        report = documents.render_documents(
            vault,
            template=args.template,
            matter_id=args.matter,
            letter_id=args.letter,
            out_dir=args.out,
            lang=args.lang,
            today=today,
            keep_in_vault=args.keep_in_vault,
            overwrite=args.overwrite,
            anyway=args.anyway,
            choose=documents.MatterFilter(
                kinds=tuple(args.kind),
                stages=tuple(args.stage),
                grant_states=tuple(args.grant_state),
                within=args.within,
                one_per_client=args.one_per_client,
            ),
            all_workers=args.all_workers,
        )
    on_server = vault.kind == SERVER
    single = args.matter is not None and len(report.documents) == 1
    if single and report.failed:
        bad = report.failed[0]
        who = (
            _("{worker} (matter {id})").format(worker=bad.worker, id=bad.matter_id)
            if bad.worker
            else _("The document")
        )
        hint = _(" (add --anyway to make it regardless)") if bad.refused else ""
        raise UserError(
            _("{who}: {problem}; nothing was written{hint}.").format(
                who=who, problem=bad.problem, hint=hint
            )
        )
    if args.json:
        print_json(
            {
                "template": report.template,
                "out_dir": str(report.out_dir) if report.out_dir else None,
                "index_csv": str(report.index_csv) if report.index_csv else None,
                "index_docx": str(report.index_docx) if report.index_docx else None,
                "written": len(report.written),
                "failed": len(report.failed),
                "documents": [
                    to_json(d) | {"path": str(d.path) if d.path else None} for d in report.documents
                ],
            }
        )
        return 1 if report.failed else 0
    for bad in report.failed:
        who = (
            _("{worker} (matter {id})").format(worker=bad.worker, id=bad.matter_id)
            if bad.worker
            else _("worksite document")
        )
        sentence = (
            _("clinic-app: {who}: {problem}; not made (add --anyway to make it regardless).")
            if bad.refused
            else _("clinic-app: {who}: {problem}; not made.")
        )
        print(sentence.format(who=who, problem=bad.problem), file=sys.stderr)
    written = report.written
    # Safe-contact rules come first: they decide whether a letter may be mailed at all.
    cautions = [d for d in written if d.mailing_note]
    if len(written) == 1 and cautions:
        print(
            _("{mailing_note}: {worker} (matter {matter_id}).").format(
                mailing_note=cautions[0].mailing_note,
                worker=cautions[0].worker,
                matter_id=cautions[0].matter_id,
            )
        )
    elif cautions:
        print(
            _("Safe-contact rules for {count} of these letters; read them before sending:").format(
                count=format_number(len(cautions))
            )
        )
        for d in cautions:
            print(
                _("  {mailing_note}: {worker} (matter {matter_id})").format(
                    mailing_note=d.mailing_note, worker=d.worker, matter_id=d.matter_id
                )
            )
    if report.out_dir is not None and written:
        if len(written) == 1:
            print(_("Wrote {path}.").format(path=written[0].path))
        else:
            print(
                _("Wrote {count} documents to {out_dir}.").format(
                    count=format_number(len(written)), out_dir=report.out_dir
                )
            )
    if args.keep_in_vault and written and on_server:
        print(
            ngettext(
                "Kept {n} encrypted copy on the clinic server (see 'clinic-app drafts').",
                "Kept {n} encrypted copies on the clinic server (see 'clinic-app drafts').",
                len(written),
            ).format(n=format_number(len(written)))
        )
    elif args.keep_in_vault and written:
        print(
            ngettext(
                "Kept {n} encrypted copy in the vault (see 'clinic-app drafts').",
                "Kept {n} encrypted copies in the vault (see 'clinic-app drafts').",
                len(written),
            ).format(n=format_number(len(written)))
        )
    for d in written:
        if d.anyway:
            print(
                _("  {who} (matter {matter_id}): made anyway although {anyway}.").format(
                    who=d.worker or d.filename, matter_id=d.matter_id, anyway=d.anyway
                )
            )
        if d.language_note:
            print(
                _("  {worker} (matter {matter_id}): {language_note}.").format(
                    worker=d.worker, matter_id=d.matter_id, language_note=d.language_note
                )
            )
    if report.left_out:
        print(
            ngettext(
                "Left out by your choices: {count} matter (the index says why).",
                "Left out by your choices: {count} matters (the index says why).",
                len(report.left_out),
            ).format(count=format_number(len(report.left_out)))
        )
    if report.index_csv is not None:
        print(
            _("Index: {index_csv} and {index_docx}.").format(
                index_csv=report.index_csv, index_docx=report.index_docx
            )
        )
    if report.out_dir is not None and written:
        print(plain_files_notice(on_server))
    if report.failed:
        failed, total = len(report.failed), len(report.documents)
        print(
            (
                ngettext(
                    "clinic-app: the document was not made (see above).",
                    "clinic-app: none of the {total} documents was made (see above).",
                    total,
                )
                if failed == total
                else ngettext(
                    "clinic-app: {n} of the {total} documents was not made (see above); the "
                    "others were.",
                    "clinic-app: {n} of the {total} documents were not made (see above); the "
                    "others were.",
                    failed,
                )
            ).format(n=format_number(failed), total=format_number(total)),
            file=sys.stderr,
        )
        return 1
    return 0
