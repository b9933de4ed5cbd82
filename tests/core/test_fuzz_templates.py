"""Broken and hostile templates: random Jinja fragments in a .docx are either refused by the
check in one clear sentence, or filled completely; never a crash, never a half-written document.

test_templates.py holds the hand-picked broken tags; here hypothesis assembles paragraphs from
tag pieces, real and unknown fields, sandbox escapes and stray braces. With --long the same
tests run ten times as many examples.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from hypothesis import event, given
from hypothesis import strategies as st

from clinic_app.documents import context
from clinic_app.documents.engine import PreparedTemplate, RenderError, TemplateProblem, read_text
from clinic_app.errors import UserError
from clinic_app.services import clients, documents, matters
from clinic_app.services.vault_ops import Vault
from tests.core.helpers import fuzz

CI_EXAMPLES = 60
LONG_EXAMPLES = 600
PIECES = [
    # whole tags, good and bad
    "{{ client.full_name }}",
    "{{ client.first_name|upper }}",
    "{{ client.a_number or '' }}",
    "{{ client.date_of_birth }}",
    "{{ employer.name }}",
    "{{ clinic.name }}",
    "{{ client.nickname }}",
    "{{ Client.full_name }}",
    "{{ client.full_name|nosuchfilter }}",
    "{{ client.__class__ }}",
    "{{ client['__class__'] }}",
    "{{ client.full_name|attr('__class__') }}",
    "{{ client.full_name * 99999 }}",
    "{{ 2 ** 1000 }}",
    "{{ lipsum() }}",
    "{{ cycler }}",
    "{{ self }}",
    "{{ range(3)|list }}",
    "{% include 'other.docx' %}",
    "{% import 'os' as os %}",
    "{% set x = client.full_name %}{{ x }}",
    "{{ '{{' }}",
    "{# a comment #}",
    "{% raw %}{{ not a tag }}{% endraw %}",
    "{% if client.a_number %}",
    "{% else %}",
    "{% endif %}",
    "{%p if client.a_number %}",
    "{%p endif %}",
    "{%p for e in enclosures %}",
    "{{ e.title }}",
    "{%p endfor %}",
    "{%p for w in workers %}",
    "{{ w.full_name }}",
    "{% for w in workers %}{{ w.full_name }}{% endfor %}",
    "{{ loop.index }}",
    "{{ none.x }}",
    # fragments
    "{{",
    "}}",
    "{%",
    "%}",
    "{#",
    "#}",
    "{%p",
    "{",
    "}",
    "|",
    "(",
    ")",
    "'",
    '"',
    " client.full_name ",
    " if ",
    " endfor ",
    "Dear ",
    "José Ángel",
    "\u00a0",
    "“",
]
PARAGRAPH = st.lists(
    st.one_of(st.sampled_from(PIECES), st.text(alphabet="ab {}%#|.'\"()_", max_size=6)),
    min_size=1,
    max_size=8,
).map("".join)
PARAGRAPHS = st.lists(PARAGRAPH, min_size=1, max_size=5)


def docx_bytes(paragraphs: list[str]) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _assert_one_sentence(message: str) -> None:
    assert message.strip() and "\n" not in message, message
    assert "Traceback" not in message and "jinja2" not in message.lower(), message


def _assert_whole_docx(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        assert "word/document.xml" in archive.namelist()
    read_text(data)  # Word's XML parses


# -- the engine: check, then fill ----------------------------------------------------------------


def _engine_case(paragraphs: list[str]) -> None:
    template = PreparedTemplate(docx_bytes(paragraphs), name="fuzz.docx")
    try:
        template.check()
    except TemplateProblem as exc:
        event("refused by the check")
        _assert_one_sentence(exc.message)
        assert exc.message.startswith("fuzz.docx ")
        return
    try:
        filled = template.render(context.example_values("en"))
    except RenderError as exc:
        event("checked, but cannot be filled")
        _assert_one_sentence(exc.failure.message)
        return
    event("filled")
    _assert_whole_docx(filled)


@fuzz(CI_EXAMPLES, LONG_EXAMPLES)
@given(paragraphs=PARAGRAPHS)
def test_random_tags_are_refused_clearly_or_filled_whole(paragraphs: list[str]) -> None:
    _engine_case(paragraphs)


def test_sandbox_escapes_and_file_loads_are_refused_by_the_check() -> None:
    """The pieces above that reach for Python's insides, or load another file, never pass the
    check (an include used to pass it and then crash the render)."""
    refused = 0
    for piece in PIECES:
        if "__" in piece or "attr(" in piece:
            with pytest.raises(TemplateProblem, match="reaches into the program"):
                PreparedTemplate(docx_bytes([piece]), name="t.docx").check()
            refused += 1
        elif "include" in piece or "import" in piece:
            with pytest.raises(TemplateProblem, match="loads another file") as caught:
                PreparedTemplate(docx_bytes(["Dear client,", piece]), name="t.docx").check()
            _assert_one_sentence(caught.value.message)
            assert "body" in caught.value.message
            refused += 1
    assert refused == 5


# -- the render service: nothing half-written ------------------------------------------------------


@pytest.fixture
def one_matter(vault: Vault) -> tuple[Vault, int]:
    documents.set_clinic_details(
        vault,
        values={
            "name": "Worker Rights Legal Clinic",
            "address": "100 Main St\nSpringfield, IL 62701",
            "phone": "555-0100",
            "signer_name": "Staff Attorney",
            "signer_title": "Attorney at Law",
        },
    )
    client = clients.add_client(
        vault, first_name="José Ángel", last_name="Pérez", a_number="A012345678"
    ).record
    matter = matters.add_matter(vault, client_id=client.id, kind="initial").record
    return vault, matter.id


def _service_case(vault: Vault, matter_id: int, work: Path, paragraphs: list[str]) -> None:
    template = work / "fuzz.docx"
    template.write_bytes(docx_bytes(paragraphs))
    out = work / "out"
    try:
        report = documents.render_documents(
            vault, template=str(template), matter_id=matter_id, out_dir=out, today=date(2025, 1, 1)
        )
    except UserError as exc:
        event("refused before writing")
        _assert_one_sentence(exc.message)
        assert not out.exists() or list(out.iterdir()) == [], "a refused render wrote a file"
        return
    made = list(out.iterdir())
    if report.failed:
        event("not made")
        [failed] = report.failed
        assert failed.problem and "\n" not in failed.problem
        assert made == [], "a document that could not be filled was written anyway"
    else:
        event("written")
        [written] = report.written
        assert made == [written.path]
        assert written.path is not None
        _assert_whole_docx(written.path.read_bytes())


@fuzz(CI_EXAMPLES // 3)
@given(paragraphs=PARAGRAPHS)
def test_render_with_a_random_template_writes_a_whole_document_or_nothing(
    one_matter: tuple[Vault, int], tmp_path: Path, paragraphs: list[str]
) -> None:
    vault, matter_id = one_matter
    work = tmp_path / "work"
    if work.exists():
        for item in sorted(work.rglob("*"), reverse=True):
            item.rmdir() if item.is_dir() else item.unlink()
    work.mkdir(exist_ok=True)
    _service_case(vault, matter_id, work, paragraphs)
