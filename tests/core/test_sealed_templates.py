"""Clinic templates are sealed in the vault's encrypted file store, checked, audited, and moved
there from the plain folder older versions used (finding 2 of the hardening review)."""

from __future__ import annotations

import hashlib
import io
import tarfile
from pathlib import Path

import pytest
from alembic import command
from docx import Document
from sqlalchemy import text

from clinic_app.documents.engine import read_text
from clinic_app.errors import DamagedError, UserError
from clinic_app.services import audit_log, backup, check, documents, vault_ops
from clinic_app.services.documents.templates import read_template
from clinic_app.services.vault_ops import Vault
from clinic_app.vault import migrate, plain_templates
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.core.test_documents import TODAY, Worksite, worksite  # noqa: F401  (a fixture)

MARK = "Aviso sellado de la clínica"
# About the vault folder's own files (the file store on disk, the old plain folder); the store-
# agnostic part (add, read back, remove, audited) runs on the clinic server too.
vault_only = pytest.mark.vault_only


def _template(folder: Path, name: str, words: str = MARK) -> Path:
    document = Document()
    document.add_paragraph(f"{words}: {{{{ client.first_name }}}}.")
    path = folder / name
    document.save(str(path))
    return path


def _actions(vault: Vault) -> list[tuple[str, str]]:
    return [(e.action, e.summary) for e in audit_log.list_events(vault, record_kind="template")]


def _template_blob(vault: Vault, template_id: str, lang: str) -> Path:
    with vault.engine.connect() as conn:
        blob = conn.execute(
            text(
                "SELECT s.blob FROM clinic_template t JOIN stored_file s ON s.id = t.file_id "
                "WHERE t.template_id = :i AND t.language = :l"
            ),
            {"i": template_id, "l": lang},
        ).scalar_one()
    return vault.folder / "files" / blob[:2] / blob


@vault_only
def test_a_clinic_template_is_sealed_with_its_checksum_and_every_change_is_audited(
    worksite: Worksite,  # noqa: F811
    tmp_path: Path,
) -> None:
    vault = worksite.vault
    source = _template(tmp_path, "aviso.docx")
    record = documents.add_template(vault, path=source, template_id="client-aviso", lang="es")
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    assert record.sha256 == digest and record.path is None
    # Nowhere in the vault folder as a plain file: not as a .docx, not as its bytes.
    plain = source.read_bytes()
    for path in vault.folder.rglob("*"):
        assert path.suffix != ".docx"
        if path.is_file():
            assert plain[:64] not in path.read_bytes(), path
    with vault.engine.connect() as conn:
        stored = conn.execute(
            text(
                "SELECT s.sha256 FROM clinic_template t JOIN stored_file s ON s.id = t.file_id "
                "WHERE t.template_id = 'client-aviso' AND t.language = 'es'"
            )
        ).scalar_one()
    assert stored == digest
    assert read_template(vault, template_id="client-aviso", lang="es") == plain

    report = documents.render_documents(
        vault, template="client-aviso", matter_id=worksite.matters["José Ángel"],
        out_dir=tmp_path / "out", today=TODAY,
    )  # fmt: skip
    assert read_text(report.documents[0].path.read_bytes()) == [f"{MARK}: José Ángel."]  # type: ignore[union-attr]

    replacement = _template(tmp_path, "otro.docx", "Aviso nuevo")
    with pytest.raises(UserError, match="add --replace"):
        documents.add_template(vault, path=replacement, template_id="client-aviso", lang="es")
    documents.add_template(
        vault, path=replacement, template_id="client-aviso", lang="es", replace=True
    )
    documents.remove_template(vault, template_id="client-aviso", lang="es")
    with pytest.raises(UserError, match="no template 'client-aviso' in 'es'"):
        documents.remove_template(vault, template_id="client-aviso", lang="es")
    assert [a for a, _s in _actions(vault)][:3] == [
        "remove_template",
        "replace_template",
        "add_template",
    ]
    assert all("client-aviso (es)" in s for _a, s in _actions(vault)[:3])
    assert "client-aviso" not in {t.id for t in documents.list_templates(vault=vault)}
    # Replaced and removed templates leave no blob behind.
    assert check.check_vault(vault).notes == ()
    assert check.check_vault(vault).ok


