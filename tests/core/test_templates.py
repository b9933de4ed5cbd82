"""The template engine on real .docx files: fields, checks, split runs, loops, languages, file names."""

from __future__ import annotations

import copy
import importlib.util
import io
import re
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from hypothesis import given
from hypothesis import strategies as st

from clinic_app.documents import context, naming
from clinic_app.documents import fields as F
from clinic_app.documents.engine import (
    PreparedTemplate,
    RenderError,
    TemplateProblem,
    read_text,
)
from clinic_app.resources import resource_path
from clinic_app.services import documents
from tests.core.helpers import ROOT

SHIPPED = sorted(resource_path("templates").glob("*/*.docx"))
EXPECTED_SHIPPED = {
    ("en", "declaration"),
    ("en", "cover-letter-initial"),
    ("en", "cover-letter-renewal"),
    ("en", "soi-request"),
    ("en", "client-appointment-reminder"),
    ("en", "client-renewal-reminder"),
    ("en", "client-work-permit-expiring"),
    ("en", "client-policy-change"),
    ("en", "client-grant-terminated"),
    ("es", "declaration"),
    ("es", "client-appointment-reminder"),
    ("es", "client-renewal-reminder"),
    ("es", "client-work-permit-expiring"),
    ("es", "client-policy-change"),
    ("es", "client-grant-terminated"),
}


def docx_bytes(*paragraphs: str, footer: str | None = None) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if footer is not None:
        document.sections[0].footer.paragraphs[0].text = footer
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def values(lang: str = "en", **changes: object) -> dict[str, object]:
    found: dict[str, object] = dict(context.example_values(lang))
    found.update(changes)
    return found


def render_text(data: bytes, lang: str = "en", **changes: object) -> list[str]:
    return read_text(PreparedTemplate(data, name="t.docx").render(values(lang, **changes)))  # type: ignore[arg-type]


# -- shipped templates ---------------------------------------------------------------------------


def test_every_promised_template_ships() -> None:
    assert {(p.parent.name, p.stem) for p in SHIPPED} == EXPECTED_SHIPPED


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_shipped_template_checks_and_fills_in_its_language(path: Path) -> None:
    lang = path.parent.name
    template = PreparedTemplate.from_path(path)
    analysis = template.check()
    assert analysis.fields, "a template that uses no field is not a template"
    # The terminated-grant letter is only made for a terminated grant (preconditions.toml).
    terminated = {"grant.state": "terminated", "grant.terminated_on": "September 15, 2026"}
    changes = terminated if path.stem == "client-grant-terminated" else {}
    text = "\n".join(read_text(template.render(values(lang, **changes))))  # type: ignore[arg-type]
    assert "{{" not in text and "{%" not in text and "}}" not in text
    assert "None" not in text.replace('"None"', "")  # no Python None leaked into a sentence
    if analysis.worksite_wide:
        assert "Nguyễn" in text  # every worker under the letter is listed
    else:
        assert "Pérez Núñez" in text
    if lang == "es":
        assert re.search(r"\b\d{1,2} de (enero|febrero|marzo|junio|diciembre) de \d{4}\b", text)
        assert "March" not in text.split("CERTIFICATE OF INTERPRETER")[0]
    else:
        assert re.search(r"(January|February|March|June|December) \d{1,2}, \d{4}", text)
    # Places to write are marked, never invented.
    if path.stem in ("declaration", "client-policy-change", "soi-request"):
        assert re.search(r"\[[^\]]{10,}\]", text)


def test_declaration_follows_the_legal_form() -> None:
    text = read_text(
        PreparedTemplate.from_path(resource_path("templates", "en", "declaration.docx")).render(
            values()  # type: ignore[arg-type]
        )
    )
    joined = "\n".join(text)
    # The example worker reads Spanish: the English version is the translation, not signed,
    # with the translator's certificate (8 C.F.R. § 103.2(b)(3)).
    assert text[0] == "[English translation from Spanish]"
    assert text[1] == "DECLARATION OF JOSÉ ÁNGEL PÉREZ NÚÑEZ"
    assert "IN SUPPORT OF REQUEST FOR DEFERRED ACTION AND EMPLOYMENT AUTHORIZATION" in joined
    assert "A-Number: A012345678" in joined
    assert "I, José Ángel Pérez Núñez, declare as follows:" in joined
    assert "I declare under penalty of perjury that the foregoing is true and correct." in joined
    assert "[Signature]" in text and "CERTIFICATE OF TRANSLATION" in joined
    assert "competent to translate from Spanish into English" in joined
    assert "was read to me" not in joined and "CERTIFICATE OF INTERPRETER" not in joined

    def english(**changes: object) -> list[str]:
        template = PreparedTemplate.from_path(resource_path("templates", "en", "declaration.docx"))
        return read_text(template.render(values(**changes)))  # type: ignore[arg-type]

    # An English speaker with no A-number signs it: no A-number, attestation or certificate.
    text = english(**{
        "client.a_number": None, "client.preferred_language": "en",
        "document.signed_language": "en", "document.signed_language_name": "English",
    })  # fmt: skip
    assert not any(line.startswith("A-Number") for line in text)
    assert not any("was read to me" in line or "CERTIFICATE" in line for line in text)
    assert "[Signature]" not in text
    # A Mam speaker with no Mam template signs the English read aloud by an interpreter.
    text = english(**{
        "client.preferred_language": "mam", "client.preferred_language_name": "Mam",
        "client.preferred_language_name_en": "Mam",
        "document.signed_language": "en", "document.signed_language_name": "English",
    })  # fmt: skip
    joined = "\n".join(text)
    assert "This declaration was read to me in Mam by" in joined
    assert "CERTIFICATE OF INTERPRETER" in joined and "between English and Mam" in joined
    assert "CERTIFICATE OF TRANSLATION" not in joined


