"""Rule packs (TOML in resources/rules) read, checked and combined with a clinic's overrides.

A pack describes one program: its policy status history and the rules that turn a matter's
facts into dates. Nothing here reads the clock or the vault: the caller hands in the packs'
files and the clinic's settings, and gets back an immutable `RuleBook` for the engine.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from clinic_app.deadlines.calendar import ROLLS, BusinessCalendar
from clinic_app.errors import UserError
from clinic_app.resources import resource_path

# Bump when the engine's output for the same facts and rules changes: every vault recomputes.
ENGINE_VERSION = 1
PACK_SCHEMA = 1
FALLBACK_PROGRAM = "work-permit"

# Facts a rule can start from, with the label used in sentences.
FACTS: dict[str, str] = {
    "grant_end": "Deferred action ends",
    "work_permit_end": "Work permit ends",
    "letter_period_end": "Agency letter period ends",
    "filed_date": "Filed",
    "receipt_date": "Receipt notice",
    "decided_on": "Decided",
    "rfe_notice": "RFE notice",
    "biometrics_date": "Biometrics appointment",
    "terminated_on": "Grant terminated",
}
# What a deadline is, in the clinic's words. "task" is for manual tasks, never for rules.
KINDS: dict[str, str] = {
    "grant_end": "Deferred action ends",
    "work_permit_end": "Work permit ends",
    "renewal_prep_start": "Start preparing the renewal",
    "renewal_file_by": "File the renewal",
    "letter_period_end": "Agency letter period ends",
    "rfe_response_due": "RFE response due",
    "rfe_internal_target": "RFE internal target",
    "biometrics": "Biometrics appointment",
    "decision_follow_up": "Decision follow-up",
    "termination_review": "Terminated grant: urgent review",
    "task": "Task",
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
_RULE_ID = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")
_PROGRAM_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_PLACEHOLDERS = {"fact_label", "fact_date", "days", "due", "mail_days", "stated_due"}
_FIELD = re.compile(r"\{([^{}]*)\}")
_TEXTS = ("message", "why", "why_mailed", "why_stated")

# Setting keys (values are JSON) where a clinic keeps its changes to the rules.
OVERRIDES_KEY = "deadlines.overrides"
CLOSED_DAYS_KEY = "deadlines.closed_days"
POLICY_KEY = "deadlines.policy"
FINGERPRINT_KEY = "deadlines.computed"


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
        if self.days == 0:
            return f"on {self.fact}"
        return f"{self.days} days {self.direction} {self.fact}"


@dataclass(frozen=True)
class RulePack:
    program: str
    title: str
    description: str
    caution: str
    policy: tuple[PolicyEntry, ...]
    rules: tuple[Rule, ...]
    path: str = ""


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
                f"There is no rule '{rule_id}'; 'clinic-app rules show' lists the rule ids."
            )
        return found

    def rules_by_id(self) -> dict[str, Rule]:
        return dict(self._index)

    def policy_history(self, program: str) -> tuple[PolicyEntry, ...]:
        """Shipped and clinic-recorded entries for a program, oldest first."""
        shipped = self.packs[program].policy if program in self.packs else ()
        entries = list(shipped) + list(self.clinic_policy.get(program, ()))
        return tuple(sorted(entries, key=lambda e: (e.on, e.recorded_by_clinic)))

    def policy_on(self, program: str, today: date) -> PolicyEntry | None:
        """The policy entry in force on `today` (the last one dated on or before it)."""
        current = None
        for entry in self.policy_history(program):
            if entry.on <= today:
                current = entry
        return current


# -- reading packs -------------------------------------------------------------------------------


def shipped_pack_files() -> list[Path]:
    folder = resource_path("rules")
    return sorted(folder.glob("*.toml"))


def _fail(path: str, where: str, problem: str) -> RulePackError:
    return RulePackError(f"Rule pack {Path(path).name}, {where}: {problem}.")


def _date(value: Any, path: str, where: str, name: str, required: bool = True) -> date | None:
    if value is None and not required:
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise _fail(path, where, f"'{name}' must be a date like 2025-01-24")


def _text(value: Any, path: str, where: str, name: str, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise _fail(path, where, f"'{name}' must be a non-empty text")
    return value.strip()


def _int(value: Any, path: str, where: str, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _fail(path, where, f"'{name}' must be a whole number from {low} to {high}")
    return value


def _choices(
    value: Any, allowed: Iterable[str], path: str, where: str, name: str
) -> tuple[str, ...]:
    allowed = tuple(allowed)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(path, where, f"'{name}' must be a list of texts")
    for item in value:
        if item not in allowed:
            raise _fail(path, where, f"'{name}' has '{item}'; known: {', '.join(allowed)}")
    return tuple(value)


def _check_template(template: str, path: str, where: str, name: str) -> None:
    for placeholder in _FIELD.findall(template):
        if placeholder not in _PLACEHOLDERS:
            raise _fail(
                path,
                where,
                f"'{name}' uses {{{placeholder}}}; known: "
                + ", ".join("{" + p + "}" for p in sorted(_PLACEHOLDERS)),
            )


def _policy(raw: Any, path: str, index: int) -> PolicyEntry:
    where = f"policy entry {index + 1}"
    if not isinstance(raw, dict):
        raise _fail(path, where, "must be a table")
    status = raw.get("status")
    if status not in POLICY_STATUSES:
        raise _fail(path, where, f"'status' must be one of {', '.join(POLICY_STATUSES)}")
    return PolicyEntry(
        status=status,
        on=_date(raw.get("date"), path, where, "date"),  # type: ignore[arg-type]
        summary=_text(raw.get("summary"), path, where, "summary"),
        source=_text(raw.get("source"), path, where, "source"),
        last_checked=_date(raw.get("last_checked"), path, where, "last_checked"),
    )


_RULE_FIELDS = {
    "id",
    "kind",
    "fact",
    "days",
    "direction",
    "roll",
    "severity",
    "soon_days",
    "reminders",
    "basis",
    "message",
    "why",
    "why_mailed",
    "why_stated",
    "when",
    "done_when",
    "retire_after",
    "mailed_extra_days",
    "honor_stated_due",
    "source",
    "last_checked",
    "translations",
}


def _rule(raw: Any, program: str, path: str, index: int, earlier_kinds: set[str]) -> Rule:
    where = f"rule {index + 1}"
    if not isinstance(raw, dict):
        raise _fail(path, where, "must be a table")
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not _RULE_ID.match(rule_id):
        raise _fail(path, where, "'id' must look like 'lda.renewal_file_by' (lower case, dotted)")
    where = f"rule {rule_id}"
    unknown = sorted(set(raw) - _RULE_FIELDS)
    if unknown:
        raise _fail(path, where, f"unknown field(s) {', '.join(unknown)}")
    kind = raw.get("kind")
    if kind not in KINDS or kind == "task":
        raise _fail(
            path, where, f"'kind' must be one of {', '.join(k for k in KINDS if k != 'task')}"
        )
    if kind in earlier_kinds:
        raise _fail(path, where, f"a pack has one rule per kind, and '{kind}' came earlier")
    fact = raw.get("fact")
    if fact not in FACTS and fact not in earlier_kinds:
        raise _fail(
            path,
            where,
            f"'fact' must be one of {', '.join(FACTS)} or the kind of an earlier rule in the pack",
        )
    direction = raw.get("direction", "after")
    if direction not in DIRECTIONS:
        raise _fail(path, where, "'direction' must be 'before' or 'after'")
    roll = raw.get("roll", "none")
    if roll not in ROLLS:
        raise _fail(path, where, f"'roll' must be one of {', '.join(ROLLS)}")
    severity = raw.get("severity", "normal")
    if severity not in SEVERITIES:
        raise _fail(path, where, f"'severity' must be one of {', '.join(SEVERITIES)}")
    basis = raw.get("basis")
    if basis not in BASES:
        raise _fail(path, where, f"'basis' must be one of {', '.join(BASES)}")
    reminders = raw.get("reminders", [])
    if not isinstance(reminders, list):
        raise _fail(path, where, "'reminders' must be a list of days before the due date")
    reminder_days = tuple(
        sorted(
            {_int(r, path, where, "reminders", 0, MAX_DAYS) for r in reminders},
            reverse=True,
        )
    )
    retire_after = raw.get("retire_after")
    if retire_after is not None and retire_after not in FACTS:
        raise _fail(path, where, f"'retire_after' must be one of {', '.join(FACTS)}")
    honor = raw.get("honor_stated_due", False)
    if not isinstance(honor, bool):
        raise _fail(path, where, "'honor_stated_due' must be true or false")
    translations: dict[str, dict[str, str]] = {}
    for lang, texts in (raw.get("translations") or {}).items():
        if not isinstance(texts, dict) or not set(texts) <= set(_TEXTS):
            raise _fail(path, where, f"translations.{lang} may only hold {', '.join(_TEXTS)}")
        translations[lang] = {
            k: _text(v, path, where, f"translations.{lang}.{k}") for k, v in texts.items()
        }
    rule = Rule(
        id=rule_id,
        program=program,
        kind=kind,
        fact=fact,
        days=_int(raw.get("days"), path, where, "days", 0, MAX_DAYS),
        direction=direction,
        roll=roll,
        severity=severity,
        soon_days=_int(raw.get("soon_days", 14), path, where, "soon_days", 0, MAX_DAYS),
        reminders=reminder_days,
        basis=basis,
        message=_text(raw.get("message"), path, where, "message"),
        why=_text(raw.get("why"), path, where, "why"),
        why_mailed=_text(raw.get("why_mailed"), path, where, "why_mailed", required=False),
        why_stated=_text(raw.get("why_stated"), path, where, "why_stated", required=False),
        when=_choices(raw.get("when"), WHEN, path, where, "when"),
        done_when=_choices(raw.get("done_when"), DONE_WHEN, path, where, "done_when"),
        retire_after=retire_after,
        mailed_extra_days=_int(
            raw.get("mailed_extra_days", 0), path, where, "mailed_extra_days", 0, 30
        ),
        honor_stated_due=honor,
        source=_text(raw.get("source"), path, where, "source"),
        last_checked=_date(raw.get("last_checked"), path, where, "last_checked"),
        translations=translations,
    )
    for name in _TEXTS[1:]:
        _check_template(getattr(rule, name), path, where, name)
    for lang, texts in translations.items():
        for name, template in texts.items():
            _check_template(template, path, where, f"translations.{lang}.{name}")
    return rule


def parse_pack(text: str, path: str = "<pack>") -> RulePack:
    """Read and check one pack; a mistake is one sentence naming the file and the rule."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulePackError(f"Rule pack {Path(path).name} is not valid TOML: {exc}.") from exc
    if raw.get("schema") != PACK_SCHEMA:
        raise _fail(path, "top", f"'schema' must be {PACK_SCHEMA}")
    program = raw.get("program")
    if not isinstance(program, dict):
        raise _fail(path, "top", "a [program] table is required")
    program_id = program.get("id")
    if not isinstance(program_id, str) or not _PROGRAM_ID.match(program_id):
        raise _fail(path, "[program]", "'id' must be lower case letters, digits and hyphens")
    policy = raw.get("policy", [])
    rules_raw = raw.get("rules")
    if not isinstance(policy, list):
        raise _fail(path, "top", "'policy' must be a list of [[policy]] tables")
    if not isinstance(rules_raw, list) or not rules_raw:
        raise _fail(path, "top", "a pack needs at least one [[rules]] table")
    kinds: set[str] = set()
    rules = []
    for index, item in enumerate(rules_raw):
        rule = _rule(item, program_id, path, index, kinds)
        kinds.add(rule.kind)
        rules.append(rule)
    return RulePack(
        program=program_id,
        title=_text(program.get("title"), path, "[program]", "title"),
        description=_text(program.get("description"), path, "[program]", "description", False),
        caution=_text(program.get("caution"), path, "[program]", "caution", False),
        policy=tuple(
            sorted((_policy(p, path, i) for i, p in enumerate(policy)), key=lambda e: e.on)
        ),
        rules=tuple(rules),
        path=path,
    )