@vault_only
def test_a_template_changed_outside_the_app_is_reported_and_never_rendered(
    worksite: Worksite,  # noqa: F811
    tmp_path: Path,
) -> None:
    vault = worksite.vault
    documents.add_template(
        vault, path=_template(tmp_path, "a.docx"), template_id="client-aviso", lang="es"
    )
    documents.add_template(
        vault, path=_template(tmp_path, "b.docx", "Otro"), template_id="client-otro", lang="es"
    )
    assert check.check_vault(vault).ok
    first, second = (_template_blob(vault, t, "es") for t in ("client-aviso", "client-otro"))
    # Someone without the passphrase swaps the two sealed files, then alters one.
    a, b = first.read_bytes(), second.read_bytes()
    first.write_bytes(b)
    second.write_bytes(a)
    report = check.check_vault(vault)
    assert not report.ok
    assert any(
        "template 'client-aviso' (es) was changed outside the app" in p for p in report.problems
    )
    assert any(
        "template 'client-otro' (es) was changed outside the app" in p for p in report.problems
    )
    first.write_bytes(a[:-1] + bytes([a[-1] ^ 1]))
    second.write_bytes(b)
    report = check.check_vault(vault)
    assert [p for p in report.problems if "template" in p] == [
        "The clinic's template 'client-aviso' (es) was changed outside the app or is damaged"
    ]
    out = tmp_path / "out"
    with pytest.raises(DamagedError, match=r"add it again \(Settings → Word templates"):
        documents.render_documents(
            vault, template="client-aviso", matter_id=worksite.matters["José Ángel"],
            out_dir=out, today=TODAY,
        )  # fmt: skip
    assert not out.exists() or not any(out.iterdir())


@vault_only
def test_a_plain_template_put_where_they_used_to_be_is_ignored_and_reported(
    vault: Vault, tmp_path: Path
) -> None:
    planted = vault.folder / "templates" / "en" / "declaration.docx"
    planted.parent.mkdir(parents=True)
    planted.write_bytes(_template(tmp_path, "x.docx").read_bytes())
    listed = {(t.id, t.language): t.source for t in documents.list_templates(vault=vault)}
    assert listed[("declaration", "en")] == "shipped"
    report = check.check_vault(vault)
    assert report.problems == (
        "a plain template file templates/en/declaration.docx is in the vault folder; the app "
        "does not use it (it was not put there by the app): delete it, or add it with "
        "'clinic-app template-add' if it is the clinic's",
    )
    folder = vault.folder
    vault.close()
    # Opening again does not take it in either: the move into the store happens once.
    reopened = vault_ops.open_vault(folder, passphrase=PASSPHRASE)
    try:
        assert planted.is_file()
        assert ("declaration", "en", "clinic") not in {
            (t.id, t.language, t.source) for t in documents.list_templates(vault=reopened)
        }
    finally:
        reopened.close()


def test_templates_are_kept_in_the_store_on_either_store(vault: Vault, tmp_path: Path) -> None:
    """Add, list, read back and remove a clinic template through the services alone (on the
    vault and, with --stores server, on the clinic server)."""
    source = _template(tmp_path, "aviso.docx")
    record = documents.add_template(vault, path=source, template_id="client-aviso", lang="es")
    listed = {(t.id, t.language): t for t in documents.list_templates(vault=vault)}
    assert listed[("client-aviso", "es")].sha256 == record.sha256
    assert read_template(vault, template_id="client-aviso", lang="es") == source.read_bytes()
    assert check.check_vault(vault).ok
    documents.remove_template(vault, template_id="client-aviso", lang="es")
    assert ("client-aviso", "es") not in {
        (t.id, t.language) for t in documents.list_templates(vault=vault)
    }
    assert [a for a, _s in _actions(vault)][:2] == ["remove_template", "add_template"]


