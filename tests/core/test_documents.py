"""Filling templates from a real vault: single matters, letter batches, checks, kept drafts."""

from __future__ import annotations

import csv
import io
import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from docx import Document

from clinic_app.documents import models as doc_models
from clinic_app.documents import packets
from clinic_app.documents.engine import read_text
from clinic_app.errors import NotFoundError, UserError
from clinic_app.resources import resource_path
from clinic_app.services import (
    audit_log,
    checklist,
    clients,
    documents,
    matters,
)
from clinic_app.services.vault_ops import Vault
from tests.case_states import CLINIC as STATE_CASES_CLINIC
from tests.case_states import TODAY, riverbend_letter
from tests.core.helpers import scan_for

# The clinic of the document-state cases, without an agency's intake address: a test below
# checks the sentence that asks for one.
CLINIC = {k: v for k, v in STATE_CASES_CLINIC.items() if not k.startswith("agency_intake.")}


@dataclass(frozen=True)
class Worksite:
    vault: Vault
    letter_id: int
    matters: dict[str, int]  # by first name


def _worker(
    vault: Vault, letter_id: int, first: str, last: str, languages: str, **extra: object
) -> int:
    client = clients.add_client(
        vault,
        first_name=first,
        last_name=last,
        date_of_birth=extra.pop("born", "1985-03-01"),  # type: ignore[arg-type]
        country_of_birth="Mexico",
        preferred_languages=languages,
        address="123 Elm St\nMarshalltown, IA 50158",
        **extra,  # type: ignore[arg-type]
    ).record
    matter = matters.add_matter(vault, client_id=client.id, agency_letter_id=letter_id).record
    matters.add_grant(
        vault, matter_id=matter.id, kind="deferred_action", start="2025-03-01", end="2027-02-28"
    )
    matters.add_grant(
        vault, matter_id=matter.id, kind="work_permit", start="2025-03-01", end="2027-02-28"
    )
    return matter.id


@pytest.fixture
def worksite(vault: Vault) -> Worksite:
    documents.set_clinic_details(vault, values=CLINIC)
    letter_id = riverbend_letter(vault)
    people = {
        "José Ángel": _worker(
            vault, letter_id, "José Ángel", "Pérez Núñez", "es", a_number="A012345678"
        ),
        "Thảo": _worker(vault, letter_id, "Thảo", "Nguyễn", "vi"),
        "Cuauhtémoc": _worker(vault, letter_id, "Cuauhtémoc", "Ordóñez", "mam,es"),
        "Efraín": _worker(vault, letter_id, "Efraín", "Espinoza", "en", safe_contact="Text only."),
        "Suharti": _worker(vault, letter_id, "Suharti", "", "es"),
    }
    return Worksite(vault, letter_id, people)


def _text(path: Path) -> str:
    return "\n".join(read_text(path.read_bytes()))


def test_one_matter_makes_one_named_document_with_its_facts(
    worksite: Worksite, tmp_path: Path
) -> None:
    vault = worksite.vault
    out = tmp_path / "out"
    report = documents.render_documents(
        vault,
        template="declaration",
        matter_id=worksite.matters["José Ángel"],
        out_dir=out,
        today=TODAY,
    )
    [doc] = report.documents
    assert doc.ok and doc.language == "en"
    # The declaration is made in two languages: its file names say which.
    assert doc.path == out / "Pérez-Núñez_José-Ángel_declaration_2027-03-01_en.docx"
    assert sorted(p.name for p in out.iterdir()) == [doc.path.name]
    text = _text(doc.path)
    assert "DECLARATION OF JOSÉ ÁNGEL PÉREZ NÚÑEZ" in text
    assert "A-Number: A012345678" in text
    assert "I was born on March 1, 1985, in Mexico." in text
    assert (
        "U.S. Department of Labor, Wage and Hour Division is investigating Riverbend Meat Packers Inc. (case number WHD-2023-1037)"
        in text
    )
    # The audit log says a document was made, never for whom.
    event = audit_log.list_events(vault, limit=1)[0]
    assert (event.action, event.record_kind, event.record_id) == ("render", "matter", doc.matter_id)
    assert "Pérez" not in event.summary and "José" not in event.summary


