"""Notes on clients and matters."""

from __future__ import annotations

from sqlmodel import col, select

from clinic_app.domain import validators as v
from clinic_app.domain.models import Client, Matter, Note
from clinic_app.errors import ValidationError
from clinic_app.i18n import _
from clinic_app.services import row_versions
from clinic_app.services._base import get_or_fail, insert, now, require_id
from clinic_app.services.changes import NOTE, Changed, ChangeSet
from clinic_app.services.records import NoteRecord
from clinic_app.store.base import Store
from clinic_app.vault import audit


def _record(row: Note) -> NoteRecord:
    return NoteRecord(
        id=require_id(row.id),
        client_id=row.client_id,
        matter_id=row.matter_id,
        author=row.author,
        body=row.body,
        created_at=row.created_at,
        version=row.version,
    )


def add_note(
    vault: Store, *, body: str, client_id: int | None = None, matter_id: int | None = None
) -> Changed[NoteRecord]:
    if client_id is None and matter_id is None:
        raise ValidationError(
            "note", _("belongs to a client or a matter; name one."), label=_("note")
        )
    with vault.session() as session:
        if matter_id is not None:
            matter = get_or_fail(session, Matter, matter_id, "matter")
            client_id = client_id or matter.client_id
        if client_id is not None:
            get_or_fail(session, Client, client_id, "client")
        row = Note(
            client_id=client_id,
            matter_id=matter_id,
            author=vault.actor,
            body=v.require_text(body, "note", multiline=True),
            created_at=now(),
        )
        insert(session, row, NOTE)
        record = _record(row)
    return Changed(record, ChangeSet.of(NOTE, record.id))


def update_note(
    vault: Store, *, note_id: int, body: str, version: int | None = None
) -> Changed[NoteRecord]:
    """Correct a note's text (who wrote it and when stay as they were)."""
    text = v.require_text(body, "note", multiline=True)
    with vault.session() as session:
        row = get_or_fail(session, Note, note_id, "note")
        row_versions.check(session, row, NOTE, version)
        changed = row.body != text
        if changed:
            row.body = text
            session.add(row)
            row_versions.flush(session, NOTE, note_id)
            audit.record(session, action="update", record_kind=NOTE, record_id=note_id)
        record = _record(row)
    return Changed(record, ChangeSet.of(NOTE, note_id) if changed else ChangeSet())


def get_note(vault: Store, *, note_id: int) -> NoteRecord:
    with vault.reader() as session:
        return _record(get_or_fail(session, Note, note_id, "note"))


def list_notes(
    vault: Store, *, client_id: int | None = None, matter_id: int | None = None
) -> list[NoteRecord]:
    with vault.reader() as session:
        query = select(Note).order_by(col(Note.created_at).desc(), col(Note.id).desc())
        if client_id is not None:
            query = query.where(Note.client_id == client_id)
        if matter_id is not None:
            query = query.where(Note.matter_id == matter_id)
        return [_record(r) for r in session.exec(query)]
