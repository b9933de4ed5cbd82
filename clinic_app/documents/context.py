"""The context builder: the facts of a matter (or an agency letter) -> the documented fields.

Pure functions over frozen facts: the language of the document and "today" are passed in, so the
same facts give the same fields in any process, and the docs' examples come from this very code.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date

from clinic_app.documents import fields as F
from clinic_app.documents.engine import ItemValue, Value
from clinic_app.domain.text import fold, full_name
from clinic_app.domain.vocab import KNOWN_AGENCIES
from clinic_app.resources import resource_path

DEFAULT_LANGUAGE = "en"


# -- facts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    name: str = ""
    address: str = ""
    city: str = ""
    state: str = ""


@dataclass(frozen=True)
class ClinicFacts:
    """Clinic details from the vault settings (never hard-coded addresses)."""

    name: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    signer_name: str = ""
    signer_title: str = ""
    signer_bar_number: str = ""
    uscis_address: str = ""
    agency_intake: tuple[tuple[str, str], ...] = ()  # (agency code, intake text)

    def intake_for(self, agency: str) -> str:
        """The intake set for this agency, under its code or any spelling agency_code knows."""
        wanted = _agency_key(agency_code(agency))
        return next(
            (text for code, text in self.agency_intake if _agency_key(agency_code(code)) == wanted),
            "",
        )


@dataclass(frozen=True)
class LetterFacts:
    """An agency letter (Statement of Interest) with the employer, worksite and dispute it names."""

    id: int
    agency: str
    date_issued: date | None
    period_start: date | None
    period_end: date | None
    reference: str
    employer: Place
    worksite: Place | None
    case_number: str = ""
    violation_kind: str = ""
    dispute_status: str = ""  # vocab.DISPUTE_STATUSES; "" when no dispute is linked


@dataclass(frozen=True)
class GrantFacts:
    start: date | None
    end: date | None
    category: str = ""
    terminated_on: date | None = None
    receipt_number: str | None = None


@dataclass(frozen=True)
class ClientFacts:
    id: int
    first_name: str
    last_name: str
    a_number: str | None
    date_of_birth: date | None
    country_of_birth: str
    languages: tuple[str, ...]
    mailing_address: str = ""
    safe_contact_note: bool = False
    contact_rules: tuple[str, ...] = ()  # vocab.CONTACT_RULES keys
    mail_to: str = ""  # the address mail must go to instead of mailing_address

    @property
    def no_mail(self) -> bool:
        return "no_mail" in self.contact_rules

    @property
    def full_name(self) -> str:
        return full_name(self.first_name, self.last_name)

    @property
    def preferred_language(self) -> str:
        return self.languages[0] if self.languages else DEFAULT_LANGUAGE


@dataclass(frozen=True)
class MatterFacts:
    """Everything a per-matter document may say, loaded from the vault in one go."""

    id: int
    client: ClientFacts
    program: str
    kind: str
    receipt_number: str | None
    filed_on: date | None
    letter: LetterFacts | None
    employer: Place | None  # the matter's own employer, when it names one
    worksite: Place | None
    deferred_action: GrantFacts | None
    work_permit: GrantFacts | None
    appointment_on: date | None
    preparer_name: str
    preparer_email: str
    enclosures: tuple[str, ...]  # titles, in packet order
    checklist: str  # one-line checklist status for indexes
    status: str = "intake"  # the pipeline stage
    decision: str | None = None
    decided_on: date | None = None
    program_status: str | None = None  # open | paused | ended, from the rule pack's history
    program_status_since: date | None = None
    fee: str = ""  # vocab.FEE_CHOICES, "" until chosen
    # The worker's renewal or extension already filed and waiting for a decision, if any:
    # (its matter id, its kind).
    filed_request: tuple[int, str] | None = None


@dataclass(frozen=True)
class WorkerFacts:
    matter_id: int
    first_name: str
    last_name: str

    @property
    def full_name(self) -> str:
        return full_name(self.first_name, self.last_name)


@dataclass(frozen=True)
class GroupFacts:
    """Every worker under one agency letter, for worksite-wide documents."""

    letter: LetterFacts
    workers: tuple[WorkerFacts, ...]
    program_status: str | None = None
    program_status_since: date | None = None
    left_out: int = 0  # workers whose matters are all decided or closed (not listed)


# -- language -----------------------------------------------------------------------------------


@cache
def labels(lang: str) -> dict[str, Any]:
    """Words a document needs in its language, from resources/templates/<lang>/labels.toml."""
    path = resource_path("templates", lang, "labels.toml")
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _label(lang: str, table: str, key: str) -> str | None:
    for source in (lang, DEFAULT_LANGUAGE):
        found = labels(source).get(table, {}).get(key)
        if isinstance(found, str):
            return found
    return None


@cache
def babel_locale(lang: str) -> Locale:
    """The Babel locale for dates and names; labels.toml may name one (e.g. Mam -> es)."""
    named = labels(lang).get("date_locale")
    for candidate in (named, lang.replace("-", "_")):
        if isinstance(candidate, str) and candidate:
            try:
                return Locale.parse(candidate)
            except (UnknownLocaleError, ValueError):
                continue
    return Locale.parse(DEFAULT_LANGUAGE)


def write_date(value: date | None, lang: str) -> str | None:
    """A date the way the language writes it: "March 1, 2027", "1 de marzo de 2027"."""
    if value is None:
        return None
    return format_date(value, format="long", locale=babel_locale(lang))


@cache
def _territory_codes() -> dict[str, str]:
    english = Locale.parse(DEFAULT_LANGUAGE)
    codes = {fold(name): code for code, name in english.territories.items() if code.isalpha()}
    # Names clinics write that Babel spells differently.
    codes.update({"usa": "US", "united states of america": "US", "vietnam": "VN"})
    return codes


def country_name(country: str, lang: str) -> str:
    """A country written in English, in the document's language when Babel knows it."""
    text = country.strip()
    if not text or lang == DEFAULT_LANGUAGE:
        return text
    code = _territory_codes().get(fold(text))
    if code is None:
        return text
    return str(babel_locale(lang).territories.get(code, text))


