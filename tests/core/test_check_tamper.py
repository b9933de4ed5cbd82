"""Vault integrity: a clean vault passes; altered pages, key slots, files and audit rows are caught."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError
from sqlmodel import col, select

from clinic_app.domain.models import AuditEvent, StoredFile
from clinic_app.errors import ClinicError, DamagedError, UnlockError
from clinic_app.services import check, clients, demo, files, matters, vault_ops
from clinic_app.services.vault_ops import Vault
from clinic_app.vault import audit
from clinic_app.vault.vault import SLOTS_NAME
from tests.conftest import PASSPHRASE

PAGE = 4096


def test_clean_vault_passes(sample_vault: Vault) -> None:
    files.store_bytes(sample_vault, data=b"scan", filename="scan.png")
    report = check.check_vault(sample_vault)
    assert report.ok and report.problems == ()
    assert report.notes == ()
    assert report.files_checked == 1


def test_new_empty_vault_passes(vault: Vault) -> None:
    assert check.check_vault(vault).ok


# -- database pages ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_vault(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes, object, object]:
    """A closed vault with 300 demo workers: its folder, database bytes and what it held."""
    from tests.conftest import FAST_KDF

    folder = tmp_path_factory.mktemp("big") / "vault"
    vault, _ = vault_ops.create_vault(folder, passphrase=PASSPHRASE, kdf=FAST_KDF)
    try:
        demo.fill_demo(vault, clients=300)
        listed = clients.list_clients(vault)
        all_matters = matters.list_matters(vault)
    finally:
        vault.close()
    return folder, (folder / "vault.db").read_bytes(), listed, all_matters


def _tampered_copies(
    big_vault: tuple[Path, bytes, object, object],
    tmp_path: Path,
    fractions: tuple[float, ...] = (0.3, 0.55, 0.8),
) -> list[tuple[int, Path]]:
    folder, original, _, _ = big_vault
    assert len(original) % PAGE == 0
    pages = len(original) // PAGE
    assert pages > 40, "the demo vault is too small for a page well past page 1"
    out = []
    for fraction in fractions:
        page = int(pages * fraction)
        copy = tmp_path / f"page-{page}"
        copy.mkdir()
        for item in folder.iterdir():
            if item.is_file() and item.name != "vault.lock":
                (copy / item.name).write_bytes(item.read_bytes())
        data = bytearray(original)
        start = page * PAGE + 200
        for i in range(16):
            data[start + i] ^= 0xA5
        (copy / "vault.db").write_bytes(bytes(data))
        out.append((page, copy))
    return out


def test_altered_pages_are_detected_never_silently_read(
    big_vault: tuple[Path, bytes, object, object], tmp_path: Path
) -> None:
    _, _, listed, all_matters = big_vault
    opened = 0
    for page, copy in _tampered_copies(big_vault, tmp_path):
        try:
            vault = vault_ops.open_vault(copy, passphrase=PASSPHRASE)
        except DamagedError:
            continue
        opened += 1
        try:
            try:
                report = check.check_vault(vault)
            except DamagedError:
                pass
            else:
                assert not report.ok, f"check passed with page {page} altered"
                assert any("page" in p or "damaged" in p for p in report.problems)
            reads: list[tuple[Callable[[], object], object]] = [
                (lambda v=vault: clients.list_clients(v), listed),  # type: ignore[misc]
                (lambda v=vault: matters.list_matters(v), all_matters),  # type: ignore[misc]
            ]
            for read, expected in reads:
                try:
                    got = read()
                except Exception:  # refusing to read is fine; wrong data is not
                    continue
                assert got == expected, f"page {page} altered but a read returned other data"
        finally:
            vault.close()
    # Altering a data page deep in the file does not stop the vault opening: the check must see it.
    assert opened >= 1


def test_reads_of_altered_pages_raise_damaged_error(
    big_vault: tuple[Path, bytes, object, object], tmp_path: Path
) -> None:
    raw: list[str] = []
    fractions = tuple(i / 10 for i in range(2, 10))
    for page, copy in _tampered_copies(big_vault, tmp_path, fractions):
        try:
            vault = vault_ops.open_vault(copy, passphrase=PASSPHRASE)
        except DamagedError:
            continue
        try:
            for read in (clients.list_clients, matters.list_matters):
                try:
                    read(vault)
                except ClinicError:
                    pass
                except Exception as exc:
                    raw.append(f"page {page}, {read.__name__}: {type(exc).__name__}")
        finally:
            vault.close()
    assert raw == []


def test_garbage_database_is_damage_on_open(closed_vault: tuple[Path, str]) -> None:
    folder, _ = closed_vault
    db = folder / "vault.db"
    db.write_bytes(os.urandom(db.stat().st_size))
    with pytest.raises(DamagedError, match=r"[Rr]estore"):
        vault_ops.open_vault(folder, passphrase=PASSPHRASE)
    # The lock was released: the same process may try again.
    with pytest.raises(DamagedError):
        vault_ops.open_vault(folder, passphrase=PASSPHRASE)


# -- key slots ---------------------------------------------------------------------------------


def _edit_slot(folder: Path, kind: str, edit: Callable[[dict[str, object]], None]) -> None:
    path = folder / SLOTS_NAME
    doc = json.loads(path.read_text("utf-8"))
    for slot in doc["slots"]:
        if slot["kind"] == kind:
            edit(slot)
    path.write_text(json.dumps(doc, indent=2), "utf-8")


def _other_b64(value: object) -> str:
    raw = bytearray(base64.b64decode(str(value)))
    raw[0] ^= 0xFF
    return base64.b64encode(bytes(raw)).decode()


@pytest.mark.parametrize("field", ["salt", "wrapped", "nonce", "mac"])
def test_altered_recovery_slot_is_reported(closed_vault: tuple[Path, str], field: str) -> None:
    folder, code = closed_vault
    _edit_slot(folder, "recovery", lambda slot: slot.update({field: _other_b64(slot[field])}))
    vault = vault_ops.open_vault(folder, passphrase=PASSPHRASE)
    try:
        report = check.check_vault(vault)
    finally:
        vault.close()
    assert not report.ok
    assert any("key slot 'recovery'" in p for p in report.problems), report.problems
    if field != "mac":
        with pytest.raises(UnlockError):
            vault_ops.Vault.open_with_recovery(folder, code)


def test_missing_recovery_slot_is_reported(closed_vault: tuple[Path, str]) -> None:
    folder, _ = closed_vault
    path = folder / SLOTS_NAME
    doc = json.loads(path.read_text("utf-8"))
    doc["slots"] = [s for s in doc["slots"] if s["kind"] != "recovery"]
    path.write_text(json.dumps(doc), "utf-8")
    vault = vault_ops.open_vault(folder, passphrase=PASSPHRASE)
    try:
        problems = check.check_vault(vault).problems
    finally:
        vault.close()
    assert "the recovery key slot is missing" in problems


def test_altered_passphrase_slot_cannot_open(closed_vault: tuple[Path, str]) -> None:
    folder, code = closed_vault
    _edit_slot(folder, "passphrase", lambda slot: slot["kdf"].update({"iterations": 2}))  # type: ignore[union-attr]
    with pytest.raises(UnlockError):
        vault_ops.open_vault(folder, passphrase=PASSPHRASE)
    vault = vault_ops.Vault.open_with_recovery(folder, code)
    try:
        assert any("key slot 'passphrase'" in p for p in check.check_vault(vault).problems)
    finally:
        vault.close()


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b'{"format": 99, "slots": []}',
        b'{"format": 1, "vault_id": "x", "slots": [{"id": 1}]}',
    ],
)
def test_damaged_key_slot_file(closed_vault: tuple[Path, str], content: bytes) -> None:
    folder, _ = closed_vault
    (folder / SLOTS_NAME).write_bytes(content)
    with pytest.raises(DamagedError):
        vault_ops.open_vault(folder, passphrase=PASSPHRASE)


# -- stored files ---------------------------------------------------------------------------------


def _blob_path(vault: Vault, file_id: int) -> Path:
    with vault.reader() as session:
        row = session.get(StoredFile, file_id)
        assert row is not None
        blob = row.blob
    return vault.folder / "files" / blob[:2] / blob


@pytest.mark.vault_only  # the vault's own files
def test_altered_file_blob_is_reported(vault: Vault) -> None:
    record = files.store_bytes(vault, data=b"pay stub " * 100, filename="stub.pdf").record
    path = _blob_path(vault, record.id)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    report = check.check_vault(vault)
    assert not report.ok
    assert any(
        p.startswith(f"kept file {record.id} ") and "altered" in p for p in report.problems
    ), report.problems
    with pytest.raises(DamagedError):
        files.read_file(vault, file_id=record.id)


@pytest.mark.vault_only  # the vault's own files
def test_swapped_or_missing_blobs_are_reported(vault: Vault) -> None:
    first = files.store_bytes(vault, data=b"first", filename="a.txt").record
    second = files.store_bytes(vault, data=b"second", filename="b.txt").record
    a, b = _blob_path(vault, first.id), _blob_path(vault, second.id)
    a.write_bytes(b.read_bytes())  # a valid blob under another name
    b.unlink()
    problems = check.check_vault(vault).problems
    assert any(p.startswith(f"kept file {first.id} ") for p in problems), problems
    assert any(p.startswith(f"kept file {second.id} ") and "missing" in p for p in problems)


def test_orphan_blob_is_a_note_not_a_problem(vault: Vault) -> None:
    vault.files.put(b"left by an interrupted save")
    report = check.check_vault(vault)
    assert report.ok
    assert report.notes == (
        "1 file in the file store belongs to no record (left by an interrupted save)",
    )


# -- the audit log ------------------------------------------------------------------------------


def test_audit_log_is_append_only(sample_vault: Vault) -> None:
    for statement in (
        "UPDATE audit_event SET summary = 'edited'",
        "UPDATE audit_event SET actor = 'someone' WHERE id = 1",
        "DELETE FROM audit_event",
        "DELETE FROM audit_event WHERE id = (SELECT max(id) FROM audit_event)",
    ):
        with pytest.raises(DBAPIError, match="append-only"), sample_vault.engine.begin() as conn:
            conn.exec_driver_sql(statement)
    with sample_vault.reader() as session:
        assert audit.verify(session, sample_vault.audit_key) == []
        assert all(e.summary != "edited" for e in session.exec(select(AuditEvent)))
    assert check.check_vault(sample_vault).ok


def _without_triggers(vault: Vault, *statements: str) -> None:
    with vault.engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER audit_event_no_update")
        conn.exec_driver_sql("DROP TRIGGER audit_event_no_delete")
        for statement in statements:
            conn.exec_driver_sql(statement)


def _middle_event_id(vault: Vault) -> int:
    with vault.reader() as session:
        ids = list(session.exec(select(AuditEvent.id).order_by(col(AuditEvent.id))))
    assert len(ids) > 10
    middle = ids[len(ids) // 2]
    assert middle is not None
    return middle


@pytest.mark.vault_only  # the vault's own files
@pytest.mark.parametrize(
    "edit",
    [
        "UPDATE audit_event SET summary = 'nothing to see' WHERE id = {id}",
        "UPDATE audit_event SET actor = 'somebody else' WHERE id = {id}",
        "UPDATE audit_event SET record_id = 999 WHERE id = {id}",
        "DELETE FROM audit_event WHERE id = {id}",
    ],
)
def test_altering_an_audit_row_breaks_the_chain(sample_vault: Vault, edit: str) -> None:
    target = _middle_event_id(sample_vault)
    _without_triggers(sample_vault, edit.format(id=target))
    with sample_vault.reader() as session:
        problems = audit.verify(session, sample_vault.audit_key)
    assert len(problems) == 1
    assert "altered" in problems[0]
    report = check.check_vault(sample_vault)
    assert not report.ok
    assert any("audit log event" in p for p in report.problems)


@pytest.mark.vault_only  # the vault's own files
def test_forged_event_appended_without_the_key_breaks_the_chain(sample_vault: Vault) -> None:
    with sample_vault.reader() as session:
        last = session.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc())).first()
        assert last is not None
    forged_hash = "f" * 64
    with sample_vault.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO audit_event (at, actor, action, record_kind, record_id, summary, "
            "prev_hash, hash) VALUES ('2024-01-01 00:00:00', 'x', 'delete', 'client', 1, '', ?, ?)",
            (last.hash, forged_hash),
        )
    with sample_vault.reader() as session:
        assert audit.verify(session, sample_vault.audit_key) != []