def test_listing_templates_again_compiles_only_what_changed(
    vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Settings lists every template after each saved change: a template is compiled once to
    learn whether it makes one document per agency letter, again only when its content changes."""
    from clinic_app.documents.engine import PreparedTemplate

    compiled: list[str] = []
    real = PreparedTemplate.check

    def counted(self: PreparedTemplate) -> object:
        compiled.append(self.name)
        return real(self)

    monkeypatch.setattr(PreparedTemplate, "check", counted)
    # Words of its own: a template of the same content listed by an earlier test is known.
    source = _template(tmp_path, "aviso.docx", words=f"Aviso {tmp_path.name}")
    documents.add_template(vault, path=source, template_id="client-aviso", lang="es")
    first = documents.list_templates(vault=vault)
    assert "client-aviso.docx" in compiled
    compiled.clear()
    assert documents.list_templates(vault=vault) == first
    assert compiled == []
    # The same id, now listing every worker of a letter: compiled again, and said so.
    wide = Document()
    wide.add_paragraph(f"Lista {tmp_path.name}")
    wide.add_paragraph("{%p for w in workers %}")
    wide.add_paragraph("{{ w.full_name }}")
    wide.add_paragraph("{%p endfor %}")
    wide.save(str(tmp_path / "lista.docx"))
    documents.add_template(
        vault, path=tmp_path / "lista.docx", template_id="client-aviso", lang="es", replace=True
    )
    compiled.clear()  # the check before sealing it
    listed = {(t.id, t.language): t for t in documents.list_templates(vault=vault)}
    assert compiled == ["client-aviso.docx"]
    assert listed[("client-aviso", "es")].worksite_wide


def _make_old(vault: Vault) -> None:
    """The vault as the app before sealed templates left it: schema 0009, no sealed mark."""
    with vault.session() as session:
        session.execute(text("DELETE FROM setting WHERE key = 'documents.templates_sealed'"))
    cfg = migrate.alembic_config()
    with vault.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0009")


@vault_only
def test_opening_an_older_vault_moves_its_plain_templates_in_and_removes_them(
    vault: Vault, tmp_path: Path
) -> None:
    folder = vault.folder
    _make_old(vault)
    vault.close()
    plain = {
        ("client-aviso", "es"): _template(tmp_path, "a.docx").read_bytes(),
        ("declaration", "en"): _template(tmp_path, "b.docx", "Our declaration").read_bytes(),
    }
    for (tid, lang), data in plain.items():
        (folder / "templates" / lang).mkdir(parents=True, exist_ok=True)
        (folder / "templates" / lang / f"{tid}.docx").write_bytes(data)
    (folder / "templates" / "preconditions.toml").write_text("")  # not a template: it stays

    opened = vault_ops.open_vault(folder, passphrase=PASSPHRASE)
    try:
        assert migrate.current_revision(opened.engine) == migrate.head_revision()
        assert not list(folder.rglob("*.docx"))
        assert sorted(p.name for p in (folder / "templates").iterdir()) == ["preconditions.toml"]
        for (tid, lang), data in plain.items():
            assert read_template(opened, template_id=tid, lang=lang) == data
        listed = {(t.id, t.language): t.source for t in documents.list_templates(vault=opened)}
        assert listed[("declaration", "en")] == "clinic"
        moves = _actions(opened)
        assert sorted(s for a, s in moves if a == "seal_template") == sorted(
            f"{tid} ({lang}) sha256 {hashlib.sha256(d).hexdigest()[:16]}"
            for (tid, lang), d in plain.items()
        )
        assert check.check_vault(opened).ok
    finally:
        opened.close()


@vault_only
def test_a_crash_after_the_move_is_finished_at_the_next_open(
    vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = vault.folder
    _make_old(vault)
    vault.close()
    target = folder / "templates" / "es" / "client-aviso.docx"
    target.parent.mkdir(parents=True)
    target.write_bytes(_template(tmp_path, "a.docx").read_bytes())
    # Killed after the commit, before the plain copy was removed.
    monkeypatch.setattr(plain_templates, "remove_plain", lambda *_a: None)
    vault_ops.open_vault(folder, passphrase=PASSPHRASE).close()
    assert target.is_file()
    monkeypatch.undo()
    opened = vault_ops.open_vault(folder, passphrase=PASSPHRASE)
    try:
        assert not target.exists()
        assert [a for a, _s in _actions(opened)].count("seal_template") == 1
        assert check.check_vault(opened).ok
    finally:
        opened.close()


@vault_only
def test_a_backup_from_before_sealed_templates_restores_them_sealed(
    vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An old backup holds plain templates/<lang>/<id>.docx members; restoring it still works
    and the restored vault keeps them only sealed."""
    folder = vault.folder
    _make_old(vault)
    vault.close()
    data = _template(tmp_path, "a.docx").read_bytes()
    (folder / "templates" / "es").mkdir(parents=True)
    (folder / "templates" / "es" / "client-aviso.docx").write_bytes(data)
    # The app of then: it did not seal at open, and its backups carried the templates folder.
    monkeypatch.setattr(plain_templates, "seal_at_open", lambda vault: None)
    payload = backup._payload

    def old_payload(vault: Vault, work: Path) -> Path:
        tar_path = payload(vault, work)
        with tarfile.open(tar_path, "a") as tar:
            member = tarfile.TarInfo("templates/es/client-aviso.docx")
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
        return tar_path

    monkeypatch.setattr(backup, "_payload", old_payload)
    old = vault_ops.open_vault(folder, passphrase=PASSPHRASE)
    out = tmp_path / "old.clinicbackup"
    try:
        backup.backup_vault(old, out=out, vault_passphrase=PASSPHRASE, kdf=FAST_KDF)
    finally:
        old.close()
    monkeypatch.undo()

    target = tmp_path / "restored"
    backup.restore_backup(backup=out, target=target, backup_passphrase=PASSPHRASE)
    restored = vault_ops.open_vault(target, passphrase=PASSPHRASE)
    try:
        assert not list(target.rglob("*.docx"))
        assert read_template(restored, template_id="client-aviso", lang="es") == data
        assert check.check_vault(restored).ok
    finally:
        restored.close()
