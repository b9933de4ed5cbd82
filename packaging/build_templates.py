"""Builds the shipped Word templates (resources/templates/<lang>/<id>.docx) from this code.

Run: .venv/bin/python packaging/build_templates.py   (rewrites every shipped template)

The .docx files are committed; this script is how they are kept consistent and reviewable.
Clinics edit their own copies in Word ('clinic-app template-copy', then 'template-add').

Conventions in the text below:
  **bold**            bold text
  [write here]        a place the attorney or paralegal writes: printed in brackets, highlighted
  {{ field }} {% %}   template tags (see docs/fields.md); kept whole in one run
A paragraph holding only "{%p ... %}" is a paragraph-level tag (docxtpl removes the paragraph).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt
from docx.text.paragraph import Paragraph

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "resources" / "templates"
_TOKENS = re.compile(r"(\{\{.*?\}\}|\{%.*?%\}|\*\*.+?\*\*|\[[^\]]+\])")


# -- building blocks ------------------------------------------------------------------------------


def set_language(doc: DocumentObject, lang: str) -> None:
    """Tag the text with its language (w:lang), so Word checks Spanish spelling as Spanish."""
    code = {"en": "en-US", "es": "es-US"}.get(lang, lang)
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    targets = [doc.styles["Normal"].element.get_or_add_rPr()]
    if defaults is not None:
        r_pr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if r_pr is not None:
            targets.append(r_pr)
    for r_pr in targets:
        for old in r_pr.findall(qn("w:lang")):
            r_pr.remove(old)
        lang_el = OxmlElement("w:lang")
        for key in ("w:val", "w:eastAsia", "w:bidi"):
            lang_el.set(qn(key), code)
        r_pr.append(lang_el)


def new_document(*, font: str, size: int, title: str, lang: str = "en") -> DocumentObject:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Inches(1))
    normal = doc.styles["Normal"]
    normal.font.name = font
    normal.font.size = Pt(size)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), font)
    normal.paragraph_format.space_after = Pt(8)
    normal.paragraph_format.line_spacing = 1.08
    for name in ("List Number", "List Bullet"):
        doc.styles[name].font.name = font
    props = doc.core_properties
    props.title = title
    props.author = "clinic-app"
    props.last_modified_by = "clinic-app"
    props.comments = "A clinic-app template: edit the wording in Word; keep each tag whole."
    props.created = props.modified = datetime(2025, 1, 1)
    props.language = {"en": "en-US", "es": "es-US"}.get(lang, lang)
    set_language(doc, lang)
    return doc


def write(paragraph: Paragraph, text: str, *, bold: bool = False) -> Paragraph:
    """Add text with **bold** and [placeholders] (highlighted), keeping each tag in one run."""
    for piece in _TOKENS.split(text):
        if not piece:
            continue
        if piece.startswith("**") and piece.endswith("**"):
            write(paragraph, piece[2:-2], bold=True)
            continue
        run = paragraph.add_run(piece)
        run.bold = bold or None
        if piece.startswith("[") and piece.endswith("]"):
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    return paragraph


def para(
    doc: DocumentObject,
    text: str = "",
    *,
    align: str = "left",
    style: str | None = None,
    after: int | None = None,
    before: int | None = None,
    keep_next: bool = False,
    indent: float | None = None,
    size: int | None = None,
) -> Paragraph:
    paragraph = doc.add_paragraph(style=style)
    write(paragraph, text)
    paragraph.alignment = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }[align]
    fmt = paragraph.paragraph_format
    if after is not None:
        fmt.space_after = Pt(after)
    if before is not None:
        fmt.space_before = Pt(before)
    if keep_next:
        fmt.keep_with_next = True
    if indent is not None:
        fmt.left_indent = Inches(indent)
    if size is not None:
        for run in paragraph.runs:
            run.font.size = Pt(size)
    return paragraph


def tag(doc: DocumentObject, statement: str) -> None:
    """A paragraph-level tag: {%p if … %}, {%p for … %}, {%p endif %}…"""
    doc.add_paragraph(f"{{%p {statement} %}}")


def page_break(doc: DocumentObject) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def bottom_border(paragraph: Paragraph) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "4"), ("w:color", "444444")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.append(borders)


def page_field(paragraph: Paragraph, code: str = "PAGE") -> None:
    """A Word page-number field: PAGE (this page) or NUMPAGES (how many pages). Each part in a
    run of its own, with a shown value, as Word writes fields: LibreOffice ignores the font size
    of a field packed into one run and prints the number at the body's size."""
    begin, instr, separate, end = (
        OxmlElement("w:fldChar"),
        OxmlElement("w:instrText"),
        OxmlElement("w:fldChar"),
        OxmlElement("w:fldChar"),
    )
    begin.set(qn("w:fldCharType"), "begin")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {code} "
    separate.set(qn("w:fldCharType"), "separate")
    end.set(qn("w:fldCharType"), "end")
    for part in (begin, instr, separate):
        paragraph.add_run()._r.append(part)
    paragraph.add_run("1")
    paragraph.add_run()._r.append(end)


def footer(doc: DocumentObject, text: str, lang: str) -> None:
    """Left: what the document is; right: "Page X of Y" (the style's centre tab cleared, so the
    page number never lands mid-footer)."""
    page_word, of_word = ("Página", "de") if lang == "es" else ("Page", "of")
    paragraph = doc.sections[0].footer.paragraphs[0]
    stops = paragraph.paragraph_format.tab_stops
    stops.add_tab_stop(Inches(3.25), WD_TAB_ALIGNMENT.CLEAR)
    stops.add_tab_stop(Inches(6.5), WD_TAB_ALIGNMENT.RIGHT)
    write(paragraph, text + "\t" + page_word + " ")
    page_field(paragraph, "PAGE")
    paragraph.add_run(f" {of_word} ")
    page_field(paragraph, "NUMPAGES")
    for run in paragraph.runs:
        run.font.size = Pt(9)


def letterhead(doc: DocumentObject) -> None:
    para(doc, "**{{ clinic.name }}**", align="center", after=0, size=15)
    para(doc, "{{ clinic.address }}", align="center", after=0, size=10)
    contact = para(
        doc,
        "{% if clinic.phone %}Tel. {{ clinic.phone }}{% endif %}"
        "{% if clinic.phone and clinic.email %}  ·  {% endif %}"
        "{% if clinic.email %}{{ clinic.email }}{% endif %}",
        align="center",
        after=18,
        size=10,
    )
    bottom_border(contact)


def label_table(doc: DocumentObject, rows: list[tuple[str, str]]) -> None:
    """Two columns without borders, for RE: blocks; the label column as wide as its labels."""
    longest = max(len(label) for label, _ in rows)
    first_width = round(min(2.2, 0.3 + longest * 0.085), 2)  # ~12 pt bold Times per character
    table = doc.add_table(rows=0, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    # Word and LibreOffice size columns from the grid, not only from each cell.
    for col, width in zip(
        table._tbl.tblGrid.findall(qn("w:gridCol")), (first_width, 6.5 - first_width), strict=True
    ):
        col.set(qn("w:w"), str(int(width * 1440)))
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].width, cells[1].width = Inches(first_width), Inches(6.5 - first_width)
        write(cells[0].paragraphs[0], label, bold=True)
        write(cells[1].paragraphs[0], value)
        for cell in cells:
            cell.paragraphs[0].paragraph_format.space_after = Pt(2)
    doc.add_paragraph()


