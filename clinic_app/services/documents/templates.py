"""Templates: listing, checking, a clinic's own sealed in the vault (add, replace, remove), and resolving what TEMPLATE names."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, col, select

from clinic_app.documents import templates
from clinic_app.documents.engine import PreparedTemplate, TemplateProblem
from clinic_app.domain.models import ClinicTemplate, StoredFile
from clinic_app.errors import DamagedError, UserError
from clinic_app.i18n import _
from clinic_app.services._base import now
from clinic_app.store.base import Store
from clinic_app.vault import audit
from clinic_app.vault.fsutil import atomic_write
from clinic_app.vault.plain_templates import DOCX_TYPE


@dataclass(frozen=True)
class TemplateRecord:
    id: str
    language: str
    source: str  # "clinic", "shipped" or "file"
    path: Path | None  # None for a clinic's template: it exists only encrypted in the vault
    title: str
    worksite_wide: bool
    sha256: str = ""  # a clinic's template: the checksum recorded when it was added


@dataclass(frozen=True)
class TemplateCheck:
    name: str
    fields: tuple[str, ...]
    worksite_wide: bool


def _clinic_rows(session: Session) -> list[tuple[ClinicTemplate, StoredFile]]:
    return list(
        session.exec(
            select(ClinicTemplate, StoredFile)
            .join(StoredFile, col(StoredFile.id) == ClinicTemplate.file_id)
            .order_by(col(ClinicTemplate.template_id), col(ClinicTemplate.language))
        )
    )


def clinic_templates(vault: Store) -> list[templates.TemplateFile]:
    """The clinic's own templates (sealed in the vault's file store)."""
    with vault.reader() as session:
        rows = _clinic_rows(session)
    return [
        templates.TemplateFile(row.template_id, row.language, "clinic", None, "")
        for row, _stored in rows
    ]


def _damaged(template_id: str, lang: str) -> DamagedError:
    return DamagedError(
        _(
            "The clinic's template '{template_id}' ({lang}) was changed outside the app or is damaged; add it again (Settings → Word templates, or 'clinic-app template-add FILE --replace')."
        ).format(template_id=template_id, lang=lang)
    )


def read_template(vault: Store, *, template_id: str, lang: str) -> bytes:
    """A clinic's template, decrypted and checked against the checksum recorded when it was
    added; a template changed outside the app is refused."""
    with vault.reader() as session:
        stored = session.exec(
            select(StoredFile)
            .join(ClinicTemplate, col(StoredFile.id) == ClinicTemplate.file_id)
            .where(ClinicTemplate.template_id == template_id, ClinicTemplate.language == lang)
        ).first()
    if stored is None:
        raise UserError(
            _("The vault has no template '{template_id}' in '{lang}'.").format(
                template_id=template_id, lang=lang
            )
        )
    try:
        data = vault.files.get(stored.blob)
    except DamagedError as exc:
        raise _damaged(template_id, lang) from exc
    if hashlib.sha256(data).hexdigest() != stored.sha256:
        raise _damaged(template_id, lang)
    return data


def verify_templates(vault: Store) -> tuple[list[str], int]:
    """For `check`: every clinic template against its recorded checksum (problems, checked)."""
    with vault.reader() as session:
        rows = _clinic_rows(session)
    problems: list[str] = []
    for row, _stored in rows:
        try:
            read_template(vault, template_id=row.template_id, lang=row.language)
        except DamagedError as exc:
            problems.append(exc.message.split(";")[0])
    return problems, len(rows) - len(problems)


def template_file_ids(vault: Store) -> set[int]:
    with vault.reader() as session:
        return {row.file_id for row, _stored in _clinic_rows(session)}


def list_templates(*, vault: Store | None = None) -> list[TemplateRecord]:
    """Every template by id and language: the clinic's own (which need the vault open, being
    encrypted) hide the shipped ones they replace."""
    sums: dict[tuple[str, str], str] = {}
    if vault is not None:
        with vault.reader() as session:
            sums = {(r.template_id, r.language): s.sha256 for r, s in _clinic_rows(session)}
    clinic = [templates.TemplateFile(tid, lang, "clinic", None, "") for tid, lang in sums]
    out = []
    for t in templates.list_templates(clinic):
        sha = sums.get((t.id, t.language), "")
        wide = _worksite_wide(vault, t, sha)
        out.append(TemplateRecord(t.id, t.language, t.source, t.path, t.title, wide, sha))
    return out


# Whether a template is worksite-wide, by what its content is (a shipped file's path, size and
# modification time; a clinic template's checksum): finding out compiles the template, some
# 50 ms each, and Settings lists every template again after each change a person saves.
_WIDE: dict[tuple[object, ...], bool] = {}


def _worksite_wide(vault: Store | None, t: templates.TemplateFile, sha: str) -> bool:
    if t.path is not None:
        try:
            stat = t.path.stat()
        except OSError:
            return False
        key: tuple[object, ...] = ("file", str(t.path), stat.st_size, stat.st_mtime_ns)
    else:
        key = ("clinic", t.id, t.language, sha)
    found = _WIDE.get(key)
    if found is None:
        try:
            if t.path is not None:
                prepared = PreparedTemplate.from_path(t.path)
            else:
                assert vault is not None
                data = read_template(vault, template_id=t.id, lang=t.language)
                prepared = PreparedTemplate(data, name=f"{t.id}.docx")
            found = prepared.check().worksite_wide
        except (TemplateProblem, DamagedError):
            return False  # not kept: a damaged file may be put right
        _WIDE[key] = found
    return found


def check_template(*, path: Path) -> TemplateCheck:
    """Check a .docx against the field list; raises TemplateProblem naming what is wrong."""
    prepared = PreparedTemplate.from_path(Path(path))
    analysis = prepared.check()
    return TemplateCheck(prepared.name, tuple(sorted(analysis.fields)), analysis.worksite_wide)


def _find_row(session: Session, template_id: str, lang: str) -> ClinicTemplate | None:
    return session.exec(
        select(ClinicTemplate).where(
            ClinicTemplate.template_id == template_id, ClinicTemplate.language == lang
        )
    ).first()


def add_template(
    vault: Store,
    *,
    path: Path,
    template_id: str | None = None,
    lang: str = "en",
    replace: bool = False,
) -> TemplateRecord:
    """Check a clinic's template, then seal it in the vault's file store (its checksum in the
    database, the addition or replacement in the audit log)."""
    template_id = templates.check_id(template_id or Path(path).stem.lower())
    lang = templates.check_language(lang)
    prepared = PreparedTemplate.from_path(Path(path))
    analysis = prepared.check()
    digest = hashlib.sha256(prepared.data).hexdigest()
    with vault.reader() as session:
        if _find_row(session, template_id, lang) is not None and not replace:
            raise UserError(
                _(
                    "The vault already has a template '{template_id}' in '{lang}'; add --replace to replace it."
                ).format(template_id=template_id, lang=lang)
            )
    blob = vault.files.put(prepared.data)
    old_blob: str | None = None
    try:
        with vault.session() as session:
            stored = StoredFile(
                blob=blob,
                filename=f"{template_id}.docx",
                media_type=DOCX_TYPE,
                size=len(prepared.data),
                sha256=digest,
                created_at=now(),
            )
            session.add(stored)
            session.flush()
            assert stored.id is not None
            existing = _find_row(session, template_id, lang)
            if existing is not None:
                old_blob = _drop(session, existing)
            session.add(
                ClinicTemplate(
                    template_id=template_id, language=lang, file_id=stored.id, added_at=now()
                )
            )
            audit.record(
                session,
                action="replace_template" if existing is not None else "add_template",
                record_kind="template",
                summary=f"{template_id} ({lang}) sha256 {digest[:16]}",
            )
    except BaseException:
        vault.files.delete(blob)  # the database never learned of it: leave no orphan
        raise
    if old_blob is not None:
        vault.files.delete(old_blob)
    return TemplateRecord(template_id, lang, "clinic", None, "", analysis.worksite_wide, digest)


def _drop(session: Session, row: ClinicTemplate) -> str | None:
    """Delete a template's row and its stored file's row; returns the blob to delete after the
    commit (a crash before that leaves an orphan blob, which `check` notes)."""
    stored = session.get(StoredFile, row.file_id)
    session.delete(row)
    session.flush()
    if stored is None:
        return None
    session.delete(stored)
    session.flush()
    return stored.blob


def remove_template(vault: Store, *, template_id: str, lang: str) -> None:
    """Remove a clinic's template from the vault (a shipped one of the same id shows again)."""
    template_id = templates.check_id(template_id)
    lang = templates.check_language(lang)
    with vault.session() as session:
        row = _find_row(session, template_id, lang)
        if row is None:
            raise UserError(
                _(
                    "The vault has no template '{template_id}' in '{lang}' of its own; 'clinic-app templates' lists them."
                ).format(template_id=template_id, lang=lang)
            )
        blob = _drop(session, row)
        audit.record(
            session,
            action="remove_template",
            record_kind="template",
            summary=f"{template_id} ({lang})",
        )
    if blob is not None:
        vault.files.delete(blob)


