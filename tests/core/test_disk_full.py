"""A full disk: every write refused with one clear sentence, and the vault left exactly as it was.

Two ways of filling the disk, both answered by the real parts of the stack:

* the database: `PRAGMA max_page_count` on the real SQLCipher connections, so SQLite itself
  answers SQLITE_FULL ("database or disk is full") the moment a write needs another page;
* files (the file store, exports, rendered documents, backups): every file the code opens for
  writing under a chosen folder is pointed at /dev/full, so the kernel answers ENOSPC.

tests/cli/test_disk_full.py does the same on a real, tiny, mounted filesystem where the machine
allows mounting one.
"""

from __future__ import annotations

import builtins
import os
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import select

from clinic_app.cli.main import main
from clinic_app.domain.models import Note, StoredFile
from clinic_app.errors import VaultError
from clinic_app.services import (
    backup,
    check,
    clients,
    documents,
    files,
    importing,
    letters,
    notes,
    vault_ops,
)
from clinic_app.services.vault_ops import Vault
from clinic_app.vault import engine as vault_engine
from tests.conftest import FAST_KDF, PASSPHRASE, SAMPLE_CSV
from tests.core.helpers import CLINIC_DETAILS, big_csv, dump_tables, files_under

DEV_FULL = Path("/dev/full")
pytestmark = pytest.mark.skipif(not DEV_FULL.exists(), reason="needs /dev/full (Linux)")

CLINIC = CLINIC_DETAILS
TODAY = date(2026, 1, 15)


# -- making a disk full ----------------------------------------------------------------------------


def _redirect_to_full(fd: int) -> None:
    """From now on, writes through `fd` fail as on a full disk (ENOSPC from the kernel)."""
    full = os.open(DEV_FULL, os.O_WRONLY)
    try:
        os.dup2(full, fd)
    finally:
        os.close(full)


