"""Rule packs (TOML in resources/rules): what a pack holds, a rule, a program's policy history.

A pack describes one program: its policy status history and the rules that turn a matter's
facts into dates. Nothing here reads the clock or the vault; `packs.py` reads and checks the
files, and `rulebook.py` combines the packs with a clinic's settings into the immutable
`RuleBook` the engine uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from clinic_app.deadlines.calendar import BusinessCalendar
from clinic_app.domain.places import applies_in
from clinic_app.errors import UserError
from clinic_app.i18n import N_, _

# Bump when the engine's output for the same facts and rules changes: every vault recomputes.
# 2: deadline rows store the agency letter, the matter's inactive state and grant/permit pairs.
ENGINE_VERSION = 2
PACK_SCHEMA = 1
FALLBACK_PROGRAM = "work-permit"

# Facts a rule can start from, with the label used in sentences.
FACTS: dict[str, str] = {
    "grant_end": N_("Deferred action ends"),
    "work_permit_end": N_("Work permit ends"),
    "letter_period_end": N_("Agency letter period ends"),
    "filed_date": N_("Filed"),
    "receipt_date": N_("Receipt notice"),
    "decided_on": N_("Decided"),
    "rfe_notice": N_("RFE notice"),
    "biometrics_date": N_("Biometrics appointment"),
    "terminated_on": N_("Grant terminated"),
}
# What a deadline is, in the clinic's words. "task" is for manual tasks, never for rules.
KINDS: dict[str, str] = {
    "grant_end": N_("Deferred action ends"),
    "work_permit_end": N_("Work permit ends"),
    "work_permit_renewal": N_("File the work-permit renewal"),
    "renewal_prep_start": N_("Start preparing the renewal"),
    "renewal_file_by": N_("File the renewal"),
    "letter_period_end": N_("Agency letter period ends"),
    "rfe_response_due": N_("RFE response due"),
    "rfe_internal_target": N_("RFE internal target"),
    "biometrics": N_("Biometrics appointment"),
    "decision_follow_up": N_("Decision follow-up"),
    "termination_review": N_("Terminated grant: urgent review"),
    "task": N_("Task"),
}
# Conditions on the matter for a rule to apply at all ("terminated" is special: rules with it
# apply only to terminated grants, and only they do).
WHEN = ("terminated", "undecided", "decided", "filed", "not_filed", "renewal_matter", "open")
# Conditions under which the engine itself sees a deadline as done.
DONE_WHEN = (
    "decided",
    "filed",
    "renewal_started",
    "renewal_filed",
    "renewal_granted",
    "answered",
)
SEVERITIES = ("info", "normal", "high", "critical")
BASES = ("law", "agency", "clinic_default")
POLICY_STATUSES = ("open", "paused", "ended")
DIRECTIONS = ("before", "after")
MAX_DAYS = 3650
# A pack not re-checked within this many days of its last check is flagged as stale.
REVIEW_DAYS = 90

# Setting keys (values are JSON) where a clinic keeps its changes to the rules.
OVERRIDES_KEY = "deadlines.overrides"
CLOSED_DAYS_KEY = "deadlines.closed_days"
POLICY_KEY = "deadlines.policy"
FINGERPRINT_KEY = "deadlines.computed"
INSTALLED_KEY = "deadlines.installed"  # packs from a signed update (see deadlines/bundles.py)


class RulePackError(UserError):
    """A rule pack file is malformed; the message names the file and the rule."""


@dataclass(frozen=True)
class PolicyEntry:
    status: str  # open | paused | ended
    on: date
    summary: str
    source: str
    last_checked: date | None = None
    recorded_by_clinic: bool = False
    # Only for clients whose state is in `where` (when set), and never in `except_`.
    where: tuple[str, ...] = ()
    except_: tuple[str, ...] = ()
    translations: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def text(self, name: str, lang: str | None = None) -> str:
        if lang and name in self.translations.get(lang, {}):
            return self.translations[lang][name]
        value: str = getattr(self, name)
        return value

    def applies_to(self, state: str) -> bool:
        """Entries tied to places are shown only to clients known to live there (or not)."""
        if not (self.where or self.except_):
            return True
        return bool(state) and applies_in(state, self.where, self.except_)


@dataclass(frozen=True)
class Rule:
    id: str
    program: str
    kind: str
    fact: str
    days: int
    direction: str  # before | after
    roll: str
    severity: str
    soon_days: int
    reminders: tuple[int, ...]
    basis: str
    message: str
    why: str
    source: str
    last_checked: date | None
    why_mailed: str = ""
    why_stated: str = ""
    when: tuple[str, ...] = ()
    done_when: tuple[str, ...] = ()
    retire_after: str | None = None
    mailed_extra_days: int = 0
    honor_stated_due: bool = False
    translations: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # Only for clients whose state is in `where` (when set), and never in `except_`; a client
    # whose state is unknown gets the rule (a date is never hidden for a missing fact).
    where: tuple[str, ...] = ()
    except_: tuple[str, ...] = ()
    not_here: str = ""  # why the rule does not apply where it does not
    # Said instead of message and why once the date has passed (an end is never said as to come).
    message_past: str = ""
    why_past: str = ""
    # What the clinic changed, as {"days": (shipped, now)}; empty when nothing was.
    overridden: Mapping[str, tuple[Any, Any]] = field(default_factory=dict)

    @property
    def offset(self) -> int:
        """Signed days from the fact to the due date."""
        return -self.days if self.direction == "before" else self.days

    def text(self, name: str, lang: str | None = None) -> str:
        """One of the rule's sentences (message, why...), in `lang` when the pack has it."""
        if lang and lang in self.translations and name in self.translations[lang]:
            return self.translations[lang][name]
        value: str = getattr(self, name)
        return value

    def describe(self) -> str:
        """'120 days before grant_end', for lists of rules."""
        text = (
            f"on {self.fact}"
            if self.days == 0
            else f"{self.days} days {self.direction} {self.fact}"
        )
        if self.where:
            text += " (only " + ", ".join(self.where) + ")"
        if self.except_:
            text += " (not " + ", ".join(self.except_) + ")"
        return text

    def applies_to(self, state: str) -> bool:
        return applies_in(state, self.where, self.except_)


