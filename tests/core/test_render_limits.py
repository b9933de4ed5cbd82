"""A clinic's template cannot take the machine: bounded widths, and a worker with limits."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from clinic_app.documents import batch
from clinic_app.documents.engine import PreparedTemplate, RenderError, read_text
from clinic_app.errors import UserError
from clinic_app.resources import resource_path
from clinic_app.services import documents
from tests.core.test_documents import TODAY, Worksite, worksite  # noqa: F401 (a fixture)
from tests.core.test_templates import docx_bytes, values

# A million characters is harmless for the old code to build, and 2,000 times the bound.
WIDE = [
    '{{ "%01000000d" % 1 }}',
    '{{ "%.1000000f" % 1 }}',
    '{{ "%*d" % (1000000, 1) }}',
    '{{ "%01000000d"|format(1) }}',
    "{{ client.first_name|center(1000000) }}",
    "{{ client.first_name|indent(1000000) }}",
    "{{ client.first_name.ljust(1000000) }}",
    "{{ client.first_name.rjust(1000000) }}",
    "{{ client.first_name.center(1000000) }}",
    "{{ client.first_name.zfill(1000000) }}",
    '{{ "{:>1000000}".format(client.first_name) }}',
    "{{ lipsum(100000) }}",
]


@pytest.mark.parametrize("tag", WIDE)
def test_format_and_padding_widths_past_the_bound_are_refused(tag: str) -> None:
    template = PreparedTemplate(docx_bytes("Hello", tag), name="wide.docx")
    template.check()  # nothing to see before filling: the width is a value
    with pytest.raises(RenderError, match="not allowed in a template"):
        template.render(values())


def test_ordinary_widths_still_work() -> None:
    tag = (
        '{{ "%05d" % 42 }}|{{ "ab"|center(6) }}|{{ "x".rjust(3) }}|{{ "{:>4}".format("y") }}'
        '|{{ "%-3s"|format("z") }}|'
    )
    out = PreparedTemplate(docx_bytes(tag), name="ok.docx").render(values())
    assert read_text(out)[0] == "00042|  ab  |  x|   y|z  |"


def clinic_template(tmp_path: Path, text: str) -> Path:
    document = Document()
    document.add_paragraph("Dear {{ client.first_name }},")
    document.add_paragraph(text)
    path = tmp_path / "letter.docx"
    document.save(str(path))
    return path


LOOPS = "{% for i in range(6000) %}{% for j in range(6000) %}{% if j == -1 %}x{% endif %}{% endfor %}{% endfor %}"
# Doubles a string 25 times: 256 MB, far past the limit set below.
DOUBLING = (
    '{% set ns = namespace(s="xxxxxxxx") %}{% for i in range(25) %}'
    "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}"
)


@pytest.mark.parametrize(
    ("text", "what", "seconds"), [(LOOPS, "time", 0.3), (DOUBLING, "memory", 20.0)]
)
def test_a_clinic_template_past_the_limits_is_refused_and_nothing_is_written(
    worksite: Worksite,  # noqa: F811 (the fixture imported above)
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    text: str,
    what: str,
    seconds: float,
) -> None:
    """The loops would run 36 million times and the doubling build 256 MB in the app itself;
    in the worker, under limits lowered for the test, they stop with a sentence."""
    monkeypatch.setattr(batch, "SECONDS_PER_DOCUMENT", seconds)
    monkeypatch.setattr(batch, "MEMORY_BYTES", 400 * 2**20)
    template = clinic_template(tmp_path, text)
    out = tmp_path / "out"
    with pytest.raises(UserError) as caught:
        documents.render_documents(
            worksite.vault, template=str(template), matter_id=worksite.matters["Efraín"],
            out_dir=out, today=TODAY,
        )  # fmt: skip
    message = str(caught.value)
    assert f"needed more {what} than one document may use" in message
    assert (
        f"{seconds:g} s of processor time, 400 MB" in message and "nothing was written" in message
    )
    assert not out.exists() or not any(out.iterdir())


def test_clinic_templates_fill_in_a_worker_and_the_apps_own_in_process() -> None:
    shipped = PreparedTemplate.from_path(resource_path("templates") / "en" / "declaration.docx")
    assert shipped.trusted
    assert not PreparedTemplate(docx_bytes("Hi {{ client.first_name }}"), name="x.docx").trusted
    result = batch.render_one(
        PreparedTemplate(docx_bytes("Hi {{ client.first_name }}"), name="x.docx"), values()
    )
    assert result.ok and result.data is not None
    assert read_text(result.data)[0].startswith("Hi ")