@dataclass(frozen=True)
class TemplateSource:
    """What TEMPLATE named: a template id (any language it exists in) or one .docx file."""

    label: str  # for file names and the audit log
    template_id: str | None
    path: Path | None
    vault: Store
    clinic: tuple[templates.TemplateFile, ...] = field(default=())

    def languages(self) -> list[str]:
        if self.template_id is None:
            return []
        return templates.languages_of(self.template_id, self.clinic)

    def has(self, lang: str) -> bool:
        return self.path is not None or lang in self.languages()

    def prepare(self, lang: str) -> PreparedTemplate:
        """The template in `lang`, read (a clinic's from the encrypted store, checked against its
        checksum) but not yet checked against the fields."""
        if self.path is not None:
            return PreparedTemplate.from_path(self.path, name=self.path.name)
        assert self.template_id is not None
        found = templates.find_template(self.template_id, lang, self.clinic)
        if found is None:
            raise UserError(
                _("There is no '{template_id}' template in '{lang}'.").format(
                    template_id=self.template_id, lang=lang
                )
            )
        if found.path is not None:
            return PreparedTemplate.from_path(found.path, name=found.path.name)
        data = read_template(self.vault, template_id=found.id, lang=lang)
        return PreparedTemplate(data, name=f"{found.id}.docx")

    @property
    def for_client(self) -> bool:
        return self.template_id is not None and templates.is_client_letter(self.template_id)


