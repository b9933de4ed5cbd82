"""The only API the UI and the CLI use: keyword-only functions returning frozen records."""

from __future__ import annotations

from clinic_app.services.changes import Changed, ChangeSet

# The services load when first imported (`from clinic_app.services import clients`), not all
# with the package: the main window and its first screen need a third of them.

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
