"""Controlled vocabularies (matter kinds, stages, grant kinds, notices, roles) and their labels."""

from __future__ import annotations

from clinic_app.i18n import N_, _, contract, ngettext

MATTER_KINDS = ("initial", "renewal", "extension", "other")

# The pipeline a matter moves through, in order.
MATTER_STATUSES = (
    "intake",
    "gathering_evidence",
    "drafting",
    "attorney_review",
    "filed",
    "receipt",
    "biometrics",
    "rfe",
    "decision",
    "closed",
)

DECISIONS = ("granted", "denied", "withdrawn", "terminated")

GRANT_KINDS = ("deferred_action", "work_permit")

EVENT_KINDS = (
    "filed",
    "receipt",
    "biometrics",
    "rfe",
    "rfe_response",
    "decision",
    "termination",
    "other",
)

STAFF_ROLES = ("attorney", "accredited_representative", "paralegal", "organizer", "other")

# Safe-contact rules a client may have: how the clinic may and may not reach them.
CONTACT_RULES = {
    "text_only": "text messages only",
    "no_mail": "do not mail",
    "no_voicemail": "no voicemail",
}

# How a request's filing fee is met.
FEE_CHOICES = ("fee", "waiver")

DISPUTE_STATUSES = ("open", "investigating", "settled", "closed")

DEFAULT_PROGRAM = "labor-deferred-action"

# Agencies clinics name most; any other text (a state or city agency) is accepted as written.
KNOWN_AGENCIES = {
    "DOL-WHD": "U.S. Department of Labor, Wage and Hour Division",
    "OSHA": "Occupational Safety and Health Administration",
    "NLRB": "National Labor Relations Board",
    "EEOC": "Equal Employment Opportunity Commission",
    "DOJ-CRT": "U.S. Department of Justice, Civil Rights Division",
    "NYS DOL": "New York State Department of Labor",
    "NYC DCWP": "New York City Department of Consumer and Worker Protection",
    "NYC Comptroller": "Office of the New York City Comptroller",
    "Oregon OSHA": "Oregon Occupational Safety and Health Division",
    "CA LC": "California Labor Commissioner's Office",
}


# What people read for each id, per vocabulary: screens, documents and plain CLI output show
# these (translated with _()), never the id itself; JSON output keeps the ids.
LABELS: dict[str, dict[str, str]] = {
    "program": {
        "labor-deferred-action": N_("Labor-based deferred action"),
        "daca": N_("DACA"),
        "work-permit": N_("Work permit"),
    },
    "matter_kind": {
        "initial": N_("Initial"),
        "renewal": N_("Renewal"),
        "extension": N_("Extension"),
        "other": N_("Other"),
    },
    "stage": {
        "intake": N_("Intake"),
        "gathering_evidence": N_("Gathering evidence"),
        "drafting": N_("Drafting"),
        "attorney_review": N_("Attorney review"),
        "filed": N_("Filed"),
        "receipt": N_("Receipt"),
        "biometrics": N_("Biometrics"),
        "rfe": N_("RFE"),
        "decision": N_("Decision"),
        "closed": N_("Closed"),
    },
    "notice": {
        "filed": N_("Filed"),
        "receipt": N_("Receipt notice"),
        "biometrics": N_("Biometrics appointment"),
        "rfe": N_("Request for Evidence"),
        "rfe_response": N_("RFE response sent"),
        "decision": N_("Decision"),
        "termination": N_("Termination notice"),
        "other": N_("Note"),
    },
    "decision": {
        "granted": N_("Granted"),
        "denied": N_("Denied"),
        "withdrawn": N_("Withdrawn"),
        "terminated": N_("Terminated"),
    },
    "grant_kind": {
        "deferred_action": N_("Deferred action"),
        "work_permit": N_("Work permit"),
    },
    "staff_role": {
        "attorney": N_("Attorney"),
        "accredited_representative": N_("Accredited representative"),
        "paralegal": N_("Paralegal"),
        "organizer": N_("Organizer"),
        "other": N_("Other staff"),
    },
    "program_status": {
        "open": N_("open"),
        "paused": N_("paused"),
        "ended": N_("ended"),
    },
    "deadline_status": {
        "overdue": N_("overdue"),
        "due_soon": N_("due soon"),
        "upcoming": N_("upcoming"),
        "done": N_("done"),
        "snoozed": N_("snoozed"),
    },
    "dispute_status": {
        "open": N_("Open"),
        "investigating": N_("Investigating"),
        "settled": N_("Settled"),
        "closed": N_("Closed"),
    },
    "fee": {"fee": N_("Fee paid"), "waiver": N_("Fee waiver")},
    # Deadline rules: the fact a rule counts from, how it moves off a closed day, who set it.
    "fact": {
        "grant_end": N_("the end of deferred action"),
        "work_permit_end": N_("the end of the work permit"),
        "rfe_notice": N_("the RFE notice"),
        "rfe_response_due": N_("the RFE response due date"),
        "biometrics_date": N_("the biometrics appointment"),
        "filed_date": N_("the filing date"),
        "terminated_on": N_("the termination"),
        "letter_period_end": N_("the end of the agency letter's period"),
    },
    "roll": {
        "none": N_("stays put"),
        "next_business_day": N_("next business day"),
        "previous_business_day": N_("previous business day"),
    },
    "basis": {
        "agency": N_("agency"),
        "law": N_("law"),
        "clinic_default": N_("clinic default"),
    },
    "severity": {
        "normal": N_("normal"),
        "high": N_("high"),
        "critical": N_("critical"),
    },
}


def label(vocabulary: str, value: str) -> str:
    """The person-facing label of `value` in the current language ('daca' → 'DACA').

    An id the table does not know (a clinic's own program, say) is shown with its hyphens and
    underscores as spaces rather than as a code."""
    found = LABELS[vocabulary].get(value)
    if found is None:
        return value.replace("_", " ").replace("-", " ")
    return _(found)


def rule_when(
    days: int, direction: str, fact: str, where: tuple[str, ...] = (), except_: tuple[str, ...] = ()
) -> str:
    """When a deadline rule falls, in words: '120 days before the end of deferred action'."""
    what = label("fact", fact)
    if days == 0:
        text = _("on {fact}").format(fact=what)
    elif direction == "before":
        text = ngettext("{n} day before {fact}", "{n} days before {fact}", days).format(
            n=days, fact=what
        )
    else:
        text = ngettext("{n} day after {fact}", "{n} days after {fact}", days).format(
            n=days, fact=what
        )
    if where:
        text += " " + _("(only {states})").format(states=", ".join(where))
    if except_:
        text += " " + _("(not {states})").format(states=", ".join(except_))
    return contract(text)


def language_label(code: str) -> str:
    """A language code as its name in the current language ('es' → 'español' / 'Spanish')."""
    from clinic_app.documents.context import language_name  # Babel's tables: loaded on use
    from clinic_app.i18n import current_language

    return language_name(code, current_language()) if code else ""


def country_label(country: str) -> str:
    """A country stored in English, in the current language when Babel knows it."""
    from clinic_app.documents.context import country_name
    from clinic_app.i18n import current_language

    return country_name(country, current_language())