@dataclass(frozen=True)
class RulePack:
    program: str
    title: str
    description: str
    caution: str
    policy: tuple[PolicyEntry, ...]
    rules: tuple[Rule, ...]
    path: str = ""
    released: date | None = None  # when this edition of the pack was published
    last_checked: date | None = None  # the oldest check of any of its entries, unless given
    review_by: date | None = None  # last_checked + REVIEW_DAYS, unless given
    source: str = "shipped"  # or "update" for a pack installed from a signed bundle
    translations: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def text(self, name: str, lang: str | None = None) -> str:
        """The pack's title, description or caution in `lang` when the pack has it."""
        if lang and name in self.translations.get(lang, {}):
            return self.translations[lang][name]
        value: str = getattr(self, name)
        return value

    def is_stale(self, today: date) -> bool:
        return self.review_by is not None and today > self.review_by


@dataclass(frozen=True)
class RuleBook:
    """The effective rules: shipped packs with a clinic's overrides, closed days and policy notes."""

    packs: Mapping[str, RulePack]
    calendar: BusinessCalendar
    clinic_policy: Mapping[str, tuple[PolicyEntry, ...]] = field(default_factory=dict)
    fingerprint: str = ""
    warnings: tuple[str, ...] = ()
    _index: dict[str, Rule] = field(default_factory=dict, init=False, repr=False, compare=False)
    # Anything derived from the rules once per book (the engine keeps its compiled steps here).
    memo: dict[Any, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._index.update({r.id: r for pack in self.packs.values() for r in pack.rules})

    def pack_for(self, program: str) -> RulePack:
        """The program's own pack, else the generic work-permit pack."""
        return self.packs.get(program) or self.packs[FALLBACK_PROGRAM]

    def rule(self, rule_id: str) -> Rule:
        found = self._index.get(rule_id)
        if found is None:
            raise UserError(
                _(
                    "There is no rule '{rule_id}'; 'clinic-app rules show' lists the rule ids."
                ).format(rule_id=rule_id)
            )
        return found

    def rules_by_id(self) -> dict[str, Rule]:
        return dict(self._index)

    def policy_history(self, program: str, state: str | None = None) -> tuple[PolicyEntry, ...]:
        """Shipped and clinic-recorded entries for a program, oldest first.

        With `state` ("" when unknown), only the entries that apply to a client there.
        """
        shipped = self.packs[program].policy if program in self.packs else ()
        entries = list(shipped) + list(self.clinic_policy.get(program, ()))
        if state is not None:
            entries = [e for e in entries if e.applies_to(state)]
        return tuple(sorted(entries, key=lambda e: (e.on, e.recorded_by_clinic)))

    def policy_on(self, program: str, today: date, state: str | None = None) -> PolicyEntry | None:
        """The policy entry in force on `today` (the last one dated on or before it)."""
        current = None
        for entry in self.policy_history(program, "" if state is None else state):
            if entry.on <= today:
                current = entry
        return current

    def not_here(self, program: str, state: str) -> list[Rule]:
        """The program's rules that do not apply to a client living in `state`."""
        return [r for r in self.pack_for(program).rules if not r.applies_to(state)]

    def stale_packs(self, today: date) -> list[RulePack]:
        """Packs past their review date, by title."""
        return sorted((p for p in self.packs.values() if p.is_stale(today)), key=lambda p: p.title)
