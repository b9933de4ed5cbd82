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


def test_every_catalog_is_complete_with_nothing_fuzzy() -> None:
    """Each shipped language translates every string of the template (a Spanish screen is
    entirely Spanish): 0 untranslated, 0 fuzzy, and no string missing from the catalog."""
    from babel.messages.pofile import read_po

    from clinic_app.resources import resource_path

    locale = resource_path("locale")
    with (locale / "clinic_app.pot").open("rb") as handle:
        template = {m.id for m in read_po(handle) if m.id}
    catalogs = sorted(locale.glob("*/LC_MESSAGES/clinic_app.po"))
    assert catalogs
    for path in catalogs:
        with path.open("rb") as handle:
            catalog = read_po(handle)
        untranslated = [
            m.id
            for m in catalog
            if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))
        ]
        fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
        missing = template - {m.id for m in catalog if m.id}
        assert (untranslated, fuzzy, sorted(map(str, missing))) == ([], [], []), path


def test_rule_timing_reads_as_spanish_is_written() -> None:
    from clinic_app.domain.vocab import rule_when
    from clinic_app.i18n import set_language

    set_language("es")
    try:
        assert (
            rule_when(120, "before", "work_permit_end")
            == "120 días antes del fin del permiso de trabajo"
        )
        assert (
            rule_when(1, "after", "rfe_notice", (), ("TX",))
            == "1 día después del aviso de RFE (excepto TX)"
        )
    finally:
        set_language("en")
    assert rule_when(0, "after", "grant_end") == "on the end of deferred action"


def test_numbers_are_written_as_the_language_writes_them() -> None:
    # English is exactly Python's own format, so English output never changed.
    for value, spec in ((1234567, ","), (1234567, ""), (1234.56, ".1f"), (7, "")):
        assert i18n.format_number(value, spec) == format(value, spec)
    i18n.set_language("es")
    try:
        assert i18n.format_number(1234567, ",") == "1.234.567"
        assert i18n.format_number(1234567) == "1.234.567"
        assert i18n.format_number(1234.56, ".1f") == "1.234,6"
        assert i18n.format_number(0.25, ".1f") == "0,2"  # half to even, as Babel rounds
        assert i18n.format_number(7) == "7"
    finally:
        i18n.set_language("en")
