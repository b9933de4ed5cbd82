"""The only API the UI and the CLI use: keyword-only functions returning frozen records."""

from __future__ import annotations

from clinic_app.services import (
    audit_log,
    backup,
    check,
    clients,
    conflicts,
    demo,
    employers,
    files,
    importing,
    letters,
    matters,
    notes,
    settings,
    staff,
    vault_ops,
)
from clinic_app.services.changes import Changed, ChangeSet

__all__ = [
    "ChangeSet",
    "Changed",
    "audit_log",
    "backup",
    "check",
    "clients",
    "conflicts",
    "demo",
    "employers",
    "files",
    "importing",
    "letters",
    "matters",
    "notes",
    "settings",
    "staff",
    "vault_ops",
]
