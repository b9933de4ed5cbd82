"""The fields a template may use: names, kinds, descriptions (the one list behind checks and docs)."""

from __future__ import annotations

from dataclasses import dataclass

from clinic_app.i18n import N_

# Kinds of value a field holds.
TEXT = "text"
DATE = "date"  # already written out in the document's language ("March 1, 2027")
NUMBER = "number"
LIST = "list"  # a list of items, each with the sub-fields in `items`

# Which documents may use a field.
CLINIC = "clinic"  # the same for every document: clinic settings and the date
LETTER = "letter"  # the agency letter and the employer, worksite and dispute it names
MATTER = "matter"  # one worker's matter: only in per-matter documents
GROUP = "group"  # every worker under one agency letter: only in worksite-wide documents

SCOPE_TITLES = {
    CLINIC: N_("Clinic and date (every document)"),
    LETTER: N_("Agency letter, employer, worksite and dispute (every document)"),
    MATTER: N_("The worker and the matter (one document per matter)"),
    GROUP: N_("Worksite-wide documents (one document per agency letter)"),
}


@dataclass(frozen=True)
class FieldSpec:
    """One field: its dotted name, kind, scope, what it holds, and what to do when it is empty."""

    name: str
    kind: str
    scope: str
    description: str
    missing: str = ""  # what a person should do when the field has no value
    items: tuple[FieldSpec, ...] = ()  # sub-fields of each list item (names are relative)

    @property
    def group(self) -> str:
        """The part before the first dot ("client" for client.full_name)."""
        return self.name.split(".", 1)[0]


def _setting(key: str, what: str) -> str:
    # services/documents/render.py says it in the person's language (hint_words).
    return f"{what} is not set; set it with: clinic-app clinic --set {key}=..."


# What the agency-intake hint below names, for the catalog (the others go through _setting).
_AGENCY_INTAKE = N_("the agency's Statement of Interest intake")


