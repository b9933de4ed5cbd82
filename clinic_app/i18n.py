"""Translation helpers (gettext catalogs shipped in resources/locale) shared by core and UI."""

from __future__ import annotations

import gettext

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
