"""No plaintext leak: a canary client's name, A-number and employer never reach a file unencrypted."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from clinic_app.services import backup, clients, employers, files, matters, notes, vault_ops
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.core.helpers import (
    CANARY_A_NUMBER,
    CANARY_EMPLOYER,
    CANARY_FIRST,
    CANARY_LAST,
    CANARY_NEEDLES,
    CANARY_RECEIPT,
    files_under,
    scan_for,
)

FIRST, LAST = CANARY_FIRST, CANARY_LAST
A_NUMBER, EMPLOYER, RECEIPT = CANARY_A_NUMBER, CANARY_EMPLOYER, CANARY_RECEIPT
NEEDLES = CANARY_NEEDLES


@pytest.fixture
def scan_roots(tmp_path: Path, isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The test's folders, its HOME, and a private temporary folder the code under test uses."""
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(private_tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    return [tmp_path, isolated_home]


def test_scan_finds_a_plaintext_canary(scan_roots: list[Path], tmp_path: Path) -> None:
    """The scanner itself works: it finds what we deliberately leak, in each encoding."""
    plain = tmp_path / "leak-utf8.txt"
    plain.write_bytes(f"notes: {FIRST} {LAST} {A_NUMBER} index: zyxwvutsrq canario".encode())
    wide = tmp_path / "sub" / "leak-utf16.bin"
    wide.parent.mkdir()
    wide.write_bytes(b"\x00\x01" + EMPLOYER.encode("utf-16-le") + b"\xff")
    hits = scan_for(NEEDLES, *scan_roots)
    found = {(path.name, needle) for path, needle, _ in hits}
    assert {
        ("leak-utf8.txt", FIRST),
        ("leak-utf8.txt", LAST),
        ("leak-utf8.txt", A_NUMBER),
        ("leak-utf8.txt", "canario"),
    } <= found
    assert ("leak-utf16.bin", "Qwvxjplex") in found
    assert ("leak-utf16.bin", "Fábrica Canaria") in found
    assert not scan_for(["not present anywhere 42"], *scan_roots)


def test_no_plaintext_reaches_the_disk(scan_roots: list[Path], tmp_path: Path) -> None:
    folder = tmp_path / "vault"
    vault, _ = vault_ops.create_vault(folder, passphrase=PASSPHRASE, actor="tester", kdf=FAST_KDF)
    try:
        employer = employers.add_employer(vault, name=EMPLOYER, city="Salinas", state="ca").record
        client = clients.add_client(
            vault,
            first_name=FIRST,
            last_name=LAST,
            a_number=A_NUMBER,
            other_names=[f"{FIRST} C."],
            notes=f"{FIRST} works at {EMPLOYER}",
        ).record
        matter = matters.add_matter(
            vault, client_id=client.id, employer_id=employer.id, receipt_number=RECEIPT
        ).record
        matters.add_event(
            vault,
            matter_id=matter.id,
            kind="rfe",
            occurred_on="2024-02-01",
            details=f"RFE for {FIRST} {LAST}",
        )
        notes.add_note(vault, client_id=client.id, body=f"Called {FIRST}; {A_NUMBER}")
        files.store_bytes(
            vault,
            data=f"declaration of {FIRST} {LAST}, {A_NUMBER}".encode(),
            filename="declaration.txt",
        )
        clients.update_client(vault, client_id=client.id, phone="555-0100")
        for query in ("zyxwvutsrq", A_NUMBER, "canario", "qwvxjplex", RECEIPT):
            assert [r.id for r in clients.list_clients(vault, search_text=query)] == [client.id]
        backup.backup_vault(
            vault, out=tmp_path / "clinic.backup", vault_passphrase=PASSPHRASE, kdf=FAST_KDF
        )
        backup.backup_vault(
            vault,
            out=tmp_path / "own.backup",
            backup_passphrase="a separate backup phrase",
            vault_passphrase=PASSPHRASE,
            kdf=FAST_KDF,
        )
    finally:
        vault.close()

    scanned = files_under(*scan_roots)
    names = {p.name for p in scanned}
    assert {"vault.db", "keyslots.json", "vault.json", "clinic.backup", "own.backup"} <= names
    assert any(p.parent.parent.name == "files" for p in scanned), "no stored file was scanned"
    assert scan_for(NEEDLES, *scan_roots) == []

    # The same scan over the same folders does see a leak once there is one.
    (tmp_path / "vault" / "leak.txt").write_text(f"{LAST} {A_NUMBER}", "utf-16-le")
    assert {needle for _, needle, _ in scan_for(NEEDLES, *scan_roots)} >= {LAST, A_NUMBER}