FIELDS: tuple[FieldSpec, ...] = (
    # -- clinic and date ------------------------------------------------------------------
    FieldSpec(
        "today",
        DATE,
        CLINIC,
        N_("The date the document is generated (--today, else the computer's date)."),
    ),
    FieldSpec(
        "clinic.name",
        TEXT,
        CLINIC,
        N_("The clinic's name."),
        _setting("name", N_("the clinic's name")),
    ),
    FieldSpec(
        "clinic.address",
        TEXT,
        CLINIC,
        N_("The clinic's postal address, one line per line of the setting."),
        _setting("address", N_("the clinic's address")),
    ),
    FieldSpec(
        "clinic.phone",
        TEXT,
        CLINIC,
        N_("The clinic's telephone number."),
        _setting("phone", N_("the clinic's phone")),
    ),
    FieldSpec(
        "clinic.email",
        TEXT,
        CLINIC,
        N_("The clinic's email address."),
        _setting("email", N_("the clinic's email")),
    ),
    FieldSpec(
        "signer.name",
        TEXT,
        CLINIC,
        N_("The attorney or accredited representative who signs filings."),
        _setting("signer_name", N_("the signer's name")),
    ),
    FieldSpec(
        "signer.title",
        TEXT,
        CLINIC,
        N_('The signer\'s title, e.g. "Attorney at Law" or "DOJ Accredited Representative".'),
        _setting("signer_title", N_("the signer's title")),
    ),
    FieldSpec(
        "signer.bar_number",
        TEXT,
        CLINIC,
        N_("The signer's bar number or accreditation, as it should be printed."),
        _setting("signer_bar_number", N_("the signer's bar number")),
    ),
    FieldSpec(
        "uscis.address",
        TEXT,
        CLINIC,
        N_(
            "Where requests are mailed (the central USCIS intake), from the clinic settings; the "
            "setting records its source and the date it was last checked."
        ),
        _setting("uscis_address", N_("the USCIS intake address"))
        + " (with uscis_address_source=... and uscis_address_checked=YYYY-MM-DD)",
    ),
    # -- agency letter, employer, worksite, dispute -------------------------------------------
    FieldSpec(
        "employer.name", TEXT, LETTER, N_("The employer's name."), N_("no employer is recorded")
    ),
    FieldSpec(
        "employer.address",
        TEXT,
        LETTER,
        N_("The employer's street address."),
        N_("no employer address is recorded"),
    ),
    FieldSpec(
        "employer.city",
        TEXT,
        LETTER,
        N_("The employer's city."),
        N_("no employer city is recorded"),
    ),
    FieldSpec(
        "employer.state",
        TEXT,
        LETTER,
        N_("The employer's state."),
        N_("no employer state is recorded"),
    ),
    FieldSpec(
        "worksite.name",
        TEXT,
        LETTER,
        N_("The worksite's name, if it has one."),
        N_("no worksite name is recorded"),
    ),
    FieldSpec(
        "worksite.address",
        TEXT,
        LETTER,
        N_("The worksite's street address (the employer's when no worksite is recorded)."),
        N_("no worksite address is recorded"),
    ),
    FieldSpec(
        "worksite.city",
        TEXT,
        LETTER,
        N_("The worksite's city (the employer's when no worksite is recorded)."),
        N_("no worksite city is recorded"),
    ),
    FieldSpec(
        "worksite.state",
        TEXT,
        LETTER,
        N_("The worksite's state (the employer's when no worksite is recorded)."),
        N_("no worksite state is recorded"),
    ),
    FieldSpec(
        "dispute.case_number",
        TEXT,
        LETTER,
        N_("The labor agency's complaint or case number."),
        N_("no case number is recorded for the labor dispute"),
    ),
    FieldSpec(
        "dispute.violation_kind",
        TEXT,
        LETTER,
        N_('What the dispute is about, as recorded (e.g. "unpaid overtime").'),
        N_("no kind of violation is recorded for the labor dispute"),
    ),
    FieldSpec(
        "dispute.status",
        TEXT,
        LETTER,
        N_(
            'The dispute\'s status: "open", "investigating", "settled" or "closed", for '
            'conditions such as {% if dispute.status == "settled" %}…{% endif %}.'
        ),
        N_("no labor dispute is linked to the agency letter"),
    ),
    FieldSpec(
        "letter.agency",
        TEXT,
        LETTER,
        N_("The labor agency that issued (or is asked for) the Statement of Interest, in full."),
        N_("no agency letter is linked to this matter"),
    ),
    FieldSpec(
        "letter.agency_with_article",
        TEXT,
        LETTER,
        N_(
            'The agency with its article, to use in a sentence: "the U.S. Department of Labor, Wage and Hour Division", "la División de Horas y Salarios …".'
        ),
        N_("no agency letter is linked to this matter"),
    ),
    FieldSpec(
        "letter.agency_code",
        TEXT,
        LETTER,
        N_('The agency as recorded in the vault (e.g. "DOL-WHD").'),
        N_("no agency letter is linked to this matter"),
    ),
    FieldSpec(
        "letter.agency_intake",
        TEXT,
        LETTER,
        N_(
            "Where this agency takes Statement of Interest requests, from the clinic settings "
            "(agency_intake.<agency code>)."
        ),
        N_(
            "the agency's Statement of Interest intake is not set; set it with: "
            "clinic-app clinic --set agency_intake.<agency code>=..."
        ),
    ),
    FieldSpec(
        "letter.date_issued",
        DATE,
        LETTER,
        N_("The date of the Statement of Interest."),
        N_("the agency letter has no date"),
    ),
    FieldSpec(
        "letter.period_start",
        DATE,
        LETTER,
        N_("First day of the period the letter covers."),
        N_("the agency letter's period has no start date"),
    ),
    FieldSpec(
        "letter.period_end",
        DATE,
        LETTER,
        N_("Last day of the period the letter covers."),
        N_("the agency letter's period has no end date"),
    ),
    FieldSpec(
        "letter.reference",
        TEXT,
        LETTER,
        N_("The letter's reference, as recorded."),
        N_("the agency letter has no reference"),
    ),
    # -- the worker and the matter ----------------------------------------------------------
    FieldSpec(
        "client.full_name",
        TEXT,
        MATTER,
        N_("The worker's name as they write it (accents, two surnames and one-word names kept)."),
    ),
    FieldSpec(
        "client.first_name",
        TEXT,
        MATTER,
        N_("The worker's first (given) names."),
        N_("no first name is recorded"),
    ),
    FieldSpec(
        "client.last_name",
        TEXT,
        MATTER,
        N_("The worker's last name(s); empty for a one-word name."),
        N_("no last name is recorded (a one-word name)"),
    ),
    FieldSpec(
        "client.a_number",
        TEXT,
        MATTER,
        N_(
            'The A-number, e.g. "A012345678". Many workers have none: write '
            '{{ client.a_number or "None" }}.'
        ),
        N_("no A-number is recorded"),
    ),
    FieldSpec(
        "client.date_of_birth",
        DATE,
        MATTER,
        N_("Date of birth."),
        N_("no date of birth is recorded"),
    ),
    FieldSpec(
        "client.country_of_birth",
        TEXT,
        MATTER,
        N_("Country of birth, in the document's language when it is a known country name."),
        N_("no country of birth is recorded"),
    ),
    FieldSpec(
        "client.preferred_language",
        TEXT,
        MATTER,
        N_('Code of the worker\'s preferred language (e.g. "es"; "en" when none is recorded).'),
    ),
    FieldSpec(
        "client.preferred_language_name",
        TEXT,
        MATTER,
        N_("Name of the worker's preferred language, in the document's language."),
    ),
    FieldSpec(
        "client.preferred_language_name_en",
        TEXT,
        MATTER,
        N_("The same name in English, for certificates filed in English."),
    ),
    FieldSpec(
        "client.mailing_address",
        TEXT,
        MATTER,
        N_(
            "Where to mail the worker: the other address their safe-contact rules name, else their address; empty when they must not be mailed."
        ),
        N_("no address is recorded for the worker"),
    ),
    FieldSpec(
        "client.do_not_mail",
        NUMBER,
        MATTER,
        N_(
            "1 when the client's safe-contact rules say not to mail them (no address block then), else 0."
        ),
    ),
    FieldSpec(
        "client.contact_banner",
        TEXT,
        MATTER,
        N_(
            'The staff\'s first line for a client with safe-contact rules, e.g. "DO NOT MAIL — text messages only".'
        ),
        N_("the client has no safe-contact rules"),
    ),
    FieldSpec(
        "matter.fee",
        TEXT,
        MATTER,
        N_('How the filing fee is met: "fee" or "waiver" (Form I-912).'),
        N_("the fee or fee waiver is not chosen on the matter"),
    ),
    FieldSpec(
        "document.language", TEXT, MATTER, N_('The code of this document\'s language ("en", "es").')
    ),
    FieldSpec(
        "document.signed_language",
        TEXT,
        MATTER,
        N_(
            "The language the worker signs in: the first of their languages this template exists in, else this document's. When it differs from document.language, this document is a translation."
        ),
    ),
    FieldSpec(
        "document.signed_language_name",
        TEXT,
        MATTER,
        N_("That language's name, in this document's language."),
    ),
    FieldSpec("matter.id", TEXT, MATTER, N_("The matter's number in the vault.")),
    FieldSpec(
        "matter.kind",
        TEXT,
        MATTER,
        N_('The kind of request: "initial", "renewal", "extension" or "other" (for conditions).'),
    ),
    FieldSpec(
        "matter.stage",
        TEXT,
        MATTER,
        N_('The pipeline stage ("drafting", "filed", "decision", "closed"…), for conditions.'),
    ),
    FieldSpec(
        "matter.decision",
        TEXT,
        MATTER,
        N_('The decision, once made: "granted", "denied", "withdrawn" or "terminated".'),
        N_("the matter is not decided"),
    ),
    FieldSpec(
        "matter.request_type",
        TEXT,
        MATTER,
        N_("The kind of request in words, in the document's language."),
    ),
    FieldSpec(
        "matter.program_name",
        TEXT,
        MATTER,
        N_("The program in words, in the document's language."),
    ),
    FieldSpec(
        "matter.receipt_number",
        TEXT,
        MATTER,
        N_("The USCIS receipt number of this request."),
        N_("no receipt number is recorded"),
    ),
    FieldSpec(
        "matter.filed_on",
        DATE,
        MATTER,
        N_("The date this request was filed."),
        N_("no filing date"),
    ),
    FieldSpec(
        "grant.start",
        DATE,
        MATTER,
        N_(
            "Start of the worker's latest grant of deferred action (the one a renewal or "
            "extension continues; once another request is granted, that newer grant)."
        ),
        N_("no grant of deferred action is recorded"),
    ),
    FieldSpec(
        "grant.end",
        DATE,
        MATTER,
        N_("End of that grant of deferred action."),
        N_("no grant of deferred action (with an end date) is recorded"),
    ),
    FieldSpec(
        "grant.days_left",
        NUMBER,
        MATTER,
        N_(
            "Days from today to grant.end (negative once it has passed), for conditions such as "
            "{% if grant.days_left < 0 %}ended{% else %}ends{% endif %}."
        ),
        N_("no grant of deferred action (with an end date) is recorded"),
    ),
    FieldSpec(
        "grant.state",
        TEXT,
        MATTER,
        N_(
            'The grant\'s state today: "live", "ending" (within 180 days), "ended" or "terminated".'
        ),
        N_("no grant of deferred action is recorded"),
    ),
    FieldSpec(
        "grant.ended_on",
        DATE,
        MATTER,
        N_(
            "The grant's end date once it has passed (empty while it runs or if it was terminated)."
        ),
        N_("the grant has not ended"),
    ),
    FieldSpec(
        "grant.total_years",
        NUMBER,
        MATTER,
        N_("How many years the grant runs, start to end (2 or 4)."),
        N_("no grant with start and end dates is recorded"),
    ),
    FieldSpec(
        "grant.terminated_on",
        DATE,
        MATTER,
        N_("The date that grant was terminated, if it was."),
        N_("the grant was not terminated"),
    ),
    FieldSpec(
        "grant.receipt_number",
        TEXT,
        MATTER,
        N_("Receipt number of the request that produced that grant."),
        N_("no receipt number is recorded for the granted request"),
    ),
    FieldSpec(
        "work_permit.start",
        DATE,
        MATTER,
        N_("Start of the work permit (EAD), chosen like grant."),
        N_("no work permit is recorded"),
    ),
    FieldSpec(
        "work_permit.end",
        DATE,
        MATTER,
        N_("End of the work permit (EAD); (c)(14) cards are not extended automatically."),
        N_("no work permit (with an end date) is recorded"),
    ),
    FieldSpec(
        "work_permit.days_left",
        NUMBER,
        MATTER,
        N_("Days from today to work_permit.end (negative once it has passed)."),
        N_("no work permit (with an end date) is recorded"),
    ),
    FieldSpec(
        "work_permit.state",
        TEXT,
        MATTER,
        N_("The work permit's state today, like grant.state."),
        N_("no work permit is recorded"),
    ),
    FieldSpec(
        "work_permit.ended_on",
        DATE,
        MATTER,
        N_("The work permit's end date once it has passed."),
        N_("the work permit has not ended"),
    ),
    FieldSpec(
        "work_permit.terminated_on",
        DATE,
        MATTER,
        N_("The date the work permit was terminated, if it was."),
        N_("the work permit was not terminated"),
    ),
    FieldSpec(
        "work_permit.category",
        TEXT,
        MATTER,
        N_('The work permit category as printed, e.g. "(c)(14)".'),
        N_("no work permit is recorded"),
    ),
    FieldSpec(
        "appointment.date",
        DATE,
        MATTER,
        N_(
            "The next biometrics appointment on or after today, from the notice recorded; "
            "else the last one before today."
        ),
        N_("no biometrics appointment is recorded"),
    ),
    FieldSpec(
        "appointment.days_left",
        NUMBER,
        MATTER,
        N_(
            "Days from today to appointment.date: 0 on the day, negative once it has passed, "
            "for conditions such as {% if appointment.days_left == 0 %}today{% endif %}."
        ),
        N_("no biometrics appointment is recorded"),
    ),
    FieldSpec(
        "preparer.name",
        TEXT,
        MATTER,
        N_("The staff member the matter is assigned to, else the signer."),
        N_("the matter is assigned to nobody and no signer is set"),
    ),
    FieldSpec(
        "preparer.email",
        TEXT,
        MATTER,
        N_("That staff member's email, else the clinic's."),
        N_("no email is recorded for the preparer or the clinic"),
    ),
    FieldSpec(
        "enclosures",
        LIST,
        MATTER,
        N_(
            "The packet items marked received (or awaiting a translation) on the matter's "
            "checklist, in packet order, the cover letter itself left out. Loop over it: "
            "{%p for e in enclosures %} … {%p endfor %}."
        ),
        items=(
            FieldSpec("number", TEXT, MATTER, N_("1, 2, 3…")),
            FieldSpec("tab", TEXT, MATTER, N_("A, B, C… (for tabbed exhibits)")),
            FieldSpec("title", TEXT, MATTER, N_("What the item is, in English (it is filed).")),
        ),
    ),
    FieldSpec(
        "program.status",
        TEXT,
        LETTER,
        N_(
            'The program\'s policy status today: "open", "paused" or "ended" (rule pack history and the clinic\'s notes).'
        ),
    ),
    FieldSpec(
        "program.status_since",
        DATE,
        LETTER,
        N_("The date that status took effect."),
        N_("the program's policy history has no date"),
    ),
    # -- worksite-wide --------------------------------------------------------------------
    FieldSpec(
        "workers",
        LIST,
        GROUP,
        N_(
            "Every worker with a matter under the agency letter, in alphabetical order. A template "
            "that uses it makes one document per agency letter, not one per matter."
        ),
        items=(
            FieldSpec("full_name", TEXT, GROUP, N_("The worker's name as they write it.")),
            FieldSpec("first_name", TEXT, GROUP, N_("First (given) names.")),
            FieldSpec("last_name", TEXT, GROUP, N_("Last name(s); empty for a one-word name.")),
        ),
    ),
    FieldSpec(
        "workers_count",
        NUMBER,
        GROUP,
        N_("How many workers have a matter under the agency letter."),
    ),
    FieldSpec(
        "workers_left_out",
        NUMBER,
        GROUP,
        N_(
            "Workers not listed because all their matters are decided or closed (render with "
            "--all-workers to list them)."
        ),
    ),
)

BY_NAME: dict[str, FieldSpec] = {f.name: f for f in FIELDS}
# Names of list items' sub-fields, as "enclosures[].title".
ITEM_FIELDS: dict[str, FieldSpec] = {
    f"{f.name}[].{item.name}": item for f in FIELDS for item in f.items
}
# Every prefix that is a group of fields rather than a field ("client", "enclosures[]").
GROUPS: frozenset[str] = frozenset(
    {f.name.split(".", 1)[0] for f in FIELDS if "." in f.name}
    | {f"{f.name}[]" for f in FIELDS if f.kind == LIST}
)
ROOTS: frozenset[str] = frozenset(f.name.split(".", 1)[0] for f in FIELDS)


def spec(name: str) -> FieldSpec | None:
    """The field (or list item sub-field) with that dotted name."""
    return BY_NAME.get(name) or ITEM_FIELDS.get(name)


def names_in_scope(*scopes: str) -> list[str]:
    return [f.name for f in FIELDS if f.scope in scopes]


def is_group_field(name: str) -> bool:
    found = BY_NAME.get(name.split("[]", 1)[0])
    return found is not None and found.scope == GROUP
