"""Rule packs as records, the clinic's rule overrides, closed days and policy changes."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from clinic_app.deadlines.packs import load_packs
from clinic_app.deadlines.rules import (
    CLOSED_DAYS_KEY,
    MAX_DAYS,
    OVERRIDES_KEY,
    POLICY_KEY,
    POLICY_STATUSES,
    Rule,
)
from clinic_app.domain import validators as v
from clinic_app.domain.models import Setting
from clinic_app.errors import NotFoundError, UserError, ValidationError
from clinic_app.i18n import _, current_language
from clinic_app.services.changes import DEADLINE, SETTING, Changed, ChangeSet
from clinic_app.services.deadlines.query import (
    _m,
    rulebook,
)
from clinic_app.store.base import Store
from clinic_app.vault import audit


@dataclass(frozen=True)
class RuleRecord:
    id: str
    program: str
    kind: str
    fact: str
    days: int
    direction: str
    describe: str
    roll: str
    severity: str
    soon_days: int
    reminders: tuple[int, ...]
    basis: str
    message: str
    why: str
    source: str
    last_checked: date | None
    when: tuple[str, ...]
    done_when: tuple[str, ...]
    overridden: dict[str, list[Any]]  # {"days": [shipped, now]}
    where: tuple[str, ...] = ()  # only for clients living in these states
    except_states: tuple[str, ...] = ()  # not for clients living in these states
    not_here: str = ""  # why, where the rule does not apply


@dataclass(frozen=True)
class PolicyRecord:
    status: str
    date: dt.date
    summary: str
    source: str
    last_checked: dt.date | None
    recorded_by_clinic: bool
    where: tuple[str, ...] = ()
    except_states: tuple[str, ...] = ()

    @property
    def places(self) -> str:
        """'[TX only] ' or '[not TX] ' before a summary; empty for nationwide entries."""
        if self.where:
            return "[" + ", ".join(self.where) + " only] "
        if self.except_states:
            return "[not " + ", ".join(self.except_states) + "] "
        return ""


@dataclass(frozen=True)
class ProgramRecord:
    id: str
    title: str
    description: str
    caution: str
    policy_status: str | None
    policy_since: date | None
    policy: tuple[PolicyRecord, ...]
    rules: tuple[RuleRecord, ...]
    released: date | None = None
    last_checked: date | None = None
    review_by: date | None = None
    source: str = "shipped"  # "update" when installed from a signed rule update


# -- rules, closed days, policy ---------------------------------------------------------------------


def _rule_record(rule: Rule) -> RuleRecord:
    return RuleRecord(
        id=rule.id,
        program=rule.program,
        kind=rule.kind,
        fact=rule.fact,
        days=rule.days,
        direction=rule.direction,
        describe=rule.describe(),
        roll=rule.roll,
        severity=rule.severity,
        soon_days=rule.soon_days,
        reminders=rule.reminders,
        basis=rule.basis,
        message=_in_language(rule, "message"),
        why=_in_language(rule, "why"),
        source=rule.source,
        last_checked=rule.last_checked,
        when=rule.when,
        done_when=rule.done_when,
        overridden={k: [_plain(a), _plain(b)] for k, (a, b) in rule.overridden.items()},
        where=rule.where,
        except_states=rule.except_,
        not_here=_in_language(rule, "not_here") if rule.not_here else "",
    )


def _in_language(rule: Rule, name: str) -> str:
    """A rule's sentence in the current language: the pack's translation, else the catalog's."""
    lang = current_language()
    if name in rule.translations.get(lang, {}):
        return rule.text(name, lang)
    return _(rule.text(name))


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def read_shipped_rules() -> None:
    """Read the rule packs shipped with the app now (they stay cached): the desktop does it
    while the passphrase is typed, so the first screen after unlocking does not wait for them."""
    load_packs()


def list_programs(vault: Store, *, today: date) -> list[ProgramRecord]:
    """Every rule pack with its policy history, the status in force and its effective rules."""
    book = rulebook(vault)
    out = []
    for program in sorted(book.packs):
        pack = book.packs[program]
        current = book.policy_on(program, today)
        out.append(
            ProgramRecord(
                id=program,
                title=pack.text("title", current_language()),
                description=pack.text("description", current_language()),
                caution=pack.text("caution", current_language()),
                policy_status=current.status if current else None,
                policy_since=current.on if current else None,
                policy=tuple(
                    PolicyRecord(
                        status=e.status,
                        date=e.on,
                        summary=e.text("summary", current_language()),
                        source=e.source,
                        last_checked=e.last_checked,
                        recorded_by_clinic=e.recorded_by_clinic,
                        where=e.where,
                        except_states=e.except_,
                    )
                    for e in book.policy_history(program)
                ),
                rules=tuple(_rule_record(r) for r in pack.rules),
                released=pack.released,
                last_checked=pack.last_checked,
                review_by=pack.review_by,
                source=pack.source,
            )
        )
    return out


def rule_warnings(vault: Store) -> list[str]:
    return list(rulebook(vault).warnings)


def _read_setting(session: Session, key: str) -> dict[str, Any]:
    row = session.get(Setting, key)
    if row is None:
        return {}
    try:
        value = json.loads(row.value)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _write_setting(session: Session, key: str, value: dict[str, Any]) -> None:
    row = session.get(Setting, key)
    text = json.dumps(value, sort_keys=True)
    if row is None:
        row = Setting(key=key, value=text)
    else:
        row.value = text
    session.add(row)


