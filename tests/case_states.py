"""One worksite whose workers' matters are in every state a document must know (shared by the
core, CLI and LibreOffice tests): what each shipped template is for, written out by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from clinic_app.services import checklist, clients, documents, employers, letters, matters
from clinic_app.services.vault_ops import Vault

TODAY = date(2027, 3, 1)
CLINIC = {
    "name": "Worker Justice Legal Clinic",
    "address": "200 Example Ave\\nSpringfield, IL 62701",
    "phone": "(555) 010-0100",
    "email": "intake@clinic.example",
    "signer_name": "Dana Rivera",
    "signer_title": "Attorney at Law",
    "signer_bar_number": "IL Bar No. 6300000",
    "uscis_address": "P.O. Box 0000\\nMontclair, CA 91763",
    "uscis_address_source": "USCIS, Deferred action filing address page",
    "uscis_address_checked": "2025-01-10",
    "agency_intake.DOL-WHD": "Wage and Hour Division, SOI requests (email set by the clinic)",
}


@dataclass(frozen=True)
class Case:
    """One matter: who, what state it is in, and what it should make of each template."""

    key: str  # "A1": the worker's letter, then the matter's number for that worker
    first: str
    last: str
    state: str  # in words, for failure messages


# The matters, by key; each worker's first matter is decided unless said otherwise.
CASES = {
    "A1": Case("A1", "Ana María", "Quispe Mamani", "decided (granted), grant live until 2028"),
    "A2": Case("A2", "Ana María", "Quispe Mamani", "renewal being drafted, grant live"),
    "B1": Case("B1", "Bernardo", "Ñancupil", "closed, grant ending in 60 days"),
    "B2": Case("B2", "Bernardo", "Ñancupil", "renewal being drafted, grant ending in 60 days"),
    "C1": Case("C1", "Concepción", "Huamán", "decided, grant ended on 2026-12-01"),
    "C2": Case("C2", "Concepción", "Huamán", "renewal being drafted, grant ended"),
    "D1": Case("D1", "Dámaso", "Yupanqui", "grant terminated on 2026-09-15"),
    "D2": Case("D2", "Dámaso", "Yupanqui", "renewal being drafted, grant terminated"),
    "E1": Case("E1", "Eulalia", "Coaquira", "decided, two-year grant live"),
    "E2": Case("E2", "Eulalia", "Coaquira", "extension being drafted, two-year grant"),
    "F1": Case("F1", "Fermín", "Ccori", "initial request being drafted, no grant"),
    "G1": Case("G1", "Gumersinda", "Llanque", "initial request waiting for biometrics"),
    "H1": Case("H1", "Hilario", "Apaza", "initial request denied"),
}

# What each shipped template makes of each matter: the key sentence of a document made, or
# None where the template refuses the matter. Written by hand from what an attorney expects.
ENDING = "The permission you received ends on April 30, 2027."
EXPECTED: dict[str, dict[str, str | None]] = {
    "declaration": {
        **dict.fromkeys(["A1", "B1", "C1", "D1", "E1", "H1"]),
        **dict.fromkeys(["A2", "B2", "C2", "D2", "E2", "F1", "G1"], "declare as follows:"),
    },
    "cover-letter-initial": {
        **dict.fromkeys(CASES),
        "F1": "Initial request for labor-based deferred action and employment authorization",
    },
    "cover-letter-renewal": {
        **dict.fromkeys(CASES),
        "A2": "deferred action for the period from January 1, 2026 through December 31, 2028.",
        "B2": "The current employment authorization document of Bernardo Ñancupil expires on "
        "April 30, 2027.",
        "C2": "that grant ended on December 1, 2026.",
        "E2": "be extended to a total period of four years",
    },
    "client-appointment-reminder": {
        **dict.fromkeys(CASES),
        "G1": "This is a reminder of your appointment on March 20, 2027.",
    },
    "client-renewal-reminder": {
        **dict.fromkeys(CASES),
        "B1": ENDING,
        "B2": ENDING,
        "C1": "The permission you received ended on December 1, 2026.",
        "C2": "The permission you received ended on December 1, 2026.",
    },
    "client-work-permit-expiring": {
        **dict.fromkeys(CASES),
        "B1": "On that date your work permit (employment authorization card) ends.",
        "B2": "On that date your work permit (employment authorization card) ends.",
        "C1": "On that date your work permit (employment authorization card) ended.",
        "C2": "On that date your work permit (employment authorization card) ended.",
    },
    "client-policy-change": {
        "A1": "your current permission is valid until December 31, 2028.",
        "A2": "your current permission is valid until December 31, 2028.",
        "B1": "your current permission is valid until April 30, 2027.",
        "B2": "your current permission is valid until April 30, 2027.",
        "C1": "your permission ended on December 1, 2026.",
        "C2": "your permission ended on December 1, 2026.",
        "D1": "your permission was cancelled on September 15, 2026",
        "D2": "your permission was cancelled on September 15, 2026",
        "E1": "your current permission is valid until February 29, 2028.",
        "E2": "your current permission is valid until February 29, 2028.",
        "F1": "a change that may affect you.",
        "G1": "a change that may affect you.",
        "H1": "a change that may affect you.",
    },
    "client-grant-terminated": {
        **dict.fromkeys(CASES),
        "D1": "was cancelled on September 15, 2026",
        "D2": "was cancelled on September 15, 2026",
    },
}
# Sentences a document must never hold for these matters (the bugs the states caused).
NEVER = {
    ("cover-letter-renewal", "C2"): "decided before that date",
    ("client-renewal-reminder", "C1"): "before that date",
    ("client-renewal-reminder", "C2"): "before that date",
    ("client-work-permit-expiring", "C1"): "before that date",
}


@dataclass(frozen=True)
class Worksite:
    letter_id: int
    matters: dict[str, int]  # by case key


def _grant(vault: Vault, matter_id: int, start: str, end: str) -> None:
    for kind in ("deferred_action", "work_permit"):
        matters.add_grant(vault, matter_id=matter_id, kind=kind, start=start, end=end)


def riverbend_letter(vault: Vault) -> int:
    """The employer, its plant, the wage dispute and the agency letter covering it; the letter's id."""
    employer = employers.add_employer(
        vault, name="Riverbend Meat Packers Inc.", address="1400 Industrial Pkwy",
        city="Marshalltown", state="IA",
    ).record  # fmt: skip
    site = employers.add_worksite(
        vault, employer_id=employer.id, name="Main plant", city="Marshalltown", state="IA"
    ).record
    dispute = employers.add_dispute(
        vault, employer_id=employer.id, worksite_id=site.id, agency="DOL-WHD",
        case_number="WHD-2023-1037", violation_kind="unpaid overtime",
    ).record  # fmt: skip
    return letters.add_letter(
        vault, agency="DOL-WHD", employer_id=employer.id, worksite_id=site.id,
        dispute_id=dispute.id, date_issued="2024-06-15", period_start="2022-01-01",
        period_end="2024-12-31",
    ).record.id  # fmt: skip