@pytest.mark.parametrize(
    ("lang", "state", "expected"),
    [
        ("en", "ending", "The permission you received ends on February 28, 2027."),
        ("en", "ended", "The permission you received ended on February 28, 2027."),
        ("es", "ending", "El permiso que usted recibió termina el 28 de febrero de 2027."),
        ("es", "ended", "El permiso que usted recibió terminó el 28 de febrero de 2027."),
    ],
)
def test_renewal_reminder_says_ends_or_ended(lang: str, state: str, expected: str) -> None:
    template = PreparedTemplate.from_path(
        resource_path("templates", lang, "client-renewal-reminder.docx")
    )
    # Sixty days left while ending (fewer than 30 is "very soon"), one day past once ended.
    days = 60 if state == "ending" else -1
    changes = {"grant.state": state, "grant.days_left": days}
    text = "\n".join(read_text(template.render(values(lang, **changes))))  # type: ignore[arg-type]
    assert expected in text
    # A date already past is never asked to be met.
    assert ("before that date" in text or "antes de esa fecha" in text) == (state == "ending")


def test_spanish_declaration_is_the_signed_original() -> None:
    text = "\n".join(
        read_text(
            PreparedTemplate.from_path(resource_path("templates", "es", "declaration.docx")).render(
                values("es", **{"document.signed_language": "es"})  # type: ignore[arg-type]
            )
        )
    )
    assert "DECLARACIÓN DE JOSÉ ÁNGEL PÉREZ NÚÑEZ" in text
    assert "Nací el 1 de marzo de 1985 en México." in text
    assert "Declaro bajo pena de perjurio" in text
    # The certificate of translation belongs to the English translation, not to the original.
    assert "CERTIFICATE OF TRANSLATION" not in text and "me leyó" not in text


def test_shipped_templates_are_what_the_builder_makes(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "build_templates", ROOT / "packaging" / "build_templates.py"
    )
    assert spec is not None and spec.loader is not None
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    built = builder.build(tmp_path)
    assert {(p.parent.name, p.stem) for p in built} == EXPECTED_SHIPPED
    for path in built:
        shipped = resource_path("templates", path.parent.name, path.name)
        assert read_text(path.read_bytes()) == read_text(shipped.read_bytes()), (
            f"{shipped} is out of date: run .venv/bin/python packaging/build_templates.py"
        )


# -- checks before anything is written -----------------------------------------------------------


def test_unknown_field_is_named_with_where_it_is() -> None:
    data = docx_bytes(
        "Dear {{ client.first_name }},",
        "RE: {{ client.full_nme }} and {{ letter.agncy }}",
        footer="{{ clinic.fax }}",
    )
    with pytest.raises(TemplateProblem) as caught:
        PreparedTemplate(data, name="mine.docx").check()
    message = caught.value.message
    assert "\n" not in message
    assert message.startswith("mine.docx uses fields that do not exist: ")
    assert "client.full_nme (body: “RE: {{ client.full_nme }}" in message
    assert "did you mean client.full_name?" in message
    assert "letter.agncy" in message and "did you mean letter.agency?" in message
    assert "clinic.fax (page footer" in message
    assert "client.first_name" not in message


def test_word_autocorrect_capitals_are_reported_with_the_fix() -> None:
    with pytest.raises(TemplateProblem) as caught:
        PreparedTemplate(docx_bytes("{{ Client.full_name }} declares"), name="t.docx").check()
    assert "Client.full_name" in caught.value.message
    assert "did you mean client.full_name?" in caught.value.message