def test_spanish_version_writes_dates_the_spanish_way(worksite: Worksite, tmp_path: Path) -> None:
    report = documents.render_documents(
        worksite.vault, template="declaration", matter_id=worksite.matters["José Ángel"],
        out_dir=tmp_path, today=TODAY, lang="es",
    )  # fmt: skip
    text = _text(report.documents[0].path)  # type: ignore[arg-type]
    assert "Nací el 1 de marzo de 1985 en México." in text


def test_cover_letter_lists_the_checklist_in_packet_order(
    worksite: Worksite, tmp_path: Path
) -> None:
    vault, matter_id = worksite.vault, worksite.matters["Thảo"]
    checklist.set_items(
        vault, matter_id=matter_id,
        statuses={"declaration": "received", "g-28": "received", "identity": "received",
                  "cover-letter": "received", "fee": "missing"},
    )  # fmt: skip
    report = documents.render_documents(
        vault, template="cover-letter-initial", matter_id=matter_id, out_dir=tmp_path, today=TODAY
    )
    lines = read_text(report.documents[0].path.read_bytes())  # type: ignore[union-attr]
    start = lines.index("Enclosures:")
    assert lines[start + 1 : start + 4] == [
        "1.\tForm G-28, Notice of Entry of Appearance as Attorney or Accredited Representative",
        "2.\tProof of identity and nationality",
        "3.\tDeclaration of the requestor",
    ]
    text = "\n".join(lines)
    assert "March 1, 2027" in text and "P.O. Box 0000\nMontclair, CA 91763" in text
    assert "A-Number:\nNone" in text  # no A-number: the template says so
    assert "Dana Rivera\nAttorney at Law, IL Bar No. 6300000" in text


def test_unknown_field_is_refused_before_anything_is_written(
    worksite: Worksite, tmp_path: Path
) -> None:
    document = Document()
    document.add_paragraph("Dear {{ client.first_name }}, your {{ client.favourite_color }}")
    template = tmp_path / "mine.docx"
    document.save(str(template))
    out = tmp_path / "out"
    events = len(audit_log.list_events(worksite.vault, limit=1000))
    with pytest.raises(UserError) as caught:
        documents.render_documents(
            worksite.vault,
            template=str(template),
            letter_id=worksite.letter_id,
            out_dir=out,
            today=TODAY,
        )
    assert (
        "client.favourite_color (body: “Dear {{ client.first_name }}, your" in caught.value.message
    )
    assert not out.exists()
    assert len(audit_log.list_events(worksite.vault, limit=1000)) == events


def test_a_missing_clinic_detail_stops_the_run_before_writing(vault: Vault, tmp_path: Path) -> None:
    client = clients.add_client(vault, first_name="Ana", last_name="Ruiz").record
    matter = matters.add_matter(vault, client_id=client.id).record
    with pytest.raises(
        UserError,
        match=r"the clinic's name, the clinic's address, .* are not set; set them with: clinic-app clinic --set name=... --set address=.*nothing was written",
    ):
        documents.render_documents(
            vault,
            template="cover-letter-initial",
            matter_id=matter.id,
            out_dir=tmp_path / "o",
            today=TODAY,
        )
    assert not (tmp_path / "o").exists()