def resolve_source(template: str, vault: Store) -> TemplateSource:
    candidate = Path(template).expanduser()
    if template.lower().endswith(".docx") or len(candidate.parts) > 1:
        if not candidate.is_file():
            raise UserError(_("There is no template file {candidate}.").format(candidate=candidate))
        return TemplateSource("custom template", None, candidate, vault)
    source = TemplateSource(template, template, None, vault, tuple(clinic_templates(vault)))
    if not source.languages():
        raise UserError(
            _(
                "There is no template named '{template}'; 'clinic-app templates' lists them (or give the path of a .docx)."
            ).format(template=template)
        )
    return source


def shipped_template_folder() -> Path:
    """Where the app's own templates are (copy one from here to edit it)."""
    return templates.shipped_dir()


def copy_template(*, template: str, lang: str, out: Path, vault: Store | None = None) -> Path:
    """Copy a template (the clinic's, decrypted, else the shipped one) to a file, to edit it in
    Word."""
    lang = templates.check_language(lang)
    clinic = clinic_templates(vault) if vault is not None else []
    found = templates.find_template(template, lang, clinic)
    if found is None:
        raise UserError(
            _("There is no '{template}' template in '{lang}'.").format(template=template, lang=lang)
        )
    out = Path(out).expanduser()
    target = out / f"{found.id}.docx" if out.is_dir() else out
    if target.exists():
        raise UserError(_("{target} already exists; choose another name.").format(target=target))
    if found.path is not None:
        data = found.path.read_bytes()
    else:
        assert vault is not None
        data = read_template(vault, template_id=found.id, lang=lang)
    atomic_write(target, data)
    return target
