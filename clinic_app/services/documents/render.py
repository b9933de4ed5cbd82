"""Filling templates for one matter or every matter under an agency letter, with an index."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlmodel import Session, col, select

from clinic_app.documents import batch, conditions, context, naming, selection, templates
from clinic_app.documents import fields as F
from clinic_app.documents.context import ClinicFacts, GroupFacts, MatterFacts
from clinic_app.documents.engine import PreparedTemplate, RenderFailure, Value
from clinic_app.documents.facts import load_clinic, load_group_facts, load_matter_facts
from clinic_app.documents.index import IndexRow, write_csv, write_docx
from clinic_app.documents.models import GeneratedDocument
from clinic_app.documents.selection import MatterFilter
from clinic_app.domain.models import AgencyLetter, Matter, Setting, StoredFile
from clinic_app.errors import UserError
from clinic_app.i18n import N_, _, current_language, ngettext
from clinic_app.os_errors import os_error_sentence
from clinic_app.services._base import get_or_fail, insert, now, require_id
from clinic_app.services.changes import FILE, LETTER, MATTER, SETTING, ChangeSet
from clinic_app.services.documents.templates import TemplateSource, resolve_source
from clinic_app.store.base import Store
from clinic_app.vault import audit
from clinic_app.vault.vault import DRAFTS_SETTING

Progress = Callable[[int, int], None]
PLAIN_FILES_NOTICE = N_(
    "Generated drafts are plain .docx files (Word must open them): they are not encrypted, so "
    "anyone who can open this folder can read them. Delete them when done, or keep copies in "
    "the vault instead with --keep-in-vault."
)


@dataclass(frozen=True)
class RenderedDocument:
    """One document of a run: written, or why not."""

    worker: str  # "" for a worksite-wide document
    client_id: int | None
    matter_id: int | None
    letter_id: int | None
    kind: str
    language: str
    language_note: str
    checklist: str
    filename: str | None
    path: Path | None
    stored_file_id: int | None
    problem: str | None
    mailing_note: str = ""
    refused: bool = False  # the problem is that the template is not for this matter
    anyway: str = ""  # made although the template is not for this matter: why not

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class LeftOut:
    """A matter of the letter that the batch's choices left out, and why."""

    worker: str
    client_id: int
    matter_id: int
    kind: str
    reason: str  # the command line's words, naming the flag
    choice: str = ""  # which choice left it out: kind | stage | grant_state | one_per_client
    value: str = ""  # the matter's kind, stage or grant state it was left out for (an id)


@dataclass(frozen=True)
class RenderReport:
    template: str
    out_dir: Path | None
    documents: tuple[RenderedDocument, ...]
    index_csv: Path | None = None
    index_docx: Path | None = None
    changes: ChangeSet = field(default_factory=ChangeSet)
    left_out: tuple[LeftOut, ...] = ()

    @property
    def written(self) -> list[RenderedDocument]:
        return [d for d in self.documents if d.ok]

    @property
    def failed(self) -> list[RenderedDocument]:
        return [d for d in self.documents if not d.ok]


@dataclass
class _Planned:
    """One document to make, before it is made."""

    worker: str
    client_id: int | None
    matter_id: int | None
    letter_id: int | None
    kind: str
    language: str
    language_note: str
    checklist: str
    mailing_note: str
    values: dict[str, Value]
    filename: str
    problem: str | None = None
    refused: bool = False
    anyway: str = ""


def _why(failure: RenderFailure, values: Mapping[str, Value] | None = None) -> str:
    """One clause saying why a document could not be made, and what to do about it."""
    if failure.field:
        found = F.spec(failure.field)
        if found is not None and found.missing:
            hint = hint_words(found.missing)
            agency = (values or {}).get("letter.agency_code")
            if isinstance(agency, str):
                code = context.agency_code(agency)
                if any(c.isspace() for c in code):  # "NYS DOL": one shell word only quoted
                    hint = hint.replace(
                        "agency_intake.<agency code>=...", "'agency_intake.<agency code>=...'"
                    )
                hint = hint.replace("<agency code>", code)
            return f"{hint} ({failure.field})"
        return _("{field} has no value").format(field=failure.field)
    if failure.saving:  # the template was fine: writing the file failed
        return _("the document could not be saved: {message}").format(message=failure.message)
    return _("the template could not be filled: {message}").format(message=failure.message)


