"""Errors in the desktop app's words, and fields outlined in red until they are fixed.

The core's sentences are written for the command line ("add --overwrite", "clinic-app clinic
--set name=…"). `desktop_message` is the one place that rewrites them to say where to click.
"""

from __future__ import annotations

import re
from functools import cache

from PySide6.QtWidgets import QWidget

from clinic_app.errors import ClinicError, SessionEnded
from clinic_app.i18n import N_, _

# Clinic settings keys → their label under Settings → Clinic details for letters.
CLINIC_LABELS = {
    "name": N_("Clinic name"),
    "address": N_("Postal address"),
    "phone": N_("Phone"),
    "email": N_("Email"),
    "signer_name": N_("Signer's name"),
    "signer_title": N_("Signer's title"),
    "signer_bar_number": N_("Bar number or accreditation"),
    "uscis_address": N_("USCIS mailing address"),
    "uscis_address_source": N_("Where that address comes from"),
    "uscis_address_checked": N_("Address last checked"),
}
CLINIC_GROUP = N_("Clinic details for letters")


def _clinic_setting(match: re.Match[str]) -> str:
    key = match.group("key")
    where = _("Settings → {group}").format(group=_(CLINIC_GROUP))
    if key.startswith("agency_intake"):
        text = _("set the agency's Statement of Interest intake in {where}").format(where=where)
    else:
        label = _(CLINIC_LABELS.get(key, key.replace("_", " ").capitalize()))
        text = _("set {what} in {where} → {label}").format(
            what=match.group("what").strip(), where=where, label=label
        )
    return match.group("pre") + (text[:1].upper() + text[1:] if match.start() == 0 else text)


# (pattern in a core sentence, desktop wording): the first that matches rewrites that part.
# Each pattern matches the English sentence and its Spanish translation in the catalog
# (tests/ui/test_spanish_errors.py holds them together); a new language adds its wording here.
REWRITES: list[tuple[str, object]] = [
    (
        r"(?P<pre>\s*)(?P<what>[^;:.]*?) is not set; set it with: clinic-app clinic --set "
        r"'?(?P<key>[\w.<> ]+)=\.\.\.'?",
        _clinic_setting,
    ),
    (
        r"(?P<pre>\s*)falta (?P<what>[^;:.]*?); se define con: clinic-app clinic --set "
        r"'?(?P<key>[\w.<> ]+)=\.\.\.'?",
        _clinic_setting,
    ),
    (
        r"\s*\((?:add --overwrite to replace it|agregue --overwrite para reemplazarlo)\)",
        lambda _m: " " + _("(choose another folder under Save drafts in, or move the old file)"),
    ),
    (
        r";? ?(?:add --overwrite to replace it|agregue --overwrite para reemplazarlo)\.?",
        lambda _m: "; " + _("choose another folder, or move the old file first."),
    ),
    (
        r";? ?(?:add --replace to replace it|agregue --replace para reemplazarla)\.?",
        lambda _m: "; " + _("remove it first in Settings → Word templates."),
    ),
    (
        r";? ?'clinic-app templates' (?:lists them|las enumera)(?:[^.]|\.(?=\w))*\.?",
        lambda _m: "; " + _("Settings → Word templates lists them."),
    ),
    (
        r";? ?'clinic-app deadlines' (?:lists|(?:los )?enumera)(?:[^.]|\.(?=\w))*\.?",
        lambda _m: "; " + _("the Deadlines screen lists them."),
    ),
    (
        r";? ?'clinic-app rules show' (?:lists|(?:los )?enumera)(?:[^.]|\.(?=\w))*\.?",
        lambda _m: "; " + _("Settings → Deadline rules lists them."),
    ),
    (
        r"\s*\((?:nothing was written; 'clinic-app fields' lists every field"
        r"|no se escribió nada; 'clinic-app fields' enumera todos los campos)\)",
        lambda _m: " " + _("(nothing was written; docs/fields.md lists every field)"),
    ),
    (
        r"Name one matter \(--matter\) or one agency letter \(--letter\)\."
        r"|Indique un caso \(--matter\) o una carta de la agencia \(--letter\)\.",
        lambda _m: _("Choose a matter or an agency letter in Documents."),
    ),
    (
        r"Say where the documents go: an output folder \(--out\), or --keep-in-vault\."
        r"|Indique dónde van los documentos: una carpeta de salida \(--out\) o --keep-in-vault\.",
        lambda _m: _(
            "Say where the documents go in Documents: a folder under Save drafts in, or Keep a copy in the vault."
        ),
    ),
    (
        r"\s*\((?:see|vea) 'clinic-app import --help'\)",
        lambda _m: " " + _("(the Import… window lists the columns)"),
    ),
    (
        r"(?:create one with|cree una con) 'clinic-app init'\.",
        lambda _m: _("create one with Create a new vault… on the unlock screen."),
    ),
    (
        r"with --keep-in-vault\.",
        lambda _m: _("with Keep a copy in the vault."),
    ),
]


def desktop_message(error: ClinicError | str) -> str:
    """The sentence to show on the desktop for a core error (its command-line advice replaced)."""
    if isinstance(error, SessionEnded):
        return session_ended_message(error.reason)
    text = error.message if isinstance(error, ClinicError) else str(error)
    for pattern, replacement in _compiled():
        text = pattern.sub(replacement, text)  # type: ignore[arg-type]
    return text


def session_ended_message(reason: str) -> str:
    """The clinic server ended this session (the window then locks and shows this sentence)."""
    if reason == "disabled":
        return _(
            "Your session on the clinic server has ended because a clinic admin disabled your "
            "account; nothing was saved. Ask a clinic admin if this is a mistake."
        )
    return _(
        "Your session on the clinic server has ended because your password was changed (on "
        "another computer, or reset by a clinic admin); nothing was saved. The app locks: sign in "
        "again with the new password."
    )


@cache
def _compiled() -> list[tuple[re.Pattern[str], object]]:
    # At the first message, not at start-up: the unlock screen loads this module, and compiling
    # every pattern then was a fortieth of that screen's start.
    return [(re.compile(pattern), replacement) for pattern, replacement in REWRITES]


ERROR_OUTLINE = "border: 2px solid #b00020; border-radius: 3px;"


def mark_error(widget: QWidget, problem: bool) -> None:
    """Outline a field in red while it is in error; plain again once fixed."""
    widget.setProperty("inError", problem)
    widget.setStyleSheet(ERROR_OUTLINE if problem else "")
    widget.setAccessibleDescription(_("This field needs correcting") if problem else "")
