"""Every shipped rule pack says everything in Spanish too: no rule falls back to English."""

from __future__ import annotations

from clinic_app.deadlines.packs import load_packs
from clinic_app.deadlines.rules import RulePack

LANGS = ("es",)
RULE_TEXTS = ("message", "why", "why_mailed", "why_stated", "not_here")
PACK_TEXTS = ("title", "description", "caution")


def _missing(pack: RulePack, lang: str) -> list[str]:
    out = []
    for name in PACK_TEXTS:
        if getattr(pack, name) and name not in pack.translations.get(lang, {}):
            out.append(f"{pack.program} [program] {name}")
    for rule in pack.rules:
        for name in RULE_TEXTS:
            if getattr(rule, name) and name not in rule.translations.get(lang, {}):
                out.append(f"{pack.program} rule {rule.id}: {name}")
    for entry in pack.policy:
        if "summary" not in entry.translations.get(lang, {}):
            out.append(f"{pack.program} policy of {entry.on}: summary")
    return out


def test_every_shipped_rule_and_policy_has_its_spanish_text() -> None:
    packs, _ = load_packs()
    assert packs
    missing = [m for pack in packs.values() for lang in LANGS for m in _missing(pack, lang)]
    assert missing == []


def test_spanish_texts_keep_the_placeholders_of_the_english_ones() -> None:
    import re

    field = re.compile(r"\{(\w+)\}")
    packs, _ = load_packs()
    for pack in packs.values():
        for rule in pack.rules:
            for name, text in rule.translations.get("es", {}).items():
                english = set(field.findall(getattr(rule, name)))
                assert set(field.findall(text)) <= english, (rule.id, name)


def test_every_packet_checklist_item_has_its_spanish_title() -> None:
    from clinic_app.documents.packets import load_packet
    from clinic_app.resources import resource_path

    programs = [p.stem for p in resource_path("packets").glob("*.toml")]
    assert programs
    missing = [
        f"{program}: {item.key}"
        for program in programs
        for item in load_packet(program).items
        for lang in LANGS
        if not item.titles.get(lang)
    ]
    assert missing == []
