"""A malicious template cannot reach Python's insides or exhaust memory; it is refused clearly."""

from __future__ import annotations

import pytest
from jinja2.exceptions import SecurityError

from clinic_app.documents.engine import PreparedTemplate, RenderError, TemplateProblem, read_text
from tests.core.test_templates import docx_bytes, values

ATTACKS = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ client.full_name.__class__ }}",
    "{{ client.full_name.format.__globals__ }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ lipsum.__globals__['os'] }}",
    "{{ client['__class__'] }}",
    "{% for c in ().__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{{ client.full_name|attr('__class__') }}",
]


@pytest.mark.parametrize("tag", ATTACKS)
def test_tags_reaching_into_the_program_are_refused_before_rendering(tag: str) -> None:
    template = PreparedTemplate(docx_bytes("Declaration of", tag), name="evil.docx")
    with pytest.raises(TemplateProblem, match="reaches into the program") as caught:
        template.check()
    assert "evil.docx" in str(caught.value)
    assert "nothing was written" in str(caught.value)


@pytest.mark.parametrize("tag", ATTACKS)
def test_the_sandbox_stops_them_even_without_the_check(tag: str) -> None:
    """Defence in depth: skip the pre-flight walk and the sandbox still refuses at render."""
    template = PreparedTemplate(docx_bytes(tag), name="evil.docx")
    env = template._env
    with pytest.raises(SecurityError, match="unsafe") as caught:
        env.from_string(tag).render(
            {
                "client": {"full_name": "Ana"},
                "cycler": env.globals["cycler"],
                "lipsum": env.globals["lipsum"],
            }
        )
    assert "Ana" not in str(caught.value)


@pytest.mark.parametrize("tag", ["{{ 'a' * 100000000 }}", "{{ [1] * 10**9 }}", "{{ 9 ** 999999 }}"])
def test_tags_that_would_exhaust_memory_are_refused(tag: str) -> None:
    template = PreparedTemplate(docx_bytes("Hello", tag), name="big.docx")
    with pytest.raises(RenderError, match="not allowed in a template"):
        template.render(values())


def test_ordinary_arithmetic_and_repetition_still_work() -> None:
    template = PreparedTemplate(
        docx_bytes("{{ '-' * 20 }} {{ 2 ** 10 }} {{ client.full_name }}"), name="ok.docx"
    )
    text = read_text(template.render(values()))
    assert any(line.startswith("-" * 20 + " 1024 ") for line in text), text
