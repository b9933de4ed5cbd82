"""Controlled vocabularies: matter kinds, pipeline stages, grant kinds, event kinds, roles."""

from __future__ import annotations

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
