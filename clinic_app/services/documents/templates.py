"""Templates: listing, checking, adding a clinic's own, and resolving what TEMPLATE names."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from clinic_app.documents import templates
from clinic_app.documents.engine import PreparedTemplate, TemplateProblem
from clinic_app.errors import UserError
from clinic_app.store.base import Store
from clinic_app.vault import audit
from clinic_app.vault.fsutil import atomic_write


@dataclass(frozen=True)
class TemplateRecord:
    id: str
    language: str
    source: str  # "clinic", "shipped" or "file"
    path: Path
    title: str
    worksite_wide: bool


@dataclass(frozen=True)
class TemplateCheck:
    name: str
    fields: tuple[str, ...]
    worksite_wide: bool


def list_templates(*, vault_folder: Path | None = None) -> list[TemplateRecord]:
    """Every template by id and language; the vault's templates folder needs no unlocking
    (templates hold no client data), so this takes the folder, not an open vault."""
    out = []
    for t in templates.list_templates(vault_folder):
        try:
            wide = PreparedTemplate.from_path(t.path).check().worksite_wide
        except TemplateProblem:
            wide = False
        out.append(TemplateRecord(t.id, t.language, t.source, t.path, t.title, wide))
    return out


def check_template(*, path: Path) -> TemplateCheck:
    """Check a .docx against the field list; raises TemplateProblem naming what is wrong."""
    prepared = PreparedTemplate.from_path(Path(path))
    analysis = prepared.check()
    return TemplateCheck(prepared.name, tuple(sorted(analysis.fields)), analysis.worksite_wide)


def add_template(
    vault: Store,
    *,
    path: Path,
    template_id: str | None = None,
    lang: str = "en",
    replace: bool = False,
) -> TemplateRecord:
    """Check a clinic's template, then copy it into <vault>/templates/<lang>/<id>.docx."""
    template_id = templates.check_id(template_id or Path(path).stem.lower())
    lang = templates.check_language(lang)
    prepared = PreparedTemplate.from_path(Path(path))
    analysis = prepared.check()
    target = templates.vault_dir(vault.folder) / lang / f"{template_id}.docx"
    if target.exists() and not replace:
        raise UserError(
            f"The vault already has a template '{template_id}' in '{lang}'; add --replace to replace it."
        )
    atomic_write(target, prepared.data)
    with vault.session() as session:
        audit.record(
            session,
            action="add_template",
            record_kind="template",
            summary=f"{template_id} ({lang})",
        )
    return TemplateRecord(template_id, lang, "clinic", target, "", analysis.worksite_wide)


@dataclass(frozen=True)
class TemplateSource:
    """What TEMPLATE named: a template id (any language it exists in) or one .docx file."""

    label: str  # for file names and the audit log
    template_id: str | None
    path: Path | None
    vault_folder: Path

    def languages(self) -> list[str]:
        if self.template_id is None:
            return []
        return templates.languages_of(self.template_id, self.vault_folder)

    def has(self, lang: str) -> bool:
        return self.path is not None or lang in self.languages()

    def file_for(self, lang: str) -> Path:
        if self.path is not None:
            return self.path
        assert self.template_id is not None
        found = templates.find_template(self.template_id, lang, self.vault_folder)
        if found is None:
            raise UserError(f"There is no '{self.template_id}' template in '{lang}'.")
        return found.path

    @property
    def for_client(self) -> bool:
        return self.template_id is not None and templates.is_client_letter(self.template_id)


def resolve_source(template: str, vault_folder: Path) -> TemplateSource:
    candidate = Path(template).expanduser()
    if template.lower().endswith(".docx") or len(candidate.parts) > 1:
        if not candidate.is_file():
            raise UserError(f"There is no template file {candidate}.")
        return TemplateSource("custom template", None, candidate, vault_folder)
    source = TemplateSource(template, template, None, vault_folder)
    if not source.languages():
        raise UserError(
            f"There is no template named '{template}'; 'clinic-app templates' lists them "
            "(or give the path of a .docx)."
        )
    return source


def shipped_template_folder() -> Path:
    """Where the app's own templates are (copy one from here to edit it)."""
    return templates.shipped_dir()


def copy_template(*, template: str, lang: str, out: Path, vault_folder: Path | None = None) -> Path:
    """Copy a template (the clinic's, else the shipped one) to a file, to edit it in Word."""
    found = templates.find_template(template, templates.check_language(lang), vault_folder)
    if found is None:
        raise UserError(f"There is no '{template}' template in '{lang}'.")
    out = Path(out).expanduser()
    target = out / found.path.name if out.is_dir() else out
    if target.exists():
        raise UserError(f"{target} already exists; choose another name.")
    atomic_write(target, found.path.read_bytes())
    return target
