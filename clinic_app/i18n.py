"""Translation helpers (gettext catalogs shipped in resources/locale) shared by core and UI."""

from __future__ import annotations

import gettext
import re
from datetime import date
from functools import lru_cache

from clinic_app.resources import resource_path

DOMAIN = "clinic_app"
_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"
LANGUAGES = {"en": "English", "es": "Español"}


def set_language(lang: str | None) -> None:
    """Switch the process-wide language; unknown languages fall back to English."""
    global _translation, _language
    _language = lang if lang in LANGUAGES else "en"
    if _language == "en":
        _translation = gettext.NullTranslations()
        return
    _translation = gettext.translation(
        DOMAIN, localedir=str(resource_path("locale")), languages=[_language], fallback=True
    )


def _(message: str) -> str:
    """Translate a user-visible message."""
    return _translation.gettext(message)


def N_(message: str) -> str:
    """Mark a constant for extraction; it is translated where it is shown, with _()."""
    return message


def current_language() -> str:
    return _language


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message with a count."""
    return _translation.ngettext(singular, plural, n)


# Where dates are shown to people: the desktop writes them as its language does ("30 nov 2026",
# "Nov 30, 2026"); plain CLI output keeps ISO 8601 so scripts and sorting keep working.
_local_dates = False
_BABEL_LOCALES = {"en": "en_US", "es": "es"}


def set_local_dates(on: bool) -> None:
    """Show dates in the language's own form (the desktop) or as ISO 8601 (the CLI)."""
    global _local_dates
    _local_dates = on


def format_day(day: date, lang: str | None = None) -> str:
    """One date for a person: '30 nov 2026' in Spanish on the desktop, ISO on the CLI."""
    if not _local_dates:
        return day.isoformat()
    return _babel_day(day, _BABEL_LOCALES.get(lang or _language, lang or _language))


@lru_cache(maxsize=8192)
def _babel_day(day: date, locale: str) -> str:
    # Babel looks the locale's pattern up and parses it on every call: a screen of deadlines
    # (Today's first fill says each date in a row and in its "why") formats hundreds of dates,
    # most of them the same few.
    from babel.dates import format_date  # loaded on first use: Babel's tables are large

    return str(format_date(day, format="medium", locale=locale))


def format_number(value: float, spec: str = "") -> str:
    """A quantity for a person (a count, a size): in English exactly as `format(value, spec)`
    writes it (`spec` as after the colon of '{:,}' or '{:.1f}'), so English output never
    changes; in another language as its locale writes numbers (Babel: '1.234.567', '12,5' in
    Spanish), with the same number of decimals. Ids, years and receipt numbers are not
    quantities: they stay as typed."""
    if _language == "en":
        return format(value, spec)
    decimals = re.search(r"\.(\d+)f", spec)
    places = int(decimals.group(1)) if decimals else 0
    return _babel_number(value, places, _BABEL_LOCALES.get(_language, _language))


def _babel_number(value: float, places: int, locale: str) -> str:
    from babel.numbers import format_decimal  # loaded on first use, as for dates

    pattern = "#,##0" + ("." + "0" * places if places else "")
    return str(format_decimal(value, format=pattern, locale=locale))


def date_order(lang: str | None = None) -> str:
    """How the language writes a numeric date: 'mdy' (US English) or 'dmy' (Spanish), from Babel."""
    code = lang or _language
    if code == "en":
        return "mdy"  # the US form, without loading Babel for the command line's default
    from babel.dates import get_date_format

    pattern = get_date_format("short", locale=_BABEL_LOCALES.get(code, code)).pattern
    positions = {part: pattern.find(part) for part in ("d", "M", "y")}
    return "".join(sorted("dmy", key=lambda p: positions["M" if p == "m" else p]))


def date_pattern(lang: str | None = None) -> str:
    """The numeric form a person types, in their own letters: 'MM/DD/YYYY', 'DD/MM/AAAA'."""
    letters = {"d": _("DD"), "m": _("MM"), "y": _("YYYY")}
    return "/".join(letters[part] for part in date_order(lang))


def numeric_day(day: date, lang: str | None = None) -> str:
    """A date in the numeric form the language types ('05/02/2026' in Spanish, '02/05/2026' in
    English): what a date field shows, so it reads back exactly as it was understood."""
    parts = {"d": f"{day.day:02d}", "m": f"{day.month:02d}", "y": f"{day.year:04d}"}
    return "/".join(parts[part] for part in date_order(lang))


# Contractions a language makes compulsory when a label follows a preposition ("antes de el
# fin" is wrong Spanish: "antes del fin").
_CONTRACTIONS = {"es": ((" de el ", " del "), (" a el ", " al "))}


def contract(text: str) -> str:
    """`text` with the current language's compulsory contractions made."""
    for long, short in _CONTRACTIONS.get(_language, ()):
        text = text.replace(long, short)
    return text