def bullets(doc: DocumentObject, items: list[str]) -> None:
    for item in items:
        para(doc, item, style="List Bullet", after=2)


def signature(doc: DocumentObject, lines: list[str], *, closing: str | None = None) -> None:
    """Closing and signature lines, kept together and with the paragraph before them (a
    signature block never stands alone on a page)."""
    before = doc.paragraphs[-1] if doc.paragraphs else None
    if before is not None:
        before.paragraph_format.keep_with_next = True
    if closing:
        para(doc, closing, before=6, after=30, keep_next=True)
    para(doc, "______________________________", after=0, keep_next=True)
    for line in lines:
        para(doc, line, after=0, keep_next=True)
    doc.add_paragraph()


# -- filings (English) --------------------------------------------------------------------------------


TRANSLATION = "document.signed_language != document.language"
READ_ALOUD = "client.preferred_language != document.language"


def certificate(doc: DocumentObject, title: str, text: str) -> None:
    """A certificate on its own page: statement, then signature, name, address and date lines."""
    page_break(doc)
    para(doc, f"**{title}**", align="center", after=14)
    para(doc, text, align="justify", after=30, keep_next=True)
    para(doc, "______________________________", after=0, keep_next=True)
    para(doc, "Signature", after=14, keep_next=True)
    para(doc, "Name: ______________________________", after=10, keep_next=True)
    para(doc, "Address: ______________________________", after=10, keep_next=True)
    para(doc, "______________________________________", after=10, keep_next=True)
    para(doc, "Telephone: ______________________________", after=10, keep_next=True)
    para(doc, "Date: ______________________________", after=10)


def translator_certificate(doc: DocumentObject) -> None:
    """8 C.F.R. § 103.2(b)(3): a full English translation, certified by a translator competent
    to translate from the language into English as complete and accurate."""
    certificate(
        doc,
        "CERTIFICATE OF TRANSLATION",
        "I, ______________________________ [translator's full name], certify that I am "
        "competent to translate from {{ document.signed_language_name }} into English, and "
        "that the foregoing English translation of the declaration of {{ client.full_name }}, "
        "signed in {{ document.signed_language_name }}, is complete and accurate.",
    )


def interpreter_certificate(doc: DocumentObject, language_name: str) -> None:
    certificate(
        doc,
        "CERTIFICATE OF INTERPRETER",
        "I, ______________________________ [interpreter's full name], certify that I am "
        f"competent to interpret between {language_name} and "
        "{{ client.preferred_language_name_en }}, and that on ____________________ [date] I "
        "read the foregoing declaration aloud, in full, to {{ client.full_name }} in "
        "{{ client.preferred_language_name_en }}, who told me that they understood it before "
        "signing it.",
    )


def declaration_en() -> DocumentObject:
    doc = new_document(font="Times New Roman", size=12, title="Declaration")
    tag(doc, f"if {TRANSLATION}")
    para(
        doc,
        "**[English translation from {{ document.signed_language_name }}]**",
        align="center",
        after=6,
    )
    tag(doc, "endif")
    para(doc, "**DECLARATION OF {{ client.full_name|upper }}**", align="center", after=0)
    para(
        doc,
        "**IN SUPPORT OF REQUEST FOR DEFERRED ACTION AND EMPLOYMENT AUTHORIZATION**",
        align="center",
        after=0,
    )
    tag(doc, "if client.a_number")
    para(doc, "A-Number: {{ client.a_number }}", align="center", after=0)
    tag(doc, "endif")
    para(doc, "", after=12)
    para(doc, "I, {{ client.full_name }}, declare as follows:")
    numbered = "List Number"
    para(
        doc,
        "My name is {{ client.full_name }}. I was born on {{ client.date_of_birth }}, in "
        "{{ client.country_of_birth }}. The language I speak best is "
        "{{ client.preferred_language_name }}. [Other languages the declarant speaks, reads or "
        "writes, and anything else about who they are that the attorney wants here.]",
        style=numbered,
        align="justify",
    )
    para(
        doc,
        "I worked for {{ employer.name }} at its worksite in {{ worksite.city }}, "
        "{{ worksite.state }}{% if worksite.name %} ({{ worksite.name }}){% endif %}, from "
        "[month and year the declarant started] to [month and year they stopped, or “the "
        "present”]. My job was [job title and main duties]. [Usual hours, pay and how it was "
        "paid; names of supervisors only where the attorney wants them.]",
        style=numbered,
        align="justify",
    )
    para(
        doc,
        "[Describe what happened at work, in the declarant's own words: for example, overtime or "
        "wages not paid, unsafe conditions or injuries, harassment or discrimination. Give the "
        "dates, places and amounts the declarant knows.]",
        style=numbered,
        align="justify",
    )
    para(
        doc,
        "I know that {{ letter.agency_with_article }} {% if "
        + DISPUTE_DONE
        + " %}investigated{% else %}is "
        "investigating{% endif %} {{ employer.name }}"
        "{% if dispute.case_number %} (case number {{ dispute.case_number }}){% endif %}"
        '{% if dispute.status == "settled" %}, and that the case was settled{% endif %}. '
        "[Describe the declarant's part: filing or joining the complaint, speaking with "
        "investigators, giving documents, or being a witness, with dates.]",
        style=numbered,
        align="justify",
    )
    para(
        doc,
        "[Describe any threats or retaliation the declarant saw or fears, including threats to "
        "call immigration or the police, firings, cuts in hours, or blacklisting: who, when, and "
        "what was said, in the declarant's words.]",
        style=numbered,
        align="justify",
    )
    para(
        doc,
        "I am asking for deferred action and permission to work so that I can keep cooperating "
        "with {% if "
        + DISPUTE_DONE
        + " %}the agency{% else %}the investigation{% endif %} without fear that my immigration status will be used against me "
        "or my family. [Add, in the declarant's words, why this protection matters to them.]",
        style=numbered,
        align="justify",
        keep_next=True,
    )
    tag(doc, f"if not ({TRANSLATION}) and {READ_ALOUD}")
    para(
        doc,
        "This declaration was read to me in {{ client.preferred_language_name }} by "
        "______________________________ [interpreter's full name], and I understand its "
        "contents. [Delete this paragraph and the interpreter's certificate if the declarant "
        "read the declaration in English themselves.]",
        # Not justified: the long blank would stretch the words of the line before it apart.
        align="left",
        before=6,
        keep_next=True,
    )
    tag(doc, "endif")
    para(
        doc,
        "I declare under penalty of perjury that the foregoing is true and correct.",
        before=6,
        keep_next=True,
    )
    para(
        doc,
        "Executed on ____________________ at ________________________ [city, state].",
        after=30,
        keep_next=True,
    )
    tag(doc, f"if {TRANSLATION}")
    para(doc, "[Signature]", after=0, keep_next=True)
    para(doc, "{{ client.full_name }}", after=0)
    translator_certificate(doc)
    tag(doc, "else")
    signature(doc, ["{{ client.full_name }}"])
    tag(doc, f"if {READ_ALOUD}")
    interpreter_certificate(doc, "English")
    tag(doc, "endif")
    tag(doc, "endif")
    footer(
        doc,
        "Declaration of {{ client.full_name }}{% if " + TRANSLATION + " %} (English translation)"
        "{% endif %}",
        "en",
    )
    return doc


