"""Installing a signed rule update from a file: what it changes, then install and recompute."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Connection
from sqlmodel import Session

from clinic_app.deadlines import sync
from clinic_app.deadlines.bundles import Bundle, RuleUpdateError, read_bundle
from clinic_app.deadlines.engine import plan_matter
from clinic_app.deadlines.facts import load_facts
from clinic_app.deadlines.rulebook import ClinicRuleSettings, rulebook_for
from clinic_app.deadlines.rules import INSTALLED_KEY, PolicyEntry, Rule, RuleBook
from clinic_app.domain.models import Setting
from clinic_app.i18n import _, current_language, format_day
from clinic_app.services._base import now
from clinic_app.services.changes import DEADLINE, SETTING, Changed, ChangeSet
from clinic_app.store.base import Store
from clinic_app.vault import audit


@dataclass(frozen=True)
class PackChange:
    program: str
    title: str
    released_before: date | None
    released_after: date | None


@dataclass(frozen=True)
class RuleChange:
    """A rule the update adds, changes or removes, for a screen to say in words (the rule's
    message in the current language; `before` None: added, `after` None: removed)."""

    rule_id: str
    program: str
    message: str
    before: Rule | None
    after: Rule | None


@dataclass(frozen=True)
class PolicyChange:
    """A policy entry the update adds, its summary in the current language."""

    program: str
    entry: PolicyEntry
    summary: str


@dataclass(frozen=True)
class UpdatePreview:
    """What installing a bundle would change, worked out before anything is written."""

    file: str
    issued: date
    key_id: str
    note: str
    packs: tuple[PackChange, ...]
    policies_added: tuple[str, ...]
    rules_changed: tuple[str, ...]  # "daca.renewal_file_by: days 120 -> 130"
    rules_added: tuple[str, ...]
    rules_removed: tuple[str, ...]
    deadlines_moved: int  # same deadline, another date
    deadlines_added: int
    deadlines_removed: int
    matters_affected: int
    # The clinic's changes to rules this update removes: kept, but they no longer apply.
    overrides_orphaned: tuple[str, ...]
    # The same changes as records, for the desktop to put in words (the strings above keep ids).
    rule_changes: tuple[RuleChange, ...] = ()
    policy_changes: tuple[PolicyChange, ...] = ()

    def lines(self) -> list[str]:
        """The preview as sentences, for the command line and the confirmation dialog."""
        out = [
            _("Rule update issued {day} (key {key}).").format(
                day=_day(self.issued), key=self.key_id
            )
        ]
        if self.note:
            out.append(self.note)
        for pack in self.packs:
            out.append(
                _("{title}: edition of {after} replaces that of {before}.").format(
                    title=pack.title,
                    after=_day(pack.released_after),
                    before=_day(pack.released_before),
                )
            )
        out += [_("Policy entry added: {text}").format(text=t) for t in self.policies_added]
        out += [_("Rule changed: {text}").format(text=t) for t in self.rules_changed]
        out += [_("Rule added: {text}").format(text=t) for t in self.rules_added]
        out += [_("Rule removed: {text}").format(text=t) for t in self.rules_removed]
        out.append(
            _(
                "Deadlines: {moved} move to another date, {added} are added, {removed} go away "
                "({matters} matters)."
            ).format(
                moved=self.deadlines_moved,
                added=self.deadlines_added,
                removed=self.deadlines_removed,
                matters=self.matters_affected,
            )
        )
        for rule_id in self.overrides_orphaned:
            out.append(
                _(
                    "The clinic's change to {rule} no longer applies: this update removes that "
                    "rule (the change is kept, and 'clinic-app rules show' reports it)."
                ).format(rule=rule_id)
            )
        return out


def _day(value: date | None) -> str:
    # ISO on the command line, the language's own way on the desktop.
    return format_day(value) if value else _("unknown date")


def _settings(conn: Connection) -> ClinicRuleSettings:
    return ClinicRuleSettings.from_settings(sync.read_settings(conn))


def _with_bundle(settings: ClinicRuleSettings, bundle: Bundle, when: str) -> dict[str, Any]:
    packs = settings.installed_packs() | dict(bundle.texts)
    return {
        "packs": packs,
        "bundle": {
            "issued": bundle.issued.isoformat(),
            "key": bundle.key_id,
            "sha256": bundle.sha256,
            "installed_at": when,
        },
    }


def _policy_text(program: str, entry: PolicyEntry) -> str:
    where = f" [{', '.join(entry.where)} only]" if entry.where else ""
    where += f" [not {', '.join(entry.except_)}]" if entry.except_ else ""
    return f"{program} {entry.on.isoformat()} {entry.status}{where}: {entry.summary}"


def _compare(before: RuleBook, after: RuleBook) -> dict[str, tuple[str, ...]]:
    old, new = before.rules_by_id(), after.rules_by_id()
    changed = []
    for rule_id in sorted(old.keys() & new.keys()):
        a, b = old[rule_id], new[rule_id]
        parts = [
            f"{name} {getattr(a, name)} -> {getattr(b, name)}"
            for name in ("days", "direction", "fact")
            if getattr(a, name) != getattr(b, name)
        ]
        if a.reminders != b.reminders:
            parts.append(
                "reminders "
                + (",".join(map(str, a.reminders)) or "none")
                + " -> "
                + (",".join(map(str, b.reminders)) or "none")
            )
        if (a.where, a.except_) != (b.where, b.except_):
            parts.append(f"places {b.describe()}")
        if parts:
            changed.append(f"{rule_id}: " + "; ".join(parts))
    policies_before = {_policy_text(p, e) for p in before.packs for e in before.packs[p].policy}
    added = [
        _policy_text(p, e)
        for p in sorted(after.packs)
        for e in after.packs[p].policy
        if _policy_text(p, e) not in policies_before
    ]
    return {
        "changed": tuple(changed),
        "added": tuple(f"{r} ({new[r].describe()})" for r in sorted(new.keys() - old.keys())),
        "removed": tuple(sorted(old.keys() - new.keys())),
        "policies": tuple(added),
    }


def _changes_in_words(
    before: RuleBook, after: RuleBook
) -> tuple[tuple[RuleChange, ...], tuple[PolicyChange, ...]]:
    """What _compare says with ids, as records a screen can word in its language."""
    lang = current_language()
    old, new = before.rules_by_id(), after.rules_by_id()
    rules = []
    for rule_id in sorted(old.keys() | new.keys()):
        a, b = old.get(rule_id), new.get(rule_id)
        if a is not None and b is not None and (
            (a.days, a.direction, a.fact, a.reminders, a.where, a.except_)
            == (b.days, b.direction, b.fact, b.reminders, b.where, b.except_)
        ):
            continue
        rule = b or a
        assert rule is not None
        rules.append(RuleChange(rule_id, rule.program, rule.text("message", lang), a, b))
    known = {_policy_text(p, e) for p in before.packs for e in before.packs[p].policy}
    policies = [
        PolicyChange(p, e, e.text("summary", lang))
        for p in sorted(after.packs)
        for e in after.packs[p].policy
        if _policy_text(p, e) not in known
    ]
    return tuple(rules), tuple(policies)


def _plans(conn: Connection, books: Iterable[RuleBook]) -> list[dict[tuple[int, str, str], date]]:
    facts = load_facts(conn)
    return [{p.key: p.due for f in facts for p in plan_matter(f, book)} for book in books]


def preview_update(
    vault: Store, *, path: Path, keys: Iterable[Ed25519PublicKey] | None = None
) -> UpdatePreview:
    """Check the bundle's signature and work out what installing it would change."""
    bundle = read_bundle(Path(path), keys)
    with vault.reader() as session:
        conn = session.connection()
        return _preview(conn, bundle, Path(path).name)


