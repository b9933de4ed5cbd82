"""Evidence and scans kept in the vault's encrypted file store."""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path

from clinic_app.domain.models import StoredFile
from clinic_app.errors import DamagedError, UserError
from clinic_app.i18n import _
from clinic_app.os_errors import read_error_sentence
from clinic_app.services._base import get_or_fail, insert, now, require_id
from clinic_app.services.changes import FILE, Changed, ChangeSet
from clinic_app.services.records import FileRecord
from clinic_app.store.base import Store

MAX_FILE_BYTES = 200 * 1024 * 1024


def _record(row: StoredFile) -> FileRecord:
    return FileRecord(
        id=require_id(row.id),
        filename=row.filename,
        media_type=row.media_type,
        size=row.size,
        sha256=row.sha256,
        created_at=row.created_at,
    )


def store_bytes(
    vault: Store, *, data: bytes, filename: str, media_type: str | None = None
) -> Changed[FileRecord]:
    """Encrypt `data` into the vault; the original name is kept only inside the database."""
    if len(data) > MAX_FILE_BYTES:
        raise UserError(
            _("The file is larger than {megabytes} MB; scan it at a lower resolution.").format(
                megabytes=MAX_FILE_BYTES // (1024 * 1024)
            )
        )
    blob = vault.files.put(data)
    try:
        with vault.session() as session:
            row = StoredFile(
                blob=blob,
                filename=Path(filename).name,
                size=len(data),
                media_type=media_type
                or mimetypes.guess_type(filename)[0]
                or "application/octet-stream",
                sha256=hashlib.sha256(data).hexdigest(),
                created_at=now(),
            )
            insert(session, row, FILE)
            record = _record(row)
    except BaseException:
        vault.files.delete(blob)  # the database never learned of it: leave no orphan
        raise
    return Changed(record, ChangeSet.of(FILE, record.id))


def store_path(vault: Store, *, path: Path) -> Changed[FileRecord]:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UserError(read_error_sentence(exc, path)) from exc
    return store_bytes(vault, data=data, filename=Path(path).name)


def read_file(vault: Store, *, file_id: int) -> tuple[FileRecord, bytes]:
    with vault.reader() as session:
        row = get_or_fail(session, StoredFile, file_id, "stored file")
        record, blob = _record(row), row.blob
    data = vault.files.get(blob)
    if hashlib.sha256(data).hexdigest() != record.sha256:
        raise DamagedError(
            _("The stored file {file_id} does not match its recorded checksum.").format(
                file_id=file_id
            )
        )
    return record, data
