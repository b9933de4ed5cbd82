"""Translation helpers (gettext catalogs shipped in resources/locale) shared by core and UI."""

from __future__ import annotations

import gettext
from datetime import date

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
    from babel.dates import format_date  # loaded on first use: Babel's tables are large

    locale = _BABEL_LOCALES.get(lang or _language, lang or _language)
    return str(format_date(day, format="medium", locale=locale))