def _preview(conn: Connection, bundle: Bundle, name: str) -> UpdatePreview:
    settings = _settings(conn)
    before = rulebook_for(settings)
    for program, pack in bundle.packs.items():
        in_use = before.packs.get(program)
        if in_use is not None and (pack.released or date.min) < (in_use.released or date.min):
            raise RuleUpdateError(
                _(
                    "{name} would replace the {title} rules of {day} with older ones of {older_day}; nothing was changed."
                ).format(
                    name=name,
                    title=in_use.title,
                    day=_day(in_use.released),
                    older_day=_day(pack.released),
                )
            )
    after = rulebook_for(replace(settings, installed=_with_bundle(settings, bundle, "")))
    newer = [
        PackChange(p, after.packs[p].title, before.packs[p].released, after.packs[p].released)
        if p in before.packs
        else PackChange(p, after.packs[p].title, None, after.packs[p].released)
        for p in sorted(bundle.packs)
        if after.packs.get(p) is not None
        and after.packs[p].source == "update"
        and (p not in before.packs or before.packs[p] != after.packs[p])
    ]
    if not newer:
        raise RuleUpdateError(
            _("{name} is not newer than the rules in use; nothing was changed.").format(name=name)
        )
    diff = _compare(before, after)
    old_plan, new_plan = _plans(conn, (before, after))
    moved = {k for k in old_plan.keys() & new_plan.keys() if old_plan[k] != new_plan[k]}
    added, removed = new_plan.keys() - old_plan.keys(), old_plan.keys() - new_plan.keys()
    known_after = set(after.rules_by_id())
    rule_changes, policy_changes = _changes_in_words(before, after)
    return UpdatePreview(
        file=name,
        issued=bundle.issued,
        key_id=bundle.key_id,
        note=bundle.note,
        packs=tuple(newer),
        policies_added=diff["policies"],
        rules_changed=diff["changed"],
        rules_added=diff["added"],
        rules_removed=diff["removed"],
        deadlines_moved=len(moved),
        deadlines_added=len(added),
        deadlines_removed=len(removed),
        matters_affected=len({k[0] for k in moved | added | removed}),
        overrides_orphaned=tuple(sorted(r for r in settings.overrides if r not in known_after)),
        rule_changes=rule_changes,
        policy_changes=policy_changes,
    )


