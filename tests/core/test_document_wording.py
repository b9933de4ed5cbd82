"""What the shipped documents say, read back from the .docx as a clinic opens it: a grant about to
end is not asked to be renewed "well before" its end, an appointment is asked for before the
letter says what to bring to it, an ended grant's end is said once, the signer is not named as
someone else to call, and the declaration's lines for the interpreter read as plain text."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from clinic_app.documents import conditions
from clinic_app.documents.context import EXAMPLE_MATTER, EXAMPLE_TODAY
from clinic_app.documents.engine import read_text
from clinic_app.services import clients, demo, documents, employers, letters, matters, staff
from clinic_app.services.vault_ops import Vault
from tests.case_states import CLINIC, TODAY, Worksite, build


@pytest.fixture
def site(vault: Vault) -> Worksite:
    return build(vault)


def _make(
    vault: Vault, template: str, matter_id: int, out: Path, *, lang: str | None = None,
    today: date = TODAY,
) -> Path:  # fmt: skip
    report = documents.render_documents(
        vault, template=template, matter_id=matter_id, out_dir=out, lang=lang, today=today
    )
    (doc,) = report.documents
    assert doc.ok and doc.path is not None, doc.problem
    return doc.path


def _text(path: Path) -> str:
    return "\n".join(read_text(path.read_bytes()))


@pytest.mark.parametrize(
    ("lang", "soon", "never"),
    [
        ("en", "The permission you received ends very soon, on April 30, 2027.", "well before"),
        ("es", "El permiso que usted recibió termina muy pronto, el 30 de abril de 2027.",
         "bastante antes"),
    ],
)  # fmt: skip
def test_a_grant_ending_within_days_is_not_asked_to_be_renewed_well_before(
    vault: Vault, site: Worksite, tmp_path: Path, lang: str, soon: str, never: str
) -> None:
    # B1's grant ends on 2027-04-30: ten days before, there is no "well before" left.
    late = _text(
        _make(vault, "client-renewal-reminder", site.matters["B1"], tmp_path / "late",
              lang=lang, today=date(2027, 4, 20))
    )  # fmt: skip
    assert soon in late and never not in late
    # Sixty days before, preparing well ahead is still the advice.
    early = _text(
        _make(vault, "client-renewal-reminder", site.matters["B1"], tmp_path / "early", lang=lang)
    )
    assert never in early and "muy pronto" not in early and "very soon" not in early


@pytest.mark.parametrize(
    ("template", "key", "ask", "bring"),
    [
        ("client-renewal-reminder", "C1", "Please call us soon to make an appointment",
         "Please bring to the appointment:"),
        ("client-grant-terminated", "D1", "Please call us this week to make an appointment.",
         "Please bring to the appointment:"),
    ],
)  # fmt: skip
def test_a_letter_asks_for_the_appointment_before_saying_what_to_bring(
    vault: Vault, site: Worksite, tmp_path: Path, template: str, key: str, ask: str, bring: str
) -> None:
    text = _text(_make(vault, template, site.matters[key], tmp_path, lang="en"))
    assert ask in text and text.index(ask) < text.index(bring)
    spanish = _text(_make(vault, template, site.matters[key], tmp_path / "es", lang="es"))
    assert "para hacer una cita" in spanish
    assert spanish.index("para hacer una cita") < spanish.index("Traiga a la cita:")


def test_an_ended_grant_is_dated_once_in_the_cover_letter(
    vault: Vault, site: Worksite, tmp_path: Path
) -> None:
    matters.update_matter(vault, matter_id=site.matters["C1"], receipt_number="IOE0123456789")
    text = _text(_make(vault, "cover-letter-renewal", site.matters["C2"], tmp_path))
    assert (
        "USCIS granted Concepción Huamán deferred action from December 1, 2024; that grant "
        "ended on December 1, 2026." in text
    )
    assert "through December 1, 2026; that grant ended" not in text
    # One parenthesis in the RE block, not "(ended) (receipt …)".
    assert "December 1, 2024 to December 1, 2026 (ended; receipt IOE0123456789)" in text
    # The card is valid through its last day: the worker is without it from the day after.
    assert "without employment authorization since the day after;" in text
    assert "since that date" not in text


def test_an_extension_says_the_grant_length_in_words(
    vault: Vault, site: Worksite, tmp_path: Path
) -> None:
    text = _text(_make(vault, "cover-letter-renewal", site.matters["E2"], tmp_path))
    assert "this two-year grant be extended to a total period of four years" in text
    assert "grant of 2 years" not in text


def test_the_signer_is_not_named_as_someone_else_to_ask(
    vault: Vault, site: Worksite, tmp_path: Path
) -> None:
    # No one assigned: the preparer is the signer, so questions go to "the undersigned" alone.
    alone = _text(_make(vault, "cover-letter-initial", site.matters["F1"], tmp_path / "a"))
    assert "Please direct any questions about this request to the undersigned at" in alone
    assert "Dana Rivera or to the undersigned" not in alone
    # The citation never breaks between its number and its title.
    assert "under 8\u00a0C.F.R.\u00a0§\u00a0274a.12(c)(14)." in alone
    helper = staff.add_staff(vault, name="Intake paralegal", role="paralegal").record
    matters.update_matter(vault, matter_id=site.matters["F1"], assigned_staff_id=helper.id)
    both = _text(_make(vault, "cover-letter-initial", site.matters["F1"], tmp_path / "b"))
    assert "questions about this request to Intake paralegal or to the undersigned at" in both


@pytest.mark.parametrize(("lang", "read"), [("en", "was read to me in"), ("es", "me leyó")])
def test_the_interpreter_attestation_is_not_stretched_by_its_blank(
    vault: Vault, site: Worksite, tmp_path: Path, lang: str, read: str
) -> None:
    worker = clients.add_client(
        vault, first_name="Wisline", last_name="Pierre", preferred_languages="ht",
        date_of_birth="1990-05-02", country_of_birth="Haiti",
    ).record  # fmt: skip
    matter = matters.add_matter(
        vault, client_id=worker.id, agency_letter_id=site.letter_id, kind="initial",
        status="drafting",
    ).record  # fmt: skip
    path = _make(vault, "declaration", matter.id, tmp_path, lang=lang)
    (attestation,) = [p for p in Document(str(path)).paragraphs if read in p.text]
    # Justified, the line before the long blank is spread across the page.
    assert attestation.alignment != WD_ALIGN_PARAGRAPH.JUSTIFY
    assert "Haitian Creole" in attestation.text or "criollo haitiano" in attestation.text


def test_the_spanish_declaration_is_spanish_from_its_first_line(
    vault: Vault, site: Worksite, tmp_path: Path
) -> None:
    lines = read_text(
        _make(vault, "declaration", site.matters["F1"], tmp_path, lang="es").read_bytes()
    )
    assert lines[0].startswith("[Original en español, para que el declarante lo lea y lo firme.")
    assert not [w for w in ("Original in Spanish", "File it", "Delete this") if w in lines[0]]


@pytest.mark.parametrize(
    ("template", "key", "lang", "says", "never"),
    [
        ("client-renewal-reminder", "B1", "en",
         "The permission you received ends today, April 30, 2027. Please call us right away",
         ("before that date", "well before")),
        ("client-renewal-reminder", "B1", "es",
         "El permiso que usted recibió termina hoy, 30 de abril de 2027. Por favor, llámenos de "
         "inmediato", ("antes de esa fecha", "bastante antes")),
        ("client-work-permit-expiring", "B1", "en",
         "Today your work permit (employment authorization card) ends.",
         ("before that date", "On that date")),
        ("client-work-permit-expiring", "B1", "es",
         "Hoy termina su permiso de trabajo (tarjeta de autorización de empleo).",
         ("antes de esa fecha", "En esa fecha")),
        ("cover-letter-renewal", "B2", "en",
         "expires today, April 30, 2027. Employment authorization in category (c)(14) is not "
         "extended automatically, so we respectfully ask that this request be decided as soon as "
         "possible.", ("before that date",)),
    ],
)  # fmt: skip
def test_a_letter_dated_on_the_last_day_asks_nothing_before_it(
    vault: Vault, site: Worksite, tmp_path: Path, template: str, key: str, lang: str, says: str,
    never: tuple[str, ...],
) -> None:  # fmt: skip
    """B1's grant and work permit end on 2027-04-30: a letter of that date says "today" and asks
    for nothing before that date (nor "very soon, on" the letter's own date)."""
    text = _text(
        _make(vault, template, site.matters[key], tmp_path, lang=lang, today=date(2027, 4, 30))
    )
    assert says in text, text
    assert not [w for w in (*never, "very soon", "muy pronto") if w in text], text


def _new_york_letter(vault: Vault, site: Worksite) -> letters.LetterRecord:
    """Matter F1 moved under a new agency letter whose agency was typed 'NY State DOL'."""
    first = matters.get_matter(vault, matter_id=site.matters["F1"])
    assert first.employer_id is not None
    letter = letters.add_letter(
        vault, agency="NY State DOL", employer_id=first.employer_id, date_issued="2024-02-10",
        period_start="2021-08-24", period_end="2024-09-29",
    ).record  # fmt: skip
    matters.update_matter(vault, matter_id=site.matters["F1"], agency_letter_id=letter.id)
    return letter


def test_an_agency_typed_its_own_way_is_written_in_full(
    vault: Vault, site: Worksite, tmp_path: Path
) -> None:
    """'NY State DOL' (as the desktop's example suggests typing it) is the New York State
    Department of Labor in every document, with its Spanish name and article in Spanish."""
    _new_york_letter(vault, site)
    cover = _text(_make(vault, "cover-letter-initial", site.matters["F1"], tmp_path / "en"))
    assert "Statement of Interest of the New York State Department of Labor, dated" in cover
    assert "NY State DOL" not in cover
    spanish = _text(_make(vault, "declaration", site.matters["F1"], tmp_path / "es", lang="es"))
    assert "Sé que el Departamento de Trabajo del Estado de Nueva York está investigando" in spanish
    assert "NY State DOL" not in spanish


def test_the_batch_index_gives_the_notes_room_and_repeats_its_headings(
    vault: Vault, site: Worksite, tmp_path: Path
) -> None:
    documents.render_documents(
        vault, template="cover-letter-initial", letter_id=site.letter_id, out_dir=tmp_path,
        today=TODAY,
    )  # fmt: skip
    (table,) = Document(str(tmp_path / "index.docx")).tables
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    widths = [int(col.get(f"{w}w")) for col in table._tbl.tblGrid.findall(f"{w}gridCol")]
    headings = [cell.text for cell in table.rows[0].cells]
    by_heading = dict(zip(headings, widths, strict=True))
    # The reasons and the file names get the room; the numbers only theirs.
    assert by_heading["Note"] == max(widths) and by_heading["File"] > 2 * by_heading["Client"]
    assert sum(widths) <= (11 - 2 * 0.7) * 1440  # within a landscape Letter page's margins
    assert table.rows[0]._tr.trPr.find(f"{w}tblHeader") is not None


def test_a_demo_workers_letter_has_an_address_the_post_office_takes(
    vault: Vault, tmp_path: Path
) -> None:
    """The demo's invented workers live somewhere: their letters' address block ends with a
    town, a state and a ZIP code, not a bare street."""
    documents.set_clinic_details(vault, values=CLINIC)
    demo.fill_demo(vault, clients=12, seed=3, today=TODAY, workers=None)
    for matter in matters.list_matters(vault)[:4]:
        path = _make(vault, "client-policy-change", matter.id, tmp_path / str(matter.id), lang="en")
        lines = read_text(path.read_bytes())
        at = lines.index(matter.client_name)
        street, town = lines[at + 1].split("\n")  # one paragraph, one line break
        assert re.fullmatch(r"\d+ \w+ St", street), lines[at : at + 2]
        assert re.fullmatch(r"[A-Z][A-Za-z ]+, [A-Z]{2} \d{5}", town), lines[at : at + 2]


def test_no_demo_request_was_filed_or_granted_after_today(vault: Vault) -> None:
    """A letter for a demo worker never says USCIS granted something on a date still to come:
    a grant ending four years ahead started by today."""
    demo.fill_demo(vault, clients=80, seed=1, today=TODAY, workers=None)
    every = matters.list_matters(vault)
    assert [m.id for m in every if m.filed_on and m.filed_on > TODAY] == []
    assert [m.id for m in every if m.decided_on and m.decided_on > TODAY] == []
    starts = [g.start for m in every for g in matters.list_grants(vault, matter_id=m.id)]
    assert starts and max(d for d in starts if d is not None) <= TODAY


def test_a_matter_without_an_agency_letter_is_told_so(
    vault: Vault, site: Worksite, tmp_path: Path
) -> None:
    """Not 'letter.agency_with_article has no value': the fact a person can act on."""
    first = matters.get_matter(vault, matter_id=site.matters["F1"])
    alone = matters.add_matter(
        vault, client_id=first.client_id, kind="initial", status="drafting",
        employer_id=first.employer_id, worksite_id=first.worksite_id,
    ).record  # fmt: skip
    for template in ("cover-letter-initial", "declaration"):
        report = documents.render_documents(
            vault, template=template, matter_id=alone.id, out_dir=tmp_path, today=TODAY
        )
        (doc,) = report.documents
        assert doc.problem is not None and not doc.ok
        assert doc.problem.startswith("no agency letter is linked to this matter"), doc.problem
        assert not list(tmp_path.glob("*.docx"))


def test_an_agency_intake_is_found_under_any_spelling_and_its_hint_is_one_shell_word(
    vault: Vault, site: Worksite, tmp_path: Path
) -> None:
    letter = _new_york_letter(vault, site)
    report = documents.render_documents(
        vault, template="soi-request", letter_id=letter.id, out_dir=tmp_path / "a", today=TODAY
    )
    problem = report.documents[0].problem
    # The agency's code has a space: the command to paste quotes it as one argument.
    assert problem is not None
    assert "clinic-app clinic --set 'agency_intake.NYS DOL=...'" in problem, problem
    documents.set_clinic_details(vault, values={"agency_intake.NYS DOL": "soi@labor.example"})
    made = documents.render_documents(
        vault, template="soi-request", letter_id=letter.id, out_dir=tmp_path / "b", today=TODAY
    )
    assert made.written and made.written[0].path is not None
    assert "soi@labor.example" in _text(made.written[0].path)


def test_a_cover_letter_with_no_enclosure_yet_names_its_matter(
    vault: Vault, site: Worksite, tmp_path: Path
) -> None:
    """The note to the staff says which checklist to update, not 'clinic-app checklist MATTER'."""
    matter_id = site.matters["E2"]  # nothing on its checklist is received
    text = _text(_make(vault, "cover-letter-renewal", matter_id, tmp_path))
    assert f"the packet checklist of matter {matter_id} (on the desktop: Matters" in text
    assert f"clinic-app checklist {matter_id} --set ITEM=received" in text
    assert "checklist MATTER" not in text


@pytest.mark.parametrize(
    ("lang", "today_line", "cannot_today", "before_the_date"),
    [
        ("en", "This is a reminder that your appointment is today, March 20, 2027.",
         "If you cannot go today, call us right away", "before the appointment date"),
        ("es", "Le recordamos que su cita es hoy, 20 de marzo de 2027.",
         "Si no puede ir hoy, llámenos de inmediato", "antes de la fecha de la cita"),
    ],
)  # fmt: skip
def test_an_appointment_reminder_dated_on_the_day_speaks_of_today(
    vault: Vault, site: Worksite, tmp_path: Path, lang: str, today_line: str, cannot_today: str,
    before_the_date: str,
) -> None:  # fmt: skip
    """G1's biometrics are on 2027-03-20: a reminder dated that day asks for nothing before it."""
    on_the_day = _text(
        _make(vault, "client-appointment-reminder", site.matters["G1"], tmp_path / "day",
              lang=lang, today=date(2027, 3, 20))
    )  # fmt: skip
    assert today_line in on_the_day and cannot_today in on_the_day
    assert before_the_date not in on_the_day
    # The day before, asking for a new date before it is still the advice.
    ahead = _text(
        _make(vault, "client-appointment-reminder", site.matters["G1"], tmp_path / "ahead",
              lang=lang, today=date(2027, 3, 19))
    )  # fmt: skip
    assert before_the_date in ahead and cannot_today not in ahead


def test_an_appointment_reminder_dated_after_the_appointment_is_refused_with_the_fix(
    vault: Vault, site: Worksite, tmp_path: Path
) -> None:
    matter_id = site.matters["G1"]
    after = date(2027, 3, 23)
    report = documents.render_documents(
        vault, template="client-appointment-reminder", matter_id=matter_id,
        out_dir=tmp_path / "refused", today=after,
    )  # fmt: skip
    (doc,) = report.documents
    assert doc.refused and doc.problem == (
        f"the biometrics appointment of matter {matter_id} was on 2027-03-20, before the date of "
        "this letter, and client-appointment-reminder is for a request waiting for its biometrics "
        "appointment; if the appointment was moved, record the new one on the matter first"
    )
    # Made anyway, the letter says the day has passed and asks for nothing before it.
    for lang, was, never in (
        ("en", "your biometrics appointment (fingerprints and photo) was on March 20, 2027.",
         ("before the appointment date", "This is a reminder", "Please bring:")),
        ("es", "su cita de biométricos (huellas digitales y foto) fue el 20 de marzo de 2027.",
         ("antes de la fecha de la cita", "Le recordamos", "Por favor, traiga:")),
    ):  # fmt: skip
        made = documents.render_documents(
            vault, template="client-appointment-reminder", matter_id=matter_id,
            out_dir=tmp_path / lang, today=after, lang=lang, anyway=True,
        )  # fmt: skip
        (anyway,) = made.documents
        assert anyway.ok and anyway.path is not None, anyway.problem
        text = _text(anyway.path)
        assert was in text and not [w for w in never if w in text], text
    # Once the new appointment is recorded, the reminder is for that one.
    matters.add_event(vault, matter_id=matter_id, kind="biometrics", due_on="2027-04-08")
    moved = _text(
        _make(vault, "client-appointment-reminder", matter_id, tmp_path / "moved", lang="en",
              today=after)
    )  # fmt: skip
    assert "This is a reminder of your appointment on April 8, 2027." in moved


def test_a_demo_letter_names_a_person_to_call_in_either_language(
    vault: Vault, tmp_path: Path
) -> None:
    """The demo's staff are people, named like its workers: "llame a <a name> al …", never a
    job title such as "Renewals representative" read as a name in a Spanish letter."""
    documents.set_clinic_details(vault, values=CLINIC)
    demo.fill_demo(vault, clients=6, seed=3, today=TODAY, workers=None)
    names = {f"{first} {last}" for firsts, lasts, _c, _l in demo.COMMUNITIES
             for first in firsts for last in lasts}  # fmt: skip
    staff_names = [s.name for s in staff.list_staff(vault)]
    assert sorted(staff_names) == sorted(demo.staff_names(3)) and set(staff_names) <= names
    matter = next(m for m in matters.list_matters(vault) if m.assigned_to)
    english = _text(_make(vault, "client-policy-change", matter.id, tmp_path / "en", lang="en"))
    spanish = _text(_make(vault, "client-policy-change", matter.id, tmp_path / "es", lang="es"))
    assert f"If you have questions, call {matter.assigned_to} at (555) 010-0100." in english
    assert f"Si tiene preguntas, llame a {matter.assigned_to} al (555) 010-0100." in spanish


def test_a_termination_recorded_after_the_grant_ended_is_not_called_a_cancellation(
    vault: Vault, site: Worksite, tmp_path: Path
) -> None:
    """C1's grant ended on 2026-12-01; a termination notice dated later did not cut it short."""
    matters.add_event(vault, matter_id=site.matters["C1"], kind="termination",
                      occurred_on="2026-12-20")  # fmt: skip
    english = _text(_make(vault, "client-policy-change", site.matters["C1"], tmp_path / "en"))
    assert "your permission ended on December 1, 2026." in english
    assert "cancelled" not in english and "before the date it was due to end" not in english
    spanish = _text(
        _make(vault, "client-policy-change", site.matters["C1"], tmp_path / "es", lang="es")
    )
    assert "su permiso terminó el 1 de diciembre de 2026." in spanish and "cancelado" not in spanish
    report = documents.render_documents(
        vault, template="client-grant-terminated", matter_id=site.matters["C1"],
        out_dir=tmp_path / "t", today=TODAY,
    )  # fmt: skip
    (doc,) = report.documents
    assert doc.refused and doc.problem is not None
    assert doc.problem.startswith("the grant ended on 2026-12-01"), doc.problem


def test_no_demo_grant_is_terminated_after_it_ended(vault: Vault) -> None:
    demo.fill_demo(vault, clients=150, seed=1, today=TODAY, workers=None)
    late = [
        (m.id, g.end, g.terminated_on)
        for m in matters.list_matters(vault)
        for g in matters.list_grants(vault, matter_id=m.id)
        if g.terminated_on is not None and g.end is not None and g.terminated_on >= g.end
    ]
    assert late == []


def test_no_renewal_reminder_once_the_renewal_is_filed(
    vault: Vault, site: Worksite, tmp_path: Path
) -> None:
    """B1's grant ends on 2027-04-30 and its renewal is B2: while B2 is being drafted the
    reminder is made; once B2 is filed, "It is time to start preparing your renewal" would ask
    for what is done, so the reminder is refused for both matters, naming the filed request."""
    _make(vault, "client-renewal-reminder", site.matters["B1"], tmp_path / "drafting")
    matters.update_matter(vault, matter_id=site.matters["B2"], status="filed")
    for key in ("B1", "B2"):
        report = documents.render_documents(
            vault, template="client-renewal-reminder", matter_id=site.matters[key],
            out_dir=tmp_path / key, today=TODAY,
        )  # fmt: skip
        (doc,) = report.documents
        assert doc.refused and doc.problem == (
            f"matter {site.matters['B2']}, a request of the kind 'Renewal', is already filed for "
            "this worker and waits for a decision, and client-renewal-reminder is for a grant "
            "that ends within 180 days or has ended, with no renewal or extension filed yet; use "
            "client-work-permit-expiring"
        ), doc.problem
    # The letter it suggests is made.
    _make(vault, "client-work-permit-expiring", site.matters["B1"], tmp_path / "permit")


def test_a_renewed_workers_letters_speak_of_the_renewed_grant(
    vault: Vault, site: Worksite, tmp_path: Path
) -> None:
    """C1's grant ended on 2026-12-01; once its renewal C2 is granted to 2028, a letter made on
    C1 (the first request, where a batch under the agency letter also finds the worker) speaks
    of the grant now running, not "your permission ended"."""
    matters.update_matter(
        vault, matter_id=site.matters["C2"], status="decision", decision="granted",
        decided_on="2026-12-02",
    )  # fmt: skip
    for kind in ("deferred_action", "work_permit"):
        matters.add_grant(vault, matter_id=site.matters["C2"], kind=kind, start="2026-12-02",
                          end="2028-12-01")  # fmt: skip
    for key in ("C1", "C2"):
        text = _text(_make(vault, "client-policy-change", site.matters[key], tmp_path / key))
        assert "your current permission is valid until December 1, 2028." in text, text
        assert "ended on December 1, 2026" not in text
        report = documents.render_documents(
            vault, template="client-renewal-reminder", matter_id=site.matters[key],
            out_dir=tmp_path / f"r{key}", today=TODAY,
        )  # fmt: skip
        (doc,) = report.documents
        assert doc.refused and doc.problem is not None
        assert doc.problem.startswith("the grant runs until 2028-12-01"), doc.problem


@pytest.mark.parametrize(
    ("lang", "paused"),
    [
        ("en", "Please know that USCIS has not been processing new requests under this process "
         "since January 24, 2025."),
        ("es", "Tenga en cuenta que USCIS no está tramitando solicitudes nuevas de este proceso "
         "desde el 24 de enero de 2025."),
    ],
)  # fmt: skip
def test_a_renewal_reminder_says_when_requests_are_not_being_processed(
    vault: Vault, site: Worksite, tmp_path: Path, lang: str, paused: str
) -> None:
    """The shipped policy history has the program paused since 2025-01-24: a letter asking the
    worker to come in to prepare a renewal says so, and leaves the clinic a place to say what it
    means for them."""
    text = _text(_make(vault, "client-renewal-reminder", site.matters["B1"], tmp_path, lang=lang))
    assert paused in text, text


def test_no_renewal_reminder_once_the_program_has_ended() -> None:
    """Under an ended program there is no renewal to prepare: the reminder is refused and the
    policy-change letter suggested."""
    rules = conditions.load()["client-renewal-reminder"]
    open_ = replace(EXAMPLE_MATTER, program_status="open")
    assert conditions.refusal(rules, open_, EXAMPLE_TODAY) is None
    ended = replace(EXAMPLE_MATTER, program_status="ended", program_status_since=date(2026, 6, 1))
    why = conditions.refusal(rules, ended, EXAMPLE_TODAY)
    assert why is not None and why.endswith("; use client-policy-change"), why
    assert "2026-06-01" in why, why


@pytest.mark.parametrize(
    ("status", "lang", "says", "never"),
    [
        ("settled", "en", "investigated Riverbend Meat Packers Inc. (case number WHD-2024-2211), "
         "and that the case was settled.", ("is investigating", "with the investigation")),
        ("settled", "es", "investigó a Riverbend Meat Packers Inc. (número de caso WHD-2024-2211), "
         "y que el caso se resolvió con un acuerdo.", ("está investigando", "con la investigación")),
        ("closed", "en", "investigated Riverbend Meat Packers Inc. (case number WHD-2024-2211).",
         ("is investigating", "with the investigation")),
        ("investigating", "en", "is investigating Riverbend Meat Packers Inc. (case number "
         "WHD-2024-2211).", ("investigated", "was settled")),
    ],
)  # fmt: skip
def test_the_declaration_follows_the_disputes_status(
    vault: Vault, site: Worksite, tmp_path: Path, status: str, lang: str, says: str,
    never: tuple[str, ...],
) -> None:  # fmt: skip
    """A dispute the agency settled or closed is not "being investigated" in the worker's sworn
    declaration, nor is the worker "cooperating with the investigation" still."""
    first = matters.get_matter(vault, matter_id=site.matters["F1"])
    assert first.employer_id is not None
    dispute = employers.add_dispute(
        vault, employer_id=first.employer_id, agency="DOL-WHD", case_number="WHD-2024-2211",
        status=status,
    ).record  # fmt: skip
    letter = letters.add_letter(
        vault, agency="DOL-WHD", employer_id=first.employer_id, dispute_id=dispute.id,
        date_issued="2024-06-15", period_start="2022-01-01", period_end="2024-12-31",
    ).record  # fmt: skip
    matters.update_matter(vault, matter_id=site.matters["F1"], agency_letter_id=letter.id)
    text = _text(_make(vault, "declaration", site.matters["F1"], tmp_path, lang=lang))
    assert says in text, text
    assert not [w for w in never if w in text], text
