"""Drafts kept encrypted in the vault: listing them and writing one out for Word."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel import col, select

from clinic_app.documents import naming
from clinic_app.documents.models import GeneratedDocument
from clinic_app.domain.models import StoredFile
from clinic_app.errors import NotFoundError, UserError
from clinic_app.i18n import _
from clinic_app.services._base import require_id
from clinic_app.services.changes import FILE
from clinic_app.store.base import Store
from clinic_app.vault import audit
from clinic_app.vault.fsutil import atomic_write


@dataclass(frozen=True)
class DraftRecord:
    id: int
    matter_id: int | None
    letter_id: int | None
    template: str
    language: str
    file_id: int
    filename: str
    size: int
    created_at: datetime


def list_drafts(vault: Store, *, matter_id: int | None = None) -> list[DraftRecord]:
    with vault.reader() as session:
        query = (
            select(GeneratedDocument, StoredFile)
            .join(StoredFile, col(StoredFile.id) == GeneratedDocument.file_id)
            .order_by(col(GeneratedDocument.id))
        )
        if matter_id is not None:
            query = query.where(GeneratedDocument.matter_id == matter_id)
        return [
            DraftRecord(
                id=require_id(doc.id),
                matter_id=doc.matter_id,
                letter_id=doc.agency_letter_id,
                template=doc.template,
                language=doc.language,
                file_id=doc.file_id,
                filename=stored.filename,
                size=stored.size,
                created_at=doc.created_at,
            )
            for doc, stored in session.exec(query)
        ]


def export_draft(vault: Store, *, draft_id: int, out_dir: Path, overwrite: bool = False) -> Path:
    """Decrypt a kept draft into a folder (as a plain .docx, for Word)."""
    from clinic_app.services import files

    with vault.reader() as session:
        doc = session.get(GeneratedDocument, draft_id)
        if doc is None:
            raise NotFoundError(
                _("There is no kept draft with id {draft_id}.").format(draft_id=draft_id)
            )
        file_id = doc.file_id
    record, data = files.read_file(vault, file_id=file_id)
    target = Path(out_dir).expanduser() / naming.clean_filename(Path(record.filename).name)
    if target.exists() and not overwrite:
        raise UserError(
            _("{target} already exists; add --overwrite to replace it.").format(target=target)
        )
    atomic_write(target, data)
    with vault.session() as session:
        audit.record(session, action="export", record_kind=FILE, record_id=file_id)
    return target