_pack_cache: dict[tuple[str, int, int], tuple[RulePack, str]] = {}


def load_pack(path: Path) -> tuple[RulePack, str]:
    """A pack file and the SHA-256 of its bytes; cached while the file is unchanged."""
    stat = path.stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    found = _pack_cache.get(key)
    if found is None:
        data = path.read_bytes()
        found = (parse_pack(data.decode("utf-8"), str(path)), hashlib.sha256(data).hexdigest())
        _pack_cache[key] = found
    return found


def load_packs(paths: Iterable[Path] | None = None) -> tuple[dict[str, RulePack], str]:
    """Every pack by program id, and one digest of all their bytes."""
    packs: dict[str, RulePack] = {}
    digest = hashlib.sha256()
    seen_ids: dict[str, str] = {}
    for path in shipped_pack_files() if paths is None else paths:
        pack, sha = load_pack(Path(path))
        if pack.program in packs:
            raise _fail(str(path), "[program]", f"program '{pack.program}' has two packs")
        for rule in pack.rules:
            if rule.id in seen_ids:
                raise _fail(
                    str(path), f"rule {rule.id}", f"the id is also used in {seen_ids[rule.id]}"
                )
            seen_ids[rule.id] = Path(path).name
        packs[pack.program] = pack
        digest.update(sha.encode())
    if FALLBACK_PROGRAM not in packs:
        raise RulePackError(f"The rule pack '{FALLBACK_PROGRAM}' is missing; reinstall the app.")
    return packs, digest.hexdigest()