def _cover_re_rows(request: str) -> list[tuple[str, str]]:
    return [
        ("RE:", request),
        ("Requestor:", "{{ client.full_name }}"),
        ("A-Number:", '{{ client.a_number or "None" }}'),
        ("Date of birth:", "{{ client.date_of_birth }}"),
        ("Country of birth:", "{{ client.country_of_birth }}"),
        (
            "Agency letter:",
            "Statement of Interest of {{ letter.agency_with_article }}, dated "
            "{{ letter.date_issued }}{% if letter.reference %} (ref. {{ letter.reference }})"
            "{% endif %}",
        ),
    ]


def _cover_top(doc: DocumentObject) -> None:
    letterhead(doc)
    para(doc, "{{ today }}", after=12)
    para(doc, "[Delivery method, e.g. “Via courier, tracking number …”]", after=12)
    para(doc, "U.S. Citizenship and Immigration Services", after=0)
    para(doc, "Attn: Deferred Action", after=0)
    para(doc, "{{ uscis.address }}", after=14)


def policy_paragraph(doc: DocumentObject, *, soi: bool = False) -> None:
    """When the program is not open, say so plainly (the app knows it; the reader does too)."""
    since = "{% if program.status_since %} since {{ program.status_since }}{% endif %}"
    on = "{% if program.status_since %} on {{ program.status_since }}{% endif %}"
    tag(doc, 'if program.status == "paused"')
    if soi:
        para(
            doc,
            f"We recognize that USCIS has not been processing new requests under this process{since}. "
            "A Statement of Interest now documents the agency's interest in protecting these "
            "workers while they cooperate with its investigation, and it will support their "
            "requests as soon as processing resumes.",
            align="justify",
        )
    else:
        para(
            doc,
            f"We are aware that USCIS has not been processing new requests under this process{since}. "
            "We submit this request so that it is on file, and respectfully ask that it be "
            "considered as soon as processing resumes.",
            align="justify",
        )
    tag(doc, 'elif program.status == "ended"')
    para(
        doc,
        f"We are aware that DHS ended this process{on}. "
        + (
            "We ask nonetheless that the agency document its interest in protecting these "
            "workers, which other forms of protection may rely on."
            if soi
            else "We respectfully submit this request nonetheless and ask that USCIS exercise "
            "its discretion to consider it."
        ),
        align="justify",
    )
    tag(doc, "endif")


FEE_SENTENCE = (
    '{% if matter.fee == "waiver" %}Form I-912, Request for Fee Waiver, with its supporting '
    'evidence, is enclosed in place of the filing fee.{% elif matter.fee == "fee" %}The '
    "filing fee is enclosed.{% else %}[The filing fee is enclosed. / Form I-912, Request for "
    "Fee Waiver, is enclosed.] [Record the choice on the matter to fill this in.]{% endif %}"
)


def _cover_bottom(doc: DocumentObject) -> None:
    policy_paragraph(doc)
    para(
        doc,
        "Please direct any questions about this request to "
        "{% if preparer.name != signer.name %}{{ preparer.name }} or to {% endif %}the "
        "undersigned{% if clinic.phone %} at {{ clinic.phone }}{% endif %}"
        "{% if clinic.email %} or {{ clinic.email }}{% endif %}. Thank you for your attention "
        "to this request.",
        align="justify",
    )
    signature(
        doc,
        [
            "{{ signer.name }}",
            "{{ signer.title }}{% if signer.bar_number %}, {{ signer.bar_number }}{% endif %}",
            "{{ clinic.name }}",
        ],
        closing="Respectfully submitted,",
    )
    para(doc, "**Enclosures:**", after=4, keep_next=True)
    tag(doc, "for e in enclosures")
    para(doc, "{{ e.number }}.\t{{ e.title }}", after=2, indent=0.25)
    tag(doc, "endfor")
    tag(doc, "if not enclosures")
    para(
        doc,
        "[No packet item is marked received yet: mark them on the packet checklist of matter "
        "{{ matter.id }} (on the desktop: Matters, then the matter; on the command line: "
        "clinic-app checklist {{ matter.id }} --set ITEM=received), then make this letter "
        "again.]",
    )
    tag(doc, "endif")
    para(doc, "cc: {{ client.full_name }} (without enclosures)", before=12)


def cover_letter_initial_en() -> DocumentObject:
    doc = new_document(font="Times New Roman", size=12, title="Cover letter, initial request")
    _cover_top(doc)
    label_table(
        doc,
        _cover_re_rows(
            "**Initial request for labor-based deferred action and employment authorization**"
        ),
    )
    para(doc, "Dear Sir or Madam:")
    para(
        doc,
        "{{ clinic.name }} represents {{ client.full_name }} in this initial request for "
        "deferred action and employment authorization. A Form G-28, Notice of Entry of "
        "Appearance as Attorney or Accredited Representative, is enclosed.",
        align="justify",
    )
    para(
        doc,
        "This request rests on the Statement of Interest that {{ letter.agency_with_article }} "
        "issued on {{ letter.date_issued }}, concerning {{ employer.name }} and its worksite in "
        "{{ worksite.city }}, {{ worksite.state }}. The Statement of Interest covers workers "
        "employed at that worksite from {{ letter.period_start }} through {{ letter.period_end }}. "
        "{{ client.full_name }} was employed there during that period; evidence of that "
        "employment is enclosed.",
        align="justify",
    )
    tag(doc, 'if grant.state == "ended"')
    para(
        doc,
        "USCIS previously granted {{ client.full_name }} deferred action from {{ grant.start }}; "
        "that grant ended on {{ grant.ended_on }}. [Explain why an "
        "initial request, rather than a renewal, is filed now.]",
        align="justify",
    )
    tag(doc, "endif")
    para(
        doc,
        "On behalf of {{ client.full_name }}, we respectfully ask that USCIS exercise its "
        "discretion to grant deferred action, and employment authorization under "
        "8\u00a0C.F.R.\u00a0§\u00a0274a.12(c)(14). The request for employment authorization is enclosed. "
        + FEE_SENTENCE
        + " [Add any factor favoring a positive exercise of discretion the attorney wants to "
        "highlight.]",
        align="justify",
    )
    _cover_bottom(doc)
    footer(doc, "{{ client.full_name }}, initial request", "en")
    return doc


