"""Accent- and case-insensitive text folding, so "Jose Perez" finds "José Pérez"."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Letters that Unicode does not decompose into a base letter plus an accent.
_EXTRA = str.maketrans(
    {
        "đ": "d",
        "Đ": "d",
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ı": "i",
    }
)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


# Names repeat (a bulk import or an index rebuild folds the same few thousand many times over).
@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lower-case `text` and strip its accents."""
    if text.isascii():  # no accents, no special letters: lower() is casefold() on ASCII
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


def words(text: str) -> list[str]:
    """The folded words of `text` (letters and digits only)."""
    return _WORD.findall(fold(text))


def full_name(first: str, last: str) -> str:
    """The name as the person writes it; one-word names have no last name."""
    return " ".join(part for part in (first.strip(), last.strip()) if part)