def build(vault: Vault) -> Worksite:
    """Fill `vault` with the worksite above (clinic details set, checklists partly received)."""
    documents.set_clinic_details(vault, values=CLINIC)
    letter_id = riverbend_letter(vault)
    ids: dict[str, int] = {}
    people: dict[str, int] = {}

    def matter(key: str, kind: str, status: str, **extra: object) -> int:
        case = CASES[key]
        if case.first not in people:
            people[case.first] = clients.add_client(
                vault, first_name=case.first, last_name=case.last, date_of_birth="1985-03-01",
                country_of_birth="Peru", preferred_languages="en",
                address="123 Elm St\nMarshalltown, IA 50158",
            ).record.id  # fmt: skip
        ids[key] = matters.add_matter(
            vault, client_id=people[case.first], agency_letter_id=letter_id, kind=kind,
            status=status, **extra,  # type: ignore[arg-type]
        ).record.id  # fmt: skip
        return ids[key]

    granted = {"decision": "granted", "decided_on": "2025-01-02"}
    _grant(vault, matter("A1", "initial", "decision", **granted), "2026-01-01", "2028-12-31")
    matter("A2", "renewal", "drafting")
    _grant(vault, matter("B1", "initial", "closed", **granted), "2025-05-01", "2027-04-30")
    matter("B2", "renewal", "drafting")
    _grant(vault, matter("C1", "initial", "decision", **granted), "2024-12-01", "2026-12-01")
    matter("C2", "renewal", "drafting")
    d1 = matter("D1", "initial", "decision", **granted)
    _grant(vault, d1, "2025-03-01", "2028-02-17")
    matters.add_event(vault, matter_id=d1, kind="termination", occurred_on="2026-09-15")
    matter("D2", "renewal", "drafting")
    _grant(vault, matter("E1", "initial", "decision", **granted), "2026-03-01", "2028-02-29")
    matter("E2", "extension", "drafting", fee="waiver")
    matter("F1", "initial", "drafting", fee="fee")
    g1 = matter("G1", "initial", "filed")
    matters.add_event(vault, matter_id=g1, kind="biometrics", due_on="2027-03-20")
    matter("H1", "initial", "decision", decision="denied", decided_on="2026-06-01")
    for key in ("A2", "F1"):
        checklist.set_items(
            vault, matter_id=ids[key],
            statuses={"g-28": "received", "agency-letter": "received", "fee": "received",
                      "declaration": "needs_translation"},
        )  # fmt: skip
    return Worksite(letter_id, ids)
