"""Names as the conflict check compares them: folded tokens, particles, variants, phonetic keys."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

import jellyfish

from clinic_app.domain.text import fold
from clinic_app.resources import resource_path

# Joining words of surnames and given names ("Pérez y García", "de la Cruz", "dos Santos",
# "bin Laden"): they carry no identity and are often dropped or added when a name is retyped.
PARTICLES = frozenset(
    [
        "de",
        "del",
        "la",
        "las",
        "los",
        "y",
        "e",
        "da",
        "das",
        "do",
        "dos",
        "di",
        "du",
        "van",
        "von",
        "der",
        "den",
        "le",
        "bin",
        "ibn",
        "al",
        "el",
    ]
)
# Words that only say a business is one; dropped before an employer's name is compared.
BUSINESS_WORDS = frozenset(
    [
        "llc",
        "l.l.c",
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "ltd",
        "limited",
        "lp",
        "llp",
        "pllc",
        "pc",
        "sa",
        "de",
        "cv",
        "srl",
        "group",
        "enterprises",
        "services",
        "the",
        "and",
    ]
)
_SPLIT = re.compile(r"[^\w]+|_", re.UNICODE)
_APOSTROPHES = str.maketrans({"'": "", "’": "", "`": ""})


@dataclass(frozen=True)
class VariantTable:
    """Given-name variant groups shipped as data (resources/names/variants.toml)."""

    group_of: dict[str, int]  # folded name -> group number
    display: dict[int, str]  # group number -> the group's first spelling, for reasons
    sources: dict[int, str]

    def same_group(self, a: str, b: str) -> bool:
        ga = self.group_of.get(a)
        return ga is not None and ga == self.group_of.get(b)


@cache
def variants() -> VariantTable:
    data = tomllib.loads(resource_path("names", "variants.toml").read_text(encoding="utf-8"))
    group_of: dict[str, int] = {}
    display: dict[int, str] = {}
    sources: dict[int, str] = {}
    for number, group in enumerate(data.get("group", [])):
        names = [str(n) for n in group["names"]]
        display[number] = names[0]
        sources[number] = str(group.get("source", ""))
        for name in names:
            for token in tokens(name):
                group_of.setdefault(token, number)
    return VariantTable(group_of, display, sources)


def tokens(text: str) -> list[str]:
    """Folded name parts: "Pérez-García" -> ["perez", "garcia"]; "M.J." -> ["m", "j"]."""
    folded = fold(text.translate(_APOSTROPHES))
    return [t for t in _SPLIT.split(folded) if t and not t.isdigit()]


@lru_cache(maxsize=65536)
def name_tokens(text: str) -> tuple[str, ...]:
    """Tokens without joining particles (unless the name is nothing but particles)."""
    found = tokens(text)
    kept = [t for t in found if t not in PARTICLES]
    return tuple(kept or found)


def business_tokens(text: str) -> tuple[str, ...]:
    """An employer's name without 'LLC', 'Inc.' and the like."""
    found = name_tokens(text)
    kept = tuple(t for t in found if t not in BUSINESS_WORDS)
    return kept or found


@lru_cache(maxsize=65536)
def phonetic(token: str) -> str:
    """A Metaphone key (from jellyfish) of one folded name part; initials have none."""
    if len(token) < 2:
        return ""
    return str(jellyfish.metaphone(token))


def gender_pair(a: str, b: str) -> bool:
    """Mario/María, Juan/Juana, Francisco/Francisca: different names, not spellings of one."""
    if a == b or min(len(a), len(b)) < 3:
        return False
    if len(a) == len(b) and a[:-1] == b[:-1] and {a[-1], b[-1]} == {"a", "o"}:
        return True
    short, long_ = sorted((a, b), key=len)
    return long_ == short + "a"


def index_keys(name_parts: Iterable[str]) -> set[str]:
    """Database keys of some name parts: phonetic code, first four letters, variant group."""
    keys: set[str] = set()
    for token in name_parts:
        keys.update(_token_keys(token))
    return keys


# Names repeat: an index rebuild at 100,000 clients asks for a few thousand tokens many times.
@lru_cache(maxsize=65536)
def _token_keys(token: str) -> tuple[str, ...]:
    if len(token) < 2:
        return ()
    keys = ["f:" + token[:4]]
    code = phonetic(token)
    if code:
        keys.append("n:" + code)
    group = variants().group_of.get(token)
    if group is not None:
        keys.append(f"v:{group}")
    return tuple(keys)
