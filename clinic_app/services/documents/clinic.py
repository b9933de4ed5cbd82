"""Clinic details documents use (letterhead, signer, USCIS and agency addresses), kept in settings."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from clinic_app.documents.facts import CLINIC_PREFIX, clinic_settings
from clinic_app.domain import validators as v
from clinic_app.domain.models import Setting
from clinic_app.errors import UserError, ValidationError
from clinic_app.i18n import N_, _, format_day
from clinic_app.services.changes import SETTING, ChangeSet
from clinic_app.store.base import Store
from clinic_app.vault import audit

CLINIC_KEYS = {
    "name": N_("the clinic's name (letterhead)"),
    "address": N_("the clinic's postal address"),
    "phone": N_("the clinic's telephone number"),
    "email": N_("the clinic's email address"),
    "signer_name": N_("the attorney or accredited representative who signs filings"),
    "signer_title": N_('e.g. "Attorney at Law" or "DOJ Accredited Representative"'),
    "signer_bar_number": N_("bar number or accreditation, as printed under the signature"),
    "uscis_address": N_("where requests are mailed (street or P.O. box, city, state, ZIP)"),
    "uscis_address_source": N_("where that address was found (e.g. the USCIS page and its title)"),
    "uscis_address_checked": N_("the date the address was last checked (YYYY-MM-DD)"),
    "agency_intake.<AGENCY>": N_("where that agency takes Statement of Interest requests"),
}


@dataclass(frozen=True)
class ClinicDetails:
    values: tuple[tuple[str, str], ...]  # (key, value), sorted
    warnings: tuple[str, ...]

    def get(self, key: str) -> str:
        return next((value for k, value in self.values if k == key), "")


def _clinic_warnings(values: Mapping[str, str]) -> list[str]:
    """Notes on the clinic details, each a sentence without its final period (the CLI adds
    "Note: ", the desktop joins them)."""
    warnings = []
    if values.get("uscis_address") and not (
        values.get("uscis_address_source") and values.get("uscis_address_checked")
    ):
        warnings.append(_("The USCIS address has no source or last-checked date"))
    checked = values.get("uscis_address_checked")
    if checked:
        try:
            shown = format_day(date.fromisoformat(checked))
        except ValueError:  # a value set by hand on the clinic server: shown as it is
            shown = checked
        warnings.append(
            _("The USCIS address was last checked on {day}; check it again before mailing").format(
                day=shown
            )
        )
    return warnings


def clinic_details(vault: Store) -> ClinicDetails:
    with vault.reader() as session:
        raw = clinic_settings(session)
    values = {key: str(value) for key, value in raw.items()}
    return ClinicDetails(tuple(sorted(values.items())), tuple(_clinic_warnings(values)))


def _clean_clinic_value(key: str, value: str) -> str:
    if key not in CLINIC_KEYS and not key.startswith("agency_intake."):
        raise UserError(
            _("'{key}' is not a clinic setting; use one of: {choices}.").format(
                key=key, choices=", ".join(CLINIC_KEYS)
            )
        )
    if key.startswith("agency_intake.") and not key.split(".", 1)[1].strip():
        raise UserError(
            _("Name the agency: agency_intake.<AGENCY>=..., e.g. agency_intake.DOL-WHD.")
        )
    text = value.replace("\\n", "\n").strip()
    if key == "email" and text:
        try:
            return v.normalize_email(text)
        except ValidationError as exc:
            raise UserError(str(exc)) from exc
    if key == "uscis_address_checked" and text:
        try:
            checked = v.parse_date(text, "uscis_address_checked")
        except ValidationError as exc:
            raise UserError(str(exc)) from exc
        return checked.isoformat() if checked else ""
    return text


def set_clinic_details(vault: Store, *, values: Mapping[str, str]) -> ChangeSet:
    """Set clinic settings in one transaction; an empty value removes the setting.

    The USCIS address needs its source and last-checked date (set together or already there).
    The audit log names the keys changed, never their values.
    """
    cleaned = {
        key.strip(): _clean_clinic_value(key.strip(), value) for key, value in values.items()
    }
    with vault.session() as session:
        current = {k: str(val) for k, val in clinic_settings(session).items()}
        merged = {**current, **cleaned}
        if merged.get("uscis_address") and not (
            merged.get("uscis_address_source") and merged.get("uscis_address_checked")
        ):
            raise UserError(
                _(
                    "The USCIS address needs its source and the date it was last checked: add uscis_address_source=... and uscis_address_checked=YYYY-MM-DD."
                )
            )
        for key, value in sorted(cleaned.items()):
            row = session.get(Setting, CLINIC_PREFIX + key)
            if not value:
                if row is not None:
                    session.delete(row)
            elif row is None:
                session.add(Setting(key=CLINIC_PREFIX + key, value=json.dumps(value)))
            else:
                row.value = json.dumps(value)
                session.add(row)
            audit.record(session, action="set", record_kind=SETTING, summary=CLINIC_PREFIX + key)
    return ChangeSet(kinds=frozenset({SETTING}))
