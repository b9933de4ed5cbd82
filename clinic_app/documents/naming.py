"""File names for generated documents: readable, accents kept, nothing Windows refuses."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

# Characters Windows forbids in file names, control characters (C0 and C1), and invisible
# direction and width marks: a right-to-left override makes "gnp.exe" display as "exe.png".
_FORBIDDEN = re.compile(
    r'[<>:"/\\|?*\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]'
)
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{i}" for i in range(1, 10)}
    | {f"LPT{i}" for i in range(1, 10)}
)
MAX_STEM = 120  # leaves room for the folder within Windows' 260-character path limit


def safe_part(text: str) -> str:
    """One part of a file name: accents kept (NFC), forbidden characters dropped, spaces -> '-'."""
    cleaned = unicodedata.normalize("NFC", text)
    cleaned = _FORBIDDEN.sub("", cleaned)
    cleaned = re.sub(r"[\s_]+", "-", cleaned)  # '_' separates the parts of the name
    return cleaned.strip(" .-")


def safe_filename(*parts: str, suffix: str = ".docx") -> str:
    """Parts joined with '_', safe on Windows, macOS and Linux."""
    stem = "_".join(p for p in (safe_part(part) for part in parts) if p) or "document"
    if len(stem) > MAX_STEM:
        stem = stem[:MAX_STEM].rstrip(" .-_")
    if stem.split(".")[0].upper() in _RESERVED:
        stem = "_" + stem
    return stem + suffix


def clean_filename(name: str, *, suffix: str = ".docx") -> str:
    """A file name kept as it is, except for what Windows refuses."""
    stem = name[: -len(suffix)] if name.lower().endswith(suffix) else name
    stem = _FORBIDDEN.sub("", unicodedata.normalize("NFC", stem)).strip(" .")[:MAX_STEM]
    stem = stem or "document"
    if stem.split(".")[0].upper() in _RESERVED:
        stem = "_" + stem
    return stem + suffix


def document_filename(last_name: str, first_name: str, template: str, day: date) -> str:
    """`<last name>_<first name>_<template>_<date>.docx`; a one-word name appears once."""
    return safe_filename(last_name, first_name, template, day.isoformat())