def cover_letter_renewal_en() -> DocumentObject:
    doc = new_document(font="Times New Roman", size=12, title="Cover letter, renewal or extension")
    _cover_top(doc)
    rows = _cover_re_rows(
        '**{% if matter.kind == "extension" %}Request to extend labor-based deferred action and '
        "employment authorization to four years{% else %}Request to renew labor-based deferred "
        "action and employment authorization{% endif %}**"
    )
    rows.insert(
        5,
        (
            "Prior grant:",
            "{{ grant.start }} to {{ grant.end }}"
            '{% if grant.state == "ended" %} (ended{% if grant.receipt_number %}; receipt '
            "{{ grant.receipt_number }}{% endif %}){% elif grant.receipt_number %} (receipt "
            "{{ grant.receipt_number }}){% endif %}",
        ),
    )
    label_table(doc, rows)
    para(doc, "Dear Sir or Madam:")
    para(
        doc,
        "{{ clinic.name }} represents {{ client.full_name }} in this "
        '{% if matter.kind == "extension" %}request for an extension{% else %}renewal request'
        "{% endif %}. A Form G-28, Notice of Entry of Appearance as Attorney or Accredited "
        "Representative, is enclosed.",
        align="justify",
    )
    para(
        doc,
        "USCIS granted {{ client.full_name }} deferred action "
        '{% if grant.state == "ended" %}from {{ grant.start }}; that grant ended on '
        '{{ grant.ended_on }}{% elif grant.state == "terminated" %}from '
        "{{ grant.start }}; that grant was terminated on {{ grant.terminated_on }}{% else %}for "
        "the period from {{ grant.start }} through {{ grant.end }}{% endif %}. The grant rested on "
        "the Statement of Interest that {{ letter.agency_with_article }} issued on "
        "{{ letter.date_issued }}, concerning {{ employer.name }} and its worksite in "
        "{{ worksite.city }}, {{ worksite.state }}.",
        align="justify",
    )
    tag(doc, 'if matter.kind == "extension"')
    para(
        doc,
        "We respectfully ask that this {% if grant.total_years == 1 %}one-year{% elif "
        "grant.total_years == 2 %}two-year{% elif grant.total_years == 3 %}three-year{% else %}"
        "{{ grant.total_years }}-year{% endif %} grant be extended to a total period of four years, as DHS has allowed for labor-based deferred action first "
        "granted for a shorter period. As DHS asks for these requests, the enclosed Form G-325A "
        "is marked “Labor DA Extension”, and copies of the original Statement of Interest and "
        "of the approval notice are enclosed with a new request for employment authorization. "
        + FEE_SENTENCE,
        align="justify",
    )
    tag(doc, 'elif grant.state == "ended"')
    para(
        doc,
        "We respectfully ask that USCIS again grant deferred action and employment "
        "authorization, for a further period. [Explain why the request follows the end of the "
        "prior grant, and state the labor agency's continued interest in the matter identified "
        "in its letter, e.g. an updated letter or the agency's confirmation that its "
        "investigation or enforcement continues (enclosed).] " + FEE_SENTENCE,
        align="justify",
    )
    tag(doc, "else")
    para(
        doc,
        "We respectfully ask that USCIS renew deferred action and employment authorization for "
        "a further period. [State the labor agency's continued interest in the matter "
        "identified in its letter, e.g. an updated letter or the agency's confirmation that "
        "its investigation or enforcement continues (enclosed).] " + FEE_SENTENCE,
        align="justify",
    )
    tag(doc, "endif")
    para(
        doc,
        "[Summarize any change since the prior request and the evidence enclosed.]",
        align="justify",
    )
    tag(doc, 'if work_permit.state == "live" or work_permit.state == "ending"')
    para(
        doc,
        "The current employment authorization document of {{ client.full_name }} expires "
        "{% if work_permit.days_left == 0 %}today, {% else %}on {% endif %}"
        "{{ work_permit.end }}. Employment authorization in category (c)(14) is not extended "
        "automatically, so we respectfully ask that this request be decided "
        "{% if work_permit.days_left == 0 %}as soon as possible{% else %}before that date if at "
        "all possible{% endif %}.",
        align="justify",
    )
    tag(doc, 'elif work_permit.state == "ended"')
    para(
        doc,
        "The employment authorization document of {{ client.full_name }} expired on "
        "{{ work_permit.ended_on }}. Employment authorization in category (c)(14) is not "
        "extended automatically, so {{ client.full_name }} has been without employment "
        "authorization since the day after; we respectfully ask that this request be decided as "
        "soon as possible.",
        align="justify",
    )
    tag(doc, "endif")
    _cover_bottom(doc)
    footer(doc, "{{ client.full_name }}, {{ matter.request_type }}", "en")
    return doc


def soi_request_en() -> DocumentObject:
    doc = new_document(font="Times New Roman", size=12, title="Request for a Statement of Interest")
    letterhead(doc)
    para(doc, "{{ today }}", after=12)
    para(doc, "[Delivery method: by email to the address below, or by mail]", after=12)
    para(doc, "{{ letter.agency }}", after=0)
    para(doc, "{{ letter.agency_intake }}", after=14)
    label_table(
        doc,
        [
            (
                "RE:",
                "**Request for a Statement of Interest in support of workers employed by "
                "{{ employer.name }}**",
            ),
            (
                "Worksite:",
                "{% if worksite.name %}{{ worksite.name }}, {% endif %}"
                '{{ worksite.address or "[worksite address]" }}, {{ worksite.city }}, '
                "{{ worksite.state }}",
            ),
            (
                "Case:",
                '{{ dispute.case_number or "[complaint or case number, if any]" }}',
            ),
            (
                "Period:",
                '{{ letter.period_start or "[first day]" }} to '
                '{{ letter.period_end or "[last day, or the present]" }}',
            ),
        ],
    )
    para(doc, "Dear [name or title of the official]:")
    para(
        doc,
        "{{ clinic.name }} represents workers employed by {{ employer.name }} at the worksite "
        "named above. We write to ask that {{ letter.agency_with_article }} send the Department of "
        "Homeland Security (DHS) a Statement of Interest supporting protection for workers "
        "employed at that worksite during the period named above, under the process DHS "
        "announced on January 13, 2023, for noncitizen workers who are witnesses to or victims "
        "of labor violations.",
        align="justify",
    )
    para(doc, "**The employer and the worksite.**", after=2, keep_next=True)
    para(
        doc,
        "{{ employer.name }}"
        "{% if employer.address %}, {{ employer.address }}, {{ employer.city }}, "
        "{{ employer.state }}{% endif %}, [describe the business, the kind of work done at the "
        "worksite, and about how many people work there].",
        align="justify",
    )
    para(doc, "**The labor dispute.**", after=2, keep_next=True)
    para(
        doc,
        "{% if dispute.violation_kind %}The workers report {{ dispute.violation_kind }}. "
        "{% endif %}[Describe the violations, when they happened, and how they relate to the "
        "laws the agency enforces (for example, the minimum wage and overtime requirements of "
        "the Fair Labor Standards Act).]{% if dispute.case_number %} The agency's case number is "
        "{{ dispute.case_number }}.{% endif %}",
        align="justify",
    )
    para(doc, "**The workers affected.**", after=2, keep_next=True)
    para(
        doc,
        "Our clinic represents {{ workers_count }} worker{% if workers_count != 1 %}s{% endif %} "
        "of this worksite. [Say how many workers the dispute affects in all, if known.]",
        align="justify",
    )
    para(
        doc,
        "[Delete the list below if the workers' names should not be shared at this stage.]",
        after=2,
    )
    tag(doc, "for w in workers")
    para(doc, "{{ w.full_name }}", style="List Bullet", after=0)
    tag(doc, "endfor")
    tag(doc, "if workers_left_out")
    para(
        doc,
        "[{{ workers_left_out }} other worker{% if workers_left_out != 1 %}s{% endif %} of this "
        "worksite, whose matters are decided or closed, are not listed: render with "
        "--all-workers to list them, or delete this note.]",
        before=4,
    )
    tag(doc, "endif")
    para(doc, "**Retaliation.**", before=8, after=2, keep_next=True)
    para(
        doc,
        "[Describe any retaliation seen or threatened, including immigration-related threats, "
        "firings, cuts in hours, or blacklisting: who, when, and what was said.]",
        align="justify",
    )
    para(
        doc,
        "Workers who fear that their employer will retaliate by reporting them to immigration "
        "authorities are often afraid to report violations or to cooperate with an "
        "investigation. [Describe how that fear has affected these workers' willingness to come "
        "forward.] A Statement of Interest would allow them to cooperate with the agency's "
        "investigation without that fear.",
        align="justify",
    )
    para(doc, "**Our request.**", after=2, keep_next=True)
    para(
        doc,
        "We respectfully ask that {{ letter.agency_with_article }} send DHS a Statement of Interest "
        "covering workers employed by {{ employer.name }} at its worksite in "
        "{{ worksite.city }}, {{ worksite.state }}, from "
        '{{ letter.period_start or "[first day]" }} through '
        '{{ letter.period_end or "[last day]" }}.',
        align="justify",
    )
    policy_paragraph(doc, soi=True)
    para(
        doc,
        "Please contact the undersigned{% if clinic.phone %} at {{ clinic.phone }}{% endif %}"
        "{% if clinic.email %} or {{ clinic.email }}{% endif %} with any question or if more "
        "information would help. Thank you for your attention to this request.",
        align="justify",
    )
    signature(
        doc,
        [
            "{{ signer.name }}",
            "{{ signer.title }}{% if signer.bar_number %}, {{ signer.bar_number }}{% endif %}",
            "{{ clinic.name }}",
        ],
        closing="Respectfully,",
    )
    footer(doc, "Request for a Statement of Interest: {{ employer.name }}", "en")
    return doc