def _language_for(source: TemplateSource, facts: MatterFacts, lang: str | None) -> tuple[str, str]:
    """The document's language and, when it is not the worker's preferred one, why."""
    if lang is not None:
        return lang, ""
    if not source.for_client:
        return "en", ""
    preferred = facts.client.preferred_language
    for code in facts.client.languages or ("en",):
        if source.has(code):
            if code == preferred:
                return code, ""
            return code, _("no template in {language}; {used} used").format(
                language=context.language_name(preferred, current_language()),
                used=context.language_name(code, current_language()),
            )
    return "en", _("no template in {language}; {used} used").format(
        language=context.language_name(preferred, current_language()),
        used=context.language_name("en", current_language()),
    )


_SETTING_HINT = re.compile(
    r"^(?P<what>.+) is not set; set it with: clinic-app clinic --set (?P<key>[\w.<>-]+)="
)
_SETTING_SENTENCE = re.compile(
    r"^(?P<what>.+) is not set; set it with: clinic-app clinic --set (?P<setting>.+)$"
)


def hint_words(hint: str) -> str:
    """A field's missing-value hint (documents/fields.py) in the person's language."""
    found = _SETTING_SENTENCE.match(hint)
    if found is None:
        return _(hint)
    what, setting = found.group("what", "setting")
    return _("{what} is not set; set it with: clinic-app clinic --set {setting}").format(
        what=_(what), setting=setting
    )


@dataclass(frozen=True)
class MissingSetting:
    """A clinic setting a template needs that is not set."""

    key: str  # as `clinic-app clinic --set KEY=...` takes it
    what: str  # "the clinic's name"


class MissingClinicSettings(UserError):
    """Clinic settings the templates need, every one of them at once."""

    def __init__(self, template: str, missing: list[MissingSetting]) -> None:
        whats = [m.what for m in missing]
        listed = (
            whats[0]
            if len(whats) == 1
            else _("{items} and {last}").format(items=", ".join(whats[:-1]), last=whats[-1])
        )
        sets = " ".join(f"--set {m.key}=..." for m in missing)
        super().__init__(
            ngettext(
                "{template} cannot be filled: {listed} is not set; set it with: "
                "clinic-app clinic {sets}; nothing was written.",
                "{template} cannot be filled: {listed} are not set; set them with: "
                "clinic-app clinic {sets}; nothing was written.",
                len(whats),
            ).format(template=template, listed=listed, sets=sets)
        )
        self.missing = tuple(missing)


def missing_settings(
    prepared: PreparedTemplate, clinic: ClinicFacts, lang: str, today: date
) -> list[MissingSetting]:
    """Every clinic setting this template prints that is not set: filled with the example
    matter and this clinic's details, again and again, each missing one stood in for."""
    values: dict[str, Value] = {
        **context.example_values(lang),
        **context.clinic_values(clinic, lang=lang, today=today),
    }
    found: list[MissingSetting] = []
    while True:
        # A clinic's template is filled in a worker with limits, even for this trial.
        failure = batch.render_one(prepared, values).failure
        if failure is None:
            return found
        if failure.field is None:
            raise UserError(
                _("{name} cannot be filled ({message}); nothing was written.").format(
                    name=prepared.name, message=failure.message
                )
            )
        spec = F.spec(failure.field)
        if spec is None or spec.scope != F.CLINIC or values.get(failure.field) is not None:
            return found  # a matter's own fact: that document alone says so later
        hint = _SETTING_HINT.match(spec.missing)
        key, what = (hint["key"], hint["what"]) if hint else (failure.field, failure.field)
        found.append(MissingSetting(key, _(what)))
        values[failure.field] = f"[{key}]"


