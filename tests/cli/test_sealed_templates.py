"""Clinic templates sealed in the vault, as the console script: add, list, copy, remove, check."""

from __future__ import annotations

from pathlib import Path

from docx import Document

from tests.cli.conftest import (
    SharedVault,
    assert_ok,
    copy_vault,
    make_env,
    run_cli,
)


def _files(folder: Path) -> set[Path]:
    return {p for p in (folder / "files").rglob("*") if p.is_file()}


def test_template_commands_keep_a_clinic_template_sealed_and_check_notices_a_change(
    sample_vault: SharedVault, tmp_path: Path
) -> None:
    folder = copy_vault(sample_vault.folder, tmp_path / "vault")
    env = sample_vault.env
    document = Document()
    document.add_paragraph("Estimado/a {{ client.first_name }}: la oficina cierra el lunes.")
    source = tmp_path / "cierre.docx"
    document.save(str(source))

    before = _files(folder)
    added = assert_ok(
        run_cli("--vault", folder, "template-add", source, "--id", "client-cierre", "--lang", "es",
                env=env)
    )  # fmt: skip
    assert "sealed in the vault" in added.stdout
    assert not list(folder.rglob("*.docx"))
    (blob,) = _files(folder) - before

    listed = assert_ok(run_cli("--vault", folder, "templates", "--json", env=env)).json()
    (mine,) = [t for t in listed if t["id"] == "client-cierre"]
    assert mine["source"] == "clinic" and mine["path"] is None and len(mine["sha256"]) == 64

    # Without a passphrase the shipped ones are still listed, with a note saying why not ours.
    locked = make_env(tmp_path / "home", passphrase=None)
    shipped = assert_ok(run_cli("--vault", folder, "templates", "--json", env=locked))
    assert "client-cierre" not in {t["id"] for t in shipped.json()}
    assert "templates are encrypted" in shipped.stderr and "CLINIC_APP_PASSPHRASE" in shipped.stderr

    copy = tmp_path / "copia.docx"
    assert_ok(run_cli("--vault", folder, "template-copy", "client-cierre", "--lang", "es",
                      "--out", copy, env=env))  # fmt: skip
    assert copy.read_bytes() == source.read_bytes()

    again = run_cli("--vault", folder, "template-add", source, "--id", "client-cierre",
                    "--lang", "es", env=env)  # fmt: skip
    assert again.returncode == 1 and "add --replace" in again.stderr
    assert_ok(run_cli("--vault", folder, "check", env=env))

    # Someone who can write to the disk, but has no passphrase, changes the sealed file.
    sealed = blob.read_bytes()
    blob.write_bytes(sealed[:-1] + bytes([sealed[-1] ^ 1]))
    checked = run_cli("--vault", folder, "check", env=env)
    assert checked.returncode == 1, checked
    assert (
        "template 'client-cierre' (es) was changed outside the app"
        in checked.stdout + checked.stderr
    )
    blob.write_bytes(sealed)

    assert_ok(run_cli("--vault", folder, "template-remove", "client-cierre", "--lang", "es",
                      env=env))  # fmt: skip
    audit = assert_ok(run_cli("--vault", folder, "audit", "--json", env=env)).json()
    actions = [(e["action"], e["summary"]) for e in audit if e["record_kind"] == "template"]
    assert [a for a, _s in actions[:2]] == ["remove_template", "add_template"]
    assert all("client-cierre (es)" in s for _a, s in actions[:2])
    assert_ok(run_cli("--vault", folder, "check", env=env))
    gone = run_cli("--vault", folder, "template-remove", "client-cierre", "--lang", "es", env=env)
    assert gone.returncode == 1 and "no template 'client-cierre' in 'es'" in gone.stderr