def language_name(code: str, lang: str) -> str:
    labelled = _label(lang, "language", code)
    if labelled:
        return labelled
    found = babel_locale(lang).languages.get(code.replace("-", "_"))
    return str(found) if found else code


# Other ways clinics write agencies KNOWN_AGENCIES names, folded like _agency_key.
AGENCY_SPELLINGS = {
    "nystatedol": "NYS DOL",
    "newyorkstatedol": "NYS DOL",
    "whd": "DOL-WHD",
    "dolwhd": "DOL-WHD",
    "usdolwhd": "DOL-WHD",
    "wageandhourdivision": "DOL-WHD",
    "dcwp": "NYC DCWP",
}


def _agency_key(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", fold(text))


@cache
def _agency_codes() -> dict[str, str]:
    codes = {_agency_key(name): code for code, name in KNOWN_AGENCIES.items()}
    codes.update({_agency_key(code): code for code in KNOWN_AGENCIES})
    codes.update(AGENCY_SPELLINGS)
    return codes


def agency_code(agency: str) -> str:
    """The known code of an agency however it was typed ("NY State DOL", "nys-dol" -> "NYS DOL"),
    so documents write its full name; any other agency is kept as written."""
    return _agency_codes().get(_agency_key(agency), agency)


def agency_name(agency: str, lang: str) -> str:
    code = agency_code(agency)
    return _label(lang, "agency", code) or KNOWN_AGENCIES.get(code, agency)


def agency_with_article(agency: str, lang: str) -> str:
    """ "the U.S. Department of Labor, …", "la División de Horas y Salarios …": the agency as the
    subject or object of a sentence (labels.toml [agency_article]; English "the")."""
    name = agency_name(agency, lang)
    article = _label(lang, "agency_article", agency_code(agency))
    if article is None:
        article = "the" if lang == DEFAULT_LANGUAGE else ""
    return f"{article} {name}".strip()


def contact_banner(client: ClientFacts, lang: str) -> str | None:
    """The staff's line at the top of a client letter: how this client may (not) be reached."""
    parts = [_label(lang, "contact", rule) or rule for rule in client.contact_rules]
    if client.mail_to and not client.no_mail:
        parts.append(_label(lang, "contact", "mail_to") or "mail_to")
    if not parts:
        return None
    first, *rest = parts
    return first.upper() + (" — " + "; ".join(rest) if rest else "")


def permit_category(category: str) -> str:
    """ "c14" -> "(c)(14)", the way the category is printed on the card."""
    match = re.fullmatch(r"\(?([a-z])\)?\s*\(?(\d+)\)?", category.strip().lower())
    return f"({match.group(1)})({match.group(2)})" if match else category.strip()


def tab_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# -- building fields -----------------------------------------------------------------------------


def _text(value: str | None) -> str | None:
    text = (value or "").strip()
    return text or None


def _days(end: date | None, today: date) -> int | None:
    return (end - today).days if end is not None else None


ENDING_DAYS = 180  # "ending" in grant.state: the clinic-practice start of a renewal


def grant_state(grant: GrantFacts | None, today: date, within: int = ENDING_DAYS) -> str:
    """none, live, ending (within `within` days), ended or terminated."""
    if grant is None:
        return "none"
    # A termination dated after the grant's end (a notice recorded late) did not cut it short:
    # the grant had already ended, and a letter must not say it was cancelled before its end.
    if (
        grant.terminated_on is not None
        and grant.terminated_on <= today
        and (grant.end is None or grant.terminated_on <= grant.end)
    ):
        return "terminated"
    if grant.end is None:
        return "live"
    if grant.end < today:
        return "ended"
    return "ending" if (grant.end - today).days <= within else "live"


def grant_years(grant: GrantFacts | None) -> int | None:
    """How many years the grant runs, start to end, to the nearest year."""
    if grant is None or grant.start is None or grant.end is None:
        return None
    return round((grant.end - grant.start).days / 365.25)


def _grant_values(
    prefix: str, grant: GrantFacts | None, lang: str, today: date
) -> dict[str, Value]:
    state = grant_state(grant, today)
    return {
        f"{prefix}.start": write_date(grant.start, lang) if grant else None,
        f"{prefix}.end": write_date(grant.end, lang) if grant else None,
        f"{prefix}.days_left": _days(grant.end if grant else None, today),
        f"{prefix}.state": state if grant else None,
        f"{prefix}.ended_on": write_date(grant.end, lang) if grant and state == "ended" else None,
        f"{prefix}.terminated_on": write_date(grant.terminated_on, lang) if grant else None,
    }


def program_values(status: str | None, since: date | None, lang: str) -> dict[str, Value]:
    return {
        "program.status": status or "open",
        "program.status_since": write_date(since, lang),
    }


def clinic_values(clinic: ClinicFacts, *, lang: str, today: date) -> dict[str, Value]:
    return {
        "today": write_date(today, lang),
        "clinic.name": _text(clinic.name),
        "clinic.address": _text(clinic.address),
        "clinic.phone": _text(clinic.phone),
        "clinic.email": _text(clinic.email),
        "signer.name": _text(clinic.signer_name),
        "signer.title": _text(clinic.signer_title),
        "signer.bar_number": _text(clinic.signer_bar_number),
        "uscis.address": _text(clinic.uscis_address),
    }


def letter_values(
    letter: LetterFacts | None,
    clinic: ClinicFacts,
    *,
    lang: str,
    employer: Place | None = None,
    worksite: Place | None = None,
) -> dict[str, Value]:
    employer = employer or (letter.employer if letter else None)
    site = worksite or (letter.worksite if letter else None) or employer
    return {
        "employer.name": _text(employer.name if employer else None),
        "employer.address": _text(employer.address if employer else None),
        "employer.city": _text(employer.city if employer else None),
        "employer.state": _text(employer.state if employer else None),
        "worksite.name": _text(site.name if site and site is not employer else None),
        "worksite.address": _text(site.address if site else None),
        "worksite.city": _text(site.city if site else None),
        "worksite.state": _text(site.state if site else None),
        "dispute.case_number": _text(letter.case_number if letter else None),
        "dispute.violation_kind": _text(letter.violation_kind if letter else None),
        "dispute.status": _text(letter.dispute_status if letter else None),
        "letter.agency": agency_name(letter.agency, lang) if letter else None,
        "letter.agency_with_article": agency_with_article(letter.agency, lang) if letter else None,
        "letter.agency_code": _text(letter.agency if letter else None),
        "letter.agency_intake": _text(clinic.intake_for(letter.agency) if letter else None),
        "letter.date_issued": write_date(letter.date_issued, lang) if letter else None,
        "letter.period_start": write_date(letter.period_start, lang) if letter else None,
        "letter.period_end": write_date(letter.period_end, lang) if letter else None,
        "letter.reference": _text(letter.reference if letter else None),
    }


def matter_values(
    matter: MatterFacts, clinic: ClinicFacts, *, lang: str, today: date
) -> dict[str, Value]:
    """Every per-matter field, for a document in `lang`, dated `today`."""
    client = matter.client
    grant = matter.deferred_action
    permit = matter.work_permit
    enclosures: list[ItemValue] = [
        {"number": str(i + 1), "tab": tab_letter(i), "title": title}
        for i, title in enumerate(matter.enclosures)
    ]
    values: dict[str, Value] = {
        **clinic_values(clinic, lang=lang, today=today),
        **letter_values(
            matter.letter, clinic, lang=lang, employer=matter.employer, worksite=matter.worksite
        ),
        "client.full_name": client.full_name,
        "client.first_name": _text(client.first_name),
        "client.last_name": _text(client.last_name),
        "client.a_number": _text(client.a_number),
        "client.date_of_birth": write_date(client.date_of_birth, lang),
        "client.country_of_birth": _text(country_name(client.country_of_birth, lang)),
        "client.preferred_language": client.preferred_language,
        "client.preferred_language_name": language_name(client.preferred_language, lang),
        "client.preferred_language_name_en": language_name(
            client.preferred_language, DEFAULT_LANGUAGE
        ),
        "client.mailing_address": (
            None if client.no_mail else _text(client.mail_to) or _text(client.mailing_address)
        ),
        "client.do_not_mail": 1 if client.no_mail else 0,
        "client.contact_banner": contact_banner(client, lang),
        "matter.fee": matter.fee or None,
        "matter.id": str(matter.id),
        "matter.kind": matter.kind,
        "matter.stage": matter.status,
        "matter.decision": matter.decision,
        "matter.request_type": _label(lang, "request_type", matter.kind) or matter.kind,
        "matter.program_name": _label(lang, "program", matter.program) or matter.program,
        "matter.receipt_number": _text(matter.receipt_number),
        "matter.filed_on": write_date(matter.filed_on, lang),
        **_grant_values("grant", grant, lang, today),
        "grant.total_years": grant_years(grant),
        "grant.receipt_number": _text(grant.receipt_number) if grant else None,
        **_grant_values("work_permit", permit, lang, today),
        "work_permit.category": (permit_category(permit.category) or None) if permit else None,
        "appointment.date": write_date(matter.appointment_on, lang),
        "appointment.days_left": _days(matter.appointment_on, today),
        "preparer.name": _text(matter.preparer_name) or _text(clinic.signer_name),
        "preparer.email": _text(matter.preparer_email) or _text(clinic.email),
        "enclosures": enclosures,
        **program_values(matter.program_status, matter.program_status_since, lang),
    }
    return values


def document_values(lang: str, signed_language: str) -> dict[str, Value]:
    """Which language this document is in, and which one the worker signs in."""
    return {
        "document.language": lang,
        "document.signed_language": signed_language,
        "document.signed_language_name": language_name(signed_language, lang),
    }


def group_values(
    group: GroupFacts, clinic: ClinicFacts, *, lang: str, today: date
) -> dict[str, Value]:
    """Every field of a worksite-wide document for one agency letter."""
    workers: list[ItemValue] = [
        {
            "full_name": w.full_name,
            "first_name": _text(w.first_name),
            "last_name": _text(w.last_name),
        }
        for w in sorted(group.workers, key=lambda w: (fold(w.last_name), fold(w.first_name)))
    ]
    return {
        **clinic_values(clinic, lang=lang, today=today),
        **letter_values(group.letter, clinic, lang=lang),
        "workers": workers,
        "workers_count": len(workers),
        "workers_left_out": group.left_out,
        **program_values(group.program_status, group.program_status_since, lang),
    }


# -- the example behind the docs ------------------------------------------------------------------

EXAMPLE_CLINIC = ClinicFacts(
    name="Worker Justice Legal Clinic",
    address="200 Example Avenue, Suite 4\nSpringfield, IL 62701",
    phone="(555) 010-0100",
    email="intake@clinic.example",
    signer_name="Dana Rivera",
    signer_title="Attorney at Law",
    signer_bar_number="Illinois Bar No. 6300000",
    uscis_address="[street or P.O. box, city, state and ZIP from the clinic settings]",
    agency_intake=(("DOL-WHD", "[intake address or email from the clinic settings]"),),
)
EXAMPLE_LETTER = LetterFacts(
    id=3,
    agency="DOL-WHD",
    date_issued=date(2024, 6, 15),
    period_start=date(2022, 1, 1),
    period_end=date(2024, 12, 31),
    reference="SOI 2024-03",
    employer=Place("Riverbend Meat Packers Inc.", "1400 Industrial Pkwy", "Marshalltown", "IA"),
    worksite=Place("Main plant", "1400 Industrial Pkwy", "Marshalltown", "IA"),
    case_number="WHD-2023-1037",
    violation_kind="unpaid overtime",
)
EXAMPLE_MATTER = MatterFacts(
    id=12,
    client=ClientFacts(
        id=7,
        first_name="José Ángel",
        last_name="Pérez Núñez",
        a_number="A012345678",
        date_of_birth=date(1985, 3, 1),
        country_of_birth="Mexico",
        languages=("es",),
        mailing_address="123 Elm St, Apt 2\nMarshalltown, IA 50158",
    ),
    program="labor-deferred-action",
    kind="renewal",
    receipt_number="IOE0123456789",
    filed_on=date(2026, 11, 2),
    letter=EXAMPLE_LETTER,
    employer=None,
    worksite=None,
    deferred_action=GrantFacts(date(2025, 3, 1), date(2027, 2, 28), receipt_number="IOE0987654321"),
    work_permit=GrantFacts(date(2025, 3, 1), date(2027, 2, 28), category="c14"),
    appointment_on=date(2027, 1, 12),
    preparer_name="Luz Ortega",
    preparer_email="luz@clinic.example",
    enclosures=(
        "Form G-28, Notice of Entry of Appearance as Attorney or Accredited Representative",
        "Statement of Interest from the labor agency",
    ),
    checklist="2 received, 9 missing",
)
EXAMPLE_GROUP = GroupFacts(
    letter=EXAMPLE_LETTER,
    workers=(WorkerFacts(12, "José Ángel", "Pérez Núñez"), WorkerFacts(13, "Thảo", "Nguyễn")),
)
EXAMPLE_TODAY = date(2027, 3, 1)


def example_values(lang: str = DEFAULT_LANGUAGE) -> dict[str, Value]:
    """Every field, filled from an invented matter (the examples in `clinic-app fields`)."""
    return {
        **matter_values(EXAMPLE_MATTER, EXAMPLE_CLINIC, lang=lang, today=EXAMPLE_TODAY),
        **document_values(lang, "es"),
        **group_values(EXAMPLE_GROUP, EXAMPLE_CLINIC, lang=lang, today=EXAMPLE_TODAY),
    }


def all_field_names() -> list[str]:
    return [f.name for f in F.FIELDS]
