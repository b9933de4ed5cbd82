"""Validators for identifiers, dates and names; each error is one sentence naming the field."""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache

from clinic_app.domain.text import fold
from clinic_app.errors import ValidationError
from clinic_app.i18n import LANGUAGES, _, date_order, date_pattern

_A_NUMBER = re.compile(r"^A?([0-9]{7,9})$")
_RECEIPT = re.compile(r"^([A-Z]{3})([0-9]{10})$")
# Numeric dates in the language's own order (month first in US English, day first in Spanish).
_US_DATE = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")
_ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# Common ways clinics write a language in a spreadsheet, mapped to ISO 639 codes.
LANGUAGE_NAMES = {
    "english": "en",
    "ingles": "en",
    "inglés": "en",
    "spanish": "es",
    "espanol": "es",
    "español": "es",
    "portuguese": "pt",
    "portugues": "pt",
    "português": "pt",
    "french": "fr",
    "haitian creole": "ht",
    "kreyol": "ht",
    "kreyòl": "ht",
    "creole": "ht",
    "arabic": "ar",
    "chinese": "zh",
    "mandarin": "zh",
    "cantonese": "yue",
    "hindi": "hi",
    "hmong": "hmn",
    "korean": "ko",
    "mixtec": "mix",
    "tagalog": "tl",
    "filipino": "tl",
    "vietnamese": "vi",
    "mam": "mam",
    "k'iche'": "quc",
    "kiche": "quc",
    "quiche": "quc",
    "q'anjob'al": "kjb",
    "russian": "ru",
    "ukrainian": "uk",
    "nepali": "ne",
    "bengali": "bn",
    "punjabi": "pa",
}
_LANG_CODE = re.compile(r"^[a-z]{2,3}([-_][A-Za-z]{2,4})?$")


def _shown(text: str) -> str:
    """A typed value quoted in an error: line breaks and other control characters are written
    as escapes, so the error stays one line."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


# C0 and C1 control characters (a vertical tab is what Word puts in text copied from a manual
# line break) break Word documents and reports; bidi overrides and isolates can disguise text,
# e.g. a name that shows as "…gnp.exe" in a file name.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROL_BUT_NEWLINE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _control_name(ch: str) -> str:
    if ch in _BIDI:
        return f"a hidden text-direction control (U+{ord(ch):04X}) that can disguise text"
    if ch == "\n":
        return "a line break"
    if ch == "\x0b":
        return "a vertical tab (U+000B, from a line break copied out of Word)"
    return f"an invisible control character (U+{ord(ch):04X})"


def without_controls(text: str) -> str:
    """`text` with the characters plain_text refuses taken out (so one bad character is
    reported once, not again as a missing or malformed value)."""
    return _CONTROL.sub("", text)


def has_controls(text: str) -> bool:
    """Whether `text` has a character plain_text refuses, or a line break (a quick look at many
    values at once before each is checked on its own)."""
    return _CONTROL.search(text) is not None


def plain_text(value: object, field: str, *, multiline: bool = False) -> str:
    """Stripped text with no control characters or bidi overrides (notes and addresses may
    have line breaks); anything else is refused naming the field and the character."""
    text = str(value or "").replace("\r\n", "\n").strip()
    found = (_CONTROL_BUT_NEWLINE if multiline else _CONTROL).search(text)
    if found:
        raise ValidationError(
            field,
            _(
                "contains {control_name} at character {position}; delete it and type the text again."
            ).format(control_name=_control_name(found.group(0)), position=found.start() + 1),
        )
    return text


def normalize_a_number(value: str | None, field: str = "A-number") -> str | None:
    """'A-12-345-678', 'a 012345678', '12345678' -> 'A012345678'; blank -> None."""
    if value is None:
        return None
    cleaned = re.sub(r"[\s\-.]", "", str(value)).upper()
    if not cleaned:
        return None
    match = _A_NUMBER.match(cleaned)
    if not match:
        raise ValidationError(
            field, _("must be 7 to 9 digits, optionally after an 'A' (for example A012345678).")
        )
    return "A" + match.group(1).zfill(9)


def looks_like_a_number(text: str) -> str | None:
    """The normalized A-number if a search text is one, else None."""
    try:
        return normalize_a_number(text)
    except ValidationError:
        return None


def normalize_receipt_number(value: str | None, field: str = "receipt number") -> str | None:
    """'ioe-0123456789' -> 'IOE0123456789'; blank -> None."""
    if value is None:
        return None
    cleaned = re.sub(r"[\s\-]", "", str(value)).upper()
    if not cleaned:
        return None
    if not _RECEIPT.match(cleaned):
        raise ValidationError(
            field, _("must be 3 letters and 10 digits (for example IOE0123456789).")
        )
    return cleaned


def looks_like_receipt(text: str) -> str | None:
    """The normalized receipt number if a search text is one (spaces and dashes ignored)."""
    try:
        return normalize_receipt_number(text)
    except ValidationError:
        return None


def date_formats(lang: str = "en") -> str:
    """The forms a date may be typed in, in the person's letters: 'YYYY-MM-DD or MM/DD/YYYY'."""
    return _("{iso} or {local}").format(iso=_("YYYY-MM-DD"), local=date_pattern(lang))