def _preflight(prepared: dict[str, PreparedTemplate], clinic: ClinicFacts, today: date) -> None:
    """Stop the whole run before any file is written when clinic settings are missing, naming
    every one of them."""
    missing: list[MissingSetting] = []
    for code, template in prepared.items():
        for item in missing_settings(template, clinic, code, today):
            if item not in missing:
                missing.append(item)
    if missing:
        raise MissingClinicSettings(next(iter(prepared.values())).name, missing)


def clinic_settings_missing(vault: Store, *, template: str, today: date) -> list[MissingSetting]:
    """The clinic settings a template needs (in every language it exists in) that are not
    set, in the order the template prints them: the desktop opens Settings at the first."""
    source = resolve_source(template, vault)
    with vault.reader() as session:
        clinic = load_clinic(session)
    found: list[MissingSetting] = []
    for code in source.languages() or ["en"]:
        for item in missing_settings(source.prepare(code), clinic, code, today):
            if item not in found:
                found.append(item)
    return found


def render_documents(
    vault: Store,
    *,
    template: str,
    today: date,
    matter_id: int | None = None,
    letter_id: int | None = None,
    out_dir: Path | None = None,
    lang: str | None = None,
    keep_in_vault: bool = False,
    overwrite: bool = False,
    workers: int | None = None,
    progress: Progress | None = None,
    anyway: bool = False,
    choose: MatterFilter | None = None,
    all_workers: bool = False,
) -> RenderReport:
    """Fill a template for one matter, or for every matter under an agency letter.

    Nothing is written when the template is unreadable, uses a field that does not exist, or
    needs a clinic detail that is not set. Otherwise each document is written atomically to
    `out_dir` (plain .docx) and/or kept encrypted in the vault; a matter that cannot be filled
    is reported by name and does not stop the others. A letter batch also writes index.csv and
    index.docx. With `lang`, every document is in that language; without it, client letters
    follow each worker's languages (else English) and everything else is in English.

    Each template says what it is for (conditions.py): a matter it is not for is refused with
    the reason, unless `anyway` (then made, and the audit log says so). `choose` narrows a
    letter batch (kinds, stages, grant states, one per client); the index says why each matter
    was left out. A worksite-wide document lists workers with an open matter unless
    `all_workers`.
    """
    if (matter_id is None) == (letter_id is None):
        raise UserError(_("Name one matter (--matter) or one agency letter (--letter)."))
    if out_dir is None and not keep_in_vault:
        raise UserError(
            _("Say where the documents go: an output folder (--out), or --keep-in-vault.")
        )
    if lang is not None:
        lang = templates.check_language(lang)
    if choose is not None:
        choose = choose.checked()
    source = resolve_source(template, vault)
    rules = conditions.load(vault.folder).get(source.template_id or "")
    if lang is not None and not source.has(lang):
        raise UserError(
            _("There is no '{label}' template in '{lang}' (it exists in: {languages}).").format(
                label=source.label, lang=lang, languages=", ".join(source.languages())
            )
        )

    prepared: dict[str, PreparedTemplate] = {}

    def prepare(code: str) -> PreparedTemplate:
        if code not in prepared:
            prepared[code] = source.prepare(code)
            prepared[code].check()
        return prepared[code]

    with vault.reader() as session:
        clinic = load_clinic(session)
        if letter_id is not None:
            get_or_fail(session, AgencyLetter, letter_id, "agency letter")
            matter_ids = list(
                session.exec(
                    select(Matter.id)
                    .where(Matter.agency_letter_id == letter_id)
                    .order_by(col(Matter.id))
                )
            )
        else:
            assert matter_id is not None
            get_or_fail(session, Matter, matter_id, "matter")
            matter_ids = [matter_id]
        ids = [require_id(i) for i in matter_ids]
        # Worksite-wide templates make one document per letter, whatever their language.
        first = prepare(
            lang or ("en" if source.has("en") or source.path else source.languages()[0])
        )
        wide = first.check().worksite_wide
        group: GroupFacts | None = None
        facts: dict[int, MatterFacts] = {}
        if wide:
            if letter_id is None:
                assert matter_id is not None
                the_matter = session.get(Matter, matter_id)
                if the_matter is None or the_matter.agency_letter_id is None:
                    raise UserError(
                        _(
                            "{name} is a worksite-wide document and matter {matter_id} has no agency letter; link the matter to its letter first."
                        ).format(name=first.name, matter_id=matter_id)
                    )
                letter_id = the_matter.agency_letter_id
            group = load_group_facts(session, letter_id, today=today, all_workers=all_workers)
        else:
            if not ids:
                raise UserError(
                    _("No matter uses agency letter {letter_id}; nothing to fill.").format(
                        letter_id=letter_id
                    )
                )
            facts = load_matter_facts(session, ids, today=today)

    left_out: list[LeftOut] = []
    if choose is not None and matter_id is None and group is None:
        chosen, left = selection.choose([facts[i] for i in ids], choose, today)
        ids = [m.id for m in chosen]
        left_out = [
            LeftOut(
                o.matter.client.full_name,
                o.matter.client.id,
                o.matter.id,
                o.matter.kind,
                o.reason,
                o.choice,
                o.value,
            )
            for o in left
        ]

    planned: list[_Planned] = []
    if group is not None:
        code = lang or "en"
        prepare(code)
        planned.append(
            _Planned(
                worker="",
                client_id=None,
                matter_id=None,
                letter_id=group.letter.id,
                kind="",
                language=code,
                language_note="",
                checklist="",
                mailing_note="",
                values=context.group_values(group, clinic, lang=code, today=today),
                filename=naming.safe_filename(
                    group.letter.employer.name, source.label, today.isoformat()
                ),
            )
        )
        reason = conditions.group_refusal(rules, group) if rules else None
        if reason:
            _refuse(planned[-1], reason, anyway)
    else:
        used_names: set[str] = set()
        for matter_id_ in ids:
            matter = facts[matter_id_]
            code, note = _language_for(source, matter, lang)
            prepare(code)
            client = matter.client
            name = _file_name(source, rules, matter, code, today)
            if name.casefold() in used_names:  # two workers with one name, or two matters
                name = _file_name(source, rules, matter, code, today, f"matter-{matter.id}")
            used_names.add(name.casefold())
            planned.append(
                _Planned(
                    worker=client.full_name,
                    client_id=client.id,
                    matter_id=matter.id,
                    letter_id=matter.letter.id if matter.letter else None,
                    kind=matter.kind,
                    language=code,
                    language_note=note,
                    checklist=matter.checklist,
                    mailing_note=_mailing_note(source, client),
                    values={
                        **context.matter_values(matter, clinic, lang=code, today=today),
                        **context.document_values(code, _signed_language(source, matter, code)),
                    },
                    filename=name,
                )
            )
            reason = conditions.refusal(rules, matter, today) if rules else None
            if reason:
                _refuse(planned[-1], reason, anyway)
    _preflight(prepared, clinic, today)

    if out_dir is not None:
        out_dir = Path(out_dir).expanduser()
        if out_dir.exists() and not out_dir.is_dir():
            raise UserError(_("{out_dir} is a file, not a folder.").format(out_dir=out_dir))
        if not overwrite:
            for plan in planned:
                if (out_dir / plan.filename).exists():
                    plan.problem = _(
                        "{name} already exists (add --overwrite to replace it)"
                    ).format(name=plan.filename)
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(os_error_sentence(exc, out_dir)) from exc

    to_make = [plan for plan in planned if plan.problem is None]
    jobs = [
        batch.Job(
            template=plan.language,
            values=plan.values,
            out_path=(out_dir / plan.filename) if out_dir is not None else None,
            want_bytes=keep_in_vault,
        )
        for plan in to_make
    ]
    remembered = out_dir is None or vault.drafts_folder() == out_dir.resolve()

    def record_draft(index: int, result: batch.JobResult) -> None:
        # Each plain draft is in the audit log as soon as it is on disk, not at the batch's end
        # (a killed batch used to leave drafts that no event recorded).
        nonlocal remembered
        plan = to_make[index]
        if result.ok and out_dir is not None:
            with vault.session() as session:
                if not remembered:  # the next open sweeps killed renders' leftovers there
                    _remember_drafts_folder(session, out_dir)
                    remembered = True
                audit.record(
                    session,
                    action="write_draft",
                    record_kind=MATTER if plan.matter_id is not None else LETTER,
                    record_id=plan.matter_id if plan.matter_id is not None else plan.letter_id,
                    summary=f"{source.label} ({plan.language})",
                )

    results = iter(
        batch.run_jobs(prepared, jobs, workers=workers, progress=progress, on_result=record_draft)
    )
    made: list[tuple[_Planned, bytes | None]] = []
    for plan in planned:
        if plan.problem is not None:
            continue
        result = next(results)
        if result.ok:
            made.append((plan, result.data))
        else:
            assert result.failure is not None
            plan.problem = _why(result.failure, plan.values)

    stored: dict[int, int] = {}
    changes = ChangeSet()
    with vault.session() as session:
        if keep_in_vault:
            for index, (plan, data) in enumerate(made):
                assert data is not None
                stored[index] = _keep(vault, session, plan, source.label, data)
            if made:
                changes = changes | ChangeSet(kinds=frozenset({FILE}))
        written = sum(1 for plan in planned if plan.problem is None)
        refused = sum(1 for plan in planned if plan.refused)
        despite = sum(1 for plan in planned if plan.anyway and plan.problem is None)
        audit.record(
            session,
            action="render",
            record_kind=LETTER if letter_id is not None else MATTER,
            record_id=letter_id if letter_id is not None else matter_id,
            summary=(
                f"{source.label} ({', '.join(sorted(prepared))}): {written} made, "
                f"{len(planned) - written} failed"
                + (f" ({refused} refused: not what the template is for)" if refused else "")
                + (
                    f", {despite} made anyway although not what the template is for"
                    if despite
                    else ""
                )
                + (f", {len(left_out)} left out by the batch's choices" if left_out else "")
                + (", kept in the vault" if keep_in_vault else "")
                + (", written to a folder" if out_dir is not None else "")
            ),
        )

    kept = {id(plan): stored[i] for i, (plan, _data) in enumerate(made) if i in stored}
    documents = tuple(
        RenderedDocument(
            worker=plan.worker,
            client_id=plan.client_id,
            matter_id=plan.matter_id,
            letter_id=plan.letter_id,
            kind=plan.kind,
            language=plan.language,
            language_note=plan.language_note,
            checklist=plan.checklist,
            filename=plan.filename if plan.problem is None else None,
            path=(out_dir / plan.filename)
            if out_dir is not None and plan.problem is None
            else None,
            stored_file_id=kept.get(id(plan)),
            problem=plan.problem,
            mailing_note=plan.mailing_note,
            refused=plan.refused,
            anyway=plan.anyway,
        )
        for plan in planned
    )
    report = RenderReport(
        template=source.label,
        out_dir=out_dir,
        documents=documents,
        changes=changes,
        left_out=tuple(left_out),
    )
    if letter_id is not None and group is None and out_dir is not None:
        report = _write_index(vault, report, letter_id=letter_id, out_dir=out_dir, today=today)
    return report


