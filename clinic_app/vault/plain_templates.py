"""The one-time move of plain clinic templates (<vault>/templates/<lang>/<id>.docx) into the encrypted store.

Before templates were sealed, a clinic's own templates were plain .docx files in the vault
folder that anyone who could write to the disk could swap. Opening a vault moves them into the
encrypted file store once (each move audited with its checksum), then overwrites and removes
the plain copies. After that the app never reads that folder again: a plain template found
there later was not put there by the app, so it is left alone and `check` reports it.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from clinic_app.documents.templates import LANGUAGE, TEMPLATE_ID, VAULT_TEMPLATES
from clinic_app.domain.models import ClinicTemplate, Setting, StoredFile
from clinic_app.errors import VaultError
from clinic_app.vault import audit
from clinic_app.vault.fsutil import disk_error_sentence, remove_overwritten

if TYPE_CHECKING:
    from clinic_app.vault.vault import Vault

SEALED_SETTING = "documents.templates_sealed"  # set once the plain templates were moved in
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class PlainTemplate:
    template_id: str
    language: str
    path: Path


def find(folder: Path) -> list[PlainTemplate]:
    """Plain templates where the app used to keep them."""
    root = Path(folder) / VAULT_TEMPLATES
    if not root.is_dir():
        return []
    found = []
    for lang_dir in sorted(p for p in root.iterdir() if p.is_dir() and LANGUAGE.match(p.name)):
        for path in sorted(lang_dir.glob("*.docx")):
            if path.is_file() and TEMPLATE_ID.match(path.stem):
                found.append(PlainTemplate(path.stem, lang_dir.name, path))
    return found


def mark_sealed(session: Session) -> None:
    """A vault whose templates live in the encrypted store (every new vault)."""
    session.merge(Setting(key=SEALED_SETTING, value="true"))


def is_sealed(session: Session) -> bool:
    # One Core read: every unlock asks, and the ORM's identity lookup costs more than the query.
    key = Setting.__table__.c.key  # type: ignore[attr-defined]
    found = session.connection().execute(select(key).where(key == SEALED_SETTING)).first()
    return found is not None


def sealed_checksums(session: Session) -> dict[tuple[str, str], str]:
    rows = session.exec(
        select(ClinicTemplate.template_id, ClinicTemplate.language, StoredFile.sha256).join(
            StoredFile, col(StoredFile.id) == ClinicTemplate.file_id
        )
    )
    return {(tid, lang): sha for tid, lang, sha in rows}


def _prune(folder: Path) -> None:
    """Remove the old templates folder's empty language folders (and it, when empty)."""
    root = Path(folder) / VAULT_TEMPLATES
    for lang_dir in [p for p in root.iterdir() if p.is_dir()] if root.is_dir() else []:
        if not any(lang_dir.iterdir()):
            lang_dir.rmdir()
    if root.is_dir() and not any(root.iterdir()):
        root.rmdir()


def remove_plain(found: list[PlainTemplate], sealed: dict[tuple[str, str], str]) -> None:
    """Overwrite and remove the plain copies of templates the store holds byte for byte."""
    for plain in found:
        data = plain.path.read_bytes()
        if sealed.get((plain.template_id, plain.language)) == hashlib.sha256(data).hexdigest():
            remove_overwritten(plain.path)
    if found:
        _prune(found[0].path.parents[2])


def move_in(session: Session, moved: list[tuple[PlainTemplate, str, bytes]]) -> None:
    """Rows for the blobs just stored (plain template, blob, its bytes), each move audited with
    its checksum, then the vault marked as sealed; all in the caller's transaction."""
    now = datetime.now(UTC).replace(microsecond=0)
    for plain, blob, data in moved:
        digest = hashlib.sha256(data).hexdigest()
        stored = StoredFile(
            blob=blob,
            filename=f"{plain.template_id}.docx",
            media_type=DOCX_TYPE,
            size=len(data),
            sha256=digest,
            created_at=now,
        )
        session.add(stored)
        session.flush()
        assert stored.id is not None
        existing = session.exec(
            select(ClinicTemplate).where(
                ClinicTemplate.template_id == plain.template_id,
                ClinicTemplate.language == plain.language,
            )
        ).first()
        if existing is not None:
            session.delete(existing)
            session.flush()
        session.add(
            ClinicTemplate(
                template_id=plain.template_id,
                language=plain.language,
                file_id=stored.id,
                added_at=now,
            )
        )
        audit.record(
            session,
            action="seal_template",
            record_kind="template",
            summary=f"{plain.template_id} ({plain.language}) sha256 {digest[:16]}",
        )
    mark_sealed(session)


def seal_at_open(vault: Vault) -> None:
    """Move plain templates from where the app used to keep them into the encrypted store
    (once per vault), then overwrite and remove the plain copies."""
    found = find(vault.folder)
    with vault.reader() as session:
        sealed = is_sealed(session)
    if not sealed:
        moved: list[tuple[PlainTemplate, str, bytes]] = []
        try:
            for plain in found:
                data = plain.path.read_bytes()
                moved.append((plain, vault.files.put(data), data))
            with vault.session() as session:
                move_in(session, moved)
        except OSError as exc:
            for _plain, blob, _data in moved:
                vault.files.delete(blob)
            raise VaultError(disk_error_sentence(exc, vault.folder)) from exc
        except BaseException:
            for _plain, blob, _data in moved:
                vault.files.delete(blob)  # the database never learned of them
            raise
    if found:
        with vault.reader() as session:
            checksums = sealed_checksums(session)
        # What stays is reported by `check`; the templates are safe in the store.
        with contextlib.suppress(VaultError, OSError):
            remove_plain(found, checksums)