def test_a_tag_cut_by_a_paragraph_break_still_renders() -> None:
    # Pressing Enter inside a tag: docxtpl joins the two paragraphs back around the tag.
    assert render_text(docx_bytes("Intro", "I, {{ client.full_name", "}}, declare")) == [
        "Intro",
        "I, José Ángel Pérez Núñez, declare",
    ]


@pytest.mark.parametrize(
    ("paragraph", "shown"),
    [
        ("I, {{ client.full_name }, declare", "unexpected '}'"),
        ("I, { client.full_name }}, declare", "“{ client.full_name }}”"),
        ("I, {{client.full_name, declare", "cannot be read"),
    ],
)
def test_a_tag_missing_a_brace_is_reported_where_it_is(paragraph: str, shown: str) -> None:
    data = docx_bytes("Intro", paragraph, "Born {{ client.date_of_birth }}")
    with pytest.raises(TemplateProblem) as caught:
        PreparedTemplate(data, name="t.docx").check()
    message = caught.value.message
    assert shown in message
    assert "body: “I, {" in message
    assert "\n" not in message


def test_unclosed_block_is_reported() -> None:
    data = docx_bytes("{%p if client.a_number %}", "A-number {{ client.a_number }}")
    with pytest.raises(TemplateProblem, match="cannot be read"):
        PreparedTemplate(data, name="t.docx").check()


def test_group_and_matter_fields_cannot_mix() -> None:
    data = docx_bytes(
        "{%p for w in workers %}", "{{ w.full_name }}", "{%p endfor %}", "{{ client.full_name }}"
    )
    with pytest.raises(TemplateProblem, match="one document per agency letter"):
        PreparedTemplate(data, name="t.docx").check()


def test_not_a_docx_is_one_clear_sentence(tmp_path: Path) -> None:
    bad = tmp_path / "letter.docx"
    bad.write_text("not a word file")
    with pytest.raises(TemplateProblem, match="is not a Word document"):
        PreparedTemplate.from_path(bad)


# -- Word splitting tags across runs ---------------------------------------------------------------


def split_runs_docx() -> bytes:
    """Tags cut into runs the way Word does after autocorrect, spell check and re-typing."""
    document = Document()

    def runs(*pieces: str, bold_every_other: bool = True) -> None:
        paragraph = document.add_paragraph()
        for i, piece in enumerate(pieces):
            run = paragraph.add_run(piece)
            if bold_every_other and i % 2:
                run.bold = True
        # Word's spell-check marks between runs.
        for run in list(paragraph.runs)[1:]:
            marker = OxmlElement("w:proofErr")
            marker.set(qn("w:type"), "spellStart")
            run._r.addprevious(marker)

    runs("Name: {{ client.", "full_", "name }}.")
    runs("Born: {", "{ client.date_of_birth }", "}")
    runs("A: {{ client.a_number or ", "“None”", " }}")  # autocorrect's curly quotes
    runs("{%", " if client.a_number %}has{% else %}none{% endif ", "%}")
    runs("Employer:\u00a0{{\u00a0employer.name }}")  # non-breaking spaces typed in a tag
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_tags_split_across_runs_by_word_still_render() -> None:
    data = split_runs_docx()
    # The template really is split: no paragraph holds a whole tag in one run.
    document = Document(io.BytesIO(data))
    assert all(
        not any(re.search(r"\{\{.*\}\}", run.text) for run in p.runs)
        for p in document.paragraphs[:3]
    )
    text = render_text(data, **{"client.a_number": None})
    assert text[:5] == [
        "Name: José Ángel Pérez Núñez.",
        "Born: March 1, 1985",
        "A: None",
        "none",
        "Employer:\u00a0Riverbend Meat Packers Inc.",
    ]


# -- filling -----------------------------------------------------------------------------------------


def test_loops_and_conditionals() -> None:
    data = docx_bytes(
        "Enclosures:",
        "{%p for e in enclosures %}",
        "{{ e.tab }}. {{ e.title }}",
        "{%p endfor %}",
        "{%p if not enclosures %}",
        "Nothing enclosed yet.",
        "{%p endif %}",
        '{% if matter.kind == "renewal" %}Renewal{% else %}Initial{% endif %} request',
    )
    three = [{"number": str(i + 1), "tab": "ABC"[i], "title": f"Item {i + 1}"} for i in range(3)]
    text = render_text(data, enclosures=three)
    assert text == ["Enclosures:", "A. Item 1", "B. Item 2", "C. Item 3", "Renewal request"]
    text = render_text(data, enclosures=[], **{"matter.kind": "initial"})
    assert text == ["Enclosures:", "Nothing enclosed yet.", "Initial request"]


