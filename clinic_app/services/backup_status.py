"""How old the last verified backup is, in one sentence for Today and one object for `today --json`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from clinic_app.i18n import N_, _, ngettext
from clinic_app.services.backup_copies import from_iso, iso
from clinic_app.services.backup_plan import get_plan
from clinic_app.services.backup_runs import read_record
from clinic_app.store.base import VAULT, Store

MISSED_TWICE = {
    "daily": N_("at least two daily backups were missed"),
    "weekly": N_("at least two weekly backups were missed"),
    "on-close": N_("no backup for more than two days"),
}

SERVER_BACKUPS = N_(
    "The clinic server is backed up on the server by its administrator (docs/server.md, Backups)."
)


@dataclass(frozen=True)
class BackupStatus:
    every: str  # the plan's frequency, or "off"
    last_verified: datetime | None
    destination: str  # the short name of where that copy is ("USB"), or ""
    age: timedelta | None
    warning: bool
    message: str
    notes: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "every": self.every,
            "last_verified": iso(self.last_verified) if self.last_verified else None,
            "destination": self.destination or None,
            "age_days": self.age.days if self.age is not None else None,
            "warning": self.warning,
            "message": self.message,
            "notes": list(self.notes),
        }


def ago(delta: timedelta) -> str:
    """ "just now", "5 hours ago", "3 days ago"."""
    hours = int(delta.total_seconds() // 3600)
    if hours < 1:
        return _("just now")
    if hours < 24:
        return ngettext("{n} hour ago", "{n} hours ago", hours).format(n=hours)
    return ngettext("{n} day ago", "{n} days ago", delta.days).format(n=delta.days)


def backup_status(vault: Store, *, now: datetime) -> BackupStatus:
    """The newest verified copy at any destination (from the vault's own record, so it is known
    while the drive is unplugged), and a warning once the plan's period was missed twice."""
    if vault.kind != VAULT:
        # The clinic server is backed up where it runs (pg_dump, docs/server.md), not by this
        # computer's backup plan (which it refuses): nothing to set or warn about here.
        return BackupStatus("off", None, "", None, False, _(SERVER_BACKUPS))
    plan = get_plan(vault)
    labels = {str(d.path): d.label for d in plan.destinations}
    record = read_record(vault)
    newest: tuple[datetime, str] | None = None
    notes: list[str] = []
    for path, entry in record.items():
        label = labels.get(path)
        if label is None:
            continue  # a destination no longer in the plan
        good = entry.get("good")
        if isinstance(good, dict):
            made = from_iso(str(good["made"]))
            if newest is None or made > newest[0]:
                newest = (made, label)
        note = _note(label, entry.get("last"))
        if note:
            notes.append(note)
    every = plan.every if plan.enabled else "off"
    if newest is None:
        message = _("No verified backup yet.") if plan.enabled else _("Automatic backups are off.")
        return BackupStatus(every, None, "", None, True, message, tuple(notes))
    made, label = newest
    age = max(now - made, timedelta(0))
    message = _("Last verified backup: {ago} ({where})").format(ago=ago(age), where=label)
    warning = plan.period is None or age > 2 * plan.period
    if plan.period is None:
        message += ". " + _("Automatic backups are off.")
    elif warning:
        message += ": " + _(MISSED_TWICE[plan.every]) + "."
    return BackupStatus(every, made, label, age, warning, message, tuple(notes))


def _note(label: str, last: object) -> str:
    if not isinstance(last, dict):
        return ""
    status = last.get("status")
    if status == "missing":
        return _("{where} was not connected at the last backup, so it was skipped.").format(
            where=label
        )
    if status == "failed":
        return _("The newest copy on {where} failed its check; the good copies were kept.").format(
            where=label
        )
    if status == "error":
        return _("The last backup to {where} could not be written: {problem}").format(
            where=label, problem=last.get("problem", "")
        )
    return ""
