"""A clinic's rule book: the shipped packs, signed updates installed in the vault, and the
clinic's own changes (overrides, closed days, policy notes), combined into one `RuleBook`."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from clinic_app.deadlines.calendar import BusinessCalendar
from clinic_app.deadlines.packs import load_packs, parse_pack
from clinic_app.deadlines.rules import (
    CLOSED_DAYS_KEY,
    ENGINE_VERSION,
    INSTALLED_KEY,
    MAX_DAYS,
    OVERRIDES_KEY,
    POLICY_KEY,
    PolicyEntry,
    Rule,
    RuleBook,
    RulePack,
    RulePackError,
)

# -- a clinic's changes -------------------------------------------------------------------------


@dataclass(frozen=True)
class ClinicRuleSettings:
    """What a clinic changed, as stored (JSON) in the vault settings."""

    overrides: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    closed_days: Mapping[str, str] = field(default_factory=dict)  # ISO date -> label
    policy: Mapping[str, list[Mapping[str, Any]]] = field(default_factory=dict)
    # Packs from a signed update: {"packs": {program: TOML text}, "bundle": {...}}.
    installed: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, values: Mapping[str, Any]) -> ClinicRuleSettings:
        def table(key: str) -> dict[str, Any]:
            value = values.get(key)
            return dict(value) if isinstance(value, dict) else {}

        return cls(
            overrides=table(OVERRIDES_KEY),
            closed_days=table(CLOSED_DAYS_KEY),
            policy=table(POLICY_KEY),
            installed=table(INSTALLED_KEY),
        )

    def installed_packs(self) -> dict[str, str]:
        packs = self.installed.get("packs")
        if not isinstance(packs, dict):
            return {}
        return {str(k): v for k, v in packs.items() if isinstance(v, str)}

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
_installed_cache: dict[str, RulePack] = {}


def _installed_pack(text: str) -> RulePack:
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    found = _installed_cache.get(sha)
    if found is None:
        found = replace(parse_pack(text, "update.toml"), source="update")
        _installed_cache[sha] = found
    return found


def with_installed(
    packs: Mapping[str, RulePack], digest: str, installed: Mapping[str, str]
) -> tuple[dict[str, RulePack], str, list[str]]:
    """The shipped packs, each replaced by an installed update that is at least as new.

    A newer app's own pack wins over an older installed update (the update is then unused).
    Returns the packs, a digest of what is in use and warnings for updates that cannot be read.
    """
    out = dict(packs)
    used = hashlib.sha256(digest.encode())
    warnings = []
    for program, text in sorted(installed.items()):
        try:
            pack = _installed_pack(text)
        except RulePackError:
            warnings.append(f"the installed update of '{program}' cannot be read; it is ignored")
            continue
        shipped = packs.get(pack.program)
        if shipped is not None and (shipped.released or date.min) > (pack.released or date.min):
            continue
        out[pack.program] = pack
        used.update(hashlib.sha256(text.encode("utf-8")).hexdigest().encode())
    seen: dict[str, str] = {}
    for pack in out.values():
        for rule in pack.rules:
            if rule.id in seen:
                raise RulePackError(
                    f"Rule '{rule.id}' is in both the {seen[rule.id]} and the {pack.program} "
                    "packs; install a corrected update."
                )
            seen[rule.id] = pack.program
    return out, used.hexdigest(), warnings


def rulebook_for(settings: ClinicRuleSettings) -> RuleBook:
    """The shipped packs (with installed updates) and these settings, cached (rule books are
    immutable)."""
    shipped, shipped_digest = load_packs()
    packs, digest, problems = with_installed(shipped, shipped_digest, settings.installed_packs())
    key = (
        digest,
        json.dumps([settings.overrides, settings.closed_days, settings.policy], sort_keys=True),
    )
    book = _book_cache.get(key)
    if book is None:
        if len(_book_cache) > 16:
            _book_cache.clear()
        book = build_rulebook(settings, packs=packs, packs_digest=digest)
        if problems:
            book = replace(book, warnings=(*book.warnings, *problems))
        _book_cache[key] = book
    return book