# A dispute the agency settled or closed is no longer "being investigated" (the declaration).
DISPUTE_DONE = 'dispute.status == "settled" or dispute.status == "closed"'


# -- client letters ---------------------------------------------------------------------------------

CLIENT = {
    "en": {
        "address": '{{ client.mailing_address or "[mailing address]" }}',
        "greeting": "Dear {{ client.first_name or client.full_name }},",
        "closing": "Sincerely,",
        "questions": "If you have questions, call {{ preparer.name }} at {{ clinic.phone }}.",
        "title": "Letter",
    },
    "es": {
        "address": '{{ client.mailing_address or "[dirección postal]" }}',
        "greeting": "Estimado(a) {{ client.first_name or client.full_name }}:",
        "closing": "Atentamente,",
        "questions": "Si tiene preguntas, llame a {{ preparer.name }} al {{ clinic.phone }}.",
        "title": "Carta",
    },
}


def banner(doc: DocumentObject) -> None:
    """The staff's first line when the client's safe-contact rules limit how to reach them."""
    tag(doc, "if client.contact_banner")
    line = para(doc, "**{{ client.contact_banner }}**", align="center", after=12)
    p_pr = line._p.get_or_add_pPr()
    shading = OxmlElement("w:shd")
    for key, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", "FFE599")):
        shading.set(qn(key), value)
    p_pr.append(shading)
    tag(doc, "endif")


def client_letter(lang: str, body: Callable[[DocumentObject], None]) -> DocumentObject:
    """A letter to the worker: no immigration words in its title, file name or first lines,
    and no address block when the worker must not be mailed."""
    words = CLIENT[lang]
    doc = new_document(font="Calibri", size=12, title=words["title"], lang=lang)
    banner(doc)
    letterhead(doc)
    para(doc, "{{ today }}", after=12)
    tag(doc, "if not client.do_not_mail")
    para(doc, "{{ client.full_name }}", after=0)
    para(doc, words["address"], after=18)
    tag(doc, "endif")
    para(doc, words["greeting"])
    body(doc)
    para(doc, words["questions"])
    signature(doc, ["{{ preparer.name }}", "{{ clinic.name }}"], closing=words["closing"])
    footer(doc, "{{ clinic.name }}", lang)
    return doc


# The letter's date against the appointment's: before it, on the day, or after it (a letter made
# anyway once the day has passed says so, and asks for nothing before a date already gone).
APPOINTMENT_PAST = "if appointment.days_left is number and appointment.days_left < 0"
APPOINTMENT_TODAY = "if appointment.days_left == 0"
APPOINTMENT_WORDS = {
    "es": {
        "past": [
            "Según nuestros registros, su cita de biométricos (huellas digitales y foto) fue el "
            "**{{ appointment.date }}**.",
            "Si fue a la cita, avísenos y guarde cualquier papel que le hayan dado. Si no pudo "
            "ir, llámenos de inmediato: faltar a la cita puede perjudicar su caso, y veremos "
            "juntos qué se puede hacer ahora.",
        ],
        "today": "Le recordamos que su cita es **hoy, {{ appointment.date }}**.",
        "ahead": "Le recordamos que tiene una cita el **{{ appointment.date }}**.",
        "what": "En esta cita le tomarán las huellas digitales y una foto (es la cita de "
        "biométricos). La hora exacta y la dirección están en el aviso de la cita que usted "
        "recibió. [Hora y dirección, si la clínica prefiere escribirlas aquí.]",
        "bring": "Por favor, traiga:",
        "items": [
            "el aviso de la cita;",
            "una identificación con foto, como su pasaporte o su matrícula consular;",
            "[otros documentos que pida la clínica].",
        ],
        "cannot_today": "Si no puede ir hoy, llámenos de inmediato: faltar a la cita puede "
        "perjudicar su caso, y veremos juntos qué se puede hacer.",
        "cannot": "Si no puede ir, llámenos de inmediato, **antes** de la fecha de la cita: "
        "podemos pedir una fecha nueva. Faltar a la cita puede perjudicar su caso.",
    },
    "en": {
        "past": [
            "Our records show that your biometrics appointment (fingerprints and photo) was on "
            "**{{ appointment.date }}**.",
            "If you went, please let us know, and keep any paper you were given there. If you "
            "could not go, call us right away: missing the appointment can harm your case, and "
            "we will see together what can be done now.",
        ],
        "today": "This is a reminder that your appointment is **today, {{ appointment.date }}**.",
        "ahead": "This is a reminder of your appointment on **{{ appointment.date }}**.",
        "what": "At this appointment your fingerprints and photo will be taken (it is called "
        "“biometrics”). The exact time and address are on the appointment notice you received. "
        "[Time and address, if the clinic prefers to write them here.]",
        "bring": "Please bring:",
        "items": [
            "the appointment notice;",
            "a photo identification, such as your passport or consular ID;",
            "[anything else the clinic asks for].",
        ],
        "cannot_today": "If you cannot go today, call us right away: missing the appointment can "
        "harm your case, and we will see together what can be done.",
        "cannot": "If you cannot go, call us right away, **before** the appointment date: we can "
        "ask for a new date. Missing the appointment can harm your case.",
    },
}


