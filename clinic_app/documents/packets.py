"""Packet checklists: the items each program's packet holds (resources/packets/*.toml) and readiness."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

from clinic_app.errors import UserError
from clinic_app.i18n import _
from clinic_app.resources import resource_path

MISSING = "missing"
RECEIVED = "received"
NEEDS_TRANSLATION = "needs_translation"
NOT_APPLICABLE = "not_applicable"
STATUSES = (MISSING, RECEIVED, NEEDS_TRANSLATION, NOT_APPLICABLE)
# Ways people type a status on the command line.
STATUS_ALIASES = {
    "n/a": NOT_APPLICABLE,
    "na": NOT_APPLICABLE,
    "not-applicable": NOT_APPLICABLE,
    "needs-translation": NEEDS_TRANSLATION,
    "translation": NEEDS_TRANSLATION,
    "done": RECEIVED,
    "yes": RECEIVED,
}
# Items whose document is (or will be) in the packet, so the cover letter lists them.
IN_PACKET = (RECEIVED, NEEDS_TRANSLATION)
_KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class PacketItem:
    key: str
    title: str
    required: bool
    enclose: bool
    kinds: tuple[str, ...]  # empty: every kind
    source: str
    titles: Mapping[str, str] = field(default_factory=dict)  # language -> title on screens

    def title_in(self, lang: str) -> str:
        """The item's title for a screen in `lang` (the filed packet keeps `title`, in English)."""
        return self.titles.get(lang, self.title)

    def applies_to(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


@dataclass(frozen=True)
class Packet:
    program: str
    title: str
    source: str
    last_checked: str
    items: tuple[PacketItem, ...]

    def items_for(self, kind: str) -> tuple[PacketItem, ...]:
        return tuple(item for item in self.items if item.applies_to(kind))

    def item(self, key: str) -> PacketItem | None:
        return next((item for item in self.items if item.key == key), None)


def normalize_status(value: str) -> str:
    text = value.strip().lower()
    text = STATUS_ALIASES.get(text, text.replace("-", "_").replace(" ", "_"))
    if text not in STATUSES:
        raise UserError(
            _("'{value}' is not a checklist status; use one of: {choices} (or n/a).").format(
                value=value, choices=", ".join(STATUSES)
            )
        )
    return text


@cache
def load_packet(program: str) -> Packet:
    """The packet list of a program; a clear error when the program has none."""
    if not _KEY.match(program):
        raise UserError(_("'{program}' is not a program name.").format(program=program))
    path = resource_path("packets", f"{program}.toml")
    if not path.is_file():
        raise UserError(
            _(
                "There is no packet checklist for the program '{program}'; add resources/packets/{program}.toml."
            ).format(program=program)
        )
    with path.open("rb") as handle:
        doc = tomllib.load(handle)
    items: list[PacketItem] = []
    for raw in doc.get("item", []):
        key = str(raw["key"])
        if not _KEY.match(key) or any(i.key == key for i in items):
            raise ValueError(f"{path.name}: bad or repeated item key {key!r}")
        items.append(
            PacketItem(
                key=key,
                title=str(raw["title"]),
                required=bool(raw.get("required", True)),
                enclose=bool(raw.get("enclose", True)),
                kinds=tuple(str(k) for k in raw.get("kinds", ())),
                source=str(raw.get("source", "")),
                titles={str(k): str(v) for k, v in raw.get("titles", {}).items()},
            )
        )
    return Packet(
        program=str(doc.get("program", program)),
        title=str(doc.get("title", program)),
        source=str(doc.get("source", "")),
        last_checked=str(doc.get("last_checked", "")),
        items=tuple(items),
    )


def statuses_for(
    packet: Packet, kind: str, stored: Mapping[str, str]
) -> list[tuple[PacketItem, str]]:
    """Each item that applies to a matter of this kind, with its status (missing if never set)."""
    return [(item, stored.get(item.key, MISSING)) for item in packet.items_for(kind)]


def outstanding(rows: list[tuple[PacketItem, str]]) -> list[PacketItem]:
    """Required items that keep a packet from being complete (missing, or awaiting a translation)."""
    return [
        item for item, status in rows if item.required and status in (MISSING, NEEDS_TRANSLATION)
    ]


def enclosures(
    rows: list[tuple[PacketItem, str]], titles: Mapping[str, str] | None = None
) -> tuple[str, ...]:
    """The cover letter's enclosure list: items received (a document still awaiting its
    translation is not in the envelope yet), in packet order, each named as specifically as
    the matter allows (`titles` by item key)."""
    named = titles or {}
    return tuple(
        named.get(item.key, item.title)
        for item, status in rows
        if item.enclose and status == RECEIVED
    )


def summary(rows: list[tuple[PacketItem, str]], *, signed_off: bool) -> str:
    """One line for indexes: "ready to file", "complete; awaiting sign-off", "3 missing, …"."""
    waiting = outstanding(rows)
    if not waiting:
        return "ready to file" if signed_off else "complete; awaiting attorney sign-off"
    missing = sum(1 for item, status in rows if item.required and status == MISSING)
    translating = sum(1 for item, status in rows if item.required and status == NEEDS_TRANSLATION)
    parts = []
    if missing:
        parts.append(f"{missing} missing")
    if translating:
        parts.append(f"{translating} awaiting translation")
    return ", ".join(parts)
