"""Finding templates: the clinic's own (sealed in the vault) first, then the ones shipped with the app.

Shipped templates live in resources/templates/<lang>/<template id>.docx. A clinic's own are kept
in the vault's encrypted file store (services/documents/templates.py lists them); one with the
same id and language replaces the shipped one. Adding a language is adding a template.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from clinic_app.errors import UserError
from clinic_app.i18n import N_, _
from clinic_app.resources import resource_path

# Where a clinic's templates were kept as plain files before they were sealed in the vault (a
# clinic's preconditions.toml is still read from there).
VAULT_TEMPLATES = "templates"
TEMPLATE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,60}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")
CLIENT_PREFIX = "client-"  # a letter to the worker: written in the worker's language

SHIPPED_TITLES = {
    "declaration": N_("Worker declaration in support of a request for deferred action"),
    "cover-letter-initial": N_(
        "Cover letter to USCIS for an initial request (enclosures from the checklist)"
    ),
    "cover-letter-renewal": N_("Cover letter to USCIS for a renewal or an extension"),
    "soi-request": N_(
        "Letter asking a labor agency for a Statement of Interest (one per agency letter)"
    ),
    "client-appointment-reminder": N_("Client letter: biometrics appointment reminder"),
    "client-renewal-reminder": N_("Client letter: time to prepare the renewal"),
    "client-work-permit-expiring": N_("Client letter: work permit ending"),
    "client-policy-change": N_("Client letter: policy change notice"),
    "client-grant-terminated": N_("Client letter: the grant was terminated, call us for a review"),
}


@dataclass(frozen=True)
class TemplateFile:
    id: str
    language: str
    source: str  # "clinic" (sealed in the vault), "shipped", or "file" (a path given)
    path: Path | None  # None for a clinic's template: it exists only encrypted
    title: str

    @property
    def for_client(self) -> bool:
        return is_client_letter(self.id)


def is_client_letter(template_id: str) -> bool:
    return template_id.startswith(CLIENT_PREFIX)


def shipped_dir() -> Path:
    return resource_path("templates")


def vault_dir(vault_folder: Path) -> Path:
    return Path(vault_folder) / VAULT_TEMPLATES


def check_id(template_id: str) -> str:
    if not TEMPLATE_ID.match(template_id):
        raise UserError(
            _(
                "'{template_id}' is not a template id; use lower-case letters, digits and hyphens (e.g. client-holiday-closure)."
            ).format(template_id=template_id)
        )
    return template_id


def check_language(lang: str) -> str:
    code = lang.strip().lower().replace("_", "-")
    if not LANGUAGE.match(code):
        raise UserError(_("'{lang}' is not a language code (such as en or es).").format(lang=lang))
    return code


def _scan(root: Path) -> list[TemplateFile]:
    found: list[TemplateFile] = []
    if not root.is_dir():
        return found
    for lang_dir in sorted(p for p in root.iterdir() if p.is_dir() and LANGUAGE.match(p.name)):
        for path in sorted(lang_dir.glob("*.docx")):
            if path.name.startswith(("~$", ".")) or not TEMPLATE_ID.match(path.stem):
                continue  # Word's lock files and anything that is not a template id
            title = SHIPPED_TITLES.get(path.stem, "")
            found.append(TemplateFile(path.stem, lang_dir.name, "shipped", path, title))
    return found


def list_templates(clinic: Sequence[TemplateFile] = ()) -> list[TemplateFile]:
    """Every template by id and language; a clinic's template hides the shipped one it replaces."""
    taken = {(t.id, t.language) for t in clinic}
    shipped = [t for t in _scan(shipped_dir()) if (t.id, t.language) not in taken]
    return sorted([*clinic, *shipped], key=lambda t: (t.id, t.language != "en", t.language))


def find_template(
    template_id: str, lang: str, clinic: Sequence[TemplateFile] = ()
) -> TemplateFile | None:
    for template in list_templates(clinic):
        if template.id == template_id and template.language == lang:
            return template
    return None


def languages_of(template_id: str, clinic: Sequence[TemplateFile] = ()) -> list[str]:
    return [t.language for t in list_templates(clinic) if t.id == template_id]