def fill_disk(monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
    """Every file the app opens for writing under `root` sits on a full disk.

    The files are still created (as on a real full disk, where creating an empty file works),
    but the first byte written fails with ENOSPC. Covers atomic_write (tempfile.mkstemp), the
    backup's tar and encrypted output, and the restore's staging file.
    """
    root = root.resolve()

    def under(path: object) -> bool:
        try:
            return Path(os.fsdecode(path)).resolve().is_relative_to(root)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return False

    real_mkstemp = tempfile.mkstemp
    real_open = builtins.open
    real_tar_open = tarfile.bltn_open  # type: ignore[attr-defined]

    def mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        fd, name = real_mkstemp(*args, **kwargs)
        if under(name):
            _redirect_to_full(fd)
        return fd, name

    def wrap(opener: Callable[..., Any]) -> Callable[..., Any]:
        def opened(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            handle = opener(file, mode, *args, **kwargs)
            if any(flag in mode for flag in "wax+") and under(file):
                _redirect_to_full(handle.fileno())
            return handle

        return opened

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    monkeypatch.setattr(builtins, "open", wrap(real_open))
    monkeypatch.setattr(tarfile, "bltn_open", wrap(real_tar_open))


def cap_database(vault: Vault) -> Callable[[], None]:
    """The vault's database may not grow by a single page; returns a function that lifts the cap."""

    def capped(dbapi_connection: Any, _record: object) -> None:
        # A maximum below the current size is raised to the current size: no new page.
        dbapi_connection.execute("PRAGMA max_page_count = 1")

    event.listen(vault.engine, "connect", capped)
    vault.engine.dispose()  # every pooled connection is made again, capped

    def lift() -> None:
        event.remove(vault.engine, "connect", capped)
        vault.engine.dispose()

    return lift


def assert_full_disk_sentence(message: str) -> None:
    assert "\n" not in message and message.endswith("."), message
    assert "is full" in message and "nothing was changed" in message, message
    assert "Traceback" not in message and "sqlcipher" not in message.lower(), message


def data_tables(vault: Vault) -> dict[str, list[tuple[object, ...]]]:
    """Every table but the audit log (which may record the attempt, never change its past)."""
    tables = dump_tables(vault)
    tables.pop("audit_event")
    return tables


def audit_rows(vault: Vault) -> list[tuple[object, ...]]:
    return sorted(dump_tables(vault)["audit_event"], key=lambda row: int(row[0]))  # type: ignore[call-overload]


def assert_reopens_clean(folder: Path, expected: dict[str, list[tuple[object, ...]]]) -> None:
    vault = vault_ops.open_vault(folder, passphrase=PASSPHRASE)
    try:
        report = check.check_vault(vault)
        assert report.ok, report.problems
        assert dump_tables(vault) == expected
    finally:
        vault.close()


@pytest.fixture
def sample(tmp_path: Path) -> Iterator[Vault]:
    """A vault of its own holding the sample spreadsheet and the clinic's details."""
    vault, _ = vault_ops.create_vault(
        tmp_path / "vault", passphrase=PASSPHRASE, actor="tester", kdf=FAST_KDF
    )
    try:
        assert importing.import_file(vault, path=SAMPLE_CSV).ok
        documents.set_clinic_details(vault, values=CLINIC)
        yield vault
    finally:
        vault.close()


# -- the database is full --------------------------------------------------------------------------


def test_writes_to_a_full_database_are_refused_and_change_nothing(
    sample: Vault, tmp_path: Path
) -> None:
    folder = sample.folder
    before = dump_tables(sample)
    client_id = clients.list_clients(sample)[0].id
    lift = cap_database(sample)
    attempts: list[tuple[str, Callable[[], object]]] = [
        ("import", lambda: importing.import_file(sample, path=big_csv(tmp_path / "b.csv", 400))),
        ("note", lambda: notes.add_note(sample, client_id=client_id, body="n" * 60_000)),
        (
            "client",
            lambda: clients.add_client(
                sample, first_name="Nueva", last_name="Persona", notes="x" * 60_000
            ),
        ),
    ]
    for name, attempt in attempts:
        with pytest.raises(VaultError) as caught:
            attempt()
        assert_full_disk_sentence(caught.value.message)
        assert str(folder) in caught.value.message, name
        assert dump_tables(sample) == before, f"the failed {name} left something behind"
    # Reading still works while the disk is full.
    assert clients.count_clients(sample) == 24
    assert check.check_vault(sample).ok
    lift()
    sample.close()
    assert_reopens_clean(folder, before)


def test_filling_the_database_to_the_last_page_keeps_every_acknowledged_write(
    sample: Vault,
) -> None:
    """Small writes until the database is full: each either commits whole or is refused whole."""
    folder = sample.folder
    client_id = clients.list_clients(sample)[0].id
    lift = cap_database(sample)
    acknowledged: list[int] = []
    blobs_before = set(sample.files.blobs())
    refused: VaultError | None = None
    for i in range(5000):
        try:
            if i % 4 == 3:  # some writes also put a blob in the file store first
                files.store_bytes(sample, data=os.urandom(300), filename=f"scan-{i}.png")
            else:
                acknowledged.append(
                    notes.add_note(sample, client_id=client_id, body=f"call {i} " * 40).record.id
                )
        except VaultError as exc:
            refused = exc
            break
    assert refused is not None, "the capped database never filled up"
    assert_full_disk_sentence(refused.message)
    with sample.reader() as session:
        stored = {row.blob for row in session.exec(select(StoredFile))}
    # A blob whose database row could not be written was removed again: no orphans.
    assert set(sample.files.blobs()) - blobs_before == stored
    lift()
    expected = dump_tables(sample)
    sample.close()
    assert_reopens_clean(folder, expected)
    reopened = vault_ops.open_vault(folder, passphrase=PASSPHRASE)
    try:
        with reopened.reader() as session:
            ids = set(session.exec(select(Note.id).where(Note.client_id == client_id)))
        assert set(acknowledged) <= ids
        # With space again, writes go through.
        notes.add_note(reopened, client_id=client_id, body="after the disk was cleared")
        assert check.check_vault(reopened).ok
    finally:
        reopened.close()


def test_cli_import_into_a_full_database_prints_one_sentence(
    sample: Vault,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = sample.folder
    before = dump_tables(sample)
    sample.close()
    real_connect = vault_engine.connect

    def capped(db_path: Path, key: bytes) -> Any:
        conn = real_connect(db_path, key)
        conn.execute("PRAGMA max_page_count = 1")
        return conn

    monkeypatch.setenv("CLINIC_APP_PASSPHRASE", PASSPHRASE)
    monkeypatch.setattr(vault_engine, "connect", capped)
    code = main(["--vault", str(folder), "import", str(big_csv(tmp_path / "big.csv", 400))])
    out, err = capsys.readouterr()
    assert code == 1, err
    assert out == ""
    [line] = err.splitlines()
    assert line.startswith("clinic-app: The disk holding ")
    assert_full_disk_sentence(line)
    monkeypatch.setattr(vault_engine, "connect", real_connect)
    assert main(["--vault", str(folder), "check"]) == 0
    capsys.readouterr()
    assert_reopens_clean(folder, before)


# -- files on a full disk --------------------------------------------------------------------------


def test_file_store_on_a_full_disk(sample: Vault, monkeypatch: pytest.MonkeyPatch) -> None:
    before = dump_tables(sample)
    fill_disk(monkeypatch, sample.folder / "files")
    with pytest.raises(VaultError) as caught:
        files.store_bytes(sample, data=b"%PDF-1.4 pay stub" * 100, filename="stub.pdf")
    assert_full_disk_sentence(caught.value.message)
    assert dump_tables(sample) == before
    assert sample.files.blobs() == []
    assert files_under(sample.folder / "files") == [], "a half-written temporary file was left"
    assert check.check_vault(sample).ok


@pytest.fixture
def with_draft(sample: Vault, tmp_path: Path) -> tuple[Vault, int, int, int]:
    """The sample vault with one draft kept in it: (vault, matter id, letter id, draft id)."""
    letter = letters.list_letters(sample)[0]
    report = documents.render_documents(
        sample, template="declaration", matter_id=1, keep_in_vault=True, today=TODAY, anyway=True
    )  # anyway: the sample matter's stage is not a declaration's; the disk is what is tested
    assert len(report.written) == 1
    [draft] = documents.list_drafts(sample)
    return sample, 1, letter.id, draft.id


EXPORTS: dict[str, Callable[[Path, int, int, int], list[str]]] = {
    "render one": lambda out, matter, _letter, _draft: [
        "render", "declaration", "--matter", str(matter), "--out", str(out / "drafts"), "--anyway"
    ],
    "render batch": lambda out, _matter, letter, _draft: [
        "render", "client-renewal-reminder", "--letter", str(letter), "--out", str(out / "batch"),
        "--anyway",
    ],
    "draft-export": lambda out, _matter, _letter, draft: [
        "draft-export", str(draft), "--out", str(out)
    ],
    "calendar": lambda out, *_: ["deadlines", "--ics", str(out / "deadlines.ics")],
    "report": lambda out, *_: ["report", "deadlines", "--out", str(out / "week.docx")],
    "backup": lambda out, *_: ["backup", str(out / "clinic.backup")],
    "template-copy": lambda out, *_: ["template-copy", "declaration", "--out", str(out / "t.docx")],
}  # fmt: skip


@pytest.mark.parametrize("export", list(EXPORTS))
def test_export_to_a_full_disk_is_one_sentence_and_leaves_no_file(
    with_draft: tuple[Vault, int, int, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    export: str,
) -> None:
    vault, matter_id, letter_id, draft_id = with_draft
    folder = vault.folder
    before, audit_before = data_tables(vault), audit_rows(vault)
    vault.close()
    usb = tmp_path / "usb-stick"
    usb.mkdir()
    fill_disk(monkeypatch, usb)
    monkeypatch.setenv("CLINIC_APP_PASSPHRASE", PASSPHRASE)
    code = main(["--vault", str(folder), *EXPORTS[export](usb, matter_id, letter_id, draft_id)])
    out, err = capsys.readouterr()
    assert code == 1, err
    assert "Wrote" not in out
    [line] = err.splitlines()
    assert line.startswith("clinic-app: ")
    assert_full_disk_sentence(line)
    assert str(usb) in line
    assert files_under(usb) == [], "a partial file was left on the full disk"
    reopened = vault_ops.open_vault(folder, passphrase=PASSPHRASE)
    try:
        assert check.check_vault(reopened).ok
        assert data_tables(reopened) == before
        # The audit log may say a render was tried; it never loses or changes what it held.
        assert audit_rows(reopened)[: len(audit_before)] == audit_before
    finally:
        reopened.close()


def test_backup_when_the_vault_disk_is_full(
    sample: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The backup's work copy is made beside the vault; a full disk there is one sentence too."""
    before = dump_tables(sample)
    fill_disk(monkeypatch, sample.folder)
    out = tmp_path / "clinic.backup"
    with pytest.raises(VaultError) as caught:
        backup.backup_vault(sample, out=out, vault_passphrase=PASSPHRASE, kdf=FAST_KDF)
    assert_full_disk_sentence(caught.value.message)
    assert str(sample.folder) in caught.value.message
    assert not out.exists() and not list(tmp_path.glob("*.partial"))
    assert not list(sample.folder.glob(".backup-*")), "the work folder was left behind"
    monkeypatch.undo()
    assert dump_tables(sample) == before
    assert check.check_vault(sample).ok


def test_backup_when_the_database_copy_fills_the_disk(
    sample: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLCipher itself runs out of room while copying the database for the backup."""
    real_connect = backup.connect

    class CappedCopy:
        def __init__(self, conn: Any) -> None:
            self.conn = conn

        def execute(self, sql: str, *args: Any) -> Any:
            if "sqlcipher_export" in sql:
                self.conn.execute("PRAGMA snapshot.max_page_count = 2")
            return self.conn.execute(sql, *args)

        def close(self) -> None:
            self.conn.close()

    monkeypatch.setattr(backup, "connect", lambda path, key: CappedCopy(real_connect(path, key)))
    before = dump_tables(sample)
    out = tmp_path / "clinic.backup"
    with pytest.raises(VaultError) as caught:
        backup.backup_vault(sample, out=out, vault_passphrase=PASSPHRASE, kdf=FAST_KDF)
    assert_full_disk_sentence(caught.value.message)
    assert caught.value.message.startswith(f"The disk holding {sample.folder} is full")
    assert not out.exists()
    assert not list(sample.folder.glob(".backup-*"))
    assert dump_tables(sample) == before
    assert check.check_vault(sample).ok


def test_restore_onto_a_full_disk_leaves_nothing(
    sample: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = tmp_path / "clinic.backup"
    backup.backup_vault(sample, out=made, vault_passphrase=PASSPHRASE, kdf=FAST_KDF)
    usb = tmp_path / "usb-stick"
    usb.mkdir()
    fill_disk(monkeypatch, usb)
    with pytest.raises(VaultError) as caught:
        backup.restore_backup(backup=made, target=usb / "restored", backup_passphrase=PASSPHRASE)
    assert_full_disk_sentence(caught.value.message)
    assert list(usb.iterdir()) == [], "the restore left a folder or file behind"
