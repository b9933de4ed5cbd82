"""The canary: a client imported through the CLI leaves no plaintext trace on disk."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from tests.cli.conftest import assert_ok, make_env, run_cli

FIRST = "Zephyrinë"
LAST = "Canarioñez Quixotl"
A_NUMBER = "A987650123"
PHONE = "555-0199-8765"
NOTE = "canary note: meets at the laundromat on Thursdays"


def _needles() -> set[bytes]:
    texts = {
        FIRST,
        LAST,
        "Canarioñez",
        "canarionez",
        "Quixotl",
        "Zephyrin",
        A_NUMBER,
        PHONE,
        "laundromat",
    }
    variants = set()
    for text in texts:
        for form in (text, text.lower(), text.upper(), unicodedata.normalize("NFD", text)):
            variants.add(form)
    return {
        form.encode(encoding)
        for form in variants
        for encoding in ("utf-8", "utf-16-le", "utf-16-be")
    }


def test_imported_client_is_nowhere_in_plaintext(isolated_home: Path, tmp_path: Path) -> None:
    env = make_env(isolated_home)
    source = tmp_path / "input"
    source.mkdir()
    csv = source / "canary.csv"
    csv.write_text(
        "first_name,last_name,a_number,phone,employer,notes\n"
        f'{FIRST},{LAST},{A_NUMBER},{PHONE},Canary Packing Co.,"{NOTE}"\n',
        encoding="utf-8-sig",
    )
    work = tmp_path / "work"
    work.mkdir()
    vault = tmp_path / "vault"
    assert_ok(run_cli("--vault", vault, "init", env=env, cwd=work))
    assert_ok(run_cli("--vault", vault, "import", csv, env=env, cwd=work))
    found = assert_ok(
        run_cli("--vault", vault, "clients", "--search", "canarionez", "--json", env=env, cwd=work)
    )
    assert [(c["first_name"], c["last_name"]) for c in found.json()] == [(FIRST, LAST)]

    needles = _needles()
    scanned = 0
    for root in (vault, isolated_home, work):
        for path in root.rglob("*"):
            if not path.is_file() or path.is_symlink():
                continue
            data = path.read_bytes()
            scanned += 1
            for needle in needles:
                assert needle not in data, f"{needle!r} found in {path}"
    assert scanned >= 3  # at least the database, the key slots and the vault metadata