def _mailing_note(source: TemplateSource, client: context.ClientFacts) -> str:
    """What staff must know before sending a client letter; said first wherever it is shown."""
    if not source.for_client:
        return ""
    # Said to the person making the letters, in their language (the letter's own banner is in
    # the letter's).
    banner = context.contact_banner(client, current_language())
    if banner:
        return banner
    return _("safe-contact note: read it before mailing") if client.safe_contact_note else ""


def _signed_language(source: TemplateSource, matter: MatterFacts, lang: str) -> str:
    """The first of the worker's languages this template exists in, else this document's."""
    for code in matter.client.languages:
        if source.has(code):
            return code
    return lang


def _refuse(plan: _Planned, reason: str, anyway: bool) -> None:
    if anyway:
        plan.anyway = reason
    else:
        plan.problem, plan.refused = reason, True


def _file_name(
    source: TemplateSource,
    rules: conditions.Conditions | None,
    matter: MatterFacts,
    lang: str,
    today: date,
    *extra: str,
) -> str:
    """<last>_<first>_<label>_<date>[_<lang>]: client letters use a neutral label (a file name
    shows on a shared screen), and a template made in several languages names the language."""
    label = rules.file_label if rules is not None and rules.file_label else source.label
    if source.for_client and not (rules is not None and rules.file_label):
        label = "letter"
    several = source.template_id is not None and len(source.languages()) > 1
    client = matter.client
    return naming.safe_filename(
        client.last_name, client.first_name, label, today.isoformat(), *(lang,) * several, *extra
    )