def install_update(
    vault: Store, *, path: Path, keys: Iterable[Ed25519PublicKey] | None = None
) -> Changed[UpdatePreview]:
    """Install a signed bundle (audited); every deadline is recomputed in the same transaction.

    An unsigned, altered or older bundle is refused with one sentence and nothing changes.
    """
    bundle = read_bundle(Path(path), keys)
    with vault.session() as session:
        conn = session.connection()
        preview = _preview(conn, bundle, Path(path).name)
        settings = _settings(conn)
        stamp = now().replace(microsecond=0).isoformat()
        _write(session, _with_bundle(settings, bundle, stamp))
        audit.record(
            session,
            action="rules_update",
            record_kind=SETTING,
            summary=(
                f"update issued {bundle.issued.isoformat()} key {bundle.key_id} "
                f"sha256 {bundle.sha256[:16]}: "
                + ", ".join(f"{p.program} {_day(p.released_after)}" for p in preview.packs)
                + f"; {preview.deadlines_moved} moved, {preview.deadlines_added} added, "
                f"{preview.deadlines_removed} removed"
            ),
        )
    return Changed(preview, ChangeSet(kinds=frozenset({SETTING, DEADLINE})))


def _write(session: Session, value: dict[str, Any]) -> None:
    row = session.get(Setting, INSTALLED_KEY)
    text = json.dumps(value, sort_keys=True)
    if row is None:
        row = Setting(key=INSTALLED_KEY, value=text)
    else:
        row.value = text
    session.add(row)


def installed_update(vault: Store) -> dict[str, Any]:
    """What the last installed update was (issued, key, sha256, installed_at), or {}."""
    with vault.reader() as session:
        found = _settings(session.connection()).installed.get("bundle")
    return dict(found) if isinstance(found, dict) else {}
