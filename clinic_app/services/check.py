"""Integrity check of a vault: database pages, schema, key slots, audit chain and file store."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlmodel import select

from clinic_app.domain.models import StoredFile
from clinic_app.errors import DamagedError
from clinic_app.vault import audit, leftovers
from clinic_app.vault.vault import Vault


@dataclass(frozen=True)
class CheckReport:
    problems: tuple[str, ...]
    notes: tuple[str, ...]
    files_checked: int

    @property
    def ok(self) -> bool:
        return not self.problems


def check_vault(vault: Vault) -> CheckReport:
    problems: list[str] = []
    notes: list[str] = []
    try:
        with vault.engine.connect() as conn:
            bad_pages = conn.exec_driver_sql("PRAGMA cipher_integrity_check").all()
            if bad_pages:
                problems.append(
                    f"{len(bad_pages)} database page(s) fail their authentication check (altered or damaged)"
                )
            result = [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check").all()]
            if result != ["ok"]:
                problems.append(
                    "the database structure is damaged: " + "; ".join(map(str, result[:3]))
                )
            if conn.exec_driver_sql("PRAGMA foreign_key_check").all():
                problems.append("some records point at records that do not exist")
            conn.execute(
                text("INSERT INTO client_search(client_search) VALUES ('integrity-check')")
            )
            conn.rollback()
    except DatabaseError as exc:
        raise DamagedError(
            "The vault database is damaged or was altered; restore it from a backup."
        ) from exc
    problems.extend(vault.verify_key_slots())
    problems.extend(vault.verify_head())
    files_checked = 0
    with vault.reader() as session:
        problems.extend(audit.verify(session, vault.audit_key))
        stored = list(session.exec(select(StoredFile)))
    known = set()
    for row in stored:
        known.add(row.blob)
        try:
            data = vault.files.get(row.blob)
        except DamagedError as exc:
            problems.append(f"stored file {row.id}: {exc.message.rstrip('.')}")
            continue
        files_checked += 1
        if hashlib.sha256(data).hexdigest() != row.sha256:
            problems.append(f"stored file {row.id} does not match its recorded checksum")
    orphans = set(vault.files.blobs()) - known
    if orphans:
        notes.append(
            f"{len(orphans)} file(s) in the file store belong to no record (left by an interrupted save)"
        )
    if vault.swept:
        notes.append(
            f"{len(vault.swept)} leftover temporary file(s) of an interrupted program were "
            f"removed when the vault was opened ({leftovers.describe(vault.swept, vault.folder)})"
        )
    remaining = vault.leftovers()
    if remaining:
        notes.append(
            f"{len(remaining)} leftover temporary file(s) of an interrupted program are still "
            f"there ({leftovers.describe(remaining, vault.folder)}); delete them"
        )
    return CheckReport(problems=tuple(problems), notes=tuple(notes), files_checked=files_checked)