def set_rule(
    vault: Store,
    *,
    rule_id: str,
    days: int | None = None,
    reminders: Sequence[int] | None = None,
) -> Changed[RuleRecord]:
    """Override a rule's number of days and/or its reminders (audited; recomputes everything)."""
    book = rulebook(vault)
    rule = book.rule(rule_id)
    if days is None and reminders is None:
        raise UserError(_("Say what to change: --days N and/or --reminders LIST."))
    change: dict[str, Any] = {}
    if days is not None:
        if not 0 <= days <= MAX_DAYS:
            raise ValidationError(
                "days",
                _("give a whole number from 0 to {most}.").format(most=MAX_DAYS),
                label=_("days"),
            )
        change["days"] = days
    if reminders is not None:
        if any(not 0 <= r <= MAX_DAYS for r in reminders):
            raise ValidationError(
                "reminders",
                _("give days from 0 to {most}.").format(most=MAX_DAYS),
                label=_("reminders"),
            )
        change["reminders"] = sorted(set(reminders), reverse=True)
    with vault.session() as session:
        overrides = _read_setting(session, OVERRIDES_KEY)
        before = dict(overrides.get(rule_id) or {})
        overrides[rule_id] = before | change
        _write_setting(session, OVERRIDES_KEY, overrides)
        parts = []
        if "days" in change:
            parts.append(f"days {before.get('days', rule.days)} -> {change['days']}")
        if "reminders" in change:
            parts.append("reminders " + ",".join(map(str, change["reminders"])))
        audit.record(
            session,
            action="rule_override",
            record_kind=SETTING,
            summary=f"{rule_id}: " + "; ".join(parts),
        )
    return Changed(
        _rule_record(rulebook(vault).rule(rule_id)),
        ChangeSet(kinds=frozenset({SETTING, DEADLINE})),
    )


def reset_rule(vault: Store, *, rule_id: str) -> Changed[RuleRecord]:
    """Back to the shipped numbers (audited; recomputes everything)."""
    rulebook(vault).rule(rule_id)  # a clear error for an unknown id
    with vault.session() as session:
        overrides = _read_setting(session, OVERRIDES_KEY)
        if rule_id in overrides:
            del overrides[rule_id]
            _write_setting(session, OVERRIDES_KEY, overrides)
            audit.record(session, action="rule_reset", record_kind=SETTING, summary=rule_id)
    return Changed(
        _rule_record(rulebook(vault).rule(rule_id)),
        ChangeSet(kinds=frozenset({SETTING, DEADLINE})),
    )


def closed_days(vault: Store) -> dict[date, str]:
    """Days the clinic is closed (besides weekends and federal holidays), with their labels."""
    return dict(sorted(rulebook(vault).calendar.closed_days.items()))


def set_closed_days(
    vault: Store,
    *,
    add: Iterable[date | str] = (),
    remove: Iterable[date | str] = (),
    label: str = "",
) -> ChangeSet:
    """Add or remove clinic closed days (audited; due dates move off them)."""
    added = [v.parse_date(d, "closed day") for d in add]
    removed = [v.parse_date(d, "closed day") for d in remove]
    with vault.session() as session:
        days = _read_setting(session, CLOSED_DAYS_KEY)
        for day in added:
            if day is not None:
                days[day.isoformat()] = label.strip() or "clinic closed"
        for day in removed:
            if day is not None and day.isoformat() not in days:
                raise NotFoundError(
                    _("{day} is not one of the clinic's closed days.").format(day=day.isoformat())
                )
            if day is not None:
                del days[day.isoformat()]
        _write_setting(session, CLOSED_DAYS_KEY, days)
        audit.record(
            session,
            action="closed_days",
            record_kind=SETTING,
            summary=f"{len([d for d in added if d])} added, {len([d for d in removed if d])} removed",
        )
    return ChangeSet(kinds=frozenset({SETTING, DEADLINE}))


def record_policy(
    vault: Store,
    *,
    program: str,
    status: str,
    on: date | str,
    source: str,
    summary: str = "",
) -> ChangeSet:
    """Note a policy change (open, paused, ended) for a program, with its source (audited)."""
    status_value = v.choice(status, POLICY_STATUSES, "policy status")
    day = v.parse_date(on, "policy date")
    if day is None:
        raise ValidationError(
            "policy date", _("give the date the change took effect."), label=_("policy date")
        )
    cited = v.require_text(source, "source")
    known = _known_programs(vault)
    if program not in known:
        raise UserError(
            _("There is no program '{program}'; known programs: {known}.").format(
                program=program, known=", ".join(sorted(known))
            )
        )
    with vault.session() as session:
        notes = _read_setting(session, POLICY_KEY)
        entries = list(notes.get(program) or [])
        entries.append(
            {
                "status": status_value,
                "date": day.isoformat(),
                "source": cited,
                "summary": summary.strip(),
            }
        )
        notes[program] = entries
        _write_setting(session, POLICY_KEY, notes)
        audit.record(
            session,
            action="policy_status",
            record_kind=SETTING,
            summary=f"{program}: {status_value} from {day.isoformat()}",
        )
    return ChangeSet(kinds=frozenset({SETTING, DEADLINE}))


def _known_programs(vault: Store) -> set[str]:
    with vault.reader() as session:
        used = set(session.connection().execute(select(_m.program).distinct()).scalars())
    return used | set(rulebook(vault).packs)