def appointment_reminder(lang: str) -> DocumentObject:
    words = APPOINTMENT_WORDS[lang]

    def body(doc: DocumentObject) -> None:
        tag(doc, APPOINTMENT_PAST)
        for text in words["past"]:
            para(doc, text)
        tag(doc, "else")
        tag(doc, APPOINTMENT_TODAY)
        para(doc, words["today"])
        tag(doc, "else")
        para(doc, words["ahead"])
        tag(doc, "endif")
        para(doc, words["what"])
        para(doc, words["bring"], after=2, keep_next=True)
        bullets(doc, words["items"])
        tag(doc, APPOINTMENT_TODAY)
        para(doc, words["cannot_today"], before=8)
        tag(doc, "else")
        para(doc, words["cannot"], before=8)
        tag(doc, "endif")
        tag(doc, "endif")

    return client_letter(lang, body)


# Days left under which a renewal reminder no longer speaks of preparing "well before" the end.
SOON_DAYS = 30
SOON = f"elif grant.days_left is number and grant.days_left <= {SOON_DAYS}"
# Dated on the grant's last day: "before that date" is gone; the letter says today.
ENDS_TODAY = "elif grant.days_left == 0"


def renewal_paused(doc: DocumentObject, lang: str) -> None:
    """While USCIS is not processing requests, a letter about renewing says so (the clinic says
    what it means for this worker); under an ended program the reminder is refused."""
    tag(doc, 'if program.status == "paused"')
    if lang == "es":
        para(
            doc,
            "Tenga en cuenta que USCIS no está tramitando solicitudes nuevas de este proceso"
            "{% if program.status_since %} desde el {{ program.status_since }}{% endif %}. [Qué "
            "significa esto para su renovación, y si la clínica igual preparará y enviará la "
            "solicitud.]",
        )
    else:
        para(
            doc,
            "Please know that USCIS has not been processing new requests under this process"
            "{% if program.status_since %} since {{ program.status_since }}{% endif %}. [What "
            "this means for the renewal, and whether the clinic will still prepare and send the "
            "request.]",
        )
    tag(doc, "endif")


def renewal_reminder(lang: str) -> DocumentObject:
    def body(doc: DocumentObject) -> None:
        if lang == "es":
            tag(doc, 'if grant.state == "ended"')
            para(doc, "Necesitamos hablar con usted sobre su caso lo antes posible.")
            para(
                doc,
                "El permiso que usted recibió terminó el **{{ grant.ended_on }}**. Por favor, "
                "llámenos pronto para hacer una cita y ver juntos qué se puede hacer ahora.",
            )
            tag(doc, ENDS_TODAY)
            para(doc, "Necesitamos hablar con usted sobre su caso lo antes posible.")
            para(
                doc,
                "El permiso que usted recibió termina hoy, **{{ grant.end }}**. Por favor, "
                "llámenos de inmediato para hacer una cita y ver juntos qué se puede hacer.",
            )
            tag(doc, SOON)
            para(doc, "Necesitamos hablar con usted sobre su caso lo antes posible.")
            para(
                doc,
                "El permiso que usted recibió termina muy pronto, el **{{ grant.end }}**. Por "
                "favor, llámenos de inmediato para hacer una cita y ver juntos qué se puede hacer "
                "antes de esa fecha.",
            )
            tag(doc, "else")
            para(doc, "Es momento de empezar a preparar su renovación con nosotros.")
            para(
                doc,
                "El permiso que usted recibió termina el **{{ grant.end }}**. Para pedir más "
                "tiempo, tenemos que preparar y enviar una solicitud nueva bastante antes de esa "
                "fecha. Por favor, llámenos pronto para hacer una cita. [Fecha límite para "
                "llamar, si la clínica la fija.]",
            )
            tag(doc, "endif")
            renewal_paused(doc, lang)
            para(doc, "Traiga a la cita:", after=2, keep_next=True)
            bullets(
                doc,
                [
                    "su tarjeta de permiso de trabajo;",
                    "su pasaporte u otra identificación con foto;",
                    "talones de pago recientes u otros papeles que muestren dónde trabaja;",
                    "las cartas de inmigración que haya recibido desde su última solicitud;",
                    "[otros documentos que pida la clínica].",
                ],
            )
            para(doc, "Si cambió su dirección o su número de teléfono, avísenos.", before=8)
        else:
            tag(doc, 'if grant.state == "ended"')
            para(doc, "We need to talk with you about your case as soon as we can.")
            para(
                doc,
                "The permission you received ended on **{{ grant.ended_on }}**. Please call us "
                "soon to make an appointment, so that we can see together what can be done now.",
            )
            tag(doc, ENDS_TODAY)
            para(doc, "We need to talk with you about your case as soon as we can.")
            para(
                doc,
                "The permission you received ends today, **{{ grant.end }}**. Please call us "
                "right away to make an appointment, so that we can see together what can be done.",
            )
            tag(doc, SOON)
            para(doc, "We need to talk with you about your case as soon as we can.")
            para(
                doc,
                "The permission you received ends very soon, on **{{ grant.end }}**. Please call "
                "us right away to make an appointment, so that we can see together what can be "
                "done before that date.",
            )
            tag(doc, "else")
            para(doc, "It is time to start preparing your renewal with us.")
            para(
                doc,
                "The permission you received ends on **{{ grant.end }}**. To ask for more time, "
                "we need to prepare and send a new request well before that date, so please call "
                "us soon to make an appointment. [Date by which to call, if the clinic sets one.]",
            )
            tag(doc, "endif")
            renewal_paused(doc, lang)
            para(doc, "Please bring to the appointment:", after=2, keep_next=True)
            bullets(
                doc,
                [
                    "your work permit card;",
                    "your passport or another photo identification;",
                    "recent pay stubs, or other papers that show where you work;",
                    "any letters from immigration you received since your last request;",
                    "[anything else the clinic asks for].",
                ],
            )
            para(doc, "If your address or phone number changed, please tell us.", before=8)

    return client_letter(lang, body)


def either(branches: list[tuple[str, str]], otherwise: str) -> str:
    """ "{% if a %}x{% elif b %}y{% else %}z{% endif %}" from [(a, x), (b, y)] and z."""
    text = "".join(
        "{% " + ("elif " if i else "if ") + condition + " %}" + words
        for i, (condition, words) in enumerate(branches)
    )
    return text + "{% else %}" + otherwise + "{% endif %}"