def test_a_field_with_no_value_stops_the_document_unless_the_template_says_what_to_print() -> None:
    bare = docx_bytes("Born {{ client.date_of_birth }}")
    with pytest.raises(RenderError) as caught:
        PreparedTemplate(bare, name="t.docx").render(values(**{"client.date_of_birth": None}))  # type: ignore[arg-type]
    assert caught.value.failure.field == "client.date_of_birth"
    guarded = docx_bytes('Born {{ client.date_of_birth or "[date of birth]" }}')
    assert render_text(guarded, **{"client.date_of_birth": None}) == ["Born [date of birth]"]


def test_values_are_escaped_and_newlines_become_line_breaks() -> None:
    data = docx_bytes("{{ employer.name }}", "{{ clinic.address }}")
    text = render_text(
        data, **{"employer.name": 'R&D <Tools> "Co"', "clinic.address": "1 Main St\nTown, ST"}
    )
    assert text == ['R&D <Tools> "Co"', "1 Main St\nTown, ST"]


def test_dates_and_countries_in_the_document_language() -> None:
    assert context.write_date(date(2027, 3, 1), "en") == "March 1, 2027"
    assert context.write_date(date(2027, 3, 1), "es") == "1 de marzo de 2027"
    assert context.country_name("Mexico", "es") == "México"
    assert context.country_name("Mexico", "en") == "Mexico"
    assert context.country_name("Atlantis", "es") == "Atlantis"
    assert context.language_name("es", "en") == "Spanish"
    assert context.language_name("es", "es") == "español"
    assert context.language_name("mam", "en") == "Mam"
    assert [context.tab_letter(i) for i in (0, 25, 26, 27)] == ["A", "Z", "AA", "AB"]
    assert context.permit_category("c14") == "(c)(14)"


def test_the_context_builder_gives_exactly_the_documented_fields() -> None:
    matter = {
        **context.matter_values(
            context.EXAMPLE_MATTER, context.EXAMPLE_CLINIC, lang="en", today=date(2027, 3, 1)
        ),
        **context.document_values("en", "es"),
    }
    group = context.group_values(
        context.EXAMPLE_GROUP, context.EXAMPLE_CLINIC, lang="en", today=date(2027, 3, 1)
    )
    assert set(matter) == set(F.names_in_scope(F.CLINIC, F.LETTER, F.MATTER))
    assert set(group) == set(F.names_in_scope(F.CLINIC, F.LETTER, F.GROUP))
    required = {
        "client.full_name", "client.first_name", "client.last_name", "client.a_number",
        "client.date_of_birth", "client.country_of_birth", "client.preferred_language",
        "employer.name", "worksite.city", "worksite.state", "letter.agency", "letter.date_issued",
        "letter.period_start", "letter.period_end", "matter.kind", "matter.receipt_number",
        "grant.start", "grant.end", "work_permit.end", "clinic.name", "clinic.address",
        "preparer.name", "today", "enclosures",
    }  # fmt: skip
    assert required <= set(F.BY_NAME)
    # Group names never shadow what Jinja would find first on a dict.
    assert not {name.split(".")[-1] for name in F.BY_NAME} & set(dir(dict))


def test_docs_fields_md_is_up_to_date() -> None:
    assert (ROOT / "docs" / "fields.md").read_text(
        encoding="utf-8"
    ) == documents.fields_markdown(), (
        "docs/fields.md is stale: run clinic-app fields --markdown > docs/fields.md"
    )


# -- file names ----------------------------------------------------------------------------------------

WINDOWS_FORBIDDEN = set('<>:"/\\|?*') | {chr(i) for i in range(32)}
RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}


def test_file_names_keep_accents_and_follow_the_pattern() -> None:
    assert (
        naming.document_filename("Hernández López", "José", "declaration", date(2027, 3, 1))
        == "Hernández-López_José_declaration_2027-03-01.docx"
    )
    assert naming.document_filename("", "Suharti", "cover-letter-initial", date(2027, 3, 1)) == (
        "Suharti_cover-letter-initial_2027-03-01.docx"
    )
    assert naming.safe_filename("CON") == "_CON.docx"
    assert naming.safe_filename('a<b>c:"d/e\\f|g?h*i') == "abcdefghi.docx"


@given(st.text(max_size=200), st.text(max_size=200))
def test_file_names_are_always_safe_on_windows(last: str, first: str) -> None:
    name = naming.document_filename(last, first, "declaration", date(2027, 3, 1))
    assert not set(name) & WINDOWS_FORBIDDEN
    assert name.endswith(".docx") and len(name) <= naming.MAX_STEM + 5
    assert name.split(".")[0].upper() not in RESERVED
    assert not name.startswith((" ", ".")) and not name[:-5].endswith((" ", "."))


def test_copying_the_example_does_not_change_it() -> None:
    before = copy.deepcopy(context.example_values("en"))
    render_text(docx_bytes("{{ client.full_name }}"))
    assert context.example_values("en") == before
