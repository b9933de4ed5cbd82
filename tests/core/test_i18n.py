"""The Spanish catalog: compiled file up to date, placeholders intact, and used by the core."""

from __future__ import annotations

import re
from io import BytesIO

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from clinic_app import i18n
from clinic_app.resources import resource_path

PLACEHOLDER = re.compile(r"\{[a-z_]+(?::[^}]*)?\}")
LOCALE = resource_path("locale")


def _po():  # type: ignore[no-untyped-def]
    with open(LOCALE / "es" / "LC_MESSAGES" / "clinic_app.po", "rb") as handle:
        return read_po(handle)


def test_every_translation_keeps_its_placeholders() -> None:
    catalog = _po()
    bad = [
        m.id
        for m in catalog
        if m.id
        and m.string
        and sorted(PLACEHOLDER.findall(str(m.id))) != sorted(PLACEHOLDER.findall(str(m.string)))
    ]
    assert bad == []


def _key(value: object) -> object:
    """Plural entries carry (singular, plural) ids and strings; lists are made hashable."""
    return tuple(value) if isinstance(value, (list, tuple)) else value


def test_compiled_catalog_matches_the_po_file() -> None:
    po = {_key(m.id): _key(m.string) for m in _po() if m.id and m.string and not m.fuzzy}
    with open(LOCALE / "es" / "LC_MESSAGES" / "clinic_app.mo", "rb") as handle:
        mo = {_key(m.id): _key(m.string) for m in read_mo(BytesIO(handle.read())) if m.id}
    assert mo == po, "run scripts/i18n.sh to recompile the catalog"


def test_set_language_switches_and_falls_back() -> None:
    try:
        i18n.set_language("es")
        assert i18n.current_language() == "es"
        assert i18n._("Clients") == "Clientes"
        i18n.set_language("xx")  # unknown: English
        assert i18n.current_language() == "en"
        assert i18n._("Clients") == "Clients"
    finally:
        i18n.set_language("en")
