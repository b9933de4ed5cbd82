"""Settings → Deadline rules → "Install update…": a signed rule update from a file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from clinic_app.errors import ClinicError
from clinic_app.i18n import _, format_day, ngettext
from clinic_app.services import rule_updates, vocab
from clinic_app.services.changes import ChangeSet
from clinic_app.services.rule_updates import RuleChange, UpdatePreview
from clinic_app.services.vault_ops import Vault
from ui.confirm import choose


def _when(change: RuleChange, side: str) -> str:
    rule = change.before if side == "before" else change.after
    if rule is None:
        return ""
    when = vocab.rule_when(rule.days, rule.direction, rule.fact, rule.where, rule.except_)
    other = change.after if side == "before" else change.before
    if other is not None and other.reminders != rule.reminders:
        days = ", ".join(map(str, rule.reminders)) or "—"
        when += "; " + _("reminders {days} days ahead").format(days=days)
    return when


def _rule_line(change: RuleChange) -> str:
    title = f"{vocab.label('program', change.program)}: {_(change.message)}"
    if change.before is None:
        return _("New rule: {rule}, {when}.").format(rule=title, when=_when(change, "after"))
    if change.after is None:
        return _("Rule removed: {rule}.").format(rule=title)
    return _("{rule}: {before} → {after}.").format(
        rule=title, before=_when(change, "before"), after=_when(change, "after")
    )


def preview_text(preview: UpdatePreview) -> str:
    """What the update changes, for a person: rules by what they say and when they fall,
    dates as the language writes them, counts in words (the command line's lines keep ids)."""
    lines = [_("Rule update of {day}.").format(day=format_day(preview.issued))]
    if preview.note:
        lines.append(preview.note)
    for pack in preview.packs:
        program = vocab.label("program", pack.program)
        lines.append(
            _("{program}: the rules of {after} replace those of {before}.").format(
                program=program,
                after=format_day(pack.released_after) if pack.released_after else "—",
                before=format_day(pack.released_before) if pack.released_before else "—",
            )
            if pack.released_before
            else _("{program}: new rules of {after}.").format(
                program=program,
                after=format_day(pack.released_after) if pack.released_after else "—",
            )
        )
    for policy in preview.policy_changes:
        lines.append(
            _("{program}, from {day}: {status}. {summary}").format(
                program=vocab.label("program", policy.program),
                day=format_day(policy.entry.on),
                status=vocab.label("program_status", policy.entry.status),
                summary=policy.summary,
            )
        )
    lines += [_rule_line(change) for change in preview.rule_changes]
    counts = [
        ngettext(
            "{n} deadline moves to another date",
            "{n} deadlines move to another date",
            preview.deadlines_moved,
        ).format(n=preview.deadlines_moved),
        ngettext("{n} is added", "{n} are added", preview.deadlines_added).format(
            n=preview.deadlines_added
        ),
        ngettext("{n} goes away", "{n} go away", preview.deadlines_removed).format(
            n=preview.deadlines_removed
        ),
    ]
    total = ngettext(
        "{counts}, on {n} matter.", "{counts}, on {n} matters.", preview.matters_affected
    ).format(counts=", ".join(counts), n=preview.matters_affected)
    lines.append(total[:1].upper() + total[1:])
    removed = {c.rule_id: c for c in preview.rule_changes if c.after is None}
    for rule_id in preview.overrides_orphaned:
        change = removed.get(rule_id)
        lines.append(
            _(
                "The clinic's change to “{rule}” no longer applies: this update removes that "
                "rule (the change is kept)."
            ).format(rule=_(change.message) if change else rule_id)
        )
    return "\n".join(lines)


def install_rule_update(parent: QWidget, vault: Vault) -> tuple[ChangeSet, str]:
    """Ask for the file, show what it changes, ask, install. Returns the change-set (empty when
    nothing was installed) and one sentence for the page to show."""
    name, _filter = QFileDialog.getOpenFileName(
        parent, _("Choose a rule update"), "", _("Rule updates (*.cliniccrules);;All files (*)")
    )
    if not name:
        return ChangeSet(), ""
    try:
        preview = rule_updates.preview_update(vault, path=Path(name))
    except ClinicError as exc:
        return ChangeSet(), exc.message
    answer = choose(
        parent,
        _("Install the rule update?"),
        preview_text(preview)
        + "\n\n"
        + _("Install it and recompute every deadline? The audit log records it."),
        [("install", _("Install")), ("cancel", _("Cancel"))],
        default="install",
        cancel="cancel",
    )
    if answer != "install":
        return ChangeSet(), _("The rule update was not installed; nothing was changed.")
    try:
        result = rule_updates.install_update(vault, path=Path(name))
    except ClinicError as exc:
        return ChangeSet(), exc.message
    done = result.record
    return result.changes, _("Rule update installed: {moved}, {added}, {removed}.").format(
        moved=ngettext("{n} deadline moved", "{n} deadlines moved", done.deadlines_moved).format(
            n=done.deadlines_moved
        ),
        added=ngettext("{n} added", "{n} added", done.deadlines_added).format(
            n=done.deadlines_added
        ),
        removed=ngettext("{n} removed", "{n} removed", done.deadlines_removed).format(
            n=done.deadlines_removed
        ),
    )