# -- a clinic's changes -------------------------------------------------------------------------


@dataclass(frozen=True)
class ClinicRuleSettings:
    """What a clinic changed, as stored (JSON) in the vault settings."""

    overrides: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    closed_days: Mapping[str, str] = field(default_factory=dict)  # ISO date -> label
    policy: Mapping[str, list[Mapping[str, Any]]] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, values: Mapping[str, Any]) -> ClinicRuleSettings:
        def table(key: str) -> dict[str, Any]:
            value = values.get(key)
            return dict(value) if isinstance(value, dict) else {}

        return cls(
            overrides=table(OVERRIDES_KEY),
            closed_days=table(CLOSED_DAYS_KEY),
            policy=table(POLICY_KEY),
        )

    def computing_key(self) -> str:
        """What changes computed dates (not the policy notes, which only label them)."""
        return json.dumps([self.overrides, self.closed_days], sort_keys=True)


def _apply_override(rule: Rule, change: Mapping[str, Any]) -> tuple[Rule, str | None]:
    updates: dict[str, Any] = {}
    overridden: dict[str, tuple[Any, Any]] = {}
    days = change.get("days")
    if days is not None:
        if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_DAYS:
            return rule, f"the override of {rule.id} has days={days!r}, which was ignored"
        updates["days"] = days
        overridden["days"] = (rule.days, days)
    reminders = change.get("reminders")
    if reminders is not None:
        if not isinstance(reminders, list) or not all(
            isinstance(r, int) and not isinstance(r, bool) and 0 <= r <= MAX_DAYS for r in reminders
        ):
            return rule, f"the override of {rule.id} has reminders={reminders!r}, which was ignored"
        value = tuple(sorted(set(reminders), reverse=True))
        updates["reminders"] = value
        overridden["reminders"] = (rule.reminders, value)
    if not updates:
        return rule, None
    return replace(rule, overridden=overridden, **updates), None


