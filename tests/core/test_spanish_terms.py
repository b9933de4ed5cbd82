"""Spanish templates keep to the glossary of legal terms (resources/glossary-es.toml)."""

from __future__ import annotations

import re
import tomllib

import pytest

from clinic_app.documents import context
from clinic_app.documents.engine import PreparedTemplate, read_text
from clinic_app.resources import resource_path

SPANISH = sorted(resource_path("templates", "es").glob("*.docx"))
GLOSSARY = tomllib.loads(resource_path("glossary-es.toml").read_text(encoding="utf-8"))["terms"]


def _words(path: object) -> str:
    template = PreparedTemplate.from_path(path)  # type: ignore[arg-type]
    values = dict(context.example_values("es"))
    values["grant.terminated_on"] = "15 de septiembre de 2026"  # the terminated-grant letter
    filled = "\n".join(read_text(template.render(values)))
    return filled + "\n" + "\n".join(read_text(template.data))


def test_the_glossary_is_whole() -> None:
    assert len(GLOSSARY) >= 12
    for term, entry in GLOSSARY.items():
        assert entry["es"].strip(), term
        for variant in entry.get("avoid", []):
            assert variant.casefold() != entry["es"].casefold(), term


@pytest.mark.parametrize("path", SPANISH, ids=lambda p: p.stem)
def test_spanish_templates_use_the_glossary_terms(path: object) -> None:
    text = _words(path).casefold()
    for term, entry in GLOSSARY.items():
        for variant in entry.get("avoid", []):
            found = re.search(rf"\b{re.escape(variant.casefold())}\b", text)
            assert found is None, f"{term}: write '{entry['es']}', not '{variant}'"


def test_the_agency_reads_as_spanish() -> None:
    text = _words(resource_path("templates", "es", "declaration.docx"))
    assert (
        "Sé que la División de Horas y Salarios del Departamento de Trabajo de EE. UU. está "
        "investigando a Riverbend Meat Packers Inc." in text
    )
    assert "la agencia laboral División" not in text
    assert "se use en mi contra o en contra de mi familia" in text


def test_the_catalog_uses_the_glossary_terms() -> None:
    """Screens and letters say a term the same way: no catalog entry uses a variant to avoid."""
    from babel.messages.pofile import read_po

    with resource_path("locale", "es", "LC_MESSAGES", "clinic_app.po").open("rb") as handle:
        catalog = read_po(handle)
    texts = [
        " ".join(m.string) if isinstance(m.string, tuple) else m.string for m in catalog if m.id
    ]
    for term, entry in GLOSSARY.items():
        for variant in entry.get("avoid", []):
            pattern = re.compile(rf"\b{re.escape(variant.casefold())}\b")
            used = [text for text in texts if pattern.search(text.casefold())]
            assert not used, f"{term}: write '{entry['es']}', not '{variant}': {used[0]}"
    assert any("cita de biométricos" in text for text in texts)
