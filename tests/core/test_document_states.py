"""Documents that know the case: each template made only for the matters it is for, saying what
is true of each (live, ending, ended, terminated grants; decided and closed matters; initial,
renewal and extension), safe-contact rules, batch choices and every missing setting at once."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from docx import Document

from clinic_app import i18n
from clinic_app.documents import conditions
from clinic_app.documents.engine import read_text
from clinic_app.errors import UserError
from clinic_app.services import audit_log, clients, documents, matters
from clinic_app.services.vault_ops import Vault
from tests.case_states import CASES, EXPECTED, NEVER, TODAY, Worksite, build


@pytest.fixture
def site(vault: Vault) -> Worksite:
    return build(vault)


def _text(path: Path) -> str:
    return "\n".join(read_text(path.read_bytes()))


def _by_matter(report: documents.RenderReport) -> dict[int, documents.RenderedDocument]:
    return {d.matter_id: d for d in report.documents if d.matter_id is not None}


@pytest.mark.parametrize("template", sorted(EXPECTED))
def test_each_template_is_made_only_for_the_matters_it_is_for(
    vault: Vault, site: Worksite, template: str, tmp_path: Path
) -> None:
    report = documents.render_documents(
        vault, template=template, letter_id=site.letter_id, out_dir=tmp_path, today=TODAY
    )
    made = _by_matter(report)
    for key, sentence in EXPECTED[template].items():
        doc = made[site.matters[key]]
        where = f"{template} for {key} ({CASES[key].state})"
        if sentence is None:
            assert doc.refused and doc.problem, where
            # One sentence naming the fact: no full stop inside, a clause a person can act on.
            assert "." not in doc.problem.replace("e.g.", "").rstrip("."), (where, doc.problem)
            continue
        assert doc.ok, (where, doc.problem)
        assert doc.path is not None
        text = _text(doc.path)
        assert sentence in text, (where, text)
        never = NEVER.get((template, key))
        if never:
            assert never not in text, (where, text)
    # The index says, for every matter, whether it was made and why not.
    with (tmp_path / "index.csv").open(encoding="utf-8-sig") as handle:
        notes = {int(row["matter_id"]): row["note"] for row in csv.DictReader(handle)}
    for key, sentence in EXPECTED[template].items():
        note = notes[site.matters[key]]
        assert note.startswith("made") if sentence else note.startswith("not made: "), note


def test_refusals_name_the_fact_and_what_to_use(
    vault: Vault, site: Worksite, tmp_path: Path
) -> None:
    def why(template: str, key: str) -> str:
        report = documents.render_documents(
            vault, template=template, matter_id=site.matters[key], out_dir=tmp_path, today=TODAY
        )
        (doc,) = report.documents
        assert doc.refused and doc.problem and not list(tmp_path.glob("*.docx"))
        return doc.problem

    assert why("cover-letter-renewal", "D2").startswith(
        "the grant was terminated on 2026-09-15, and cover-letter-renewal is for"
    )
    assert why("cover-letter-renewal", "D2").endswith("; use client-grant-terminated")
    assert why("cover-letter-renewal", "F1").startswith("matter ")
    assert why("cover-letter-renewal", "F1").endswith("; use cover-letter-initial")
    assert "already decided (Granted, 2025-01-02)" in why("cover-letter-initial", "A1")
    assert f"matter {site.matters['B1']} is closed" in why("declaration", "B1")
    assert "runs until 2028-12-31, more than 180 days from now" in why(
        "client-renewal-reminder", "A2"
    )
    assert "no biometrics appointment" in why("client-appointment-reminder", "F1")


def test_refusals_in_spanish_have_no_english_left(
    vault: Vault, site: Worksite, tmp_path: Path
) -> None:
    """On a Spanish screen the whole sentence is Spanish: the fact, the decision, the stage, the
    program's status, what the template is for (preconditions.toml's translations.es) and a
    suggestion written in words."""

    def why(template: str, key: str) -> str:
        report = documents.render_documents(
            vault, template=template, matter_id=site.matters[key], out_dir=tmp_path, today=TODAY
        )
        return report.documents[0].problem

    i18n.set_language("es")
    try:
        decided = why("cover-letter-initial", "A1")
        terminated = why("cover-letter-renewal", "D2")
        closed = why("declaration", "B1")
        renewal = why("cover-letter-initial", "A2")
    finally:
        i18n.set_language("en")
    assert "(Concedido, 2025-01-02)" in decided
    assert "cover-letter-initial sirve para una solicitud inicial aún no decidida" in decided
    assert "una solicitud de renovación o extensión aún no decidida" in terminated
    assert "una solicitud aún no decidida" in closed
    assert "'Renovación'" in renewal
    english = {"granted", "request", "decided", "worker", "matter", "grant ", " is for ", "kind"}
    for sentence in (decided, terminated, closed, renewal):
        assert not [w for w in english if w in sentence], sentence


def test_every_shipped_precondition_says_what_it_is_for_in_spanish() -> None:
    """What a template is for, and each suggestion written in words, have their Spanish in
    preconditions.toml: a Spanish screen never shows them in English."""
    shipped = conditions.load()
    entries = [c for c in shipped.values()] + [
        k for c in shipped.values() for k in c.by_kind.values()
    ]
    for entry in entries:
        if entry.purpose:
            assert entry.purpose_in("es") != entry.purpose, entry.template
        for key, text in entry.instead.items():
            if " " in text:
                assert entry.suggestion(key, "es") != text, (entry.template, key)
    initial = shipped["cover-letter-initial"]
    assert initial.suggestion("live", "es") == (
        "cover-letter-renewal en un caso de renovación o extensión"
    )
    assert initial.suggestion("live", "en") == "cover-letter-renewal on a renewal or extension matter"
    assert initial.suggestion("renewal", "es") == "cover-letter-renewal"


def test_an_extension_of_a_four_year_grant_is_refused(
    vault: Vault, site: Worksite, tmp_path: Path
) -> None:
    four = matters.add_matter(
        vault, client_id=matters.get_matter(vault, matter_id=site.matters["A2"]).client_id,
        agency_letter_id=site.letter_id, kind="extension", status="drafting",
    ).record  # fmt: skip
    matters.add_grant(
        vault, matter_id=site.matters["A1"], kind="deferred_action", start="2025-02-01",
        end="2029-01-31",
    )  # fmt: skip
    report = documents.render_documents(
        vault, template="cover-letter-renewal", matter_id=four.id, out_dir=tmp_path, today=TODAY
    )
    assert report.documents[0].problem is not None
    assert report.documents[0].problem.startswith("the grant already runs 4 years")


def test_render_anyway_makes_it_and_the_audit_log_says_so(
    vault: Vault, site: Worksite, tmp_path: Path
) -> None:
    report = documents.render_documents(
        vault, template="cover-letter-renewal", matter_id=site.matters["D2"], out_dir=tmp_path,
        today=TODAY, anyway=True,
    )  # fmt: skip
    (doc,) = report.documents
    assert doc.ok and doc.anyway.startswith("the grant was terminated on 2026-09-15")
    assert doc.path is not None
    text = _text(doc.path)
    # Even made anyway, a terminated grant is never described as running.
    assert "that grant was terminated on September 15, 2026" in text
    assert "through February 17, 2028" not in text
    events = audit_log.list_events(vault, limit=1)
    assert "made anyway although not what the template is for" in events[0].summary


def test_batch_choices_and_the_index_says_why(vault: Vault, site: Worksite, tmp_path: Path) -> None:
    report = documents.render_documents(
        vault, template="client-policy-change", letter_id=site.letter_id, out_dir=tmp_path,
        today=TODAY, choose=documents.MatterFilter(grant_states=("ending", "ended"), one_per_client=True),
    )  # fmt: skip
    made = {d.matter_id for d in report.written}
    # B and C have ending/ended grants; one letter each, for the open (renewal) matter.
    assert made == {site.matters["B2"], site.matters["C2"]}
    reasons = {left.matter_id: left.reason for left in report.left_out}
    assert (
        reasons[site.matters["B1"]]
        == f"left out: one per client, matter {site.matters['B2']} made instead"
    )
    assert reasons[site.matters["A1"]] == "left out: the grant is live (--grant-state)"
    assert reasons[site.matters["D2"]] == "left out: the grant is terminated (--grant-state)"
    assert len(made) + len(reasons) == len(CASES)
    with (tmp_path / "index.csv").open(encoding="utf-8-sig") as handle:
        notes = {int(row["matter_id"]): row["note"] for row in csv.DictReader(handle)}
    assert notes[site.matters["F1"]] == "left out: the grant is none (--grant-state)"
    kinds = documents.render_documents(
        vault, template="declaration", letter_id=site.letter_id, out_dir=tmp_path / "k",
        today=TODAY, choose=documents.MatterFilter(kinds=("extension",), stages=("drafting",)),
    )  # fmt: skip
    assert [d.matter_id for d in kinds.documents] == [site.matters["E2"]]
    with pytest.raises(UserError, match="'lapsed' is not a choice for --grant-state"):
        documents.render_documents(
            vault, template="declaration", letter_id=site.letter_id, out_dir=tmp_path / "x",
            today=TODAY, choose=documents.MatterFilter(grant_states=("lapsed",)),
        )  # fmt: skip
    assert not (tmp_path / "x").exists()


def test_soi_request_lists_open_matters_unless_asked(
    vault: Vault, site: Worksite, tmp_path: Path
) -> None:
    report = documents.render_documents(
        vault, template="soi-request", letter_id=site.letter_id, out_dir=tmp_path, today=TODAY
    )
    assert report.written[0].path is not None
    text = _text(report.written[0].path)
    assert "Hilario Apaza" not in text  # denied: not an open matter
    assert "Fermín Ccori" in text and "1 other worker of this worksite" in text
    # The program is paused (shipped policy history): the request says so plainly.
    assert "has not been processing new requests under this process since January 24, 2025" in text
    assert "the U.S. Department of Labor, Wage and Hour Division" in text
    everyone = documents.render_documents(
        vault, template="soi-request", letter_id=site.letter_id, out_dir=tmp_path / "all",
        today=TODAY, all_workers=True,
    )  # fmt: skip
    assert everyone.written[0].path is not None
    assert "Hilario Apaza" in _text(everyone.written[0].path)


def test_cover_letter_is_filing_grade(vault: Vault, site: Worksite, tmp_path: Path) -> None:
    report = documents.render_documents(
        vault, template="cover-letter-initial", matter_id=site.matters["F1"], out_dir=tmp_path,
        today=TODAY,
    )  # fmt: skip
    path = report.written[0].path
    assert path is not None
    text = _text(path)
    # Specific enclosures, received only (the declaration still awaits its translation).
    assert (
        "2.\tStatement of Interest of the U.S. Department of Labor, Wage and Hour Division, dated June 15, 2024"
        in text
    )
    assert "3.\tFiling fee" in text and "Declaration" not in text.split("Enclosures:")[1]
    assert "The filing fee is enclosed." in text
    assert "since January 24, 2025" in text  # the policy status sentence
    doc = Document(str(path))
    assert doc.core_properties.author == "Worker Justice Legal Clinic"
    assert doc.core_properties.created is not None and doc.core_properties.created.year >= 2026
    footer = doc.sections[0].footer.paragraphs[0]._p.xml
    assert "NUMPAGES" in footer and " of " in footer
    widths = [
        int(c.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}w"))
        for c in doc.tables[0]._tbl.tblGrid
    ]
    assert widths[0] < widths[1] / 2  # the RE label column is sized to its labels


def test_a_no_mail_client_gets_no_address_and_a_staff_banner(
    vault: Vault, site: Worksite, tmp_path: Path
) -> None:
    record = clients.add_client(
        vault, first_name="Inés", last_name="Condori", preferred_languages="es",
        address="9 Home St\nMarshalltown, IA 50158", contact_rules="no_mail, text only",
    ).record  # fmt: skip
    assert record.contact_rules == ("no_mail", "text_only")
    matter = matters.add_matter(
        vault, client_id=record.id, agency_letter_id=site.letter_id, kind="initial",
        status="decision", decision="granted",
    ).record  # fmt: skip
    for kind in ("deferred_action", "work_permit"):
        matters.add_grant(
            vault, matter_id=matter.id, kind=kind, start="2025-05-01", end="2027-05-30"
        )
    report = documents.render_documents(
        vault, template="client-work-permit-expiring", matter_id=matter.id, out_dir=tmp_path,
        today=TODAY,
    )  # fmt: skip
    (doc,) = report.documents
    assert doc.mailing_note == "DO NOT MAIL — text messages only"
    assert doc.path is not None and doc.language == "es"
    lines = read_text(doc.path.read_bytes())
    assert lines[0] == "NO ENVIAR POR CORREO — solo mensajes de texto"
    # Tagged Spanish, so Word checks its spelling as Spanish.
    styles = Document(str(doc.path)).styles.element.xml
    assert 'w:val="es-US"' in styles and 'w:val="en-US"' not in styles
    text = "\n".join(lines)
    assert "9 Home St" not in text and "Inés Condori\n" not in text
    # Nothing about immigration in the file name or the opening lines.
    assert "permiso" not in doc.path.name and "work-permit" not in doc.path.name
    body = lines[lines.index("Estimado(a) Inés:") + 1]
    assert "permiso" not in body and "inmigración" not in body
    # The staff's caution follows the screen's language, as the rest of the results do.
    i18n.set_language("es")
    try:
        again = documents.render_documents(
            vault, template="client-work-permit-expiring", matter_id=matter.id,
            out_dir=tmp_path / "es", today=TODAY,
        )  # fmt: skip
        quiet = clients.add_client(
            vault, first_name="Rosa", last_name="Quispe", safe_contact="Text first."
        ).record
        noted = documents.render_documents(
            vault, template="client-policy-change", matter_id=matters.add_matter(
                vault, client_id=quiet.id, agency_letter_id=site.letter_id, kind="initial"
            ).record.id, out_dir=tmp_path / "note", today=TODAY, anyway=True,
        )  # fmt: skip
    finally:
        i18n.set_language("en")
    assert again.documents[0].mailing_note == "NO ENVIAR POR CORREO — solo mensajes de texto"
    assert noted.documents[0].mailing_note == "nota de contacto seguro: léala antes de enviar"
    with pytest.raises(UserError, match="'by pigeon' is not one"):
        clients.add_client(vault, first_name="X", contact_rules="by pigeon")


def test_every_missing_clinic_setting_is_named_at_once(
    vault: Vault, site: Worksite, tmp_path: Path
) -> None:
    documents.set_clinic_details(
        vault, values={"name": "", "phone": "", "signer_title": "", "uscis_address": ""}
    )
    with pytest.raises(documents.MissingClinicSettings) as caught:
        documents.render_documents(
            vault, template="cover-letter-initial", matter_id=site.matters["F1"],
            out_dir=tmp_path / "out", today=TODAY,
        )  # fmt: skip
    # In the order the letter prints them (the phone is printed only when set).
    assert [m.key for m in caught.value.missing] == ["name", "uscis_address", "signer_title"]
    assert "--set name=... --set uscis_address=... --set signer_title=..." in str(caught.value)
    assert not (tmp_path / "out").exists()
    found = documents.clinic_settings_missing(vault, template="cover-letter-initial", today=TODAY)
    assert [m.key for m in found] == ["name", "uscis_address", "signer_title"]