def build_rulebook(
    settings: ClinicRuleSettings | None = None,
    *,
    packs: Mapping[str, RulePack] | None = None,
    packs_digest: str = "",
    federal_holidays: bool = True,
) -> RuleBook:
    """Packs (the shipped ones unless given) with the clinic's overrides applied."""
    settings = settings or ClinicRuleSettings()
    if packs is None:
        packs, packs_digest = load_packs()
    warnings: list[str] = []
    known = {r.id for pack in packs.values() for r in pack.rules}
    for rule_id in settings.overrides:
        if rule_id not in known:
            warnings.append(
                f"the override of '{rule_id}' names no rule of this version; it is ignored"
            )
    effective: dict[str, RulePack] = {}
    for program, pack in packs.items():
        rules = []
        for rule in pack.rules:
            change = settings.overrides.get(rule.id)
            if change:
                rule, problem = _apply_override(rule, change)
                if problem:
                    warnings.append(problem)
            rules.append(rule)
        effective[program] = replace(pack, rules=tuple(rules))
    closed: dict[date, str] = {}
    for day, label in settings.closed_days.items():
        try:
            closed[date.fromisoformat(day)] = str(label)
        except ValueError:
            warnings.append(f"the closed day '{day}' is not a date; it is ignored")
    clinic_policy: dict[str, tuple[PolicyEntry, ...]] = {}
    for program, entries in settings.policy.items():
        parsed = []
        for entry in entries if isinstance(entries, list) else []:
            try:
                parsed.append(
                    PolicyEntry(
                        status=str(entry["status"]),
                        on=date.fromisoformat(str(entry["date"])),
                        summary=str(entry.get("summary", "")),
                        source=str(entry.get("source", "")),
                        last_checked=None,
                        recorded_by_clinic=True,
                    )
                )
            except (KeyError, TypeError, ValueError):
                warnings.append(f"a policy note for '{program}' is malformed; it is ignored")
        clinic_policy[program] = tuple(parsed)
    fingerprint = hashlib.sha256(
        f"{ENGINE_VERSION}|{packs_digest}|{settings.computing_key()}|{federal_holidays}".encode()
    ).hexdigest()
    return RuleBook(
        packs=effective,
        calendar=BusinessCalendar(closed, federal=federal_holidays),
        clinic_policy=clinic_policy,
        fingerprint=fingerprint,
        warnings=tuple(warnings),
    )


_book_cache: dict[tuple[str, str], RuleBook] = {}


def rulebook_for(settings: ClinicRuleSettings) -> RuleBook:
    """The shipped packs with these settings, cached (rule books are immutable)."""
    packs, digest = load_packs()
    key = (
        digest,
        json.dumps([settings.overrides, settings.closed_days, settings.policy], sort_keys=True),
    )
    book = _book_cache.get(key)
    if book is None:
        if len(_book_cache) > 16:
            _book_cache.clear()
        book = build_rulebook(settings, packs=packs, packs_digest=digest)
        _book_cache[key] = book
    return book