def _remember_drafts_folder(session: Session, out_dir: Path) -> None:
    """Where drafts go (a vault setting, recorded with the first draft written there)."""
    value = json.dumps(str(out_dir.resolve()))
    row = session.get(Setting, DRAFTS_SETTING)
    if row is None:
        row = Setting(key=DRAFTS_SETTING, value=value)
    row.value = value
    session.add(row)
    audit.record(session, action="set", record_kind=SETTING, summary=DRAFTS_SETTING)


def _keep(vault: Store, session: Session, plan: _Planned, label: str, data: bytes) -> int:
    """Encrypt one document into the vault's file store, linked to its matter or letter."""
    blob = vault.files.put(data)
    try:
        row = StoredFile(
            blob=blob,
            filename=plan.filename,
            media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            created_at=now(),
        )
        insert(session, row, FILE)
        doc = GeneratedDocument(
            matter_id=plan.matter_id,
            agency_letter_id=plan.letter_id if plan.matter_id is None else None,
            template=label,
            language=plan.language,
            file_id=require_id(row.id),
            created_at=now(),
        )
        session.add(doc)
        session.flush()
    except BaseException:
        vault.files.delete(blob)
        raise
    return require_id(row.id)


def _write_index(
    vault: Store, report: RenderReport, *, letter_id: int, out_dir: Path, today: date
) -> RenderReport:
    with vault.reader() as session:
        letter = get_or_fail(session, AgencyLetter, letter_id, "agency letter")
        facts = load_group_facts(session, letter_id, today=today).letter
    rows = [
        IndexRow(
            worker=d.worker,
            client_id=d.client_id or 0,
            matter_id=d.matter_id or 0,
            kind=d.kind,
            language=d.language,
            checklist=d.checklist,
            file=d.filename or "",
            note="; ".join(
                part
                for part in (
                    d.mailing_note,
                    f"not made: {d.problem}" if d.problem else "made",
                    f"made anyway although {d.anyway}" if d.anyway else "",
                    d.language_note,
                )
                if part
            ),
        )
        for d in report.documents
    ] + [
        IndexRow(
            worker=left.worker,
            client_id=left.client_id,
            matter_id=left.matter_id,
            kind=left.kind,
            language="",
            checklist="",
            file="",
            note=left.reason,
        )
        for left in report.left_out
    ]
    csv_path, docx_path = out_dir / "index.csv", out_dir / "index.docx"
    write_csv(csv_path, rows)
    # The index is the staff's, in the language of the screen or command that made it, as its
    # headings and its rows' notes are.
    lang = current_language()
    issued = context.write_date(letter.date_issued, lang) or _("no date")
    made = ngettext("{n} document made", "{n} documents made", len(report.written)).format(
        n=len(report.written)
    )
    left_out = (
        ngettext(
            ", {n} left out by the batch's choices",
            ", {n} left out by the batch's choices",
            len(report.left_out),
        ).format(n=len(report.left_out))
        if report.left_out
        else ""
    )
    write_docx(
        docx_path,
        title=f"{report.template}: {facts.employer.name}",
        subtitle=_(
            "Agency letter {id} ({agency}, {issued}). Made on {today}: {made}, {failed} not "
            "made{left_out}."
        ).format(
            id=letter_id,
            agency=context.agency_name(letter.agency, lang),
            issued=issued,
            today=context.write_date(today, lang),
            made=made,
            failed=len(report.failed),
            left_out=left_out,
        ),
        rows=rows,
    )
    return RenderReport(
        template=report.template,
        out_dir=report.out_dir,
        documents=report.documents,
        index_csv=csv_path,
        index_docx=docx_path,
        changes=report.changes,
        left_out=report.left_out,
    )