PERMIT_WORDS = {
    "es": {
        "date": "Le escribimos por una fecha importante: {date}{today}. Por favor, lea esta carta "
        "con calma.",
        "today": " (hoy)",
        "ended": "En esa fecha terminó su permiso de trabajo (tarjeta de autorización de empleo). "
        "Esta tarjeta **no se extiende automáticamente**: desde esa fecha, es posible que no "
        "pueda trabajar hasta que reciba una tarjeta nueva.",
        "ends_today": "Hoy termina su permiso de trabajo (tarjeta de autorización de empleo). "
        "Esta tarjeta **no se extiende automáticamente**: después de hoy, es posible que no "
        "pueda seguir trabajando hasta que reciba una tarjeta nueva.",
        "ends": "En esa fecha termina su permiso de trabajo (tarjeta de autorización de empleo). "
        "Esta tarjeta **no se extiende automáticamente**: después de esa fecha, es posible que "
        "no pueda seguir trabajando hasta que reciba una tarjeta nueva.",
        "call": "Llámenos lo antes posible para ver juntos qué se puede hacer{when}. [Lo que la "
        "clínica ya presentó, si algo, y el aviso de recibo que el cliente debe guardar.]",
        "now": " ahora",
        "before": " antes de esa fecha",
        "bring": "Traiga:",
        "items": "su tarjeta de permiso de trabajo;|las cartas de inmigración que haya recibido;|"
        "[otros documentos que pida la clínica].",
        "sign": "No firme papeles ni le pague a nadie que le ofrezca arreglar esto antes de "
        "hablar con nosotros.",
    },
    "en": {
        "date": "We are writing about an important date: {date}{today}. Please read this letter "
        "carefully.",
        "today": " (today)",
        "ended": "On that date your work permit (employment authorization card) ended. This card "
        "**is not extended automatically**: since that date, you may not be allowed to work "
        "until you receive a new card.",
        "ends_today": "Today your work permit (employment authorization card) ends. This card "
        "**is not extended automatically**: after today, you may not be able to keep working "
        "until you receive a new card.",
        "ends": "On that date your work permit (employment authorization card) ends. This card "
        "**is not extended automatically**: after that date, you may not be able to keep working "
        "until you receive a new card.",
        "call": "Please call us as soon as you can, so that we can see together what can be "
        "done{when}. [What the clinic has already filed, if anything, and the receipt notice the "
        "client should keep.]",
        "now": " now",
        "before": " before that date",
        "bring": "Please bring:",
        "items": "your work permit card;|any letters from immigration you received;|"
        "[anything else the clinic asks for].",
        "sign": "Do not sign papers or pay anyone who offers to fix this for you before you talk "
        "with us.",
    },
}


def work_permit_expiring(lang: str) -> DocumentObject:
    """Ended, ending on the letter's own date ("today": nothing is asked before it), or ahead."""
    words = PERMIT_WORDS[lang]
    ended = 'work_permit.state == "ended"'
    today = "work_permit.days_left == 0"

    def body(doc: DocumentObject) -> None:
        day = (
            "**{% if " + ended + " %}{{ work_permit.ended_on }}{% else %}{{ work_permit.end }}"
            "{% endif %}**"
        )
        para(
            doc,
            words["date"].format(
                date=day, today="{% if " + today + " %}" + words["today"] + "{% endif %}"
            ),
        )
        para(
            doc,
            either([(ended, words["ended"]), (today, words["ends_today"])], words["ends"]),
        )
        para(
            doc,
            words["call"].format(
                when=either([(f"{ended} or {today}", words["now"])], words["before"])
            ),
        )
        para(doc, words["bring"], after=2, keep_next=True)
        bullets(doc, words["items"].split("|"))
        para(doc, words["sign"], before=8)

    return client_letter(lang, body)


def policy_change(lang: str) -> DocumentObject:
    running = 'grant.state == "live" or grant.state == "ending"'

    def body(doc: DocumentObject) -> None:
        if lang == "es":
            para(doc, "Le escribimos para informarle de un cambio que puede afectarle.")
            para(
                doc,
                "**Qué cambió:** [Describa el cambio con palabras sencillas, con su fecha y "
                "dónde se anunció.]",
            )
            para(
                doc,
                "**Qué significa para usted:** [Explique qué significa para personas en la "
                "situación del cliente. Sea breve.]",
            )
            tag(doc, f"if {running}")
            para(
                doc,
                "Según nuestros registros, su permiso actual es válido hasta el {{ grant.end }}.",
            )
            tag(doc, 'elif grant.state == "ended"')
            para(doc, "Según nuestros registros, su permiso terminó el {{ grant.ended_on }}.")
            tag(doc, 'elif grant.state == "terminated"')
            para(
                doc,
                "Según nuestros registros, su permiso fue cancelado el {{ grant.terminated_on }}, "
                "antes de la fecha en que debía terminar.",
            )
            tag(doc, "endif")
            para(
                doc,
                "Nos comunicaremos con usted sobre su caso. [Si el cliente debe hacer algo, diga "
                "qué y para cuándo.]",
            )
            para(
                doc,
                "Por favor, mantenga la calma. No firme ningún papel ni le pague a nadie que le "
                "ofrezca ayuda con este cambio antes de hablar con nosotros. Si alguien se "
                "comunica con usted sobre su caso y no está seguro de quién es, llámenos.",
            )
        else:
            para(doc, "We are writing to tell you about a change that may affect you.")
            para(
                doc,
                "**What changed:** [Describe the change in plain words, with its date and where "
                "it was announced.]",
            )
            para(
                doc,
                "**What it means for you:** [Explain what it means for people in the client's "
                "situation. Keep it short.]",
            )
            tag(doc, f"if {running}")
            para(
                doc, "Our records show that your current permission is valid until {{ grant.end }}."
            )
            tag(doc, 'elif grant.state == "ended"')
            para(doc, "Our records show that your permission ended on {{ grant.ended_on }}.")
            tag(doc, 'elif grant.state == "terminated"')
            para(
                doc,
                "Our records show that your permission was cancelled on "
                "{{ grant.terminated_on }}, before the date it was due to end.",
            )
            tag(doc, "endif")
            para(
                doc,
                "We will contact you about your case. [If the client must do something, say what "
                "and by when.]",
            )
            para(
                doc,
                "Please stay calm. Do not sign any papers, and do not pay anyone who offers help "
                "with this change, before speaking with us. If someone contacts you about your "
                "case and you are not sure who they are, call us.",
            )

    return client_letter(lang, body)


def grant_terminated(lang: str) -> DocumentObject:
    def body(doc: DocumentObject) -> None:
        if lang == "es":
            para(
                doc,
                "Necesitamos hablar con usted sobre su caso lo antes posible. Por favor, "
                "llámenos esta semana para hacer una cita.",
            )
            para(
                doc,
                "Según nuestros registros, el permiso que usted recibió (la acción diferida) fue "
                "cancelado el **{{ grant.terminated_on }}**, antes de la fecha en que debía "
                "terminar. Esto también puede afectar su permiso de trabajo. [Lo que dice el "
                "aviso que se recibió y lo que significa para el cliente, con palabras "
                "sencillas.]",
            )
            para(
                doc,
                "Queremos revisar su caso con usted y ver todas las opciones que pueda tener.",
            )
            para(doc, "Traiga a la cita:", after=2, keep_next=True)
            bullets(
                doc,
                [
                    "todas las cartas de inmigración que haya recibido;",
                    "su tarjeta de permiso de trabajo;",
                    "su pasaporte u otra identificación con foto;",
                    "[otros documentos que pida la clínica].",
                ],
            )
            para(
                doc,
                "No firme papeles ni le pague a nadie que le ofrezca arreglar esto antes de "
                "hablar con nosotros. Si alguien se comunica con usted sobre su caso y no está "
                "seguro de quién es, llámenos.",
                before=8,
            )
        else:
            para(
                doc,
                "We need to talk with you about your case as soon as possible. Please call us "
                "this week to make an appointment.",
            )
            para(
                doc,
                "Our records show that the permission you received (deferred action) was "
                "cancelled on **{{ grant.terminated_on }}**, before the date it was due to end. "
                "This may also affect your work permit. [What the notice said and what it means "
                "for the client, in plain words.]",
            )
            para(doc, "We want to review your case with you and look at every option you may have.")
            para(doc, "Please bring to the appointment:", after=2, keep_next=True)
            bullets(
                doc,
                [
                    "every letter from immigration you received;",
                    "your work permit card;",
                    "your passport or another photo identification;",
                    "[anything else the clinic asks for].",
                ],
            )
            para(
                doc,
                "Do not sign papers or pay anyone who offers to fix this for you before you talk "
                "with us. If someone contacts you about your case and you are not sure who they "
                "are, call us.",
                before=8,
            )

    return client_letter(lang, body)