def parse_date(value: str | date | None, field: str = "date", lang: str = "en") -> date | None:
    """Accept ISO (2027-03-01) or the language's numeric order (03/01/2027 in US English,
    01/03/2027 in Spanish); blank -> None; impossible dates fail. The command line keeps 'en'."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    iso = _ISO_DATE.match(text)
    local = _US_DATE.match(text)
    try:
        if iso:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        if local:
            parts = dict(
                zip(date_order(lang), (int(local.group(i)) for i in (1, 2, 3)), strict=True)
            )
            return date(parts["y"], parts["m"], parts["d"])
    except ValueError as exc:
        if not local:
            raise ValidationError(
                field, _("'{text}' is not a real calendar date.").format(text=_shown(text))
            ) from exc
        # 13/01/2024 is most often the other order: say which way round the app reads it.
        first = _("month first") if date_order(lang).startswith("m") else _("day first")
        raise ValidationError(
            field,
            _("'{text}' is not a real calendar date; use {formats} ({first}).").format(
                text=_shown(text), formats=date_formats(lang), first=first
            ),
        ) from exc
    raise ValidationError(
        field,
        _("'{text}' is not a date; use {formats}.").format(
            text=_shown(text), formats=date_formats(lang)
        ),
    )


def check_order(start: date | None, end: date | None, start_field: str, end_field: str) -> None:
    """An end before its start is an error, never a warning."""
    if start and end and end < start:
        raise ValidationError(
            end_field,
            _("{end} is before {start} ({start_field}).").format(
                end=end.isoformat(), start_field=_(start_field), start=start.isoformat()
            ),
        )


def require_text(value: str | None, field: str, *, multiline: bool = False) -> str:
    text = plain_text(value, field, multiline=multiline)
    if not text:
        raise ValidationError(field, _("is required."))
    return text


def normalize_email(value: str | None) -> str:
    text = (value or "").strip()
    if text and not _EMAIL.match(text):
        raise ValidationError(
            "email",
            _("'{text}' is not an email address.").format(text=_shown(text)),
            label=_("email"),
        )
    return text


def normalize_languages(value: str | None) -> str:
    """'Spanish, mam' -> 'es,mam'. Unknown names fail so a typo is not stored as a language."""
    codes: list[str] = []
    for part in re.split(r"[,;/]", value or ""):
        item = part.strip()
        if not item:
            continue
        code = LANGUAGE_NAMES.get(item.casefold())
        if code is None:
            typed = item.lower().replace("_", "-")
            named = _language_names().get(fold(item))
            # A code as typed ("ga": Irish), unless it is only a name ("Ewe": ee).
            if _LANG_CODE.match(typed) and (named is None or typed in _language_codes()):
                code = typed
            elif named is not None:
                code = named
            else:
                raise ValidationError(
                    "preferred language",
                    _(
                        "'{item}' is not a language code (such as es) or a known language name."
                    ).format(item=_shown(item)),
                    label=_("preferred language"),
                )
        if code not in codes:
            codes.append(code)
    return ",".join(codes)


@cache
def _language_names() -> dict[str, str]:
    """Every language's name in each language the app speaks ('árabe', 'Tagalog', "k'iche'"),
    folded, as its code: the client form shows a client's languages by name, and a person
    types them so. Plain codes only (no 'zh_Hant'); a name already taken keeps its code."""
    from babel import Locale  # its tables load on first use, not at start-up

    names: dict[str, str] = {}
    for lang in LANGUAGES:
        for code, name in Locale.parse(lang).languages.items():
            if "_" not in code:
                names.setdefault(fold(name), code)
    return names


@cache
def _language_codes() -> frozenset[str]:
    return frozenset(_language_names().values())


def choice(
    value: str | None, allowed: tuple[str, ...], field: str, default: str | None = None
) -> str:
    text = (value or "").strip().lower().replace(" ", "_").replace("-", "_")
    if not text and default is not None:
        return default
    if text not in allowed:
        raise ValidationError(
            field,
            _("'{value}' is not one of: {allowed}.").format(
                value=_shown(value or ""), allowed=", ".join(allowed)
            ),
        )
    return text