def test_letter_batch_writes_one_per_matter_and_a_matching_index(
    worksite: Worksite, tmp_path: Path
) -> None:
    report = documents.render_documents(
        worksite.vault,
        template="client-renewal-reminder",
        letter_id=worksite.letter_id,
        out_dir=tmp_path,
        today=TODAY,
    )
    assert not report.failed and len(report.written) == len(worksite.matters)
    by_name = {d.worker: d for d in report.documents}
    assert by_name["José Ángel Pérez Núñez"].language == "es"
    assert by_name["Cuauhtémoc Ordóñez"].language == "es"  # Mam first, Spanish second
    assert by_name["Cuauhtémoc Ordóñez"].language_note == "no template in Mam; Spanish used"
    assert by_name["Thảo Nguyễn"].language == "en"
    assert by_name["Thảo Nguyễn"].language_note == "no template in Vietnamese; English used"
    assert "El permiso que usted recibió terminó el 28 de febrero de 2027." in _text(
        by_name["José Ángel Pérez Núñez"].path
    )  # type: ignore[arg-type]
    assert "The permission you received ended on February 28, 2027." in _text(
        by_name["Thảo Nguyễn"].path
    )  # type: ignore[arg-type]
    # No immigration words in a client letter's file name; the language is in it.
    assert by_name["Suharti"].filename == "Suharti_follow-up_2027-03-01_es.docx"

    with open(tmp_path / "index.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    files = sorted(p.name for p in tmp_path.glob("*.docx") if p.name != "index.docx")
    assert sorted(r["file"] for r in rows) == files
    assert {r["worker"] for r in rows} == set(by_name)
    required = [
        i for i in packets.load_packet("labor-deferred-action").items_for("initial") if i.required
    ]
    assert {r["checklist"] for r in rows} == {f"{len(required)} missing"}
    efrain = next(r for r in rows if r["worker"] == "Efraín Espinoza")
    assert "safe-contact note" in efrain["note"]
    thao = next(r for r in rows if r["worker"] == "Thảo Nguyễn")
    assert thao["language"] == "en" and "English used" in thao["note"]
    index = Document(str(tmp_path / "index.docx"))
    table_rows = [[c.text for c in row.cells] for row in index.tables[0].rows[1:]]
    assert sorted(r[6] for r in table_rows) == files


def test_one_bad_matter_is_named_and_the_others_are_made(
    worksite: Worksite, tmp_path: Path
) -> None:
    vault = worksite.vault
    bad = _worker(vault, worksite.letter_id, "Óscar", "Quiñónez", "es", born=None)
    report = documents.render_documents(
        vault,
        template="declaration",
        letter_id=worksite.letter_id,
        out_dir=tmp_path,
        today=TODAY,
        workers=2,
    )
    [failed] = report.failed
    assert failed.matter_id == bad and failed.worker == "Óscar Quiñónez"
    assert failed.problem == "no date of birth is recorded (client.date_of_birth)"
    assert len(report.written) == len(worksite.matters)
    with open(tmp_path / "index.csv", encoding="utf-8-sig", newline="") as handle:
        rows = {r["worker"]: r for r in csv.DictReader(handle)}
    assert rows["Óscar Quiñónez"]["file"] == ""
    assert "not made: no date of birth" in rows["Óscar Quiñónez"]["note"]
    assert not list(tmp_path.glob("Quiñónez*"))


def test_parallel_and_single_process_make_the_same_documents(
    worksite: Worksite, tmp_path: Path
) -> None:
    vault = worksite.vault
    for i in range(6):  # enough matters for the worker processes to start
        _worker(vault, worksite.letter_id, f"Worker{i}", "Batz", "es")
    one = documents.render_documents(
        vault, template="client-work-permit-expiring", letter_id=worksite.letter_id,
        out_dir=tmp_path / "one", today=TODAY, workers=1,
    )  # fmt: skip
    two = documents.render_documents(
        vault, template="client-work-permit-expiring", letter_id=worksite.letter_id,
        out_dir=tmp_path / "two", today=TODAY, workers=2,
    )  # fmt: skip
    assert len(two.written) == 11
    for a, b in zip(one.documents, two.documents, strict=True):
        assert a.filename == b.filename
        assert read_text(a.path.read_bytes()) == read_text(b.path.read_bytes())  # type: ignore[union-attr]


def test_existing_files_are_kept_unless_asked(worksite: Worksite, tmp_path: Path) -> None:
    args = dict(
        template="client-policy-change",
        matter_id=worksite.matters["Thảo"],
        out_dir=tmp_path,
        today=TODAY,
    )
    first = documents.render_documents(worksite.vault, **args)  # type: ignore[arg-type]
    path = first.documents[0].path
    assert path is not None
    path.write_bytes(b"edited in Word")
    again = documents.render_documents(worksite.vault, **args)  # type: ignore[arg-type]
    assert again.documents[0].problem is not None and "--overwrite" in again.documents[0].problem
    assert path.read_bytes() == b"edited in Word"
    documents.render_documents(worksite.vault, overwrite=True, **args)  # type: ignore[arg-type]
    assert path.read_bytes().startswith(b"PK")


def test_worksite_wide_template_makes_one_document_per_letter(
    worksite: Worksite, tmp_path: Path
) -> None:
    documents.set_clinic_details(
        worksite.vault, values={"agency_intake.DOL-WHD": "soi@example.gov"}
    )
    report = documents.render_documents(
        worksite.vault,
        template="soi-request",
        letter_id=worksite.letter_id,
        out_dir=tmp_path,
        today=TODAY,
    )
    [doc] = report.documents
    assert doc.filename == "Riverbend-Meat-Packers-Inc_soi-request_2027-03-01.docx"
    text = _text(doc.path)  # type: ignore[arg-type]
    assert "Our clinic represents 5 workers of this worksite." in text
    assert (
        text.index("Espinoza") < text.index("Nguyễn") < text.index("Ordóñez") < text.index("Pérez")
    )
    assert "soi@example.gov" in text
    assert report.index_csv is None  # one document: no index


def test_agency_intake_not_set_names_the_setting(worksite: Worksite, tmp_path: Path) -> None:
    report = documents.render_documents(
        worksite.vault,
        template="soi-request",
        matter_id=worksite.matters["Thảo"],
        out_dir=tmp_path,
        today=TODAY,
    )
    assert report.failed[0].problem is not None
    assert "clinic-app clinic --set agency_intake.DOL-WHD=..." in report.failed[0].problem


def test_kept_drafts_are_encrypted_and_can_be_exported(worksite: Worksite, tmp_path: Path) -> None:
    vault = worksite.vault
    report = documents.render_documents(
        vault, template="client-appointment-reminder", matter_id=worksite.matters["José Ángel"],
        today=date(2025, 1, 1), keep_in_vault=True,
    )  # fmt: skip
    assert report.failed[0].refused and report.failed[0].problem == (
        f"matter {worksite.matters['José Ángel']} has no biometrics appointment on or after "
        "today, and client-appointment-reminder is for a request waiting for its biometrics "
        "appointment"
    )
    matters.add_event(
        vault,
        matter_id=worksite.matters["José Ángel"],
        kind="biometrics",
        occurred_on="2027-02-20",
        due_on="2027-03-09",
    )
    report = documents.render_documents(
        vault, template="client-appointment-reminder", matter_id=worksite.matters["José Ángel"],
        today=TODAY, keep_in_vault=True,
    )  # fmt: skip
    [doc] = report.documents
    assert doc.path is None and doc.stored_file_id is not None
    assert not scan_for(["Pérez Núñez", "9 de marzo de 2027"], vault.folder)
    [draft] = documents.list_drafts(vault, matter_id=worksite.matters["José Ángel"])
    exported = documents.export_draft(vault, draft_id=draft.id, out_dir=tmp_path)
    assert exported.name == "Pérez-Núñez_José-Ángel_appointment_2027-03-01_es.docx"
    assert "Le recordamos que tiene una cita el 9 de marzo de 2027." in _text(exported)
    with pytest.raises(NotFoundError):
        documents.export_draft(vault, draft_id=999, out_dir=tmp_path)


def test_a_clinic_template_in_the_vault_replaces_the_shipped_one(
    worksite: Worksite, tmp_path: Path
) -> None:
    document = Document()
    document.add_paragraph(
        "Hola {{ client.first_name }}: su permiso termina el {{ work_permit.end }}."
    )
    source = tmp_path / "aviso.docx"
    document.save(str(source))
    record = documents.add_template(
        worksite.vault, path=source, template_id="client-work-permit-expiring", lang="es"
    )
    assert record.path is None  # sealed in the vault's file store, no plain copy
    assert not list(worksite.vault.folder.rglob("*.docx"))
    with pytest.raises(UserError, match="add --replace"):
        documents.add_template(
            worksite.vault, path=source, template_id="client-work-permit-expiring", lang="es"
        )
    listed = {(t.id, t.language): t.source for t in documents.list_templates(vault=worksite.vault)}
    assert listed[("client-work-permit-expiring", "es")] == "clinic"
    assert listed[("client-work-permit-expiring", "en")] == "shipped"
    report = documents.render_documents(
        worksite.vault, template="client-work-permit-expiring", matter_id=worksite.matters["José Ángel"],
        out_dir=tmp_path / "out", today=TODAY,
    )  # fmt: skip
    assert read_text(report.documents[0].path.read_bytes()) == [  # type: ignore[union-attr]
        "Hola José Ángel: su permiso termina el 28 de febrero de 2027."
    ]
    broken = tmp_path / "broken.docx"
    document = Document()
    document.add_paragraph("{{ client.nombre }}")
    document.save(str(broken))
    with pytest.raises(UserError, match=r"client\.nombre"):
        documents.add_template(worksite.vault, path=broken, template_id="client-otro", lang="es")
    assert "client-otro" not in {t.id for t in documents.list_templates(vault=worksite.vault)}


def test_clinic_details_rules(vault: Vault) -> None:
    with pytest.raises(UserError, match="not a clinic setting"):
        documents.set_clinic_details(vault, values={"fax": "1"})
    with pytest.raises(UserError, match="needs its source and the date it was last checked"):
        documents.set_clinic_details(vault, values={"uscis_address": "P.O. Box 1"})
    with pytest.raises(UserError, match="email"):
        documents.set_clinic_details(vault, values={"email": "not an email"})
    documents.set_clinic_details(vault, values=CLINIC)
    details = documents.clinic_details(vault)
    assert details.get("address") == "200 Example Ave\nSpringfield, IL 62701"
    assert any("2025-01-10" in w for w in details.warnings)
    documents.set_clinic_details(vault, values={"phone": ""})
    assert documents.clinic_details(vault).get("phone") == ""
    assert audit_log.list_events(vault, limit=1)[0].summary == "clinic.phone"


def test_bad_requests_are_one_sentence(worksite: Worksite, tmp_path: Path) -> None:
    vault = worksite.vault
    cases = [
        (
            dict(template="no-such-template", matter_id=1, out_dir=tmp_path),
            "no template named 'no-such-template'",
        ),
        (
            dict(template="declaration", matter_id=1, letter_id=1, out_dir=tmp_path),
            "Name one matter",
        ),
        (dict(template="declaration", matter_id=1), "Say where the documents go"),
        (dict(template="declaration", matter_id=999, out_dir=tmp_path), "no matter with id 999"),
        (
            dict(template="declaration", matter_id=1, out_dir=tmp_path, lang="vi"),
            "no 'declaration' template in 'vi'",
        ),
        (
            dict(template=str(tmp_path / "x.docx"), matter_id=1, out_dir=tmp_path),
            "no template file",
        ),
    ]
    for kwargs, message in cases:
        with pytest.raises(UserError, match=message):
            documents.render_documents(vault, today=TODAY, **kwargs)  # type: ignore[arg-type]


def test_fields_list_has_descriptions_and_examples() -> None:
    infos = {f.name: f for f in documents.list_fields()}
    assert infos["client.date_of_birth"].example == "March 1, 1985"
    assert infos["client.date_of_birth"].example_es == "1 de marzo de 1985"
    assert all(info.description for info in infos.values())
    assert [i.name for i in infos["enclosures"].items] == [
        "enclosures[].number",
        "enclosures[].tab",
        "enclosures[].title",
    ]


def test_migration_matches_the_document_tables(vault: Vault) -> None:
    names = {t.name for t in (doc_models.ChecklistEntry.__table__, doc_models.SignOff.__table__,  # type: ignore[attr-defined]
                              doc_models.GeneratedDocument.__table__)}  # type: ignore[attr-defined]  # fmt: skip
    with vault.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), doc_models.SQLModel.metadata)

    assert [d for d in diffs if any(f"'{n}'" in repr(d) for n in names)] == []


def test_vault_database_file_holds_no_document_text(worksite: Worksite) -> None:
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(worksite.vault.folder / "vault.db").execute(
            "select * from checklist_item"
        ).fetchall()


def test_shipped_template_folder_exists() -> None:
    assert (resource_path("templates", "en") / "declaration.docx").is_file()
    assert (
        io.BytesIO((resource_path("templates", "en") / "declaration.docx").read_bytes()).read(2)
        == b"PK"
    )