# -- the declaration in Spanish -----------------------------------------------------------------------


def declaration_es() -> DocumentObject:
    doc = new_document(
        font="Times New Roman", size=12, title="Declaración (original en español)", lang="es"
    )
    para(
        doc,
        "[Original en español, para que el declarante lo lea y lo firme. Se presenta junto con "
        "su traducción al inglés y el certificado del traductor (clinic-app render declaration "
        "--lang en). Borre esta nota.]",
        size=10,
    )
    para(doc, "**DECLARACIÓN DE {{ client.full_name|upper }}**", align="center", after=0)
    para(
        doc,
        "**EN APOYO DE LA SOLICITUD DE ACCIÓN DIFERIDA Y AUTORIZACIÓN DE EMPLEO**",
        align="center",
        after=0,
    )
    tag(doc, "if client.a_number")
    para(doc, "Número A: {{ client.a_number }}", align="center", after=0)
    tag(doc, "endif")
    para(doc, "", after=12)
    para(doc, "Yo, {{ client.full_name }}, declaro lo siguiente:")
    numbered = "List Number"
    para(
        doc,
        "Me llamo {{ client.full_name }}. Nací el {{ client.date_of_birth }} en "
        "{{ client.country_of_birth }}. El idioma que mejor hablo es el "
        "{{ client.preferred_language_name }}. [Otros idiomas que el declarante habla, lee o "
        "escribe, y lo demás que el abogado quiera decir aquí sobre quién es.]",
        style=numbered,
        align="justify",
    )
    para(
        doc,
        "Trabajé para {{ employer.name }} en su lugar de trabajo de {{ worksite.city }}, "
        "{{ worksite.state }}{% if worksite.name %} ({{ worksite.name }}){% endif %}, desde "
        "[mes y año en que empezó] hasta [mes y año en que terminó, o “la fecha de hoy”]. Mi "
        "trabajo era [puesto y tareas principales]. [Horario, salario y forma de pago; nombres "
        "de supervisores solo donde el abogado lo indique.]",
        style=numbered,
        align="justify",
    )
    para(
        doc,
        "[Describa lo que pasó en el trabajo, con las palabras del declarante: por ejemplo, "
        "horas extra o salarios no pagados, condiciones peligrosas o lesiones, acoso o "
        "discriminación. Dé las fechas, los lugares y las cantidades que el declarante conozca.]",
        style=numbered,
        align="justify",
    )
    para(
        doc,
        "Sé que {{ letter.agency_with_article }} {% if "
        + DISPUTE_DONE
        + " %}investigó{% else %}está "
        "investigando{% endif %} a {{ employer.name }}"
        "{% if dispute.case_number %} (número de caso {{ dispute.case_number }}){% endif %}"
        '{% if dispute.status == "settled" %}, y que el caso se resolvió con un acuerdo{% endif %}. '
        "[Describa la participación del declarante: presentó la queja o se unió a ella, habló "
        "con los investigadores, entregó documentos o es testigo, con fechas.]",
        style=numbered,
        align="justify",
    )
    para(
        doc,
        "[Describa las amenazas o represalias que el declarante vio o teme, incluidas amenazas "
        "de llamar a inmigración o a la policía, despidos, reducción de horas o listas negras: "
        "quién, cuándo y qué se dijo, con las palabras del declarante.]",
        style=numbered,
        align="justify",
    )
    para(
        doc,
        "Pido acción diferida y permiso de trabajo para poder seguir cooperando con "
        "{% if "
        + DISPUTE_DONE
        + " %}la agencia{% else %}la investigación{% endif %} sin miedo a que mi situación migratoria se use en mi contra o en contra "
        "de mi familia. [Agregue, con las palabras del declarante, por qué esta protección es "
        "importante para él o ella.]",
        style=numbered,
        align="justify",
        keep_next=True,
    )
    tag(doc, f"if {READ_ALOUD}")
    para(
        doc,
        "Un intérprete, ______________________________ [nombre completo], me leyó esta "
        "declaración en {{ client.preferred_language_name }}, y entiendo su contenido. [Borre "
        "este párrafo y el certificado del intérprete si el declarante leyó la declaración en "
        "español.]",
        align="left",
        before=6,
        keep_next=True,
    )
    tag(doc, "endif")
    para(
        doc,
        "Declaro bajo pena de perjurio que lo anterior es verdadero y correcto.",
        before=6,
        keep_next=True,
    )
    para(
        doc,
        "Firmado el ____________________ en ______________________ [ciudad, estado].",
        after=30,
        keep_next=True,
    )
    signature(doc, ["{{ client.full_name }}"])
    tag(doc, f"if {READ_ALOUD}")
    interpreter_certificate(doc, "Spanish")
    tag(doc, "endif")
    footer(doc, "Declaración de {{ client.full_name }} (original en español)", "es")
    return doc


TEMPLATES: dict[tuple[str, str], Callable[[], DocumentObject]] = {
    ("en", "declaration"): declaration_en,
    ("en", "cover-letter-initial"): cover_letter_initial_en,
    ("en", "cover-letter-renewal"): cover_letter_renewal_en,
    ("en", "soi-request"): soi_request_en,
    ("en", "client-appointment-reminder"): lambda: appointment_reminder("en"),
    ("en", "client-renewal-reminder"): lambda: renewal_reminder("en"),
    ("en", "client-work-permit-expiring"): lambda: work_permit_expiring("en"),
    ("en", "client-policy-change"): lambda: policy_change("en"),
    ("en", "client-grant-terminated"): lambda: grant_terminated("en"),
    ("es", "declaration"): declaration_es,
    ("es", "client-appointment-reminder"): lambda: appointment_reminder("es"),
    ("es", "client-renewal-reminder"): lambda: renewal_reminder("es"),
    ("es", "client-work-permit-expiring"): lambda: work_permit_expiring("es"),
    ("es", "client-policy-change"): lambda: policy_change("es"),
    ("es", "client-grant-terminated"): lambda: grant_terminated("es"),
}


def build(out: Path = OUT) -> list[Path]:
    written = []
    for (lang, template_id), make in TEMPLATES.items():
        path = out / lang / f"{template_id}.docx"
        path.parent.mkdir(parents=True, exist_ok=True)
        make().save(str(path))
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    for built in build(target):
        print(built.relative_to(target.parent) if target == OUT else built)
