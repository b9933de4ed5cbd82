"""Integrity check of a store: database, key slots, audit chain and file store."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlmodel import select

from clinic_app.domain.models import StoredFile
from clinic_app.errors import DamagedError
from clinic_app.i18n import _, ngettext
from clinic_app.store.base import Store
from clinic_app.vault import audit


@dataclass(frozen=True)
class CheckReport:
    problems: tuple[str, ...]
    notes: tuple[str, ...]
    files_checked: int

    @property
    def ok(self) -> bool:
        return not self.problems


def check_vault(vault: Store) -> CheckReport:
    """Check a vault or the clinic server: its database, keys, audit chain and stored files."""
    # Imported here: document drafting is a fifth of the app's loading, and the main window
    # (which can run a backup, and so a check) should not wait for it.
    from clinic_app.services.documents.templates import template_file_ids, verify_templates

    notes: list[str] = []
    problems = list(vault.integrity_problems())
    files_checked = 0
    with vault.reader() as session:
        problems.extend(audit.verify(session, vault.audit_key))
        stored = list(session.exec(select(StoredFile)))
    known = set()
    templates = template_file_ids(vault)  # checked below, in a template's words
    for row in stored:
        known.add(row.blob)
        if row.id in templates:
            continue
        try:
            data = vault.files.get(row.blob)
        except DamagedError as exc:
            problems.append(
                _("kept file {id} (evidence or a draft): {reason}").format(
                    id=row.id, reason=exc.message.rstrip(".")
                )
            )
            continue
        files_checked += 1
        if hashlib.sha256(data).hexdigest() != row.sha256:
            problems.append(
                _(
                    "kept file {id} (evidence or a draft) is not what was saved: its checksum "
                    "differs (altered or damaged); restore it from a backup"
                ).format(id=row.id)
            )
    template_problems, templates_checked = verify_templates(vault)
    problems.extend(template_problems)
    files_checked += templates_checked
    orphans = set(vault.files.blobs()) - known
    if orphans:
        notes.append(
            ngettext(
                "{count} file in the file store belongs to no record (left by an interrupted save)",
                "{count} files in the file store belong to no record (left by an interrupted save)",
                len(orphans),
            ).format(count=len(orphans))
        )
    notes.extend(vault.check_notes())
    return CheckReport(problems=tuple(problems), notes=tuple(notes), files_checked=files_checked)
