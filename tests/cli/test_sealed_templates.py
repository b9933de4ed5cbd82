"""Clinic templates sealed in the store, as the console script on both stores: add, list, copy,
remove, check. A vault seals them in its folder's file store; the clinic server keeps them in its
`file_blob` table, encrypted on the laptop under the clinic key."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import text
from sqlalchemy.engine import make_url

from tests.cli.conftest import CliTarget, Run, assert_ok, new_target, run_cli


@pytest.fixture
def target(
    cli_store_kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[CliTarget]:
    with new_target(cli_store_kind, tmp_path / "store", request) as made:
        yield made


def _vault_files(folder: Path) -> set[Path]:
    return {p for p in (folder / "files").rglob("*") if p.is_file()}


def _sealed_copy(
    target: CliTarget, request: pytest.FixtureRequest, add: Callable[[], Run]
) -> tuple[Run, Callable[[], bytes], Callable[[bytes], None]]:
    """Run `add`, then find the one sealed file it stored: ways to read and overwrite its bytes
    as someone with the disk (a vault's folder) or the database (the server) but no key would."""
    if target.kind == "vault":
        folder = Path(target.place[1])
        before = _vault_files(folder)
        run = assert_ok(add())
        assert not list(folder.rglob("*.docx"))
        (blob,) = _vault_files(folder) - before
        return run, blob.read_bytes, blob.write_bytes
    cluster = request.getfixturevalue("pg_server")
    engine = cluster.admin_engine(make_url(target.place[1]).database)
    request.addfinalizer(engine.dispose)
    with engine.connect() as conn:
        before = set(conn.execute(text("SELECT blob FROM file_blob")).scalars())
    run = assert_ok(add())
    with engine.connect() as conn:
        (name,) = set(conn.execute(text("SELECT blob FROM file_blob")).scalars()) - before

    def read() -> bytes:
        with engine.connect() as conn:
            query = text("SELECT data FROM file_blob WHERE blob = :b")
            return bytes(conn.execute(query, {"b": name}).scalar_one())

    def write(data: bytes) -> None:
        with engine.begin() as conn:
            query = text("UPDATE file_blob SET data = :d WHERE blob = :b")
            conn.execute(query, {"d": data, "b": name})

    return run, read, write


def test_template_commands_keep_a_clinic_template_sealed_and_check_notices_a_change(
    target: CliTarget, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    def cli(*args: str | Path, env: dict[str, str] = target.env) -> Run:
        return run_cli(*target.place, *args, env=env)

    document = Document()
    document.add_paragraph("Estimado/a {{ client.first_name }}: la oficina cierra el lunes.")
    source = tmp_path / "cierre.docx"
    document.save(str(source))

    added, read, write = _sealed_copy(
        target,
        request,
        lambda: cli("template-add", source, "--id", "client-cierre", "--lang", "es"),
    )
    where = "sealed in the vault" if target.kind == "vault" else "sealed on the clinic server"
    assert where in added.stdout
    sealed = read()
    assert source.read_bytes() not in sealed and b"la oficina" not in sealed  # only ciphertext

    listed = assert_ok(cli("templates", "--json")).json()
    (mine,) = [t for t in listed if t["id"] == "client-cierre"]
    assert mine["source"] == "clinic" and mine["path"] is None and len(mine["sha256"]) == 64

    # Without the secret the shipped ones are still listed, with a note saying why not ours.
    locked = {k: v for k, v in target.env.items() if k != target.secret_var}
    shipped = assert_ok(cli("templates", "--json", env=locked))
    assert "client-cierre" not in {t["id"] for t in shipped.json()}
    assert "templates are encrypted" in shipped.stderr and target.secret_var in shipped.stderr

    copy = tmp_path / "copia.docx"
    assert_ok(cli("template-copy", "client-cierre", "--lang", "es", "--out", copy))
    assert copy.read_bytes() == source.read_bytes()

    again = cli("template-add", source, "--id", "client-cierre", "--lang", "es")
    assert again.returncode == 1 and "add --replace" in again.stderr
    assert_ok(cli("check"))

    # Someone who can write to the disk or the database, but has no key, changes the sealed file.
    write(sealed[:-1] + bytes([sealed[-1] ^ 1]))
    checked = cli("check")
    assert checked.returncode == 1, checked
    assert (
        "template 'client-cierre' (es) was changed outside the app"
        in checked.stdout + checked.stderr
    )
    write(sealed)

    assert_ok(cli("template-remove", "client-cierre", "--lang", "es"))
    audit = assert_ok(cli("audit", "--json")).json()
    actions = [(e["action"], e["summary"]) for e in audit if e["record_kind"] == "template"]
    assert [a for a, _s in actions[:2]] == ["remove_template", "add_template"]
    assert all("client-cierre (es)" in s for _a, s in actions[:2])
    assert_ok(cli("check"))
    gone = cli("template-remove", "client-cierre", "--lang", "es")
    assert gone.returncode == 1 and "no template 'client-cierre' in 'es'" in gone.stderr
