"""Tampering anywhere: a changed byte at any offset of the database, the key slot file, a stored
file or a backup is refused with a clear message, and never read back as other data.

Property tests over the whole of each file (hypothesis picks the offset and the change). The CI
runs a few dozen examples per file; with --long the same tests run ten times as many.
test_check_tamper.py holds the hand-picked cases (chosen pages, each key slot field, the audit log).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from clinic_app.errors import ClinicError, DamagedError
from clinic_app.services import backup, check, clients, files, importing, matters, vault_ops
from clinic_app.vault.vault import DB_NAME, SLOTS_NAME
from tests.conftest import FAST_KDF, PASSPHRASE, SAMPLE_CSV
from tests.core.helpers import dump_tables, fuzz

CI_EXAMPLES = 40
LONG_EXAMPLES = 400
POSITION = st.integers(min_value=0, max_value=2**40)
XOR = st.integers(min_value=1, max_value=255)


class Original:
    """A closed vault with the sample caseload and a stored file, what it holds, and a backup.

    A plain class with a short repr: hypothesis prints the fixtures of a failing example."""

    def __init__(self, folder: Path, **held: Any) -> None:
        self.folder = folder
        self.work: Path = held["work"]  # scratch folder each example copies the vault into
        self.tables: dict[str, list[tuple[object, ...]]] = held["tables"]
        self.listed: object = held["listed"]
        self.all_matters: object = held["all_matters"]
        self.file_id: int = held["file_id"]
        self.file_data: bytes = held["file_data"]
        self.blob: str = held["blob"]
        self.backup: bytes = held["backup"]

    def __repr__(self) -> str:
        return f"Original({self.folder})"


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Original:
    base = tmp_path_factory.mktemp("tamper")
    folder = base / "vault"
    vault, _ = vault_ops.create_vault(folder, passphrase=PASSPHRASE, kdf=FAST_KDF)
    try:
        assert importing.import_file(vault, path=SAMPLE_CSV).ok
        data = b"%PDF-1.4 signed declaration\n" + bytes(range(256)) * 8
        stored = files.store_bytes(vault, data=data, filename="declaration.pdf").record
        [blob] = vault.files.blobs()
        backup.backup_vault(
            vault, out=base / "clinic.backup", vault_passphrase=PASSPHRASE, kdf=FAST_KDF
        )
        tables = dump_tables(vault)
        listed, all_matters = clients.list_clients(vault), matters.list_matters(vault)
    finally:
        vault.close()
    (folder / "vault.lock").unlink(missing_ok=True)
    return Original(
        folder,
        work=base / "work",
        tables=tables,
        listed=listed,
        all_matters=all_matters,
        file_id=stored.id,
        file_data=data,
        blob=blob,
        backup=(base / "clinic.backup").read_bytes(),
    )


def _copy_with(original: Original, name: str, position: int, xor: int) -> tuple[Path, int]:
    """A fresh copy of the vault with one byte of `name` changed; returns it and the offset."""
    shutil.rmtree(original.work, ignore_errors=True)
    shutil.copytree(original.folder, original.work)
    target = original.work / name
    data = bytearray(target.read_bytes())
    offset = position % len(data)
    data[offset] ^= xor
    target.write_bytes(bytes(data))
    return original.work, offset


def _assert_clear(exc: ClinicError) -> None:
    assert exc.message.strip() and "\n" not in exc.message, exc.message
    assert "Traceback" not in exc.message


def _assert_detected_never_misread(original: Original, folder: Path, where: str) -> str:
    """Open and check the changed vault: it is refused, or the check fails; reads that work
    return exactly the original data. Any exception other than ClinicError fails the test."""
    try:
        vault = vault_ops.open_vault(folder, passphrase=PASSPHRASE)
    except ClinicError as exc:
        _assert_clear(exc)
        return "refused to open"
    try:
        try:
            report = check.check_vault(vault)
        except DamagedError as exc:
            _assert_clear(exc)
            outcome = "check raised"
        else:
            assert not report.ok, f"{where}: the check passed"
            assert all(p.strip() and "\n" not in p for p in report.problems)
            outcome = "check failed"
        reads: list[tuple[Callable[[], object], object]] = [
            (lambda: dump_tables(vault), original.tables),
            (lambda: clients.list_clients(vault), original.listed),
            (lambda: matters.list_matters(vault), original.all_matters),
            (lambda: files.read_file(vault, file_id=original.file_id)[1], original.file_data),
        ]
        for read, expected in reads:
            try:
                got = read()
            except ClinicError as exc:  # refusing to read is fine; other data is not
                _assert_clear(exc)
                continue
            assert got == expected, f"{where}: a read returned other data"
        return outcome
    finally:
        vault.close()


# -- the database ------------------------------------------------------------------------------------


def _database_case(original: Original, position: int, xor: int) -> None:
    folder, offset = _copy_with(original, DB_NAME, position, xor)
    _assert_detected_never_misread(original, folder, f"vault.db byte {offset} ^ {xor:#04x}")


@fuzz(CI_EXAMPLES, LONG_EXAMPLES)
@given(position=POSITION, xor=XOR)
@example(position=0, xor=0x01)  # the salt at the start of page 1
@example(position=4095, xor=0x80)  # the end of page 1 (its authentication code)
@example(position=-1, xor=0xFF)  # the last byte of the file
def test_a_changed_byte_anywhere_in_the_database_is_detected(
    original: Original, position: int, xor: int
) -> None:
    _database_case(original, position, xor)


# -- the key slot file -------------------------------------------------------------------------------


def _key_slot_case(original: Original, position: int, xor: int) -> None:
    folder, offset = _copy_with(original, SLOTS_NAME, position, xor)
    where = f"keyslots.json byte {offset} ^ {xor:#04x}"
    before = json.loads((original.folder / SLOTS_NAME).read_text("utf-8"))
    try:
        after = json.loads((folder / SLOTS_NAME).read_bytes().decode("utf-8"))
    except ValueError:
        after = None
    if after == before:
        # The change only touched JSON layout (say, one kind of blank for another): the file
        # means exactly what it meant. The vault must open and check clean.
        vault = vault_ops.open_vault(folder, passphrase=PASSPHRASE)
        try:
            assert check.check_vault(vault).ok, where
        finally:
            vault.close()
        return
    _assert_detected_never_misread(original, folder, where)


@fuzz(CI_EXAMPLES, LONG_EXAMPLES)
@given(position=POSITION, xor=XOR)
@example(position=486, xor=0x01)  # a padding bit of a MAC's base64: the same bytes, spelt otherwise
def test_a_changed_byte_anywhere_in_the_key_slots_is_detected(
    original: Original, position: int, xor: int
) -> None:
    _key_slot_case(original, position, xor)


# -- a stored file -----------------------------------------------------------------------------------


@fuzz(CI_EXAMPLES // 2)
@given(position=POSITION, xor=XOR)
def test_a_changed_byte_anywhere_in_a_stored_file_is_detected(
    original: Original, position: int, xor: int
) -> None:
    blob = f"files/{original.blob[:2]}/{original.blob}"
    folder, offset = _copy_with(original, blob, position, xor)
    outcome = _assert_detected_never_misread(original, folder, f"{blob} byte {offset}")
    assert (
        outcome == "check failed"
    )  # the database is intact: the vault opens, the check names the file


# -- a backup ----------------------------------------------------------------------------------------


def _backup_case(original: Original, position: int, xor: int) -> None:
    shutil.rmtree(original.work, ignore_errors=True)
    original.work.mkdir()
    data = bytearray(original.backup)
    offset = position % len(data)
    data[offset] ^= xor
    changed = original.work / "changed.backup"
    changed.write_bytes(bytes(data))
    target = original.work / "restored"
    with pytest.raises(ClinicError) as caught:
        backup.restore_backup(backup=changed, target=target, backup_passphrase=PASSPHRASE)
    _assert_clear(caught.value)
    assert not target.exists(), f"byte {offset}: a restore was left behind"
    assert [p.name for p in original.work.iterdir()] == ["changed.backup"]


@fuzz(CI_EXAMPLES, LONG_EXAMPLES)
@given(position=POSITION, xor=XOR)
@example(position=0, xor=0x01)  # the magic
@example(position=9, xor=0x01)  # the header length
@example(position=-1, xor=0x01)  # the end of the last chunk
@example(position=160, xor=0x01)  # the nonce prefix's base64 (used to escape as binascii.Error)
@example(position=84, xor=0x54)  # memory_kib 8192 -> 8e92 (used to escape as OverflowError)
def test_a_changed_byte_anywhere_in_a_backup_is_refused(
    original: Original, position: int, xor: int
) -> None:
    _backup_case(original, position, xor)


def test_the_unchanged_copies_open_and_restore(original: Original) -> None:
    """The harness itself: with no byte changed, everything opens, checks and restores."""
    shutil.rmtree(original.work, ignore_errors=True)
    shutil.copytree(original.folder, original.work)
    vault = vault_ops.open_vault(original.work, passphrase=PASSPHRASE)
    try:
        assert check.check_vault(vault).ok
        assert dump_tables(vault) == original.tables
    finally:
        vault.close()
    (original.work / "good.backup").write_bytes(original.backup)
    backup.restore_backup(
        backup=original.work / "good.backup",
        target=original.work / "restored",
        backup_passphrase=PASSPHRASE,
    )
    assert (original.work / "restored" / DB_NAME).is_file()


# -- what the property tests found (kept as plain regressions) ----------------------------------------


def test_a_damaged_page_under_the_schema_version_is_damage_on_open(original: Original) -> None:
    """A changed byte in the page holding alembic_version used to escape as a raw database error."""
    vault = vault_ops.open_vault(original.folder, passphrase=PASSPHRASE)
    try:
        with vault.engine.connect() as conn:
            [(root,)] = conn.exec_driver_sql(
                "SELECT rootpage FROM sqlite_master WHERE name = 'alembic_version'"
            ).all()
    finally:
        vault.close()
    page = 4096
    _copy_with(original, DB_NAME, (int(root) - 1) * page + 100, 0x5A)
    with pytest.raises(DamagedError, match="restore it from a backup") as caught:
        vault_ops.open_vault(original.work, passphrase=PASSPHRASE)
    _assert_clear(caught.value)


def test_a_renamed_key_derivation_setting_is_damage_on_open(original: Original) -> None:
    """A key slot whose "memory_kib" was altered used to escape as a KeyError."""
    shutil.rmtree(original.work, ignore_errors=True)
    shutil.copytree(original.folder, original.work)
    slots = original.work / SLOTS_NAME
    slots.write_text(slots.read_text("utf-8").replace('"memory_kib"', '"memory_kiB"'), "utf-8")
    with pytest.raises(DamagedError, match="key slot file is damaged"):
        vault_ops.open_vault(original.work, passphrase=PASSPHRASE)


@pytest.mark.parametrize(
    ("setting", "value"),
    [("memory_kib", 10**12), ("memory_kib", 64 * 1024 * 1024), ("iterations", 1000), ("lanes", 0)],
)
def test_a_key_slot_asking_for_an_absurd_cost_is_damage_not_a_hang(
    original: Original, setting: str, value: int
) -> None:
    """An altered cost is refused before any key derivation runs: no overflow, no attempt to
    allocate 64 GiB, no thousand passes over memory."""
    shutil.rmtree(original.work, ignore_errors=True)
    shutil.copytree(original.folder, original.work)
    slots = original.work / SLOTS_NAME
    doc = json.loads(slots.read_text("utf-8"))
    for slot in doc["slots"]:
        slot["kdf"][setting] = value
    slots.write_text(json.dumps(doc), "utf-8")
    with pytest.raises(DamagedError, match="key slot file is damaged"):
        vault_ops.open_vault(original.work, passphrase=PASSPHRASE)
